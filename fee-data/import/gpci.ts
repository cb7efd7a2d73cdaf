/**
 * Importer for CMS PFS Addendum E, the geographic practice cost indices (GPCI*.csv): a title
 * line, a blank line, the header (line 3), one row per Medicare locality, then footnotes. The
 * footnotes explain the asterisks after some locality names (the Alaska and frontier-state
 * floors); they are kept as notes and the asterisks are dropped from the names.
 */
import type { GpciRecord, ImportedDataset } from './records.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  findHeader,
  ImportError,
  isBlankRow,
  padDigits,
  parseCsv,
  RULES,
  readImportFile,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
  stripFootnoteMarks,
} from './text.js';

/** An imported Addendum E file. */
export type GpciDataset = ImportedDataset<GpciRecord> & { readonly dataset: 'gpci' };

/** Column names used in errors, in file order. */
const COLUMNS = [
  'MAC',
  'STATE',
  'LOCALITY NUMBER',
  'LOCALITY NAME',
  'PW GPCI',
  'PE GPCI',
  'MP GPCI',
] as const;

/** The header cells, each with the year captured where the file states it. */
const HEADER: readonly RegExp[] = [
  /^Medicare Administrative Contractor( \(MAC\))?$/i,
  /^State$/i,
  /^Locality Number$/i,
  /^Locality Name$/i,
  /^(\d{4}) PW GPCI\b.*$/i,
  /^(\d{4}) PE GPCI\b.*$/i,
  /^(\d{4}) MP GPCI\b.*$/i,
];

const TITLE_YEAR = /\bCY (\d{4})\b/i;
/** GPCIs are printed with up to three decimals, sometimes none ("1"); kept exactly as printed. */
const GPCI: FieldRule = { pattern: /^\d+(\.\d{1,4})?$/, expected: 'an index like 1, 0.869 or 1.000' };
const HEADER_SEARCH_ROWS = 10;

/**
 * Imports an Addendum E GPCI file from disk.
 *
 * @param path - path of a GPCI*.csv file
 * @returns one record per locality
 * @throws ImportError when any part of the file is not as expected
 */
export function importGpci(path: string): GpciDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseGpci(bytes, fileName);
}

/**
 * Imports an Addendum E GPCI file from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name, for errors and the source description
 * @returns one record per locality; the footnotes as notes
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseGpci(bytes: Uint8Array, fileName: string): GpciDataset {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;
  const headerIndex = findGpciHeader(rows, fileName);
  const year = readHeaderYear(rows[headerIndex] as CsvRow, fileName);
  checkTitleYear(rows.slice(0, headerIndex), year, fileName);

  const records: GpciRecord[] = [];
  const seen = new Map<string, number>();
  let r = headerIndex + 1;
  // Data rows run until the first row that is not one: a blank row or a footnote (text in the
  // first cell only). Anything else there is an error, not the end of the data.
  for (; r < rows.length; r++) {
    const row = rows[r] as CsvRow;
    if (isBlankRow(row) || isFootnoteRow(row)) break;
    requireColumnCount(fileName, row, COLUMNS);
    const carrier = padDigits(field(fileName, row, 0, 'MAC', RULES.carrier), 5);
    const locality = padDigits(field(fileName, row, 2, 'LOCALITY NUMBER', RULES.locality), 2);
    const record: GpciRecord = {
      carrier,
      state: field(fileName, row, 1, 'STATE', RULES.state),
      locality,
      name: stripFootnoteMarks(field(fileName, row, 3, 'LOCALITY NAME', RULES.nonEmpty)),
      workGpci: field(fileName, row, 4, 'PW GPCI', GPCI),
      peGpci: field(fileName, row, 5, 'PE GPCI', GPCI),
      mpGpci: field(fileName, row, 6, 'MP GPCI', GPCI),
      line: row.line,
    };
    const key = `${carrier} ${locality}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 3, columnName: 'LOCALITY NUMBER' },
        `MAC ${carrier} locality ${locality} is already on line ${earlier}`,
      );
    }
    seen.set(key, row.line);
    records.push(record);
  }
  if (records.length === 0) {
    throw new ImportError(
      { file: fileName, line: (rows[headerIndex]?.line ?? 0) + 1, column: 1 },
      'no locality rows after the header',
    );
  }
  if (r >= rows.length) {
    // Addendum E always ends with its footnotes ("MAC Assignments as of ..."); data running to
    // the end of the file means the file was cut at a line break somewhere in the localities.
    const last = rows[rows.length - 1] as CsvRow;
    throw new ImportError(
      { file: fileName, line: last.line, column: 1 },
      'the file ends right after a locality row, without the footnotes that follow the table: it looks cut off',
    );
  }
  const notes: string[] = [];
  for (; r < rows.length; r++) {
    const row = rows[r] as CsvRow;
    if (isBlankRow(row)) continue;
    if (!isFootnoteRow(row)) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1 },
        'a locality row after the end of the table (a blank line or footnote inside the data?)',
      );
    }
    notes.push((row.cells[0] ?? '').trim().replace(/\s+/g, ' '));
  }
  requireFinalLineBreak(table, fileName);

  return {
    dataset: 'gpci',
    year,
    label: `CY${year} GPCI (Addendum E)`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes,
    records,
  };
}

/** A footnote row: text in the first cell, nothing else, and not a contractor number. */
function isFootnoteRow(row: CsvRow): boolean {
  const first = (row.cells[0] ?? '').trim();
  return first !== '' && !/^\d/.test(first) && row.cells.slice(1).every((cell) => cell.trim() === '');
}

function findGpciHeader(rows: readonly CsvRow[], file: string): number {
  const first = (row: CsvRow) => (row.cells[0] ?? '').trim();
  return findHeader(
    rows,
    file,
    (row) => HEADER[0]?.test(first(row)) === true,
    (row) => RULES.carrier.pattern.test(first(row)),
    'row "Medicare Administrative Contractor (MAC),State,..."',
    HEADER_SEARCH_ROWS,
  );
}

/** Checks every header cell and returns the year the GPCI columns name ("2025 PW GPCI"). */
function readHeaderYear(row: CsvRow, file: string): number {
  requireColumnCount(file, row, COLUMNS);
  let year: string | undefined;
  HEADER.forEach((pattern, i) => {
    const cell = (row.cells[i] ?? '').trim();
    const match = pattern.exec(cell);
    if (match === null) {
      throw new ImportError(
        { file, line: row.line, column: i + 1, columnName: COLUMNS[i] },
        `header cell ${JSON.stringify(cell)} is not the expected ${COLUMNS[i]} column`,
      );
    }
    const stated = match[1];
    if (i >= 4 && stated !== undefined) {
      year ??= stated;
      if (stated !== year) {
        throw new ImportError(
          { file, line: row.line, column: i + 1, columnName: COLUMNS[i] },
          `header names year ${stated} here but ${year} for the work GPCI`,
        );
      }
    }
  });
  return Number(year);
}

/** When the title states a year ("FINAL CY 2025 GEOGRAPHIC ..."), it must agree with the header. */
function checkTitleYear(preamble: readonly CsvRow[], year: number, file: string): void {
  for (const row of preamble) {
    const title = row.cells[0] ?? '';
    const match = TITLE_YEAR.exec(title);
    if (match !== null && Number(match[1]) !== year) {
      throw new ImportError(
        { file, line: row.line, column: 1 },
        `the title says CY ${match[1]} but the header's GPCI columns say ${year}`,
      );
    }
  }
}
