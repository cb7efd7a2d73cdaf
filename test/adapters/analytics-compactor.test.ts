/**
 * The local analytics compactor (issue 19): spool files to Parquet in Hive partitions, the records
 * read back as they went in, malformed lines skipped and counted, small files merged, retention,
 * and reruns (also after a crash at either side of the commit) that neither lose nor double a record.
 */
import { mkdir, mkdtemp, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsCompactor, STAGING_DIR } from '../../lambdas/adapters/analytics-compactor-local.js';
import { parquetFiles } from '../../lambdas/adapters/analytics-duckdb.js';
import { DuckDbAnalyticsQueryRunner } from '../../lambdas/adapters/analytics-query-runner-duckdb.js';
import { SPOOL_DIR, SpoolAnalyticsSink } from '../../lambdas/adapters/analytics-spool-sink-local.js';
import { ANALYTICS_COLUMNS, type AnalyticsLineRecord } from '../../lambdas/app/analytics/record.js';
import { analyticsBill, analyticsRecord } from '../support/analytics-records.js';

let root: string;
let compactor: AnalyticsCompactor;
let runner: DuckDbAnalyticsQueryRunner;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wcbr-analytics-compactor-'));
  compactor = await AnalyticsCompactor.open({ root, mergeAbove: 1000 });
  runner = await DuckDbAnalyticsQueryRunner.open({ root, estimateBytes: false });
});

afterEach(async () => {
  await compactor.stop();
  await runner.close();
  await rm(root, { recursive: true, force: true });
});

async function spool(records: readonly AnalyticsLineRecord[]): Promise<void> {
  const sink = new SpoolAnalyticsSink({ root });
  await sink.put(records);
  await sink.close();
}

/** Every stored record, in the record's key order, sorted as the test's own records are. */
async function stored(): Promise<Record<string, unknown>[]> {
  const names = ANALYTICS_COLUMNS.map(([name]) => name).join(', ');
  const { rows } = await runner.run({
    sql: `SELECT ${names} FROM ${runner.linesTable} ORDER BY tenant, month, code, billed_cents`,
    params: [],
  });
  return rows.map((row) => ({ ...row }));
}

function sorted(records: readonly AnalyticsLineRecord[]): Record<string, unknown>[] {
  const keys = ANALYTICS_COLUMNS.map(([name]) => name);
  return [...records]
    .sort(
      (a, b) =>
        a.tenant.localeCompare(b.tenant) ||
        a.month.localeCompare(b.month) ||
        a.code.localeCompare(b.code) ||
        a.billed_cents - b.billed_cents,
    )
    .map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
}

describe('AnalyticsCompactor', () => {
  it('converts spool files to Parquet whose records read back equal to what was put, and deletes the spool files', async () => {
    const records = [
      ...analyticsBill(10, { tenant: 'acme', month: '2026-03' }),
      ...analyticsBill(3, { tenant: 'acme', month: '2026-04' }),
      ...analyticsBill(4, { tenant: 'globex', month: '2026-03' }),
      analyticsRecord({
        tenant: 'globex',
        month: '2026-04',
        code: '27447',
        modifiers: '26,LT',
        status: 'unpriced',
        unpriced_reason: 'NO-EDITION',
        allowed_cents: null,
        fee_schedule_cents: null,
        adjustments: [],
        rules: [
          { rule: 'mue', decision: 'denied' },
          { rule: 'BR-NCCI-PTP', decision: 'deny' },
        ],
        place_of_service: null,
        type_of_bill: '0131',
        zip3: null,
        pricing_ms: 12.125,
      }),
    ];
    await spool(records);
    const run = await compactor.flush();
    expect(run).toMatchObject({ spoolFiles: 1, records: 18, malformedLines: 0, parquetFiles: 4 });
    expect(await readdir(join(root, SPOOL_DIR))).toEqual([]);
    expect(await stored()).toEqual(sorted(records));
  });

  it('lays the files out as tenant=<id>/month=<YYYY-MM>/part-<uuid>.parquet, new names on every run', async () => {
    await spool(analyticsBill(2, { tenant: 'acme', month: '2026-03' }));
    await compactor.flush();
    await spool(analyticsBill(2, { tenant: 'acme', month: '2026-03' }));
    await compactor.flush();
    const files = (await parquetFiles(join(root, 'lines'))).map((f) => relative(join(root, 'lines'), f));
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).toMatch(/^tenant=acme\/month=2026-03\/part-[0-9a-f-]{36}\.parquet$/);
    }
    expect(await stored()).toHaveLength(4);
  });

  it('skips and counts malformed lines and keeps the rest of their file', async () => {
    const good = [analyticsRecord({ code: '11111' }), analyticsRecord({ code: '22222' })];
    const lines = [
      JSON.stringify(good[0]),
      '{"tenant": "acme", "month": "2026-03", "code": ',
      JSON.stringify({ ...good[0], tenant: '../etc' }),
      JSON.stringify({ ...good[0], month: '2026-13' }),
      JSON.stringify({ ...good[0], billed_cents: 'a lot' }),
      '[1, 2, 3]',
      JSON.stringify(good[1]),
    ];
    await mkdir(join(root, SPOOL_DIR), { recursive: true });
    await writeFile(join(root, SPOOL_DIR, 'hand-1.ndjson'), `${lines.join('\n')}\n`);
    const run = await compactor.flush();
    expect(run).toMatchObject({ records: 2, malformedLines: 5 });
    expect(compactor.counters.malformedLines).toBe(5);
    expect(await stored()).toEqual(sorted(good));
  });

  it('reads no more spool bytes a run than its bound, past its first file; the next run takes the rest', async () => {
    const bounded = await AnalyticsCompactor.open({ root, maxSpoolBytesPerRun: 100 });
    try {
      await spool(analyticsBill(2, { code: '11111' }));
      await spool(analyticsBill(3, { code: '22222' }));
      expect(await bounded.flush()).toMatchObject({ spoolFiles: 1, records: 2 });
      expect(await bounded.flush()).toMatchObject({ spoolFiles: 1, records: 3 });
      expect(await stored()).toHaveLength(5);
    } finally {
      await bounded.stop();
    }
  });

  it('leaves files being written (.tmp) alone', async () => {
    await mkdir(join(root, SPOOL_DIR), { recursive: true });
    await writeFile(join(root, SPOOL_DIR, 'x.tmp'), JSON.stringify(analyticsRecord()));
    expect(await compactor.flush()).toMatchObject({ spoolFiles: 0 });
    expect(await readdir(join(root, SPOOL_DIR))).toEqual(['x.tmp']);
  });

  it('reruns change nothing: no spool file, the same records', async () => {
    const records = analyticsBill(5);
    await spool(records);
    await compactor.flush();
    const first = await parquetFiles(join(root, 'lines'));
    expect(await compactor.flush()).toMatchObject({ spoolFiles: 0, records: 0, parquetFiles: 0 });
    expect(await parquetFiles(join(root, 'lines'))).toEqual(first);
    expect(await stored()).toEqual(sorted(records));
  });

  it('drops a run that crashed before its commit (its spool files are converted again) and finishes one that crashed after', async () => {
    // Before the commit: a staging directory with output but no commit record.
    await mkdir(join(root, STAGING_DIR, 'crashed-early', 'out'), { recursive: true });
    await writeFile(join(root, STAGING_DIR, 'crashed-early', 'out', 'half.parquet'), 'PAR1');
    // After the commit: a run's Parquet file still in staging and its spool file not yet deleted.
    const records = analyticsBill(3);
    await spool(records);
    const spoolName = (await readdir(join(root, SPOOL_DIR)))[0] as string;
    const spoolText = await (await import('node:fs/promises')).readFile(join(root, SPOOL_DIR, spoolName));
    await compactor.flush();
    const [file] = await parquetFiles(join(root, 'lines'));
    const rel = relative(join(root, 'lines'), file as string);
    const staged = join(root, STAGING_DIR, 'crashed-late');
    await mkdir(dirname(join(staged, 'out', rel)), { recursive: true });
    await rename(file as string, join(staged, 'out', rel));
    await writeFile(join(root, SPOOL_DIR, spoolName), spoolText);
    await writeFile(
      join(staged, 'commit.json'),
      JSON.stringify({ spool: [spoolName], parquet: [rel], replaces: [] }),
    );

    const run = await compactor.flush();
    expect(run).toMatchObject({ spoolFiles: 0 });
    expect(await readdir(join(root, STAGING_DIR))).toEqual([]);
    expect(await readdir(join(root, SPOOL_DIR))).toEqual([]);
    expect(await stored()).toEqual(sorted(records));
  });

  it('merges a partition of more than mergeAbove files into one, keeping every record', async () => {
    const merging = await AnalyticsCompactor.open({ root, mergeAbove: 3 });
    try {
      const records: AnalyticsLineRecord[] = [];
      for (let i = 0; i < 4; i++) {
        const bill = analyticsBill(2, { billed_cents: 1000 + i });
        records.push(...bill);
        await spool(bill);
        const run = await merging.flush();
        expect(run.partitionsMerged).toBe(i === 3 ? 1 : 0);
      }
      expect(await parquetFiles(join(root, 'lines', 'tenant=acme', 'month=2026-03'))).toHaveLength(1);
      expect(await stored()).toEqual(sorted(records));
    } finally {
      await merging.stop();
    }
  });

  it('deletes the files written longer ago than the retention, whatever their month of service, and what is left empty', async () => {
    // As the bucket's lifecycle rule expires objects retentionDays after they were written.
    const now = new Date('2026-12-07T12:00:00Z');
    const retained = await AnalyticsCompactor.open({ root, retentionDays: 90, now: () => now });
    try {
      await spool([analyticsRecord({ tenant: 'old', month: '2026-08' })]);
      await retained.flush();
      // Written 91 days ago: past the retention, though its month of service is recent.
      const written = (now.getTime() - 91 * 86_400_000) / 1000;
      for (const file of await parquetFiles(join(root, 'lines'))) await utimes(file, written, written);
      // Written today for a service three years ago: kept.
      await spool([analyticsRecord({ tenant: 'acme', month: '2023-11' })]);
      const run = await retained.flush();
      expect(run.filesExpired).toBe(1);
      expect(await readdir(join(root, 'lines'))).toEqual(['tenant=acme']);
      expect(await readdir(join(root, 'lines', 'tenant=acme'))).toEqual(['month=2023-11']);
    } finally {
      await retained.stop();
    }
  });

  it('runs on its timer once started, and stop() ends it', async () => {
    const timed = await AnalyticsCompactor.open({ root, intervalMs: 50 });
    timed.start();
    await spool(analyticsBill(2));
    await expect
      .poll(async () => (await parquetFiles(join(root, 'lines'))).length, { timeout: 5000 })
      .toBe(1);
    await timed.stop();
    await expect(timed.flush()).rejects.toThrow(/stopped/);
  });
});
