/**
 * Importer for the North Carolina Industrial Commission fee schedule export
 * (`state-wc/NC/NC_IC_fee_schedule_export.csv`): header `Code Mod,NCIC Category Assignment,
 * Description,NC Non-Facility Rate,NC Facility Rate` on line 1, one row per code and modifier
 * (the modifier joined to the code: `72148-26`), a row of empty cells at the end. Rates are
 * amounts with two decimals or "UCR or Pay Per Agreement" (status `by-agreement`: no amount).
 * The file does not state its year. Descriptors are not kept.
 */
import {
  type AmountMarker,
  checkHeaderRow,
  combineCells,
  count,
  dataRows,
  headerText,
  type NamedBytes,
  plural,
  readAmountCell,
  readCsv,
  type StateFeeDataset,
  type StateFeeRecord,
  settingPairFields,
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

const COLUMNS = [
  'CODE MOD',
  'NCIC CATEGORY ASSIGNMENT',
  'DESCRIPTION',
  'NC NON-FACILITY RATE',
  'NC FACILITY RATE',
] as const;
const CODE_MOD = /^([A-Z0-9]{5})(?:-([A-Z0-9]{2}))?$/;
const CODE_MOD_RULE: FieldRule = {
  pattern: CODE_MOD,
  expected: 'a code, or a code and modifier like "72148-26"',
};
const MARKERS: readonly AmountMarker[] = [
  { pattern: /^UCR or Pay Per Agreement$/i, label: 'UCR or Pay Per Agreement', status: 'by-agreement' },
];

/**
 * Imports the NC fee schedule export from disk.
 *
 * @param path - path of the CSV export
 * @returns one record per code and modifier
 * @throws ImportError when any part of the file is not as expected
 */
export function importNc(path: string): StateFeeDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseNc(bytes, fileName);
}

/**
 * Imports the NC fee schedule export from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name
 * @returns one record per code and modifier
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseNc(bytes: Uint8Array, fileName: string): StateFeeDataset {
  const file: NamedBytes = { bytes, fileName };
  const table = readCsv(file.bytes, fileName);
  const header = table.rows[0];
  if (header === undefined) throw new ImportError({ file: fileName, line: 1, column: 1 }, 'no header row');
  if (headerText(header.cells[0] ?? '') !== COLUMNS[0]) {
    throw new ImportError(
      { file: fileName, line: header.line, column: 1, columnName: COLUMNS[0] },
      CODE_MOD.test((header.cells[0] ?? '').trim())
        ? 'line 1 is a data row: the header "Code Mod,NCIC Category Assignment,Description,..." is missing'
        : `header cell ${JSON.stringify(headerText(header.cells[0] ?? ''))} is not the expected ${COLUMNS[0]} column`,
    );
  }
  checkHeaderRow(fileName, header, COLUMNS);
  const { rows, trailingBlankLines } = dataRows(table, fileName, 1, COLUMNS);

  const seen = new Map<string, number>();
  const byStatus: Record<string, number> = {};
  const records = rows.map((row: CsvRow): StateFeeRecord => {
    const codeMod = field(fileName, row, 0, COLUMNS[0], CODE_MOD_RULE);
    const match = CODE_MOD.exec(codeMod) as RegExpExecArray;
    const earlier = seen.get(codeMod);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: COLUMNS[0] },
        `${codeMod} is already on line ${earlier}`,
      );
    }
    seen.set(codeMod, row.line);
    const category = field(fileName, row, 1, COLUMNS[1], RULES.nonEmpty);
    const pair = combineCells(
      fileName,
      row,
      { cell: readAmountCell(fileName, row, 3, COLUMNS[3], MARKERS), index: 3, columnName: COLUMNS[3] },
      { cell: readAmountCell(fileName, row, 4, COLUMNS[4], MARKERS), index: 4, columnName: COLUMNS[4] },
    );
    if (pair.status === 'no-amount') field(fileName, row, 3, COLUMNS[3], RULES.nonEmpty); // throws
    count(byStatus, pair.status);
    return {
      state: 'NC',
      code: match[1] as string,
      modifier: match[2] ?? '',
      category,
      ...settingPairFields(pair),
      file: fileName,
      line: row.line,
    };
  });

  const notes = [
    'The file does not state the year or the effective date.',
    `${plural(byStatus.priced ?? 0, 'row')} with non-facility and facility rates; ` +
      `${plural(byStatus['by-agreement'] ?? 0, 'row')} say "UCR or Pay Per Agreement" (status by-agreement, no amount).`,
    'Descriptors are not imported.',
  ];
  if (trailingBlankLines.length > 0) {
    notes.push(
      `${plural(trailingBlankLines.length, 'blank row')} at the end of the file (line ${trailingBlankLines.join(', ')}) skipped.`,
    );
  }
  return {
    dataset: 'state-table',
    state: 'NC',
    year: null,
    label: 'North Carolina Industrial Commission fee schedule (year not stated)',
    effective: null,
    release: null,
    complete: true,
    sources: [sourceInfo(fileName, bytes, records.length)],
    notes,
    cleaned: {},
    dropped: {},
    records,
    conversionFactors: {},
  };
}
