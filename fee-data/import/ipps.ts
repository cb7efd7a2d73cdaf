/**
 * Importers for the CMS IPPS pricer's application data (DSACMS/MedicareClaimsPricerSource,
 * `ipps-pricer/ipps-pricer-application/`; SOURCES.md § 11c and § 11e), in their native layouts:
 *
 * - `drgstable-YYYY.csv`: `diagnosticRelatedGroup,effectiveDate,weight,geometricMeanLengthOfStay,
 *   lowVolumeDrg,arithmeticMeanLengthOfStay,postAcuteCare,specialPaymentPostAcuteCare,description`
 *   (the 26-character DRG title is read past, not kept).
 * - `ratex-YYYY.csv`: `tableNumber,scope,largeUrban,regLabor,regNLabor`, zero-padded dollars.
 * - `cbsa-wage-index-YYYY.csv`: `cbsa,size,effectiveDate,geographicWageIndex,
 *   reclassifiedWageIndex,imputedFloorWageIndex,name`.
 *
 * Each is one edition of a federal fiscal year (October 1 to September 30), `year` being the FY.
 */
import { dayNumber } from '../../lambdas/fee-index/header.js';
import type { ImportedDataset } from './records.js';
import type { IppsDrgRecord, IppsRateRecord, IppsWageIndexRecord } from './records-ipps.js';
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

export type IppsDrgDataset = ImportedDataset<IppsDrgRecord> & { readonly dataset: 'ipps-drg' };
export type IppsRatesDataset = ImportedDataset<IppsRateRecord> & { readonly dataset: 'ipps-rates' };
export type IppsWageIndexDataset = ImportedDataset<IppsWageIndexRecord> & {
  readonly dataset: 'ipps-wage-index';
};

const DRG_COLUMNS = [
  'diagnosticRelatedGroup',
  'effectiveDate',
  'weight',
  'geometricMeanLengthOfStay',
  'lowVolumeDrg',
  'arithmeticMeanLengthOfStay',
  'postAcuteCare',
  'specialPaymentPostAcuteCare',
  'description',
] as const;
const RATE_COLUMNS = ['tableNumber', 'scope', 'largeUrban', 'regLabor', 'regNLabor'] as const;
const WAGE_COLUMNS = [
  'cbsa',
  'size',
  'effectiveDate',
  'geographicWageIndex',
  'reclassifiedWageIndex',
  'imputedFloorWageIndex',
  'name',
] as const;

const DRG: FieldRule = { pattern: /^\d{3}$/, expected: 'a three-digit MS-DRG' };
const YYYYMMDD: FieldRule = { pattern: /^\d{8}$/, expected: 'a date as YYYYMMDD' };
const WEIGHT: FieldRule = { pattern: /^\d{1,3}\.\d{4}$/, expected: 'a relative weight with four decimals' };
const LOS: FieldRule = { pattern: /^\d{1,3}\.\d$/, expected: 'a length of stay with one decimal' };
const FLAG: FieldRule = { pattern: /^Y?$/, expected: 'empty or "Y"' };
const TABLE: FieldRule = { pattern: /^tab([1-9]|10)$/, expected: 'a table number tab1 to tab10' };
const SCOPE: FieldRule = { pattern: /^(nat|pr|natpr)$/, expected: 'nat, pr or natpr' };
const LARGE_URBAN: FieldRule = { pattern: /^[12]$/, expected: '1 or 2' };
const PADDED_DOLLARS: FieldRule = {
  pattern: /^\d{1,7}(\.\d{2})?$/,
  expected: 'a zero-padded dollar amount ("04456.72", "0000000")',
};
const AREA: FieldRule = { pattern: /^(\d{2}|\d{5})$/, expected: 'a five-digit CBSA or two-digit state code' };
const WAGE_INDEX: FieldRule = { pattern: /^\d\.\d{4}$/, expected: 'a wage index with four decimals' };
const EMPTY: FieldRule = { pattern: /^$/, expected: 'empty' };

/** FY of a file name ("drgstable-2026…" → 2026). */
function fiscalYearOfName(fileName: string, prefix: string): number {
  const match = new RegExp(`^${prefix}-(\\d{4})`).exec(fileName);
  if (!match) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      `the file name does not start with ${prefix}-YYYY (the fiscal year the pricer files are named by)`,
    );
  }
  return Number(match[1]);
}

/** Reads a pricer CSV: checks its header and returns its data rows. */
function readTable(path: string, columns: readonly string[]) {
  const { bytes, fileName } = readImportFile(path);
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  requireFinalLineBreak(table, fileName);
  const header = table.rows[0] as CsvRow;
  if (header.cells.join(',') !== columns.join(',')) {
    throw new ImportError(
      { file: fileName, line: header.line, column: 1 },
      `the header is not ${columns.join(',')}`,
    );
  }
  const rows: CsvRow[] = [];
  forEachDataRow(table.rows, 1, fileName, (row) => {
    requireColumnCount(fileName, row, columns);
    rows.push(row);
  });
  return { bytes, fileName, rows };
}

function isoOf(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** The one effective date all rows of a pricer file carry; the fiscal year starts on it. */
function commonEffective(fileName: string, rows: readonly CsvRow[], column: number, name: string): string {
  const dates = new Set(rows.map((r) => field(fileName, r, column, name, YYYYMMDD)));
  if (dates.size !== 1) {
    throw new ImportError(
      { file: fileName, line: (rows[0] as CsvRow).line, column: column + 1, columnName: name },
      `rows carry ${dates.size} effective dates (${[...dates].join(', ')}); one fiscal year a file is expected`,
    );
  }
  const iso = isoOf([...dates][0] as string);
  if (Number.isNaN(dayNumber(iso))) {
    throw new ImportError({ file: fileName, line: 2, column: column + 1 }, `${iso} is not a date`);
  }
  return iso;
}

/**
 * Imports the pricer's MS-DRG table of one fiscal year.
 *
 * @param path - `drgstable-YYYY…csv`
 * @returns one record per MS-DRG
 * @throws ImportError naming the line and column of anything not as expected
 */
export function importIppsDrgTable(path: string): IppsDrgDataset {
  const { bytes, fileName, rows } = readTable(path, DRG_COLUMNS);
  const fy = fiscalYearOfName(fileName, 'drgstable');
  const effective = commonEffective(fileName, rows, 1, 'effectiveDate');
  const seen = new Map<string, number>();
  const records = rows.map((row): IppsDrgRecord => {
    const drg = field(fileName, row, 0, 'diagnosticRelatedGroup', DRG);
    const earlier = seen.get(drg);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'diagnosticRelatedGroup' },
        `MS-DRG ${drg} is already on line ${earlier}`,
      );
    }
    seen.set(drg, row.line);
    return {
      drg,
      weight: field(fileName, row, 2, 'weight', WEIGHT),
      gmlos: field(fileName, row, 3, 'geometricMeanLengthOfStay', LOS),
      lowVolume: field(fileName, row, 4, 'lowVolumeDrg', FLAG),
      amlos: field(fileName, row, 5, 'arithmeticMeanLengthOfStay', LOS),
      postAcute: field(fileName, row, 6, 'postAcuteCare', FLAG),
      specialPay: field(fileName, row, 7, 'specialPaymentPostAcuteCare', FLAG),
      line: row.line,
    };
  });
  return {
    dataset: 'ipps-drg',
    year: fy,
    label: `FY${fy} IPPS MS-DRG relative weights (CMS IPPS pricer ${fileName})`,
    effective,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      `MS-DRG relative weights, geometric and arithmetic mean lengths of stay and post-acute transfer flags for discharges of FY${fy} (from ${effective}), from CMS's IPPS pricer application data (DSACMS/MedicareClaimsPricerSource).`,
      'DRG titles (the 26-character description column) are not imported.',
    ],
    records,
    editionId: `ipps-drg/FY${fy}`,
  };
}

/**
 * Imports a pricer standardized amount table. Its fiscal year is the caller's: the file name's year
 * is the pricer's label, which for `ratex-2027` is not the year of its amounts (see
 * {@link importIppsData}).
 *
 * @param path - `ratex-YYYY…csv`
 * @param fy - the fiscal year the amounts are for
 * @param notes - what to say about the dating
 * @returns one record per table + scope + large urban row
 */
export function importIppsRates(path: string, fy: number, notes: readonly string[]): IppsRatesDataset {
  const { bytes, fileName, rows } = readTable(path, RATE_COLUMNS);
  const dollars = (row: CsvRow, i: number, name: string) => {
    const text = field(fileName, row, i, name, PADDED_DOLLARS);
    // "04456.72" → "4456.72"; "0000000" → "0".
    return text.replace(/^0+(?=\d)/, '');
  };
  const records = rows.map(
    (row): IppsRateRecord => ({
      table: field(fileName, row, 0, 'tableNumber', TABLE).slice(3),
      scope: field(fileName, row, 1, 'scope', SCOPE),
      largeUrban: field(fileName, row, 2, 'largeUrban', LARGE_URBAN),
      labor: dollars(row, 3, 'regLabor'),
      nonLabor: dollars(row, 4, 'regNLabor'),
      line: row.line,
    }),
  );
  return {
    dataset: 'ipps-rates',
    year: fy,
    label: `FY${fy} IPPS operating standardized amounts (CMS IPPS pricer ${fileName})`,
    effective: `${fy - 1}-10-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      'Labor-related and non-labor-related shares of the national operating standardized amount; tab1–tab10 follow the final rule’s Tables 1A–1D (tab1: full update, wage index > 1; tab3: full update, wage index ≤ 1, 62% labor share under § 1886(d)(3)(E) of the Act; the others are the reduced updates for hospitals without quality data or meaningful EHR use). Puerto Rico rows are zero.',
      ...notes,
    ],
    records,
    editionId: `ipps-rates/FY${fy}`,
  };
}

/**
 * Imports a pricer wage index table of one fiscal year.
 *
 * @param path - `cbsa-wage-index-YYYY.csv`
 * @returns one record per area
 */
export function importIppsWageIndex(path: string): IppsWageIndexDataset {
  const { bytes, fileName, rows } = readTable(path, WAGE_COLUMNS);
  const fy = fiscalYearOfName(fileName, 'cbsa-wage-index');
  const effective = commonEffective(fileName, rows, 2, 'effectiveDate');
  const records = rows.map((row): IppsWageIndexRecord => {
    field(fileName, row, 1, 'size', EMPTY);
    return {
      area: field(fileName, row, 0, 'cbsa', AREA),
      geographic: field(fileName, row, 3, 'geographicWageIndex', WAGE_INDEX),
      reclassified: field(fileName, row, 4, 'reclassifiedWageIndex', WAGE_INDEX),
      imputedFloor: field(fileName, row, 5, 'imputedFloorWageIndex', WAGE_INDEX),
      name: field(fileName, row, 6, 'name', { pattern: /\S/, expected: 'an area name' }),
      line: row.line,
    };
  });
  return {
    dataset: 'ipps-wage-index',
    year: fy,
    label: `FY${fy} IPPS wage index by CBSA (CMS IPPS pricer ${fileName})`,
    effective,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      'Geographic, reclassified and imputed-floor wage index by CBSA (five digits) and state rural area (two digits), before the rural floor (section 4410 of the Balanced Budget Act of 1997), which the engine applies.',
      'Names keep the "?" the stored copy has in place of non-ASCII letters (SOURCES.md § 11e).',
    ],
    records,
    editionId: `ipps-wage-index/FY${fy}`,
  };
}
