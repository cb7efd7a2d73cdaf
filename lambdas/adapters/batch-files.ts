/**
 * Bulk repricing on one machine (`npm start`, the local stack): batch records and objects in files
 * under a directory only the owner can read, and links signed as CloudFront signs a canned-policy
 * URL with the local stack's key, which the local batch edge checks (signature and expiry) before
 * it takes an upload or serves an output. Not for AWS: there DynamoDB, S3 with SSE-KMS and S3
 * presigned URLs do this (batch-dynamodb.ts, batch-s3.ts).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import type { BatchObjects, BatchRecord, BatchStore } from '../app/batch/ports.js';

async function writeAtomically(file: string, body: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, body, { mode: 0o600 });
  await rename(tmp, file);
}

/** Batch records as JSON files (`<root>/records/<tenant>/<batch>.json`). */
export class FileBatchStore implements BatchStore {
  readonly #root: string;
  /** Updates of one record run one after another (the local runner's chunks finish together). */
  #queue: Promise<unknown> = Promise.resolve();

  /** @param root - the directory */
  constructor(root: string) {
    this.#root = root;
  }

  #file(tenantId: string, batchId: string): string {
    return join(this.#root, 'records', tenantId, `${batchId}.json`);
  }

  async create(record: BatchRecord): Promise<void> {
    await writeAtomically(this.#file(record.tenantId, record.batchId), JSON.stringify(record));
  }

  async get(tenantId: string, batchId: string): Promise<BatchRecord | null> {
    try {
      return JSON.parse(await readFile(this.#file(tenantId, batchId), 'utf8')) as BatchRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  #update<T>(
    tenantId: string,
    batchId: string,
    change: (record: BatchRecord) => BatchRecord | null,
    result: (changed: boolean) => T,
  ): Promise<T> {
    const next = this.#queue.then(async () => {
      const record = await this.get(tenantId, batchId);
      const changed = record === null ? null : change(record);
      if (changed !== null) {
        await writeAtomically(
          this.#file(tenantId, batchId),
          JSON.stringify({ ...changed, updatedAt: new Date().toISOString() }),
        );
      }
      return result(changed !== null);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  start(tenantId: string, batchId: string, counts: { total: number; chunks: number }): Promise<boolean> {
    return this.#update(
      tenantId,
      batchId,
      (r) => (r.state === 'awaiting-upload' ? { ...r, state: 'running', ...counts } : null),
      (changed) => changed,
    );
  }

  addProgress(tenantId: string, batchId: string, counts: { done: number; failed: number }): Promise<void> {
    return this.#update(
      tenantId,
      batchId,
      (r) => ({ ...r, done: r.done + counts.done, failed: r.failed + counts.failed }),
      () => undefined,
    );
  }

  finish(
    tenantId: string,
    batchId: string,
    outcome: { state: 'succeeded' | 'failed'; failure?: string },
  ): Promise<void> {
    return this.#update(
      tenantId,
      batchId,
      (r) => ({ ...r, ...outcome }),
      () => undefined,
    );
  }
}

/** Options of {@link FileBatchObjects}. */
export interface FileBatchObjectsOptions {
  /** The directory objects are kept in (`<root>/objects/<key>`). */
  readonly root: string;
  /** The local batch edge's URL (links start with it). */
  readonly baseUrl: string;
  readonly keyPairId: string;
  readonly privateKeyPem: string;
  /** Clock of the links' expiry (tests). */
  readonly now?: () => Date;
}

/** Batch objects as files, with links the local batch edge checks. */
export class FileBatchObjects implements BatchObjects {
  readonly #options: FileBatchObjectsOptions;

  /** @param options - directory, edge URL and signing key */
  constructor(options: FileBatchObjectsOptions) {
    this.#options = options;
  }

  /**
   * Where an object's bytes are.
   *
   * @param key - the object key
   * @returns its file
   */
  fileOf(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error('bad object key');
    return join(this.#options.root, 'objects', key);
  }

  #sign(key: string, seconds: number): string {
    const now = this.#options.now?.() ?? new Date();
    return getSignedUrl({
      url: `${this.#options.baseUrl}/${key}`,
      keyPairId: this.#options.keyPairId,
      privateKey: this.#options.privateKeyPem,
      dateLessThan: new Date(now.getTime() + seconds * 1000).toISOString(),
    });
  }

  uploadLink(key: string, seconds: number): Promise<string> {
    return Promise.resolve(this.#sign(key, seconds));
  }

  downloadLink(key: string, seconds: number): Promise<string> {
    return Promise.resolve(this.#sign(key, seconds));
  }

  async readRange(key: string, start: number, end: number, _etag?: string): Promise<Uint8Array> {
    const handle = await open(this.fileOf(key), 'r');
    try {
      const buffer = Buffer.alloc(end - start);
      let read = 0;
      while (read < buffer.length) {
        const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read);
    } finally {
      await handle.close();
    }
  }

  async readText(key: string): Promise<string | null> {
    try {
      return await readFile(this.fileOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * An object's bytes as a stream (the split step reads the input once).
   *
   * @param key - the object key
   * @returns its chunks
   */
  stream(key: string): AsyncIterable<Uint8Array> {
    return createReadStream(this.fileOf(key));
  }

  write(key: string, body: string | Uint8Array, _contentType: string): Promise<void> {
    return writeAtomically(this.fileOf(key), body);
  }

  async concatenate(key: string, parts: readonly string[], _contentType: string): Promise<void> {
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(tmp, '', { mode: 0o600 });
    for (const part of parts) await appendFile(tmp, await readFile(this.fileOf(part)));
    await rename(tmp, file);
  }
}
