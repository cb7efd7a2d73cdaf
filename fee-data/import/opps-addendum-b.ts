/**
 * Importer for OPPS Addendum B, the quarterly HCPCS → status indicator, APC and payment rate list,
 * in the CSV form held (`OPPS_Addendum_B_2025_January_derived.csv`: the header row and data rows of
 * CMS's "2025 January Addendum B" workbook, title rows dropped; SOURCES.md § 11a). Header:
 * `HCPCS Code,Short Descriptor,SI,APC,Relative Weight,Payment Rate,National Unadjusted Copayment,…`.
 *
 * The Short Descriptor (CPT descriptors, AMA copyright) is read past and never kept. The rate is
 * kept as printed: the workbook's export drops trailing zeros ("3147.5", "3771"), which is exact; one drug row prints thousandths of a dollar (J2002 "0.003").
 *
 * The final-rule Addendum B (`CY2025_FinalRule_Addendum_B.11122024.txt`) is the November 2024
 * publication of the same year's assignments with a comment-indicator column; the January 2025
 * quarterly release supersedes it from January 1, so it is not imported (it would be a second
 * edition effective the same day).
 */
import { blankRowsNote, requireUnique } from './records-national.js';
import type { OppsAddendumBRecord, OppsImportedDataset } from './records-opps.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  findHeader,
  forEachDataRow,
  ImportError,
  parseCsv,
  RULES,
  readImportFile,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

const HEADER = ['HCPCS Code', 'Short Descriptor', 'SI', 'APC', 'Relative Weight', 'Payment Rate'] as const;
const COLUMN_COUNT = 13;
/** "Addendum_B_2025_January". */
const FILE_NAME = /Addendum_B_(\d{4})_(January|April|July|October)/i;
const QUARTER_MONTH: Readonly<Record<string, string>> = {
  january: '01',
  april: '04',
  july: '07',
  october: '10',
};
const SI: FieldRule = { pattern: /^[A-Z][0-9]?$/, expected: 'a status indicator (J1, T, Q1, N …)' };
const APC: FieldRule = { pattern: /^(\d{4,5})?$/, expected: 'empty or an APC number' };
const RATE: FieldRule = { pattern: /^(\d{1,7}(\.\d{1,3})?)?$/, expected: 'empty or an amount in dollars' };

/**
 * Imports an OPPS Addendum B CSV from disk.
 *
 * @param path - a file whose name gives the year and quarter month (OPPS_Addendum_B_2025_January_derived.csv)
 * @returns one record per HCPCS code
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importOppsAddendumB(path: string): OppsImportedDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseOppsAddendumB(bytes, fileName);
}

/**
 * Parses an OPPS Addendum B CSV.
 *
 * @param bytes - the file's bytes
 * @param fileName - its name (gives the year and the quarter)
 * @returns the data set
 * @throws ImportError naming file, line and column
 */
export function parseOppsAddendumB(bytes: Uint8Array, fileName: string): OppsImportedDataset {
  const name = FILE_NAME.exec(fileName);
  if (name === null) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the file name must give the year and quarter month, like OPPS_Addendum_B_2025_January.csv',
    );
  }
  const year = Number(name[1]);
  const month = QUARTER_MONTH[(name[2] as string).toLowerCase()] as string;
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const headerIndex = findHeader(
    table.rows,
    fileName,
    (row) => /^HCPCS Code$/i.test((row.cells[0] ?? '').trim()),
    (row) => RULES.hcpcs.pattern.test((row.cells[0] ?? '').trim()),
    '"HCPCS Code,Short Descriptor,SI,APC,Relative Weight,Payment Rate,..."',
  );
  const header = table.rows[headerIndex] as CsvRow;
  HEADER.forEach((expected, c) => {
    const cell = (header.cells[c] ?? '').trim();
    if (cell.toLowerCase() !== expected.toLowerCase()) {
      throw new ImportError(
        { file: fileName, line: header.line, column: c + 1, columnName: expected },
        `header cell ${JSON.stringify(cell)} is not the expected ${expected} column`,
      );
    }
  });
  const records: OppsAddendumBRecord[] = [];
  const seen = new Map<string, number>();
  const blankLines = forEachDataRow(table.rows, headerIndex + 1, fileName, (row) => {
    if (row.cells.length !== COLUMN_COUNT) {
      throw new ImportError(
        { file: fileName, line: row.line, column: Math.min(row.cells.length, COLUMN_COUNT) + 1 },
        `the row has ${row.cells.length} columns, expected ${COLUMN_COUNT}`,
      );
    }
    const code = field(fileName, row, 0, 'HCPCS Code', RULES.hcpcs);
    const record: OppsAddendumBRecord = {
      code,
      si: field(fileName, row, 2, 'SI', SI),
      apc: field(fileName, row, 3, 'APC', APC).replace(/^0+(?=\d)/, ''),
      rate: field(fileName, row, 5, 'Payment Rate', RATE),
      line: row.line,
    };
    requireUnique(seen, code, code, fileName, row, 1, 'HCPCS Code');
    records.push(record);
  });
  requireFinalLineBreak(table, fileName);
  return {
    dataset: 'opps-addendum-b',
    year,
    label: `OPPS Addendum B ${year} ${name[2]}`,
    effective: `${year}-${month}-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length, `${name[2]} ${year}`),
    notes: [
      `OPPS Addendum B, ${name[2]} ${year} quarterly release: HCPCS → status indicator, APC and national unadjusted payment rate (physical lines of the CSV; the workbook row is the line + 4).`,
      'The Short Descriptor column (CPT descriptors, AMA copyright) is not imported.',
      `No later Addendum B is held: a date of service after ${year} is unpriced ("not in an edition we hold"), never priced on ${year}'s assignments. ` +
        "The ASC Addendum FF of 2026 names an APC for ASC-covered procedures only and no OPPS status indicator; the APC's own indicator is not the code's (conditionally packaged Q1/Q2/Q3 codes sit in S and T APCs), so no 2026 OPPS assignment is derived from it.",
      ...blankRowsNote(blankLines),
    ],
    records,
  };
}
