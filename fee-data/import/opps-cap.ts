/**
 * Importer for the CMS OPPS cap file (OPPSCAP_<Mon><YYYY>.csv): for codes whose physician fee
 * schedule PE payment is capped at the OPPS amount, the capped facility and non-facility price
 * by carrier and locality. Header on line 1 (with CMS's "NON-FACILTY" typo), one row per code,
 * modifier, carrier and locality.
 *
 * The file states neither its year nor its release, so both come from the file name, and a file
 * whose name does not say them is rejected. The 2025 October file ends with a row of empty cells
 * (",,,,,,", line 16102); blank rows at the end are skipped and counted in a note, blank rows
 * anywhere else are an error.
 */
import type { ImportedDataset, OppsCapRecord } from './records.js';
import {
  type CsvRow,
  decodeText,
  field,
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

/** An imported OPPS cap file. */
export type OppsCapDataset = ImportedDataset<OppsCapRecord> & { readonly dataset: 'opps-cap' };

const COLUMNS = [
  'HCPCS',
  'MOD',
  'PROCSTAT',
  'CARRIER',
  'LOCALITY',
  'FACILITY PRICE',
  'NON-FACILITY PRICE',
] as const;
/** Header cells as CMS writes them; the corrected spelling of "NON-FACILTY" is accepted too. */
const HEADER: readonly RegExp[] = [
  /^HCPCS$/i,
  /^MOD$/i,
  /^PROCSTAT$/i,
  /^CARRIER$/i,
  /^LOCALITY$/i,
  /^FACILITY PRICE$/i,
  /^NON-FACILI?TY PRICE$/i,
];

/** "OPPSCAP_Oct2025.csv", "OPPSCAP_OCT_2025.csv", "oppscap_october2025.csv". */
const FILE_NAME = /OPPSCAP_?([A-Za-z]+?)_?(\d{4})/i;

/**
 * Imports an OPPS cap file from disk.
 *
 * @param path - path of an OPPSCAP_<Mon><YYYY>.csv file
 * @returns one record per code, modifier, carrier and locality
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importOppsCap(path: string): OppsCapDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseOppsCap(bytes, fileName);
}

/**
 * Imports an OPPS cap file from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name; it must state the release month and year (OPPSCAP_Oct2025)
 * @returns one record per code, modifier, carrier and locality
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseOppsCap(bytes: Uint8Array, fileName: string): OppsCapDataset {
  const nameMatch = FILE_NAME.exec(fileName);
  const month = nameMatch === null ? undefined : releaseMonth(nameMatch[1] ?? '');
  if (nameMatch === null || month === undefined) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the file name must give the release month and year, like OPPSCAP_Oct2025.csv (the file itself states neither)',
    );
  }
  const year = Number(nameMatch[2]);
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;
  const header = rows[0] as CsvRow;
  checkHeader(header, fileName);

  const records: OppsCapRecord[] = [];
  const seen = new Map<string, number>();
  const blankLines = forEachDataRow(rows, 1, fileName, (row) => {
    requireColumnCount(fileName, row, COLUMNS);
    const record: OppsCapRecord = {
      code: field(fileName, row, 0, 'HCPCS', RULES.hcpcs),
      modifier: field(fileName, row, 1, 'MOD', RULES.modifier),
      procedureStatus: field(fileName, row, 2, 'PROCSTAT', RULES.letter),
      carrier: padDigits(field(fileName, row, 3, 'CARRIER', RULES.carrier), 5),
      locality: padDigits(field(fileName, row, 4, 'LOCALITY', RULES.locality), 2),
      facilityPrice: field(fileName, row, 5, 'FACILITY PRICE', RULES.money),
      nonFacilityPrice: field(fileName, row, 6, 'NON-FACILITY PRICE', RULES.money),
      line: row.line,
    };
    const key = `${record.code} ${record.modifier} ${record.carrier} ${record.locality}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 1, columnName: 'HCPCS' },
        `${record.code}${record.modifier === '' ? '' : `-${record.modifier}`} for MAC ${record.carrier} ` +
          `locality ${record.locality} is already on line ${earlier}`,
      );
    }
    seen.set(key, row.line);
    records.push(record);
  });
  requireFinalLineBreak(table, fileName);

  const notes = [
    `The ${month.month} ${year} release of the CY${year} OPPS cap (the release and year come from the file name).`,
  ];
  if (blankLines.length > 0) {
    notes.push(
      `${blankLines.length} blank row${blankLines.length === 1 ? '' : 's'} at the end of the file ` +
        `(line ${blankLines.join(', ')}) skipped.`,
    );
  }
  return {
    dataset: 'opps-cap',
    year,
    label: `OPPS cap CY${year} (${month.month} ${year} release)`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes,
    records,
  };
}

function checkHeader(row: CsvRow | undefined, file: string): void {
  if (row === undefined) throw new ImportError({ file, line: 1, column: 1 }, 'no header row');
  const first = (row.cells[0] ?? '').trim();
  // "HCPCS" itself is five letters, so it also fits the code pattern.
  if (first.toUpperCase() !== 'HCPCS' && RULES.hcpcs.pattern.test(first)) {
    throw new ImportError(
      { file, line: row.line, column: 1, columnName: 'HCPCS' },
      'line 1 is a data row: the header "HCPCS,MOD,PROCSTAT,CARRIER,LOCALITY,FACILITY PRICE,NON-FACILTY PRICE" is missing',
    );
  }
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
}
