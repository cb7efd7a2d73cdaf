/**
 * The record layouts of the binary fee index, shared by the writer (`fee-data/build-index.ts`) and
 * the reader (`reader.ts`). FORMAT.md describes the same layouts for people; a test checks that the
 * two agree. Every table is a run of fixed-width little-endian records sorted by its key fields, so
 * a lookup is a binary search over the mapped bytes with no parse step.
 */

import { ASC_TABLES } from './facility-asc.js';
import { IPPS_AND_STATE_FACILITY_TABLES } from './facility-ipps.js';
import { OPPS_TABLES } from './facility-opps-schema.js';

/** Field encodings. */
export type FieldType =
  /** HCPCS code, up to 5 characters [0-9A-Z], base-37 in a u32 (blank = 0) so numeric order = text order. */
  | 'code'
  /** Modifier, up to 2 characters, base-37 in a u16. */
  | 'mod'
  | 'u8'
  | 'u16'
  | 'u32'
  /** Signed 32-bit integer holding a decimal scaled by 10^scale. */
  | 'i32'
  /** One ASCII character (0 = empty). */
  | 'char'
  /** Two ASCII characters in a u16 (first character in the low byte; 0 = empty). */
  | 'char2'
  /** Index into the string table (u32). */
  | 'str';

export interface FieldDefinition {
  readonly name: string;
  readonly type: FieldType;
  /** Decimal places of an 'i32' or 'u32' that holds a scaled decimal. */
  readonly scale?: number;
}

export interface TableSchema {
  /** Section name in the header. */
  readonly name: string;
  readonly fields: readonly FieldDefinition[];
  /** Fields that form the sort key, most significant first. */
  readonly key: readonly string[];
}

const SIZES: Record<FieldType, number> = {
  code: 4,
  mod: 2,
  u8: 1,
  u16: 2,
  u32: 4,
  i32: 4,
  char: 1,
  char2: 2,
  str: 4,
};

/** Byte size of a field type. */
export function fieldSize(type: FieldType): number {
  return SIZES[type];
}

export interface TableLayout {
  readonly schema: TableSchema;
  readonly recordSize: number;
  readonly offsets: Readonly<Record<string, number>>;
}

/**
 * Lays a schema's fields out in order, each aligned to its own size, and pads the record to 4 bytes.
 *
 * @param schema - the table schema
 * @returns field offsets and record size
 */
export function layout(schema: TableSchema): TableLayout {
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const field of schema.fields) {
    const size = fieldSize(field.type);
    at = Math.ceil(at / size) * size;
    offsets[field.name] = at;
    at += size;
  }
  return { schema, recordSize: Math.ceil(at / 4) * 4, offsets };
}

/** Physician fee schedule relative values, one record per code + modifier + edition. */
export const RVU_TABLE = {
  name: 'pfs-rvu',
  key: ['code', 'modifier', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'modifier', type: 'mod' },
    { name: 'edition', type: 'u16' },
    { name: 'workRvu', type: 'i32', scale: 2 },
    { name: 'nonFacilityPeRvu', type: 'i32', scale: 2 },
    { name: 'facilityPeRvu', type: 'i32', scale: 2 },
    { name: 'mpRvu', type: 'i32', scale: 2 },
    { name: 'oppsNonFacilityPe', type: 'i32', scale: 2 },
    { name: 'oppsFacilityPe', type: 'i32', scale: 2 },
    { name: 'oppsMp', type: 'i32', scale: 2 },
    { name: 'conversionFactor', type: 'u32', scale: 4 },
    { name: 'line', type: 'u32' },
    { name: 'endoscopicBase', type: 'code' },
    { name: 'status', type: 'char' },
    { name: 'pctcIndicator', type: 'char' },
    /** bit 0: non-facility NA, bit 1: facility NA. */
    { name: 'naFlags', type: 'u8' },
    { name: 'globalDays', type: 'char' },
    { name: 'preOp', type: 'u8', scale: 2 },
    { name: 'intraOp', type: 'u8', scale: 2 },
    { name: 'postOp', type: 'u8', scale: 2 },
    { name: 'multipleProcedure', type: 'char' },
    { name: 'bilateralSurgery', type: 'char' },
    { name: 'assistantSurgery', type: 'char' },
    { name: 'coSurgeons', type: 'char' },
    { name: 'teamSurgery', type: 'char' },
    { name: 'pricingIndicator', type: 'char' },
    { name: 'calculationFlag', type: 'char' },
    { name: 'physicianSupervision', type: 'char2' },
    { name: 'imagingFamily', type: 'char2' },
  ],
} as const satisfies TableSchema;

/** Global surgery days as one character: the index stores the first character that tells them apart. */
export const GLOBAL_DAYS_CODES: Readonly<Record<string, string>> = {
  '000': '0',
  '010': '1',
  '090': '9',
  MMM: 'M',
  XXX: 'X',
  YYY: 'Y',
  ZZZ: 'Z',
};

/** Geographic practice cost indices by carrier + locality + edition. */
export const GPCI_TABLE = {
  name: 'gpci',
  key: ['carrier', 'locality', 'edition'],
  fields: [
    { name: 'carrier', type: 'u32' },
    { name: 'locality', type: 'u8' },
    { name: 'edition', type: 'u16' },
    { name: 'workGpci', type: 'u32', scale: 4 },
    { name: 'peGpci', type: 'u32', scale: 4 },
    { name: 'mpGpci', type: 'u32', scale: 4 },
    { name: 'state', type: 'char2' },
    { name: 'name', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** ZIP code to carrier + locality, by edition (quarter). */
export const ZIP5_TABLE = {
  name: 'zip5',
  key: ['zip', 'edition'],
  fields: [
    { name: 'zip', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'locality', type: 'u8' },
    { name: 'ruralIndicator', type: 'char' },
    { name: 'carrier', type: 'u32' },
    { name: 'state', type: 'char2' },
    { name: 'line', type: 'u32' },
    /** '1' when the ZIP's locality depends on the +4 extension (CMS ZIP9 file). */
    { name: 'plusFourFlag', type: 'char' },
  ],
} as const satisfies TableSchema;

/** Counties of each locality. */
export const LOCALITY_COUNTY_TABLE = {
  name: 'locality-county',
  key: ['carrier', 'locality', 'edition'],
  fields: [
    { name: 'carrier', type: 'u32' },
    { name: 'locality', type: 'u8' },
    { name: 'edition', type: 'u16' },
    { name: 'state', type: 'str' },
    { name: 'feeScheduleArea', type: 'str' },
    { name: 'counties', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** OPPS-capped physician fee schedule prices by code + modifier + edition + carrier + locality. */
export const OPPS_CAP_TABLE = {
  name: 'opps-cap',
  key: ['code', 'modifier', 'edition', 'carrier', 'locality'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'modifier', type: 'mod' },
    { name: 'edition', type: 'u16' },
    { name: 'carrier', type: 'u32' },
    { name: 'locality', type: 'u8' },
    { name: 'procedureStatus', type: 'char' },
    { name: 'facilityPrice', type: 'u32', scale: 2 },
    { name: 'nonFacilityPrice', type: 'u32', scale: 2 },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** Locality-adjusted anesthesia conversion factors. */
export const ANESTHESIA_CF_TABLE = {
  name: 'anesthesia-cf',
  key: ['carrier', 'locality', 'edition'],
  fields: [
    { name: 'carrier', type: 'u32' },
    { name: 'locality', type: 'u8' },
    { name: 'edition', type: 'u16' },
    { name: 'conversionFactor', type: 'u32', scale: 4 },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** The status of a state table row, as a number (index in this list). */
export const STATE_ROW_STATUSES = [
  'priced',
  'by-report',
  'by-agreement',
  'bundled',
  'not-established',
  'see-other',
  'facility-only',
  'no-amount',
] as const;

/**
 * Where a state table row's amount is, as a number (index in this list). `setting-rural` (issue 20,
 * a supplied table with a rural column): a line in a rural location gets `rural`, others the amount
 * of their setting. Appended, so the numbers of the others do not change.
 */
export const STATE_ROW_BASES = ['setting', 'single', 'rural', 'none', 'setting-rural'] as const;

/** A state's professional fee table, one record per code + modifier (+ Alabama's qualifier) + edition. */
export const STATE_TABLE = {
  name: 'state-table',
  key: ['edition', 'code', 'modifier', 'seq'],
  fields: [
    { name: 'edition', type: 'u16' },
    { name: 'modifier', type: 'mod' },
    { name: 'code', type: 'code' },
    { name: 'seq', type: 'u16' },
    { name: 'status', type: 'u8' },
    { name: 'basis', type: 'u8' },
    /** Amounts in cents; -1 = none. */
    { name: 'nonFacility', type: 'i32' },
    { name: 'facility', type: 'i32' },
    { name: 'nonRural', type: 'i32' },
    { name: 'rural', type: 'i32' },
    { name: 'qualifier', type: 'str' },
    { name: 'category', type: 'str' },
    { name: 'reference', type: 'str' },
    { name: 'file', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** Anesthesia base units of a state's table (AZ, GA), by edition + code. */
export const STATE_ANESTHESIA_TABLE = {
  name: 'state-anesthesia',
  key: ['edition', 'code'],
  fields: [
    { name: 'edition', type: 'u16' },
    { name: 'code', type: 'code' },
    /** Index into STATE_ROW_STATUSES (priced, by-report, see-other). */
    { name: 'status', type: 'u8' },
    /** Base units × 100; -1 = none. */
    { name: 'baseUnits', type: 'i32' },
    { name: 'file', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** Clinical laboratory fee schedule: national limitation amounts by code + modifier + edition. */
export const CLFS_TABLE = {
  name: 'clfs',
  key: ['code', 'modifier', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'modifier', type: 'mod' },
    { name: 'edition', type: 'u16' },
    { name: 'rate', type: 'u32', scale: 2 },
    { name: 'indicator', type: 'char' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** DMEPOS fees by code + modifiers + state + edition: non-rural and rural, in cents (-1 = none). */
export const DMEPOS_TABLE = {
  name: 'dmepos',
  key: ['code', 'modifier', 'modifier2', 'state', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'modifier', type: 'mod' },
    { name: 'modifier2', type: 'mod' },
    { name: 'state', type: 'char2' },
    { name: 'edition', type: 'u16' },
    { name: 'nonRural', type: 'i32' },
    { name: 'rural', type: 'i32' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** ZIP codes on the DMEPOS rural ZIP list, by edition (quarter). */
export const DME_RURAL_ZIP_TABLE = {
  name: 'dme-rural-zip',
  key: ['zip', 'edition'],
  fields: [
    { name: 'zip', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'state', type: 'char2' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** NADAC per-unit costs by NDC (11 digits, split in two numbers) + edition (week). */
export const NADAC_TABLE = {
  name: 'nadac',
  key: ['ndcHigh', 'ndcLow', 'edition'],
  fields: [
    /** First five digits of the NDC (labeler). */
    { name: 'ndcHigh', type: 'u32' },
    /** Last six digits (product and package). */
    { name: 'ndcLow', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'pricingUnit', type: 'char2' },
    { name: 'perUnit', type: 'u32', scale: 5 },
    { name: 'effective', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/**
 * NCCI procedure-to-procedure edits, in four sections. The 2.1 million pairs take 8 bytes each:
 * a directory row per column 1 code of an edition points at its run of pairs, sorted by column 2.
 */
export const PTP_DIRECTORY_TABLE = {
  name: 'ncci-ptp-directory',
  key: ['edition', 'column1'],
  fields: [
    { name: 'edition', type: 'u16' },
    { name: 'column1', type: 'code' },
    /** Index of the first pair of the run in `ncci-ptp-pairs`. */
    { name: 'first', type: 'u32' },
    { name: 'count', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** One pair: the column 2 code and the edit's attributes (runs ordered by column 2, no key of their own). */
export const PTP_PAIRS_TABLE = {
  name: 'ncci-ptp-pairs',
  key: [],
  fields: [
    { name: 'column2', type: 'code' },
    /** Index into the edition's rationales (`ncci-ptp-rationales`). */
    { name: 'rationale', type: 'u16' },
    /** 0, 1 or 9. */
    { name: 'modifierIndicator', type: 'u8' },
    /** bit 0: in existence prior to 1996. */
    { name: 'flags', type: 'u8' },
  ],
} as const satisfies TableSchema;

/** Effective and deletion dates of the pairs of dated editions (CMS's files), by pair index. */
export const PTP_DATES_TABLE = {
  name: 'ncci-ptp-dates',
  key: ['pair'],
  fields: [
    { name: 'pair', type: 'u32' },
    /** Day numbers since 1970-01-01; deletion -1 when not deleted. */
    { name: 'effectiveDay', type: 'i32' },
    { name: 'deletionDay', type: 'i32' },
  ],
} as const satisfies TableSchema;

/** The rationale texts of each edition. */
export const PTP_RATIONALES_TABLE = {
  name: 'ncci-ptp-rationales',
  key: ['edition', 'index'],
  fields: [
    { name: 'edition', type: 'u16' },
    { name: 'index', type: 'u16' },
    { name: 'text', type: 'str' },
  ],
} as const satisfies TableSchema;

/** Medically unlikely edits: units a code may be billed, by code + edition. */
export const MUE_TABLE = {
  name: 'mue',
  key: ['code', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'edition', type: 'u16' },
    { name: 'mai', type: 'char' },
    { name: 'mueValue', type: 'u32' },
    { name: 'rationale', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

export const TABLES: readonly TableSchema[] = [
  RVU_TABLE,
  GPCI_TABLE,
  ZIP5_TABLE,
  LOCALITY_COUNTY_TABLE,
  OPPS_CAP_TABLE,
  ANESTHESIA_CF_TABLE,
  // Inpatient (IPPS) and state facility sections (facility-ipps.ts).
  ...IPPS_AND_STATE_FACILITY_TABLES,
  // OPPS (hospital outpatient): facility-opps-schema.ts
  ...OPPS_TABLES,
  // ASC (issue 16): facility-asc.ts
  ...ASC_TABLES,
];

const CODE_ALPHABET = ' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Encodes a code of up to `width` characters [0-9A-Z] in base 37, left-aligned, so numeric order is text order.
 *
 * @param text - the code ('' allowed)
 * @param width - 5 for HCPCS codes, 2 for modifiers
 * @returns the key, or -1 when the text has a character outside [0-9A-Z] or is too long
 */
export function encodeCode(text: string, width: number): number {
  if (text.length > width) return -1;
  let key = 0;
  for (let i = 0; i < width; i++) {
    const digit = i < text.length ? CODE_ALPHABET.indexOf(text.charAt(i)) : 0;
    if (digit <= 0 && i < text.length) return -1;
    key = key * 37 + digit;
  }
  return key;
}

/** Decodes {@link encodeCode}. */
export function decodeCode(key: number, width: number): string {
  let text = '';
  let rest = key;
  for (let i = 0; i < width; i++) {
    const digit = rest % 37;
    rest = (rest - digit) / 37;
    text = CODE_ALPHABET.charAt(digit) + text;
  }
  return text.trimEnd();
}

/** The section holding the jurisdiction registry as UTF-8 JSON (an array of jurisdiction files). */
export const JURISDICTIONS_SECTION = 'jurisdictions';

/** Magic bytes at offset 0. */
export const MAGIC = 'WCBRIDX1';
export const FORMAT_VERSION = 1;
