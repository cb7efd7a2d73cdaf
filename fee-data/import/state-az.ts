/**
 * Importer for the Arizona Industrial Commission Physicians' Fee Schedule 2024, as CSV files
 * derived one per sheet from the workbook (`state-wc/AZ/csv/`).
 *
 * - `RBRVS_FeeSchedule2024.csv`, the main sheet, is the table: conversion factors on lines 1–5
 *   ("Surgery,,72"), a header quoted over lines 6–8 (`Code,Category,FY24 NF RVU,FY24 FAC RVU,
 *   FY24 NF RBRVS Rate,FY24 FAC RBRVS Rate,"FY24 Non-rural Rate","FY24 Rural Rate"`), then one
 *   row per code and modifier: Code is "CPT MOD" ("72148 26"; "00" is no modifier). Rows with a
 *   Category have non-facility and facility rates; rows without one (the HCPCS sheet's codes)
 *   have non-rural and rural rates instead.
 * - The section sheets (Surgery, Radiology, Pathology, Medicine, Physical_Medicine, E_M,
 *   AZ_Specific, HCPCS) repeat main-sheet rows. They are not imported twice: every row is
 *   checked against the main sheet's row of the same code, and any difference is an error.
 * - `Category_III.csv` holds codes the main sheet lacks; its rows are imported.
 * - `Anesthesia.csv` holds base units, imported as a separate data set.
 *
 * Descriptors (AZ_Specific's Description column) are not kept.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceInfo } from './records.js';
import {
  AMOUNT,
  type AmountMarker,
  BY_REPORT,
  type Cents,
  checkHeaderRow,
  combineCells,
  count,
  dataRows,
  headerText,
  type NamedBytes,
  PRINTED_DECIMAL,
  plural,
  readAmountCell,
  readCsv,
  ruralPairFields,
  SEE_OTHER,
  type StateAnesthesiaDataset,
  type StateAnesthesiaRecord,
  type StateFeeDataset,
  type StateFeeExtra,
  type StateFeeRecord,
  settingPairFields,
  toCents,
} from './records-state.js';
import {
  type CsvRow,
  type CsvTable,
  type FieldRule,
  field,
  findHeader,
  ImportError,
  RULES,
  readImportFile,
  sourceInfo,
} from './text.js';

/** The Arizona data sets. */
export interface AzTables {
  readonly professional: StateFeeDataset;
  /** From Anesthesia.csv; null when the directory has none. */
  readonly anesthesia: StateAnesthesiaDataset | null;
}

const MAIN_FILE = /^RBRVS_FeeSchedule(\d{4})\.csv$/i;
const ANESTHESIA_FILE = 'ANESTHESIA.CSV';
const CATEGORY_III_FILE = 'CATEGORY_III.CSV';

type SectionLayout = 'rbrvs' | 'specific' | 'hcpcs';
/** The section sheets, by upper-case file name. */
const SECTION_FILES: ReadonlyMap<string, SectionLayout> = new Map([
  ['SURGERY.CSV', 'rbrvs'],
  ['RADIOLOGY.CSV', 'rbrvs'],
  ['PATHOLOGY.CSV', 'rbrvs'],
  ['MEDICINE.CSV', 'rbrvs'],
  ['PHYSICAL_MEDICINE.CSV', 'rbrvs'],
  ['E_M.CSV', 'rbrvs'],
  ['AZ_SPECIFIC.CSV', 'specific'],
  ['HCPCS.CSV', 'hcpcs'],
]);

/** "72148 26", "99213 00". */
const CODE_MOD = /^([A-Z0-9]{5}) ([A-Z0-9]{2})$/;
/** "JXXXX 00": a placeholder for the codes of a group that are not listed. */
const PLACEHOLDER = /^[A-Z]XXXX [A-Z0-9]{2}$/;
/** "G0480-G0483, G0659 00", "G2010, G2012 00": several codes in one cell. */
const MULTI_CODE = /^[A-Z0-9]{5}(?:-[A-Z0-9]{5})?(?:, ?[A-Z0-9]{5}(?:-[A-Z0-9]{5})?)* [A-Z0-9]{2}$/;
const CODE_MOD_RULE: FieldRule = {
  pattern: CODE_MOD,
  expected: 'a code and modifier like "72148 26" or "99213 00"',
};
/** RVU cells: a number, "-" (none stated), "BR" (27278) or empty. */
const RVU: FieldRule = { pattern: /^(\d{1,9}(\.\d+)?|-|BR)?$/, expected: 'an RVU, "-", "BR" or empty' };
const EMPTY: FieldRule = { pattern: /^$/, expected: 'empty' };

const MARKERS: readonly AmountMarker[] = [
  BY_REPORT,
  { pattern: /^Bundled Code$/i, label: 'Bundled Code', status: 'bundled' },
  { pattern: /^RNE$/, label: 'RNE', status: 'not-established' },
  SEE_OTHER,
];

const TITLE = /^ARIZONA PHYSICIANS' FEE SCHEDULE$/i;
const SECTION_TITLE = /^(.+?) Codes (\d{4})$/i;
const SECTION_CF = /^(.+?) Conversion Factor \$(\d+\.\d{2})$/i;

/**
 * Imports the Arizona CSV sheets of a directory.
 *
 * @param dir - the folder holding the sheets (`state-wc/AZ/csv`)
 * @returns the professional table and the anesthesia base units
 * @throws ImportError when a file cannot be imported; Error when the main sheet is missing
 */
export function importAzDirectory(dir: string): AzTables {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.csv$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return parseAzTables(names.map((name) => readImportFile(join(dir, name))));
}

/**
 * Imports the Arizona sheets from their bytes.
 *
 * @param files - the sheets; the main sheet (RBRVS_FeeSchedule<year>.csv) is required, the
 *   others are optional, and a file this importer does not know is an error
 * @returns the professional table and the anesthesia base units
 * @throws ImportError naming file, line and column when any part of a file is not as expected
 */
export function parseAzTables(files: readonly NamedBytes[]): AzTables {
  let main: NamedBytes | undefined;
  let anesthesiaFile: NamedBytes | undefined;
  let categoryIII: NamedBytes | undefined;
  const sections: { file: NamedBytes; layout: SectionLayout }[] = [];
  for (const file of files) {
    const upper = file.fileName.toUpperCase();
    const layout = SECTION_FILES.get(upper);
    if (MAIN_FILE.test(file.fileName)) main = file;
    else if (upper === ANESTHESIA_FILE) anesthesiaFile = file;
    else if (upper === CATEGORY_III_FILE) categoryIII = file;
    else if (layout !== undefined) sections.push({ file, layout });
    else {
      throw new ImportError(
        { file: file.fileName, line: 1, column: 1 },
        'not a known sheet of the Arizona fee schedule workbook (RBRVS_FeeSchedule<year>, Anesthesia, ' +
          'Category_III, Surgery, Radiology, Pathology, Medicine, Physical_Medicine, E_M, AZ_Specific, HCPCS)',
      );
    }
  }
  if (main === undefined) {
    throw new Error('no Arizona main sheet RBRVS_FeeSchedule<year>.csv among the files');
  }
  const parsed = parseMainSheet(main);
  const { year, conversionFactors } = parsed;
  const records = [...parsed.records];
  const dropped: Record<string, number> = {};
  for (const d of parsed.droppedRows) count(dropped, d.reason);
  const sources: SourceInfo[] = [sourceInfo(main.fileName, main.bytes, parsed.dataRows)];
  const notes: string[] = [
    `Year ${year} from the file name ${main.fileName}, the sheet titles ("... Codes ${year}") and the ` +
      `FY${String(year).slice(2)} column headers. The files state no effective date.`,
    Object.keys(conversionFactors).length === 0
      ? `${main.fileName} states no conversion factors above its header.`
      : `Conversion factors stated above the header of ${main.fileName}: ${Object.entries(conversionFactors)
          .map(([name, cf]) => `${name} $${cf}`)
          .join(', ')}.`,
    'Rows with a Category have non-facility and facility rates (basis "setting"); rows without one ' +
      '(the HCPCS sheet codes) have non-rural and rural rates in extra (basis "rural").',
  ];
  const multi = parsed.droppedRows.filter((d) => d.reason === 'multi-code-row');
  if (multi.length > 0) {
    notes.push(
      `${plural(multi.length, 'row')} listing several codes in one Code cell dropped ` +
        `(${multi.map((d) => `"${d.code}" line ${d.line}`).join('; ')}): one row cannot price several ` +
        'codes; the listed codes that have rows of their own keep those rows.',
    );
  }
  const placeholders = parsed.droppedRows.filter((d) => d.reason === 'placeholder-code');
  if (placeholders.length > 0) {
    notes.push(
      `${plural(placeholders.length, 'placeholder row')} dropped (${placeholders
        .map((d) => `"${d.code}" line ${d.line}`)
        .join('; ')}): BR for the codes of the group that are not listed; a code not found is ` +
        'answered as unsupported anyway.',
    );
  }

  let sectionRows = 0;
  let release: string | null = null;
  for (const { file, layout } of sections) {
    const checked = checkSection(file, layout, parsed, year);
    sectionRows += checked.rows;
    release ??= checked.title ?? null;
    sources.push(sourceInfo(file.fileName, file.bytes, checked.rows, checked.titleLine));
  }
  if (sections.length > 0) {
    notes.push(
      `The section sheets (${sections.map((s) => s.file.fileName).join(', ')}) repeat main-sheet rows: ` +
        `all ${sectionRows.toLocaleString('en-US')} of their rows were checked against ${main.fileName} and ` +
        'match; they are not imported again (their sources count the rows checked).',
    );
    const covered = parsed.coveredBySection.size;
    if (covered < parsed.rowsByCode.size) {
      notes.push(
        `${plural(parsed.rowsByCode.size - covered, 'main-sheet row')} appear in no section sheet given.`,
      );
    }
  } else {
    notes.push('No section sheets given: the main sheet was not cross-checked.');
  }

  if (categoryIII !== undefined) {
    const extra = readCategoryIII(categoryIII, parsed, year);
    records.push(...extra.records);
    release ??= extra.title ?? null;
    sources.push(sourceInfo(categoryIII.fileName, categoryIII.bytes, extra.records.length, extra.titleLine));
    const byStatus = new Map<string, number>();
    for (const r of extra.records) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    notes.push(
      `${categoryIII.fileName}: ${plural(extra.records.length, 'Category III row')} not in the main sheet, ` +
        `imported (${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}).`,
    );
  }
  const rounded = records.filter((r) => r.unrounded !== undefined).length;
  if (rounded > 0) {
    notes.push(
      `${plural(rounded, 'row')} with rates printed with more than two decimals (the unrounded cell values ` +
        'behind the workbook\'s "0.00" format, mostly Pathology) rounded half up to cents; the printed ' +
        'values are in unrounded.',
    );
  }
  notes.push('Descriptors (the AZ_Specific sheet Description column) are not imported.');

  let anesthesia: StateAnesthesiaDataset | null = null;
  if (anesthesiaFile !== undefined) {
    anesthesia = parseAzAnesthesia(anesthesiaFile.bytes, anesthesiaFile.fileName, year);
    const stated = conversionFactors.Anesthesia;
    if (
      stated !== undefined &&
      anesthesia.conversionFactor !== null &&
      stated !== anesthesia.conversionFactor
    ) {
      throw new ImportError(
        { file: anesthesiaFile.fileName, line: 3, column: 1 },
        `the anesthesia conversion factor $${anesthesia.conversionFactor} differs from $${stated} in ${main.fileName}`,
      );
    }
    release ??= anesthesia.release;
  }

  return {
    professional: {
      dataset: 'state-table',
      state: 'AZ',
      year,
      label: `Arizona ICA Physicians' Fee Schedule ${year}`,
      effective: null,
      release,
      complete: true,
      sources,
      notes,
      cleaned: {},
      dropped,
      records,
      conversionFactors,
    },
    anesthesia,
  };
}

// ---------------------------------------------------------------------------------------------
// The main sheet

interface DroppedRow {
  readonly reason: 'multi-code-row' | 'placeholder-code';
  readonly code: string;
  readonly line: number;
}

interface MainSheet {
  readonly fileName: string;
  readonly year: number;
  readonly conversionFactors: Readonly<Record<string, string>>;
  readonly records: readonly StateFeeRecord[];
  /** Data rows read: records plus dropped rows. */
  readonly dataRows: number;
  readonly droppedRows: readonly DroppedRow[];
  /** Every data row by its Code cell as printed (trimmed), dropped rows included. */
  readonly rowsByCode: ReadonlyMap<string, CsvRow>;
  /** Code cells a section sheet repeated. */
  readonly coveredBySection: Set<string>;
}

const MAIN_COLUMNS = (yy: string) => [
  'CODE',
  'CATEGORY',
  `FY${yy} NF RVU`,
  `FY${yy} FAC RVU`,
  `FY${yy} NF RBRVS RATE`,
  `FY${yy} FAC RBRVS RATE`,
  `FY${yy} NON-RURAL RATE`,
  `FY${yy} RURAL RATE`,
];

function parseMainSheet(file: NamedBytes): MainSheet {
  const { fileName, bytes } = file;
  const year = Number(MAIN_FILE.exec(fileName)?.[1]);
  const table = readCsv(bytes, fileName);
  const headerIndex = findCodeHeader(table, fileName);
  const conversionFactors: Record<string, string> = {};
  table.rows.slice(0, headerIndex).forEach((row, i) => {
    const name = (row.cells[0] ?? '').trim();
    if (i === 0 && /^RBRVS Conversion Factors$/i.test(name)) return;
    const cf = (row.cells[2] ?? '').trim();
    const cents = toCents(cf);
    if (name === '' || cents === undefined || cents.unrounded !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: name === '' ? 1 : 3 },
        'above the header only "RBRVS Conversion Factors" and lines like "Surgery,,72" are expected',
      );
    }
    conversionFactors[name] = cents.amount;
  });
  const columns = MAIN_COLUMNS(String(year).slice(2));
  checkHeaderRow(fileName, table.rows[headerIndex] as CsvRow, columns);
  const { rows } = dataRows(table, fileName, headerIndex + 1, columns);

  const records: StateFeeRecord[] = [];
  const droppedRows: DroppedRow[] = [];
  const rowsByCode = new Map<string, CsvRow>();
  for (const row of rows) {
    const codeCell = (row.cells[0] ?? '').trim();
    const earlier = rowsByCode.get(codeCell);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'CODE' },
        `${JSON.stringify(codeCell)} is already on line ${earlier.line}`,
      );
    }
    rowsByCode.set(codeCell, row);
    if (PLACEHOLDER.test(codeCell) || (MULTI_CODE.test(codeCell) && !CODE_MOD.test(codeCell))) {
      droppedRows.push({
        reason: PLACEHOLDER.test(codeCell) ? 'placeholder-code' : 'multi-code-row',
        code: codeCell,
        line: row.line,
      });
      continue;
    }
    const record = readRbrvsRow(fileName, row, columns, {
      code: 0,
      category: 1,
      nonFacilityRvu: 2,
      facilityRvu: 3,
      nonFacility: 4,
      facility: 5,
      nonRural: 6,
      rural: 7,
    });
    records.push(record);
  }
  return {
    fileName,
    year,
    conversionFactors,
    records,
    dataRows: rows.length,
    droppedRows,
    rowsByCode,
    coveredBySection: new Set(),
  };
}

/** Index of the header row (its first cell is "Code"); rejects a data row above it. */
function findCodeHeader(table: CsvTable, file: string): number {
  const first = (row: CsvRow) => (row.cells[0] ?? '').trim();
  return findHeader(
    table.rows,
    file,
    (row) => headerText(first(row)) === 'CODE',
    (row) => /^[A-Z0-9]{5}( [A-Z0-9]{2})?$/.test(first(row)),
    'line that starts "Code"',
    12,
  );
}

interface RbrvsColumns {
  readonly code: number;
  readonly category: number;
  readonly nonFacilityRvu: number;
  readonly facilityRvu: number;
  readonly nonFacility: number;
  readonly facility: number;
  /** Absent in the section layout. */
  readonly nonRural?: number;
  readonly rural?: number;
}

/** One row of the RBRVS layout (the main sheet, Category III) as a record. */
function readRbrvsRow(
  file: string,
  row: CsvRow,
  columns: readonly string[],
  at: RbrvsColumns,
): StateFeeRecord {
  const name = (index: number) => columns[index] ?? '';
  const codeMod = field(file, row, at.code, name(at.code), CODE_MOD_RULE);
  const match = CODE_MOD.exec(codeMod) as RegExpExecArray;
  const code = match[1] as string;
  const modifier = match[2] === '00' ? '' : (match[2] as string);
  const category = (row.cells[at.category] ?? '').trim();
  const base = { state: 'AZ' as const, code, modifier };
  const where = { file, line: row.line };

  if (category !== '' || at.nonRural === undefined || at.rural === undefined) {
    if (category === '') field(file, row, at.category, name(at.category), RULES.nonEmpty);
    const nonFacilityRvu = field(file, row, at.nonFacilityRvu, name(at.nonFacilityRvu), RVU);
    const facilityRvu = field(file, row, at.facilityRvu, name(at.facilityRvu), RVU);
    const pair = combineCells(
      file,
      row,
      placed(file, row, at.nonFacility, name(at.nonFacility)),
      placed(file, row, at.facility, name(at.facility)),
    );
    if (at.nonRural !== undefined) field(file, row, at.nonRural, name(at.nonRural), EMPTY);
    if (at.rural !== undefined) field(file, row, at.rural, name(at.rural), EMPTY);
    const extra: { -readonly [K in keyof StateFeeExtra]: StateFeeExtra[K] } = {};
    if (PRINTED_DECIMAL.pattern.test(nonFacilityRvu)) extra.nonFacilityRvu = nonFacilityRvu;
    if (PRINTED_DECIMAL.pattern.test(facilityRvu)) extra.facilityRvu = facilityRvu;
    return {
      ...base,
      category,
      ...settingPairFields(pair),
      ...(Object.keys(extra).length === 0 ? {} : { extra }),
      ...where,
    };
  }
  // No Category: a HCPCS row with non-rural and rural rates only.
  for (const index of [at.nonFacilityRvu, at.facilityRvu, at.nonFacility, at.facility]) {
    field(file, row, index, name(index), EMPTY);
  }
  const pair = combineCells(
    file,
    row,
    placed(file, row, at.nonRural, name(at.nonRural)),
    placed(file, row, at.rural, name(at.rural)),
  );
  return {
    ...base,
    ...ruralPairFields(pair),
    ...where,
  };
}

function placed(file: string, row: CsvRow, index: number, columnName: string) {
  return { cell: readAmountCell(file, row, index, columnName, MARKERS), index, columnName };
}

// ---------------------------------------------------------------------------------------------
// Section sheets and Category III

interface Preamble {
  /** The year of the "<Section> Codes <year>" line. */
  readonly year?: number;
  readonly title?: string;
  readonly titleLine?: string;
  readonly conversionFactor?: string;
  readonly conversionFactorLine?: number;
}

/**
 * Reads the lines above a section sheet's header: title, "<Section> Codes 2024", the CF line.
 * When the main sheet's year is known, the title's year must agree with it.
 */
function readSectionPreamble(
  table: CsvTable,
  headerIndex: number,
  file: string,
  year: number | undefined,
): Preamble {
  let sheetYear: number | undefined;
  let title: string | undefined;
  let titleLine: string | undefined;
  let conversionFactor: string | undefined;
  let conversionFactorLine: number | undefined;
  for (const row of table.rows.slice(0, headerIndex)) {
    const text = (row.cells[0] ?? '').trim();
    const cf = SECTION_CF.exec(text);
    const section = SECTION_TITLE.exec(text);
    if (TITLE.test(text)) title = text;
    else if (cf !== null) {
      conversionFactor = cf[2];
      conversionFactorLine = row.line;
    } else if (section !== null) {
      titleLine = text;
      sheetYear = Number(section[2]);
      if (year !== undefined && sheetYear !== year) {
        throw new ImportError(
          { file, line: row.line, column: 1 },
          `the sheet title says ${section[2]}, the main sheet is for ${year}`,
        );
      }
    } else {
      throw new ImportError(
        { file, line: row.line, column: 1 },
        `unexpected line above the header: ${JSON.stringify(text.slice(0, 60))}`,
      );
    }
  }
  return {
    ...(sheetYear === undefined ? {} : { year: sheetYear }),
    ...(title === undefined ? {} : { title }),
    ...(titleLine === undefined ? {} : { titleLine }),
    ...(conversionFactor === undefined ? {} : { conversionFactor }),
    ...(conversionFactorLine === undefined ? {} : { conversionFactorLine }),
  };
}

const SECTION_COLUMNS = (yy: string): Record<SectionLayout, readonly string[]> => ({
  rbrvs: [
    'CODE',
    'CATEGORY',
    `FY${yy} NF RVU`,
    `FY${yy} FAC RVU`,
    `FY${yy} NF RBRVS RATE`,
    `FY${yy} FAC RBRVS RATE`,
  ],
  specific: ['CODE', 'CATEGORY', 'DESCRIPTION', `FY${yy} NF RBRVS RATE`, `FY${yy} FAC RBRVS RATE`, '', ''],
  hcpcs: ['CODE', 'MODIFIER', `FY${yy} NON-RURAL RATE`, `FY${yy} RURAL RATE`, '', ''],
});

/** For each section layout: pairs of (section column, main-sheet column) that must be equal. */
const SAME_AS_MAIN: Record<SectionLayout, readonly (readonly [number, number])[]> = {
  rbrvs: [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 5],
  ],
  specific: [
    [1, 1],
    [3, 4],
    [4, 5],
  ],
  hcpcs: [
    [2, 6],
    [3, 7],
  ],
};

/** Checks every row of a section sheet against the main sheet. */
function checkSection(
  file: NamedBytes,
  layout: SectionLayout,
  main: MainSheet,
  year: number,
): { rows: number; title?: string; titleLine?: string } {
  const { fileName, bytes } = file;
  const table = readCsv(bytes, fileName);
  const headerIndex = findCodeHeader(table, fileName);
  const preamble = readSectionPreamble(table, headerIndex, fileName, year);
  const columns = SECTION_COLUMNS(String(year).slice(2))[layout];
  checkHeaderRow(fileName, table.rows[headerIndex] as CsvRow, columns);
  const { rows } = dataRows(table, fileName, headerIndex + 1, columns);
  let category: string | undefined;
  for (const row of rows) {
    const codeCell =
      layout === 'hcpcs'
        ? `${(row.cells[0] ?? '').trim()} ${(row.cells[1] ?? '').trim() || '00'}`
        : (row.cells[0] ?? '').trim();
    const mainRow = main.rowsByCode.get(codeCell);
    if (mainRow === undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'CODE' },
        `${JSON.stringify(codeCell)} is not in ${main.fileName}`,
      );
    }
    for (const [c, m] of SAME_AS_MAIN[layout]) {
      const here = (row.cells[c] ?? '').trim();
      const there = (mainRow.cells[m] ?? '').trim();
      if (here !== there) {
        throw new ImportError(
          { file: fileName, line: row.line, column: c + 1, columnName: columns[c] },
          `${JSON.stringify(here)} differs from ${main.fileName} line ${mainRow.line}, which has ${JSON.stringify(there)}`,
        );
      }
    }
    for (let c = 0; c < columns.length; c++) {
      if (columns[c] === '') field(fileName, row, c, `column ${c + 1}`, EMPTY);
    }
    category ??= (mainRow.cells[1] ?? '').trim();
    main.coveredBySection.add(codeCell);
  }
  if (preamble.conversionFactor !== undefined && category !== undefined) {
    const expected = main.conversionFactors[category] ?? main.conversionFactors['All Other'];
    if (expected !== undefined && expected !== preamble.conversionFactor) {
      throw new ImportError(
        { file: fileName, line: preamble.conversionFactorLine ?? 1, column: 1 },
        `the sheet states a conversion factor of $${preamble.conversionFactor}; ${main.fileName} gives $${expected} for ${category}`,
      );
    }
  }
  return {
    rows: rows.length,
    ...(preamble.title === undefined ? {} : { title: preamble.title }),
    ...(preamble.titleLine === undefined ? {} : { titleLine: preamble.titleLine }),
  };
}

/** Reads the Category III sheet, whose codes the main sheet does not have. */
function readCategoryIII(
  file: NamedBytes,
  main: MainSheet,
  year: number,
): { records: StateFeeRecord[]; title?: string; titleLine?: string } {
  const { fileName, bytes } = file;
  const table = readCsv(bytes, fileName);
  const headerIndex = findCodeHeader(table, fileName);
  const preamble = readSectionPreamble(table, headerIndex, fileName, year);
  const columns = SECTION_COLUMNS(String(year).slice(2)).rbrvs;
  checkHeaderRow(fileName, table.rows[headerIndex] as CsvRow, columns);
  const { rows } = dataRows(table, fileName, headerIndex + 1, columns);
  const seen = new Map<string, number>();
  const records = rows.map((row) => {
    const codeCell = (row.cells[0] ?? '').trim();
    const inMain = main.rowsByCode.get(codeCell);
    const earlier = seen.get(codeCell);
    if (inMain !== undefined || earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'CODE' },
        inMain !== undefined
          ? `${JSON.stringify(codeCell)} is also in ${main.fileName} line ${inMain.line}`
          : `${JSON.stringify(codeCell)} is already on line ${earlier}`,
      );
    }
    seen.set(codeCell, row.line);
    return readRbrvsRow(fileName, row, columns, {
      code: 0,
      category: 1,
      nonFacilityRvu: 2,
      facilityRvu: 3,
      nonFacility: 4,
      facility: 5,
    });
  });
  return {
    records,
    ...(preamble.title === undefined ? {} : { title: preamble.title }),
    ...(preamble.titleLine === undefined ? {} : { titleLine: preamble.titleLine }),
  };
}

// ---------------------------------------------------------------------------------------------
// Anesthesia

const ANESTHESIA_COLUMNS = ['CODE', 'CATEGORY', 'BASE UNIT', 'RBRVS RATE'] as const;

/**
 * Imports the Arizona anesthesia sheet: title lines, "Anesthesia Conversion Factor $61.00",
 * header `Code,Category,Base Unit,RBRVS Rate`, one row per code. Every rate must be the base
 * units times the stated conversion factor, which checks each row.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name
 * @param year - the fee schedule year; the sheet title must agree (default: as the title says)
 * @returns the base units
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseAzAnesthesia(
  bytes: Uint8Array,
  fileName: string,
  year?: number,
): StateAnesthesiaDataset {
  const table = readCsv(bytes, fileName);
  const headerIndex = findCodeHeader(table, fileName);
  const preamble = readSectionPreamble(table, headerIndex, fileName, year);
  const sheetYear = year ?? preamble.year;
  checkHeaderRow(fileName, table.rows[headerIndex] as CsvRow, ANESTHESIA_COLUMNS);
  const { rows } = dataRows(table, fileName, headerIndex + 1, ANESTHESIA_COLUMNS);
  const cf = preamble.conversionFactor ?? null;
  const seen = new Map<string, number>();
  const records = rows.map((row): StateAnesthesiaRecord => {
    const code = field(fileName, row, 0, 'CODE', RULES.hcpcs);
    field(fileName, row, 1, 'CATEGORY', RULES.nonEmpty);
    const baseUnits = field(fileName, row, 2, 'BASE UNIT', PRINTED_DECIMAL);
    const rate = toCents(field(fileName, row, 3, 'RBRVS RATE', AMOUNT)) as Cents;
    if (cf !== null && multiplyToCents(baseUnits, cf) !== rate.amount) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 4, columnName: 'RBRVS RATE' },
        `${JSON.stringify(rate.unrounded ?? rate.amount)} is not ${baseUnits} base units × $${cf}`,
      );
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'CODE' },
        `${code} is already on line ${earlier}`,
      );
    }
    seen.set(code, row.line);
    return {
      state: 'AZ',
      code,
      modifier: '',
      status: 'priced',
      baseUnits,
      amount: rate.amount,
      file: fileName,
      line: row.line,
    };
  });
  const notes = [
    sheetYear === undefined
      ? 'The sheet does not state its year.'
      : `Year ${sheetYear} from the sheet title; the file states no effective date.`,
  ];
  if (cf !== null) {
    notes.push(
      `Anesthesia conversion factor $${cf} (stated above the header); every rate was checked to be base units × $${cf}.`,
    );
  }
  return {
    dataset: 'state-anesthesia',
    state: 'AZ',
    year: sheetYear ?? null,
    label: `Arizona ICA anesthesia base units${sheetYear === undefined ? '' : ` ${sheetYear}`}`,
    effective: null,
    release: preamble.title ?? null,
    complete: true,
    sources: [sourceInfo(fileName, bytes, records.length, preamble.titleLine)],
    notes,
    cleaned: {},
    dropped: {},
    records,
    conversionFactor: cf,
  };
}

/** a × b rounded half up to cents, exactly ("4" × "61.00" → "244.00"). */
function multiplyToCents(a: string, b: string): string {
  const [aWhole = '0', aFraction = ''] = a.split('.');
  const [bWhole = '0', bFraction = ''] = b.split('.');
  const scale = aFraction.length + bFraction.length;
  const product = BigInt(aWhole + aFraction) * BigInt(bWhole + bFraction);
  const digits = product.toString().padStart(scale + 1, '0');
  const value = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return (toCents(value) as Cents).amount;
}
