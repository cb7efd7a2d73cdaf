/**
 * Envelope encryption of the PHI part of a stored Recon sequence: a fresh 256-bit data key per box
 * from a {@link DataKeyProvider} (KMS, or the local key file), AES-256-GCM with a random 96-bit IV,
 * and the encryption context as additional authenticated data, so a box only opens under the
 * tenant, control number and sequence it was sealed for (the provider binds the data key to the
 * same context). NIST SP 800-38D: a random 96-bit IV is safe here because every key encrypts
 * exactly one message.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeyProvider, EncryptionContext, SealedBox } from '../app/recon/ports.js';

/**
 * A sealed box or a data key that cannot be opened: wrong tenant, control number or sequence,
 * tampered bytes, another master key, or a key service that refused. Never carries the contents.
 */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The one serialisation of a context that AAD and the local provider use: JSON with the keys
 * sorted, so two equal contexts always give the same bytes whatever order they were built in.
 *
 * @param context - tenant, control number, sequence
 * @returns UTF-8 bytes of `{"controlNumber":…,"sequence":…,"tenant":…}`
 */
export function canonicalContext(context: EncryptionContext): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new TypeError(`encryption context field ${key} must be a string`);
  }
  return Buffer.from(JSON.stringify(Object.fromEntries(entries)), 'utf8');
}

/** Where every caller builds the context of a stored sequence (declared with the ports). */
export { reconEncryptionContext } from '../app/recon/ports.js';

/** Names the box in errors without its contents. */
function describeContext(context: EncryptionContext): string {
  return `tenant ${context.tenant}, control number ${context.controlNumber}, sequence ${context.sequence}`;
}

/**
 * Encrypts bytes under a fresh data key bound to `context`.
 *
 * @param provider - where the data key comes from
 * @param context - tenant, control number and sequence the box belongs to
 * @param plaintext - the bytes to protect
 * @returns the sealed box (every binary field base64)
 */
export async function seal(
  provider: DataKeyProvider,
  context: EncryptionContext,
  plaintext: Uint8Array,
): Promise<SealedBox> {
  const dataKey = await provider.generateDataKey(context);
  try {
    if (dataKey.plaintext.length !== KEY_BYTES) {
      throw new Error(
        `the data key provider returned a ${dataKey.plaintext.length}-byte key, not ${KEY_BYTES}`,
      );
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, dataKey.plaintext, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(canonicalContext(context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      v: 1,
      alg: 'AES-256-GCM',
      keyId: dataKey.keyId,
      edk: Buffer.from(dataKey.encrypted).toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
  } finally {
    // Node copies the key into its cipher; the copy we hold is the one we can wipe.
    dataKey.plaintext.fill(0);
  }
}

/** Strict base64: Buffer.from ignores stray characters, which would hide a damaged box. */
function decodeField(box: SealedBox, field: 'edk' | 'iv' | 'tag' | 'ct', context: EncryptionContext): Buffer {
  const text = box[field];
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new DecryptionError(`sealed box for ${describeContext(context)} has a malformed ${field}`);
  }
  return Buffer.from(text, 'base64');
}

/**
 * Decrypts a box sealed by {@link seal} under the same context.
 *
 * @param provider - the provider that issued the box's data key (same master key)
 * @param context - tenant, control number and sequence the box must belong to
 * @param box - the sealed box
 * @returns the plaintext bytes
 * @throws DecryptionError for another context, tampered fields, another master key or a refused key;
 *   errors reaching the key service (network, throttling) propagate as they are
 */
export async function open(
  provider: DataKeyProvider,
  context: EncryptionContext,
  box: SealedBox,
): Promise<Uint8Array> {
  if (box?.v !== 1 || box.alg !== 'AES-256-GCM') {
    throw new DecryptionError(
      `sealed box for ${describeContext(context)} has an unknown version or algorithm`,
    );
  }
  const edk = decodeField(box, 'edk', context);
  const iv = decodeField(box, 'iv', context);
  const tag = decodeField(box, 'tag', context);
  const ct = decodeField(box, 'ct', context);
  // A short tag would weaken GCM's integrity check: accept the full 128 bits only.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new DecryptionError(`sealed box for ${describeContext(context)} has a malformed iv or tag`);
  }
  const key = await provider.decryptDataKey(edk, context);
  try {
    if (key.length !== KEY_BYTES) {
      throw new DecryptionError(`the data key for ${describeContext(context)} has the wrong length`);
    }
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(canonicalContext(context));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(ct), decipher.final()]));
  } catch (error) {
    if (error instanceof DecryptionError) throw error;
    // final() throws "Unsupported state or unable to authenticate data": the tag does not match.
    throw new DecryptionError(`sealed box for ${describeContext(context)} failed authentication`, {
      cause: error,
    });
  } finally {
    key.fill(0);
  }
}

/**
 * {@link seal} for a JSON value (UTF-8 of `JSON.stringify`).
 *
 * @param provider - where the data key comes from
 * @param context - tenant, control number and sequence the box belongs to
 * @param value - anything JSON can represent
 * @returns the sealed box
 */
export function sealJson(
  provider: DataKeyProvider,
  context: EncryptionContext,
  value: unknown,
): Promise<SealedBox> {
  return seal(provider, context, Buffer.from(JSON.stringify(value), 'utf8'));
}

/**
 * {@link open} for a box sealed by {@link sealJson}. The value is parsed, not validated: the
 * caller's schema says what it must be.
 *
 * @param provider - the provider that issued the box's data key
 * @param context - tenant, control number and sequence the box must belong to
 * @param box - the sealed box
 * @returns the parsed JSON value
 * @throws DecryptionError as {@link open} does, and when the opened bytes are not JSON
 */
export async function openJson(
  provider: DataKeyProvider,
  context: EncryptionContext,
  box: SealedBox,
): Promise<unknown> {
  const bytes = await open(provider, context, box);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    // The parser's message would quote the contents.
    throw new DecryptionError(`sealed box for ${describeContext(context)} does not hold JSON`);
  } finally {
    bytes.fill(0);
  }
}
