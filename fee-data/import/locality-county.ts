/**
 * Importer for the CMS locality–county crosswalk (yyLOCCO.csv): a title ("COUNTIES INCLUDED IN
 * 2025 LOCALITIES ..."), the header on line 3, then localities grouped by state with blank
 * separator rows between states and a footnote at the end.
 *
 * How the file is folded into records (one record per carrier and locality):
 * - The state is written only on a state's first row; the rows after it ("continuation rows")
 *   are further localities of the same state and take the state from the row above.
 * - A row with no carrier and no locality but with counties continues the previous locality's
 *   county list (the 2025 file has none); its counties are appended after "; ".
 * - A row that repeats a carrier and locality already seen is folded into the first one: its
 *   counties are appended if they differ, and a note names the line. The 2025 file lists MAC
 *   05302 locality 99 (rest of Missouri) twice, on lines 96 and 97, identically.
 * CMS's CSV drops leading zeros (MAC 2102 is 02102, locality 0 is 00); they are put back.
 * Asterisks marking the footnote ("Payment locality is serviced by two carriers") are dropped
 * from the area names and the footnote is kept as a note.
 */
import type { ImportedDataset, LocalityCountyRecord } from './records.js';
import {
  type CsvRow,
  decodeText,
  field,
  ImportError,
  isBlankRow,
  padDigits,
  parseCsv,
  RULES,
  readImportFile,
  requireColumnCount,
  requireFinalLineBreak,
  requireNonEmpty,
  sourceInfo,
  stripFootnoteMarks,
} from './text.js';

/** An imported locality–county file. */
export type LocalityCountyDataset = ImportedDataset<LocalityCountyRecord> & {
  readonly dataset: 'locality-county';
};

const COLUMNS = ['MAC', 'LOCALITY NUMBER', 'STATE', 'FEE SCHEDULE AREA', 'COUNTIES'] as const;

/** Header cells; CMS spells "Adminstrative" without the i, so both spellings are accepted. */
const HEADER: readonly RegExp[] = [
  /^Medicare Admini?strative Contractor( \(MAC\))?$/i,
  /^Locality Number$/i,
  /^State$/i,
  /^Fee Schedule Area$/i,
  /^Counties$/i,
];

const TITLE = /COUNTIES INCLUDED IN (\d{4}) LOCALITIES/i;
const HEADER_SEARCH_ROWS = 10;

/** A record being built; counties may still grow. */
interface Draft {
  carrier: string;
  locality: string;
  state: string;
  feeScheduleArea: string;
  counties: string;
  line: number;
}

/**
 * Imports a locality–county crosswalk from disk.
 *
 * @param path - path of a *LOCCO*.csv file
 * @returns one record per carrier and locality
 * @throws ImportError when any part of the file is not as expected
 */
export function importLocalityCounty(path: string): LocalityCountyDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseLocalityCounty(bytes, fileName);
}

/**
 * Imports a locality–county crosswalk from its bytes (see the module comment for how rows are
 * folded into records).
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name, for errors and the source description
 * @returns one record per carrier and locality
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseLocalityCounty(bytes: Uint8Array, fileName: string): LocalityCountyDataset {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;
  const { year, headerIndex } = findTitleAndHeader(rows, fileName);

  const drafts: Draft[] = [];
  const byKey = new Map<string, Draft>();
  const notes: string[] = [];
  let previous: Draft | undefined;
  let footnotesFrom: number | undefined;
  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row = rows[r] as CsvRow;
    if (isBlankRow(row)) continue;
    if (isFootnoteRow(row)) {
      footnotesFrom ??= row.line;
      notes.push((row.cells[0] ?? '').trim().replace(/\s+/g, ' '));
      continue;
    }
    if (footnotesFrom !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1 },
        `a locality row after the footnotes that start on line ${footnotesFrom}`,
      );
    }
    requireColumnCount(fileName, row, COLUMNS);
    const rawCarrier = (row.cells[0] ?? '').trim();
    const rawLocality = (row.cells[1] ?? '').trim();
    const counties = field(fileName, row, 4, 'COUNTIES', RULES.nonEmpty).replace(/\s+/g, ' ');

    if (rawCarrier === '' && rawLocality === '') {
      // Counties continued from the row above.
      if (previous === undefined) {
        throw new ImportError(
          { file: fileName, line: row.line, column: 1, columnName: 'MAC' },
          'the first locality row has no MAC number',
        );
      }
      previous.counties = `${previous.counties}; ${counties}`;
      continue;
    }
    const carrier = padDigits(field(fileName, row, 0, 'MAC', RULES.carrier), 5);
    const locality = padDigits(field(fileName, row, 1, 'LOCALITY NUMBER', RULES.locality), 2);
    let state = (row.cells[2] ?? '').trim();
    if (state === '') {
      if (previous === undefined) {
        throw new ImportError(
          { file: fileName, line: row.line, column: 3, columnName: 'STATE' },
          'the first locality row has no state',
        );
      }
      state = previous.state;
    }
    const feeScheduleArea = stripFootnoteMarks(
      field(fileName, row, 3, 'FEE SCHEDULE AREA', RULES.nonEmpty),
    ).replace(/\s+/g, ' ');

    const key = `${carrier} ${locality}`;
    const earlier = byKey.get(key);
    if (earlier !== undefined) {
      if (earlier.state !== state) {
        throw new ImportError(
          { file: fileName, line: row.line, column: 3, columnName: 'STATE' },
          `MAC ${carrier} locality ${locality} is on line ${earlier.line} for ${earlier.state}, here for ${state}`,
        );
      }
      if (earlier.counties !== counties) earlier.counties = `${earlier.counties}; ${counties}`;
      notes.push(
        `Line ${row.line} repeats MAC ${carrier} locality ${locality} from line ${earlier.line}; folded into one record.`,
      );
      previous = earlier;
      continue;
    }
    const draft: Draft = { carrier, locality, state, feeScheduleArea, counties, line: row.line };
    byKey.set(key, draft);
    drafts.push(draft);
    previous = draft;
  }
  if (drafts.length === 0) {
    throw new ImportError(
      { file: fileName, line: (rows[headerIndex]?.line ?? 0) + 1, column: 1 },
      'no locality rows after the header',
    );
  }
  requireFinalLineBreak(table, fileName);

  const records: LocalityCountyRecord[] = drafts.map((d) => ({ ...d }));
  return {
    dataset: 'locality-county',
    year,
    label: `CY${year} locality-county crosswalk`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes,
    records,
  };
}

/** A footnote row: text in the first cell that is not a MAC number, nothing else. */
function isFootnoteRow(row: CsvRow): boolean {
  const first = (row.cells[0] ?? '').trim();
  return first !== '' && !/^\d/.test(first) && row.cells.slice(1).every((cell) => cell.trim() === '');
}

function findTitleAndHeader(rows: readonly CsvRow[], file: string): { year: number; headerIndex: number } {
  let year: number | undefined;
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const row = rows[i] as CsvRow;
    const first = (row.cells[0] ?? '').trim();
    const title = TITLE.exec(first);
    if (title !== null) year ??= Number(title[1]);
    if (HEADER[0]?.test(first)) {
      requireColumnCount(file, row, COLUMNS);
      HEADER.forEach((pattern, c) => {
        const cell = (row.cells[c] ?? '').trim();
        if (!pattern.test(cell)) {
          throw new ImportError(
            { file, line: row.line, column: c + 1, columnName: COLUMNS[c] },
            `header cell ${JSON.stringify(cell)} is not the expected ${COLUMNS[c]} column`,
          );
        }
      });
      if (year === undefined) {
        throw new ImportError(
          { file, line: 1, column: 1 },
          'no title "COUNTIES INCLUDED IN <year> LOCALITIES" above the header',
        );
      }
      return { year, headerIndex: i };
    }
    if (RULES.carrier.pattern.test(first)) {
      throw new ImportError(
        { file, line: row.line, column: 1 },
        'a locality row comes before the header row "Medicare Adminstrative Contractor,Locality Number,..." (the header is missing)',
      );
    }
  }
  throw new ImportError(
    { file, line: 1, column: 1 },
    `no header row starting "Medicare Adminstrative Contractor" in the first ${HEADER_SEARCH_ROWS} lines`,
  );
}
