import type { TableSchema } from './schema.js';

/**
 * The OPPS sections of the fee index (hospital outpatient prospective payment system), kept apart
 * from `schema.ts` so the facility sections of several branches merge without conflicts. Layouts
 * are described for people in FORMAT.md (a test checks they agree).
 */

/** OPPS Addendum B: HCPCS code → status indicator, APC and national unadjusted rate, by edition. */
export const OPPS_ADDENDUM_B_TABLE = {
  name: 'opps-addendum-b',
  key: ['code', 'edition'],
  fields: [
    { name: 'code', type: 'code' },
    { name: 'edition', type: 'u16' },
    { name: 'si', type: 'char2' },
    /** APC number (0 = none). */
    { name: 'apc', type: 'u32' },
    /** Payment rate in dollars (one row prints thousandths: J2002 "0.003"); 0 when none. */
    { name: 'rate', type: 'u32', scale: 3 },
    { name: 'line', type: 'u32' },
    /** 1 when the row prints a payment rate, 0 when the cell is empty. */
    { name: 'rated', type: 'u8' },
  ],
} as const satisfies TableSchema;

/** CMS pricer APC table: APC → status indicator and rate, by edition and the row's effective day. */
export const OPPS_APC_RATE_TABLE = {
  name: 'opps-apc-rate',
  key: ['apc', 'edition', 'effectiveDay'],
  fields: [
    { name: 'apc', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'si', type: 'char2' },
    /** Days since 1970-01-01. */
    { name: 'effectiveDay', type: 'i32' },
    { name: 'rate', type: 'u32', scale: 2 },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** CMS pricer wage index by area (CBSA, or a state's two-digit rural area) and edition. */
export const OPPS_WAGE_INDEX_TABLE = {
  name: 'opps-wage-index',
  key: ['cbsa', 'edition'],
  fields: [
    /** The area number; below 100 a state's rural area. */
    { name: 'cbsa', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'geographic', type: 'u32', scale: 4 },
    { name: 'reclassified', type: 'u32', scale: 4 },
    { name: 'imputedFloor', type: 'u32', scale: 4 },
    { name: 'name', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** CMS pricer out-migration adjustment by SSA state + county code and edition. */
export const OPPS_OUT_MIGRATION_TABLE = {
  name: 'opps-out-migration',
  key: ['county', 'edition'],
  fields: [
    { name: 'county', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'factor', type: 'u32', scale: 4 },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** Addendum J complexity adjustments: primary J1 code + secondary code → adjusted APC, by edition. */
export const OPPS_COMPLEXITY_TABLE = {
  name: 'opps-capc-complexity',
  key: ['primary', 'secondary', 'edition'],
  fields: [
    { name: 'primary', type: 'code' },
    { name: 'secondary', type: 'code' },
    { name: 'edition', type: 'u16' },
    { name: 'adjustedCode', type: 'code' },
    { name: 'adjustedApc', type: 'u32' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** The OPPS tables, in the order the index writes them. */
export const OPPS_TABLES = [
  OPPS_ADDENDUM_B_TABLE,
  OPPS_APC_RATE_TABLE,
  OPPS_WAGE_INDEX_TABLE,
  OPPS_OUT_MIGRATION_TABLE,
  OPPS_COMPLEXITY_TABLE,
] as const;
