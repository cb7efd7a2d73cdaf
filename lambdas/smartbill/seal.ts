import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';

/**
 * A SmartBill page's details, sealed with AES-256-GCM under the page's random key (gate.ts). The
 * key is not in the page: the unlock endpoint hands it out for the right amount, and the browser
 * opens the details with WebCrypto (`importKey('raw', …, 'AES-GCM')`, `decrypt`), which takes the
 * ciphertext with the 16-byte tag appended, as stored here. The plaintext is compressed (raw
 * DEFLATE, RFC 1951) before it is encrypted, which the browser undoes with
 * `DecompressionStream('deflate-raw')`: a 50-line page's details shrink about tenfold, which
 * matters on a phone. (Compressing before encrypting leaks only when an attacker can mix their own
 * text with a secret in one message; a page is fixed when it is made.)
 *
 * A random 256-bit key replaces the PBKDF2 key of the total charge (decision 008): a page object or
 * link alone no longer lets anyone test guesses offline, and sealing costs microseconds.
 */

const deflateRawAsync = promisify(deflateRaw);
const inflateRawAsync = promisify(inflateRaw);

/** AES-GCM nonce length in bytes (the 96 bits GCM is defined for, NIST SP 800-38D). */
export const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** What the page embeds (JSON): everything but the key. */
export interface SealedParams {
  /** Format version: 2 is a random page key held by the gate (1 was PBKDF2 of the amount). */
  readonly v: 2;
  readonly cipher: 'AES-256-GCM';
  /** The plaintext was compressed with raw DEFLATE before it was encrypted. */
  readonly compression: 'deflate-raw';
  /** Base64, 12 bytes. */
  readonly iv: string;
  /** Base64: the ciphertext followed by the 16-byte authentication tag (WebCrypto's layout). */
  readonly ciphertext: string;
}

/** A key or IV of the wrong size, or a ciphertext that cannot be opened. */
export class SmartBillSealError extends Error {
  override readonly name = 'SmartBillSealError';
}

/**
 * A fresh random IV (a page key is fresh for every page, so one IV per key suffices; fresh anyway).
 *
 * @returns 12 bytes from the operating system's CSPRNG
 */
export function freshIv(): Uint8Array {
  return randomBytes(IV_BYTES);
}

function checkSizes(key: Uint8Array, iv: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) throw new SmartBillSealError(`the page key must be ${KEY_BYTES} bytes`);
  if (iv.byteLength !== IV_BYTES) throw new SmartBillSealError(`the IV must be ${IV_BYTES} bytes`);
}

/**
 * Encrypts a text under a page key.
 *
 * @param plaintext - the page's details (an HTML fragment), compressed then encrypted
 * @param key - the page's 32-byte random key
 * @param iv - 12 random bytes
 * @returns the parameters and ciphertext to embed in the page
 * @throws SmartBillSealError for a key that is not 32 bytes or an IV that is not 12
 */
export async function seal(plaintext: string, key: Uint8Array, iv: Uint8Array): Promise<SealedParams> {
  checkSizes(key, iv);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const compressed = await deflateRawAsync(Buffer.from(plaintext, 'utf8'), { level: 9 });
  const body = Buffer.concat([cipher.update(compressed), cipher.final(), cipher.getAuthTag()]);
  return {
    v: 2,
    cipher: 'AES-256-GCM',
    compression: 'deflate-raw',
    iv: Buffer.from(iv).toString('base64'),
    ciphertext: body.toString('base64'),
  };
}

/**
 * Decrypts what {@link seal} produced (the browser does the same with WebCrypto); for tests and
 * tools.
 *
 * @param sealed - the embedded parameters
 * @param key - the page key (as the unlock endpoint releases it: bytes or base64)
 * @returns the plaintext
 * @throws Error when the key is wrong or the ciphertext was changed (GCM authentication fails)
 */
export async function unseal(sealed: SealedParams, key: Uint8Array | string): Promise<string> {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  const iv = Buffer.from(sealed.iv, 'base64');
  checkSizes(keyBytes, iv);
  const body = Buffer.from(sealed.ciphertext, 'base64');
  if (body.length < TAG_BYTES) throw new SmartBillSealError('the ciphertext is too short');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  const compressed = Buffer.concat([
    decipher.update(body.subarray(0, body.length - TAG_BYTES)),
    decipher.final(),
  ]);
  return (await inflateRawAsync(compressed)).toString('utf8');
}
