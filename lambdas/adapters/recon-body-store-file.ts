/**
 * {@link ReconBodyStore} on a local directory, for `npm start` and tests (never in AWS: the
 * composition root refuses it when WCBR_MODE=aws). s3rver, the local S3, loses objects under the
 * concurrency the Recon test drives (200 submissions at once) and fails on deletes of objects it
 * never had; a directory does neither. Each key is a file named by its SHA-256, so no key can name
 * a path outside the directory; written atomically (temporary file, then rename), mode 0600.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconBodyStore } from '../app/recon/ports.js';

/** {@link ReconBodyStore} on a directory. */
export class FileReconBodyStore implements ReconBodyStore {
  readonly #directory: string;
  #ready: Promise<unknown> | undefined;

  /** @param directory - created (0700) on first use */
  constructor(directory: string) {
    this.#directory = directory;
  }

  #path(key: string): string {
    return join(this.#directory, createHash('sha256').update(key, 'utf8').digest('hex'));
  }

  /**
   * @param key - from reconBodyKeys
   * @param body - the bytes
   */
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.#ready ??= mkdir(this.#directory, { recursive: true, mode: 0o700 });
    await this.#ready;
    const path = this.#path(key);
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, body, { mode: 0o600 });
    await rename(temporary, path);
  }

  /**
   * @param key - from reconBodyKeys
   * @returns the bytes, or null when there is none
   */
  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** @param keys - files to delete; missing ones are fine */
  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.#path(key), { force: true })));
  }
}
