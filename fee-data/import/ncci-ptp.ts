/**
 * Importer for NCCI procedure-to-procedure (PTP) edits, in two forms:
 *
 * - **CMS's tab-separated text file** (`ccipra-v322r0-f1.txt`): a copyright line, a title line
 *   ("Column1/Column2 Edits"), then a column header stacked over four lines (each column's name
 *   is its cells read top to bottom: "Deletion" / "Date" / "*=no data"), then one edit a line:
 *   Column 1, Column 2, "*" when the edit existed before 1996, effective date (YYYYMMDD),
 *   deletion date (YYYYMMDD, "*" when not deleted), modifier indicator (0, 1, 9) and rationale.
 *   The release comes from the file name: `v322r0` is NCCI version 32.2 revision 0, and NCCI
 *   version N.Q is the quarter Q+1 of year 1994+N (v26.0 is January 2020), so v32.2 is July 2026.
 *   The same pair may appear on more than one line (an edit deleted and added again).
 * - **The undated derived CSV** of the reference data
 *   (`ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz`, header
 *   `column1,column2,modifier_indicator,ptp_edit_rationale`), converted from a web app's JSON
 *   bundle. It has no dates and keeps edits CMS has deleted, so every edit in it is to be treated
 *   as in force on every date, and the data set says so in its notes. Its rows are sorted by
 *   column 1 then column 2 with each pair once; the importer requires that order, which is how it
 *   finds a repeated pair without a 2-million-entry set.
 *
 * Either file may be gzip-compressed (recognised by its magic bytes). The practitioner table has
 * 2.1 million edits, so the importer works on the bytes, not on decoded text and cell strings,
 * and returns the edits as a table of typed arrays ({@link PtpPairs}, 24 bytes an edit) rather
 * than objects; {@link ptpRecordAt} makes an object of one row when one is wanted.
 */
import { constants, gunzipSync } from 'node:zlib';
import { dateOfDay, dayNumber } from '../../lambdas/fee-index/header.js';
import { decodeCode } from '../../lambdas/fee-index/schema.js';
import {
  isPartialFileName,
  NO_DAY,
  type PtpDataset,
  type PtpModifierIndicator,
  type PtpPairs,
  type PtpRecord,
  partialFileNote,
} from './records-national.js';
import { decodeText, ImportError, parseCsv, readImportFile, requireNonEmpty, sourceInfo } from './text.js';

export type { PtpDataset, PtpPairs, PtpRecord };

/** The first day of NCCI (January 1996): the undated form's edition starts here. */
export const NCCI_START = '1996-01-01';

/**
 * What the reference data's notes (SOURCES.md section 7) say about the one known undated file:
 * the bundle it came from is tagged 2026-04-02, so it is probably the April 2026 release.
 */
const DERIVED_PROBABLE_YEAR = 2026;

const CMS_COLUMNS = [
  'Column 1',
  'Column 2',
  '*=in existence prior to 1996',
  'Effective Date',
  'Deletion Date',
  'Modifier',
  'PTP Edit Rationale',
] as const;

/** The stacked header of the CMS file, as its lines read top to bottom (spaces collapsed). */
const CMS_HEADER: readonly RegExp[] = [
  /^column ?1$/i,
  /^column ?2$/i,
  /^\* ?= ?in existence prior to 1996$/i,
  /^effective date$/i,
  /^deletion date \* ?= ?no data$/i,
  /^modifier 0 ?= ?not allowed 1 ?= ?allowed 9 ?= ?not applicable$/i,
  /^ptp edit rationale$/i,
];
const CMS_HEADER_TEXT = [
  'Column 1',
  'Column 2',
  '*=in existence prior to 1996',
  'Effective Date',
  'Deletion Date *=no data',
  'Modifier 0=not allowed 1=allowed 9=not applicable',
  'PTP Edit Rationale',
];
/** How far down the CMS header may start (line 3 in the real files). */
const CMS_HEADER_SEARCH_LINES = 10;
/** The stacked header's most lines (four in the real files). */
const CMS_MAX_HEADER_LINES = 6;

const DERIVED_COLUMNS = ['column1', 'column2', 'modifier_indicator', 'ptp_edit_rationale'] as const;

/** "ccipra-v322r0-f1": practitioner (pra) or hospital (oph), version 32.2, revision 0, file 1. */
const CMS_FILE_NAME = /cci(pra|oph)-v(\d{2})(\d)r(\d+)(?:-f(\d+))?/i;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const STAR = 42;
const COMMA = 44;
const ZERO = 48;

/** The largest single output buffer the gunzip step asks for (256 MB). */
const MAX_GZIP_CHUNK = 256 * 1024 * 1024;

/** More cells than any layout has, so a too-long row is still told apart. */
const MAX_CELLS = 16;

/**
 * Imports an NCCI PTP file from disk, in either form (see the module comment), gzip-compressed
 * or not.
 *
 * @param path - the file's path
 * @returns the edits as a table
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importNcciPtp(path: string): PtpDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseNcciPtp(bytes, fileName);
}

/**
 * Imports an NCCI PTP file from its bytes, recognising the form by its first line: the derived
 * CSV starts `column1,` (or, its header missing, `<code>,<code>,`); anything else is read as CMS's
 * tab-separated file.
 *
 * @param bytes - the file's bytes, gzip-compressed or not
 * @param fileName - the file's name (the CMS form's release is read from it)
 * @returns the edits as a table
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseNcciPtp(bytes: Uint8Array, fileName: string): PtpDataset {
  const text = textBytes(bytes, fileName);
  const lineEnd = text.indexOf(LF);
  const first = text.toString('latin1', 0, Math.min(lineEnd === -1 ? text.length : lineEnd, 200));
  // The derived header, or (when it is missing) a derived data row, which the derived reader reports.
  return /^\s*column1\s*,/i.test(first) || /^[A-Z0-9]{5},[A-Z0-9]{5},/.test(first)
    ? readDerived(text, bytes, fileName)
    : readCms(text, bytes, fileName);
}

/**
 * Imports CMS's tab-separated PTP file from its bytes.
 *
 * @param bytes - the file's bytes, gzip-compressed or not
 * @param fileName - the file's name; it must hold the release, like ccipra-v322r0-f1.txt
 * @returns the edits as a table, with their dates
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parsePtpCms(bytes: Uint8Array, fileName: string): PtpDataset {
  return readCms(textBytes(bytes, fileName), bytes, fileName);
}

/**
 * Imports the undated derived PTP CSV from its bytes.
 *
 * @param bytes - the file's bytes, gzip-compressed or not
 * @param fileName - the file's name
 * @returns the edits as a table without dates
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parsePtpDerived(bytes: Uint8Array, fileName: string): PtpDataset {
  return readDerived(textBytes(bytes, fileName), bytes, fileName);
}

/**
 * One edit of a table as an object.
 *
 * @param pairs - the table
 * @param index - 0-based row
 * @returns the edit
 * @throws RangeError when the row is outside the table
 */
export function ptpRecordAt(pairs: PtpPairs, index: number): PtpRecord {
  if (!Number.isInteger(index) || index < 0 || index >= pairs.count) {
    throw new RangeError(`row ${index} is outside the table of ${pairs.count} edits`);
  }
  const effective = pairs.effectiveDay?.[index];
  const deletion = pairs.deletionDay?.[index];
  const prior = pairs.inExistencePrior1996?.[index];
  return {
    column1: decodeCode(pairs.column1[index] as number, 5),
    column2: decodeCode(pairs.column2[index] as number, 5),
    ...(prior === undefined ? {} : { inExistencePrior1996: prior === 1 }),
    effective: effective === undefined ? null : dateOfDay(effective),
    deletion: deletion === undefined || deletion === NO_DAY ? null : dateOfDay(deletion),
    modifierIndicator: String(pairs.modifierIndicator[index]) as PtpModifierIndicator,
    rationale: pairs.rationales[pairs.rationale[index] as number] as string,
    line: pairs.line[index] as number,
  };
}

// ---------------------------------------------------------------------------------------------
// Bytes and lines

/** The file's text bytes: gunzipped when the file is gzip, with a UTF-8 byte order mark dropped. */
function textBytes(bytes: Uint8Array, file: string): Buffer {
  requireNonEmpty(bytes, file);
  let text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, file) : bytes;
  if (text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf) text = text.subarray(3);
  if (text.length === 0) throw new ImportError({ file, line: 1, column: 1 }, 'the file has no text');
  return Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}

/**
 * Decompresses a gzip file. A file cut off (or damaged) fails the CRC or ends early; the error
 * then names the line and cell where the text that could be decompressed stops.
 */
function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  // The gzip trailer's last four bytes are the text's size (mod 2^32). Decompressing into one
  // buffer of that size, instead of 16 kB chunks joined at the end, halves the peak memory for
  // the 126 MB practitioner table and is twice as fast. A wrong size only costs speed.
  const n = bytes.length;
  const size = n >= 18 ? Buffer.from(bytes.buffer, bytes.byteOffset, n).readUInt32LE(n - 4) : 0;
  const chunkSize = Math.min(Math.max(size + 1024, 64 * 1024), MAX_GZIP_CHUNK);
  try {
    return gunzipSync(bytes, { chunkSize });
  } catch (error) {
    let partial: Uint8Array;
    try {
      partial = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      partial = new Uint8Array(0);
    }
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < partial.length; i++) {
      if (partial[i] === LF) {
        line++;
        lineStart = i + 1;
      }
    }
    let column = 1;
    for (let i = lineStart; i < partial.length; i++) {
      if (partial[i] === COMMA || partial[i] === TAB) column++;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportError(
      { file, line, column },
      `the gzip data is cut off or damaged (${reason}): the text that could be decompressed stops here`,
    );
  }
}

/** Walks the lines of the text (LF or CRLF). */
class LineScanner {
  /** 1-based line number of the current line. */
  line: number;
  /** The current line's first byte. */
  start = 0;
  /** One past the current line's last byte (before CR LF). */
  end = 0;
  /** Whether the current line ends with a line break. */
  hasBreak = true;
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    from = 0,
    lineBefore = 0,
  ) {
    this.pos = from;
    this.line = lineBefore;
  }

  /** Where the next line starts. */
  get position(): number {
    return this.pos;
  }

  next(): boolean {
    const n = this.buf.length;
    if (this.pos >= n) return false;
    const lf = this.buf.indexOf(LF, this.pos);
    const stop = lf === -1 ? n : lf;
    this.start = this.pos;
    this.end = stop > this.pos && this.buf[stop - 1] === CR ? stop - 1 : stop;
    this.hasBreak = lf !== -1;
    this.pos = stop + 1;
    this.line++;
    return true;
  }
}

/** The cells of one line, as trimmed byte ranges. One instance serves every line of a file. */
class Cells {
  count = 0;
  line = 0;
  /** Whether the line had a double quote (a CSV line then needs the full reader). */
  sawQuote = false;
  bytes: Uint8Array = new Uint8Array(0);
  readonly start = new Int32Array(MAX_CELLS);
  readonly end = new Int32Array(MAX_CELLS);

  constructor(
    readonly file: string,
    readonly columns: readonly string[],
  ) {}

  /** Splits bytes[from, to) at a separator; cells are trimmed of spaces. */
  split(bytes: Uint8Array, from: number, to: number, separator: number, line: number): void {
    this.bytes = bytes;
    this.line = line;
    let count = 0;
    let cellStart = from;
    let sawQuote = false;
    for (let i = from; i <= to; i++) {
      const c = i === to ? separator : bytes[i];
      if (c === separator) {
        if (count < MAX_CELLS) this.setCell(count, cellStart, i);
        count++;
        cellStart = i + 1;
      } else if (c === QUOTE) {
        sawQuote = true;
      }
    }
    this.count = count;
    this.sawQuote = sawQuote;
  }

  /** Takes cells that were read as text (a CSV line with quotes). */
  setTexts(texts: readonly string[], line: number): void {
    const encoded = texts.map((t) => new TextEncoder().encode(t));
    const bytes = new Uint8Array(encoded.reduce((sum, e) => sum + e.length, 0));
    let at = 0;
    this.bytes = bytes;
    this.line = line;
    this.count = texts.length;
    this.sawQuote = false;
    encoded.forEach((e, i) => {
      bytes.set(e, at);
      if (i < MAX_CELLS) this.setCell(i, at, at + e.length);
      at += e.length;
    });
  }

  private setCell(index: number, from: number, to: number): void {
    let s = from;
    let e = to;
    while (s < e && this.bytes[s] === SPACE) s++;
    while (e > s && this.bytes[e - 1] === SPACE) e--;
    this.start[index] = s;
    this.end[index] = e;
  }

  length(index: number): number {
    return (this.end[index] as number) - (this.start[index] as number);
  }

  /** The first byte of a cell, or -1 when it is empty. */
  firstByte(index: number): number {
    return this.length(index) === 0 ? -1 : (this.bytes[this.start[index] as number] as number);
  }

  text(index: number): string {
    return decodeText(this.bytes.subarray(this.start[index], this.end[index])).text;
  }

  /** Requires exactly the layout's number of cells. */
  requireCount(): void {
    const want = this.columns.length;
    if (this.count === want) return;
    if (this.count < want) {
      throw this.error(
        this.count,
        `the row has ${this.count} columns, expected ${want} (the row may be cut off)`,
        this.columns[this.count],
      );
    }
    throw this.error(want, `the row has ${this.count} columns, expected ${want}`, null);
  }

  /** The base-37 key of a five-character code cell (as encodeCode makes it). */
  code(index: number): number {
    let key = -1;
    if (this.length(index) === 5) {
      key = 0;
      for (let i = this.start[index] as number; i < (this.end[index] as number); i++) {
        const c = this.bytes[i] as number;
        const digit = c >= 48 && c <= 57 ? c - 47 : c >= 65 && c <= 90 ? c - 54 : -1;
        if (digit < 0) {
          key = -1;
          break;
        }
        key = key * 37 + digit;
      }
    }
    if (key < 0) throw this.invalid(index, 'a five-character HCPCS code');
    return key;
  }

  /** The modifier indicator: 0, 1 or 9. */
  modifierIndicator(index: number): number {
    const c = this.firstByte(index) - ZERO;
    if (this.length(index) !== 1 || (c !== 0 && c !== 1 && c !== 9)) throw this.invalid(index, '0, 1 or 9');
    return c;
  }

  /** An eight-digit YYYYMMDD date as a number (20250101), or -1 for a "*" when allowed. */
  yyyymmdd(index: number, starAllowed: boolean): number {
    if (starAllowed && this.length(index) === 1 && this.firstByte(index) === STAR) return -1;
    let value = -1;
    if (this.length(index) === 8) {
      value = 0;
      for (let i = this.start[index] as number; i < (this.end[index] as number); i++) {
        const d = (this.bytes[i] as number) - ZERO;
        if (d < 0 || d > 9) {
          value = -1;
          break;
        }
        value = value * 10 + d;
      }
    }
    if (value < 0)
      throw this.invalid(index, starAllowed ? 'a date as YYYYMMDD or "*"' : 'a date as YYYYMMDD');
    return value;
  }

  invalid(index: number, expected: string): ImportError {
    return this.error(index, `${JSON.stringify(this.text(index))} is not ${expected}`, this.columns[index]);
  }

  error(index: number, problem: string, columnName: string | null | undefined): ImportError {
    const at = { file: this.file, line: this.line, column: index + 1 };
    return new ImportError(columnName == null ? at : { ...at, columnName }, problem);
  }
}

/** The distinct rationale texts of a file, found by comparing bytes (no string per row). */
class Rationales {
  readonly texts: string[] = [];
  private readonly raw: Uint8Array[] = [];
  private last = -1;

  indexOf(cells: Cells, index: number): number {
    const length = cells.length(index);
    if (length === 0) throw cells.invalid(index, 'a rationale (the cell is empty)');
    const start = cells.start[index] as number;
    if (this.last >= 0 && this.matches(this.last, cells.bytes, start, length)) return this.last;
    for (let k = 0; k < this.raw.length; k++) {
      if (this.matches(k, cells.bytes, start, length)) {
        this.last = k;
        return k;
      }
    }
    if (this.raw.length === 0xffff) throw cells.invalid(index, 'one of at most 65,535 distinct rationales');
    // A copy: Buffer's slice() is a view that would keep the whole decompressed file alive.
    this.raw.push(Uint8Array.from(cells.bytes.subarray(start, start + length)));
    this.texts.push(cells.text(index));
    this.last = this.raw.length - 1;
    return this.last;
  }

  private matches(k: number, bytes: Uint8Array, start: number, length: number): boolean {
    const known = this.raw[k] as Uint8Array;
    if (known.length !== length) return false;
    for (let i = 0; i < length; i++) if (known[i] !== bytes[start + i]) return false;
    return true;
  }
}

/** Grows the columns of a {@link PtpPairs} table row by row. */
class PairsBuilder {
  count = 0;
  column1: Uint32Array;
  column2: Uint32Array;
  prior: Uint8Array | null;
  effective: Int32Array | null;
  deletion: Int32Array | null;
  modifier: Uint8Array;
  rationale: Uint16Array;
  line: Uint32Array;

  constructor(
    private capacity: number,
    dated: boolean,
  ) {
    this.column1 = new Uint32Array(capacity);
    this.column2 = new Uint32Array(capacity);
    this.prior = dated ? new Uint8Array(capacity) : null;
    this.effective = dated ? new Int32Array(capacity) : null;
    this.deletion = dated ? new Int32Array(capacity) : null;
    this.modifier = new Uint8Array(capacity);
    this.rationale = new Uint16Array(capacity);
    this.line = new Uint32Array(capacity);
  }

  /** Makes room for one more row, doubling the arrays when full. */
  reserve(): number {
    if (this.count === this.capacity) this.resize(Math.max(16, this.capacity * 2));
    return this.count++;
  }

  finish(rationales: readonly string[]): PtpPairs {
    if (this.count !== this.capacity) this.resize(this.count);
    return {
      count: this.count,
      column1: this.column1,
      column2: this.column2,
      inExistencePrior1996: this.prior,
      effectiveDay: this.effective,
      deletionDay: this.deletion,
      modifierIndicator: this.modifier,
      rationale: this.rationale,
      rationales,
      line: this.line,
    };
  }

  private resize(capacity: number): void {
    const n = Math.min(this.count, capacity);
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(
      array: T,
      make: (size: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(array.subarray(0, n));
      return next;
    };
    this.column1 = grow(this.column1, (s) => new Uint32Array(s));
    this.column2 = grow(this.column2, (s) => new Uint32Array(s));
    if (this.prior !== null) this.prior = grow(this.prior, (s) => new Uint8Array(s));
    if (this.effective !== null) this.effective = grow(this.effective, (s) => new Int32Array(s));
    if (this.deletion !== null) this.deletion = grow(this.deletion, (s) => new Int32Array(s));
    this.modifier = grow(this.modifier, (s) => new Uint8Array(s));
    this.rationale = grow(this.rationale, (s) => new Uint16Array(s));
    this.line = grow(this.line, (s) => new Uint32Array(s));
    this.capacity = capacity;
  }
}

/** Number of lines (an upper bound on the rows), counted with the native byte search. */
function countLines(buf: Buffer): number {
  let lines = 0;
  let at = buf.indexOf(LF);
  while (at !== -1) {
    lines++;
    at = buf.indexOf(LF, at + 1);
  }
  return buf[buf.length - 1] === LF ? lines : lines + 1;
}

/** True when bytes[from, to) holds only spaces and tabs. */
function isBlank(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== SPACE && bytes[i] !== TAB) return false;
  return true;
}

/** Rejects a file whose last line has no line break (a file cut off at the end of a cell). */
function requireBreak(scanner: LineScanner, cells: Cells): void {
  if (scanner.hasBreak) return;
  throw cells.error(
    Math.max(0, cells.count - 1),
    'the file ends in the middle of a line (no final line break): it looks cut off',
    null,
  );
}

/** Rejects a blank line inside the data (blank lines at the end are skipped). */
function blankInside(file: string, line: number): ImportError {
  return new ImportError(
    { file, line, column: 1 },
    'blank line inside the data (only blank lines at the end of the file are skipped)',
  );
}

/** Caches day numbers of YYYYMMDD dates (a file has a few hundred distinct ones). */
class Days {
  private readonly known = new Map<number, number>();

  of(yyyymmdd: number, cells: Cells, index: number): number {
    const cached = this.known.get(yyyymmdd);
    if (cached !== undefined) return cached;
    const text = String(yyyymmdd).padStart(8, '0');
    const day = dayNumber(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`);
    if (Number.isNaN(day)) throw cells.invalid(index, 'a calendar date');
    this.known.set(yyyymmdd, day);
    return day;
  }
}

// ---------------------------------------------------------------------------------------------
// CMS form

function readCms(buf: Buffer, original: Uint8Array, file: string): PtpDataset {
  const name = CMS_FILE_NAME.exec(file);
  if (name === null) {
    throw new ImportError(
      { file, line: 1, column: 1 },
      'the file name must hold the NCCI release, like ccipra-v322r0-f1.txt (the file itself does not state it)',
    );
  }
  const major = Number(name[2]);
  const minor = Number(name[3]);
  if (minor > 3) {
    throw new ImportError(
      { file, line: 1, column: 1 },
      `the file name says version ${major}.${minor}; NCCI versions are N.0 to N.3 (one a quarter)`,
    );
  }
  const year = 1994 + major;
  const quarter = minor + 1;
  const table = name[1]?.toLowerCase() === 'pra' ? 'practitioner' : 'hospital';
  const version = `v${major}.${minor}r${name[4]}`;
  const part = name[5];

  const dataStart = readCmsHeader(buf, file);
  const cells = new Cells(file, CMS_COLUMNS);
  const builder = new PairsBuilder(countLines(buf.subarray(dataStart.position)), true);
  const rationales = new Rationales();
  const days = new Days();
  const scanner = new LineScanner(buf, dataStart.position, dataStart.line);
  let blankLine = -1;
  let blankLines = 0;
  let deletedBeforeEffective = 0;
  while (scanner.next()) {
    if (isBlank(buf, scanner.start, scanner.end)) {
      if (blankLine < 0) blankLine = scanner.line;
      blankLines++;
      continue;
    }
    if (blankLine >= 0) throw blankInside(file, blankLine);
    cells.split(buf, scanner.start, scanner.end, TAB, scanner.line);
    cells.requireCount();
    const column1 = cells.code(0);
    const column2 = cells.code(1);
    const priorByte = cells.firstByte(2);
    if (!(priorByte === -1 || (priorByte === STAR && cells.length(2) === 1))) {
      throw cells.invalid(2, 'empty or "*"');
    }
    const effective = days.of(cells.yyyymmdd(3, false), cells, 3);
    const deletionDate = cells.yyyymmdd(4, true);
    const deletion = deletionDate < 0 ? NO_DAY : days.of(deletionDate, cells, 4);
    if (deletion !== NO_DAY && deletion < effective) deletedBeforeEffective++;
    const modifier = cells.modifierIndicator(5);
    const rationale = rationales.indexOf(cells, 6);
    requireBreak(scanner, cells);
    const i = builder.reserve();
    builder.column1[i] = column1;
    builder.column2[i] = column2;
    (builder.prior as Uint8Array)[i] = priorByte === STAR ? 1 : 0;
    (builder.effective as Int32Array)[i] = effective;
    (builder.deletion as Int32Array)[i] = deletion;
    builder.modifier[i] = modifier;
    builder.rationale[i] = rationale;
    builder.line[i] = scanner.line;
  }
  if (builder.count === 0) {
    throw new ImportError({ file, line: dataStart.line + 1, column: 1 }, 'no data rows after the header');
  }
  const pairs = builder.finish(rationales.texts);

  const complete = !isPartialFileName(file);
  const month = ['January', 'April', 'July', 'October'][quarter - 1] as string;
  const notes = [
    `NCCI ${table} PTP edits, release ${version} (${month} ${year}; the release comes from the file name).`,
  ];
  if (part !== undefined) {
    notes.push(
      `File ${part} of the release: CMS publishes the table in several files (-f1, -f2, ...), ` +
        'so a pair missing here may be in another file of the same release.',
    );
  }
  if (!complete) notes.push(partialFileNote(file, pairs.count));
  if (deletedBeforeEffective > 0) {
    notes.push(
      `${deletedBeforeEffective} edits have a deletion date before their effective date (never in force).`,
    );
  }
  if (blankLines > 0) notes.push(`${blankLines} blank line(s) at the end of the file skipped.`);
  return {
    dataset: 'ncci-ptp',
    form: 'cms',
    dated: true,
    year,
    label: `NCCI PTP ${table} ${version}${part === undefined ? '' : ` file ${part}`} (${month} ${year})`,
    effective: `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`,
    complete,
    source: sourceInfo(file, original, pairs.count, version),
    notes,
    pairs,
  };
}

/**
 * Checks the CMS header and returns where the data starts: the header is the lines from the one
 * starting "Column 1<TAB>Column 2" to the first line that starts with a code.
 */
function readCmsHeader(buf: Buffer, file: string): { position: number; line: number } {
  const scanner = new LineScanner(buf);
  const headerLines: { line: number; cells: string[] }[] = [];
  for (;;) {
    const position = scanner.position;
    const lineBefore = scanner.line;
    if (!scanner.next()) {
      const line = scanner.line + 1;
      if (headerLines.length === 0) {
        throw new ImportError(
          { file, line: 1, column: 1 },
          'no header line starting "Column 1<TAB>Column 2"',
        );
      }
      throw new ImportError({ file, line, column: 1 }, 'no data rows after the header');
    }
    const cells = decodeText(buf.subarray(scanner.start, scanner.end)).text.split('\t');
    const first = (cells[0] ?? '').trim();
    const isData = /^[A-Z0-9]{5}$/.test(first);
    if (headerLines.length === 0) {
      if (/^column ?1$/i.test(first) && /^column ?2$/i.test((cells[1] ?? '').trim())) {
        headerLines.push({ line: scanner.line, cells });
      } else if (isData) {
        throw new ImportError(
          { file, line: scanner.line, column: 1, columnName: 'Column 1' },
          'a data row comes before the header line starting "Column 1<TAB>Column 2" (the header is missing)',
        );
      } else if (scanner.line >= CMS_HEADER_SEARCH_LINES) {
        throw new ImportError(
          { file, line: 1, column: 1 },
          `no header line starting "Column 1<TAB>Column 2" in the first ${CMS_HEADER_SEARCH_LINES} lines`,
        );
      }
      continue;
    }
    if (isData) {
      checkStackedHeader(headerLines, file);
      return { position, line: lineBefore };
    }
    headerLines.push({ line: scanner.line, cells });
    if (headerLines.length > CMS_MAX_HEADER_LINES) {
      throw new ImportError(
        { file, line: scanner.line, column: 1 },
        `the header runs past ${CMS_MAX_HEADER_LINES} lines without a data row after it`,
      );
    }
  }
}

function checkStackedHeader(headerLines: readonly { line: number; cells: string[] }[], file: string): void {
  const first = headerLines[0] as { line: number; cells: string[] };
  const width = Math.max(...headerLines.map((h) => h.cells.length));
  for (let c = 0; c < width; c++) {
    const name = headerLines
      .map((h) => (h.cells[c] ?? '').trim())
      .filter((part) => part !== '')
      .join(' ')
      .replace(/\s+/g, ' ');
    const pattern = CMS_HEADER[c];
    if (pattern === undefined) {
      if (name === '') continue;
      throw new ImportError(
        { file, line: first.line, column: c + 1 },
        `the header has a column "${name}" after the ${CMS_COLUMNS.length} known ones`,
      );
    }
    if (!pattern.test(name)) {
      throw new ImportError(
        { file, line: first.line, column: c + 1, columnName: CMS_COLUMNS[c] },
        `the header reads ${JSON.stringify(name)} (its lines read top to bottom), expected "${CMS_HEADER_TEXT[c]}"`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Derived form

function readDerived(buf: Buffer, original: Uint8Array, file: string): PtpDataset {
  const cells = new Cells(file, DERIVED_COLUMNS);
  const scanner = new LineScanner(buf);
  scanner.next();
  readCsvLine(cells, buf, scanner, file);
  checkDerivedHeader(cells);

  const builder = new PairsBuilder(Math.max(0, countLines(buf) - 1), false);
  const rationales = new Rationales();
  let previous1 = -1;
  let previous2 = -1;
  let blankLine = -1;
  let blankLines = 0;
  while (scanner.next()) {
    if (isBlank(buf, scanner.start, scanner.end)) {
      if (blankLine < 0) blankLine = scanner.line;
      blankLines++;
      continue;
    }
    if (blankLine >= 0) throw blankInside(file, blankLine);
    readCsvLine(cells, buf, scanner, file);
    cells.requireCount();
    const column1 = cells.code(0);
    const column2 = cells.code(1);
    const modifier = cells.modifierIndicator(2);
    const rationale = rationales.indexOf(cells, 3);
    if (column1 < previous1 || (column1 === previous1 && column2 <= previous2)) {
      const earlier = builder.line[builder.count - 1] as number;
      const pair = `${decodeCode(column1, 5)}/${decodeCode(column2, 5)}`;
      throw cells.error(
        column1 === previous1 ? 1 : 0,
        column1 === previous1 && column2 === previous2
          ? `the pair ${pair} is already on line ${earlier}`
          : `the pair ${pair} is out of order: the rows are sorted by column 1 then column 2, and line ${earlier} has ` +
              `${decodeCode(previous1, 5)}/${decodeCode(previous2, 5)}`,
        column1 === previous1 ? 'column2' : 'column1',
      );
    }
    requireBreak(scanner, cells);
    previous1 = column1;
    previous2 = column2;
    const i = builder.reserve();
    builder.column1[i] = column1;
    builder.column2[i] = column2;
    builder.modifier[i] = modifier;
    builder.rationale[i] = rationale;
    builder.line[i] = scanner.line;
  }
  if (builder.count === 0)
    throw new ImportError({ file, line: 2, column: 1 }, 'no data rows after the header');
  const pairs = builder.finish(rationales.texts);

  const complete = !isPartialFileName(file);
  const notes = [
    'UNDATED: the file has no effective or deletion dates, so every edit in it is treated as in force ' +
      `on every date of service (from ${NCCI_START}, the start of NCCI).`,
    'It includes edits CMS has deleted (for example 0001A/99213, deleted 2023-12-31 in CMS release v32.2r0): ' +
      'an edit found here may no longer apply on the date of service.',
    'Medicare practitioner PTP edits converted from a web app bundle (RaidenExn/cpt-validator-webapp); the quarter ' +
      'is not stated: the bundle is tagged 2026-04-02, so probably the April 2026 release (unverified).',
  ];
  if (!complete) notes.push(partialFileNote(file, pairs.count));
  if (blankLines > 0) notes.push(`${blankLines} blank line(s) at the end of the file skipped.`);
  return {
    dataset: 'ncci-ptp',
    form: 'derived',
    dated: false,
    year: DERIVED_PROBABLE_YEAR,
    label: 'NCCI PTP practitioner, undated (probably April 2026)',
    effective: NCCI_START,
    complete,
    source: sourceInfo(file, original, pairs.count),
    notes,
    pairs,
  };
}

/** Splits a CSV line into cells; a line with a quote goes through the full CSV reader. */
function readCsvLine(cells: Cells, buf: Buffer, scanner: LineScanner, file: string): void {
  cells.split(buf, scanner.start, scanner.end, COMMA, scanner.line);
  if (!cells.sawQuote) return;
  const text = decodeText(buf.subarray(scanner.start, scanner.end)).text;
  let rows: ReturnType<typeof parseCsv>['rows'];
  try {
    rows = parseCsv(`${text}\n`, file).rows;
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    throw new ImportError(
      { file, line: scanner.line + error.line - 1, column: error.column },
      `${error.problem} (a quoted cell cannot hold a line break in this file)`,
    );
  }
  cells.setTexts(rows[0]?.cells ?? [''], scanner.line);
}

function checkDerivedHeader(cells: Cells): void {
  if (cells.length(0) === 5 && /^[A-Z0-9]{5}$/.test(cells.text(0))) {
    throw cells.error(
      0,
      `line 1 is a data row: the header "${DERIVED_COLUMNS.join(',')}" is missing`,
      DERIVED_COLUMNS[0],
    );
  }
  cells.requireCount();
  DERIVED_COLUMNS.forEach((name, c) => {
    if (cells.text(c).toLowerCase() !== name) {
      throw cells.error(c, `header cell ${JSON.stringify(cells.text(c))} is not "${name}"`, name);
    }
  });
}
