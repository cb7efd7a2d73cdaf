import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadFeeIndexFile } from '../lambdas/adapters/fee-index-file.js';
import { priceChunk } from '../lambdas/app/batch/chunk.js';
import { runBatchFile } from '../lambdas/local/batch-file.js';
import { startBatchPool } from '../lambdas/local/batch-pool.js';

/** One run of the bulk bench. */
export interface BulkRun {
  readonly workers: number;
  readonly billsPerSecond: number;
  /** The engine alone in this thread, measured right before: the machine is shared and noisy. */
  readonly referenceBillsPerSecond: number;
}

/** What {@link benchBulk} measures. */
export interface BulkResult {
  readonly bills: number;
  readonly cores: number;
  /** The engine alone in this thread, no workers, no files: the same-run reference. */
  readonly inProcessBillsPerSecond: number;
  readonly runs: readonly BulkRun[];
}

/**
 * Issue 17, target 4(g): `wcbr price --batch`'s path (split, worker threads, ordered results,
 * summary) over a file of `bills` copies of a bill, with 1, 2, … N workers (N = every core), beside
 * the engine alone in one thread on the same text.
 *
 * @param indexFile - the fee index
 * @param bill - the bill every line holds (its billId is varied)
 * @param dir - where the input and outputs go
 * @param bills - lines of the input
 * @returns the rates
 */
export async function benchBulk(
  indexFile: string,
  bill: object,
  dir: string,
  bills = 4000,
): Promise<BulkResult> {
  let text = '';
  for (let i = 0; i < bills; i++) text += `${JSON.stringify({ ...bill, billId: `BULK-${i}` })}\n`;
  const input = path.join(dir, 'bulk-input.jsonl');
  writeFileSync(input, text);

  const index = loadFeeIndexFile(indexFile);
  const reference = (): number => {
    const t0 = performance.now();
    priceChunk(index, text, 1, 'summary');
    return (bills * 1000) / (performance.now() - t0);
  };
  reference(); // warm up
  const inProcessBillsPerSecond = reference();

  const cores = availableParallelism();
  const counts = [...new Set([1, 2, 4, 8, 16, 32, 64].filter((n) => n < cores).concat(cores))];
  const runs: BulkRun[] = [];
  for (const workers of counts) {
    const pool = await startBatchPool({ indexPath: indexFile, size: workers });
    try {
      // A short run first: each worker's JIT warms before the timed one.
      await runBatchFile({
        pool,
        input,
        resultsFile: path.join(dir, 'warm.jsonl'),
        summaryFile: path.join(dir, 'warm.json'),
        batchId: 'warm',
        explain: 'summary',
        linesPerChunk: 50,
      });
      // Two rounds, each beside a fresh reference; the better of each (interference only slows).
      let best = 0;
      let bestReference = 0;
      for (let round = 0; round < 2; round++) {
        bestReference = Math.max(bestReference, reference());
        const started = performance.now();
        await runBatchFile({
          pool,
          input,
          resultsFile: path.join(dir, 'results.jsonl'),
          summaryFile: path.join(dir, 'summary.json'),
          batchId: 'bench',
          explain: 'summary',
        });
        best = Math.max(best, (bills * 1000) / (performance.now() - started));
      }
      runs.push({ workers, billsPerSecond: best, referenceBillsPerSecond: bestReference });
    } finally {
      await pool.close();
    }
  }
  return { bills, cores, inProcessBillsPerSecond, runs };
}
