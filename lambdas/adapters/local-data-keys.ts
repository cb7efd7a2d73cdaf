/**
 * Data keys without KMS, for `npm start` on one machine: a 256-bit master key in a file that only
 * its owner can read wraps each random data key with AES-256-GCM, the canonical encryption context
 * as additional authenticated data, so a wrapped key opens under its own context only (as KMS's
 * EncryptionContext makes it). Not for AWS: there the master key is a KMS key nobody can read.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, type Stats, statSync } from 'node:fs';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataKey, DataKeyProvider, EncryptionContext } from '../app/recon/ports.js';
import { canonicalContext, DecryptionError } from './envelope.js';

/** Options of {@link LocalDataKeyProvider}. */
export interface LocalDataKeyProviderOptions {
  /** 32 bytes. */
  readonly masterKey: Uint8Array;
  /** Recorded in every sealed box (`keyId`), as a KMS key ARN is. */
  readonly keyId: string;
}

/** A master key as {@link loadOrCreateLocalMasterKey} keeps it. */
export interface LocalMasterKey {
  readonly masterKey: Uint8Array;
  readonly keyId: string;
  /** The file it was read from or written to. */
  readonly path: string;
}

/** The file name of the master key inside the state directory. */
export const LOCAL_MASTER_KEY_FILE = 'recon-master-key.json';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of a wrapped key: lets a later format be told apart. */
const WRAP_VERSION = 1;
const WRAPPED_BYTES = 1 + IV_BYTES + TAG_BYTES + KEY_BYTES;

/** {@link DataKeyProvider} over a local master key. */
export class LocalDataKeyProvider implements DataKeyProvider {
  readonly #masterKey: Buffer;
  readonly #keyId: string;

  /**
   * @param options - the 32-byte master key and its id
   */
  constructor(options: LocalDataKeyProviderOptions) {
    if (options.masterKey.length !== KEY_BYTES) {
      throw new RangeError(
        `the local master key must be ${KEY_BYTES} bytes, not ${options.masterKey.length}`,
      );
    }
    // Our own copy: the caller may wipe theirs.
    this.#masterKey = Buffer.from(options.masterKey);
    this.#keyId = options.keyId;
  }

  /**
   * @param context - bound to the wrapped key as AAD
   * @returns a random 256-bit data key and its wrapping `[version, iv, tag, ciphertext]`
   */
  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(canonicalContext(context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const encrypted = Buffer.concat([Buffer.of(WRAP_VERSION), iv, cipher.getAuthTag(), ct]);
    return { plaintext: new Uint8Array(plaintext), encrypted: new Uint8Array(encrypted), keyId: this.#keyId };
  }

  /**
   * @param encrypted - a wrapped key from {@link generateDataKey}
   * @param context - the context it was generated with
   * @returns the plaintext data key
   * @throws DecryptionError for another context, another master key or damaged bytes
   */
  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const refuse = (cause?: unknown) =>
      new DecryptionError(
        `the local key provider cannot unwrap the data key of tenant ${context.tenant}, control number ` +
          `${context.controlNumber}, sequence ${context.sequence}`,
        cause === undefined ? undefined : { cause },
      );
    const bytes = Buffer.from(encrypted.buffer, encrypted.byteOffset, encrypted.byteLength);
    if (bytes.length !== WRAPPED_BYTES || bytes[0] !== WRAP_VERSION) throw refuse();
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const ct = bytes.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#masterKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(canonicalContext(context));
      decipher.setAuthTag(tag);
      return new Uint8Array(Buffer.concat([decipher.update(ct), decipher.final()]));
    } catch (error) {
      throw refuse(error);
    }
  }
}

interface MasterKeyFile {
  readonly version: 1;
  readonly keyId: string;
  /** base64 */
  readonly key: string;
}

function parseMasterKeyFile(text: string, path: string): LocalMasterKey {
  let parsed: Partial<MasterKeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<MasterKeyFile>;
  } catch {
    throw new Error(`the local master key file ${path} is not JSON; move it away to make a new key`);
  }
  const key = typeof parsed.key === 'string' ? Buffer.from(parsed.key, 'base64') : Buffer.alloc(0);
  if (parsed.version !== 1 || typeof parsed.keyId !== 'string' || key.length !== KEY_BYTES) {
    throw new Error(
      `the local master key file ${path} is not a version 1 key file with a ${KEY_BYTES}-byte key`,
    );
  }
  return { masterKey: new Uint8Array(key), keyId: parsed.keyId, path };
}

/**
 * Reads the master key from `directory`, creating it (random, file mode 0600, directory 0700)
 * when there is none. Two processes starting at once end up with the same key: the new file is
 * written aside and linked into place, and the loser of the link reads the winner's.
 *
 * @param directory - the local stack's state directory
 * @returns the key, its id and its file
 * @throws Error when the file is readable by group or others (POSIX), or is not a key file
 */
export async function loadOrCreateLocalMasterKey(directory: string): Promise<LocalMasterKey> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, LOCAL_MASTER_KEY_FILE);
  try {
    return await readMasterKey(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const file: MasterKeyFile = {
    version: 1,
    keyId: `local/${randomUUID()}`,
    key: randomBytes(KEY_BYTES).toString('base64'),
  };
  const aside = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(aside, `${JSON.stringify(file)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside);
  }
  return readMasterKey(path);
}

/** As ssh does with private keys: a key others can read protects nothing. */
function checkPrivate(info: Stats, path: string): void {
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new Error(
      `the local master key file ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
}

async function readMasterKey(path: string): Promise<LocalMasterKey> {
  checkPrivate(await stat(path), path);
  return parseMasterKeyFile(await readFile(path, 'utf8'), path);
}

/**
 * Reads a key file {@link loadOrCreateLocalMasterKey} wrote, synchronously: for a handler's
 * module scope, where the provider is built once per process.
 *
 * @param path - the key file (`<state directory>/recon-master-key.json`)
 * @returns the key and its id, ready for `new LocalDataKeyProvider(...)`
 * @throws Error when the file is missing, readable by group or others (POSIX), or not a key file
 */
export function readLocalMasterKeySync(path: string): LocalMasterKey {
  checkPrivate(statSync(path), path);
  return parseMasterKeyFile(readFileSync(path, 'utf8'), path);
}
