/**
 * Records and shared plumbing for the state workers' compensation fee tables (Arizona, Georgia,
 * North Carolina, Alabama, Louisiana; `state-wc/` of the reference data). The state importers
 * (`state-az.ts`, `state-ga.ts`, `state-nc.ts`, `state-al.ts`, `state-la.ts`) turn the files into
 * the data sets below; `state-tables.ts` imports a whole `state-wc/` directory.
 *
 * Amounts are decimal strings in dollars with exactly two decimals. A value printed with fewer
 * decimals is padded ("413" → "413.00", LA "1051.0" → "1051.00"), which loses nothing. A value
 * printed with more decimals (the spreadsheet exports hold the unrounded cell value behind a cell
 * the workbook formats "0.00": AZ Pathology "512.77966785", GA ASC MAR "16262.196933") is rounded
 * half up to cents, as the workbook shows it, and the value as printed is kept in the record's
 * `unrounded` so nothing is lost. Other numbers (RVUs, base units) are kept exactly as printed.
 *
 * Descriptors (the DESCRIPTION columns: CPT descriptors, AMA copyright) are read past and never
 * kept, not even in error messages.
 */
import { formatCents, Money, roundToCents } from '../../lambdas/engine/money.js';
import type { SourceInfo } from './records.js';
import {
  type CsvRow,
  type CsvTable,
  decodeText,
  type FieldRule,
  field,
  forEachDataRow,
  ImportError,
  parseCsv,
  RULES,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
} from './text.js';

/** The states whose tables are imported, in import order. */
export const STATE_TABLE_STATES = ['AZ', 'GA', 'NC', 'AL', 'LA'] as const;

/** One of {@link STATE_TABLE_STATES}. */
export type StateTableState = (typeof STATE_TABLE_STATES)[number];

/**
 * What a row says about payment. Only `priced` rows carry an amount; every other status must be
 * answered as unsupported / by report, never with a guessed amount.
 *
 * - `priced`: at least one amount is stated.
 * - `by-report`: "BR" (AZ, GA; LA rows whose descriptor ends in "BR").
 * - `by-agreement`: NC "UCR or Pay Per Agreement".
 * - `bundled`: AZ "Bundled Code" (no separate payment).
 * - `not-established`: AZ "RNE" (Category III codes without a value).
 * - `see-other`: the amount cell points elsewhere ("See G0480-G0483", GA "See page 60");
 *   the pointer is in `reference`.
 * - `facility-only`: GA Outpatient sheet rows, which state only hospital outpatient and ASC
 *   amounts (in `extra`), no professional MAR.
 * - `no-amount`: the code is listed with empty amount cells (AZ S9122–S9131).
 */
export type StateFeeStatus =
  | 'priced'
  | 'by-report'
  | 'by-agreement'
  | 'bundled'
  | 'not-established'
  | 'see-other'
  | 'facility-only'
  | 'no-amount';

/**
 * Where a row's amounts are.
 *
 * - `setting`: separate non-facility and facility amounts (AZ RBRVS, NC, GA 22510–22515).
 * - `single`: one amount for every setting (GA PROF MAR, AL, LA); it is in both `nonFacility`
 *   and `facility`.
 * - `rural`: a non-rural (GA: urban) and a rural amount, in `extra.nonRuralRate` and
 *   `extra.ruralRate`; `nonFacility` and `facility` are null (AZ HCPCS rows, GA Transportation).
 * - `none`: no professional amount (every status but `priced`).
 */
export type StateRateBasis = 'setting' | 'single' | 'rural' | 'none';

/** Per-state columns kept beside the amounts. Absent when the cell is empty. */
export interface StateFeeExtra {
  /** AZ "FY24 NF RVU" as printed ("2.73", "7.5408774684"); absent when "-" or empty. */
  readonly nonFacilityRvu?: string;
  /** AZ "FY24 FAC RVU" as printed. */
  readonly facilityRvu?: string;
  /** AZ "FY24 Non-rural Rate", GA "URBAN BASE RATE & MILEAGE" (two decimals). */
  readonly nonRuralRate?: string;
  /** AZ "FY24 Rural Rate", GA "RURAL BASE RATE & MILEAGE" (two decimals). */
  readonly ruralRate?: string;
  /** GA FUD (global days): "000", "010", "090" (zero-padded as the workbook shows them), "XXX", ... */
  readonly globalDays?: string;
  /** GA APC, four digits ("5115", "0633" as the workbook shows them). */
  readonly apc?: string;
  /** GA OP MAR: hospital outpatient MAR (two decimals; "0.00" is stated as 0). */
  readonly outpatientMar?: string;
  /** GA SI: OPPS status indicator as printed ("J1", "Q4", "J1+"). */
  readonly statusIndicator?: string;
  /** GA ASC MAR (two decimals). */
  readonly ascMar?: string;
  /** GA PI: ASC payment indicator as printed ("J8", "A2", "*"). */
  readonly paymentIndicator?: string;
}

/** The amount fields of a record, as named in {@link StateFeeRecord.unrounded}. */
export type StateAmountField =
  | 'nonFacility'
  | 'facility'
  | 'nonRuralRate'
  | 'ruralRate'
  | 'outpatientMar'
  | 'ascMar';

/** One row of a state's professional fee table. */
export interface StateFeeRecord {
  readonly state: StateTableState;
  /** Five characters ("99213", "0001U", "G0483", AZ "AZ001", GA "IME01"). */
  readonly code: string;
  /** '' for none, else as printed: '26', 'TC', or another two-character modifier ('RR', 'NU', ...). */
  readonly modifier: string;
  /**
   * Alabama only: the suffix the AL PDF prints after the code ("99213-6", "72148-P", "71271 TC"),
   * as printed. The PDF has no legend for it, and rows of one code with different suffixes can
   * have different amounts (99203-C 143.88, 99203-6 135.54): a lookup that cannot tell the
   * suffixes apart and finds different amounts must not pick one.
   */
  readonly qualifier?: string;
  /** The table's category ("Surgery", "E&M", GA sheet name, NC "NCIC Category Assignment"). */
  readonly category?: string;
  readonly status: StateFeeStatus;
  /** `status === 'by-report'`. */
  readonly byReport: boolean;
  readonly basis: StateRateBasis;
  /** Non-facility MAR (two decimals), or the single MAR; null when none. */
  readonly nonFacility: string | null;
  /** Facility MAR (two decimals), or the single MAR; null when none. */
  readonly facility: string | null;
  /** For `see-other`: what the cell points to ("G0480-G0483", "page 60"). */
  readonly reference?: string;
  readonly extra?: StateFeeExtra;
  /** Values printed with more than two decimals, as printed, by the field they were rounded into. */
  readonly unrounded?: Readonly<Partial<Record<StateAmountField, string>>>;
  /** The file (no directory) the row was read from. */
  readonly file: string;
  /** 1-based physical line in that file. */
  readonly line: number;
}

/** Anesthesia base units (AZ Anesthesia sheet, GA Anesthesia sheet). */
export interface StateAnesthesiaRecord {
  readonly state: StateTableState;
  /** Five digits ("01400"; GA's export drops the leading zeros the workbook shows, they are restored). */
  readonly code: string;
  readonly modifier: string;
  readonly status: 'priced' | 'by-report' | 'see-other';
  /** Base units as printed ("4"); null unless priced. */
  readonly baseUnits: string | null;
  /** AZ only: "RBRVS Rate" = base units × the sheet's conversion factor (two decimals). */
  readonly amount: string | null;
  /** For `see-other`: what the cell points to ("Page 42"). */
  readonly reference?: string;
  readonly file: string;
  readonly line: number;
}

/** An inpatient MS-DRG amount (GA Inpatient Hospital sheet). */
export interface StateDrgRecord {
  readonly state: StateTableState;
  /** Three digits ("001"). */
  readonly drg: string;
  /** `not-applicable`: "NA" (DRG 998, 999). */
  readonly status: 'priced' | 'not-applicable';
  /** Two decimals; null for NA. */
  readonly amount: string | null;
  readonly file: string;
  readonly line: number;
}

/** What every state data set says about itself. */
export interface StateDatasetBase<K extends string, R> {
  readonly dataset: K;
  readonly state: StateTableState;
  /** The year the files state (AZ: 2024 in titles, headers and file name); null when not stated. */
  readonly year: number | null;
  readonly label: string;
  /** First date of service as the files state it; null when they do not (none of them does). */
  readonly effective: string | null;
  /** The release as the files state it (a title line), or null. */
  readonly release: string | null;
  /** False when the data is known to be part of the state's table (LA radiology only, AL extraction gaps). */
  readonly complete: boolean;
  /**
   * One entry per file read. `rows` counts the file's data rows (blank trailing rows aside): each
   * is a record, is counted in `dropped`, or (AZ section sheets) was checked against the main sheet.
   */
  readonly sources: readonly SourceInfo[];
  readonly notes: readonly string[];
  /** Rows changed by a documented cleaning rule, by rule (AL, LA). */
  readonly cleaned: Readonly<Record<string, number>>;
  /** Rows not imported, by reason. Every data row is either a record or counted here. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly records: readonly R[];
}

/** A state's professional fee table. */
export type StateFeeDataset = StateDatasetBase<'state-table', StateFeeRecord> & {
  /** Conversion factors the files state, by category as named there (AZ: Surgery "72.00", ...). */
  readonly conversionFactors: Readonly<Record<string, string>>;
};

/** A state's anesthesia base units. */
export type StateAnesthesiaDataset = StateDatasetBase<'state-anesthesia', StateAnesthesiaRecord> & {
  /** The anesthesia conversion factor the file states (AZ "61.00"), or null. */
  readonly conversionFactor: string | null;
};

/** A state's inpatient MS-DRG amounts. */
export type StateDrgDataset = StateDatasetBase<'state-drg', StateDrgRecord>;

export type AnyStateDataset = StateFeeDataset | StateAnesthesiaDataset | StateDrgDataset;

// ---------------------------------------------------------------------------------------------
// Amounts

/** An amount with exactly two decimals, and the value as printed when it had more. */
export interface Cents {
  readonly amount: string;
  readonly unrounded?: string;
}

const DECIMAL = /^(\d{1,9})(?:\.(\d+))?$/;

/**
 * Normalises a printed dollar amount to two decimals: pads ("413" → "413.00", "1051.0" →
 * "1051.00"), or rounds half up when there are more than two decimals ("512.77966785" →
 * "512.78", with the printed value kept as `unrounded`). Exact: decimal string arithmetic.
 *
 * @param value - the trimmed cell
 * @returns the amount, or undefined when the value is not a plain non-negative decimal
 */
export function toCents(value: string): Cents | undefined {
  const match = DECIMAL.exec(value);
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  // The one rounding function of the project (lambdas/engine/money.ts), on the exact decimal.
  const amount = formatCents(roundToCents(new Money(value)));
  return fraction.length <= 2 ? { amount } : { amount, unrounded: value };
}

/** A non-negative decimal as printed ("2.73", "0", "7.5408774684"). */
export const PRINTED_DECIMAL: FieldRule = { pattern: /^\d{1,9}(\.\d+)?$/, expected: 'a number' };

/** Amount cells as the state files print them: "413", "146.3", "185.64", "1051.0", "512.77966785". */
export const AMOUNT: FieldRule = { pattern: DECIMAL, expected: 'an amount' };

/** A text an amount cell may hold instead of a number, and what it means. */
export interface AmountMarker {
  readonly pattern: RegExp;
  /** How errors name it ("BR", "See ..."). */
  readonly label: string;
  readonly status: Exclude<StateFeeStatus, 'priced' | 'no-amount' | 'facility-only'>;
  /** Index of the capture group holding the reference of a `see-other` marker. */
  readonly referenceGroup?: number;
}

/** What an amount cell holds. */
export type AmountCell =
  | { readonly kind: 'amount'; readonly cents: Cents }
  | { readonly kind: 'empty' }
  | { readonly kind: 'marker'; readonly status: AmountMarker['status']; readonly reference?: string };

/**
 * Reads an amount cell: a number, empty, or one of the markers the state prints instead.
 *
 * @param file - file name for errors
 * @param row - the row
 * @param index - 0-based cell index
 * @param columnName - for errors
 * @param markers - the texts this table may print instead of an amount
 * @returns what the cell holds
 * @throws ImportError naming the cell when it is none of these
 */
export function readAmountCell(
  file: string,
  row: CsvRow,
  index: number,
  columnName: string,
  markers: readonly AmountMarker[],
): AmountCell {
  const value = (row.cells[index] ?? '').trim();
  if (value === '') return { kind: 'empty' };
  const cents = toCents(value);
  if (cents !== undefined) return { kind: 'amount', cents };
  for (const marker of markers) {
    const match = marker.pattern.exec(value);
    if (match === null) continue;
    const reference = marker.referenceGroup === undefined ? undefined : match[marker.referenceGroup]?.trim();
    return reference === undefined
      ? { kind: 'marker', status: marker.status }
      : { kind: 'marker', status: marker.status, reference };
  }
  const allowed = markers.map((m) => `"${m.label}"`).join(', ');
  throw new ImportError(
    { file, line: row.line, column: index + 1, columnName },
    `${JSON.stringify(value)} is not an amount${allowed === '' ? '' : ` or one of ${allowed}`}`,
  );
}

/** "BR": by report. */
export const BY_REPORT: AmountMarker = { pattern: /^BR$/, label: 'BR', status: 'by-report' };
/** "See G0480-G0483", "See page 60", "See Page 17". */
export const SEE_OTHER: AmountMarker = {
  pattern: /^See\s+(.+)$/i,
  label: 'See ...',
  status: 'see-other',
  referenceGroup: 1,
};

/** Two amount cells of a row read together (non-facility and facility, or non-rural and rural). */
export interface CellPair {
  readonly status: Exclude<StateFeeStatus, 'facility-only'>;
  readonly reference?: string;
  readonly first: Cents | null;
  readonly second: Cents | null;
}

/** An amount cell and where it is, for {@link combineCells}. */
export interface PlacedCell {
  readonly cell: AmountCell;
  readonly index: number;
  readonly columnName: string;
}

/**
 * Combines two amount cells of a row (non-facility and facility, or non-rural and rural) into
 * one status. Both cells must say the same kind of thing: two amounts, the same marker, or both
 * empty. A row mixing an amount with a marker is in none of the files and is rejected rather
 * than guessed at.
 *
 * @param file - for errors
 * @param row - the row
 * @param first - the first cell
 * @param second - the second cell
 * @returns the status, the reference of a see-other marker, and the two amounts (null unless priced)
 * @throws ImportError at the second cell when the cells disagree
 */
export function combineCells(file: string, row: CsvRow, first: PlacedCell, second: PlacedCell): CellPair {
  const a = first.cell;
  const b = second.cell;
  if (a.kind === 'amount' && b.kind === 'amount') {
    return { status: 'priced', first: a.cents, second: b.cents };
  }
  const same =
    a.kind === b.kind &&
    (a.kind !== 'marker' || (b.kind === 'marker' && a.status === b.status && a.reference === b.reference));
  if (!same) {
    throw new ImportError(
      { file, line: row.line, column: second.index + 1, columnName: second.columnName },
      `${describeCell(b)} does not go with ${describeCell(a)} in ${first.columnName}`,
    );
  }
  if (a.kind === 'marker') {
    return a.reference === undefined
      ? { status: a.status, first: null, second: null }
      : { status: a.status, reference: a.reference, first: null, second: null };
  }
  return { status: 'no-amount', first: null, second: null };
}

function describeCell(cell: AmountCell): string {
  if (cell.kind === 'amount') return `the amount ${cell.cents.unrounded ?? cell.cents.amount}`;
  if (cell.kind === 'empty') return 'an empty cell';
  return `a ${cell.status} marker`;
}

/** `{ unrounded: {...} }` for the amounts that were rounded, or `{}` when none was. */
export function unroundedOf(amounts: Partial<Record<StateAmountField, Cents | undefined>>): {
  unrounded?: Readonly<Partial<Record<StateAmountField, string>>>;
} {
  const unrounded: Partial<Record<StateAmountField, string>> = {};
  let any = false;
  for (const [name, cents] of Object.entries(amounts) as [StateAmountField, Cents | undefined][]) {
    if (cents?.unrounded !== undefined) {
      unrounded[name] = cents.unrounded;
      any = true;
    }
  }
  return any ? { unrounded } : {};
}

/** The fields of a record that a {@link combineCells} pair decides, apart from the amounts. */
type PairFields = Pick<StateFeeRecord, 'status' | 'byReport' | 'basis' | 'nonFacility' | 'facility'> &
  Partial<Pick<StateFeeRecord, 'reference' | 'extra' | 'unrounded'>>;

/**
 * A record's status and amounts from a non-facility and a facility cell ({@link combineCells}).
 *
 * @param pair - the combined cells, non-facility first
 * @returns status, by-report flag, basis `setting` when priced, the two MARs, reference and unrounded
 */
export function settingPairFields(pair: CellPair): PairFields {
  return {
    ...pairStatus(pair, 'setting'),
    nonFacility: pair.first?.amount ?? null,
    facility: pair.second?.amount ?? null,
    ...unroundedOf({ nonFacility: pair.first ?? undefined, facility: pair.second ?? undefined }),
  };
}

/**
 * A record's status and amounts from a non-rural and a rural cell ({@link combineCells}). Neither
 * is a setting MAR, so both rates go to `extra` and the setting amounts stay null.
 *
 * @param pair - the combined cells, non-rural first
 * @returns status, by-report flag, basis `rural` when priced, the two rates in extra, reference and unrounded
 */
export function ruralPairFields(pair: CellPair): PairFields {
  return {
    ...pairStatus(pair, 'rural'),
    nonFacility: null,
    facility: null,
    ...(pair.first === null || pair.second === null
      ? {}
      : { extra: { nonRuralRate: pair.first.amount, ruralRate: pair.second.amount } }),
    ...unroundedOf({ nonRuralRate: pair.first ?? undefined, ruralRate: pair.second ?? undefined }),
  };
}

function pairStatus(
  pair: CellPair,
  basis: 'setting' | 'rural',
): Pick<StateFeeRecord, 'status' | 'byReport' | 'basis' | 'reference'> {
  return {
    status: pair.status,
    byReport: pair.status === 'by-report',
    basis: pair.status === 'priced' ? basis : 'none',
    ...(pair.reference === undefined ? {} : { reference: pair.reference }),
  };
}

// ---------------------------------------------------------------------------------------------
// Files and rows

/** A file's bytes and name, as {@link readImportFile} returns them. */
export interface NamedBytes {
  readonly bytes: Uint8Array;
  readonly fileName: string;
}

/**
 * Decodes and parses a CSV file, rejecting an empty one.
 *
 * @param bytes - the file's bytes (UTF-8 or cp1252)
 * @param fileName - for errors
 * @returns the parsed table
 */
export function readCsv(bytes: Uint8Array, fileName: string): CsvTable {
  requireNonEmpty(bytes, fileName);
  return parseCsv(decodeText(bytes).text, fileName);
}

/** Upper case, single spaces, trimmed: how header cells are compared ("FY24 \nRural Rate" → "FY24 RURAL RATE"). */
export function headerText(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim().toUpperCase();
}

/**
 * Checks a header row against the expected column names (compared by {@link headerText}; ''
 * means an unnamed column).
 *
 * @param file - for errors
 * @param row - the header row
 * @param expected - the names, in order
 * @throws ImportError at the first column that differs, or when the count differs
 */
export function checkHeaderRow(file: string, row: CsvRow, expected: readonly string[]): void {
  const width = Math.max(expected.length, row.cells.length);
  for (let c = 0; c < width; c++) {
    const want = expected[c];
    const have = row.cells[c];
    if (want === undefined) {
      throw new ImportError(
        { file, line: row.line, column: c + 1 },
        `the header has ${row.cells.length} columns, expected ${expected.length}`,
      );
    }
    if (have === undefined) {
      throw new ImportError(
        { file, line: row.line, column: c + 1, columnName: want },
        `the header has ${row.cells.length} columns, expected ${expected.length} (the header may be cut off)`,
      );
    }
    if (headerText(have) !== want) {
      throw new ImportError(
        { file, line: row.line, column: c + 1, ...(want === '' ? {} : { columnName: want }) },
        want === ''
          ? `header cell ${JSON.stringify(have.trim())} where the layout has an unnamed column`
          : `header cell ${JSON.stringify(headerText(have))} is not the expected ${want} column`,
      );
    }
  }
}

/**
 * The data rows after a header: each non-blank row, checked for the header's column count.
 * Blank rows are allowed only at the end (they are counted); a blank row inside the data is an
 * error, as in every importer. Also rejects a file without data rows and a file cut off in its
 * last line.
 *
 * @param table - the parsed file
 * @param file - for errors
 * @param firstData - index of the first data row in `table.rows`
 * @param columns - the layout's column names (for the count check and errors)
 * @returns the data rows and the lines of trailing blank rows
 */
export function dataRows(
  table: CsvTable,
  file: string,
  firstData: number,
  columns: readonly string[],
): { rows: CsvRow[]; trailingBlankLines: number[] } {
  const rows: CsvRow[] = [];
  const trailingBlankLines = forEachDataRow(table.rows, firstData, file, (row) => {
    requireColumnCount(file, row, columns);
    rows.push(row);
  });
  requireFinalLineBreak(table, file);
  return { rows, trailingBlankLines };
}

/** Adds one to a reason's count. */
export function count(counts: Record<string, number>, reason: string, by = 1): void {
  counts[reason] = (counts[reason] ?? 0) + by;
}

/** "1 row", "3 rows". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "line 5", "lines 5, 9 and 12", "lines 5, 9, ... (40 in all)". */
export function lineList(lines: readonly number[], max = 8): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  if (lines.length <= max) return `lines ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
  return `lines ${lines.slice(0, max).join(', ')}, ... (${lines.length} in all)`;
}

// ---------------------------------------------------------------------------------------------
// The "db_import" layout (AL and LA)

/** Columns of the AL and LA extractions (the source repository's database import layout). */
export const DB_IMPORT_COLUMNS = [
  'PROC_CD',
  'MODIFIER',
  'DESCRIPTION',
  'RATE',
  'RATE_UNIT',
  'IS_BY_REPORT',
  'REGION_TYPE',
  'REGION_VALUE',
] as const;

/** One validated row of a db_import file, before the state's own rules. */
export interface DbImportRow {
  readonly row: CsvRow;
  /** PROC_CD as printed (trimmed); the state importer decides what it is. */
  readonly procCd: string;
  readonly modifier: string;
  /** Whether the descriptor (not kept) ends in "BR" (LA prints "by report" there). */
  readonly descriptorSaysBr: boolean;
  readonly rate: Cents;
  readonly isByReport: boolean;
}

const RATE_UNIT: FieldRule = { pattern: /^1$/, expected: '1 (the only rate unit the importer knows)' };
const BOOLEAN: FieldRule = { pattern: /^(True|False)$/, expected: '"True" or "False"' };
const REGION_TYPE: FieldRule = { pattern: /^state$/, expected: '"state"' };
const PROC_CD: FieldRule = { pattern: /^[0-9A-Z][0-9A-Z -]{3,12}$/, expected: 'a procedure code' };

/**
 * Reads a db_import file (`proc_cd,modifier,description,rate,rate_unit,is_by_report,
 * region_type,region_value`): checks the header and every cell but PROC_CD's meaning, which is
 * the state's business.
 *
 * @param bytes - the file's bytes
 * @param fileName - for errors
 * @param state - the state every row's REGION_VALUE must name
 * @returns the rows and the lines of trailing blank rows
 */
export function readDbImport(
  bytes: Uint8Array,
  fileName: string,
  state: StateTableState,
): { rows: DbImportRow[]; trailingBlankLines: number[] } {
  const table = readCsv(bytes, fileName);
  const header = table.rows[0];
  if (header === undefined) throw new ImportError({ file: fileName, line: 1, column: 1 }, 'no header row');
  if (headerText(header.cells[0] ?? '') !== 'PROC_CD') {
    throw new ImportError(
      { file: fileName, line: header.line, column: 1, columnName: 'PROC_CD' },
      `line 1 is not the header "${DB_IMPORT_COLUMNS.join(',').toLowerCase()}" (it is missing)`,
    );
  }
  checkHeaderRow(fileName, header, DB_IMPORT_COLUMNS);
  const region: FieldRule = { pattern: new RegExp(`^${state}$`), expected: `"${state}"` };
  const { rows, trailingBlankLines } = dataRows(table, fileName, 1, DB_IMPORT_COLUMNS);
  const out = rows.map((row): DbImportRow => {
    const procCd = field(fileName, row, 0, 'PROC_CD', PROC_CD);
    const modifier = field(fileName, row, 1, 'MODIFIER', RULES.modifier);
    const rateText = field(fileName, row, 3, 'RATE', AMOUNT);
    field(fileName, row, 4, 'RATE_UNIT', RATE_UNIT);
    const isByReport = field(fileName, row, 5, 'IS_BY_REPORT', BOOLEAN) === 'True';
    field(fileName, row, 6, 'REGION_TYPE', REGION_TYPE);
    field(fileName, row, 7, 'REGION_VALUE', region);
    return {
      row,
      procCd,
      modifier,
      descriptorSaysBr: /\sBR\s*$/.test(row.cells[2] ?? ''),
      rate: toCents(rateText) as Cents,
      isByReport,
    };
  });
  return { rows: out, trailingBlankLines };
}

/**
 * Drops repeated rows of the db_import files: a row whose key and amounts equal an earlier row's
 * is a duplicate (the later one is dropped); rows with the same key but different amounts cannot
 * be told apart, so all of them are dropped.
 *
 * @param records - the records in file order
 * @param keyOf - what makes two records the same entry
 * @returns the records kept, and the lines dropped as duplicates and as conflicting
 */
export function dropRepeats(
  records: readonly StateFeeRecord[],
  keyOf: (record: StateFeeRecord) => string,
): { kept: StateFeeRecord[]; duplicateLines: number[]; conflictLines: number[] } {
  const first = new Map<string, StateFeeRecord>();
  const conflicting = new Set<string>();
  for (const record of records) {
    const key = keyOf(record);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, record);
    else if (
      earlier.status !== record.status ||
      earlier.nonFacility !== record.nonFacility ||
      earlier.facility !== record.facility
    ) {
      conflicting.add(key);
    }
  }
  const kept: StateFeeRecord[] = [];
  const duplicateLines: number[] = [];
  const conflictLines: number[] = [];
  for (const record of records) {
    const key = keyOf(record);
    if (conflicting.has(key)) conflictLines.push(record.line);
    else if (first.get(key) === record) kept.push(record);
    else duplicateLines.push(record.line);
  }
  return { kept, duplicateLines, conflictLines };
}
