/**
 * Importer for the CMS clinical laboratory fee schedule (CLFS), as CMS publishes it quarterly
 * (`CLFS 2025 Q4V1.csv`, `PUF_CLFS_CY2026_Q3V1.csv`): a title line ("2025 Clinical Diagnostic
 * Laboratory Fee Schedule"), the AMA copyright, a note on the COVID-19 public health emergency
 * and a blank line, then the header on line 5:
 * `YEAR,HCPCS,MOD,EFF_DATE,INDICATOR,RATE,SHORTDESC,LONGDESC,EXTENDED LONGDESC` (2026 writes
 * EXTENDEDLONGDESC without the space). One row per code and modifier ('' or QW).
 *
 * The quarter and version are only in the file name ("Q4V1"), so a name without them is
 * rejected; the year is in the name and in every row's YEAR, and the two must agree. The 2025 file
 * is cp1252 (a 0xA0 in the PHE note), which the shared decoder handles. The descriptor columns
 * (CPT descriptors, AMA copyright) are read past and never kept, not even in error messages.
 *
 * RATE is kept as printed: "00720.00" in most rows, "35.92" or "0" in the last rows of the 2025
 * file. Rows with indicator L have a rate of 0 in both files (the code is priced locally).
 */
import {
  blankRowsNote,
  type ClfsDataset,
  type ClfsRecord,
  dateField,
  isPartialFileName,
  partialFileNote,
  requireUnique,
  YYYYMMDD,
} from './records-national.js';
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
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

export type { ClfsDataset, ClfsRecord };

const COLUMNS = [
  'YEAR',
  'HCPCS',
  'MOD',
  'EFF_DATE',
  'INDICATOR',
  'RATE',
  'SHORTDESC',
  'LONGDESC',
  'EXTENDED LONGDESC',
] as const;
const HEADER: readonly RegExp[] = [
  /^YEAR$/i,
  /^HCPCS$/i,
  /^MOD$/i,
  /^EFF_DATE$/i,
  /^INDICATOR$/i,
  /^RATE$/i,
  /^SHORTDESC$/i,
  /^LONGDESC$/i,
  /^EXTENDED ?LONGDESC$/i,
];

/** "CLFS_2025_Q4V1", "CLFS 2025 Q4V1", "PUF_CLFS_CY2026_Q3V1". */
const FILE_NAME = /CLFS[ _-]*(?:CY)?(\d{4})[ _-]*Q([1-4])[ _-]*V(\d+)/i;
const TITLE = /^(\d{4}) Clinical (?:Diagnostic )?Laboratory Fee Schedule$/i;

const YEAR: FieldRule = { pattern: /^\d{4}$/, expected: 'a year' };
/** "00720.00", "35.92", "25", "0". */
const RATE: FieldRule = { pattern: /^\d{1,7}(\.\d{1,2})?$/, expected: 'an amount in dollars' };

/**
 * Imports a CLFS file from disk.
 *
 * @param path - path of a CLFS file whose name gives year, quarter and version (CLFS_2025_Q4V1.csv)
 * @returns one record per code and modifier
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importClfs(path: string): ClfsDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseClfs(bytes, fileName);
}

/**
 * Imports a CLFS file from its bytes.
 *
 * @param bytes - the file's bytes (UTF-8 or cp1252)
 * @param fileName - the file's name; it must give year, quarter and version (CLFS_2025_Q4V1.csv)
 * @returns one record per code and modifier
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseClfs(bytes: Uint8Array, fileName: string): ClfsDataset {
  const name = FILE_NAME.exec(fileName);
  if (name === null) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the file name must give the year, quarter and version, like CLFS_2025_Q4V1.csv (the file states only the year)',
    );
  }
  const year = Number(name[1]);
  const quarter = Number(name[2]);
  const version = Number(name[3]);
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;

  const headerIndex = findHeader(
    rows,
    fileName,
    (row) => /^YEAR$/i.test((row.cells[0] ?? '').trim()) && /^HCPCS$/i.test((row.cells[1] ?? '').trim()),
    (row) =>
      /^\d{4}$/.test((row.cells[0] ?? '').trim()) && RULES.hcpcs.pattern.test((row.cells[1] ?? '').trim()),
    '"YEAR,HCPCS,MOD,EFF_DATE,INDICATOR,RATE,..."',
  );
  checkTitle(rows.slice(0, headerIndex), fileName, year);
  const header = rows[headerIndex] as CsvRow;
  requireColumnCount(fileName, header, COLUMNS);
  HEADER.forEach((pattern, c) => {
    const cell = (header.cells[c] ?? '').trim();
    if (!pattern.test(cell)) {
      throw new ImportError(
        { file: fileName, line: header.line, column: c + 1, columnName: COLUMNS[c] },
        `header cell ${JSON.stringify(cell)} is not the expected ${COLUMNS[c]} column`,
      );
    }
  });

  const records: ClfsRecord[] = [];
  const seen = new Map<string, number>();
  let locallyPriced = 0;
  const blankLines = forEachDataRow(rows, headerIndex + 1, fileName, (row) => {
    requireColumnCount(fileName, row, COLUMNS);
    const rowYear = field(fileName, row, 0, 'YEAR', YEAR);
    if (Number(rowYear) !== year) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'YEAR' },
        `the row is for ${rowYear}, but the file name says ${year}`,
      );
    }
    const record: ClfsRecord = {
      code: field(fileName, row, 1, 'HCPCS', RULES.hcpcs),
      modifier: field(fileName, row, 2, 'MOD', RULES.modifier),
      effectiveDate: dateField(fileName, row, 3, 'EFF_DATE', YYYYMMDD),
      indicator: field(fileName, row, 4, 'INDICATOR', RULES.letter),
      rate: field(fileName, row, 5, 'RATE', RATE),
      line: row.line,
    };
    if (record.indicator === 'L') locallyPriced++;
    const what = `${record.code}${record.modifier === '' ? '' : `-${record.modifier}`}`;
    requireUnique(seen, `${record.code} ${record.modifier}`, what, fileName, row, 2, 'HCPCS');
    records.push(record);
  });
  requireFinalLineBreak(table, fileName);

  const complete = !isPartialFileName(fileName);
  const notes = [
    `CY${year} clinical laboratory fee schedule, quarter ${quarter} version ${version} (from the file name). ` +
      'Each row has its own effective date (EFF_DATE) within the year.',
    'The SHORTDESC, LONGDESC and EXTENDED LONGDESC columns (CPT descriptors, AMA copyright) are not imported.',
  ];
  if (locallyPriced > 0) {
    notes.push(`${locallyPriced} rows have indicator L (priced locally, not nationally).`);
  }
  if (!complete) notes.push(partialFileNote(fileName, records.length));
  notes.push(...blankRowsNote(blankLines));
  return {
    dataset: 'clfs',
    year,
    quarter,
    version,
    label: `CLFS ${year} Q${quarter}V${version}`,
    effective: `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`,
    complete,
    source: sourceInfo(fileName, bytes, records.length, `${year} Q${quarter}V${version}`),
    notes,
    records,
  };
}

/** The title line, when the file has one, must name the same year as the file name. */
function checkTitle(preamble: readonly CsvRow[], file: string, year: number): void {
  for (const row of preamble) {
    const title = TITLE.exec((row.cells[0] ?? '').trim());
    if (title !== null && Number(title[1]) !== year) {
      throw new ImportError(
        { file, line: row.line, column: 1 },
        `the title is for ${title[1]}, but the file name says ${year}`,
      );
    }
  }
}
