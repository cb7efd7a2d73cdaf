/**
 * Importer for NCCI medically unlikely edits (MUE), in two forms:
 *
 * - **CMS's CSV** (`MCR_MUE_PractitionerServices_Eff_07-01-2026.csv`): a copyright notice in one
 *   quoted cell spanning several lines, then the header `"HCPCS/<line break>CPT Code",
 *   Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale` (its first cell
 *   holds a line break), then one code a row. The adjudication indicator is written with its
 *   meaning ("2 Date of Service Edit: Policy"); the digit is kept and the words are checked
 *   against it. The second column's name says which table the file is (practitioner, outpatient
 *   hospital, DME supplier). The file states no date: the effective date comes from the file
 *   name (`Eff_07-01-2026`), and a name without one is rejected.
 * - **The undated derived CSV** of the reference data (`mue_practitioner_derived.csv`, header
 *   `hcpcs,mue_value,mai,mue_rationale`), converted from a web app's JSON bundle. It states no
 *   date; the data set says so in its notes and starts at the start of MUEs (2007-01-01). Which
 *   table it is comes from the file name ("practitioner").
 */
import { dayNumber } from '../../lambdas/fee-index/header.js';
import {
  blankRowsNote,
  isPartialFileName,
  type MueDataset,
  type MueRecord,
  partialFileNote,
  requireUnique,
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

export type { MueDataset, MueRecord };

/** The first day of MUEs (January 2007): the undated form's edition starts here. */
export const MUE_START = '2007-01-01';

const CMS_COLUMNS = ['HCPCS/CPT Code', 'MUE Values', 'MUE Adjudication Indicator', 'MUE Rationale'] as const;
const DERIVED_COLUMNS = ['hcpcs', 'mue_value', 'mai', 'mue_rationale'] as const;

const MUE_VALUE: FieldRule = { pattern: /^\d{1,5}$/, expected: 'a whole number of units' };
const MAI_DIGIT: FieldRule = { pattern: /^[123]$/, expected: 'an adjudication indicator 1, 2 or 3' };
const MAI_CMS: FieldRule = {
  pattern: /^[123](\s+\S.*)?$/,
  expected: 'an adjudication indicator 1, 2 or 3 (with its meaning, "2 Date of Service Edit: Policy")',
};
/** What CMS writes after each indicator digit. */
const MAI_MEANING: Readonly<Record<string, RegExp>> = {
  '1': /^Line Edit$/i,
  '2': /^Date of Service Edit:\s*Policy$/i,
  '3': /^Date of Service Edit:\s*Clinical$/i,
};
const MAI_MEANING_TEXT: Readonly<Record<string, string>> = {
  '1': 'Line Edit',
  '2': 'Date of Service Edit: Policy',
  '3': 'Date of Service Edit: Clinical',
};

/** "Eff_07-01-2026" in CMS's file names. */
const EFFECTIVE_IN_NAME = /Eff_(\d{2})-(\d{2})-(\d{4})/i;

/**
 * Imports an MUE file from disk, in either form.
 *
 * @param path - the file's path
 * @returns one record per code
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importMue(path: string): MueDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseMue(bytes, fileName);
}

/**
 * Imports an MUE file from its bytes. A file whose first line is `hcpcs,mue_value,...` is the
 * derived form; anything else is read as CMS's CSV.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name (CMS form: it gives the effective date; derived form: the table)
 * @returns one record per code
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseMue(bytes: Uint8Array, fileName: string): MueDataset {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const first = table.rows[0];
  const derived = first !== undefined && (first.cells[0] ?? '').trim().toLowerCase() === DERIVED_COLUMNS[0];
  const dataset = derived ? readDerived(table.rows, bytes, fileName) : readCms(table.rows, bytes, fileName);
  requireFinalLineBreak(table, fileName);
  return dataset;
}

const isCode = (row: CsvRow): boolean => RULES.hcpcs.pattern.test((row.cells[0] ?? '').trim());

function readCms(rows: readonly CsvRow[], bytes: Uint8Array, file: string): MueDataset {
  const date = EFFECTIVE_IN_NAME.exec(file);
  if (date === null) {
    throw new ImportError(
      { file, line: 1, column: 1 },
      'the file name must give the effective date, like MCR_MUE_PractitionerServices_Eff_07-01-2026.csv ' +
        '(the file itself does not state it)',
    );
  }
  const effective = `${date[3]}-${date[1]}-${date[2]}`;
  if (Number.isNaN(dayNumber(effective))) {
    throw new ImportError(
      { file, line: 1, column: 1 },
      `the file name's date ${date[0]} is not a calendar date`,
    );
  }

  const headerIndex = findHeader(
    rows,
    file,
    (row) => /^HCPCS\s*\/\s*CPT Code$/i.test((row.cells[0] ?? '').trim()),
    isCode,
    '"HCPCS/CPT Code,... MUE Values,MUE Adjudication Indicator,MUE Rationale"',
  );
  const header = rows[headerIndex] as CsvRow;
  requireColumnCount(file, header, CMS_COLUMNS);
  const valuesName = (header.cells[1] ?? '').trim().replace(/\s+/g, ' ');
  const services = /^(.+?) MUE Values$/i.exec(valuesName)?.[1];
  if (services === undefined) {
    throw new ImportError(
      { file, line: header.line, column: 2, columnName: 'MUE Values' },
      `header cell ${JSON.stringify(valuesName)} is not "<table> MUE Values" ("Practitioner Services MUE Values")`,
    );
  }
  [/^MUE Adjudication Indicator$/i, /^MUE Rationale$/i].forEach((pattern, k) => {
    const cell = (header.cells[k + 2] ?? '').trim();
    if (!pattern.test(cell)) {
      throw new ImportError(
        { file, line: header.line, column: k + 3, columnName: CMS_COLUMNS[k + 2] },
        `header cell ${JSON.stringify(cell)} is not "${CMS_COLUMNS[k + 2]}"`,
      );
    }
  });

  const records: MueRecord[] = [];
  const seen = new Map<string, number>();
  const blankLines = forEachDataRow(rows, headerIndex + 1, file, (row) => {
    requireColumnCount(file, row, CMS_COLUMNS);
    const code = field(file, row, 0, CMS_COLUMNS[0], RULES.hcpcs);
    const mueValue = field(file, row, 1, CMS_COLUMNS[1], MUE_VALUE);
    const maiCell = field(file, row, 2, CMS_COLUMNS[2], MAI_CMS);
    const mai = maiCell.charAt(0) as MueRecord['mai'];
    const meaning = maiCell.slice(1).trim();
    if (meaning !== '' && !(MAI_MEANING[mai] as RegExp).test(meaning)) {
      throw new ImportError(
        { file, line: row.line, column: 3, columnName: CMS_COLUMNS[2] },
        `${JSON.stringify(maiCell)}: indicator ${mai} means "${MAI_MEANING_TEXT[mai]}", not ${JSON.stringify(meaning)}`,
      );
    }
    const rationale = field(file, row, 3, CMS_COLUMNS[3], RULES.nonEmpty);
    requireUnique(seen, code, code, file, row, 1, CMS_COLUMNS[0]);
    records.push({ code, mueValue, mai, rationale, line: row.line });
  });

  const year = Number(date[3]);
  const complete = !isPartialFileName(file);
  const notes = [`${services} MUEs effective ${effective} (the date comes from the file name).`];
  if (!complete) notes.push(partialFileNote(file, records.length));
  notes.push(...blankRowsNote(blankLines));
  return {
    dataset: 'mue',
    form: 'cms',
    dated: true,
    services,
    year,
    label: `MUE ${services} effective ${effective}`,
    effective,
    complete,
    source: sourceInfo(file, bytes, records.length, `Eff ${date[1]}-${date[2]}-${date[3]}`),
    notes,
    records,
  };
}

function readDerived(rows: readonly CsvRow[], bytes: Uint8Array, file: string): MueDataset {
  const services = /practitioner/i.test(file)
    ? 'Practitioner Services'
    : /outpatient|hospital/i.test(file)
      ? 'Outpatient Hospital Services'
      : /dme/i.test(file)
        ? 'DME Supplier Services'
        : undefined;
  if (services === undefined) {
    throw new ImportError(
      { file, line: 1, column: 1 },
      'the file name must say which MUE table the file is ("practitioner", "outpatient hospital" or "DME"): ' +
        'the derived form does not state it',
    );
  }
  const header = rows[0] as CsvRow;
  requireColumnCount(file, header, DERIVED_COLUMNS);
  DERIVED_COLUMNS.forEach((name, c) => {
    const cell = (header.cells[c] ?? '').trim();
    if (cell.toLowerCase() !== name) {
      throw new ImportError(
        { file, line: header.line, column: c + 1, columnName: name },
        `header cell ${JSON.stringify(cell)} is not "${name}"`,
      );
    }
  });

  const records: MueRecord[] = [];
  const seen = new Map<string, number>();
  const blankLines = forEachDataRow(rows, 1, file, (row) => {
    requireColumnCount(file, row, DERIVED_COLUMNS);
    const code = field(file, row, 0, DERIVED_COLUMNS[0], RULES.hcpcs);
    const mueValue = field(file, row, 1, DERIVED_COLUMNS[1], MUE_VALUE);
    const mai = field(file, row, 2, DERIVED_COLUMNS[2], MAI_DIGIT) as MueRecord['mai'];
    const rationale = field(file, row, 3, DERIVED_COLUMNS[3], RULES.nonEmpty);
    requireUnique(seen, code, code, file, row, 1, DERIVED_COLUMNS[0]);
    records.push({ code, mueValue, mai, rationale, line: row.line });
  });

  const complete = !isPartialFileName(file);
  const notes = [
    `UNDATED: the file states no effective date, so its MUEs are treated as in force on every date of service (from ${MUE_START}, the start of MUEs).`,
    `Medicare ${services.toLowerCase()} MUEs converted from a web app bundle (RaidenExn/cpt-validator-webapp); the quarter ` +
      'is not stated: the bundle is tagged 2026-04-02, so probably the April 2026 release (unverified).',
  ];
  if (!complete) notes.push(partialFileNote(file, records.length));
  notes.push(...blankRowsNote(blankLines));
  return {
    dataset: 'mue',
    form: 'derived',
    dated: false,
    services,
    year: 2026,
    label: `MUE ${services}, undated (probably April 2026)`,
    effective: MUE_START,
    complete,
    source: sourceInfo(file, bytes, records.length),
    notes,
    records,
  };
}
