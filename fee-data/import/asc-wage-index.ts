/**
 * Importer for the ASC wage index of a calendar year as the ASC pricer data carries it: CY2025 as
 * tab-separated text (`CBSA<TAB>CBSA Name<TAB>WI25`, names with commas in double quotes), CY2026 as
 * CSV (`CBSA,CBSA Name,WI26`). Two-digit areas are a state's rural area, five-digit ones CBSAs.
 *
 * The CY2025 file lists 27 areas twice with different values (01 ALABAMA 0.6471 and 0.7158) and
 * does not say which applies. Both rows are kept, numbered by `seq`, and the data set's notes name
 * every such area: the engine refuses to choose between them (a line in such an area is unpriced
 * with the reason), since choosing either would be a guess.
 */
import type { AscDataset, AscWageIndexRecord } from './records-asc.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  ImportError,
  isBlankRow,
  parseCsv,
  readImportFile,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

const CBSA: FieldRule = {
  pattern: /^(\d{2}|\d{5})$/,
  expected: 'a CBSA (five digits) or a rural area (two digits)',
};
/** Empty for an area listed without a value (CY2025: 31 NEW JERSEY and 41 RHODE ISLAND, states without rural areas). */
const WAGE_INDEX: FieldRule = {
  pattern: /^(\d(\.\d{1,4})?)?$/,
  expected: 'empty or a wage index such as "0.9786"',
};
const COLUMNS = ['CBSA', 'CBSA Name', 'WI<yy>'] as const;

/** Splits tab-separated text into rows with physical lines; a cell in double quotes loses them. */
function parseTabs(text: string): CsvRow[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l, i) => ({
    line: i + 1,
    cells: l.split('\t').map((c) => (/^".*"$/.test(c) ? c.slice(1, -1).replace(/""/g, '"') : c)),
  }));
}

/**
 * Imports an ASC wage index file.
 *
 * @param path - `ASC_wage_index_CY2025.txt` (tabs) or `ASC_wage_index_CY2026.csv`
 * @returns the data set, in force from January 1 of the year its WIyy column names
 * @throws ImportError naming the line and column of anything unexpected
 */
export function importAscWageIndex(path: string): AscDataset {
  const { bytes, fileName } = readImportFile(path);
  requireNonEmpty(bytes, fileName);
  const text = decodeText(bytes).text;
  const table = /\.txt$/i.test(fileName) ? undefined : parseCsv(text, fileName);
  if (table) requireFinalLineBreak(table, fileName);
  const rows = table ? table.rows : parseTabs(text);
  const header = rows[0];
  const wi = /^WI(\d{2})$/.exec((header?.cells[2] ?? '').trim());
  if (header?.cells[0]?.trim() !== 'CBSA' || header.cells[1]?.trim() !== 'CBSA Name' || !wi) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the header is not "CBSA, CBSA Name, WI<yy>"',
    );
  }
  const year = 2000 + Number(wi[1]);
  const records: AscWageIndexRecord[] = [];
  const byCbsa = new Map<string, AscWageIndexRecord[]>();
  let blankAt: number | undefined;
  for (const row of rows.slice(1)) {
    if (isBlankRow(row)) {
      blankAt ??= row.line;
      continue;
    }
    if (blankAt !== undefined) {
      throw new ImportError(
        { file: fileName, line: blankAt, column: 1 },
        'blank row inside the data (only blank rows at the end of the file are skipped)',
      );
    }
    requireColumnCount(fileName, row, COLUMNS);
    const cbsa = field(fileName, row, 0, 'CBSA', CBSA);
    const same = byCbsa.get(cbsa) ?? [];
    const record: AscWageIndexRecord = {
      cbsa,
      seq: same.length,
      name: (row.cells[1] ?? '').trim(),
      wageIndex: field(fileName, row, 2, `WI${wi[1]}`, WAGE_INDEX),
      line: row.line,
    };
    same.push(record);
    byCbsa.set(cbsa, same);
    records.push(record);
  }
  if (records.length === 0) {
    throw new ImportError({ file: fileName, line: 2, column: 1 }, 'no data rows after the header');
  }
  const twice = [...byCbsa.values()].filter((rs) => new Set(rs.map((r) => r.wageIndex)).size > 1);
  const notes = twice.length
    ? [
        `${twice.length} areas are listed more than once with different values, and the file does not say which applies: ${twice
          .map((rs) => `${rs[0]?.cbsa} (${rs.map((r) => `${r.wageIndex} line ${r.line}`).join(', ')})`)
          .join('; ')}. A line in one of these areas is not priced.`,
      ]
    : [];
  return {
    dataset: 'asc-wage-index',
    year,
    label: `ASC wage index CY${year}`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length, `CY${year}`),
    notes,
    records,
  };
}
