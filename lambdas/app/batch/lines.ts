/**
 * Bulk repricing input (issue 17 § 3): a JSON-lines file of bills, split into chunks by byte range
 * so that each chunk can be read on its own (an S3 ranged GET, a slice of a local file) and its lines
 * numbered as the customer counts them, from 1, without reading what comes before.
 *
 * Pure: bytes in, chunk descriptions and lines out; the reading belongs to the callers.
 */

/** A run of whole input lines: bytes `[start, end)` of the input, numbered from `firstLine`. */
export interface BatchChunk {
  /** 0-based position in the manifest (its results part's number). */
  readonly index: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** The 1-based input line number of the chunk's first line. */
  readonly firstLine: number;
  /** How many input lines the chunk holds (an empty line counts: it gets an error row). */
  readonly lines: number;
}

/** One input line, as text without its line break, and its 1-based number. */
export interface InputLine {
  readonly line: number;
  readonly text: string;
}

/**
 * Bills per chunk by default: large enough that a chunk Lambda's start-up and its two S3 requests
 * are a small share of its work (1,000 ten-line bills price in well under a second), small enough
 * that a chunk that fails is retried cheaply and progress moves often.
 */
export const DEFAULT_LINES_PER_CHUNK = 1000;

const NEWLINE = 0x0a;

/**
 * Plans chunks while the input streams past, reading it once: feed it the bytes in order with
 * {@link ChunkPlanner.push}, then {@link ChunkPlanner.finish}. A chunk closes after
 * `linesPerChunk` line breaks; the last one takes what follows the last break (a final line with no
 * break is a line, a break at the very end does not start another).
 */
export class ChunkPlanner {
  readonly #linesPerChunk: number;
  readonly #chunks: BatchChunk[] = [];
  #offset = 0;
  #chunkStart = 0;
  #chunkFirstLine = 1;
  #linesInChunk = 0;
  #lastWasBreak = false;

  /** @param linesPerChunk - lines a chunk holds (the last may hold fewer) */
  constructor(linesPerChunk = DEFAULT_LINES_PER_CHUNK) {
    if (!Number.isInteger(linesPerChunk) || linesPerChunk < 1) {
      throw new RangeError(`linesPerChunk must be a whole number of at least 1 (got ${linesPerChunk})`);
    }
    this.#linesPerChunk = linesPerChunk;
  }

  /**
   * Reads the next bytes of the input.
   *
   * @param bytes - the next bytes, in order
   */
  push(bytes: Uint8Array): void {
    let from = 0;
    for (;;) {
      const at = bytes.indexOf(NEWLINE, from);
      if (at === -1) break;
      this.#linesInChunk += 1;
      from = at + 1;
      if (this.#linesInChunk === this.#linesPerChunk) this.#close(this.#offset + from);
    }
    this.#offset += bytes.length;
    if (bytes.length > 0) this.#lastWasBreak = bytes[bytes.length - 1] === NEWLINE;
  }

  /**
   * Ends the input.
   *
   * @returns the chunks, in input order, covering every byte once
   */
  finish(): { readonly chunks: readonly BatchChunk[]; readonly lines: number; readonly bytes: number } {
    // Bytes after the last break are one more line.
    if (this.#offset > this.#chunkStart) {
      if (!this.#lastWasBreak) this.#linesInChunk += 1;
      this.#close(this.#offset);
    }
    const last = this.#chunks.at(-1);
    return {
      chunks: this.#chunks,
      lines: last === undefined ? 0 : last.firstLine + last.lines - 1,
      bytes: this.#offset,
    };
  }

  #close(end: number): void {
    this.#chunks.push({
      index: this.#chunks.length,
      start: this.#chunkStart,
      end,
      firstLine: this.#chunkFirstLine,
      lines: this.#linesInChunk,
    });
    this.#chunkStart = end;
    this.#chunkFirstLine += this.#linesInChunk;
    this.#linesInChunk = 0;
  }
}

/**
 * The lines of one chunk's bytes, numbered from its first line. A trailing carriage return is
 * dropped (files written on Windows); a final line break does not make an extra line.
 *
 * @param text - the chunk's bytes as UTF-8 text
 * @param firstLine - the chunk's first input line number
 * @returns its lines in order
 */
export function chunkLines(text: string, firstLine: number): InputLine[] {
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((part, i) => ({
    line: firstLine + i,
    text: part.endsWith('\r') ? part.slice(0, -1) : part,
  }));
}

/**
 * Plans the chunks of a whole input held in memory (the command line, the local stack, tests).
 *
 * @param bytes - the input
 * @param linesPerChunk - lines a chunk holds
 * @returns the chunks and the input's line count
 */
export function planChunks(
  bytes: Uint8Array,
  linesPerChunk = DEFAULT_LINES_PER_CHUNK,
): { readonly chunks: readonly BatchChunk[]; readonly lines: number; readonly bytes: number } {
  const planner = new ChunkPlanner(linesPerChunk);
  planner.push(bytes);
  return planner.finish();
}
