/**
 * Importer for the Georgia State Board of Workers' Compensation medical fee schedule, as CSV files
 * derived one per sheet from the workbook (`state-wc/GA/csv/`). The files do not state the year.
 *
 * - Professional sheets (Evaluation_and_Management, Surgery, Radiology, Pathology___Laboratory,
 *   General_Medicine, Physical_Medicine, Home_Health_Services): unnamed symbol columns, then
 *   `CODE,MOD,DESCRIPTION,PROF MAR,FUD,APC,OP MAR,SI,ASC MAR,PI` (Home Health: up to FUD), some
 *   with one more unnamed column. PROF MAR is one MAR for every setting ("BR": by report); the
 *   hospital outpatient and ASC columns are kept in `extra`.
 * - `22510_22515_NonFacvsFac.csv`: non-facility and facility MARs for the six codes whose Surgery
 *   rows say "See page 60"; they replace those rows' amounts.
 * - `Outpatient.csv` (`CODE,DESCRIPTION,APC,OP MAR,SI,ASC MAR,PI`): codes with facility amounts
 *   only, imported with status `facility-only`.
 * - `Transportation.csv`: urban and rural ambulance rates, imported with basis `rural`.
 * - `Inpatient_Hospital.csv` (`MS-DRG,DESCRIPTION,FEE`): a separate MS-DRG data set.
 * - `Anesthesia.csv` (`CODE,MOD,DESRIPTION,BASE UNIT`): a separate base-unit data set.
 *
 * The export lost the zero padding the workbook shows (its cells are formatted "00000", "000",
 * "0000"): anesthesia codes ("100" → "00100"), FUD ("90" → "090"), APC and MS-DRG numbers are
 * padded back. Descriptors and the symbol columns (CPT book glyphs in a symbol font) are not kept.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceInfo } from './records.js';
import {
  type AmountCell,
  type AmountMarker,
  BY_REPORT,
  type Cents,
  combineCells,
  count,
  dataRows,
  headerText,
  lineList,
  type NamedBytes,
  PRINTED_DECIMAL,
  plural,
  readAmountCell,
  readCsv,
  ruralPairFields,
  SEE_OTHER,
  type StateAnesthesiaDataset,
  type StateAnesthesiaRecord,
  type StateDrgDataset,
  type StateDrgRecord,
  type StateFeeDataset,
  type StateFeeExtra,
  type StateFeeRecord,
  settingPairFields,
  unroundedOf,
} from './records-state.js';
import {
  type CsvRow,
  type FieldRule,
  field,
  ImportError,
  RULES,
  readImportFile,
  sourceInfo,
} from './text.js';

/** The Georgia data sets. */
export interface GaTables {
  readonly professional: StateFeeDataset;
  /** From Anesthesia.csv; null when not given. */
  readonly anesthesia: StateAnesthesiaDataset | null;
  /** From Inpatient_Hospital.csv; null when not given. */
  readonly drg: StateDrgDataset | null;
}

type SheetKind =
  | 'professional'
  | 'home-health'
  | 'setting'
  | 'outpatient'
  | 'transportation'
  | 'inpatient'
  | 'anesthesia';

/** The sheets, by upper-case file name: kind and the workbook's sheet name. */
const SHEETS: ReadonlyMap<string, { readonly kind: SheetKind; readonly sheet: string }> = new Map([
  ['EVALUATION_AND_MANAGEMENT.CSV', { kind: 'professional', sheet: 'Evaluation and Management' }],
  ['SURGERY.CSV', { kind: 'professional', sheet: 'Surgery' }],
  ['RADIOLOGY.CSV', { kind: 'professional', sheet: 'Radiology' }],
  ['PATHOLOGY___LABORATORY.CSV', { kind: 'professional', sheet: 'Pathology & Laboratory' }],
  ['GENERAL_MEDICINE.CSV', { kind: 'professional', sheet: 'General Medicine' }],
  ['PHYSICAL_MEDICINE.CSV', { kind: 'professional', sheet: 'Physical Medicine' }],
  ['HOME_HEALTH_SERVICES.CSV', { kind: 'home-health', sheet: 'Home Health Services' }],
  ['22510_22515_NONFACVSFAC.CSV', { kind: 'setting', sheet: '22510-22515 NonFacvsFac' }],
  ['OUTPATIENT.CSV', { kind: 'outpatient', sheet: 'Outpatient' }],
  ['TRANSPORTATION.CSV', { kind: 'transportation', sheet: 'Transportation' }],
  ['INPATIENT_HOSPITAL.CSV', { kind: 'inpatient', sheet: 'Inpatient Hospital' }],
  ['ANESTHESIA.CSV', { kind: 'anesthesia', sheet: 'Anesthesia' }],
]);

/** The named columns of each kind, after any unnamed leading (symbol) columns. */
const NAMED_COLUMNS: Record<SheetKind, readonly string[]> = {
  professional: ['CODE', 'MOD', 'DESCRIPTION', 'PROF MAR', 'FUD', 'APC', 'OP MAR', 'SI', 'ASC MAR', 'PI'],
  'home-health': ['CODE', 'MOD', 'DESCRIPTION', 'PROF MAR', 'FUD'],
  setting: ['CODE', 'MOD', 'DESCRIPTION', 'NONFACILITY MAR', 'FACILITY MAR'],
  outpatient: ['CODE', 'DESCRIPTION', 'APC', 'OP MAR', 'SI', 'ASC MAR', 'PI'],
  transportation: ['HCPC CODE', 'DESCRIPTION', 'URBAN BASE RATE & MILEAGE', 'RURAL BASE RATE & MILEAGE'],
  inpatient: ['MS-DRG', 'DESCRIPTION', 'FEE'],
  anesthesia: ['CODE', 'MOD', 'DESRIPTION', 'BASE UNIT'],
};

const PROF_MARKERS: readonly AmountMarker[] = [BY_REPORT, SEE_OTHER];
/** FUD: global days as printed ("0", "10", "90" lost their zero padding) or a letter code. */
const FUD: FieldRule = {
  pattern: /^(0{1,3}|0?10|0?90|XXX|YYY|ZZZ|MMM)?$/,
  expected: 'a global period (000, 010, 090, XXX, YYY, ZZZ, MMM) or empty',
};
const APC: FieldRule = { pattern: /^(\d{1,4})?$/, expected: 'an APC number of up to four digits, or empty' };
const SI: FieldRule = {
  pattern: /^([A-Z][0-9]?\+?)?$/,
  expected: 'a status indicator ("J1", "Q4", "N") or empty',
};
const PI: FieldRule = {
  pattern: /^([A-Z][0-9]\+?|\*)?$/,
  expected: 'a payment indicator ("A2", "J8", "*") or empty',
};
const DRG: FieldRule = { pattern: /^\d{1,3}$/, expected: 'an MS-DRG number' };
const ANESTHESIA_CODE: FieldRule = {
  pattern: /^\d{3,5}$/,
  expected: 'an anesthesia code of three to five digits',
};

/**
 * Imports the Georgia CSV sheets of a directory.
 *
 * @param dir - the folder holding the sheets (`state-wc/GA/csv`)
 * @returns the professional table, the anesthesia base units and the MS-DRG amounts
 * @throws ImportError when a file cannot be imported
 */
export function importGaDirectory(dir: string): GaTables {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.csv$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return parseGaTables(names.map((name) => readImportFile(join(dir, name))));
}

/** One sheet read: where its named columns start and its data rows. */
interface Sheet {
  readonly file: NamedBytes;
  readonly kind: SheetKind;
  readonly name: string;
  /** Column index of the first named column (the symbol columns come before it). */
  readonly offset: number;
  /** All column names of the header, '' for unnamed ones. */
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
}

/**
 * Imports the Georgia sheets from their bytes.
 *
 * @param files - the sheets; at least one professional sheet is required, and a file this
 *   importer does not know is an error
 * @returns the professional table, the anesthesia base units and the MS-DRG amounts
 * @throws ImportError naming file, line and column when any part of a file is not as expected
 */
export function parseGaTables(files: readonly NamedBytes[]): GaTables {
  const sheets = files.map(readSheet);
  if (!sheets.some((s) => s.kind === 'professional' || s.kind === 'home-health')) {
    throw new Error('no Georgia professional sheet (Surgery.csv, Radiology.csv, ...) among the files');
  }
  const records: StateFeeRecord[] = [];
  const index = new Map<string, number>();
  const dropped: Record<string, number> = {};
  const sources: SourceInfo[] = [];
  const noteRows: string[] = [];
  const strays: string[] = [];
  const settingNotes: string[] = [];
  let anesthesia: StateAnesthesiaDataset | null = null;
  let drg: StateDrgDataset | null = null;

  const add = (record: StateFeeRecord) => {
    const key = `${record.code} ${record.modifier}`;
    const earlier = index.get(key);
    if (earlier !== undefined) {
      const first = records[earlier] as StateFeeRecord;
      throw new ImportError(
        { file: record.file, line: record.line, column: 1, columnName: 'CODE' },
        `${record.code}${record.modifier === '' ? '' : `-${record.modifier}`} is already in ${first.file} line ${first.line}`,
      );
    }
    index.set(key, records.length);
    records.push(record);
  };

  // Professional, outpatient and transportation sheets first, then the NF/FAC sheet that
  // replaces some of their amounts.
  const order: readonly SheetKind[] = [
    'professional',
    'home-health',
    'outpatient',
    'transportation',
    'setting',
  ];
  for (const kind of order) {
    for (const sheet of sheets.filter((s) => s.kind === kind)) {
      for (const row of sheet.rows) {
        collectStrays(sheet, row, strays);
        if (kind === 'professional' || kind === 'home-health') {
          const record = professionalRow(sheet, row);
          if (record === undefined) {
            count(dropped, 'section-note');
            noteRows.push(`${sheet.file.fileName} line ${row.line}`);
            continue;
          }
          add(record);
        } else if (kind === 'outpatient') add(outpatientRow(sheet, row));
        else if (kind === 'transportation') add(transportationRow(sheet, row));
        else {
          const record = settingRow(sheet, row);
          const key = `${record.code} ${record.modifier}`;
          const at = index.get(key);
          const replaced = at === undefined ? undefined : records[at];
          if (at === undefined || replaced === undefined) {
            add(record);
          } else {
            if (replaced.status !== 'see-other') {
              throw new ImportError(
                { file: sheet.file.fileName, line: row.line, column: sheet.offset + 1, columnName: 'CODE' },
                `${record.code} is already priced in ${replaced.file} line ${replaced.line}; ` +
                  'this sheet only fills in rows whose PROF MAR points elsewhere',
              );
            }
            records[at] = {
              ...record,
              ...(replaced.category === undefined ? {} : { category: replaced.category }),
              ...(replaced.extra === undefined ? {} : { extra: replaced.extra }),
            };
            settingNotes.push(
              `${record.code} (${replaced.file} line ${replaced.line} says "See ${replaced.reference ?? ''}")`,
            );
          }
        }
      }
      sources.push(sourceInfo(sheet.file.fileName, sheet.file.bytes, sheet.rows.length));
    }
  }
  for (const sheet of sheets) {
    if (sheet.kind === 'anesthesia') anesthesia = anesthesiaSheet(sheet);
    if (sheet.kind === 'inpatient') drg = inpatientSheet(sheet);
  }

  const notes = [
    'The files do not state the year or the effective date.',
    'PROF MAR is one MAR for every setting: it is in both nonFacility and facility (basis "single"). ' +
      'OP MAR, ASC MAR, APC, SI, PI and FUD are kept in extra.',
    'FUD and APC are zero-padded as the workbook shows them ("90" → "090", "633" → "0633").',
    'Descriptors and the unnamed symbol columns before CODE (CPT book glyphs) are not imported.',
  ];
  if (settingNotes.length > 0) {
    notes.push(
      `Non-facility and facility MARs from 22510_22515_NonFacvsFac.csv replace the PROF MAR pointers of ` +
        `${settingNotes.join(', ')}; the Surgery rows' FUD, APC, OP MAR, SI, ASC MAR and PI are kept.`,
    );
  }
  if (noteRows.length > 0) {
    notes.push(
      `${plural(noteRows.length, 'row')} without a code dropped: cross-reference notes between sections ` +
        `("For Codes 97010-97546, see the Physical Medicine Section.": ${noteRows.join('; ')}).`,
    );
  }
  if (strays.length > 0) {
    notes.push(
      `${plural(strays.length, 'value')} in unnamed columns after the last named column ignored: ${strays.join('; ')}.`,
    );
  }
  const outpatient = records.filter((r) => r.status === 'facility-only').length;
  if (outpatient > 0) {
    notes.push(
      `${plural(outpatient, 'Outpatient sheet code')} have facility amounts only (status "facility-only", no professional MAR).`,
    );
  }
  if (records.some((r) => r.category === 'Transportation')) {
    notes.push(
      'Transportation rows: the urban rate is in extra.nonRuralRate, the rural one in extra.ruralRate.',
    );
  }
  const rounded = records.filter((r) => r.unrounded !== undefined).length;
  if (rounded > 0) {
    notes.push(
      `${plural(rounded, 'row')} with amounts printed with more than two decimals (the unrounded values behind ` +
        'the workbook\'s "0.00" format) rounded half up to cents; the printed values are in unrounded.',
    );
  }
  return {
    professional: {
      dataset: 'state-table',
      state: 'GA',
      year: null,
      label: 'Georgia SBWC medical fee schedule (year not stated)',
      effective: null,
      release: null,
      complete: true,
      sources,
      notes,
      cleaned: {},
      dropped,
      records,
      conversionFactors: {},
    },
    anesthesia,
    drg,
  };
}

/** Reads a file, recognises its sheet by name and checks its header. */
function readSheet(file: NamedBytes): Sheet {
  const known = SHEETS.get(file.fileName.toUpperCase());
  if (known === undefined) {
    throw new ImportError(
      { file: file.fileName, line: 1, column: 1 },
      `not a known sheet of the Georgia fee schedule workbook (${[...SHEETS.keys()].join(', ').toLowerCase()})`,
    );
  }
  const table = readCsv(file.bytes, file.fileName);
  const header = table.rows[0];
  if (header === undefined)
    throw new ImportError({ file: file.fileName, line: 1, column: 1 }, 'no header row');
  const named = NAMED_COLUMNS[known.kind];
  const cells = header.cells.map(headerText);
  const offset = cells.findIndex((cell) => cell !== '');
  if (offset < 0 || cells[offset] !== named[0]) {
    const looksLikeData = header.cells.some(
      (cell) => RULES.hcpcs.pattern.test(cell.trim()) || /^\d+$/.test(cell.trim()),
    );
    throw new ImportError(
      { file: file.fileName, line: header.line, column: Math.max(offset, 0) + 1, columnName: named[0] },
      looksLikeData
        ? `line 1 is a data row: the header "${named.join(',')}" is missing`
        : `the header does not start with ${named[0]} after the unnamed symbol columns`,
    );
  }
  named.forEach((name, i) => {
    const cell = cells[offset + i];
    const ok = cell === name || (known.kind === 'anesthesia' && i === 2 && cell === 'DESCRIPTION');
    if (!ok) {
      throw new ImportError(
        { file: file.fileName, line: header.line, column: offset + i + 1, columnName: name },
        cell === undefined
          ? `the header has ${cells.length} columns; ${name} is missing (the header may be cut off)`
          : `header cell ${JSON.stringify(cell)} is not the expected ${name} column`,
      );
    }
  });
  for (let c = offset + named.length; c < cells.length; c++) {
    if (cells[c] !== '') {
      throw new ImportError(
        { file: file.fileName, line: header.line, column: c + 1 },
        `unexpected header cell ${JSON.stringify(cells[c])} after ${named.at(-1)}`,
      );
    }
  }
  const columns = cells.map((cell) => cell);
  const { rows } = dataRows(table, file.fileName, 1, columns);
  return { file, kind: known.kind, name: known.sheet, offset, columns, rows };
}

/** Cell of a named column. */
function cellOf(sheet: Sheet, row: CsvRow, name: string): string {
  return (row.cells[columnIndex(sheet, name)] ?? '').trim();
}

function columnIndex(sheet: Sheet, name: string): number {
  const i = NAMED_COLUMNS[sheet.kind].indexOf(name);
  if (i < 0) throw new Error(`unreachable: ${sheet.kind} has no ${name}`);
  return sheet.offset + i;
}

function get(sheet: Sheet, row: CsvRow, name: string, rule: FieldRule): string {
  return field(sheet.file.fileName, row, columnIndex(sheet, name), name, rule);
}

function amountCell(sheet: Sheet, row: CsvRow, name: string, markers: readonly AmountMarker[]) {
  const index = columnIndex(sheet, name);
  return { cell: readAmountCell(sheet.file.fileName, row, index, name, markers), index, columnName: name };
}

/** An optional amount (OP MAR, ASC MAR): two decimals, or undefined when blank. */
function optionalAmount(sheet: Sheet, row: CsvRow, name: string): Cents | undefined {
  const { cell } = amountCell(sheet, row, name, []);
  return cell.kind === 'amount' ? cell.cents : undefined;
}

/** Values in unnamed columns after the named ones (stray spreadsheet cells), noted and ignored. */
function collectStrays(sheet: Sheet, row: CsvRow, strays: string[]): void {
  const after = sheet.offset + NAMED_COLUMNS[sheet.kind].length;
  for (let c = after; c < row.cells.length; c++) {
    const value = (row.cells[c] ?? '').trim();
    if (value !== '') strays.push(`${sheet.file.fileName} line ${row.line} column ${c + 1} "${value}"`);
  }
}

/** The facility columns of a professional or outpatient row. */
function facilityColumns(
  sheet: Sheet,
  row: CsvRow,
): { extra: { -readonly [K in keyof StateFeeExtra]: StateFeeExtra[K] }; outpatient?: Cents; asc?: Cents } {
  const extra: { -readonly [K in keyof StateFeeExtra]: StateFeeExtra[K] } = {};
  const apc = get(sheet, row, 'APC', APC);
  if (apc !== '') extra.apc = apc.padStart(4, '0');
  const outpatient = optionalAmount(sheet, row, 'OP MAR');
  if (outpatient !== undefined) extra.outpatientMar = outpatient.amount;
  const si = get(sheet, row, 'SI', SI);
  if (si !== '') extra.statusIndicator = si;
  const asc = optionalAmount(sheet, row, 'ASC MAR');
  if (asc !== undefined) extra.ascMar = asc.amount;
  const pi = get(sheet, row, 'PI', PI);
  if (pi !== '') extra.paymentIndicator = pi;
  return {
    extra,
    ...(outpatient === undefined ? {} : { outpatient }),
    ...(asc === undefined ? {} : { asc }),
  };
}

/** A professional row as a record, or undefined for a cross-reference note row without a code. */
function professionalRow(sheet: Sheet, row: CsvRow): StateFeeRecord | undefined {
  const named = NAMED_COLUMNS[sheet.kind];
  if (cellOf(sheet, row, 'CODE') === '') {
    const data = named.filter((name) => name !== 'DESCRIPTION' && cellOf(sheet, row, name) !== '');
    if (data.length === 0) return undefined;
    get(sheet, row, 'CODE', RULES.hcpcs); // throws: a row with data but no code
  }
  const code = get(sheet, row, 'CODE', RULES.hcpcs);
  const modifier = get(sheet, row, 'MOD', RULES.modifier);
  const { cell } = amountCell(sheet, row, 'PROF MAR', PROF_MARKERS);
  const fud = get(sheet, row, 'FUD', FUD);
  const facility =
    sheet.kind === 'professional' ? facilityColumns(sheet, row) : { extra: {} as Record<string, string> };
  const extra: { -readonly [K in keyof StateFeeExtra]: StateFeeExtra[K] } = {
    ...(fud === '' ? {} : { globalDays: /^\d+$/.test(fud) ? fud.padStart(3, '0') : fud }),
    ...facility.extra,
  };
  const prof = cell.kind === 'amount' ? cell.cents : undefined;
  return {
    state: 'GA',
    code,
    modifier,
    category: sheet.name,
    ...statusOf(cell),
    nonFacility: prof?.amount ?? null,
    facility: prof?.amount ?? null,
    ...(cell.kind === 'marker' && cell.reference !== undefined ? { reference: cell.reference } : {}),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
    ...unroundedOf({
      nonFacility: prof,
      facility: prof,
      outpatientMar: 'outpatient' in facility ? facility.outpatient : undefined,
      ascMar: 'asc' in facility ? facility.asc : undefined,
    }),
    file: sheet.file.fileName,
    line: row.line,
  };
}

function statusOf(cell: AmountCell): Pick<StateFeeRecord, 'status' | 'byReport' | 'basis'> {
  if (cell.kind === 'amount') return { status: 'priced', byReport: false, basis: 'single' };
  if (cell.kind === 'empty') return { status: 'no-amount', byReport: false, basis: 'none' };
  return { status: cell.status, byReport: cell.status === 'by-report', basis: 'none' };
}

/** A row of the 22510–22515 sheet: non-facility and facility MARs. */
function settingRow(sheet: Sheet, row: CsvRow): StateFeeRecord {
  const code = get(sheet, row, 'CODE', RULES.hcpcs);
  const modifier = get(sheet, row, 'MOD', RULES.modifier);
  const pair = combineCells(
    sheet.file.fileName,
    row,
    amountCell(sheet, row, 'NONFACILITY MAR', PROF_MARKERS),
    amountCell(sheet, row, 'FACILITY MAR', PROF_MARKERS),
  );
  return {
    state: 'GA',
    code,
    modifier,
    ...settingPairFields(pair),
    file: sheet.file.fileName,
    line: row.line,
  };
}

/** An Outpatient sheet row: facility amounts only. */
function outpatientRow(sheet: Sheet, row: CsvRow): StateFeeRecord {
  const code = get(sheet, row, 'CODE', RULES.hcpcs);
  const facility = facilityColumns(sheet, row);
  return {
    state: 'GA',
    code,
    modifier: '',
    category: sheet.name,
    status: 'facility-only',
    byReport: false,
    basis: 'none',
    nonFacility: null,
    facility: null,
    ...(Object.keys(facility.extra).length === 0 ? {} : { extra: facility.extra }),
    ...unroundedOf({ outpatientMar: facility.outpatient, ascMar: facility.asc }),
    file: sheet.file.fileName,
    line: row.line,
  };
}

/** A Transportation row: urban and rural rates. */
function transportationRow(sheet: Sheet, row: CsvRow): StateFeeRecord {
  const code = get(sheet, row, 'HCPC CODE', RULES.hcpcs);
  const pair = combineCells(
    sheet.file.fileName,
    row,
    amountCell(sheet, row, 'URBAN BASE RATE & MILEAGE', PROF_MARKERS),
    amountCell(sheet, row, 'RURAL BASE RATE & MILEAGE', PROF_MARKERS),
  );
  return {
    state: 'GA',
    code,
    modifier: '',
    category: sheet.name,
    ...ruralPairFields(pair),
    file: sheet.file.fileName,
    line: row.line,
  };
}

/** The Anesthesia sheet: base units, codes padded back to five digits. */
function anesthesiaSheet(sheet: Sheet): StateAnesthesiaDataset {
  const seen = new Map<string, number>();
  const records = sheet.rows.map((row): StateAnesthesiaRecord => {
    const code = get(sheet, row, 'CODE', ANESTHESIA_CODE).padStart(5, '0');
    const modifier = get(sheet, row, 'MOD', RULES.modifier);
    const key = `${code} ${modifier}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ImportError(
        {
          file: sheet.file.fileName,
          line: row.line,
          column: columnIndex(sheet, 'CODE') + 1,
          columnName: 'CODE',
        },
        `${code} is already on line ${earlier}`,
      );
    }
    seen.set(key, row.line);
    const text = cellOf(sheet, row, 'BASE UNIT');
    const base = {
      state: 'GA' as const,
      code,
      modifier,
      amount: null,
      file: sheet.file.fileName,
      line: row.line,
    };
    if (PRINTED_DECIMAL.pattern.test(text)) return { ...base, status: 'priced', baseUnits: text };
    const { cell } = amountCell(sheet, row, 'BASE UNIT', PROF_MARKERS);
    if (cell.kind !== 'marker' || (cell.status !== 'by-report' && cell.status !== 'see-other')) {
      get(sheet, row, 'BASE UNIT', PRINTED_DECIMAL); // throws: empty
      throw new Error('unreachable');
    }
    return {
      ...base,
      status: cell.status,
      baseUnits: null,
      ...(cell.reference === undefined ? {} : { reference: cell.reference }),
    };
  });
  const padded = sheet.rows.filter((row) => cellOf(sheet, row, 'CODE').length < 5).length;
  return {
    dataset: 'state-anesthesia',
    state: 'GA',
    year: null,
    label: 'Georgia SBWC anesthesia base units (year not stated)',
    effective: null,
    release: null,
    complete: true,
    sources: [sourceInfo(sheet.file.fileName, sheet.file.bytes, records.length)],
    notes: [
      'The file does not state the year, the effective date or the anesthesia conversion factor.',
      `${plural(padded, 'code')} padded back to five digits ("100" → "00100"; the workbook formats the cells "00000").`,
      'Descriptors are not imported.',
    ],
    cleaned: {},
    dropped: {},
    records,
    conversionFactor: null,
  };
}

/** The Inpatient Hospital sheet: an amount per MS-DRG. */
function inpatientSheet(sheet: Sheet): StateDrgDataset {
  const seen = new Map<string, number>();
  const notApplicable: number[] = [];
  const records = sheet.rows.map((row): StateDrgRecord => {
    const drg = get(sheet, row, 'MS-DRG', DRG).padStart(3, '0');
    const earlier = seen.get(drg);
    if (earlier !== undefined) {
      throw new ImportError(
        {
          file: sheet.file.fileName,
          line: row.line,
          column: columnIndex(sheet, 'MS-DRG') + 1,
          columnName: 'MS-DRG',
        },
        `MS-DRG ${drg} is already on line ${earlier}`,
      );
    }
    seen.set(drg, row.line);
    const base = { state: 'GA' as const, drg, file: sheet.file.fileName, line: row.line };
    const { cell } = amountCell(sheet, row, 'FEE', [
      { pattern: /^NA$/, label: 'NA', status: 'not-established' },
    ]);
    if (cell.kind === 'amount') return { ...base, status: 'priced', amount: cell.cents.amount };
    if (cell.kind === 'empty') get(sheet, row, 'FEE', RULES.nonEmpty); // throws
    notApplicable.push(row.line);
    return { ...base, status: 'not-applicable', amount: null };
  });
  return {
    dataset: 'state-drg',
    state: 'GA',
    year: null,
    label: 'Georgia SBWC inpatient hospital MS-DRG amounts (year not stated)',
    effective: null,
    release: null,
    complete: true,
    sources: [sourceInfo(sheet.file.fileName, sheet.file.bytes, records.length)],
    notes: [
      'The file does not state the year, the effective date or the MS-DRG version.',
      'MS-DRG numbers padded to three digits ("1" → "001"; the workbook formats the cells "000").',
      ...(notApplicable.length === 0
        ? []
        : [`"NA" (status not-applicable, no amount) on ${lineList(notApplicable)}.`]),
      'Descriptors are not imported.',
    ],
    cleaned: {},
    dropped: {},
    records,
  };
}
