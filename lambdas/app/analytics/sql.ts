import type { AnalyticsQuery, SqlDialect } from './ports.js';
import { ANALYTICS_COLUMNS, type ColumnType } from './record.js';

/**
 * The analytics queries (issue 19), written once for both engines: DuckDB over the local Parquet
 * files and Athena (engine v3, Trino's dialect) over the Glue table. Each builder takes the
 * runner's `linesTable` (the FROM target) and answers `{sql, params}` with positional `?`.
 *
 * Every query names its partitions (`tenant = ?` or `tenant IN (…)`, and `month BETWEEN ? AND ?`)
 * in the WHERE clause of the table itself, never above a join or a window, so that Athena's
 * partition projection reads only those prefixes: the bytes scanned are the caller's months.
 *
 * Where the dialects differ the builder says so: unnesting a list of structs (Trino names every row
 * field as a column, `AS a(bucket, amount_cents, …)`; DuckDB yields one struct column, `AS u(a)`,
 * so `a.carc` reads the same in both), array literals (`[…]` / `ARRAY[…]`) and percentiles
 * (DuckDB's exact `quantile_cont`; Athena's `approx_percentile`, a quantile digest whose rank error
 * is about 1%: an Athena benchmark is approximate and its answer says so).
 */

/** The partitions and filter of one tenant's KPI query. */
export interface KpiFilter {
  readonly tenant: string;
  /** Months of service, inclusive, "2026-01". */
  readonly from: string;
  readonly to: string;
  readonly jurisdiction: string | null;
}

/** The grouping of a grouped KPI query. */
export type KpiGroupKey = 'month' | 'jurisdiction' | 'code' | 'provider' | 'reason';

/** Dimensions of the top-ten lists. */
export type TopDimension = 'code' | 'provider';

/** The lines behind a benchmark: one code, optional jurisdiction and zip3, a range of months. */
export interface BenchmarkFilter {
  readonly code: string;
  readonly jurisdiction: string | null;
  readonly zip3: string | null;
  readonly from: string;
  readonly to: string;
}

/** Percentiles of a benchmark, as fractions. */
export const BENCHMARK_PERCENTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

/** Percentiles of the peers' snapshot: 5, 10, …, 95. */
export const SNAPSHOT_PERCENTILES: readonly number[] = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);

/** How many codes or providers a top list holds. */
export const TOP_LIMIT = 10;

/**
 * The provider of a line: its rendering NPI, else the billing NPI ('' when the bill named neither).
 */
const PROVIDER = "COALESCE(rendering_npi, billing_npi, '')";

/**
 * A line's modifier group for peers: "26" (professional component), "TC" (technical component) or
 * "" for every other modifier. The PC/TC split prices the two components apart (the PFS pays each
 * its own RVUs), so a global charge, a 26 and a TC are three different services; other modifiers
 * (59, LT, 25…) do not change what the service is and pool with the unmodified code.
 */
export const MODIFIER_GROUP =
  "CASE WHEN strpos(',' || modifiers || ',', ',26,') > 0 THEN '26' " +
  "WHEN strpos(',' || modifiers || ',', ',TC,') > 0 THEN 'TC' ELSE '' END";

/**
 * The modifier group of a line's modifiers, as {@link MODIFIER_GROUP} computes it in SQL.
 *
 * @param modifiers - as billed
 * @returns "26", "TC" or ""
 */
export function modifierGroupOf(modifiers: readonly string[]): '26' | 'TC' | '' {
  if (modifiers.includes('26')) return '26';
  return modifiers.includes('TC') ? 'TC' : '';
}

/** Amounts of a set of lines: bills by first line, unpriced lines apart (KpiAmounts). */
const KPI_AMOUNTS = [
  'CAST(SUM(CASE WHEN first_line THEN 1 ELSE 0 END) AS BIGINT) AS bills',
  'CAST(COUNT(*) AS BIGINT) AS lines',
  "CAST(SUM(CASE WHEN status <> 'unpriced' THEN billed_cents ELSE 0 END) AS BIGINT) AS billed_cents",
  "CAST(SUM(CASE WHEN status <> 'unpriced' THEN allowed_cents ELSE 0 END) AS BIGINT) AS allowed_cents",
  "CAST(SUM(CASE WHEN status = 'unpriced' THEN 1 ELSE 0 END) AS BIGINT) AS unpriced_lines",
  "CAST(SUM(CASE WHEN status = 'unpriced' THEN billed_cents ELSE 0 END) AS BIGINT) AS unpriced_billed_cents",
].join(', ');

/** The WHERE clause of one tenant's months (and jurisdiction): partitions first. */
function tenantWhere(filter: KpiFilter): AnalyticsQuery {
  const params: (string | number)[] = [filter.tenant, filter.from, filter.to];
  let sql = 'tenant = ? AND month BETWEEN ? AND ?';
  if (filter.jurisdiction !== null) {
    sql += ' AND jurisdiction = ?';
    params.push(filter.jurisdiction);
  }
  return { sql, params };
}

/** The WHERE clause of several tenants' months: Athena's injected projection needs the literal list. */
function tenantsWhere(tenants: readonly string[], from: string, to: string): AnalyticsQuery {
  if (tenants.length === 0) throw new RangeError('a cross-tenant query needs at least one tenant');
  return {
    sql: `tenant IN (${tenants.map(() => '?').join(', ')}) AND month BETWEEN ? AND ?`,
    params: [...tenants, from, to],
  };
}

/** The field names of a list-of-struct column, in ANALYTICS_COLUMNS order. */
function structFields(column: 'adjustments' | 'rules'): string[] {
  const type = ANALYTICS_COLUMNS.find(([name]) => name === column)?.[1] as Exclude<ColumnType, string>;
  return type.list.map(([name]) => name);
}

/**
 * `CROSS JOIN UNNEST(<from>.adjustments)` with each element readable as `a.<field>` in both dialects.
 *
 * @param dialect - duckdb or athena
 * @param list - the list expression, "l.adjustments"
 * @returns the join clause
 */
export function unnestAdjustments(dialect: SqlDialect, list: string): string {
  return dialect === 'athena'
    ? `CROSS JOIN UNNEST(${list}) AS a(${structFields('adjustments').join(', ')})`
    : `CROSS JOIN UNNEST(${list}) AS u(a)`;
}

/** A list literal of numbers in the dialect; Trino's `1E0` literals are DOUBLE, as approx_percentile takes. */
function arrayOf(dialect: SqlDialect, values: readonly number[]): string {
  return dialect === 'athena'
    ? `ARRAY[${values.map((v) => `${v}E0`).join(', ')}]`
    : `[${values.map((v) => String(v)).join(', ')}]`;
}

/** Percentiles of an expression as one list (indexed from 1 in both dialects). */
function percentiles(dialect: SqlDialect, expression: string, at: readonly number[]): string {
  return dialect === 'athena'
    ? `approx_percentile(${expression}, ${arrayOf(dialect, at)})`
    : `quantile_cont(${expression}, ${arrayOf(dialect, at)})`;
}

/**
 * KPI totals of one tenant's months, with the mean pricing time over bills.
 *
 * @param _dialect - duckdb or athena (the query is the same in both)
 * @param table - the runner's linesTable
 * @param filter - tenant, months, jurisdiction
 * @returns one row: bills, lines, billed_cents, allowed_cents, unpriced_lines, unpriced_billed_cents, mean_pricing_ms
 */
export function kpiTotalsQuery(_dialect: SqlDialect, table: string, filter: KpiFilter): AnalyticsQuery {
  const where = tenantWhere(filter);
  return {
    sql: `SELECT ${KPI_AMOUNTS}, AVG(CASE WHEN first_line THEN pricing_ms END) AS mean_pricing_ms FROM ${table} WHERE ${where.sql}`,
    params: where.params,
  };
}

/**
 * A line numbered within the query (records carry no line key, on purpose), with its adjustments,
 * read from one tenant's partitions: the reductions count the distinct lines each touched.
 */
function numberedLines(table: string, where: AnalyticsQuery): string {
  return (
    'SELECT ROW_NUMBER() OVER () AS line_id, first_line, status, billed_cents, allowed_cents, adjustments ' +
    `FROM ${table} WHERE ${where.sql}`
  );
}

/**
 * KPI amounts grouped by month, jurisdiction, code, provider or reason. By reason, a line counts
 * once in each group-CARC it was adjusted with (lines without adjustments are in no reason group).
 * `bills` counts a bill in the group of its first line.
 *
 * @param dialect - duckdb or athena
 * @param table - the runner's linesTable
 * @param filter - tenant, months, jurisdiction
 * @param group - the grouping
 * @returns rows: key, then the amounts of kpiTotalsQuery (without the mean)
 */
export function kpiGroupsQuery(
  dialect: SqlDialect,
  table: string,
  filter: KpiFilter,
  group: KpiGroupKey,
): AnalyticsQuery {
  const where = tenantWhere(filter);
  if (group === 'reason') {
    const reasons =
      "SELECT DISTINCT l.line_id, a.group_code || '-' || a.carc AS reason, l.first_line, l.status, l.billed_cents, l.allowed_cents " +
      `FROM (${numberedLines(table, where)}) AS l ${unnestAdjustments(dialect, 'l.adjustments')}`;
    return {
      sql: `SELECT reason AS key, ${KPI_AMOUNTS} FROM (${reasons}) AS r GROUP BY reason ORDER BY billed_cents DESC, key`,
      params: where.params,
    };
  }
  const key = group === 'provider' ? PROVIDER : group;
  const order = group === 'month' ? 'key' : 'billed_cents DESC, key';
  return {
    sql: `SELECT ${key} AS key, ${KPI_AMOUNTS} FROM ${table} WHERE ${where.sql} GROUP BY ${key} ORDER BY ${order}`,
    params: where.params,
  };
}

/**
 * Reductions by bucket, rule (the adjustment's internal code) or reason (group code and CARC):
 * the cents withheld and the distinct lines touched.
 *
 * @param dialect - duckdb or athena
 * @param table - the runner's linesTable
 * @param filter - tenant, months, jurisdiction
 * @param by - bucket, rule or reason
 * @returns rows: key, lines, amount_cents; largest first
 */
export function reductionsQuery(
  dialect: SqlDialect,
  table: string,
  filter: KpiFilter,
  by: 'bucket' | 'rule' | 'reason',
): AnalyticsQuery {
  const where = tenantWhere(filter);
  const key =
    by === 'bucket' ? 'a.bucket' : by === 'rule' ? 'a.internal_code' : "a.group_code || '-' || a.carc";
  return {
    sql:
      `SELECT ${key} AS key, CAST(COUNT(DISTINCT l.line_id) AS BIGINT) AS lines, CAST(SUM(a.amount_cents) AS BIGINT) AS amount_cents ` +
      `FROM (${numberedLines(table, where)}) AS l ${unnestAdjustments(dialect, 'l.adjustments')} ` +
      `GROUP BY ${key} ORDER BY amount_cents DESC, key`,
    params: where.params,
  };
}

/**
 * Unpriced lines by why.
 *
 * @param _dialect - duckdb or athena (the query is the same in both)
 * @param table - the runner's linesTable
 * @param filter - tenant, months, jurisdiction
 * @returns rows: key (the unpriced reason), lines, billed_cents; most lines first
 */
export function unpricedQuery(_dialect: SqlDialect, table: string, filter: KpiFilter): AnalyticsQuery {
  const where = tenantWhere(filter);
  return {
    sql:
      `SELECT COALESCE(unpriced_reason, '') AS key, CAST(COUNT(*) AS BIGINT) AS lines, CAST(SUM(billed_cents) AS BIGINT) AS billed_cents ` +
      `FROM ${table} WHERE ${where.sql} AND status = 'unpriced' GROUP BY COALESCE(unpriced_reason, '') ORDER BY lines DESC, key`,
    params: where.params,
  };
}

/**
 * The top ten codes or providers by billed and by savings, in one scan: each row says its rank in
 * both orders (a row is in the answer when either rank is ten or better).
 *
 * @param _dialect - duckdb or athena (the query is the same in both)
 * @param table - the runner's linesTable
 * @param filter - tenant, months, jurisdiction
 * @param dimension - code or provider
 * @returns rows: key, lines, billed_cents, savings_cents, by_billed, by_savings
 */
export function topQuery(
  _dialect: SqlDialect,
  table: string,
  filter: KpiFilter,
  dimension: TopDimension,
): AnalyticsQuery {
  const where = tenantWhere(filter);
  const key = dimension === 'provider' ? PROVIDER : 'code';
  const grouped =
    `SELECT ${key} AS key, CAST(COUNT(*) AS BIGINT) AS lines, CAST(SUM(billed_cents) AS BIGINT) AS billed_cents, ` +
    'CAST(SUM(billed_cents - allowed_cents) AS BIGINT) AS savings_cents ' +
    `FROM ${table} WHERE ${where.sql} AND status <> 'unpriced' GROUP BY ${key}`;
  const ranked =
    'SELECT key, lines, billed_cents, savings_cents, ' +
    'ROW_NUMBER() OVER (ORDER BY billed_cents DESC, key) AS by_billed, ' +
    'ROW_NUMBER() OVER (ORDER BY savings_cents DESC, key) AS by_savings ' +
    `FROM (${grouped}) AS g`;
  return {
    sql: `SELECT key, lines, billed_cents, savings_cents, by_billed, by_savings FROM (${ranked}) AS t WHERE by_billed <= ${TOP_LIMIT} OR by_savings <= ${TOP_LIMIT} ORDER BY by_billed`,
    params: where.params,
  };
}

/**
 * The distribution of one code's charges and allowances per unit: across the tenants given (peers)
 * or one tenant's own. Billed per unit over every line with units; allowed per unit over priced and
 * denied lines. Percentiles 10, 25, 50, 75, 90 in cents per unit (Athena: approximate).
 *
 * @param dialect - duckdb or athena
 * @param table - the runner's linesTable
 * @param tenants - the tenants whose lines count (one for the caller's own)
 * @param filter - code, jurisdiction, zip3, months
 * @returns one row: lines, tenants, allowed_lines, billed_p10..billed_p90, allowed_p10..allowed_p90
 */
export function benchmarkQuery(
  dialect: SqlDialect,
  table: string,
  tenants: readonly string[],
  filter: BenchmarkFilter,
): AnalyticsQuery {
  const where = tenantsWhere(tenants, filter.from, filter.to);
  let sql = `${where.sql} AND code = ? AND units > 0`;
  const params = [...where.params, filter.code];
  if (filter.jurisdiction !== null) {
    sql += ' AND jurisdiction = ?';
    params.push(filter.jurisdiction);
  }
  if (filter.zip3 !== null) {
    sql += ' AND zip3 = ?';
    params.push(filter.zip3);
  }
  const billed = 'CAST(billed_cents AS DOUBLE) / units';
  const allowed = "CASE WHEN status <> 'unpriced' THEN CAST(allowed_cents AS DOUBLE) / units END";
  const inner =
    'SELECT CAST(COUNT(*) AS BIGINT) AS lines, CAST(COUNT(DISTINCT tenant) AS BIGINT) AS tenants, ' +
    `CAST(COUNT(${allowed}) AS BIGINT) AS allowed_lines, ` +
    `${percentiles(dialect, billed, BENCHMARK_PERCENTILES)} AS billed_q, ` +
    `${percentiles(dialect, allowed, BENCHMARK_PERCENTILES)} AS allowed_q ` +
    `FROM ${table} WHERE ${sql}`;
  const names = BENCHMARK_PERCENTILES.map((p) => `p${Math.round(p * 100)}`);
  const columns = names.flatMap((name, i) => [
    `billed_q[${i + 1}] AS billed_${name}`,
    `allowed_q[${i + 1}] AS allowed_${name}`,
  ]);
  return { sql: `SELECT lines, tenants, allowed_lines, ${columns.join(', ')} FROM (${inner}) AS q`, params };
}

/**
 * The peers' snapshot: every jurisdiction|code|modifier group over a range of months, with its
 * lines, tenants and 19 percentiles (5..95) of billed cents per unit, only where the group meets
 * the publication threshold (Athena: approximate percentiles).
 *
 * @param dialect - duckdb or athena
 * @param table - the runner's linesTable
 * @param tenants - every tenant with records
 * @param from - first month, "2025-12"
 * @param to - last month, "2026-11"
 * @param threshold - the minimum lines and tenants of a group
 * @returns rows: jurisdiction, code, modifier_group, lines, tenants, p5..p95
 */
export function peerSnapshotQuery(
  dialect: SqlDialect,
  table: string,
  tenants: readonly string[],
  from: string,
  to: string,
  threshold: { readonly lines: number; readonly tenants: number },
): AnalyticsQuery {
  const where = tenantsWhere(tenants, from, to);
  const inner =
    `SELECT jurisdiction, code, ${MODIFIER_GROUP} AS modifier_group, CAST(COUNT(*) AS BIGINT) AS lines, ` +
    'CAST(COUNT(DISTINCT tenant) AS BIGINT) AS tenants, ' +
    `${percentiles(dialect, 'CAST(billed_cents AS DOUBLE) / units', SNAPSHOT_PERCENTILES)} AS q ` +
    `FROM ${table} WHERE ${where.sql} AND units > 0 ` +
    `GROUP BY jurisdiction, code, ${MODIFIER_GROUP} ` +
    'HAVING COUNT(*) >= ? AND COUNT(DISTINCT tenant) >= ?';
  const columns = SNAPSHOT_PERCENTILES.map((p, i) => `q[${i + 1}] AS p${Math.round(p * 100)}`);
  return {
    sql: `SELECT jurisdiction, code, modifier_group, lines, tenants, ${columns.join(', ')} FROM (${inner}) AS s ORDER BY jurisdiction, code, modifier_group`,
    params: [...where.params, threshold.lines, threshold.tenants],
  };
}
