import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';

/**
 * The SmartBill's verification gate: the page's details are sealed with AES-256-GCM under a key
 * derived with PBKDF2-HMAC-SHA256 from the bill's total charge (normalised, see amount.ts). The
 * browser opens it with WebCrypto (`importKey('raw', …, 'PBKDF2')`, `deriveKey` to AES-GCM 256,
 * `decrypt`), which takes the ciphertext with the 16-byte tag appended, as stored here. The
 * plaintext is compressed (raw DEFLATE, RFC 1951) before it is encrypted, which the browser undoes
 * with `DecompressionStream('deflate-raw')`: a 50-line page's details shrink about tenfold, which
 * matters on a phone. (Compressing before encrypting leaks only when an attacker can mix their own
 * text with a secret in one message; a page is fixed when it is made.)
 *
 * The iteration floor is OWASP's current figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat
 * Sheet: 600,000). The amount is a low-entropy secret: PBKDF2 makes each guess cost, it does not
 * make guessing impossible, so the page's real protection is its signed, expiring URL.
 */

const pbkdf2Async = promisify(pbkdf2);
const deflateRawAsync = promisify(deflateRaw);
const inflateRawAsync = promisify(inflateRaw);

/** The least number of PBKDF2 iterations a page may use. */
export const MIN_PBKDF2_ITERATIONS = 600_000;
/** The number used unless the caller asks for more. */
export const DEFAULT_PBKDF2_ITERATIONS = MIN_PBKDF2_ITERATIONS;
/** Salt length in bytes (at least 16; NIST SP 800-132 asks for 128 bits). */
export const SALT_BYTES = 16;
/** AES-GCM nonce length in bytes (the 96 bits GCM is defined for, NIST SP 800-38D). */
export const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Everything the browser needs to open a sealed page, as it is embedded in the page (JSON). */
export interface SealedParams {
  /** Format version. */
  readonly v: 1;
  readonly kdf: 'PBKDF2-SHA256';
  readonly iterations: number;
  /** Base64 (standard alphabet, padded). */
  readonly salt: string;
  readonly cipher: 'AES-256-GCM';
  /** The plaintext was compressed with raw DEFLATE before it was encrypted. */
  readonly compression: 'deflate-raw';
  /** Base64, 12 bytes. */
  readonly iv: string;
  /** Base64: the ciphertext followed by the 16-byte authentication tag (WebCrypto's layout). */
  readonly ciphertext: string;
}

/** Parameters a SmartBill cannot be sealed or opened with (iterations too low, bad salt or IV). */
export class SmartBillSealError extends Error {
  override readonly name = 'SmartBillSealError';
}

/** Options of {@link seal}. */
export interface SealOptions {
  /** Random, at least 16 bytes, fresh for every page. */
  readonly salt: Uint8Array;
  /** Random, exactly 12 bytes, fresh for every page. */
  readonly iv: Uint8Array;
  /** @default 600_000 (refused below that) */
  readonly iterations?: number;
}

/**
 * A fresh random salt and IV for one page (every page needs its own: the same amount under the
 * same salt gives the same key, and GCM must never see the same key and IV twice).
 *
 * @returns 16 bytes of salt and 12 of IV from the operating system's CSPRNG
 */
export function freshSaltAndIv(): { readonly salt: Uint8Array; readonly iv: Uint8Array } {
  return { salt: randomBytes(SALT_BYTES), iv: randomBytes(IV_BYTES) };
}

function checkIterations(iterations: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < MIN_PBKDF2_ITERATIONS) {
    throw new SmartBillSealError(
      `PBKDF2 iterations must be a whole number of at least ${MIN_PBKDF2_ITERATIONS}; got ${iterations}`,
    );
  }
}

async function deriveKey(secret: string, salt: Uint8Array, iterations: number): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(secret, 'utf8'), salt, iterations, KEY_BYTES, 'sha256');
}

/**
 * Encrypts a text under a key derived from a secret (the normalised total charge).
 *
 * @param plaintext - the text to seal (the page's details as an HTML fragment), compressed then encrypted
 * @param secret - the normalised amount, for example "13667.23"
 * @param options - salt, IV and iterations
 * @returns the parameters and ciphertext to embed in the page
 * @throws SmartBillSealError for fewer than 600,000 iterations, a salt under 16 bytes or an IV
 *   that is not 12 bytes
 */
export async function seal(plaintext: string, secret: string, options: SealOptions): Promise<SealedParams> {
  const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  checkIterations(iterations);
  if (options.salt.byteLength < SALT_BYTES) {
    throw new SmartBillSealError(`the salt must be at least ${SALT_BYTES} bytes`);
  }
  if (options.iv.byteLength !== IV_BYTES) throw new SmartBillSealError(`the IV must be ${IV_BYTES} bytes`);
  const key = await deriveKey(secret, options.salt, iterations);
  const cipher = createCipheriv('aes-256-gcm', key, options.iv, { authTagLength: TAG_BYTES });
  const compressed = await deflateRawAsync(Buffer.from(plaintext, 'utf8'), { level: 9 });
  const body = Buffer.concat([cipher.update(compressed), cipher.final(), cipher.getAuthTag()]);
  return {
    v: 1,
    kdf: 'PBKDF2-SHA256',
    iterations,
    salt: Buffer.from(options.salt).toString('base64'),
    cipher: 'AES-256-GCM',
    compression: 'deflate-raw',
    iv: Buffer.from(options.iv).toString('base64'),
    ciphertext: body.toString('base64'),
  };
}

/**
 * Decrypts what {@link seal} produced (the browser does the same with WebCrypto); for tests and
 * tools.
 *
 * @param sealed - the embedded parameters
 * @param secret - the normalised amount
 * @returns the plaintext
 * @throws Error when the secret is wrong or the ciphertext was changed (GCM authentication fails)
 */
export async function unseal(sealed: SealedParams, secret: string): Promise<string> {
  checkIterations(sealed.iterations);
  const salt = Buffer.from(sealed.salt, 'base64');
  const iv = Buffer.from(sealed.iv, 'base64');
  const body = Buffer.from(sealed.ciphertext, 'base64');
  if (body.length < TAG_BYTES) throw new SmartBillSealError('the ciphertext is too short');
  const key = await deriveKey(secret, salt, sealed.iterations);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  const compressed = Buffer.concat([
    decipher.update(body.subarray(0, body.length - TAG_BYTES)),
    decipher.final(),
  ]);
  return (await inflateRawAsync(compressed)).toString('utf8');
}
