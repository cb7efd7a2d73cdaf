/**
 * {@link AnalyticsQueryRunner} on DuckDB for the local stack (issue 19): one in-memory DuckDB per
 * runner reading the Parquet files under `<root>/lines/` (what the compactor writes), with the SQL
 * the queries write for both engines. Parameters are bound to a prepared statement (positional `?`,
 * as Athena's ExecutionParameters), values come back plain (numbers for BIGINT, HUGEINT and
 * DECIMAL). Before any file exists, the lines table is an empty relation with its columns, so a
 * query answers what it would over no rows (a count of 0), not an error.
 *
 * Each answer's `bytesScanned` estimates what Athena would scan for the same query: DuckDB's plan names the
 * columns each Parquet scan reads and the partition filters it applies; the estimate is the
 * compressed size of those columns in the files of the partitions those filters keep
 * ({@link estimateBytesScanned}).
 */
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBResultReader,
} from '@duckdb/node-api';
import type {
  AnalyticsQuery,
  AnalyticsQueryRunner,
  AnalyticsResult,
  AnalyticsRow,
} from '../app/analytics/ports.js';
import { ANALYTICS_COLUMNS, PARTITION_COLUMNS } from '../app/analytics/record.js';
import {
  emptyLinesRelation,
  estimateBytesScanned,
  linesDirectory,
  linesRelation,
  parquetFiles,
  sqlString,
  toPlain,
} from './analytics-duckdb.js';

/** Options of {@link DuckDbAnalyticsQueryRunner.open}. */
export interface DuckDbRunnerOptions {
  /** The analytics root (`lines/` under it). */
  readonly root: string;
  /** Estimate Athena's bytes scanned after each query (an EXPLAIN and the footers, ~1 ms). @default true */
  readonly estimateBytes?: boolean;
  /** DuckDB threads. @default 2 */
  readonly threads?: number;
}

const COLUMN_NAMES = ANALYTICS_COLUMNS.map(([name]) => name);

/** {@link AnalyticsQueryRunner} on an in-memory DuckDB over the local Parquet files. */
export class DuckDbAnalyticsQueryRunner implements AnalyticsQueryRunner {
  readonly dialect = 'duckdb' as const;
  readonly linesTable: string;
  readonly #root: string;
  readonly #estimate: boolean;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  #queue: Promise<unknown> = Promise.resolve();
  #unionByName = false;

  private constructor(options: DuckDbRunnerOptions, instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#root = options.root;
    this.#estimate = options.estimateBytes ?? true;
    this.#instance = instance;
    this.#connection = connection;
    this.linesTable = linesRelation(options.root);
  }

  /**
   * Opens a runner with its own in-memory DuckDB.
   *
   * @param options - the root
   * @returns the runner
   */
  static async open(options: DuckDbRunnerOptions): Promise<DuckDbAnalyticsQueryRunner> {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads ?? 2) });
    return new DuckDbAnalyticsQueryRunner(options, instance, await instance.connect());
  }

  /**
   * Runs a query. Queries run one at a time on the runner's connection.
   *
   * @param query - SQL with positional `?` parameters, FROM {@link linesTable}
   * @returns the rows, plain values, and the bytes Athena would scan for it (estimated)
   */
  run(query: AnalyticsQuery): Promise<AnalyticsResult> {
    const next = this.#queue.then(() => this.#run(query));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Closes DuckDB. */
  async close(): Promise<void> {
    await this.#queue;
    this.#connection.closeSync();
    this.#instance.closeSync();
  }

  async #run({ sql, params }: AnalyticsQuery): Promise<AnalyticsResult> {
    const files = await parquetFiles(linesDirectory(this.#root));
    let text =
      files.length === 0
        ? sql.replaceAll(this.linesTable, emptyLinesRelation())
        : this.#unionByName
          ? sql.replaceAll(this.linesTable, linesRelation(this.#root, true))
          : sql;
    let reader: DuckDBResultReader;
    try {
      reader = await this.#execute(text, params);
    } catch (error) {
      // Files written before a column was added: read by name with the missing columns null,
      // from now on (the slower read; linesRelation says by how much).
      if (this.#unionByName || !/schema mismatch/i.test(String((error as Error).message))) throw error;
      this.#unionByName = true;
      text = sql.replaceAll(this.linesTable, linesRelation(this.#root, true));
      reader = await this.#execute(text, params);
    }
    const rows = reader.getRowObjectsJS().map((row) => toPlain(row) as AnalyticsRow);
    const bytesScanned =
      files.length === 0 ? 0 : this.#estimate ? await this.#estimateScan(text, params, files) : null;
    return { rows, bytesScanned };
  }

  async #execute(sql: string, params: AnalyticsQuery['params']): Promise<DuckDBResultReader> {
    const statement = await this.#connection.prepare(sql);
    bindAll(statement, params);
    return statement.runAndReadAll();
  }

  /**
   * Athena's bytes for a query: the plan's Parquet scans give the columns read ("Projections",
   * "Filters") and the partition filters ("File Filters", with the parameters' values); the filters
   * are applied to the files' Hive paths to keep the files read.
   */
  async #estimateScan(
    sql: string,
    params: AnalyticsQuery['params'],
    files: readonly string[],
  ): Promise<number> {
    const explain = await this.#connection.prepare(`EXPLAIN (FORMAT json) ${sql}`);
    bindAll(explain, params);
    const plan = (await explain.runAndReadAll()).getRowObjectsJS()[0]?.explain_value;
    const scans = readParquetScans(JSON.parse(String(plan)) as unknown);
    let total = 0;
    for (const scan of scans) {
      const kept = await this.#filesMatching(files, scan.fileFilters);
      total += await estimateBytesScanned(this.#connection, kept, scan.columns);
    }
    return total;
  }

  /** The files whose Hive partition values pass the plan's file filters (all when it has none, or they cannot be read). */
  async #filesMatching(
    files: readonly string[],
    fileFilters: string | undefined,
  ): Promise<readonly string[]> {
    if (fileFilters === undefined || fileFilters.trim() === '') return files;
    // "(tenant IN ('a', 'b'))(month >= '2026-01')": each parenthesised filter, ANDed.
    const where = fileFilters.replaceAll(')(', ') AND (');
    const keys = PARTITION_COLUMNS.map(
      (c) => `regexp_extract(file, ${sqlString(`/${c}=([^/]+)/`)}, 1) AS ${c}`,
    ).join(', ');
    try {
      const reader = await this.#connection.runAndReadAll(
        `SELECT file FROM (SELECT file, ${keys} FROM (SELECT unnest([${files.map(sqlString).join(', ')}]) AS file)) WHERE ${where}`,
      );
      return reader.getRowObjectsJS().map((row) => String(row.file));
    } catch {
      // An overestimate rather than none: Athena with a filter it cannot prune scans every partition.
      return files;
    }
  }
}

/** One Parquet scan of a plan: the data columns it reads and its partition filter. */
interface ParquetScan {
  readonly columns: readonly string[];
  readonly fileFilters: string | undefined;
}

/**
 * Every READ_PARQUET node of a DuckDB JSON plan, with the record's columns its projections and
 * filters name (a query may scan the table more than once: a self-join, a CTE read twice).
 *
 * @param plan - `EXPLAIN (FORMAT json)`'s value, parsed
 * @returns the scans
 */
export function readParquetScans(plan: unknown): ParquetScan[] {
  const scans: ParquetScan[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const {
      name,
      children,
      extra_info: info,
    } = node as {
      name?: unknown;
      children?: unknown;
      extra_info?: Record<string, unknown>;
    };
    if (name === 'READ_PARQUET' && info !== undefined) {
      const named = `${String(info.Projections ?? '')} ${String(info.Filters ?? '')}`;
      const words = new Set(named.split(/[^A-Za-z0-9_]+/));
      scans.push({
        columns: COLUMN_NAMES.filter(
          (c) => words.has(c) && !(PARTITION_COLUMNS as readonly string[]).includes(c),
        ),
        fileFilters: typeof info['File Filters'] === 'string' ? info['File Filters'] : undefined,
      });
    }
    visit(children);
  };
  visit(plan);
  return scans;
}

/** Binds positional parameters: integers as BIGINT when whole, else DOUBLE; text as VARCHAR. */
function bindAll(statement: DuckDBPreparedStatement, params: AnalyticsQuery['params']): void {
  params.forEach((value, i) => {
    const index = i + 1;
    if (typeof value === 'string') statement.bindVarchar(index, value);
    else if (Number.isSafeInteger(value)) statement.bindBigInt(index, BigInt(value));
    else statement.bindDouble(index, value);
  });
}
