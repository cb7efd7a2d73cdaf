import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { normaliseRequest } from '../../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../../lambdas/engine/price-request.js';
import { progressLine } from '../../lambdas/local/batch-cli.js';
import { batchInput, batchLine, MALFORMED_LINES } from '../support/batch-bills.js';
import { sampleIndex, sampleIndexFile } from '../support/fee-index.js';

/** `wcbr price --batch` (issue 17 § 3): worker threads, progress on stderr, results and summary. */

const WCBR = path.join(REPO_ROOT, 'bin', 'wcbr.mjs');
let index: string;
let dir: string;

function wcbr(args: string[]) {
  return spawnSync(process.execPath, [WCBR, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });
}

beforeAll(() => {
  index = sampleIndexFile();
  dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-cli-batch-'));
});

describe('wcbr price --batch', () => {
  it('prices a file on two workers: one row per line in order, errors with line numbers, a summary', () => {
    const input = path.join(dir, 'bills.jsonl');
    writeFileSync(input, batchInput(300));
    const out = wcbr([
      'price',
      '--batch',
      input,
      '--out',
      path.join(dir, 'out'),
      '--workers',
      '2',
      '--explain',
      'full',
      '--index',
      index,
    ]);
    // Some lines are malformed on purpose: exit 1 says so, the outputs say which.
    expect(out.status, out.stderr).toBe(1);
    // stderr is not a terminal here: plain progress lines, the last one complete.
    expect(out.stderr).toMatch(/300 \/ 300 bills \(2 failed\)/);
    expect(out.stderr).toMatch(/298 priced, 2 failed .* on 2 workers/);
    expect(out.stdout).toBe('');
    const rows = readFileSync(path.join(dir, 'out', 'results.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((r) => JSON.parse(r) as { line: number; answer?: unknown; error?: { statusCode: number } });
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.error).map((r) => r.line)).toEqual(
      Object.keys(MALFORMED_LINES)
        .map(Number)
        .filter((n) => n <= 300),
    );
    // A priced row is the engine's answer for the same bill (the sample index, as the CLI opened).
    const engine = sampleIndex();
    for (const n of [1, 97, 150, 299]) {
      expect(rows[n - 1]?.answer, `line ${n}`).toEqual(
        priceRequest(engine, normaliseRequest(JSON.parse(batchLine(n)))),
      );
    }
    const summary = JSON.parse(readFileSync(path.join(dir, 'out', 'summary.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(summary).toMatchObject({ bills: 300, priced: 298, failed: 2, explain: 'full', format: 'jsonl' });
  }, 120_000);

  it('prices every .jsonl file of a directory into a folder of its own', () => {
    const inputs = path.join(dir, 'many');
    mkdirSync(inputs);
    writeFileSync(path.join(inputs, 'a.jsonl'), batchInput(3));
    writeFileSync(path.join(inputs, 'b.jsonl'), batchInput(2));
    writeFileSync(path.join(inputs, 'notes.txt'), 'not a batch');
    const out = wcbr([
      'price',
      '--batch',
      inputs,
      '--out',
      path.join(dir, 'many-out'),
      '--workers',
      '1',
      '--index',
      index,
    ]);
    expect(out.status, out.stderr).toBe(0);
    for (const [name, lines] of [
      ['a', 3],
      ['b', 2],
    ] as const) {
      const results = readFileSync(path.join(dir, 'many-out', name, 'results.jsonl'), 'utf8')
        .trimEnd()
        .split('\n');
      expect(results).toHaveLength(lines);
      expect(JSON.parse(readFileSync(path.join(dir, 'many-out', name, 'summary.json'), 'utf8')).explain).toBe(
        'summary',
      );
    }
  }, 120_000);

  it('refuses an explanation level it does not know', () => {
    const out = wcbr([
      'price',
      '--batch',
      path.join(dir, 'bills.jsonl'),
      '--explain',
      'most',
      '--index',
      index,
    ]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--explain must be one of full, summary, none/);
  });
});

describe('the progress line', () => {
  it('says the count, the rate and the time left', () => {
    expect(progressLine({ done: 1500, failed: 3, total: 6000, chunks: 24 }, 2000)).toBe(
      '1,500 / 6,000 bills (3 failed)  750 bills/s  ETA 0:06',
    );
    expect(progressLine({ done: 0, failed: 0, total: 10, chunks: 1 }, 0)).toBe(
      '0 / 10 bills  0 bills/s  ETA --:--',
    );
  });
});
