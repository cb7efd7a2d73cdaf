/**
 * Importer for OPPS Addendum J's complexity adjustments (`CY2025_FinalRule_Addendum_J_CAPC_complexity_adjustments.11132024.txt`,
 * SOURCES.md § 11a): tab-separated, a title on line 1, the header on line 2
 * (`Primary HCPCS Code, Primary Short Descriptor, Primary SI, Primary APC Assignment, Secondary J1
 * or Add-on HCPCS Code, Secondary Short Descriptor, Secondary SI, Secondary APC Assignment,
 * Complexity Adjusted HCPCS Assignment, Complexity Adjusted APC Assignment`), rows of tab-only
 * cells at the end. The descriptors (AMA copyright) are read past.
 *
 * Addendum J's exclusions list (the companion `..._CAPC_exclusions` file) is a list of kinds of
 * service, not codes; the engine applies it by status indicator and says which kinds it cannot
 * recognise (see lambdas/engine/facility/opps.ts).
 */
import { blankRowsNote, requireUnique } from './records-national.js';
import type { OppsComplexityRecord, OppsImportedDataset } from './records-opps.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  forEachDataRow,
  ImportError,
  RULES,
  readImportFile,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

const COLUMNS = [
  'Primary HCPCS Code',
  'Primary Short Descriptor',
  'Primary SI',
  'Primary APC Assignment',
  'Secondary J1 or Add-on HCPCS Code',
  'Secondary Short Descriptor',
  'Secondary SI',
  'Secondary APC Assignment',
  'Complexity Adjusted HCPCS Assignment',
  'Complexity Adjusted APC Assignment',
] as const;
const APC: FieldRule = { pattern: /^\d{4,5}$/, expected: 'an APC number' };
const SI: FieldRule = { pattern: /^[A-Z][0-9]?$/, expected: 'a status indicator' };

/**
 * Imports an Addendum J complexity adjustment file from disk.
 *
 * @param path - a file whose name gives the year (CY2025_..._Addendum_J_CAPC_complexity_adjustments...)
 * @returns one record per primary + secondary pair
 */
export function importOppsComplexity(path: string): OppsImportedDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseOppsComplexity(bytes, fileName);
}

/**
 * Parses an Addendum J complexity adjustment file.
 *
 * @param bytes - the file's bytes (ASCII, tab-separated, CRLF)
 * @param fileName - its name (gives the year: CY2025)
 * @returns the data set
 * @throws ImportError naming file, line and column
 */
export function parseOppsComplexity(bytes: Uint8Array, fileName: string): OppsImportedDataset {
  const year = /CY(\d{4})/i.exec(fileName);
  if (year === null) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the file name must give the year, like CY2025_…',
    );
  }
  requireNonEmpty(bytes, fileName);
  const text = decodeText(bytes).text;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  // Tab-only rows are blank; a row is { line, cells } like the CSV reader's.
  const rows: CsvRow[] = lines.map((t, i) => ({
    line: i + 1,
    cells: t.split('\t').every((c) => c.trim() === '') ? [''] : t.split('\t'),
  }));
  const headerIndex = rows.findIndex((r) => (r.cells[0] ?? '').trim() === COLUMNS[0]);
  if (headerIndex < 0) {
    throw new ImportError({ file: fileName, line: 1, column: 1 }, `no header row starting "${COLUMNS[0]}"`);
  }
  const header = rows[headerIndex] as CsvRow;
  COLUMNS.forEach((name, c) => {
    if ((header.cells[c] ?? '').trim() !== name) {
      throw new ImportError(
        { file: fileName, line: header.line, column: c + 1, columnName: name },
        `header cell ${JSON.stringify(header.cells[c] ?? '')} is not the expected ${name} column`,
      );
    }
  });
  const records: OppsComplexityRecord[] = [];
  const seen = new Map<string, number>();
  const blank = forEachDataRow(rows, headerIndex + 1, fileName, (row) => {
    const record: OppsComplexityRecord = {
      primary: field(fileName, row, 0, COLUMNS[0], RULES.hcpcs),
      primaryApc: field(fileName, row, 3, COLUMNS[3], APC),
      secondary: field(fileName, row, 4, COLUMNS[4], RULES.hcpcs),
      secondarySi: field(fileName, row, 6, COLUMNS[6], SI),
      adjustedCode: field(fileName, row, 8, COLUMNS[8], RULES.hcpcs),
      adjustedApc: field(fileName, row, 9, COLUMNS[9], APC),
      line: row.line,
    };
    field(fileName, row, 2, COLUMNS[2], SI);
    const pair = `${record.primary} + ${record.secondary}`;
    requireUnique(seen, pair, pair, fileName, row, 1, COLUMNS[0]);
    records.push(record);
  });
  const y = Number(year[1]);
  return {
    dataset: 'opps-capc-complexity',
    year: y,
    label: `OPPS Addendum J CY${y} complexity adjustments`,
    effective: `${y}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      `CY${y} final rule Addendum J: pairs of a primary J1 code and a secondary J1 or add-on code that move the claim's C-APC payment to a higher-paying APC.`,
      'The short descriptor columns (CPT descriptors, AMA copyright) are not imported.',
      ...blankRowsNote(blank),
    ],
    records,
  };
}
