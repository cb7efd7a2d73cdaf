/**
 * Importer for the CMS ZIP code to carrier/locality file (ZIP5_<MON><YYYY>.txt): fixed-width
 * 80-character records, no header, CRLF line endings. The layout (ZIP5lyout.txt) is:
 *
 * | columns | field |
 * |---|---|
 * | 1–2 | state |
 * | 3–7 | ZIP code |
 * | 8–12 | carrier |
 * | 13–14 | pricing locality |
 * | 15 | rural indicator (blank urban, R rural, B super rural) |
 * | 16–17 | beneficiary lab competitive bid locality |
 * | 18 | rural indicator 2 (the 2006 MSA-based one) |
 * | 19–20 | filler |
 * | 21 | plus four flag |
 * | 23 | Part B payment indicator |
 * | 24–75 | filler |
 * | 76–80 | year and quarter, YYYYQ |
 *
 * Column 22 is not in the layout and is blank in the file. Fillers must be blank: text there
 * would mean the layout has changed under us. Rural indicator 2 is validated but not kept: it is
 * a 2006 classification that no pricing rule uses (the record type has no field for it).
 */
import type { ImportedDataset, Zip5Record } from './records.js';
import {
  decodeText,
  type FieldRule,
  ImportError,
  RELEASE_MONTHS,
  readImportFile,
  requireNonEmpty,
  sourceInfo,
} from './text.js';

/** An imported ZIP5 file. */
export type Zip5Dataset = ImportedDataset<Zip5Record> & { readonly dataset: 'zip5' };

const RECORD_LENGTH = 80;

interface FixedField {
  readonly name: string;
  /** 1-based first character. */
  readonly start: number;
  /** 1-based last character. */
  readonly end: number;
  readonly rule: FieldRule;
}

const BLANK: FieldRule = { pattern: /^ *$/, expected: 'blank (filler)' };
const RURAL: FieldRule = { pattern: /^[ RB]$/, expected: 'blank, "R" or "B"' };

const FIELDS = {
  state: {
    name: 'STATE',
    start: 1,
    end: 2,
    rule: { pattern: /^[A-Z]{2}$/, expected: 'a two-letter state code' },
  },
  zip: {
    name: 'ZIP CODE',
    start: 3,
    end: 7,
    rule: { pattern: /^\d{5}$/, expected: 'a five-digit ZIP code' },
  },
  carrier: {
    name: 'CARRIER',
    start: 8,
    end: 12,
    rule: { pattern: /^\d{5}$/, expected: 'a five-digit carrier' },
  },
  locality: {
    name: 'PRICING LOCALITY',
    start: 13,
    end: 14,
    rule: { pattern: /^\d{2}$/, expected: 'a two-digit locality' },
  },
  rural: { name: 'RURAL INDICATOR', start: 15, end: 15, rule: RURAL },
  labCb: {
    name: 'BENE LAB CB LOCALITY',
    start: 16,
    end: 17,
    rule: { pattern: /^[A-Z0-9]{2}$/, expected: 'a two-character lab locality (Z1, Z2, Z9)' },
  },
  rural2: { name: 'RURAL INDICATOR2', start: 18, end: 18, rule: RURAL },
  filler1: { name: 'FILLER', start: 19, end: 20, rule: BLANK },
  plusFour: {
    name: 'PLUS FOUR FLAG',
    start: 21,
    end: 21,
    rule: { pattern: /^[01]$/, expected: '"0" or "1"' },
  },
  unnamed: { name: 'UNUSED', start: 22, end: 22, rule: BLANK },
  partB: {
    name: 'PART B PAYMENT INDICATOR',
    start: 23,
    end: 23,
    rule: { pattern: /^[A-Z0-9 ]$/, expected: 'a one-character indicator' },
  },
  filler2: { name: 'FILLER', start: 24, end: 75, rule: BLANK },
  yearQuarter: {
    name: 'YEAR/QUARTER',
    start: 76,
    end: 80,
    rule: { pattern: /^\d{4}[1-4]$/, expected: 'a year and quarter YYYYQ' },
  },
} as const satisfies Record<string, FixedField>;

/**
 * Imports a ZIP5 file from disk.
 *
 * @param path - path of a ZIP5_*.txt file
 * @returns one record per ZIP code
 * @throws ImportError when any part of the file is not as expected
 */
export function importZip5(path: string): Zip5Dataset {
  const { bytes, fileName } = readImportFile(path);
  return parseZip5(bytes, fileName);
}

/**
 * Imports a ZIP5 file from its bytes. Errors give the character position in the line as the
 * column.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name, for errors and the source description
 * @returns one record per ZIP code
 * @throws ImportError naming file, line and character position when any part of the file is
 *   not as expected
 */
export function parseZip5(bytes: Uint8Array, fileName: string): Zip5Dataset {
  requireNonEmpty(bytes, fileName);
  const content = decodeText(bytes).text;
  const lines = content.split(/\r\n|\n|\r/);
  // A file that ends with a line break splits into a last empty string; one that does not was
  // most likely cut off (possibly right after a record that still looks whole).
  const endsWithLineBreak = lines[lines.length - 1] === '';
  if (endsWithLineBreak) lines.pop();

  const records: Zip5Record[] = [];
  const seen = new Map<string, number>();
  let yearQuarter: string | undefined;
  let trailingBlankFrom: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    const line = i + 1;
    if (text.trim() === '') {
      trailingBlankFrom ??= line;
      continue;
    }
    if (trailingBlankFrom !== undefined) {
      throw new ImportError(
        { file: fileName, line: trailingBlankFrom, column: 1 },
        'blank line inside the records',
      );
    }
    if (text.length !== RECORD_LENGTH) {
      const short = text.length < RECORD_LENGTH;
      throw new ImportError(
        { file: fileName, line, column: short ? text.length + 1 : RECORD_LENGTH + 1 },
        `the line has ${text.length} characters, expected ${RECORD_LENGTH}${short ? ' (the line may be cut off)' : ''}`,
      );
    }
    fixed(fileName, line, text, FIELDS.filler1);
    fixed(fileName, line, text, FIELDS.unnamed);
    fixed(fileName, line, text, FIELDS.filler2);
    fixed(fileName, line, text, FIELDS.rural2);
    const zip = fixed(fileName, line, text, FIELDS.zip);
    const record: Zip5Record = {
      state: fixed(fileName, line, text, FIELDS.state),
      zip,
      carrier: fixed(fileName, line, text, FIELDS.carrier),
      locality: fixed(fileName, line, text, FIELDS.locality),
      ruralIndicator: fixed(fileName, line, text, FIELDS.rural).trim(),
      labCbLocality: fixed(fileName, line, text, FIELDS.labCb),
      plusFourFlag: fixed(fileName, line, text, FIELDS.plusFour),
      partBPaymentIndicator: fixed(fileName, line, text, FIELDS.partB).trim(),
      yearQuarter: fixed(fileName, line, text, FIELDS.yearQuarter),
      line,
    };
    yearQuarter ??= record.yearQuarter;
    if (record.yearQuarter !== yearQuarter) {
      throw new ImportError(
        { file: fileName, line, column: FIELDS.yearQuarter.start, columnName: FIELDS.yearQuarter.name },
        `year/quarter ${record.yearQuarter} differs from ${yearQuarter} on line 1: one file is one quarter`,
      );
    }
    const earlier = seen.get(zip);
    if (earlier !== undefined) {
      throw new ImportError(
        { file: fileName, line, column: FIELDS.zip.start, columnName: FIELDS.zip.name },
        `ZIP code ${zip} is already on line ${earlier}`,
      );
    }
    seen.set(zip, line);
    records.push(record);
  }
  if (yearQuarter === undefined) {
    throw new ImportError({ file: fileName, line: 1, column: 1 }, 'the file has no records');
  }
  if (!endsWithLineBreak) {
    const line = lines.length;
    throw new ImportError(
      { file: fileName, line, column: (lines[line - 1] ?? '').length },
      'the file ends in the middle of a line (no final line break): it looks cut off',
    );
  }

  const year = Number(yearQuarter.slice(0, 4));
  const quarter = RELEASE_MONTHS[Number(yearQuarter.slice(4)) - 1];
  if (quarter === undefined) throw new Error('unreachable: the YEAR/QUARTER rule allows quarters 1-4');
  const month = String(quarter.quarter * 3 - 2).padStart(2, '0');
  return {
    dataset: 'zip5',
    year,
    label: `ZIP5 ${year} Q${quarter.quarter} (${quarter.month} ${year})`,
    effective: `${year}-${month}-01`,
    complete: true,
    source: sourceInfo(fileName, bytes, records.length, yearQuarter),
    notes: [],
    records,
  };
}

/** Reads and checks one fixed-width field of a line (errors give the field's first position). */
function fixed(file: string, line: number, text: string, f: FixedField): string {
  const value = text.slice(f.start - 1, f.end);
  if (f.rule.pattern.test(value)) return value;
  throw new ImportError(
    { file, line, column: f.start, columnName: f.name },
    `${JSON.stringify(value)} is not ${f.rule.expected}`,
  );
}
