/**
 * The local analytics sink (issue 19): records buffered and written as whole JSON-lines files in
 * the spool, on its timer, at its record count, on flush; an I/O error counted, never thrown.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPOOL_DIR, SpoolAnalyticsSink } from '../../lambdas/adapters/analytics-spool-sink-local.js';
import { analyticsBill, analyticsRecord } from '../support/analytics-records.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wcbr-analytics-sink-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function spoolFiles(): Promise<string[]> {
  return (await readdir(join(root, SPOOL_DIR)).catch(() => [] as string[])).sort();
}

async function spooledRecords(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of await spoolFiles()) {
    const text = await readFile(join(root, SPOOL_DIR, name), 'utf8');
    for (const line of text.split('\n')) if (line !== '') out.push(JSON.parse(line));
  }
  return out;
}

describe('SpoolAnalyticsSink', () => {
  it('keeps records in memory until its interval, then writes them as one ready .ndjson file', async () => {
    const sink = new SpoolAnalyticsSink({ root, flushMs: 100 });
    const bill = analyticsBill(10);
    await sink.put(bill);
    expect(await spoolFiles()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const files = await spoolFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${process.pid}-0-[a-z0-9]+-\\d{8}\\.ndjson$`));
    expect(await spooledRecords()).toEqual(bill);
    expect(sink.counters).toMatchObject({ filesWritten: 1, recordsWritten: 10, writeErrors: 0 });
    await sink.close();
  });

  it('writes at its record count without waiting for the timer, and flush() writes the rest', async () => {
    const sink = new SpoolAnalyticsSink({ root, flushMs: 60_000, maxRecords: 25 });
    for (let i = 0; i < 3; i++) await sink.put(analyticsBill(10, { code: `9921${i}` }));
    // 30 records: the 25-record threshold was passed at the third bill, whose put started a write.
    await sink.flush();
    const records = await spooledRecords();
    expect(records).toHaveLength(30);
    expect((records as { code: string }[]).map((r) => r.code)).toEqual([
      ...Array(10).fill('99210'),
      ...Array(10).fill('99211'),
      ...Array(10).fill('99212'),
    ]);
    await sink.close();
  });

  it('never shows a reader a partial file: every .ndjson file seen while writing parses whole', async () => {
    const sink = new SpoolAnalyticsSink({ root, flushMs: 5, maxRecords: 500 });
    let stop = false;
    let checked = 0;
    const reader = (async () => {
      while (!stop) {
        for (const name of await spoolFiles()) {
          if (!name.endsWith('.ndjson')) continue;
          const text = await readFile(join(root, SPOOL_DIR, name), 'utf8');
          expect(text.endsWith('\n')).toBe(true);
          for (const line of text.trimEnd().split('\n')) JSON.parse(line);
          checked += 1;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 200; i++) {
      await sink.put(analyticsBill(10, { code: 'X'.repeat(2000) }));
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await sink.close();
    stop = true;
    await reader;
    expect(checked).toBeGreaterThan(0);
    expect(await spooledRecords()).toHaveLength(2000);
  });

  it("counts a write error and drops that file's records, never throwing to the caller", async () => {
    // The spool path is a file, not a directory: every write fails.
    await writeFile(join(root, SPOOL_DIR), 'not a directory');
    const sink = new SpoolAnalyticsSink({ root, flushMs: 10 });
    await expect(sink.put(analyticsBill(10))).resolves.toBeUndefined();
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(sink.counters).toMatchObject({ filesWritten: 0, writeErrors: 1, recordsDropped: 10 });
    // It recovers once the directory can be made.
    await rm(join(root, SPOOL_DIR));
    await sink.put([analyticsRecord()]);
    await sink.flush();
    expect(sink.counters).toMatchObject({ filesWritten: 1, recordsWritten: 1, writeErrors: 1 });
  });

  it('drops and counts records beyond its buffer bound, and nothing after close()', async () => {
    const sink = new SpoolAnalyticsSink({ root, flushMs: 60_000, maxRecords: 1_000, maxBuffered: 15 });
    await sink.put(analyticsBill(10));
    await sink.put(analyticsBill(10));
    expect(sink.counters.recordsDropped).toBe(5);
    await sink.close();
    await sink.put(analyticsBill(10));
    await sink.flush();
    expect(await spooledRecords()).toHaveLength(15);
    expect(sink.counters.recordsDropped).toBe(15);
  });

  it('works in worker threads, each with its own sink and files named by its thread', async () => {
    const script = `
      const { workerData, parentPort } = require('node:worker_threads');
      // tsx registered in the thread, as the local stack's handler threads do (lambdas/local/handler-threads.ts).
      import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.module); }).then(async ({ SpoolAnalyticsSink }) => {
        const sink = new SpoolAnalyticsSink({ root: workerData.root, flushMs: 10 });
        for (let i = 0; i < 50; i++) await sink.put([{ tenant: 't', month: '2026-01', units: i }]);
        await sink.close();
        parentPort.postMessage('done');
      });`;
    const module = new URL('../../lambdas/adapters/analytics-spool-sink-local.ts', import.meta.url).href;
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const worker = new Worker(script, {
          eval: true,
          workerData: { module, root, tsx },
        });
        worker.once('message', () => resolve(worker.threadId));
        worker.once('error', reject);
      });
    const threads = await Promise.all([run(), run()]);
    const names = await spoolFiles();
    for (const thread of threads) {
      expect(names.some((n) => n.startsWith(`${process.pid}-${thread}-`))).toBe(true);
    }
    expect(await spooledRecords()).toHaveLength(100);
  });
});
