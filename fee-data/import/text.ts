/**
 * Shared plumbing for the importers of official fee schedule files: byte decoding, a small
 * RFC 4180 CSV reader that remembers physical line numbers, field validation, and the one error
 * type every importer throws. Importers never return partial data: anything unexpected in a file
 * is an {@link ImportError} that names the file, the physical line and the column, so a person can
 * open the file and look at the exact cell.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { SourceInfo } from './records.js';

/** Where in a file a problem is. Line and column are 1-based. */
export interface FilePosition {
  /** File name (no directory). */
  readonly file: string;
  /** Physical line (for a CSV row spanning lines, the line the row starts on). */
  readonly line: number;
  /** CSV column number, or the character position in a fixed-width line. */
  readonly column: number;
  /** The column's name as the file's layout calls it, when known ("WORK RVU"). */
  readonly columnName?: string;
}

/**
 * A file that cannot be imported as a whole. The message reads like
 * `PPRRVU2025_Oct.csv line 123 column 6 (WORK RVU): "1.3x" is not a number with two decimals`.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly columnName: string | undefined;
  /** The problem without the position prefix. */
  readonly problem: string;

  constructor(at: FilePosition, problem: string) {
    const where = `${at.file} line ${at.line} column ${at.column}`;
    super(`${where}${at.columnName === undefined ? '' : ` (${at.columnName})`}: ${problem}`);
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.columnName = at.columnName;
    this.problem = problem;
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes to text

/** The encodings {@link decodeText} can report. */
export type TextEncodingName = 'utf-8' | 'windows-1252';

/** Decoded file text and the encoding that was used. */
export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

/**
 * Windows-1252 characters for bytes 0x80–0x9F. CMS and state files written on Windows put curly
 * quotes and dashes there; plain latin-1 would turn them into invisible C1 controls. The five
 * bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same
 * number, as the WHATWG "windows-1252" decoder does.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a file's bytes: UTF-8 when the bytes are valid UTF-8 (pure ASCII is), else
 * Windows-1252 (latin-1 with the cp1252 characters in 0x80–0x9F). A UTF-8 byte order mark is
 * dropped in either case. Official files do not say their encoding; CMS files are mostly ASCII or
 * cp1252, and a cp1252 file is almost never valid UTF-8 by accident, so trying UTF-8 strictly
 * first is safe.
 *
 * @param bytes - the file's bytes
 * @returns the text and the encoding used
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: utf8.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(body), encoding: 'windows-1252' };
  }
}

/** Decodes cp1252 by hand so the result does not depend on the ICU data Node was built with. */
function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk = 0x4000;
  const codes = new Uint16Array(chunk);
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(start + chunk, bytes.length);
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      codes[i - start] = b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] as number) : b;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, end - start)));
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// CSV

/** One CSV record. */
export interface CsvRow {
  /** Physical line the record starts on (1-based). */
  readonly line: number;
  /** Cells as written, quotes removed, not trimmed. */
  readonly cells: readonly string[];
}

/** A parsed CSV file. */
export interface CsvTable {
  readonly rows: readonly CsvRow[];
  /**
   * Whether the text ends with a line break. Every official file does; one that stops mid-line
   * was most likely cut off, which {@link requireFinalLineBreak} turns into an error.
   */
  readonly endsWithLineBreak: boolean;
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * Parses comma-separated text as RFC 4180 describes it: cells may be quoted, a quoted cell may
 * hold commas, doubled quotes and line breaks. Line breaks may be CRLF, LF or CR. A quote inside
 * an unquoted cell is kept as a character (CMS never writes one, but inch marks do occur in
 * other files). An empty line is a row with one empty cell. Text that ends with a line break
 * does not produce a final empty row.
 *
 * @param text - decoded file text
 * @param file - file name for errors
 * @returns the rows with their physical line numbers
 * @throws ImportError for an unterminated quoted cell or text after a closing quote
 */
export function parseCsv(text: string, file: string): CsvTable {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  // Positions of the next LF and CR at or after i (-1: none left), so that finding the end of
  // each line does not rescan the rest of the file.
  let nextLf = text.indexOf('\n');
  let nextCr = text.indexOf('\r');
  while (i < n) {
    if (nextLf !== -1 && nextLf < i) nextLf = text.indexOf('\n', i);
    if (nextCr !== -1 && nextCr < i) nextCr = text.indexOf('\r', i);
    const end =
      nextLf === -1 ? (nextCr === -1 ? n : nextCr) : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
    const lineText = text.slice(i, end);
    if (!lineText.includes('"')) {
      // Fast path: a line without quotes is exactly one row, split at commas. Almost every line
      // of an official file is like this, and split() is several times faster than the
      // character loop below.
      rows.push({ line, cells: lineText.split(',') });
      i = end >= n ? n : end + (text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? 2 : 1);
      line++;
      continue;
    }
    const rowLine = line;
    const cells: string[] = [];
    let rowDone = false;
    while (!rowDone) {
      if (text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw new ImportError(
              { file, line: openLine, column: cells.length + 1 },
              'quoted cell is never closed (the file may be cut off)',
            );
          }
          line += countLineBreaks(text, from, q);
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        cells.push(value);
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== CR && next !== LF) {
          throw new ImportError(
            { file, line, column: cells.length },
            `unexpected ${JSON.stringify(text[i])} after the closing quote of a quoted cell`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          j++;
        }
        cells.push(text.slice(i, j));
        i = j;
      }
      // i is now at a comma, a line break or the end of the text.
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
      } else {
        if (c === CR || c === LF) {
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          line++;
        }
        rowDone = true;
      }
    }
    rows.push({ line: rowLine, cells });
  }
  const last = text.charCodeAt(n - 1);
  return { rows, endsWithLineBreak: n === 0 || last === LF || last === CR };
}

/** Counts CRLF, LF and lone CR line breaks in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === LF) count++;
    else if (c === CR && text.charCodeAt(k + 1) !== LF) count++;
  }
  return count;
}

/**
 * Rejects a file whose last line has no line break: official files always end with one, so a
 * missing one means the file was most likely cut off, possibly right at the end of a cell that
 * still looks valid ("0.56" cut to "0.5").
 *
 * @param table - the parsed file
 * @param file - file name for the error
 * @throws ImportError at the last row's last cell
 */
export function requireFinalLineBreak(table: CsvTable, file: string): void {
  const last = table.rows[table.rows.length - 1];
  if (table.endsWithLineBreak || last === undefined) return;
  throw new ImportError(
    { file, line: last.line, column: last.cells.length },
    'the file ends in the middle of a line (no final line break): it looks cut off',
  );
}

/**
 * Finds a header row among the first rows of a file.
 *
 * @param rows - the file's rows
 * @param file - file name for errors
 * @param isHeader - recognises the header row
 * @param isData - recognises a data row (one before the header means the header is missing)
 * @param describe - the header as the error shows it
 * @param limit - how many rows to look at
 * @returns the header row's index
 * @throws ImportError when a data row comes first or no header is found
 */
export function findHeader(
  rows: readonly CsvRow[],
  file: string,
  isHeader: (row: CsvRow) => boolean,
  isData: (row: CsvRow) => boolean,
  describe: string,
  limit = 20,
): number {
  const end = Math.min(rows.length, limit);
  for (let i = 0; i < end; i++) {
    const row = rows[i] as CsvRow;
    if (isHeader(row)) return i;
    if (isData(row)) {
      throw new ImportError(
        { file, line: row.line, column: 1 },
        `a data row comes before the header ${describe} (the header is missing)`,
      );
    }
  }
  throw new ImportError({ file, line: 1, column: 1 }, `no header ${describe} in the first ${limit} lines`);
}

/** True when every cell of the row is empty or blank. */
export function isBlankRow(row: CsvRow): boolean {
  return row.cells.every((cell) => cell.trim() === '');
}

/**
 * Visits the data rows after a header. Blank rows at the end of the file are skipped (their
 * lines are returned so a note can say so); a blank row anywhere else is an error, since it would
 * hide a cut or a splice. A file with no data rows is an error.
 *
 * @param rows - the file's rows
 * @param start - index of the first data row
 * @param file - file name for errors
 * @param visit - called with each data row
 * @returns the lines of the skipped trailing blank rows
 * @throws ImportError for a blank row inside the data or no data rows at all
 */
export function forEachDataRow(
  rows: readonly CsvRow[],
  start: number,
  file: string,
  visit: (row: CsvRow) => void,
): number[] {
  const blankLines: number[] = [];
  let dataRows = 0;
  for (let r = start; r < rows.length; r++) {
    const row = rows[r] as CsvRow;
    if (isBlankRow(row)) {
      blankLines.push(row.line);
      continue;
    }
    if (blankLines.length > 0) {
      throw new ImportError(
        { file, line: blankLines[0] as number, column: 1 },
        'blank row inside the data (only blank rows at the end of the file are skipped)',
      );
    }
    visit(row);
    dataRows++;
  }
  if (dataRows === 0) {
    throw new ImportError(
      { file, line: (rows[start - 1]?.line ?? 0) + 1, column: 1 },
      'no data rows after the header',
    );
  }
  return blankLines;
}

/**
 * Requires a row to have exactly the layout's number of columns.
 *
 * @param file - file name for the error
 * @param row - the row
 * @param columns - the layout's column names, in order
 * @throws ImportError at the first missing column (a cut-off row) or the first extra column
 */
export function requireColumnCount(file: string, row: CsvRow, columns: readonly string[]): void {
  const have = row.cells.length;
  if (have === columns.length) return;
  if (have < columns.length) {
    throw new ImportError(
      { file, line: row.line, column: have + 1, columnName: columns[have] },
      `the row has ${have} columns, expected ${columns.length} (the row may be cut off)`,
    );
  }
  throw new ImportError(
    { file, line: row.line, column: columns.length + 1 },
    `the row has ${have} columns, expected ${columns.length}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Field validation

/** What a cell must look like, and how to say so in an error. */
export interface FieldRule {
  readonly pattern: RegExp;
  /** Completes the sentence `"x" is not ...`. */
  readonly expected: string;
}

/** Common rules. Patterns are anchored; values are trimmed before they are tested. */
export const RULES = {
  /** RVUs, RVU totals and OPPS amounts in the PPRRVU file: "1.30", "19.60", "0.00". */
  twoDecimals: { pattern: /^\d{1,4}\.\d{2}$/, expected: 'a number with two decimals' },
  /** Dollar amounts of any size with cents: "150.69", "12866.82". */
  money: { pattern: /^\d{1,7}\.\d{2}$/, expected: 'an amount with two decimals' },
  /** Conversion factors as the PPRRVU file prints them: "32.3465". */
  fourDecimals: { pattern: /^\d{1,4}\.\d{4}$/, expected: 'a number with four decimals' },
  /** A HCPCS/CPT code: five letters or digits ("99213", "0001F", "G0463"). */
  hcpcs: { pattern: /^[A-Z0-9]{5}$/, expected: 'a five-character HCPCS code' },
  /** A modifier, or none. */
  modifier: { pattern: /^([A-Z0-9]{2})?$/, expected: 'empty or a two-character modifier' },
  /** A Medicare contractor (MAC/carrier) number, possibly with its leading zero dropped. */
  carrier: { pattern: /^\d{4,5}$/, expected: 'a five-digit contractor number' },
  /** A locality number, possibly with its leading zero dropped. */
  locality: { pattern: /^\d{1,2}$/, expected: 'a two-digit locality number' },
  /** One digit. */
  digit: { pattern: /^\d$/, expected: 'a single digit' },
  /** One capital letter. */
  letter: { pattern: /^[A-Z]$/, expected: 'a single capital letter' },
  /** A two-letter state or territory code. */
  state: { pattern: /^[A-Z]{2}$/, expected: 'a two-letter state code' },
  /** Text that must be present. */
  nonEmpty: { pattern: /\S/, expected: 'present (the cell is empty)' },
} as const satisfies Record<string, FieldRule>;

/**
 * Reads one cell, trimmed, and checks it against a rule.
 *
 * @param file - file name for the error
 * @param row - the row
 * @param index - 0-based cell index
 * @param columnName - the column's name, for the error
 * @param rule - what the cell must look like
 * @returns the trimmed cell
 * @throws ImportError naming the line, the column and the offending value
 */
export function field(file: string, row: CsvRow, index: number, columnName: string, rule: FieldRule): string {
  const value = (row.cells[index] ?? '').trim();
  if (rule.pattern.test(value)) return value;
  throw new ImportError(
    { file, line: row.line, column: index + 1, columnName },
    `${JSON.stringify(value)} is not ${rule.expected}`,
  );
}

/** Left-pads a digit string with zeros (CMS's CSV exports drop leading zeros: `2102` is 02102). */
export function padDigits(value: string, width: number): string {
  return value.padStart(width, '0');
}

/** Drops footnote asterisks from the end of a name ("ALASKA*" → "ALASKA"). */
export function stripFootnoteMarks(name: string): string {
  return name.trim().replace(/\s*\*+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Files

/** A file read for import. */
export interface FileBytes {
  readonly bytes: Uint8Array;
  /** Name without the directory. */
  readonly fileName: string;
}

/**
 * Reads a file once for import.
 *
 * @param path - the file's path
 * @returns its bytes and its name
 */
export function readImportFile(path: string): FileBytes {
  return { bytes: readFileSync(path), fileName: basename(path) };
}

/**
 * Describes where a data set came from.
 *
 * @param fileName - the file's name
 * @param bytes - the file's bytes, hashed as they are
 * @param rows - data rows imported
 * @param release - the release as the file states it, if it does
 * @returns the source description
 */
export function sourceInfo(fileName: string, bytes: Uint8Array, rows: number, release?: string): SourceInfo {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return release === undefined ? { file: fileName, sha256, rows } : { file: fileName, sha256, rows, release };
}

/**
 * Fails when a file has no bytes at all (so it is not mistaken for a file without data rows).
 *
 * @param bytes - the file's bytes
 * @param fileName - file name for the error
 * @throws ImportError at line 1, column 1
 */
export function requireNonEmpty(bytes: Uint8Array, fileName: string): void {
  if (bytes.length === 0) throw new ImportError({ file: fileName, line: 1, column: 1 }, 'the file is empty');
}

/** Month names of the four quarterly releases, and the letter CMS gives each (RVU25A–D). */
export const RELEASE_MONTHS = [
  { month: 'January', short: 'Jan', letter: 'A', quarter: 1 },
  { month: 'April', short: 'Apr', letter: 'B', quarter: 2 },
  { month: 'July', short: 'Jul', letter: 'C', quarter: 3 },
  { month: 'October', short: 'Oct', letter: 'D', quarter: 4 },
] as const;

/** One of {@link RELEASE_MONTHS}. */
export type ReleaseMonth = (typeof RELEASE_MONTHS)[number];

/**
 * Finds a quarterly release by month name or its three-letter abbreviation, any case.
 *
 * @param name - "October", "Oct", "OCT"
 * @returns the release, or undefined
 */
export function releaseMonth(name: string): ReleaseMonth | undefined {
  const lower = name.toLowerCase();
  return RELEASE_MONTHS.find((m) => m.month.toLowerCase() === lower || m.short.toLowerCase() === lower);
}
