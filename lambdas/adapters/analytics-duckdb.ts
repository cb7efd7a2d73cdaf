/**
 * What the local analytics adapters share about DuckDB (issue 19): the record's columns in DuckDB's
 * types (written once, from {@link ANALYTICS_COLUMNS}), the read of the Parquet files, the
 * conversion of DuckDB's values to the plain ones the queries answer, and the estimate of what
 * Athena would scan for a query. Local only: in AWS the Glue table, Firehose and Athena do this.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ANALYTICS_COLUMNS,
  type ColumnType,
  LINES_TABLE,
  PARTITION_COLUMNS,
} from '../app/analytics/record.js';

/**
 * A tenant id, as app/tenant.ts takes one from a token: no separator, so `tenant=<id>` is always
 * one directory name, inside `lines/`. A month partition value, "2026-03", as the KPI route takes it.
 */
export { MONTH_PATTERN } from '../app/analytics/params.js';
export { TENANT_ID as TENANT_PATTERN } from '../app/tenant.js';

const SCALAR: Readonly<Record<Exclude<ColumnType, object>, string>> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/**
 * A column type in DuckDB's SQL: a list of structs is `STRUCT(a VARCHAR, …)[]`.
 *
 * @param type - from {@link ANALYTICS_COLUMNS}
 * @returns the DuckDB type
 */
export function duckdbType(type: ColumnType): string {
  if (typeof type === 'string') return SCALAR[type];
  return `STRUCT(${type.list.map(([name, t]) => `${name} ${SCALAR[t]}`).join(', ')})[]`;
}

/**
 * The `columns = {…}` argument of `read_json` for the spool: every record column with its type,
 * so that DuckDB reads what the record says, not what it would guess from the first lines.
 *
 * @returns the struct literal, e.g. `{'priced_on': 'VARCHAR', …}`
 */
export function spoolColumnsLiteral(): string {
  return `{${ANALYTICS_COLUMNS.map(([name, type]) => `${sqlString(name)}: ${sqlString(duckdbType(type))}`).join(', ')}}`;
}

/** The data columns (stored in the files): every column but the partition keys, which are in the path. */
export const DATA_COLUMNS: readonly string[] = ANALYTICS_COLUMNS.map(([name]) => name).filter(
  (name) => !(PARTITION_COLUMNS as readonly string[]).includes(name),
);

/**
 * A SQL string literal.
 *
 * @param value - any text (a path, a name)
 * @returns it quoted, with quotes doubled
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The Parquet directory under the analytics root. */
export function linesDirectory(root: string): string {
  return join(root, LINES_TABLE);
}

/**
 * The FROM target of the lines table in DuckDB: every Parquet file under `<root>/lines/`, the
 * partition keys read from the Hive path as text (DuckDB would otherwise turn a tenant "1234"
 * into a number). Columns are matched by name in either form; `union_by_name` also reads files
 * that lack a column (written before a column was added) but opens every file's footer at bind
 * time: over the bench's 192 files, 83 ms against 7 ms for the same query without it. The query
 * runner uses the fast form and falls back to the other when DuckDB reports a schema mismatch.
 *
 * @param root - the analytics root
 * @param unionByName - read files of different column sets (slower)
 * @returns the `read_parquet(…)` expression
 */
export function linesRelation(root: string, unionByName = false): string {
  const glob = sqlString(`${linesDirectory(root)}/**/*.parquet`);
  const types = PARTITION_COLUMNS.map((c) => `${sqlString(c)}: VARCHAR`).join(', ');
  return `read_parquet(${glob}, hive_partitioning = true, union_by_name = ${unionByName}, hive_types = {${types}})`;
}

/**
 * A relation with the lines table's columns and no rows: what a query reads before any file exists
 * (DuckDB's read_parquet refuses a glob that matches nothing).
 *
 * @returns a parenthesised SELECT
 */
export function emptyLinesRelation(): string {
  const columns = ANALYTICS_COLUMNS.map(([name, type]) => `CAST(NULL AS ${duckdbType(type)}) AS ${name}`);
  return `(SELECT ${columns.join(', ')} WHERE false)`;
}

/**
 * The Parquet files under a directory, recursively (Node's fs, not a glob: the names are ours).
 *
 * @param directory - e.g. `<root>/lines`
 * @returns absolute paths; none when the directory does not exist
 */
export async function parquetFiles(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A value a query answers: DuckDB's BIGINT, HUGEINT and DECIMAL as numbers, lists and structs as plain ones. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/**
 * Converts a value from DuckDB's JS reader (`getRowObjectsJS`) to a plain one: bigints (BIGINT,
 * HUGEINT: a SUM of BIGINT is HUGEINT) to numbers, dates to ISO text, lists and structs recursively.
 * Cents sums stay exact as doubles up to 2^53 cents (90 trillion dollars).
 *
 * @param value - one value
 * @returns the plain value
 */
export function toPlain(value: unknown): PlainValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const out: { [key: string]: PlainValue } = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toPlain(inner);
    return out;
  }
  return String(value);
}

/** Compressed bytes of each top-level column of a file, from its Parquet footer. */
type ColumnSizes = ReadonlyMap<string, number>;

const footerCache = new Map<string, ColumnSizes>();

/**
 * An estimate of what Athena would scan for a query that reads `columns` from `files`: the
 * compressed size of those columns' chunks in those files, from the Parquet footers (DuckDB's
 * `parquet_metadata()`). Athena reads the column chunks of the columns a query names in the
 * partitions it keeps, so this is its figure before row-group pruning by statistics (an upper
 * bound) and before its 10 MB minimum per query (which the caller adds when it prices a query).
 * Files are immutable (unique names), so their footers are read once and kept.
 *
 * @param connection - a DuckDB connection
 * @param files - Parquet files (absolute paths)
 * @param columns - top-level column names the query reads; a list column counts all its leaves
 * @returns bytes
 */
export async function estimateBytesScanned(
  connection: DuckDBConnection,
  files: readonly string[],
  columns: readonly string[],
): Promise<number> {
  const missing = files.filter((f) => !footerCache.has(f));
  if (missing.length > 0) {
    const reader = await connection.runAndReadAll(
      `SELECT file_name, split_part(path_in_schema, ', ', 1) AS col, sum(total_compressed_size) AS bytes
       FROM parquet_metadata([${missing.map(sqlString).join(', ')}]) GROUP BY ALL`,
    );
    const sizes = new Map<string, Map<string, number>>(missing.map((f) => [f, new Map()]));
    for (const row of reader.getRowObjectsJS()) {
      sizes.get(String(row.file_name))?.set(String(row.col), Number(row.bytes));
    }
    // Bounded: a long-running local stack sees files come and go (merges, retention).
    if (footerCache.size > 100_000) footerCache.clear();
    for (const [file, columnSizes] of sizes) footerCache.set(file, columnSizes);
  }
  let total = 0;
  for (const file of files) {
    const sizes = footerCache.get(file);
    if (sizes === undefined) continue;
    for (const column of columns) total += sizes.get(column) ?? 0;
  }
  return total;
}

/** The lock directory under the analytics root: a compaction run and a tenant's deletion hold it. */
export const LOCK_DIR = 'compaction.lock';

/**
 * Runs a task holding the analytics root's lock, across processes: the compactor runs in the local
 * stack's process and a DELETE /v1/analytics in an API worker's, and the delete must not fall
 * between a run's read of the spool and its publishing of Parquet files (the tenant's records would
 * come back). `mkdir` is atomic; a lock older than `staleMs` (its holder died) is broken.
 *
 * @param root - the analytics root
 * @param task - the work
 * @param options - how long a lock lives at most, and how long to wait for it
 * @returns the task's result
 */
export async function withRootLock<T>(
  root: string,
  task: () => Promise<T>,
  options: { readonly staleMs?: number; readonly waitMs?: number } = {},
): Promise<T> {
  const lock = join(root, LOCK_DIR);
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  await mkdir(root, { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(lock).catch(() => undefined);
      if (held !== undefined && Date.now() - held.mtimeMs > (options.staleMs ?? 300_000)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error('the analytics directory stayed locked');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * The subdirectories of a directory whose names start with a prefix.
 *
 * @param directory - e.g. `<root>/lines`
 * @param prefix - e.g. `tenant=`
 * @returns their names; none when the directory does not exist
 */
export async function directories(directory: string, prefix: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && e.name.startsWith(prefix)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
