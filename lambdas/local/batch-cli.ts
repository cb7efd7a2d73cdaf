/**
 * `wcbr price --batch FILE|DIR [--explain full|summary|none] [--out DIR] [--workers N] [--tenant T] [--index FILE]`:
 * prices JSON-lines files of bills in worker threads on every core, with a progress bar on stderr
 * (count, bills a second, time left; plain lines when stderr is not a terminal), writing
 * results.jsonl and summary.json as the batch route does.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BATCH_EXPLAIN, EXPLAIN_LEVELS, type ExplainLevel } from '../app/batch/price.js';
import { TENANT_ID } from '../app/tenant.js';
import { type BatchProgress, runBatchFile } from './batch-file.js';
import { startBatchPool } from './batch-pool.js';

/** A progress line: `1,234 / 10,000 bills (12 failed)  812 bills/s  ETA 0:11`. */
export function progressLine(progress: BatchProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (progress.done * 1000) / elapsedMs : 0;
  const left = rate > 0 ? Math.ceil((progress.total - progress.done) / rate) : Number.NaN;
  const eta = Number.isFinite(left)
    ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
    : '--:--';
  const n = (value: number) => value.toLocaleString('en-US');
  return `${n(progress.done)} / ${n(progress.total)} bills${progress.failed > 0 ? ` (${n(progress.failed)} failed)` : ''}  ${n(Math.round(rate))} bills/s  ETA ${eta}`;
}

function bar(progress: BatchProgress, width = 24): string {
  const filled = progress.total === 0 ? width : Math.round((progress.done / progress.total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** Files of a `--batch` argument: the file, or the `.jsonl`/`.ndjson` files of a directory. */
function inputsOf(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => /\.(jsonl|ndjson)$/i.test(name))
    .sort()
    .map((name) => join(path, name));
}

/**
 * Runs the command.
 *
 * @param args - the arguments after `price`
 * @param indexPath - the fee index file
 * @param stderr - where progress goes (tests pass a sink)
 * @returns exit code: 0 when every bill priced, 1 when some line failed (the outputs say which)
 */
export async function priceBatchCommand(
  args: string[],
  indexPath: string,
  stderr: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      batch: { type: 'string' },
      explain: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      index: { type: 'string' },
      tenant: { type: 'string' },
    },
  });
  const tenant = values.tenant;
  if (tenant !== undefined && !TENANT_ID.test(tenant)) {
    throw new Error('--tenant must be a tenant id (letters, digits, . _ -, at most 128)');
  }
  const explain = (values.explain ?? DEFAULT_BATCH_EXPLAIN) as ExplainLevel;
  if (!EXPLAIN_LEVELS.includes(explain))
    throw new Error(`--explain must be one of ${EXPLAIN_LEVELS.join(', ')}`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new Error('--workers must be a whole number of at least 1');
  }
  const source = resolve(values.batch as string);
  const inputs = inputsOf(source);
  const many = statSync(source).isDirectory();
  const outDir = resolve(values.out ?? '.');
  const pool = await startBatchPool({ indexPath, size: workers });
  const tty = stderr.isTTY === true;
  let anyFailed = false;
  try {
    for (const input of inputs) {
      const name = basename(input, extname(input));
      const dir = many ? join(outDir, name) : outDir;
      const started = performance.now();
      let lastPlain = 0;
      const summary = await runBatchFile({
        pool,
        input,
        resultsFile: join(dir, 'results.jsonl'),
        summaryFile: join(dir, 'summary.json'),
        batchId: name,
        explain,
        tenant,
        onProgress: (progress) => {
          const now = performance.now();
          const line = progressLine(progress, now - started);
          if (tty) stderr.write(`\r${bar(progress)} ${line}\u001b[K`);
          else if (now - lastPlain >= 1000 || progress.done === progress.total) {
            lastPlain = now;
            stderr.write(`${name}: ${line}\n`);
          }
        },
      });
      if (tty) stderr.write('\n');
      stderr.write(
        `${name}: ${summary.priced} priced, ${summary.failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s on ${pool.size} workers → ${dir}\n`,
      );
      if (summary.failed > 0) anyFailed = true;
    }
  } finally {
    await pool.close();
  }
  return anyFailed ? 1 : 0;
}
