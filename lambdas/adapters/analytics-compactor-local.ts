/**
 * The local stand-in for Firehose's Parquet conversion and S3's lifecycle (issue 19): takes the ready
 * spool files (`<root>/spool/*.ndjson`, written by {@link SpoolAnalyticsSink}), converts them with
 * DuckDB to Parquet under `<root>/lines/tenant=<id>/month=<YYYY-MM>/part-<uuid>.parquet` (Hive
 * layout, the column types of ANALYTICS_COLUMNS, Snappy as Firehose writes), and deletes the
 * spool files only once their Parquet files are in place. Then it merges a partition's small files
 * when there are more than `mergeAbove` of them, and deletes month partitions older than the
 * retention.
 *
 * Crash safety: a run writes into `<root>/staging/<run>/`; once DuckDB has written every file it
 * writes `commit.json` (the spool files it consumed, the Parquet files it made), then moves the
 * files into `lines/` (a rename each: a query sees a whole file or none) and deletes the spool files.
 * A run that finds a staging directory finishes it when it has `commit.json` (moves what is left,
 * deletes the spool files) and drops it otherwise (the spool files are still there), so a crash at
 * any point neither loses nor doubles a record.
 *
 * A malformed spool line (not JSON, no valid tenant or month, a field of the wrong type) is skipped
 * and counted; the rest of its file is kept.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type AnalyticsLineRecord, PARTITION_COLUMNS } from '../app/analytics/record.js';
import {
  DATA_COLUMNS,
  directories,
  linesDirectory,
  MONTH_PATTERN,
  parquetFiles,
  spoolColumnsLiteral,
  sqlString,
  TENANT_PATTERN,
  withRootLock,
} from './analytics-duckdb.js';
import { SPOOL_DIR, SPOOL_SUFFIX } from './analytics-spool-sink-local.js';

/** Where a run writes before it commits, under the analytics root. */
export const STAGING_DIR = 'staging';
const COMMIT_FILE = 'commit.json';

/**
 * A run's commit record: Parquet files (relative to `lines/`, waiting in `<staging>/out/`), the
 * files they replace (a merge), the spool files they came from.
 */
interface Commit {
  readonly parquet: readonly string[];
  readonly replaces: readonly string[];
  readonly spool: readonly string[];
}

/** Options of {@link AnalyticsCompactor}. */
export interface CompactorOptions {
  /** The analytics root (spool/, lines/, staging/). */
  readonly root: string;
  /** Month partitions whose last day is older than this many days are deleted; none when absent. */
  readonly retentionDays?: number | undefined;
  /** Milliseconds between runs once started. @default 3000 */
  readonly intervalMs?: number;
  /** A partition with more Parquet files than this is merged into one. @default 16 */
  readonly mergeAbove?: number;
  /** Spool files one run takes at most (the rest wait for the next). @default 2000 */
  readonly maxSpoolFilesPerRun?: number;
  /** Spool bytes one run reads at most, past its first file (memory: the lines are held once). @default 64 MiB */
  readonly maxSpoolBytesPerRun?: number;
  /** The clock retention reads (tests set it). */
  readonly now?: () => Date;
}

/** What one run did. */
export interface CompactionRun {
  readonly spoolFiles: number;
  readonly records: number;
  readonly malformedLines: number;
  readonly parquetFiles: number;
  readonly partitionsMerged: number;
  readonly filesExpired: number;
}

/** Totals since the compactor opened, and the runs that failed (their spool files wait for the next). */
export interface CompactorCounters {
  readonly runs: number;
  readonly failedRuns: number;
  readonly records: number;
  readonly malformedLines: number;
  readonly partitionsMerged: number;
  readonly filesExpired: number;
}

/**
 * The columns a record never leaves null (lambdas/app/analytics/record.ts): a line where DuckDB read
 * one as null held a value of the wrong type there (ignore_errors nulls it), and is malformed.
 */
const REQUIRED_COLUMNS = [
  'priced_on',
  'jurisdiction',
  'bill_type',
  'code',
  'modifiers',
  'units',
  'status',
  'billed_cents',
  'adjustments',
  'rules',
  'first_line',
  'bill_lines',
  'pricing_ms',
] as const satisfies readonly (keyof AnalyticsLineRecord)[];

/** The spool-to-Parquet compactor. Open with {@link AnalyticsCompactor.open}. */
export class AnalyticsCompactor {
  readonly #root: string;
  readonly #options: CompactorOptions;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #closed = false;
  #counters = {
    runs: 0,
    failedRuns: 0,
    records: 0,
    malformedLines: 0,
    partitionsMerged: 0,
    filesExpired: 0,
  };

  private constructor(options: CompactorOptions, instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#root = options.root;
    this.#options = options;
    this.#instance = instance;
    this.#connection = connection;
  }

  /**
   * Opens a compactor with its own in-memory DuckDB.
   *
   * @param options - the root, retention and policy
   * @returns the compactor, not yet running on a timer ({@link start})
   */
  static async open(options: CompactorOptions): Promise<AnalyticsCompactor> {
    // Two threads at most: the compactor shares the machine with the API it serves.
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const connection = await instance.connect();
    return new AnalyticsCompactor(options, instance, connection);
  }

  /** Totals so far. */
  get counters(): CompactorCounters {
    return { ...this.#counters };
  }

  /** Runs every `intervalMs` (unref'd) until {@link stop}; a failed run is counted, never thrown. */
  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.flush().catch(() => {
        // Counted in #run; the spool files wait for the next run.
      });
    }, this.#options.intervalMs ?? 3000);
    this.#timer.unref();
  }

  /**
   * Runs now, after any run under way.
   *
   * @returns what the run did
   */
  flush(): Promise<CompactionRun> {
    return this.exclusive(() => this.#run());
  }

  /**
   * Runs `task` with no compaction under way, in this process (one task at a time) or another (the
   * root's lock): deleting a tenant's data does, so that a run cannot put back files of spool
   * records read before the delete.
   *
   * @param task - the work
   * @returns its result
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const locked = () => withRootLock(this.#root, task);
    const next = this.#queue.then(locked, locked);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Stops the timer, lets the run under way end, and closes DuckDB. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
    await this.#queue;
    this.#connection.closeSync();
    this.#instance.closeSync();
  }

  async #run(): Promise<CompactionRun> {
    if (this.#closed) throw new Error('the analytics compactor is stopped');
    this.#running = true;
    try {
      await this.#recoverStaging();
      const converted = await this.#convertSpool();
      const partitionsMerged = await this.#mergeSmallFiles(converted.partitions);
      const filesExpired = await this.#expire();
      this.#counters.runs += 1;
      this.#counters.records += converted.records;
      this.#counters.malformedLines += converted.malformedLines;
      this.#counters.partitionsMerged += partitionsMerged;
      this.#counters.filesExpired += filesExpired;
      return {
        spoolFiles: converted.spoolFiles,
        records: converted.records,
        malformedLines: converted.malformedLines,
        parquetFiles: converted.parquetFiles,
        partitionsMerged,
        filesExpired,
      };
    } catch (error) {
      this.#counters.failedRuns += 1;
      throw error;
    } finally {
      this.#running = false;
    }
  }

  /** Finishes committed runs a crash interrupted; drops uncommitted ones (their spool files remain). */
  async #recoverStaging(): Promise<void> {
    const staging = join(this.#root, STAGING_DIR);
    let runs: string[];
    try {
      runs = await readdir(staging);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const run of runs) {
      const directory = join(staging, run);
      let commit: Commit | undefined;
      try {
        commit = JSON.parse(await readFile(join(directory, COMMIT_FILE), 'utf8')) as typeof commit;
      } catch {
        commit = undefined;
      }
      if (commit !== undefined) await this.#publish(directory, commit);
      await rm(directory, { recursive: true, force: true });
    }
  }

  /** Writes a run's commit record (temporary name, then rename): from here on the run is finished, not dropped. */
  async #commit(directory: string, commit: Commit): Promise<void> {
    const file = join(directory, COMMIT_FILE);
    await writeFile(`${file}.tmp`, JSON.stringify(commit), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  /**
   * Moves a committed run's Parquet files into `lines/`, then deletes the files they replace and
   * the spool files they came from. Idempotent: a file already moved is not in staging any more,
   * a file already deleted is fine.
   */
  async #publish(directory: string, { parquet, replaces, spool }: Commit): Promise<void> {
    const lines = linesDirectory(this.#root);
    for (const file of parquet) {
      const target = join(lines, file);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      try {
        await rename(join(directory, 'out', file), target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    await Promise.all(replaces.map((file) => rm(join(lines, file), { force: true })));
    await Promise.all(spool.map((name) => rm(join(this.#root, SPOOL_DIR, name), { force: true })));
  }

  async #convertSpool(): Promise<{
    spoolFiles: number;
    records: number;
    malformedLines: number;
    parquetFiles: number;
    partitions: ReadonlySet<string>;
  }> {
    const spoolDirectory = join(this.#root, SPOOL_DIR);
    let names: string[];
    try {
      names = (await readdir(spoolDirectory)).filter((n) => n.endsWith(SPOOL_SUFFIX)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') names = [];
      else throw error;
    }
    names = names.slice(0, this.#options.maxSpoolFilesPerRun ?? 2000);
    const none = {
      spoolFiles: 0,
      records: 0,
      malformedLines: 0,
      parquetFiles: 0,
      partitions: new Set<string>(),
    };
    if (names.length === 0) return none;
    // DuckDB reads the spool files themselves: a line that is not JSON or not of the columns' types
    // is skipped (ignore_errors), one whose tenant or month could not name a directory is filtered
    // out, and the malformed lines are counted as the lines read less the rows written. Validating
    // each line in JavaScript first cost a JSON.parse a record, as much again as DuckDB's own read.
    let lines = 0;
    let bytes = 0;
    const maxBytes = this.#options.maxSpoolBytesPerRun ?? 64 * 1024 * 1024;
    const files: string[] = [];
    for (const [i, name] of names.entries()) {
      if (bytes > maxBytes) {
        // The rest wait for the next run (which the timer starts at once if this one is long).
        names = names.slice(0, i);
        break;
      }
      const file = join(spoolDirectory, name);
      const content = await readFile(file);
      bytes += content.length;
      lines += linesIn(content);
      files.push(file);
    }
    const directory = join(this.#root, STAGING_DIR, randomUUID());
    await mkdir(directory, { recursive: true, mode: 0o700 });
    let parquet: string[] = [];
    let records = 0;
    if (lines > 0) {
      const out = join(directory, 'out');
      const columns = [...DATA_COLUMNS, ...PARTITION_COLUMNS].join(', ');
      const reader = await this.#connection.runAndReadAll(
        `COPY (SELECT ${columns} FROM read_json([${files.map(sqlString).join(', ')}], format = 'newline_delimited',
                 columns = ${spoolColumnsLiteral()}, maximum_object_size = 16777216, ignore_errors = true)
               WHERE regexp_full_match(tenant, ${sqlString(TENANT_PATTERN.source)})
                 AND regexp_full_match(month, ${sqlString(MONTH_PATTERN.source)})
                 AND ${REQUIRED_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' AND ')})
         TO ${sqlString(out)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${PARTITION_COLUMNS.join(', ')}),
           FILENAME_PATTERN 'part-{uuid}', RETURN_FILES)`,
      );
      const row = reader.getRowObjectsJS()[0];
      records = Number(row?.Count ?? 0);
      const written = row?.Files;
      parquet = (Array.isArray(written) ? written : []).map((f) => relative(out, String(f)));
    }
    const malformedLines = lines - records;
    const commit: Commit = { spool: names, parquet, replaces: [] };
    await this.#commit(directory, commit);
    await this.#publish(directory, commit);
    await rm(directory, { recursive: true, force: true });
    return {
      spoolFiles: names.length,
      records,
      malformedLines,
      parquetFiles: parquet.length,
      partitions: new Set(parquet.map((f) => dirname(f))),
    };
  }

  /**
   * Merges each touched partition that holds more than `mergeAbove` files into one file: the new
   * file is renamed in first, then the old ones deleted, so a query at that instant may count a
   * partition twice but never misses it (a local-only window of microseconds; Firehose in AWS
   * writes one file per buffer interval and partition, so AWS needs no merge at our volumes).
   */
  async #mergeSmallFiles(partitions: ReadonlySet<string>): Promise<number> {
    const limit = this.#options.mergeAbove ?? 16;
    let merged = 0;
    for (const partition of partitions) {
      const directory = join(linesDirectory(this.#root), partition);
      const files = await parquetFiles(directory);
      if (files.length <= limit) continue;
      const staging = join(this.#root, STAGING_DIR, randomUUID());
      const name = join(partition, `part-${randomUUID()}.parquet`);
      await mkdir(dirname(join(staging, 'out', name)), { recursive: true, mode: 0o700 });
      await this.#connection.run(
        `COPY (SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true))
         TO ${sqlString(join(staging, 'out', name))} (FORMAT parquet, COMPRESSION snappy)`,
      );
      const lines = linesDirectory(this.#root);
      // The merged records keep the write time of the oldest file they came from (retention).
      const oldest = Math.min(...(await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs))));
      await utimes(join(staging, 'out', name), oldest / 1000, oldest / 1000);
      const commit: Commit = { spool: [], parquet: [name], replaces: files.map((f) => relative(lines, f)) };
      await this.#commit(staging, commit);
      await this.#publish(staging, commit);
      await rm(staging, { recursive: true, force: true });
      merged += 1;
    }
    return merged;
  }

  /**
   * Deletes the Parquet files written more than `retentionDays` ago, as the bucket's lifecycle
   * rule expires objects that long after they were created in AWS (not by the month of service: a
   * bill priced today for a service of three years ago is kept as long as any other), then the
   * partitions and tenants left empty. A merged file carries the oldest write time of the files it
   * replaced, so merging never extends a record's life.
   */
  async #expire(): Promise<number> {
    const days = this.#options.retentionDays;
    if (days === undefined) return 0;
    const now = (this.#options.now ?? (() => new Date()))();
    const cutoff = now.getTime() - days * 86_400_000;
    const lines = linesDirectory(this.#root);
    let expired = 0;
    for (const tenant of await directories(lines, 'tenant=')) {
      const tenantDirectory = join(lines, tenant);
      for (const month of await directories(tenantDirectory, 'month=')) {
        const monthDirectory = join(tenantDirectory, month);
        for (const file of await parquetFiles(monthDirectory)) {
          if ((await stat(file)).mtimeMs > cutoff) continue;
          await rm(file, { force: true });
          expired += 1;
        }
        await rmdir(monthDirectory).catch(() => undefined);
      }
      // A tenant with no month left is no longer a tenant with data.
      await rmdir(tenantDirectory).catch(() => undefined);
    }
    return expired;
  }
}

/**
 * The lines of a spool file that hold anything but white space (what the compactor counts as read).
 *
 * @param content - the file's bytes
 * @returns how many
 */
export function linesIn(content: Buffer): number {
  let lines = 0;
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end === -1) end = content.length;
    for (let i = start; i < end; i++) {
      const byte = content[i] as number;
      if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        lines += 1;
        break;
      }
    }
    start = end + 1;
  }
  return lines;
}
