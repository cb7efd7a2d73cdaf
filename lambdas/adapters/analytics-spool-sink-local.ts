/**
 * {@link AnalyticsSink} for the local stack (issue 19): the stand-in for Firehose's buffer. Records
 * are kept in memory and written as JSON lines to `<root>/spool/<pid>-<threadId>-<start>-<seq>.ndjson`
 * every ~250 ms or every 5,000 records, each file written under a temporary name (`.tmp`, which the
 * compactor never takes) and renamed, so that a reader sees a whole file or none. The pricing path
 * pays for a JSON.stringify per record and nothing else: the write is asynchronous, an I/O error is
 * counted (the records of that file are dropped) and never thrown, and the timer is unref'd so that
 * a sink never keeps a process alive. Each worker thread has its own sink; the thread id and the
 * start time in the name keep files of threads, processes and restarts (a reused pid) apart.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { AnalyticsSink } from '../app/analytics/ports.js';
import type { AnalyticsLineRecord } from '../app/analytics/record.js';
import { recordLines } from '../app/analytics/record-json.js';

/** The spool directory under the analytics root. */
export const SPOOL_DIR = 'spool';
/** A ready spool file's suffix; a file being written ends in `.tmp`. */
export const SPOOL_SUFFIX = '.ndjson';

/** Options of {@link SpoolAnalyticsSink}. */
export interface SpoolSinkOptions {
  /** The analytics root; files go to `<root>/spool/`. */
  readonly root: string;
  /** Milliseconds between flushes. @default 250 */
  readonly flushMs?: number;
  /** Records that trigger a flush before the timer. @default 5000 */
  readonly maxRecords?: number;
  /** Records held at most while writes are failing or slow; beyond it records are dropped and counted. @default 200000 */
  readonly maxBuffered?: number;
}

/** What a sink has done, for tests and the local stack's log. */
export interface SpoolSinkCounters {
  readonly filesWritten: number;
  readonly recordsWritten: number;
  readonly writeErrors: number;
  readonly recordsDropped: number;
}

// One sequence per thread (module scope is per thread), so that two sinks of a thread never name
// the same file; the start time keeps a restarted process that got the same pid apart.
const START = Date.now().toString(36);
let sequence = 0;

/** The sinks of this process (or thread) still open, for {@link flushSpoolSinks}. */
const openSinks = new Set<SpoolAnalyticsSink>();

/**
 * Writes what every open sink of this process (or thread) holds: the local stack's flush, so that
 * records of bills priced a moment ago reach the compactor without waiting for the sinks' timers.
 */
export async function flushSpoolSinks(): Promise<void> {
  await Promise.all([...openSinks].map((sink) => sink.flush()));
}

/** {@link AnalyticsSink} writing JSON lines to spool files. */
export class SpoolAnalyticsSink implements AnalyticsSink {
  readonly #directory: string;
  readonly #flushMs: number;
  readonly #maxRecords: number;
  readonly #maxBuffered: number;
  /**
   * Each put's records as one UTF-8 buffer of JSON lines, until they are written. Bytes, not
   * strings: a buffer's bytes live outside V8's heap, so the records waiting for their file cost
   * the collector one small object a bill instead of ten strings it copies and promotes on every
   * scavenge (at 3,000 bills a second, strings doubled the handler's time: bench, analytics).
   */
  #chunks: Buffer[] = [];
  #buffered = 0;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #ready: Promise<unknown> | undefined;
  #closed = false;
  #counters = { filesWritten: 0, recordsWritten: 0, writeErrors: 0, recordsDropped: 0 };

  /** @param options - the root and the flush policy */
  constructor(options: SpoolSinkOptions) {
    this.#directory = join(options.root, SPOOL_DIR);
    this.#flushMs = options.flushMs ?? 250;
    this.#maxRecords = options.maxRecords ?? 5000;
    this.#maxBuffered = options.maxBuffered ?? 200_000;
    openSinks.add(this);
  }

  /** Counters so far. */
  get counters(): SpoolSinkCounters {
    return { ...this.#counters };
  }

  /**
   * Buffers the records; never throws and never waits for the disk.
   *
   * @param records - a priced bill's records
   */
  async put(records: readonly AnalyticsLineRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.#closed) {
      this.#counters.recordsDropped += records.length;
      return;
    }
    const room = this.#maxBuffered - this.#buffered;
    if (room < records.length) this.#counters.recordsDropped += records.length - Math.max(room, 0);
    const kept = room < records.length ? records.slice(0, Math.max(room, 0)) : records;
    if (kept.length === 0) return;
    // The table's columns only, as Firehose is sent them: nothing else of a record reaches the disk.
    this.#chunks.push(Buffer.from(recordLines(kept)));
    this.#buffered += kept.length;
    if (this.#buffered >= this.#maxRecords) {
      void this.#flushNow();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.#flushNow(), this.#flushMs);
      this.#timer.unref();
    }
  }

  /** Writes what is buffered and waits for every write under way. Never throws. */
  async flush(): Promise<void> {
    await this.#flushNow();
  }

  /** Flushes and refuses further records (the local stack's stop, a worker's exit). */
  async close(): Promise<void> {
    this.#closed = true;
    openSinks.delete(this);
    await this.#flushNow();
  }

  #flushNow(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const chunks = this.#chunks;
    const count = this.#buffered;
    this.#chunks = [];
    this.#buffered = 0;
    // Writes are chained, so that files appear in the order their records came.
    this.#writing = this.#writing.then(() => (count === 0 ? undefined : this.#write(chunks, count)));
    return this.#writing;
  }

  async #write(chunks: readonly Buffer[], count: number): Promise<void> {
    sequence += 1;
    const name = `${process.pid}-${threadId}-${START}-${String(sequence).padStart(8, '0')}`;
    const target = join(this.#directory, `${name}${SPOOL_SUFFIX}`);
    const temporary = join(this.#directory, `${name}.tmp`);
    try {
      this.#ready ??= mkdir(this.#directory, { recursive: true, mode: 0o700 });
      await this.#ready;
      await writeFile(temporary, Buffer.concat(chunks), { mode: 0o600 });
      await rename(temporary, target);
      this.#counters.filesWritten += 1;
      this.#counters.recordsWritten += count;
    } catch {
      // The pricing path never sees an analytics outage (the port's contract): count and drop.
      this.#ready = undefined;
      this.#counters.writeErrors += 1;
      this.#counters.recordsDropped += count;
    }
  }
}
