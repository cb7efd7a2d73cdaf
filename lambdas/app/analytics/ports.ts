import type { AnalyticsLineRecord } from './record.js';

/**
 * The ports of analytics (issue 19): where records go once a bill is priced, how a query runs,
 * which tenants have data (and deleting one's), and the peers' snapshot the pricing path compares
 * lines with. AWS: Firehose (Parquet conversion, dynamic partitioning), Athena over the Glue table,
 * S3. Locally: a spool of JSON lines compacted to the same Parquet layout, DuckDB, the disk.
 */

/** Where priced bills' records go. `put` never throws for a store outage: it counts what it dropped. */
export interface AnalyticsSink {
  put(records: readonly AnalyticsLineRecord[]): Promise<void>;
}

/** The two SQL dialects the queries are written in. */
export type SqlDialect = 'duckdb' | 'athena';

/** A query: SQL with positional `?` parameters (Athena ExecutionParameters; DuckDB prepared). */
export interface AnalyticsQuery {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

/** A result row: numbers as numbers (BIGINT sums fit in a double well past any real total). */
export type AnalyticsRow = Readonly<Record<string, string | number | boolean | null>>;

/** A query's answer: its rows, and what it read. */
export interface AnalyticsResult {
  readonly rows: readonly AnalyticsRow[];
  /**
   * Bytes the query read: Athena's DataScannedInBytes, locally an estimate of the same from the
   * Parquet metadata; null when not known. Per query, so queries may run at once.
   */
  readonly bytesScanned: number | null;
}

/** Runs queries over the lines table. */
export interface AnalyticsQueryRunner {
  readonly dialect: SqlDialect;
  /** The FROM target of the lines table in this dialect: the Glue table, or DuckDB's read of the Parquet files. */
  readonly linesTable: string;
  run(query: AnalyticsQuery): Promise<AnalyticsResult>;
}

/**
 * What several queries read together: the sum, or null when any one is unknown.
 *
 * @param results - the queries' answers
 * @returns bytes, or null
 */
export function bytesScannedOf(results: readonly (AnalyticsResult | null)[]): number | null {
  let total = 0;
  for (const result of results) {
    if (result === null) continue;
    if (result.bytesScanned === null) return null;
    total += result.bytesScanned;
  }
  return total;
}

/** The tenants with stored records, and deleting one tenant's. */
export interface AnalyticsTenantStore {
  /** Every tenant with at least one partition (Athena's injected tenant projection needs the list). */
  tenants(): Promise<readonly string[]>;
  /** Deletes every record of the tenant; answers how many objects (files) were deleted. */
  deleteTenant(tenant: string): Promise<{ readonly objectsDeleted: number }>;
}

/** The distribution of one peer group's charges per unit, as the pricing path compares with it. */
export interface PeerDistribution {
  readonly lines: number;
  readonly tenants: number;
  /** Billed cents per unit at percentiles 5, 10, …, 95 (19 values, ascending). */
  readonly billedPerUnit: readonly number[];
}

/** The peers' snapshot: distributions by jurisdiction, code and modifier group, over its window. */
export interface PeerSnapshot {
  readonly builtAt: string;
  /** First and last month of service it covers, "2025-12".."2026-11". */
  readonly from: string;
  readonly to: string;
  /** Key: `${jurisdiction}|${code}|${modifierGroup}`; only groups meeting the publication threshold. */
  readonly groups: Readonly<Record<string, PeerDistribution>>;
}

/** Where the peers' snapshot is kept (S3 object in AWS, a file locally). */
export interface PeerSnapshotStore {
  load(): Promise<PeerSnapshot | null>;
  save(snapshot: PeerSnapshot): Promise<void>;
}
