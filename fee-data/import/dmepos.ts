/**
 * Importers for the CMS DMEPOS fee schedule and its rural ZIP code list.
 *
 * **Fee schedule** (`DMEPOS26_JAN.csv` and the like): CMS's file has a 6-row preamble before the
 * header; the copies in the reference data start at the header (their source repository removed
 * the preamble). Either is accepted: the header is found by its first cells
 * `HCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor`, followed by a `XX (NR)`, `XX (R)` pair of columns per
 * state or territory (53 in the 2025 and 2026 files: 114 columns with the last, Description).
 * The states are read from the header, not assumed. A record holds one code and modifier pair
 * with its fee in every state ({@link DmeposRecord.fees}), so a 3,500-row file is 3,500 records.
 * The Description column is read past and never kept.
 *
 * The file states no release; it comes from the file name pattern `DMEPOS<yy>_<MON>`
 * (`DMEPOS26_JAN...` is the January 2026 release, whatever follows in the name: the reference
 * data's `DMEPOS26_JAN_full_states__repo_name_TexasRural.csv` is the full all-state file its
 * source repository called TexasRural.csv). A name without the pattern is rejected.
 *
 * Fees are kept as printed ("0.62", "3.9", "44"). A "(R)" fee of 0 is what CMS prints for an
 * item without a separate rural fee.
 *
 * **Rural ZIP list** (`DME Rural ZIP Code Quarter 1 2026.csv`): header
 * `STATE,DMEPOS RURAL ZIP CODE,YEAR/QTR,LOCATION`; the ZIP codes have lost their leading zeros
 * (`1223` is 01223) and are padded back to five digits. YEAR/QTR ("202601") identifies the
 * quarter; every row must have the same one, and a file name that names a quarter must agree.
 */
import {
  blankRowsNote,
  type DmeposDataset,
  type DmeposFee,
  type DmeposRecord,
  type DmeRuralZipDataset,
  type DmeRuralZipRecord,
  isPartialFileName,
  partialFileNote,
  requireUnique,
} from './records-national.js';
import {
  type CsvRow,
  type CsvTable,
  decodeText,
  type FieldRule,
  field,
  findHeader,
  forEachDataRow,
  ImportError,
  padDigits,
  parseCsv,
  RULES,
  readImportFile,
  releaseMonth,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

export type { DmeposDataset, DmeposFee, DmeposRecord, DmeRuralZipDataset, DmeRuralZipRecord };

const LEADING = ['HCPCS', 'Mod', 'Mod2', 'JURIS', 'CATG', 'Ceiling', 'Floor'] as const;

/** "DMEPOS26_JAN", "DMEPOS25_APR25", "dmepos26-jan". */
const FILE_NAME = /DMEPOS[ _-]?(\d{2})[ _-]?(JAN|APR|JUL|OCT)/i;
const STATE_COLUMN = /^([A-Z]{2}) \((NR|R)\)$/;

/** "0.62", "3.9", "44", "0". */
const FEE: FieldRule = { pattern: /^\d{1,7}(\.\d{1,2})?$/, expected: 'an amount in dollars' };
const FEE_OR_EMPTY: FieldRule = {
  pattern: /^(\d{1,7}(\.\d{1,2})?)?$/,
  expected: 'empty or an amount in dollars',
};
const CATEGORY: FieldRule = { pattern: /^[A-Z]{2}$/, expected: 'a two-letter category' };

/**
 * Imports a DMEPOS fee schedule file from disk.
 *
 * @param path - path of a file named like DMEPOS26_JAN.csv
 * @returns one record per code and modifier pair, with its fee in every state
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importDmepos(path: string): DmeposDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseDmepos(bytes, fileName);
}

/**
 * Imports a DMEPOS fee schedule file from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name; it must give the release (DMEPOS26_JAN)
 * @returns one record per code and modifier pair, with its fee in every state
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseDmepos(bytes: Uint8Array, fileName: string): DmeposDataset {
  const name = FILE_NAME.exec(fileName);
  const month = name === null ? undefined : releaseMonth(name[2] ?? '');
  if (name === null || month === undefined) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the file name must give the release, like DMEPOS26_JAN.csv (the file itself does not state it)',
    );
  }
  const year = 2000 + Number(name[1]);
  const table = readTable(bytes, fileName);
  const rows = table.rows;
  const headerIndex = findHeader(
    rows,
    fileName,
    (row) => /^HCPCS$/i.test((row.cells[0] ?? '').trim()) && /^Mod$/i.test((row.cells[1] ?? '').trim()),
    (row) => RULES.hcpcs.pattern.test((row.cells[0] ?? '').trim()),
    `"${LEADING.join(',')},AL (NR),AL (R),..."`,
  );
  const header = rows[headerIndex] as CsvRow;
  const { columns, states, hasDescription } = readHeader(header, fileName);

  const records: DmeposRecord[] = [];
  const seen = new Map<string, number>();
  const blankLines = forEachDataRow(rows, headerIndex + 1, fileName, (row) => {
    requireColumnCount(fileName, row, columns);
    const code = field(fileName, row, 0, 'HCPCS', RULES.hcpcs);
    const modifier = field(fileName, row, 1, 'Mod', RULES.modifier);
    const modifier2 = field(fileName, row, 2, 'Mod2', RULES.modifier);
    const fees: Record<string, DmeposFee> = {};
    for (let s = 0; s < states.length; s++) {
      const c = LEADING.length + 2 * s;
      const nonRural = field(fileName, row, c, columns[c] as string, FEE_OR_EMPTY);
      const rural = field(fileName, row, c + 1, columns[c + 1] as string, FEE_OR_EMPTY);
      fees[states[s] as string] = {
        nonRural: nonRural === '' ? null : nonRural,
        rural: rural === '' ? null : rural,
      };
    }
    const record: DmeposRecord = {
      code,
      modifier,
      modifier2,
      jurisdiction: field(fileName, row, 3, 'JURIS', RULES.letter),
      category: field(fileName, row, 4, 'CATG', CATEGORY),
      ceiling: field(fileName, row, 5, 'Ceiling', FEE),
      floor: field(fileName, row, 6, 'Floor', FEE),
      fees,
      line: row.line,
    };
    const what = [code, modifier, modifier2].filter((part) => part !== '').join('-');
    requireUnique(seen, `${code} ${modifier} ${modifier2}`, what, fileName, row, 1, 'HCPCS');
    records.push(record);
  });
  requireFinalLineBreak(table, fileName);

  const complete = !isPartialFileName(fileName);
  const notes = [
    `The ${month.month} ${year} DMEPOS fee schedule: the release comes from "${name[0]}" in the file name ` +
      '(the file states none).',
    `Fees for ${states.length} states and territories, non-rural (NR) and rural (R); a rural fee of 0 means ` +
      'the item has no separate rural fee.',
  ];
  if (hasDescription) notes.push('The Description column is not imported.');
  if (headerIndex > 0)
    notes.push(`${headerIndex} preamble rows above the header (line ${header.line}) skipped.`);
  if (!complete) notes.push(partialFileNote(fileName, records.length));
  notes.push(...blankRowsNote(blankLines));
  return {
    dataset: 'dmepos',
    year,
    states,
    label: `DMEPOS ${month.month} ${year}`,
    effective: `${year}-${String(month.quarter * 3 - 2).padStart(2, '0')}-01`,
    complete,
    source: sourceInfo(fileName, bytes, records.length),
    notes,
    records,
  };
}

function readTable(bytes: Uint8Array, fileName: string): CsvTable {
  requireNonEmpty(bytes, fileName);
  return parseCsv(decodeText(bytes).text, fileName);
}

/** Reads the header: the leading columns, then (NR)/(R) pairs, then optionally Description. */
function readHeader(
  header: CsvRow,
  file: string,
): { columns: string[]; states: string[]; hasDescription: boolean } {
  const cells = header.cells.map((cell) => cell.trim().replace(/\s+/g, ' '));
  const at = (c: number, problem: string, columnName?: string): ImportError =>
    new ImportError(
      columnName === undefined
        ? { file, line: header.line, column: c + 1 }
        : { file, line: header.line, column: c + 1, columnName },
      problem,
    );
  LEADING.forEach((name, c) => {
    const cell = cells[c];
    if (cell === undefined) throw at(c, `the header ends before the ${name} column`, name);
    if (cell.toLowerCase() !== name.toLowerCase()) {
      throw at(c, `header cell ${JSON.stringify(cell)} is not the expected ${name} column`, name);
    }
  });
  const columns: string[] = [...LEADING];
  const states: string[] = [];
  let c = LEADING.length;
  while (c < cells.length) {
    const cell = cells[c] as string;
    if (c === cells.length - 1 && /^Description$/i.test(cell)) break;
    const nr = STATE_COLUMN.exec(cell);
    if (nr === null || nr[2] !== 'NR') {
      throw at(c, `header cell ${JSON.stringify(cell)} is not a state's non-rural column ("TX (NR)")`);
    }
    const state = nr[1] as string;
    const expected = `${state} (R)`;
    if (cells[c + 1] !== expected) {
      throw at(c + 1, `header cell ${JSON.stringify(cells[c + 1] ?? '')} is not "${expected}"`, expected);
    }
    if (states.includes(state)) throw at(c, `${state} has a second pair of columns`, cell);
    states.push(state);
    columns.push(cell, expected);
    c += 2;
  }
  if (states.length === 0) throw at(LEADING.length, 'the header has no state columns ("AL (NR)", "AL (R)")');
  const hasDescription = c < cells.length;
  if (hasDescription) columns.push('Description');
  return { columns, states, hasDescription };
}

// ---------------------------------------------------------------------------------------------
// Rural ZIP list

const ZIP_COLUMNS = ['STATE', 'DMEPOS RURAL ZIP CODE', 'YEAR/QTR', 'LOCATION'] as const;
const ZIP: FieldRule = { pattern: /^\d{1,5}$/, expected: 'a ZIP code of up to five digits' };
const YEAR_QUARTER: FieldRule = {
  pattern: /^\d{4}0[1-4]$/,
  expected: 'a year and quarter as YYYY0Q ("202601")',
};
/** 00501 (Holtsville, NY) is the lowest ZIP code in use. */
const LOWEST_ZIP = 501;
/** "Quarter 1 2026", "Quarter_1_2026". */
const ZIP_FILE_NAME = /Quarter[ _-]?([1-4])[ _-]?(\d{4})/i;

/**
 * Imports a DMEPOS rural ZIP code file from disk.
 *
 * @param path - path of a file like DME_Rural_ZIP_Code_Quarter_1_2026.csv
 * @returns one record per ZIP code
 * @throws ImportError when any part of the file is not as expected
 */
export function importDmeRuralZip(path: string): DmeRuralZipDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseDmeRuralZip(bytes, fileName);
}

/**
 * Imports a DMEPOS rural ZIP code file from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name (when it names a quarter, it must agree with YEAR/QTR)
 * @returns one record per ZIP code, leading zeros restored
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseDmeRuralZip(bytes: Uint8Array, fileName: string): DmeRuralZipDataset {
  const table = readTable(bytes, fileName);
  const rows = table.rows;
  const header = rows[0] as CsvRow;
  if (
    RULES.state.pattern.test((header.cells[0] ?? '').trim()) &&
    /^\d+$/.test((header.cells[1] ?? '').trim())
  ) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1, columnName: 'STATE' },
      `line 1 is a data row: the header "${ZIP_COLUMNS.join(',')}" is missing`,
    );
  }
  requireColumnCount(fileName, header, ZIP_COLUMNS);
  ZIP_COLUMNS.forEach((name, c) => {
    const cell = (header.cells[c] ?? '').trim().replace(/\s+/g, ' ');
    if (cell.toUpperCase() !== name) {
      throw new ImportError(
        { file: fileName, line: 1, column: c + 1, columnName: name },
        `header cell ${JSON.stringify(cell)} is not the expected ${name} column`,
      );
    }
  });

  const named = ZIP_FILE_NAME.exec(fileName);
  const records: DmeRuralZipRecord[] = [];
  const seen = new Map<string, number>();
  let yearQuarter: string | undefined;
  let padded = 0;
  const short: string[] = [];
  const blankLines = forEachDataRow(rows, 1, fileName, (row) => {
    requireColumnCount(fileName, row, ZIP_COLUMNS);
    const state = field(fileName, row, 0, ZIP_COLUMNS[0], RULES.state);
    const printed = field(fileName, row, 1, ZIP_COLUMNS[1], ZIP);
    const rowQuarter = field(fileName, row, 2, ZIP_COLUMNS[2], YEAR_QUARTER);
    const location = field(fileName, row, 3, ZIP_COLUMNS[3], RULES.nonEmpty);
    if (yearQuarter === undefined) {
      yearQuarter = rowQuarter;
      if (named !== null && rowQuarter !== `${named[2]}0${named[1]}`) {
        throw new ImportError(
          { file: fileName, line: row.line, column: 3, columnName: ZIP_COLUMNS[2] },
          `YEAR/QTR ${rowQuarter} is not the quarter the file name gives (${named[0]})`,
        );
      }
    } else if (rowQuarter !== yearQuarter) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 3, columnName: ZIP_COLUMNS[2] },
        `YEAR/QTR ${rowQuarter} differs from the ${yearQuarter} of the rows above`,
      );
    }
    const zip = padDigits(printed, 5);
    if (printed.length < 5) padded++;
    if (Number(printed) < LOWEST_ZIP) short.push(`${state} ${zip} (line ${row.line})`);
    requireUnique(seen, zip, `ZIP ${zip}`, fileName, row, 2, ZIP_COLUMNS[1]);
    records.push({ state, zip, yearQuarter: rowQuarter, location, line: row.line });
  });
  requireFinalLineBreak(table, fileName);

  const quarterText = yearQuarter as string;
  const year = Number(quarterText.slice(0, 4));
  const quarter = Number(quarterText.slice(5));
  const complete = !isPartialFileName(fileName);
  const notes = [`DMEPOS rural ZIP codes for ${year} quarter ${quarter} (YEAR/QTR ${quarterText}).`];
  if (padded > 0) {
    notes.push(
      `${padded} ZIP codes were printed without their leading zeros and are padded to five digits (1223 → 01223).`,
    );
  }
  if (short.length > 0) {
    notes.push(
      `${short.length} ZIP codes are below 00501, the lowest ZIP code in use, so no claim will match them ` +
        `(kept as printed, padded): ${short.join(', ')}.`,
    );
  }
  if (!complete) notes.push(partialFileNote(fileName, records.length));
  notes.push(...blankRowsNote(blankLines));
  return {
    dataset: 'dme-rural-zip',
    year,
    quarter,
    label: `DMEPOS rural ZIP codes ${year} Q${quarter}`,
    effective: `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`,
    complete,
    source: sourceInfo(fileName, bytes, records.length, quarterText),
    notes,
    records,
  };
}
