/**
 * Importers for CMS's quarterly ASC addenda as published with the OPPS/ASC rule updates
 * (`ASC_Addendum_AA_2026Q1_Jan.csv` and its BB, EE and FF siblings):
 *
 * - a title row ("Addendum AA -- ASC Covered Surgical Procedures for CY 2026 …", in AA, BB and FF a
 *   quoted cell with an embedded line break), the AMA copyright row (cp1252 bytes), an empty row,
 *   then the header on physical line 4 (line 5 when the title spans two lines);
 * - an unnamed second column (CMS's asterisks) and a Short Descriptor (CPT descriptors: read past,
 *   never kept);
 * - money cells such as `"$1,644.87 "` (dollar sign, thousands separator, trailing space), weights
 *   printed with three or four decimals, percentages as "47.28%";
 * - after the data, blank rows and NOTE rows.
 *
 * The quarter comes from the header of AA, BB and FF ("January 2026 Payment Indicator"); EE's
 * header has none, so its quarter comes from the file name (`…_2025Q4_Oct.csv`). Either way the
 * title's calendar year must agree. Payment indicators are upper-cased (the January 2026 BB prints
 * one "k5"), and each such row is named in the data set's notes.
 */
import type { AscDataset, AscDeviceRecord, AscExcludedRecord, AscRateRecord } from './records-asc.js';
import { blankRowsNote } from './records-national.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  ImportError,
  isBlankRow,
  parseCsv,
  RULES,
  readImportFile,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

/** The four addenda and their layouts (after the header, in order). */
const LAYOUTS = {
  AA: [
    'HCPCS Code',
    '',
    'Short Descriptor',
    'Subject to Multiple Procedure Discounting',
    'Payment Indicator',
    'Payment Weight',
    'Payment Rate',
  ],
  BB: [
    'HCPCS Code',
    '',
    'Short Descriptor',
    'Drug and Device Pass-Through Expiration during Calendar Year',
    'Payment Indicator',
    'Payment Weight',
    'Payment Rate',
    'IRA-22 Adjusted Copayment1',
  ],
  EE: ['HCPCS Code', 'Short Descriptor'],
  FF: [
    'HCPCS Code',
    '',
    'Short Descriptor',
    'Payment Indicator',
    'APC',
    'APC Device Offset Percentage',
    'OPPS Payment Rate',
    'Device Offset Percentage',
    'Device Offset Amount / Device Portion',
  ],
} as const;

/** Which addendum. */
export type AscAddendum = keyof typeof LAYOUTS;

const DATASET_OF = { AA: 'asc-aa', BB: 'asc-bb', EE: 'asc-ee', FF: 'asc-ff' } as const;

const MONTHS: Readonly<Record<string, string>> = { January: '01', April: '04', July: '07', October: '10' };
const MONTH_OF_QUARTER = ['', 'January', 'April', 'July', 'October'] as const;

/** "$1,644.87", "$0.30" (trimmed): dollars with cents. */
const DOLLARS: FieldRule = {
  pattern: /^(\$\d{1,3}(,\d{3})*\.\d{2})?$/,
  expected: 'empty or a dollar amount such as "$1,644.87"',
};
/** "28.767", "166.7760". */
const WEIGHT: FieldRule = { pattern: /^(\d{1,4}\.\d{1,4})?$/, expected: 'empty or a payment weight' };
const PERCENT: FieldRule = {
  pattern: /^(\d{1,3}\.\d{2}%)?$/,
  expected: 'empty or a percentage such as "47.28%"',
};
const INDICATOR: FieldRule = {
  pattern: /^[A-Za-z]\d$/,
  expected: 'a payment indicator (a letter and a digit)',
};
const MPD: FieldRule = { pattern: /^[YN]$/, expected: 'Y or N' };
const MARKER: FieldRule = { pattern: /^\**$/, expected: 'empty or asterisks' };
const APC: FieldRule = { pattern: /^(\d{4,5})?$/, expected: 'empty or an APC number' };

/** Collapses runs of spaces and trims, so "January 2026  Payment Weight  " reads as written. */
function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function dollars(file: string, row: CsvRow, index: number, name: string): string {
  return field(file, row, index, name, DOLLARS).replace(/[$,]/g, '');
}

/** The quarter's month and year from a header cell such as "January 2026 Payment Indicator". */
function quarterFromHeader(cell: string): { month: string; year: number } | undefined {
  const m = /^(January|April|July|October) (\d{4}) /.exec(tidy(cell));
  return m ? { month: m[1] as string, year: Number(m[2]) } : undefined;
}

/**
 * Imports one ASC addendum from disk.
 *
 * @param path - the file (cp1252 or UTF-8, CRLF or LF)
 * @param addendum - which addendum the file must be (its title row must say so)
 * @returns the data set, dated from its quarter's first day
 * @throws ImportError naming the file, line and column of anything unexpected
 */
export function importAscAddendum(path: string, addendum: AscAddendum): AscDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseAscAddendum(bytes, fileName, addendum);
}

/**
 * Parses one ASC addendum's bytes (see {@link importAscAddendum}).
 *
 * @param bytes - the file's bytes
 * @param fileName - its name, for errors and (EE) the quarter
 * @param addendum - AA, BB, EE or FF
 * @returns the data set
 */
export function parseAscAddendum(bytes: Uint8Array, fileName: string, addendum: AscAddendum): AscDataset {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  requireFinalLineBreak(table, fileName);
  const rows = table.rows;
  const title = tidy(rows[0]?.cells[0] ?? '');
  const titleMatch = /^Addendum ([A-Z]{2}) -- .* for CY (\d{4})\b/.exec(title);
  if (!titleMatch || titleMatch[1] !== addendum) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      `the title row is not "Addendum ${addendum} -- … for CY <year>"`,
    );
  }
  const titleYear = Number(titleMatch[2]);
  const headerAt = rows.findIndex((r, i) => i < 10 && tidy(r.cells[0] ?? '') === 'HCPCS Code');
  const header = rows[headerAt];
  if (headerAt < 0 || !header) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'no header "HCPCS Code, …" in the first 10 rows',
    );
  }
  const layout: readonly string[] = LAYOUTS[addendum];
  requireColumnCount(fileName, header, layout);
  let quarter: { month: string; year: number } | undefined;
  layout.forEach((name, i) => {
    const cell = tidy(header.cells[i] ?? '');
    const q = quarterFromHeader(cell);
    if (q) quarter ??= q;
    const bare = q ? cell.slice(`${q.month} ${q.year} `.length) : cell;
    if (bare !== name) {
      throw new ImportError(
        { file: fileName, line: header.line, column: i + 1 },
        `header ${JSON.stringify(cell)} is not ${JSON.stringify(name)} (with the quarter before it where CMS puts one)`,
      );
    }
  });
  if (!quarter) {
    const m = /(\d{4})Q([1-4])/i.exec(fileName);
    if (!m) {
      throw new ImportError(
        { file: fileName, line: header.line, column: 1 },
        'the header names no quarter and the file name has no "<year>Q<n>"',
      );
    }
    quarter = { month: MONTH_OF_QUARTER[Number(m[2])] as string, year: Number(m[1]) };
  }
  if (quarter.year !== titleYear) {
    throw new ImportError(
      { file: fileName, line: header.line, column: 5 },
      `the quarter is of ${quarter.year} but the title says CY ${titleYear}`,
    );
  }

  const notes: string[] = [];
  const lowerCase: number[] = [];
  const seen = new Map<string, number>();
  const repeated: string[] = [];
  const records: (AscRateRecord | AscExcludedRecord | AscDeviceRecord)[] = [];
  const trailing: number[] = [];
  let dataEnded = false;
  for (const row of rows.slice(headerAt + 1)) {
    if (isBlankRow(row)) {
      dataEnded = true;
      trailing.push(row.line);
      continue;
    }
    if (dataEnded) {
      // After the data CMS prints only NOTE rows between blank rows; anything else would be data
      // hiding behind a blank row (a splice or a cut), which is refused.
      if (/^NOTE \d+:/.test((row.cells[0] ?? '').trim())) continue;
      throw new ImportError(
        { file: fileName, line: row.line, column: 1 },
        'a row after the blank rows that end the data is not a NOTE row',
      );
    }
    requireColumnCount(fileName, row, layout);
    const code = field(fileName, row, 0, 'HCPCS Code', RULES.hcpcs);
    const record = ascRecord(fileName, row, addendum, code, lowerCase);
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      // The January 2026 BB lists 90684 twice with the same cells: a repeat that says the same
      // thing is dropped and named in the notes; one that says something else is an error.
      const first = records[earlier] as typeof record;
      if (JSON.stringify({ ...record, line: 0 }) !== JSON.stringify({ ...first, line: 0 })) {
        throw new ImportError(
          { file: fileName, line: row.line, column: 1, columnName: 'HCPCS Code' },
          `${code} is already on line ${first.line} with other values`,
        );
      }
      repeated.push(`${code} on line ${row.line} repeats line ${first.line}`);
      continue;
    }
    seen.set(code, records.length);
    records.push(record);
  }
  if (records.length === 0) {
    throw new ImportError(
      { file: fileName, line: header.line + 1, column: 1 },
      'no data rows after the header',
    );
  }
  if (repeated.length > 0) {
    notes.push(`Rows repeated with the same values, kept once: ${repeated.join('; ')}.`);
  }
  if (lowerCase.length > 0) {
    notes.push(
      `Payment indicator printed in lower case on line${lowerCase.length > 1 ? 's' : ''} ${lowerCase.join(', ')}; read upper-cased.`,
    );
  }
  const lastData = records[records.length - 1]?.line ?? 0;
  notes.push(
    ...blankRowsNote(trailing.filter((l) => l > lastData)).map((n) =>
      n.replace('skipped.', 'skipped, with the NOTE rows between them.'),
    ),
  );
  const month = MONTHS[quarter.month] as string;
  return {
    dataset: DATASET_OF[addendum],
    year: quarter.year,
    label: `ASC Addendum ${addendum} (${quarter.month} ${quarter.year})`,
    effective: `${quarter.year}-${month}-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length, `${quarter.month} ${quarter.year}`),
    notes,
    records,
  } as AscDataset;
}

/** Reads one data row of an addendum into its record. */
function ascRecord(
  fileName: string,
  row: CsvRow,
  addendum: AscAddendum,
  code: string,
  lowerCase: number[],
): AscRateRecord | AscExcludedRecord | AscDeviceRecord {
  if (addendum === 'EE') return { code, line: row.line };
  const indicatorAt = addendum === 'FF' ? 3 : 4;
  const printed = field(fileName, row, indicatorAt, 'Payment Indicator', INDICATOR);
  const indicator = printed.toUpperCase();
  if (indicator !== printed) lowerCase.push(row.line);
  if (addendum === 'FF') {
    return {
      code,
      indicator,
      apc: field(fileName, row, 4, 'APC', APC),
      apcOffsetPercent: field(fileName, row, 5, 'APC Device Offset Percentage', PERCENT).replace('%', ''),
      oppsRate: dollars(fileName, row, 6, 'OPPS Payment Rate'),
      offsetPercent: field(fileName, row, 7, 'Device Offset Percentage', PERCENT).replace('%', ''),
      devicePortion: dollars(fileName, row, 8, 'Device Offset Amount / Device Portion'),
      line: row.line,
    };
  }
  return {
    code,
    marker: field(fileName, row, 1, '', MARKER),
    multipleProcedure:
      addendum === 'AA' ? field(fileName, row, 3, 'Subject to Multiple Procedure Discounting', MPD) : '',
    indicator,
    weight: field(fileName, row, 5, 'Payment Weight', WEIGHT),
    rate: dollars(fileName, row, 6, 'Payment Rate'),
    line: row.line,
  };
}
