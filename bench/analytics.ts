/**
 * Issue 19's bench: KPI-like queries over 10 million generated line records in the local Parquet
 * layout (DuckDB through the local query runner), with the bytes Athena would scan for each; the
 * compactor's rate and what many small files per partition cost a query; and what the spool sink
 * adds to pricing a 10-line bill.
 *
 * The records are generated straight into Parquet by one DuckDB `COPY (SELECT … FROM range(n)) TO …
 * (PARTITION_BY (tenant, month))`: eight tenants of very different sizes, 24 months, a skewed spread
 * of codes and jurisdictions, adjustment and rule lists. Made-up amounts (no figure here is a fee).
 * The data are kept in a temporary directory and reused by the next run when complete.
 */

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsCompactor } from '../lambdas/adapters/analytics-compactor-local.js';
import {
  DATA_COLUMNS,
  duckdbType,
  estimateBytesScanned,
  linesDirectory,
  parquetFiles,
  sqlString,
} from '../lambdas/adapters/analytics-duckdb.js';
import { DuckDbAnalyticsQueryRunner } from '../lambdas/adapters/analytics-query-runner-duckdb.js';
import { SpoolAnalyticsSink } from '../lambdas/adapters/analytics-spool-sink-local.js';
import type { AnalyticsQuery } from '../lambdas/app/analytics/ports.js';
import { ANALYTICS_COLUMNS, PARTITION_COLUMNS } from '../lambdas/app/analytics/record.js';
import { analyticsBill } from '../test/support/analytics-records.js';
import {
  type AnalyticsHttpFigures,
  type AnalyticsPricingFigures,
  measureHttpWithAnalytics,
  measurePricingWithAnalytics,
} from './analytics-pricing.js';
import { median } from './stats.js';

/** Bump when the generated data change shape, so an old directory is not reused. */
const DATA_VERSION = 1;
const LINES_PER_BILL = 6;
const TENANTS = 8;
const MONTHS = 24;
const FIRST_MONTH = '2024-12-01';

/** Codes only (no descriptors): common workers' comp professional, facility and supply codes. */
// biome-ignore format: a table
const CODES = [
  '99213', '99214', '97110', '97140', '97530', '97112', '98940', '98941', '99203', '99204',
  '72148', '73721', '73221', '20610', '64483', '62323', '29881', '29880', '27447', '23472',
  '96372', '97014', '97016', '97035', '97750', '99080', '95886', '95910', '95911', '20552',
  '20553', '64493', '64635', '63030', '22551', '22845', '80053', '36415', '85025', '81001',
  'J1100', 'J3301', 'G0283', '99283', '99284', '99285', '70450', '72141', '72131', '71046',
  '73030', '73110', '73560', '73610', 'E0730', 'L1833', 'L3809', 'A4556', '97161', '97163',
];
// biome-ignore format: a table
const JURISDICTIONS = [
  'CA', 'CA', 'CA', 'CA', 'TX', 'TX', 'TX', 'NY', 'NY', 'FL', 'FL', 'PA', 'IL', 'OH', 'GA', 'NJ',
  'MI', 'NC', 'WA', 'US-MEDICARE', 'US-OWCP', 'DE', 'MD', 'VA',
];

const list = (values: readonly string[]) => `[${values.map(sqlString).join(', ')}]`;
/** Element `hash % n` of a list (DuckDB lists are 1-based). */
const pick = (values: readonly string[], hash: string) =>
  `${list(values)}[CAST(1 + (${hash}) % ${values.length} AS BIGINT)]`;

/**
 * The generating SELECT: one row per line, bills of six lines sharing tenant, month, jurisdiction,
 * provider and ZIP3, each column cast to its type in {@link ANALYTICS_COLUMNS}.
 */
function generatingSql(records: number): string {
  const typed = ANALYTICS_COLUMNS.map(([name, type]) => `CAST(${name} AS ${duckdbType(type)}) AS ${name}`);
  return `
WITH base AS (
  SELECT i, i // ${LINES_PER_BILL} AS b, i % ${LINES_PER_BILL} AS pos, hash(i) AS hl, hash(i // ${LINES_PER_BILL}) AS hb,
         hash(i // ${LINES_PER_BILL} + 7919) AS hb2, hash(i + 104729) AS hl2
  FROM range(${records}) t(i)
), bills AS (
  SELECT *,
    'tenant-' || lpad(CAST(CAST(floor(${TENANTS} * pow((hb % 10000) / 10000.0, 2.2)) AS INTEGER) AS VARCHAR), 2, '0') AS tenant,
    DATE '${FIRST_MONTH}' + to_months(CAST((hb2 % ${MONTHS}) AS INTEGER)) AS month_date,
    ${pick(JURISDICTIONS, 'hb // 7')} AS jurisdiction,
    CASE WHEN hb2 % 100 < 85 THEN 'professional' WHEN hb2 % 100 < 95 THEN 'outpatient'
         WHEN hb2 % 100 < 99 THEN 'asc' ELSE 'inpatient' END AS bill_type,
    ${list(CODES)}[1 + CAST(floor(${CODES.length} * pow((hl % 10000) / 10000.0, 2.5)) AS INTEGER)] AS code,
    CASE WHEN hl2 % 100 < 75 THEN '' ELSE ${pick(['GP', '26', 'TC', 'LT', 'RT', '25', '59', '51', '26,LT'], 'hl2 // 100')} END AS modifiers,
    CASE WHEN hl % 1000 < 920 THEN 'priced' WHEN hl % 1000 < 970 THEN 'denied' ELSE 'unpriced' END AS status,
    1 + CAST((hl2 % 100 >= 70)::INTEGER + (hl2 % 100 >= 90)::INTEGER + (hl2 % 100 >= 97)::INTEGER AS INTEGER) AS units
  FROM base
), amounts AS (
  SELECT *,
    CAST((8000 + hash(code) % 150000) * units * (0.8 + (hl // 1000 % 40) / 100.0) AS BIGINT) AS billed_cents
  FROM bills
), priced AS (
  SELECT *,
    CASE status WHEN 'unpriced' THEN NULL WHEN 'denied' THEN 0
         ELSE CAST(billed_cents * (0.35 + (hl2 // 1000 % 50) / 100.0) AS BIGINT) END AS allowed_cents
  FROM amounts
), buckets AS (
  SELECT *,
    CASE status WHEN 'unpriced' THEN NULL WHEN 'denied' THEN 0
         ELSE CAST((billed_cents - allowed_cents) * (CASE WHEN hl % 10 = 0 THEN 0.7 ELSE 1 END) AS BIGINT) END AS fee_schedule_cents
  FROM priced
)
SELECT ${typed.join(',\n       ')}
FROM (
  SELECT *,
    strftime(month_date, '%Y-%m') AS month,
    strftime(month_date + INTERVAL 40 DAY, '%Y-%m-%d') AS priced_on,
    CASE WHEN bill_type = 'professional' THEN ${pick(['11', '11', '11', '22', '24', '23', '02'], 'hb // 13')} END AS place_of_service,
    CASE bill_type WHEN 'outpatient' THEN '0131' WHEN 'asc' THEN '0831' WHEN 'inpatient' THEN '0111' END AS type_of_bill,
    CASE WHEN hb % 50 = 0 THEN '000' ELSE lpad(CAST(hb // 50 % 1000 AS VARCHAR), 3, '0') END AS zip3,
    '1' || lpad(CAST(hb // 11 % 5000 AS VARCHAR), 9, '0') AS billing_npi,
    CASE WHEN hb % 2 = 0 THEN NULL ELSE '1' || lpad(CAST(hb // 17 % 20000 AS VARCHAR), 9, '0') END AS rendering_npi,
    CASE WHEN status = 'unpriced' THEN ${pick(['NO-EDITION', 'NO-FEE', 'UNLISTED-CODE'], 'hl // 7')} END AS unpriced_reason,
    CASE status WHEN 'unpriced' THEN NULL WHEN 'denied' THEN billed_cents
         ELSE billed_cents - allowed_cents - fee_schedule_cents END AS bill_review_cents,
    CASE WHEN status = 'unpriced' THEN NULL ELSE 0 END AS ppo_cents,
    CASE WHEN status = 'unpriced' THEN NULL ELSE 0 END AS ur_cents,
    CASE WHEN status = 'unpriced' THEN NULL ELSE 0 END AS negotiated_cents,
    CASE WHEN status = 'unpriced' THEN NULL ELSE 0 END AS adjuster_cents,
    CASE WHEN status = 'unpriced' THEN NULL ELSE 0 END AS customer_cents,
    CASE status
      WHEN 'unpriced' THEN []
      WHEN 'denied' THEN [{'bucket': 'bill_review', 'amount_cents': billed_cents, 'group_code': 'CO',
        'carc': ${pick(['97', '234', 'B15', '16', '18'], 'hl // 11')}, 'rarc': 'N19',
        'internal_code': ${pick(['BR-NCCI-PTP', 'BR-MUE', 'BR-FREQ', 'BR-BUNDLE'], 'hl // 13')}, 'state_code': NULL}]
      ELSE list_concat(
        [{'bucket': 'fee_schedule', 'amount_cents': fee_schedule_cents, 'group_code': 'CO', 'carc': '45',
          'rarc': NULL, 'internal_code': 'FS-MAX', 'state_code': NULL}],
        CASE WHEN billed_cents - allowed_cents - fee_schedule_cents > 0 THEN
          [{'bucket': 'bill_review', 'amount_cents': billed_cents - allowed_cents - fee_schedule_cents,
            'group_code': 'CO', 'carc': ${pick(['97', '59', 'B15', '150'], 'hl // 17')}, 'rarc': NULL,
            'internal_code': ${pick(['BR-NCCI-PTP', 'BR-MPPR', 'BR-BUNDLE'], 'hl // 19')}, 'state_code': NULL}]
        ELSE [] END)
    END AS adjustments,
    [{'rule': 'BR-NCCI-PTP', 'decision': CASE WHEN status = 'denied' THEN 'deny' ELSE 'pass' END},
     {'rule': 'BR-MUE', 'decision': 'pass'}] AS rules,
    CASE WHEN status = 'unpriced' THEN NULL
         ELSE CASE bill_type WHEN 'professional' THEN 'rbrvs' WHEN 'outpatient' THEN 'opps' WHEN 'asc' THEN 'asc' ELSE 'drg' END END AS fee_method,
    CASE WHEN status = 'unpriced' THEN NULL ELSE strftime(month_date, '%Y') END AS edition,
    pos = 0 AS first_line,
    ${LINES_PER_BILL} AS bill_lines,
    0.2 + (hb % 300) / 100.0 AS pricing_ms
  FROM buckets
)`;
}

/** The generated data set: its directory and what it holds. */
interface DataSet {
  readonly root: string;
  readonly records: number;
  readonly files: number;
  readonly bytes: number;
  readonly generatedMs: number | undefined;
  /** What Athena would scan reading every column of every partition (the reference for the queries' figures). */
  readonly allColumnsBytes: number;
}

/** Generates `records` line records under `<dir>/lines/`, or reuses the directory when complete. */
async function dataSet(records: number): Promise<DataSet> {
  const root = path.join(os.tmpdir(), `wcbr-bench-analytics-${records}-v${DATA_VERSION}`);
  const marker = path.join(root, 'complete.json');
  let generatedMs: number | undefined;
  if (!existsSync(marker)) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const start = performance.now();
    await connection.run(
      `COPY (${generatingSql(records)}) TO ${sqlString(linesDirectory(root))}
       (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${PARTITION_COLUMNS.join(', ')}), FILENAME_PATTERN 'part-{uuid}')`,
    );
    generatedMs = Math.round(performance.now() - start);
    connection.closeSync();
    instance.closeSync();
    await writeFile(marker, JSON.stringify({ records, generatedMs }));
  }
  const files = await parquetFiles(linesDirectory(root));
  let bytes = 0;
  for (const file of files) bytes += (await stat(file)).size;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const allColumnsBytes = await estimateBytesScanned(connection, files, DATA_COLUMNS);
    return { root, records, files: files.length, bytes, generatedMs, allColumnsBytes };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** One timed query of the set. */
export interface QueryFigure {
  readonly name: string;
  readonly runs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rows: number;
  /** Athena's bytes scanned, estimated from the Parquet footers of the columns and partitions read. */
  readonly athenaBytes: number;
}

/** What the analytics section measures. */
export interface AnalyticsRun {
  readonly data: DataSet;
  readonly queries: readonly QueryFigure[];
  /** Records per second from spool files to published Parquet (the compactor, 50,000 records). */
  readonly compactorRecordsPerSecond: number;
  /** One partition's query over 1 merged file and over 200 small files (a day of 250 ms flushes, merged off). */
  readonly merged: { readonly oneFileMs: number; readonly smallFilesMs: number; readonly files: number };
  /** Pricing a 10-line bill (engine + answer serialised) with and without the sink's put of its 10 records. */
  /** The price handler with analytics off and on, same run (bench/analytics-pricing.ts). */
  readonly pricing: AnalyticsPricingFigures;
  /** The local API saturated, analytics off and on, same run. */
  readonly http: AnalyticsHttpFigures;
}

/**
 * The KPI-like query set: what the KPI, benchmark and peers queries read, in SQL both engines take.
 * The adjustments are unnested after the partition filter, in a subquery: DuckDB runs
 * `FROM lines, UNNEST(adjustments)` (or CROSS JOIN UNNEST on the table itself) as a lateral join
 * some 15 times slower (495 ms against 27 ms on 200,000 records), and Athena takes this form too.
 */
function querySet(
  table: string,
  tenants: readonly string[],
): readonly (AnalyticsQuery & { name: string; runs: number })[] {
  const inTenants = `tenant IN (${tenants.map(() => '?').join(', ')})`;
  const tenant = 'tenant-01';
  return [
    {
      name: 'totals, one tenant, 12 months',
      runs: 20,
      sql: `SELECT count(*) FILTER (WHERE first_line) AS bills, count(*) AS lines, sum(billed_cents) AS billed,
              sum(allowed_cents) AS allowed, sum(billed_cents) - sum(allowed_cents) AS savings,
              sum(fee_schedule_cents) AS fee_schedule, sum(bill_review_cents) AS bill_review,
              count(*) FILTER (WHERE status = 'unpriced') AS unpriced
            FROM ${table} WHERE tenant = ? AND month BETWEEN ? AND ?`,
      params: [tenant, '2025-12', '2026-11'],
    },
    {
      name: 'by reason (UNNEST), one tenant, 12 months',
      runs: 20,
      sql: `SELECT a.bucket AS bucket, a.carc AS carc, a.internal_code AS internal_code, count(*) AS lines,
              sum(a.amount_cents) AS cents
            FROM (SELECT adjustments FROM ${table} WHERE tenant = ? AND month BETWEEN ? AND ?) AS l
            CROSS JOIN UNNEST(l.adjustments) AS t(a)
            GROUP BY ALL ORDER BY cents DESC`,
      params: [tenant, '2025-12', '2026-11'],
    },
    {
      name: 'by month, one tenant, 24 months',
      runs: 20,
      sql: `SELECT month, count(*) FILTER (WHERE first_line) AS bills, sum(billed_cents) AS billed,
              sum(allowed_cents) AS allowed
            FROM ${table} WHERE tenant = ? GROUP BY month ORDER BY month`,
      params: [tenant],
    },
    {
      name: 'top codes by savings, one tenant, one state',
      runs: 20,
      sql: `SELECT code, count(*) AS lines, sum(billed_cents) AS billed,
              sum(billed_cents) - sum(allowed_cents) AS savings
            FROM ${table} WHERE tenant = ? AND month BETWEEN ? AND ? AND jurisdiction = ?
            GROUP BY code ORDER BY savings DESC LIMIT 10`,
      params: [tenant, '2025-12', '2026-11', 'CA'],
    },
    {
      name: 'benchmark percentiles, all tenants, a quarter',
      runs: 20,
      sql: `SELECT count(*) AS lines, count(DISTINCT tenant) AS tenants,
              quantile_cont(billed_cents / units, [0.1, 0.25, 0.5, 0.75, 0.9]) AS billed,
              quantile_cont(allowed_cents / units, [0.1, 0.25, 0.5, 0.75, 0.9]) AS allowed
            FROM ${table}
            WHERE ${inTenants} AND month IN (?, ?, ?) AND code = ? AND jurisdiction = ? AND status = 'priced'`,
      params: [...tenants, '2026-07', '2026-08', '2026-09', '99213', 'CA'],
    },
    {
      name: 'peers snapshot, all tenants, 12 months',
      runs: 5,
      sql: `SELECT jurisdiction, code, modifiers, count(*) AS lines, count(DISTINCT tenant) AS tenants,
              quantile_cont(billed_cents / units, [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55,
                0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]) AS billed_per_unit
            FROM ${table} WHERE ${inTenants} AND month BETWEEN ? AND ?
            GROUP BY ALL HAVING count(*) >= 11 AND count(DISTINCT tenant) >= 3`,
      params: [...tenants, '2025-12', '2026-11'],
    },
  ];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

async function timeQueries(data: DataSet): Promise<QueryFigure[]> {
  // Timings without the bytes estimate (an EXPLAIN more per query); the estimate in its own run.
  const timed = await DuckDbAnalyticsQueryRunner.open({ root: data.root, estimateBytes: false });
  const estimating = await DuckDbAnalyticsQueryRunner.open({ root: data.root });
  try {
    const tenants = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);
    const figures: QueryFigure[] = [];
    for (const query of querySet(timed.linesTable, tenants)) {
      let rows = (await timed.run(query)).rows.length; // warm: footers and OS cache
      const times: number[] = [];
      for (let i = 0; i < query.runs; i++) {
        const start = performance.now();
        rows = (await timed.run(query)).rows.length;
        times.push(performance.now() - start);
      }
      const { bytesScanned } = await estimating.run(query);
      figures.push({
        name: query.name,
        runs: query.runs,
        p50Ms: Math.round(median(times)),
        p99Ms: Math.round(percentile(times, 0.99)),
        rows,
        athenaBytes: bytesScanned ?? 0,
      });
    }
    return figures;
  } finally {
    await timed.close();
    await estimating.close();
  }
}

/** The compactor's rate: 50,000 records in 10 spool files to Parquet, median of 3. */
async function compactorRate(): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'wcbr-bench-compact-'));
    const compactor = await AnalyticsCompactor.open({ root });
    try {
      const sink = new SpoolAnalyticsSink({ root, maxRecords: 5000 });
      for (let bill = 0; bill < 5000; bill++) {
        await sink.put(analyticsBill(10, { tenant: `t${bill % 5}`, month: `2026-0${1 + (bill % 9)}` }));
      }
      await sink.close();
      const start = performance.now();
      const run = await compactor.flush();
      rates.push(run.records / ((performance.now() - start) / 1000));
    } finally {
      await compactor.stop();
      await rm(root, { recursive: true, force: true });
    }
  }
  return Math.round(median(rates));
}

/** One partition's records read from 1 file and from 200 small files (p50 of 20 each). */
async function smallFiles(data: DataSet): Promise<AnalyticsRun['merged']> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'wcbr-bench-small-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  try {
    const source = linesDirectory(data.root);
    const partition = (await parquetFiles(path.join(source, 'tenant=tenant-00', 'month=2026-06')))[0];
    if (partition === undefined) throw new Error('the generated data have no tenant-00/2026-06 partition');
    const one = path.join(root, 'one');
    const many = path.join(root, 'many');
    await mkdir(one);
    await mkdir(many);
    await connection.run(
      `COPY (SELECT * FROM read_parquet(${sqlString(partition)})) TO ${sqlString(path.join(one, 'a.parquet'))} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const files = 200;
    await connection.run(
      `COPY (SELECT *, (row_number() OVER () % ${files}) AS chunk FROM read_parquet(${sqlString(partition)}))
       TO ${sqlString(many)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (chunk))`,
    );
    const time = async (glob: string) => {
      const sql = `SELECT count(*), sum(billed_cents), sum(allowed_cents) FROM read_parquet(${sqlString(glob)}, union_by_name = true)`;
      await connection.run(sql);
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const start = performance.now();
        await connection.run(sql);
        times.push(performance.now() - start);
      }
      return Math.round(median(times) * 10) / 10;
    };
    return {
      oneFileMs: await time(`${one}/*.parquet`),
      smallFilesMs: await time(`${many}/**/*.parquet`),
      files,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Runs the analytics section.
 *
 * @param indexFile - the national index (pricing with and without the sink)
 * @param bill - the bench's 10-line bill
 * @param records - line records to generate (10 million)
 * @returns the figures
 */
export async function benchAnalytics(
  indexFile: string,
  bill: object,
  records = 10_000_000,
): Promise<AnalyticsRun> {
  // The pricing figures first: the 10-million-record queries leave the machine warm and busy.
  const pricing = await measurePricingWithAnalytics(indexFile, bill);
  const http = await measureHttpWithAnalytics(indexFile, bill);
  const data = await dataSet(records);
  const queries = await timeQueries(data);
  const compactorRecordsPerSecond = await compactorRate();
  const merged = await smallFiles(data);
  return { data, queries, compactorRecordsPerSecond, merged, pricing, http };
}
