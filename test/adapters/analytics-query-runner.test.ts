/**
 * The DuckDB query runner (issue 19): an empty analytics directory answers as an empty table does,
 * positional parameters bind, DuckDB's values come back plain, and the estimate of Athena's bytes
 * scanned follows the columns and partitions a query reads.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsCompactor } from '../../lambdas/adapters/analytics-compactor-local.js';
import { parquetFiles } from '../../lambdas/adapters/analytics-duckdb.js';
import {
  DuckDbAnalyticsQueryRunner,
  readParquetScans,
} from '../../lambdas/adapters/analytics-query-runner-duckdb.js';
import { SpoolAnalyticsSink } from '../../lambdas/adapters/analytics-spool-sink-local.js';
import type { AnalyticsLineRecord } from '../../lambdas/app/analytics/record.js';
import { analyticsBill, analyticsRecord } from '../support/analytics-records.js';

let empty: string;
let root: string;
let runner: DuckDbAnalyticsQueryRunner;
let records: AnalyticsLineRecord[];

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'wcbr-analytics-empty-'));
  root = await mkdtemp(join(tmpdir(), 'wcbr-analytics-runner-'));
  // Three tenants × four months × 25 bills of 4 lines: 12 partitions, 1,200 records.
  records = [];
  for (const tenant of ['acme', 'globex', 'initech']) {
    for (const month of ['2026-01', '2026-02', '2026-03', '2026-04']) {
      for (let bill = 0; bill < 25; bill++) {
        records.push(
          ...analyticsBill(4, { tenant, month, jurisdiction: bill % 2 === 0 ? 'US-MEDICARE' : 'CA' }),
        );
      }
    }
  }
  const sink = new SpoolAnalyticsSink({ root });
  await sink.put(records);
  await sink.close();
  const compactor = await AnalyticsCompactor.open({ root });
  await compactor.flush();
  await compactor.stop();
  runner = await DuckDbAnalyticsQueryRunner.open({ root });
});

afterAll(async () => {
  await runner?.close();
  await rm(empty, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

describe('DuckDbAnalyticsQueryRunner', () => {
  it('answers over no files as over an empty table: a count of 0, not an error', async () => {
    const none = await DuckDbAnalyticsQueryRunner.open({ root: empty });
    try {
      const { rows, bytesScanned } = await none.run({
        sql: `SELECT count(*) AS lines, sum(billed_cents) AS billed FROM ${none.linesTable} WHERE tenant = ?`,
        params: ['acme'],
      });
      expect(rows).toEqual([{ lines: 0, billed: null }]);
      const { rows: grouped } = await none.run({
        sql: `SELECT month, count(*) AS n FROM ${none.linesTable} GROUP BY month`,
        params: [],
      });
      expect(grouped).toEqual([]);
      expect(bytesScanned).toBe(0);
      expect(none.dialect).toBe('duckdb');
    } finally {
      await none.close();
    }
  });

  it('binds positional parameters (text and numbers) and answers BIGINT and HUGEINT sums as numbers', async () => {
    const { rows } = await runner.run({
      sql: `SELECT count(*) AS lines, sum(billed_cents) AS billed, count(*) FILTER (WHERE first_line) AS bills
            FROM ${runner.linesTable} WHERE tenant = ? AND month >= ? AND billed_cents >= ?`,
      params: ['globex', '2026-03', 10_100],
    });
    const expected = records.filter(
      (r) => r.tenant === 'globex' && r.month >= '2026-03' && r.billed_cents >= 10_100,
    );
    expect(rows).toEqual([
      {
        lines: expected.length,
        billed: expected.reduce((sum, r) => sum + r.billed_cents, 0),
        bills: expected.filter((r) => r.first_line).length,
      },
    ]);
    expect(typeof rows[0]?.billed).toBe('number');
  });

  it('converts DECIMAL, doubles, lists, structs and booleans to plain values', async () => {
    const {
      rows: [row],
    } = await runner.run({
      sql: `SELECT CAST(12.5 AS DECIMAL(12, 2)) AS dec, avg(billed_cents) AS mean,
                   quantile_cont(billed_cents, [0.5, 0.9]) AS pct, any_value(adjustments) AS adj,
                   bool_and(first_line) AS all_first
            FROM ${runner.linesTable} WHERE tenant = ?`,
      params: ['acme'],
    });
    expect(row?.dec).toBe(12.5);
    expect(typeof row?.mean).toBe('number');
    expect(row?.pct).toEqual([expect.any(Number), expect.any(Number)]);
    // The records' default adjustments (test/support/analytics-records.ts), as plain structs.
    expect(row?.adj).toEqual(analyticsRecord().adjustments);
    expect(row?.all_first).toBe(false);
  });

  it('runs a query over the adjustments list (UNNEST), as the KPI by reason does', async () => {
    const { rows } = await runner.run({
      sql: `SELECT a.carc AS carc, sum(a.amount_cents) AS cents
            FROM (SELECT adjustments FROM ${runner.linesTable} WHERE tenant = ?) AS l
            CROSS JOIN UNNEST(l.adjustments) AS t(a) GROUP BY ALL`,
      params: ['initech'],
    });
    const lines = records.filter((r) => r.tenant === 'initech');
    expect(rows).toEqual([{ carc: '45', cents: lines.length * 11_000 }]);
  });

  it('estimates Athena bytes from the columns and partitions read: fewer columns or partitions, fewer bytes', async () => {
    const bytes = async (sql: string, params: (string | number)[] = []) => {
      return (await runner.run({ sql, params })).bytesScanned as number;
    };
    const all = await bytes(`SELECT sum(billed_cents) FROM ${runner.linesTable}`);
    const oneTenant = await bytes(`SELECT sum(billed_cents) FROM ${runner.linesTable} WHERE tenant = ?`, [
      'acme',
    ]);
    const onePartition = await bytes(
      `SELECT sum(billed_cents) FROM ${runner.linesTable} WHERE tenant = ? AND month = ?`,
      ['acme', '2026-02'],
    );
    const twoColumns = await bytes(`SELECT sum(billed_cents), sum(allowed_cents) FROM ${runner.linesTable}`);
    const filtered = await bytes(
      `SELECT sum(billed_cents) FROM ${runner.linesTable} WHERE jurisdiction = ?`,
      ['CA'],
    );
    expect(onePartition).toBeGreaterThan(0);
    expect(onePartition).toBeLessThan(oneTenant);
    expect(oneTenant).toBeLessThan(all);
    // Twelve partitions of the same records: one is about a twelfth (the column chunks' own sizes vary a little).
    expect(all / onePartition).toBeGreaterThan(8);
    expect(twoColumns).toBeGreaterThan(all);
    // A column named only in WHERE is read too.
    expect(filtered).toBeGreaterThan(all);
  });

  it('reads files written before a column was added, with that column null', async () => {
    const older = await mkdtemp(join(tmpdir(), 'wcbr-analytics-older-'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const evolving = await DuckDbAnalyticsQueryRunner.open({ root: older });
    try {
      const partition = join(older, 'lines', 'tenant=acme', 'month=2026-01');
      await mkdir(partition, { recursive: true });
      const [file] = await parquetFiles(join(root, 'lines', 'tenant=acme', 'month=2026-01'));
      await connection.run(
        `COPY (SELECT * EXCLUDE (edition) FROM read_parquet('${file}')) TO '${join(partition, 'old.parquet')}'`,
      );
      await connection.run(
        `COPY (SELECT * FROM read_parquet('${file}')) TO '${join(partition, 'new.parquet')}'`,
      );
      const { rows } = await evolving.run({
        sql: `SELECT edition, count(*) AS n FROM ${evolving.linesTable} GROUP BY edition ORDER BY edition NULLS FIRST`,
        params: [],
      });
      const each = records.filter((r) => r.tenant === 'acme' && r.month === '2026-01').length;
      expect(rows).toEqual([
        { edition: null, n: each },
        { edition: '2026', n: each },
      ]);
    } finally {
      await evolving.close();
      connection.closeSync();
      instance.closeSync();
      await rm(older, { recursive: true, force: true });
    }
  });

  it('finds the Parquet scans of a plan with their columns and partition filters', () => {
    const plan = [
      {
        name: 'HASH_JOIN',
        children: [
          {
            name: 'READ_PARQUET',
            children: [],
            extra_info: {
              Projections: 'code\nbilled_cents',
              Filters: 'units>1',
              'File Filters': "(tenant = 'a')",
            },
          },
          { name: 'READ_PARQUET', children: [], extra_info: { Projections: 'tenant\nallowed_cents' } },
        ],
      },
    ];
    expect(readParquetScans(plan)).toEqual([
      { columns: ['code', 'units', 'billed_cents'], fileFilters: "(tenant = 'a')" },
      { columns: ['allowed_cents'], fileFilters: undefined },
    ]);
  });
});
