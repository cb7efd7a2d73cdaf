import type { ExplainLevel } from './price.js';

/**
 * The ports of bulk repricing (issue 17 § 3; docs/decisions/016-bulk-repricing.md): the batch
 * record (state and progress, tenant-scoped) and the batch's objects (input, chunk results,
 * results.jsonl, summary.json, each under the tenant's and the batch's prefix) with their signed
 * links. DynamoDB and S3 implement them in AWS; the local stack implements them on disk.
 */

/** Input formats a batch takes: JSON lines now; the X12 837 formats join with issue 18. */
export const BATCH_FORMATS = ['jsonl'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

/** Where a batch is. */
export const BATCH_STATES = ['awaiting-upload', 'running', 'succeeded', 'failed'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

/** A batch as stored: clear data only (no bill content, no PHI). */
export interface BatchRecord {
  readonly tenantId: string;
  readonly batchId: string;
  readonly format: BatchFormat;
  readonly explain: ExplainLevel;
  readonly state: BatchState;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Input lines, once the split step has counted them. */
  readonly total?: number;
  readonly chunks?: number;
  /** Input lines priced or failed so far (DynamoDB ADD by the chunk steps). */
  readonly done: number;
  /** Of those, failed lines. */
  readonly failed: number;
  /** Why a batch failed as a whole (never a bill's content). */
  readonly failure?: string;
  /** Epoch seconds after which the record and its objects are deleted (the Recon retention). */
  readonly expiresAt: number;
}

/** Stores batch records. */
export interface BatchStore {
  /** Stores a new record (awaiting upload). */
  create(record: BatchRecord): Promise<void>;
  /** The tenant's batch, or null (another tenant's id reads as absent). */
  get(tenantId: string, batchId: string): Promise<BatchRecord | null>;
  /** The input is split: running, with its size. Only from awaiting-upload (an upload starts a batch once). */
  start(tenantId: string, batchId: string, counts: { total: number; chunks: number }): Promise<boolean>;
  /** A chunk is done: adds its counts atomically. */
  addProgress(tenantId: string, batchId: string, counts: { done: number; failed: number }): Promise<void>;
  /** The batch ended. */
  finish(
    tenantId: string,
    batchId: string,
    outcome: { state: 'succeeded' | 'failed'; failure?: string },
  ): Promise<void>;
}

/** Stores a batch's objects and signs links to them. */
export interface BatchObjects {
  /** A link the client PUTs the input to, valid `seconds`. */
  uploadLink(key: string, seconds: number): Promise<string>;
  /** A link the client GETs an output from, valid `seconds`. */
  downloadLink(key: string, seconds: number): Promise<string>;
  /**
   * Bytes `[start, end)` of an object; with `etag`, only of that version of it (a second upload
   * to the same link while the batch runs must fail its chunks, not mix two inputs).
   */
  readRange(key: string, start: number, end: number, etag?: string): Promise<Uint8Array>;
  /** An object's bytes as a stream (the split step reads the input once). */
  stream(key: string): AsyncIterable<Uint8Array>;
  /** A whole (small) object as text, or null when absent. */
  readText(key: string): Promise<string | null>;
  /** Writes an object. */
  write(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Writes an object from parts, in order (results.jsonl from the chunks' parts). */
  concatenate(key: string, parts: readonly string[], contentType: string): Promise<void>;
}

/** How long an upload link works: long enough to start a large upload, short enough to be a one-off. */
export const UPLOAD_LINK_SECONDS = 15 * 60;
/** How long a result link works once the batch is done (a new GET makes new ones). */
export const DOWNLOAD_LINK_SECONDS = 60 * 60;

/** The objects of a batch, all under the tenant's and the batch's prefix. */
export function batchKeys(tenantId: string, batchId: string) {
  const prefix = `batches/${tenantId}/${batchId}`;
  return {
    prefix,
    input: `${prefix}/input.jsonl`,
    manifest: `${prefix}/work/manifest.json`,
    part: (index: number) => `${prefix}/work/part-${String(index).padStart(6, '0')}.jsonl`,
    tally: (index: number) => `${prefix}/work/part-${String(index).padStart(6, '0')}.tally.json`,
    results: `${prefix}/results.jsonl`,
    summary: `${prefix}/summary.json`,
  } as const;
}

/** Batch ids: 32 characters of base64url from 24 random bytes (unguessable, URL-safe). */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/**
 * The tenant and batch of an input key (the upload event names only the key).
 *
 * @param key - an S3 object key
 * @returns tenant and batch, or null when the key is not a batch input
 */
export function parseInputKey(key: string): { tenantId: string; batchId: string } | null {
  const match = /^batches\/([A-Za-z0-9._-]{1,128})\/([A-Za-z0-9_-]{32})\/input\.jsonl$/.exec(key);
  return match ? { tenantId: match[1] as string, batchId: match[2] as string } : null;
}
