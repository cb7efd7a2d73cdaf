/**
 * Importer for the CMS locality-adjusted anesthesia conversion factors (ANES<YYYY>.csv): header
 * `Contractor,Locality,Locality Name,National Anes CF of 20.3178` on line 1, one row per locality
 * with trailing spaces in the cells (`12102 ,01 ,DELAWARE,20.36 `), a blank row at the end.
 *
 * The year is only in the file name. The national conversion factor is only in the header; it is
 * kept on the data set ({@link AnesthesiaCfDataset.nationalConversionFactor}) and in a note.
 */
import type { AnesthesiaCfRecord, ImportedDataset } from './records.js';
import {
  type CsvRow,
  decodeText,
  type FieldRule,
  field,
  forEachDataRow,
  ImportError,
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

/** An imported anesthesia CF file, with the national CF its header states. */
export type AnesthesiaCfDataset = ImportedDataset<AnesthesiaCfRecord> & {
  readonly dataset: 'anesthesia-cf';
  /** The national anesthesia CF from the header ("20.3178"). */
  readonly nationalConversionFactor: string;
};

const COLUMNS = ['CONTRACTOR', 'LOCALITY', 'LOCALITY NAME', 'ANESTHESIA CF'] as const;
const HEADER: readonly RegExp[] = [
  /^Contractor$/i,
  /^Locality$/i,
  /^Locality Name$/i,
  /^National Anes CF of (\d+\.\d+)$/i,
];
const FILE_NAME = /ANES_?(\d{4})/i;
/** Locality CFs are printed with two decimals ("20.36"). */
const CF: FieldRule = { pattern: /^\d{1,3}\.\d{2}$/, expected: 'a conversion factor with two decimals' };

/**
 * Imports an anesthesia CF file from disk.
 *
 * @param path - path of an ANES<YYYY>.csv file
 * @returns one record per locality
 * @throws ImportError when any part of the file (or its name) is not as expected
 */
export function importAnesthesiaCf(path: string): AnesthesiaCfDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseAnesthesiaCf(bytes, fileName);
}

/**
 * Imports an anesthesia CF file from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name; it must give the year (ANES2025.csv)
 * @returns one record per locality, and the national CF from the header
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseAnesthesiaCf(bytes: Uint8Array, fileName: string): AnesthesiaCfDataset {
  const nameMatch = FILE_NAME.exec(fileName);
  if (nameMatch === null) {
    throw new ImportError(
      { file: fileName, line: 1, column: 1 },
      'the file name must give the year, like ANES2025.csv (the file itself does not)',
    );
  }
  const year = Number(nameMatch[1]);
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;
  const nationalConversionFactor = readHeader(rows[0], fileName);

  const records: AnesthesiaCfRecord[] = [];
  const seen = new Map<string, number>();
  forEachDataRow(rows, 1, fileName, (row) => {
    requireColumnCount(fileName, row, COLUMNS);
    const carrier = padDigits(field(fileName, row, 0, 'CONTRACTOR', RULES.carrier), 5);
    const locality = padDigits(field(fileName, row, 1, 'LOCALITY', RULES.locality), 2);
    const record: AnesthesiaCfRecord = {
      carrier,
      locality,
      name: stripFootnoteMarks(field(fileName, row, 2, 'LOCALITY NAME', RULES.nonEmpty)),
      conversionFactor: field(fileName, row, 3, 'ANESTHESIA CF', CF),
      line: row.line,
    };
    const key = `${carrier} ${locality}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 2, columnName: 'LOCALITY' },
        `contractor ${carrier} locality ${locality} is already on line ${earlier}`,
      );
    }
    seen.set(key, row.line);
    records.push(record);
  });
  requireFinalLineBreak(table, fileName);

  return {
    dataset: 'anesthesia-cf',
    year,
    label: `CY${year} anesthesia conversion factors`,
    effective: `${year}-01-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length),
    notes: [
      `National anesthesia conversion factor ${nationalConversionFactor} (from the header).`,
      'The year comes from the file name; the file does not state it.',
    ],
    records,
    nationalConversionFactor,
  };
}

/** Checks the header and returns the national CF it states. */
function readHeader(row: CsvRow | undefined, file: string): string {
  if (row === undefined) throw new ImportError({ file, line: 1, column: 1 }, 'no header row');
  if (RULES.carrier.pattern.test((row.cells[0] ?? '').trim())) {
    throw new ImportError(
      { file, line: row.line, column: 1, columnName: 'CONTRACTOR' },
      'line 1 is a data row: the header "Contractor,Locality,Locality Name,National Anes CF of ..." is missing',
    );
  }
  requireColumnCount(file, row, COLUMNS);
  let national = '';
  HEADER.forEach((pattern, c) => {
    const cell = (row.cells[c] ?? '').trim();
    const match = pattern.exec(cell);
    if (match === null) {
      throw new ImportError(
        { file, line: row.line, column: c + 1, columnName: COLUMNS[c] },
        `header cell ${JSON.stringify(cell)} is not the expected ${COLUMNS[c]} column`,
      );
    }
    national = match[1] ?? national;
  });
  return national;
}
