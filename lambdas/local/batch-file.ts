/**
 * Prices a JSON-lines file of bills on a worker pool: the steps of the AWS state machine in one
 * process (split the input into chunks, price the chunks in parallel, assemble results.jsonl in
 * input order and summary.json). Used by `wcbr price --batch` and by the local batch route.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChunkPlanner } from '../app/batch/lines.js';
import type { ExplainLevel } from '../app/batch/price.js';
import {
  type BatchSummary,
  type BatchTally,
  emptyTally,
  mergeTally,
  summaryOf,
} from '../app/batch/summary.js';
import type { BatchPool } from './batch-pool.js';

/** Lines a chunk holds locally: small, so that progress moves and the cores share the work evenly. */
export const LOCAL_LINES_PER_CHUNK = 250;

/** Progress of a run, told after each chunk. */
export interface BatchProgress {
  readonly done: number;
  readonly failed: number;
  readonly total: number;
  /** Chunks the input was split into. */
  readonly chunks: number;
}

/** Options of {@link runBatchFile}. */
export interface RunBatchFileOptions {
  readonly pool: BatchPool;
  readonly input: string;
  readonly resultsFile: string;
  readonly summaryFile: string;
  readonly batchId: string;
  readonly explain: ExplainLevel;
  /** The tenant the bills are priced for: its contracts apply (issue 20); none: no contract. */
  readonly tenant?: string | undefined;
  readonly linesPerChunk?: number | undefined;
  /** Told once the input is split (its line count) and after every chunk. */
  readonly onProgress?:
    | ((progress: BatchProgress, chunk: { done: number; failed: number } | null) => void | Promise<void>)
    | undefined;
}

/**
 * Prices every line of `input` into `resultsFile` (one row per input line, in order) and
 * `summaryFile`.
 *
 * @param options - pool, files, batch id and explanation level
 * @returns the summary
 */
export async function runBatchFile(options: RunBatchFileOptions): Promise<BatchSummary> {
  const planner = new ChunkPlanner(options.linesPerChunk ?? LOCAL_LINES_PER_CHUNK);
  for await (const bytes of createReadStream(options.input)) planner.push(bytes as Buffer);
  const plan = planner.finish();
  let done = 0;
  let failed = 0;
  await options.onProgress?.({ done, failed, total: plan.lines, chunks: plan.chunks.length }, null);

  await mkdir(dirname(options.resultsFile), { recursive: true });
  const tmp = `${options.resultsFile}.${process.pid}.tmp`;
  const out = await open(tmp, 'w', 0o600);
  const tally: BatchTally = emptyTally();
  // Parts finish in any order; they are written in input order as soon as their turn comes.
  const finished = new Map<number, string>();
  let nextToWrite = 0;
  let writing = Promise.resolve();
  const flush = (): void => {
    while (finished.has(nextToWrite)) {
      const part = finished.get(nextToWrite) as string;
      finished.delete(nextToWrite);
      nextToWrite += 1;
      writing = writing.then(() => out.write(part).then(() => undefined));
    }
  };
  try {
    await Promise.all(
      plan.chunks.map(async (chunk) => {
        const result = await options.pool.price({
          file: options.input,
          start: chunk.start,
          end: chunk.end,
          firstLine: chunk.firstLine,
          explain: options.explain,
          ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
        });
        mergeTally(tally, result.tally);
        finished.set(chunk.index, result.part);
        flush();
        done += result.tally.bills;
        failed += result.tally.failed;
        await options.onProgress?.(
          { done, failed, total: plan.lines, chunks: plan.chunks.length },
          { done: result.tally.bills, failed: result.tally.failed },
        );
      }),
    );
    await writing;
  } finally {
    await out.close();
  }
  await rename(tmp, options.resultsFile);
  const summary = summaryOf(tally, { batchId: options.batchId, format: 'jsonl', explain: options.explain });
  await mkdir(dirname(options.summaryFile), { recursive: true });
  await writeFile(options.summaryFile, `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  return summary;
}
