/**
 * The fee index sections of the Medicare ASC data sets (issue 16): CMS's quarterly Addenda AA
 * (covered surgical procedures) and BB (covered ancillary services), EE (procedures excluded from
 * ASC payment), FF (device offsets) and the ASC wage index of each calendar year. Kept apart from
 * `schema.ts` so that other facility methods add their sections beside these without touching them.
 */
import type { TableSchema } from './schema.js';

/** The fields of an Addendum AA or BB row (the two addenda share a layout, in two sections). */
const ASC_RATE_FIELDS = [
  { name: 'code', type: 'code' },
  { name: 'edition', type: 'u16' },
  /** Payment indicator ("A2", "J8", "K2"). */
  { name: 'indicator', type: 'char2' },
  /** AA "Subject to Multiple Procedure Discounting": 'Y', 'N'; 0 in BB. */
  { name: 'multipleProcedure', type: 'char' },
  /** Number of CMS's asterisks in the unnamed second column (0–3). */
  { name: 'marker', type: 'u8' },
  /** Payment weight; -1 when the row has none. */
  { name: 'weight', type: 'i32', scale: 4 },
  /** National unadjusted payment rate in dollars; -1 when the row has none. */
  { name: 'rate', type: 'i32', scale: 2 },
  { name: 'line', type: 'u32' },
] as const;

/** Addendum AA: ASC covered surgical procedures, by code + edition (quarter). */
export const ASC_AA_TABLE = {
  name: 'asc-aa',
  key: ['code', 'edition'],
  fields: ASC_RATE_FIELDS,
} as const satisfies TableSchema;

/** Addendum BB: ASC covered ancillary services, by code + edition (quarter). */
export const ASC_BB_TABLE = {
  name: 'asc-bb',
  key: ['code', 'edition'],
  fields: ASC_RATE_FIELDS,
} as const satisfies TableSchema;

/** Addendum EE: procedures excluded from payment in an ASC, by code + edition. */
export const ASC_EE_TABLE = {
  name: 'asc-ee',
  key: ['code', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'edition', type: 'u16' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** Addendum FF: device offsets (device portions), by code + edition. Amounts -1 when none. */
export const ASC_FF_TABLE = {
  name: 'asc-ff',
  key: ['code', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'edition', type: 'u16' },
    { name: 'indicator', type: 'char2' },
    /** OPPS APC number; 0 when none. */
    { name: 'apc', type: 'u32' },
    { name: 'apcOffsetPercent', type: 'i32', scale: 2 },
    { name: 'oppsRate', type: 'i32', scale: 2 },
    { name: 'offsetPercent', type: 'i32', scale: 2 },
    { name: 'devicePortion', type: 'i32', scale: 2 },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/**
 * The ASC wage index by area + edition (year) + seq. A five-digit CBSA and a two-digit rural area
 * never collide as numbers (CBSAs start at 10180). `seq` numbers the rows of an area the file
 * lists more than once.
 */
export const ASC_WAGE_INDEX_TABLE = {
  name: 'asc-wage-index',
  key: ['cbsa', 'edition', 'seq'],
  fields: [
    { name: 'cbsa', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'seq', type: 'u8' },
    /** -1 when the file lists the area without a value. */
    { name: 'wageIndex', type: 'i32', scale: 4 },
    { name: 'name', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** The ASC sections, in the order the index writes them. */
export const ASC_TABLES = [ASC_AA_TABLE, ASC_BB_TABLE, ASC_EE_TABLE, ASC_FF_TABLE, ASC_WAGE_INDEX_TABLE];
