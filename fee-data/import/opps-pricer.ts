/**
 * Importers for CMS's OPPS pricer application tables (DSACMS/MedicareClaimsPricerSource,
 * `opps-pricer-application/`; SOURCES.md § 11e), each in its native CSV layout:
 *
 * - `apc-rate-YYYY.csv`: `apc,statusIndicator,effectiveDate,paymentRate,nationalCoinsurance,minimumCoinsurance`
 * - `cbsa-wage-index-YYYY.csv`: `cbsa,effectiveDate,geographicWageIndex,reclassifiedWageIndex,imputedFloorWageIndex,name`
 * - `outmigration-adjustment-YYYY.csv`: `county,adjustmentFactor,effectiveDate`
 *
 * Values are zero-padded text ("000128.87") and kept as printed. The year is in the file name and
 * every row's effective date must fall in it.
 */
import { blankRowsNote, dateField, requireUnique, YYYYMMDD } from './records-national.js';
import type {
  OppsApcRateRecord,
  OppsImportedDataset,
  OppsOutMigrationRecord,
  OppsWageIndexRecord,
} from './records-opps.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  forEachDataRow,
  ImportError,
  parseCsv,
  readImportFile,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

const APC_COLUMNS = [
  'apc',
  'statusIndicator',
  'effectiveDate',
  'paymentRate',
  'nationalCoinsurance',
  'minimumCoinsurance',
] as const;
const WAGE_COLUMNS = [
  'cbsa',
  'effectiveDate',
  'geographicWageIndex',
  'reclassifiedWageIndex',
  'imputedFloorWageIndex',
  'name',
] as const;
const OUT_MIGRATION_COLUMNS = ['county', 'adjustmentFactor', 'effectiveDate'] as const;

const APC: FieldRule = { pattern: /^\d{5}$/, expected: 'a five-digit APC' };
const SI: FieldRule = { pattern: /^[A-Z][0-9]?$/, expected: 'a status indicator' };
const AMOUNT: FieldRule = { pattern: /^\d{1,9}\.\d{2}$/, expected: 'an amount with two decimals' };
const INDEX: FieldRule = { pattern: /^\d\.\d{4}$/, expected: 'a wage index with four decimals' };
const CBSA: FieldRule = {
  pattern: /^(\d{2}|\d{5})$/,
  expected: 'a five-digit CBSA or a two-digit state code',
};
const COUNTY: FieldRule = { pattern: /^\d{5}$/, expected: 'a five-digit SSA state and county code' };
const NAME: FieldRule = { pattern: /\S/, expected: 'an area name' };

function yearOf(fileName: string, pattern: RegExp, example: string): number {
  const match = pattern.exec(fileName);
  if (match === null) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      `the file name must give the year, like ${example}`,
    );
  }
  return Number(match[1]);
}

/** Parses the header row (line 1) and visits the data rows. */
function readTable(
  bytes: Uint8Array,
  fileName: string,
  columns: readonly string[],
  visit: (row: CsvRow) => void,
): number[] {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const header = table.rows[0] as CsvRow;
  requireColumnCount(fileName, header, columns);
  columns.forEach((name, c) => {
    if ((header.cells[c] ?? '').trim() !== name) {
      throw new ImportError(
        { file: fileName, line: header.line, column: c + 1, columnName: name },
        `header cell ${JSON.stringify(header.cells[c] ?? '')} is not the expected ${name} column`,
      );
    }
  });
  const blank = forEachDataRow(table.rows, 1, fileName, (row) => {
    requireColumnCount(fileName, row, columns);
    visit(row);
  });
  requireFinalLineBreak(table, fileName);
  return blank;
}

function requireYear(fileName: string, row: CsvRow, column: number, date: string, year: number): void {
  if (Number(date.slice(0, 4)) !== year) {
    throw new ImportError(
      { file: fileName, line: row.line, column: column + 1, columnName: 'effectiveDate' },
      `the row takes effect on ${date}, outside ${year} named by the file`,
    );
  }
}

/**
 * Parses a CMS OPPS pricer APC rate table (`apc-rate-2025.csv`).
 *
 * @param bytes - the file's bytes
 * @param fileName - its name (gives the year)
 * @returns one record per APC and effective date
 * @throws ImportError naming file, line and column
 */
export function parseOppsApcRate(bytes: Uint8Array, fileName: string): OppsImportedDataset {
  const year = yearOf(fileName, /apc-rate-(\d{4})/i, 'apc-rate-2025.csv');
  const records: OppsApcRateRecord[] = [];
  const seen = new Map<string, number>();
  const later = new Set<string>();
  const blank = readTable(bytes, fileName, APC_COLUMNS, (row) => {
    const record: OppsApcRateRecord = {
      apc: field(fileName, row, 0, 'apc', APC),
      si: field(fileName, row, 1, 'statusIndicator', SI),
      effectiveDate: dateField(fileName, row, 2, 'effectiveDate', YYYYMMDD),
      rate: field(fileName, row, 3, 'paymentRate', AMOUNT),
      line: row.line,
    };
    field(fileName, row, 4, 'nationalCoinsurance', AMOUNT);
    field(fileName, row, 5, 'minimumCoinsurance', AMOUNT);
    requireYear(fileName, row, 2, record.effectiveDate, year);
    requireUnique(
      seen,
      `${record.apc} ${record.effectiveDate}`,
      `APC ${record.apc}`,
      fileName,
      row,
      1,
      'apc',
    );
    if (!record.effectiveDate.endsWith('-01-01')) later.add(`${record.apc} from ${record.effectiveDate}`);
    records.push(record);
  });
  return {
    dataset: 'opps-apc-rate',
    year,
    label: `OPPS APC rates CY${year} (CMS pricer)`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      `CMS OPPS pricer APC table for CY${year}: APC → status indicator and national unadjusted payment rate, each row with its own effective date inside the year.`,
      ...(later.size > 0 ? [`Rows that take effect after January 1: ${[...later].join(', ')}.`] : []),
      ...blankRowsNote(blank),
    ],
    records,
  };
}

/**
 * Parses a CMS OPPS pricer wage index table (`cbsa-wage-index-2025.csv`).
 *
 * @param bytes - the file's bytes
 * @param fileName - its name (gives the year)
 * @returns one record per area
 * @throws ImportError naming file, line and column
 */
export function parseOppsWageIndex(bytes: Uint8Array, fileName: string): OppsImportedDataset {
  const year = yearOf(fileName, /cbsa-wage-index-(\d{4})/i, 'cbsa-wage-index-2025.csv');
  const records: OppsWageIndexRecord[] = [];
  const seen = new Map<string, number>();
  const blank = readTable(bytes, fileName, WAGE_COLUMNS, (row) => {
    const cbsa = field(fileName, row, 0, 'cbsa', CBSA);
    requireYear(fileName, row, 1, dateField(fileName, row, 1, 'effectiveDate', YYYYMMDD), year);
    requireUnique(seen, cbsa, `CBSA ${cbsa}`, fileName, row, 1, 'cbsa');
    records.push({
      cbsa,
      geographic: field(fileName, row, 2, 'geographicWageIndex', INDEX),
      reclassified: field(fileName, row, 3, 'reclassifiedWageIndex', INDEX),
      imputedFloor: field(fileName, row, 4, 'imputedFloorWageIndex', INDEX),
      name: field(fileName, row, 5, 'name', NAME),
      line: row.line,
    });
  });
  return {
    dataset: 'opps-wage-index',
    year,
    label: `OPPS wage index CY${year} (CMS pricer)`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      `CMS OPPS pricer wage index table for CY${year}: by CBSA (five digits) and state rural area (two digits), the geographic, reclassified and imputed-floor values. ` +
        'The values are before the rural floor (many urban areas are below their state rural value) and before the out-migration adjustment; the engine applies those rules and names them on each line.',
      'Names print "?" in place of non-ASCII letters, as the stored source text did (SOURCES.md § 11e).',
      ...blankRowsNote(blank),
    ],
    records,
  };
}

/**
 * Parses a CMS OPPS pricer out-migration table (`outmigration-adjustment-2026.csv`).
 *
 * @param bytes - the file's bytes
 * @param fileName - its name (gives the year)
 * @returns one record per county
 * @throws ImportError naming file, line and column
 */
export function parseOppsOutMigration(bytes: Uint8Array, fileName: string): OppsImportedDataset {
  const year = yearOf(fileName, /outmigration-adjustment-(\d{4})/i, 'outmigration-adjustment-2026.csv');
  const records: OppsOutMigrationRecord[] = [];
  const seen = new Map<string, number>();
  const blank = readTable(bytes, fileName, OUT_MIGRATION_COLUMNS, (row) => {
    const county = field(fileName, row, 0, 'county', COUNTY);
    requireYear(fileName, row, 2, dateField(fileName, row, 2, 'effectiveDate', YYYYMMDD), year);
    requireUnique(seen, county, `county ${county}`, fileName, row, 1, 'county');
    records.push({ county, factor: field(fileName, row, 1, 'adjustmentFactor', INDEX), line: row.line });
  });
  return {
    dataset: 'opps-out-migration',
    year,
    label: `OPPS out-migration adjustment CY${year} (CMS pricer)`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      `CMS OPPS pricer out-migration adjustment for CY${year} by SSA state and county code; added to the wage index of a hospital in the county that is not reclassified (Social Security Act § 1886(d)(13)).`,
      ...blankRowsNote(blank),
    ],
    records,
  };
}

/** Imports a CMS OPPS pricer table from disk by its file name. */
export function importOppsPricerFile(path: string): OppsImportedDataset {
  const { bytes, fileName } = readImportFile(path);
  if (/^apc-rate-/i.test(fileName)) return parseOppsApcRate(bytes, fileName);
  if (/^cbsa-wage-index-/i.test(fileName)) return parseOppsWageIndex(bytes, fileName);
  if (/^outmigration-adjustment-/i.test(fileName)) return parseOppsOutMigration(bytes, fileName);
  throw new ImportError(
    { file: fileName, line: 1, column: 1 },
    'not an OPPS pricer table this importer knows',
  );
}
