import { NotFoundError } from '../../engine/errors.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { priceChunk } from './chunk.js';
import { type BatchChunk, ChunkPlanner, DEFAULT_LINES_PER_CHUNK } from './lines.js';
import {
  type BatchFormat,
  type BatchObjects,
  type BatchRecord,
  type BatchState,
  type BatchStore,
  batchKeys,
  DOWNLOAD_LINK_SECONDS,
  UPLOAD_LINK_SECONDS,
} from './ports.js';
import type { BatchResultRow, ExplainLevel } from './price.js';
import { type BatchTally, emptyTally, mergeTally, summaryOf, tallyRow } from './summary.js';

/**
 * The use cases of bulk repricing, the same in AWS (each a step of the state machine or a route's
 * handler) and locally (the local runner calls them in one process): create a batch, report it,
 * split its input into chunks, price a chunk, assemble the outputs.
 */

/** What the routes need. */
export interface BatchRouteDeps {
  readonly store: BatchStore;
  readonly objects: BatchObjects;
  readonly newId: () => string;
  readonly now: () => Date;
  /** Days a batch's record and objects are kept: the Recon retention of the stage. */
  readonly retentionDays: number;
}

/** `POST /v1/batches` 201. */
export interface CreatedBatch {
  readonly batchId: string;
  readonly state: BatchState;
  readonly format: BatchFormat;
  readonly explain: ExplainLevel;
  readonly upload: { readonly method: 'PUT'; readonly url: string; readonly expiresAt: string };
  readonly statusPath: string;
}

/**
 * The path of a batch's status route.
 *
 * @param batchId - the batch
 * @returns `/v1/batches/<id>`
 */
export function batchStatusPath(batchId: string): string {
  return `/v1/batches/${batchId}`;
}

/**
 * Creates a batch awaiting its upload and signs the upload link.
 *
 * @param deps - store, objects, id, clock, retention
 * @param tenantId - from the token
 * @param request - the input format and the explanation level
 * @returns the batch id, the upload link and its expiry
 */
export async function createBatch(
  deps: BatchRouteDeps,
  tenantId: string,
  request: { readonly format: BatchFormat; readonly explain: ExplainLevel },
): Promise<CreatedBatch> {
  const now = deps.now();
  const batchId = deps.newId();
  const iso = now.toISOString();
  await deps.store.create({
    tenantId,
    batchId,
    format: request.format,
    explain: request.explain,
    state: 'awaiting-upload',
    createdAt: iso,
    updatedAt: iso,
    done: 0,
    failed: 0,
    expiresAt: Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400,
  });
  const url = await deps.objects.uploadLink(batchKeys(tenantId, batchId).input, UPLOAD_LINK_SECONDS);
  return {
    batchId,
    state: 'awaiting-upload',
    format: request.format,
    explain: request.explain,
    upload: {
      method: 'PUT',
      url,
      expiresAt: new Date(now.getTime() + UPLOAD_LINK_SECONDS * 1000).toISOString(),
    },
    statusPath: batchStatusPath(batchId),
  };
}

/** `GET /v1/batches/{id}` 200. */
export interface BatchStatus {
  readonly batchId: string;
  readonly state: BatchState;
  readonly format: BatchFormat;
  readonly explain: ExplainLevel;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Input lines (bills) priced or failed, failed, and in all (once the input is split). */
  readonly progress: { readonly done: number; readonly failed: number; readonly total?: number };
  readonly failure?: string;
  /** When succeeded: signed links to the outputs, valid until `expiresAt`. */
  readonly results?: {
    readonly resultsUrl: string;
    readonly summaryUrl: string;
    readonly expiresAt: string;
  };
}

/**
 * A tenant's batch, with links to its outputs once it succeeded.
 *
 * @param deps - store, objects, clock
 * @param tenantId - from the token
 * @param batchId - from the path
 * @returns the status
 * @throws NotFoundError when the tenant has no such batch (another tenant's included)
 */
export async function getBatch(
  deps: Pick<BatchRouteDeps, 'store' | 'objects' | 'now'>,
  tenantId: string,
  batchId: string,
): Promise<BatchStatus> {
  const record = await deps.store.get(tenantId, batchId);
  if (record === null)
    throw new NotFoundError('No batch with this id.', [{ field: 'id', errorMessage: 'no such batch' }]);
  const keys = batchKeys(tenantId, batchId);
  const results =
    record.state === 'succeeded'
      ? {
          resultsUrl: await deps.objects.downloadLink(keys.results, DOWNLOAD_LINK_SECONDS),
          summaryUrl: await deps.objects.downloadLink(keys.summary, DOWNLOAD_LINK_SECONDS),
          expiresAt: new Date(deps.now().getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
        }
      : undefined;
  return {
    batchId,
    state: record.state,
    format: record.format,
    explain: record.explain,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    progress: {
      done: record.done,
      failed: record.failed,
      ...(record.total === undefined ? {} : { total: record.total }),
    },
    ...(record.failure === undefined ? {} : { failure: record.failure }),
    ...(results === undefined ? {} : { results }),
  };
}

/** A chunk as the Distributed Map hands it to a chunk step. */
export interface ChunkTask extends BatchChunk {
  readonly tenantId: string;
  readonly batchId: string;
  readonly explain: ExplainLevel;
  /** The input's version the split step read (S3's ETag), when known. */
  readonly etag?: string;
}

/** The manifest the split step writes: the Distributed Map's ItemReader reads it as a JSON array. */
export type BatchManifest = readonly ChunkTask[];

/** What the steps need. */
export interface BatchStepDeps {
  readonly store: BatchStore;
  readonly objects: BatchObjects;
}

/**
 * The split step: reads the input once, plans its chunks, writes the manifest and marks the batch
 * running. An upload to a batch that is not awaiting one (a second PUT) does not start it again.
 *
 * @param deps - store and objects
 * @param target - the batch
 * @param input - the input's bytes, streamed
 * @param linesPerChunk - lines a chunk holds
 * @returns the manifest's key and the counts, or null when the batch was not awaiting its upload
 */
export async function splitBatch(
  deps: BatchStepDeps,
  target: { readonly tenantId: string; readonly batchId: string },
  input: AsyncIterable<Uint8Array>,
  linesPerChunk = DEFAULT_LINES_PER_CHUNK,
  etag?: string,
): Promise<{ manifestKey: string; chunks: number; total: number; manifest: BatchManifest } | null> {
  const record = await deps.store.get(target.tenantId, target.batchId);
  if (record === null || record.state !== 'awaiting-upload') return null;
  const planner = new ChunkPlanner(linesPerChunk);
  for await (const bytes of input) planner.push(bytes);
  const plan = planner.finish();
  const manifest: ChunkTask[] = plan.chunks.map((chunk) => ({
    ...target,
    explain: record.explain,
    ...chunk,
    ...(etag === undefined ? {} : { etag }),
  }));
  const keys = batchKeys(target.tenantId, target.batchId);
  await deps.objects.write(keys.manifest, JSON.stringify(manifest), 'application/json');
  const started = await deps.store.start(target.tenantId, target.batchId, {
    total: plan.lines,
    chunks: plan.chunks.length,
  });
  if (!started) return null;
  return { manifestKey: keys.manifest, chunks: plan.chunks.length, total: plan.lines, manifest };
}

/**
 * The chunk step: reads the chunk's bytes, prices them, writes the results part and the tally, and
 * adds the counts to the batch's progress. A bill's failure is a row, never a thrown error.
 *
 * @param deps - store and objects
 * @param price - prices the chunk's text (in process with {@link priceChunk}, or in a worker)
 * @param task - the chunk
 * @returns the chunk's counts
 */
export async function runChunk(
  deps: BatchStepDeps,
  price: (
    text: string,
    firstLine: number,
    explain: ExplainLevel,
    tenant: string,
  ) => Promise<{ part: string; tally: BatchTally }>,
  task: ChunkTask,
): Promise<{ readonly done: number; readonly failed: number }> {
  const keys = batchKeys(task.tenantId, task.batchId);
  const bytes = await deps.objects.readRange(keys.input, task.start, task.end, task.etag);
  // The batch's tenant prices its bills: its contracts apply (issue 20).
  const { part, tally } = await price(
    new TextDecoder().decode(bytes),
    task.firstLine,
    task.explain,
    task.tenantId,
  );
  await deps.objects.write(keys.part(task.index), part, 'application/x-ndjson');
  await deps.objects.write(keys.tally(task.index), JSON.stringify(tally), 'application/json');
  await deps.store.addProgress(task.tenantId, task.batchId, { done: tally.bills, failed: tally.failed });
  return { done: tally.bills, failed: tally.failed };
}

/**
 * Prices a chunk in this process.
 *
 * @param index - the fee index
 * @returns a pricer for {@link runChunk}
 */
export function inProcessPricer(
  index: FeeIndex,
): (
  text: string,
  firstLine: number,
  explain: ExplainLevel,
  tenant?: string,
) => Promise<{ part: string; tally: BatchTally }> {
  return (text, firstLine, explain, tenant) =>
    Promise.resolve(priceChunk(index, text, firstLine, explain, tenant));
}

/**
 * The final step: merges the chunks' tallies into summary.json, concatenates their parts into
 * results.jsonl (input order: the parts are numbered as the manifest) and marks the batch done.
 *
 * @param deps - store and objects
 * @param target - the batch and its chunk count
 * @returns the summary's counts
 */
export async function assembleBatch(
  deps: BatchStepDeps,
  target: { readonly tenantId: string; readonly batchId: string },
): Promise<{ readonly priced: number; readonly failed: number }> {
  const record = await deps.store.get(target.tenantId, target.batchId);
  if (record === null) throw new NotFoundError('The batch record is gone.');
  const keys = batchKeys(target.tenantId, target.batchId);
  const manifestText = await deps.objects.readText(keys.manifest);
  if (manifestText === null) throw new Error('the batch has no manifest');
  const manifest = JSON.parse(manifestText) as BatchManifest;
  const tally = emptyTally();
  const parts: string[] = [];
  for (const chunk of manifest) {
    const text = await deps.objects.readText(keys.tally(chunk.index));
    if (text === null) {
      // The chunk failed past its retries (the Distributed Map tolerates it): its lines are error
      // rows, so that results.jsonl still has one row an input line and the summary counts them.
      const lost = lostChunk(chunk);
      await deps.objects.write(keys.part(chunk.index), lost.part, 'application/x-ndjson');
      await deps.store.addProgress(target.tenantId, target.batchId, {
        done: lost.tally.bills,
        failed: lost.tally.failed,
      });
      mergeTally(tally, lost.tally);
    } else {
      mergeTally(tally, JSON.parse(text) as BatchTally);
    }
    parts.push(keys.part(chunk.index));
  }
  await deps.objects.concatenate(keys.results, parts, 'application/x-ndjson');
  const summary = summaryOf(tally, {
    batchId: target.batchId,
    format: record.format,
    explain: record.explain,
  });
  await deps.objects.write(keys.summary, `${JSON.stringify(summary, null, 2)}\n`, 'application/json');
  await deps.store.finish(target.tenantId, target.batchId, { state: 'succeeded' });
  return { priced: tally.priced, failed: tally.failed };
}

/**
 * The rows of a chunk that could not be priced: one 503 error row a line.
 *
 * @param chunk - the chunk
 * @returns its part and tally
 */
export function lostChunk(chunk: BatchChunk): { part: string; tally: BatchTally } {
  const tally = emptyTally();
  let part = '';
  for (let line = chunk.firstLine; line < chunk.firstLine + chunk.lines; line++) {
    const row: BatchResultRow = {
      line,
      error: {
        statusCode: 503,
        userMessage: 'This part of the batch could not be priced; submit these lines again.',
        developerMessage: `Chunk ${chunk.index} (lines ${chunk.firstLine} to ${chunk.firstLine + chunk.lines - 1}) failed after its retries.`,
        errors: [{ field: 'line', errorMessage: 'not priced: its chunk failed' }],
      },
    };
    tallyRow(tally, row);
    part += `${JSON.stringify(row)}\n`;
  }
  return { part, tally };
}

/**
 * Marks a batch failed as a whole (the workflow's catch: an S3 or DynamoDB outage, never a bill).
 *
 * @param deps - store
 * @param target - the batch
 * @param failure - what failed, without any bill content
 */
export async function failBatch(
  deps: Pick<BatchStepDeps, 'store'>,
  target: { readonly tenantId: string; readonly batchId: string },
  failure: string,
): Promise<void> {
  await deps.store.finish(target.tenantId, target.batchId, { state: 'failed', failure });
}

export type { BatchRecord };
