/**
 * Importer for the CMS physician fee schedule relative value file (PPRRVU*.csv in the RVUyyX
 * bundle). The file opens with a title, copyright lines and a "RELEASED mm/dd/yyyy" line, then a
 * column header stacked over several lines (lines 6–10 in 2025 and 2026: each column's name is
 * the cells of those lines read top to bottom), then one row per HCPCS code and modifier.
 *
 * Two layouts are known: 31 columns (CY2025) and 32 columns (CY2026, which adds PRIC IND between
 * TEAM SURG and ENDO BASE). The layout is recognised by reading the stacked header, and a header
 * that matches neither is rejected rather than guessed at, because a shifted column would
 * silently price every code with the wrong RVU.
 *
 * The DESCRIPTION column holds the AMA's copyrighted CPT descriptors; it is read past and never
 * kept, not even in error messages.
 */
import type { ImportedDataset, RvuRecord } from './records.js';
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
  releaseMonth,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

/** An imported PPRRVU file. */
export type RvuDataset = ImportedDataset<RvuRecord> & { readonly dataset: 'pfs-rvu' };

/** Columns up to TEAM SURG, the same in both layouts. */
const LEADING_COLUMNS = [
  'HCPCS',
  'MOD',
  'DESCRIPTION',
  'STATUS CODE',
  'NOT USED FOR MEDICARE PAYMENT',
  'WORK RVU',
  'NON-FAC PE RVU',
  'NON-FAC NA INDICATOR',
  'FACILITY PE RVU',
  'FACILITY NA INDICATOR',
  'MP RVU',
  'NON-FACILITY TOTAL',
  'FACILITY TOTAL',
  'PCTC IND',
  'GLOB DAYS',
  'PRE OP',
  'INTRA OP',
  'POST OP',
  'MULT PROC',
  'BILAT SURG',
  'ASST SURG',
  'CO-SURG',
  'TEAM SURG',
] as const;

/** Columns from ENDO BASE on, the same in both layouts. */
const TRAILING_COLUMNS = [
  'ENDO BASE',
  'CONV FACTOR',
  'PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES',
  'CALCULATION FLAG',
  'DIAGNOSTIC IMAGING FAMILY INDICATOR',
  'NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT',
  'FACILITY PE USED FOR OPPS PAYMENT AMOUNT',
  'MP USED FOR OPPS PAYMENT AMOUNT',
] as const;

type ColumnName = (typeof LEADING_COLUMNS)[number] | (typeof TRAILING_COLUMNS)[number] | 'PRIC IND';

interface Layout {
  readonly name: string;
  readonly columns: readonly ColumnName[];
}

/** The known layouts, as the stacked header reads (see {@link stackedHeader}). */
const LAYOUTS: readonly Layout[] = [
  { name: '31-column (CY2025)', columns: [...LEADING_COLUMNS, ...TRAILING_COLUMNS] },
  {
    name: '32-column with PRIC IND (CY2026)',
    columns: [...LEADING_COLUMNS, 'PRIC IND', ...TRAILING_COLUMNS],
  },
];

const TITLE = /^(\d{4}) National Physician Fee Schedule Relative Value File (\w+) Release$/i;
const RELEASED = /^RELEASED \d{2}\/\d{2}\/\d{4}$/i;
/** How far down the header may be; the real files have it on line 10. */
const HEADER_SEARCH_ROWS = 30;
/** The stacked header is at most this many lines (five in the real files). */
const MAX_HEADER_LINES = 8;

const GLOBAL_DAYS: FieldRule = {
  pattern: /^(000|010|090|MMM|XXX|YYY|ZZZ)$/,
  expected: 'a global period (000, 010, 090, MMM, XXX, YYY or ZZZ)',
};
const NA_INDICATOR: FieldRule = { pattern: /^(NA)?$/, expected: 'empty or "NA"' };
const NOT_USED_FLAG: FieldRule = { pattern: /^\+?$/, expected: 'empty or "+"' };
const ENDO_BASE: FieldRule = {
  pattern: /^([A-Z0-9]{5})?$/,
  expected: 'empty or a five-character HCPCS code',
};
const PRICING_INDICATOR: FieldRule = { pattern: /^[0-9A-Z]$/, expected: 'a one-character indicator' };
const TWO_CHAR_INDICATOR: FieldRule = { pattern: /^[0-9A-Z]{2}$/, expected: 'a two-character indicator' };
const TWO_DIGITS: FieldRule = { pattern: /^\d{2}$/, expected: 'a two-digit indicator' };

/**
 * Imports a PPRRVU file from disk.
 *
 * @param path - path of a PPRRVU*.csv file
 * @returns every row of the file, validated
 * @throws ImportError when any part of the file is not as expected
 */
export function importPprrvu(path: string): RvuDataset {
  const { bytes, fileName } = readImportFile(path);
  return parsePprrvu(bytes, fileName);
}

/**
 * Imports a PPRRVU file from its bytes.
 *
 * @param bytes - the file's bytes (UTF-8 or latin-1/cp1252)
 * @param fileName - the file's name; it decides whether the file is an excerpt
 * @returns every row of the file, validated
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parsePprrvu(bytes: Uint8Array, fileName: string): RvuDataset {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;

  const headerIndex = findHeaderRow(rows, fileName);
  const { year, release, releaseIndex } = readPreamble(rows.slice(0, headerIndex), fileName);
  const headerRow = rows[headerIndex] as CsvRow;
  const headerRows = rows.slice(releaseIndex + 1, headerIndex + 1);
  if (headerRows.length > MAX_HEADER_LINES) {
    // The header proper is the few lines between "RELEASED" and "HCPCS,MOD,...". A long block
    // means lines this importer does not know about would be read as column names.
    throw new ImportError(
      { file: fileName, line: headerRows[0]?.line ?? 1, column: 1 },
      `${headerRows.length} lines from the "RELEASED" line to the "HCPCS,MOD,DESCRIPTION" line; ` +
        `the stacked header has at most ${MAX_HEADER_LINES}`,
    );
  }
  const layout = matchLayout(stackedHeader(headerRows), headerRow, fileName);
  const records = readRecords(rows, headerIndex + 1, layout, fileName);
  requireFinalLineBreak(table, fileName);

  const month = releaseMonth(release.month);
  if (month === undefined) throw new Error('unreachable: readPreamble checks the month');
  // The file name is the only place an excerpt says what it is: CMS publishes no excerpts, so a
  // shortened copy (like the 2026 header excerpt in the reference data) is named so by whoever
  // cut it. Such a file must not be mistaken for the whole fee schedule.
  const complete = !/excerpt/i.test(fileName);
  const notes = ['The DESCRIPTION column (CPT descriptors, AMA copyright) is not imported.'];
  if (!complete) {
    notes.push(
      `Excerpt, not the whole file (the file name says "excerpt"): only ${records.length} rows; ` +
        'a code missing here may still be in the official file.',
    );
  }
  if (/non-?QPP/i.test(fileName)) {
    notes.push(
      'The file name says nonQPP: the conversion factor is the one for clinicians who are not qualifying APM participants.',
    );
  }
  return {
    dataset: 'pfs-rvu',
    year,
    label: `RVU${String(year).slice(2)}${month.letter} (${month.month} ${year} release)`,
    effective: `${year}-01-01`,
    complete,
    source: sourceInfo(fileName, bytes, records.length, release.text),
    notes,
    records,
  };
}

/** Finds the last line of the header, the one that starts `HCPCS,MOD,DESCRIPTION`. */
function findHeaderRow(rows: readonly CsvRow[], file: string): number {
  const firstCells = (row: CsvRow) => row.cells.slice(0, 3).map((cell) => cell.trim().toUpperCase());
  return findHeader(
    rows,
    file,
    (row) => {
      const [hcpcs, mod, description] = firstCells(row);
      return hcpcs === 'HCPCS' && mod === 'MOD' && description === 'DESCRIPTION';
    },
    (row) => RULES.hcpcs.pattern.test(firstCells(row)[0] ?? '') && row.cells.length > 20,
    'line that starts "HCPCS,MOD,DESCRIPTION"',
    HEADER_SEARCH_ROWS,
  );
}

interface Preamble {
  readonly year: number;
  readonly release: { readonly month: string; readonly text: string };
  /** Index of the "RELEASED" row; the stacked header starts after it. */
  readonly releaseIndex: number;
}

/** Reads the year and release month from the title and the "RELEASED" line above the header. */
function readPreamble(preamble: readonly CsvRow[], file: string): Preamble {
  let title: RegExpExecArray | undefined;
  let releaseText: string | undefined;
  let releaseIndex = -1;
  preamble.forEach((row, index) => {
    row.cells.forEach((raw, column) => {
      const cell = raw.trim();
      const t = TITLE.exec(cell);
      if (t !== null && title === undefined) {
        title = t;
        if (releaseMonth(t[2] ?? '') === undefined) {
          throw new ImportError(
            { file, line: row.line, column: column + 1 },
            `the title names "${t[2]}" as the release, not January, April, July or October`,
          );
        }
      }
      if (RELEASED.test(cell) && releaseText === undefined) {
        releaseText = cell;
        releaseIndex = index;
      }
    });
  });
  if (title === undefined) {
    throw new ImportError(
      { file, line: 1, column: 1 },
      'no title "<year> National Physician Fee Schedule Relative Value File <month> Release" above the header',
    );
  }
  if (releaseText === undefined) {
    throw new ImportError({ file, line: 1, column: 1 }, 'no "RELEASED mm/dd/yyyy" line above the header');
  }
  return {
    year: Number(title[1]),
    release: { month: title[2] ?? '', text: releaseText },
    releaseIndex,
  };
}

/**
 * Reads the column names of a header stacked over several lines: for each column, the non-blank
 * cells of the header lines top to bottom, joined by spaces ("NOT USED" / "FOR" / "MEDICARE" /
 * "PAYMENT"). "CO-" over "SURG" reads as "CO-SURG".
 */
function stackedHeader(headerRows: readonly CsvRow[]): string[] {
  const last = headerRows[headerRows.length - 1];
  const width = last === undefined ? 0 : last.cells.length;
  const names: string[] = [];
  for (let c = 0; c < width; c++) {
    const parts = headerRows.map((row) => (row.cells[c] ?? '').trim()).filter((part) => part !== '');
    names.push(parts.join(' ').replace(/\s+/g, ' ').replace(/- /g, '-').toUpperCase());
  }
  return names;
}

/**
 * Picks the layout the stacked header spells out, column by column; rejects the file at the first
 * column where no known layout matches.
 */
function matchLayout(names: readonly string[], headerRow: CsvRow, file: string): Layout {
  const rowCount = headerRow.cells.length;
  let best: { layout: Layout; mismatch: number } | undefined;
  for (const layout of LAYOUTS) {
    const width = Math.max(layout.columns.length, names.length);
    let mismatch = 0;
    while (mismatch < width && names[mismatch] === layout.columns[mismatch]) mismatch++;
    if (mismatch === width) return layout;
    if (best === undefined || mismatch > best.mismatch) best = { layout, mismatch };
  }
  if (best === undefined) throw new Error('unreachable: LAYOUTS is not empty');
  const c = best.mismatch;
  const expected = best.layout.columns[c];
  const found = names[c];
  const problem =
    expected === undefined
      ? `the header has ${rowCount} columns; the ${best.layout.name} layout ends after column ${best.layout.columns.length}`
      : found === undefined
        ? `the header has only ${rowCount} columns; the ${best.layout.name} layout has "${expected}" here`
        : `the header reads "${found}" (its lines read top to bottom), expected "${expected}" (${best.layout.name} layout)`;
  throw new ImportError({ file, line: headerRow.line, column: c + 1, columnName: expected }, problem);
}

/** Integer hundredths of a two-decimal string (validated before). */
function cents(value: string): number {
  // Exact: at most six significant digits, and rounding removes the binary fraction error.
  return Math.round(Number(value) * 100);
}

/**
 * Reads the cells of one row by column name. One reader serves every row of a file (no closure
 * per row: this loop runs 19,000 times with 30 cells each).
 */
class RowReader {
  private readonly index: ReadonlyMap<ColumnName, number>;
  row: CsvRow = { line: 0, cells: [] };

  constructor(
    readonly file: string,
    layout: Layout,
  ) {
    this.index = new Map(layout.columns.map((name, i) => [name, i]));
  }

  has(name: ColumnName): boolean {
    return this.index.has(name);
  }

  /** 0-based position of a column (-1 when the layout lacks it). */
  position(name: ColumnName): number {
    return this.index.get(name) ?? -1;
  }

  get(name: ColumnName, rule: FieldRule): string {
    return field(this.file, this.row, this.position(name), name, rule);
  }
}

function readRecords(rows: readonly CsvRow[], start: number, layout: Layout, file: string): RvuRecord[] {
  const reader = new RowReader(file, layout);
  const hasPricingIndicator = reader.has('PRIC IND');
  const records: RvuRecord[] = [];
  const seen = new Map<string, number>();
  // Blank lines are tolerated only at the end: one inside the data would hide a cut or a splice,
  // and CMS never writes one.
  forEachDataRow(rows, start, file, (row) => {
    requireColumnCount(file, row, layout.columns);
    reader.row = row;

    const code = reader.get('HCPCS', RULES.hcpcs);
    const modifier = reader.get('MOD', RULES.modifier);
    const status = reader.get('STATUS CODE', RULES.letter);
    reader.get('NOT USED FOR MEDICARE PAYMENT', NOT_USED_FLAG);
    const workRvu = reader.get('WORK RVU', RULES.twoDecimals);
    const nonFacilityPeRvu = reader.get('NON-FAC PE RVU', RULES.twoDecimals);
    const nonFacilityNa = reader.get('NON-FAC NA INDICATOR', NA_INDICATOR) === 'NA';
    const facilityPeRvu = reader.get('FACILITY PE RVU', RULES.twoDecimals);
    const facilityNa = reader.get('FACILITY NA INDICATOR', NA_INDICATOR) === 'NA';
    const mpRvu = reader.get('MP RVU', RULES.twoDecimals);
    const nonFacilityTotal = reader.get('NON-FACILITY TOTAL', RULES.twoDecimals);
    const facilityTotal = reader.get('FACILITY TOTAL', RULES.twoDecimals);
    // The totals are redundant, which makes them a free checksum on the three RVUs of the row
    // (they add up exactly in every row of the 2025 file).
    checkTotal(reader, 'NON-FACILITY TOTAL', nonFacilityTotal, workRvu, nonFacilityPeRvu, mpRvu);
    checkTotal(reader, 'FACILITY TOTAL', facilityTotal, workRvu, facilityPeRvu, mpRvu);

    const record: RvuRecord = {
      code,
      modifier,
      status,
      workRvu,
      nonFacilityPeRvu,
      nonFacilityNa,
      facilityPeRvu,
      facilityNa,
      mpRvu,
      pctcIndicator: reader.get('PCTC IND', RULES.digit),
      globalDays: reader.get('GLOB DAYS', GLOBAL_DAYS),
      preOp: reader.get('PRE OP', RULES.twoDecimals),
      intraOp: reader.get('INTRA OP', RULES.twoDecimals),
      postOp: reader.get('POST OP', RULES.twoDecimals),
      multipleProcedure: reader.get('MULT PROC', RULES.digit),
      bilateralSurgery: reader.get('BILAT SURG', RULES.digit),
      assistantSurgery: reader.get('ASST SURG', RULES.digit),
      coSurgeons: reader.get('CO-SURG', RULES.digit),
      teamSurgery: reader.get('TEAM SURG', RULES.digit),
      pricingIndicator: hasPricingIndicator ? reader.get('PRIC IND', PRICING_INDICATOR) : '',
      endoscopicBase: reader.get('ENDO BASE', ENDO_BASE),
      conversionFactor: reader.get('CONV FACTOR', RULES.fourDecimals),
      physicianSupervision: reader.get('PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES', TWO_CHAR_INDICATOR),
      calculationFlag: reader.get('CALCULATION FLAG', RULES.digit),
      imagingFamily: reader.get('DIAGNOSTIC IMAGING FAMILY INDICATOR', TWO_DIGITS),
      oppsNonFacilityPe: reader.get('NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT', RULES.twoDecimals),
      oppsFacilityPe: reader.get('FACILITY PE USED FOR OPPS PAYMENT AMOUNT', RULES.twoDecimals),
      oppsMp: reader.get('MP USED FOR OPPS PAYMENT AMOUNT', RULES.twoDecimals),
      line: row.line,
    };

    const key = `${code} ${modifier}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ImportError(
        { file, line: row.line, column: 1, columnName: 'HCPCS' },
        `${code}${modifier === '' ? '' : `-${modifier}`} is already on line ${earlier}`,
      );
    }
    seen.set(key, row.line);
    records.push(record);
  });
  return records;
}

function checkTotal(
  reader: RowReader,
  columnName: ColumnName,
  total: string,
  work: string,
  pe: string,
  mp: string,
): void {
  if (cents(work) + cents(pe) + cents(mp) === cents(total)) return;
  throw new ImportError(
    { file: reader.file, line: reader.row.line, column: reader.position(columnName) + 1, columnName },
    `${JSON.stringify(total)} is not the sum of the work, PE and MP RVUs (${work} + ${pe} + ${mp})`,
  );
}
