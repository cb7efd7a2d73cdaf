/**
 * Importer for the weekly NADAC (National Average Drug Acquisition Cost) file CMS publishes on
 * data.medicaid.gov. Header on line 1:
 * `"NDC Description",NDC,"NADAC Per Unit","Effective Date","Pricing Unit","Pharmacy Type Indicator",
 * OTC,"Explanation Code","Classification for Rate Setting","Corresponding Generic Drug NADAC Per Unit",
 * "Corresponding Generic Drug Effective Date","As of Date"`, then one row per NDC.
 *
 * The "As of Date" (the same in every row) is the week of the file and identifies the edition;
 * a file name that gives one ("NADAC_asof_2026-04-29") must agree. NDCs are 11 digits; one that
 * lost its leading zeros (a spreadsheet round trip) is padded back and counted in a note. The
 * "NDC Description" is a drug product name (not a CPT descriptor) and is kept.
 */
import {
  blankRowsNote,
  dateField,
  isPartialFileName,
  MM_DD_YYYY,
  type NadacDataset,
  type NadacRecord,
  partialFileNote,
  requireUnique,
} from './records-national.js';
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
} from './text.js';

export type { NadacDataset, NadacRecord };

const COLUMNS = [
  'NDC Description',
  'NDC',
  'NADAC Per Unit',
  'Effective Date',
  'Pricing Unit',
  'Pharmacy Type Indicator',
  'OTC',
  'Explanation Code',
  'Classification for Rate Setting',
  'Corresponding Generic Drug NADAC Per Unit',
  'Corresponding Generic Drug Effective Date',
  'As of Date',
] as const;

const NDC: FieldRule = { pattern: /^\d{1,11}$/, expected: 'an 11-digit NDC' };
/** Dollars a unit, up to five decimals ("0.28527"). */
const PER_UNIT: FieldRule = { pattern: /^\d{1,7}(\.\d{1,5})?$/, expected: 'an amount in dollars a unit' };
const PER_UNIT_OR_EMPTY: FieldRule = {
  pattern: /^(\d{1,7}(\.\d{1,5})?)?$/,
  expected: 'empty or an amount in dollars a unit',
};
const DATE_OR_EMPTY: FieldRule = {
  pattern: /^(\d{2}\/\d{2}\/\d{4})?$/,
  expected: 'empty or a date as MM/DD/YYYY',
};
const PRICING_UNIT: FieldRule = { pattern: /^(EA|ML|GM)$/, expected: 'EA, ML or GM' };
const PHARMACY_TYPE: FieldRule = { pattern: /^[A-Z](\/[A-Z])?$/, expected: 'a pharmacy type ("C/I")' };
const YES_NO: FieldRule = { pattern: /^[YN]$/, expected: '"Y" or "N"' };
const EXPLANATION: FieldRule = {
  pattern: /^\d{1,2}(, ?\d{1,2})*$/,
  expected: 'explanation codes ("1" or "1, 5")',
};
const CLASSIFICATION: FieldRule = { pattern: /^[A-Z][A-Z-]*$/, expected: 'a classification ("G", "B")' };

/** "NADAC_asof_2026-04-29". */
const AS_OF_IN_NAME = /as[ _-]?of[ _-]?(\d{4}-\d{2}-\d{2})/i;

/**
 * Imports a weekly NADAC file from disk.
 *
 * @param path - the file's path
 * @returns one record per NDC
 * @throws ImportError when any part of the file is not as expected
 */
export function importNadac(path: string): NadacDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseNadac(bytes, fileName);
}

/**
 * Imports a weekly NADAC file from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name (a name with "asof_YYYY-MM-DD" must agree with the As of Date)
 * @returns one record per NDC
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseNadac(bytes: Uint8Array, fileName: string): NadacDataset {
  requireNonEmpty(bytes, fileName);
  const table = parseCsv(decodeText(bytes).text, fileName);
  const rows = table.rows;
  checkHeader(rows[0] as CsvRow, fileName);

  const named = AS_OF_IN_NAME.exec(fileName)?.[1];
  const records: NadacRecord[] = [];
  const seen = new Map<string, number>();
  let asOfDate: string | undefined;
  let padded = 0;
  const blankLines = forEachDataRow(rows, 1, fileName, (row) => {
    requireColumnCount(fileName, row, COLUMNS);
    const description = field(fileName, row, 0, COLUMNS[0], RULES.nonEmpty);
    const printedNdc = field(fileName, row, 1, COLUMNS[1], NDC);
    const ndc = padDigits(printedNdc, 11);
    if (printedNdc.length < 11) padded++;
    const perUnit = field(fileName, row, 2, COLUMNS[2], PER_UNIT);
    const effectiveDate = dateField(fileName, row, 3, COLUMNS[3], MM_DD_YYYY);
    const pricingUnit = field(fileName, row, 4, COLUMNS[4], PRICING_UNIT);
    const pharmacyType = field(fileName, row, 5, COLUMNS[5], PHARMACY_TYPE);
    const otc = field(fileName, row, 6, COLUMNS[6], YES_NO);
    const explanationCode = field(fileName, row, 7, COLUMNS[7], EXPLANATION);
    const classification = field(fileName, row, 8, COLUMNS[8], CLASSIFICATION);
    const genericPerUnit = field(fileName, row, 9, COLUMNS[9], PER_UNIT_OR_EMPTY);
    const genericDate = field(fileName, row, 10, COLUMNS[10], DATE_OR_EMPTY);
    if ((genericPerUnit === '') !== (genericDate === '')) {
      const missing = genericPerUnit === '' ? 9 : 10;
      throw new ImportError(
        { file: fileName, line: row.line, column: missing + 1, columnName: COLUMNS[missing] },
        'the corresponding generic drug has a price without a date or a date without a price',
      );
    }
    const genericEffectiveDate =
      genericDate === '' ? null : dateField(fileName, row, 10, COLUMNS[10], MM_DD_YYYY);
    const rowAsOf = dateField(fileName, row, 11, COLUMNS[11], MM_DD_YYYY);
    if (asOfDate === undefined) {
      asOfDate = rowAsOf;
      if (named !== undefined && named !== rowAsOf) {
        throw new ImportError(
          { file: fileName, line: row.line, column: 12, columnName: COLUMNS[11] },
          `the As of Date is ${rowAsOf}, but the file name says ${named}`,
        );
      }
    } else if (rowAsOf !== asOfDate) {
      throw new ImportError(
        { file: fileName, line: row.line, column: 12, columnName: COLUMNS[11] },
        `the As of Date ${rowAsOf} differs from the ${asOfDate} of the rows above`,
      );
    }
    requireUnique(seen, ndc, `NDC ${ndc}`, fileName, row, 2, COLUMNS[1]);
    records.push({
      ndc,
      description,
      perUnit,
      effectiveDate,
      pricingUnit,
      pharmacyType,
      otc,
      explanationCode,
      classification,
      genericPerUnit: genericPerUnit === '' ? null : genericPerUnit,
      genericEffectiveDate,
      asOfDate: rowAsOf,
      line: row.line,
    });
  });
  requireFinalLineBreak(table, fileName);

  const week = asOfDate as string;
  const complete = !isPartialFileName(fileName);
  const notes = [
    `NADAC as of ${week} (the As of Date of every row); each NDC's price has its own effective date.`,
  ];
  if (padded > 0) notes.push(`${padded} NDCs had lost their leading zeros and are padded to 11 digits.`);
  if (!complete) notes.push(partialFileNote(fileName, records.length));
  notes.push(...blankRowsNote(blankLines));
  return {
    dataset: 'nadac',
    year: Number(week.slice(0, 4)),
    asOfDate: week,
    label: `NADAC as of ${week}`,
    effective: week,
    complete,
    source: sourceInfo(fileName, bytes, records.length, `As of ${week}`),
    notes,
    records,
  };
}

function checkHeader(row: CsvRow | undefined, file: string): void {
  if (row === undefined) throw new ImportError({ file, line: 1, column: 1 }, 'no header row');
  if (/^\d{9,11}$/.test((row.cells[1] ?? '').trim())) {
    throw new ImportError(
      { file, line: row.line, column: 1, columnName: COLUMNS[0] },
      'line 1 is a data row: the header "NDC Description,NDC,NADAC Per Unit,..." is missing',
    );
  }
  requireColumnCount(file, row, COLUMNS);
  COLUMNS.forEach((name, c) => {
    const cell = (row.cells[c] ?? '').trim().replace(/\s+/g, ' ');
    if (cell.toLowerCase() !== name.toLowerCase()) {
      throw new ImportError(
        { file, line: row.line, column: c + 1, columnName: name },
        `header cell ${JSON.stringify(cell)} is not the expected ${name} column`,
      );
    }
  });
}
