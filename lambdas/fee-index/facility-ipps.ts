/**
 * Record layouts of the inpatient (IPPS) and Georgia facility sections of the fee index (issue 16).
 * Kept apart from `schema.ts` so the facility sections of OPPS, ASC and IPPS merge without
 * touching each other; `schema.ts` lists them in `TABLES` and FORMAT.md describes them.
 *
 * Values are stored exactly as the official file printed them (weights to 4 decimals, lengths of
 * stay to 1, wage indexes to 4, dollars to 2) and every record keeps its physical line.
 */
import type { TableSchema } from './schema.js';

/** IPPS MS-DRG table (CMS pricer `drgstable-YYYY.csv`): one record per MS-DRG + edition (fiscal year). */
export const IPPS_DRG_TABLE = {
  name: 'ipps-drg',
  key: ['drg', 'edition'],
  fields: [
    /** The MS-DRG as a number (470 for "470"). */
    { name: 'drg', type: 'u16' },
    { name: 'edition', type: 'u16' },
    { name: 'weight', type: 'u32', scale: 4 },
    /** Geometric mean length of stay, days. */
    { name: 'gmlos', type: 'u32', scale: 1 },
    /** Arithmetic mean length of stay, days. */
    { name: 'amlos', type: 'u32', scale: 1 },
    { name: 'line', type: 'u32' },
    /** bit 0: post-acute transfer DRG, bit 1: special payment DRG, bit 2: low-volume DRG. */
    { name: 'flags', type: 'u8' },
  ],
} as const satisfies TableSchema;

/** Flag bits of {@link IPPS_DRG_TABLE}'s `flags`. */
export const IPPS_DRG_FLAGS = { postAcute: 1, specialPay: 2, lowVolume: 4 } as const;

/** The `scope` column of the pricer's ratex file, by index. */
export const IPPS_RATE_SCOPES = ['nat', 'pr', 'natpr'] as const;

/**
 * IPPS operating standardized amounts (CMS pricer `ratex-YYYY.csv`, tables 1–10 as CMS's Tables
 * 1A–1D lay them out): labor-related and non-labor-related shares by table + scope + large urban.
 */
export const IPPS_RATES_TABLE = {
  name: 'ipps-rates',
  key: ['edition', 'table', 'scope', 'largeUrban'],
  fields: [
    { name: 'edition', type: 'u16' },
    /** 1–10 ("tab1" → 1). */
    { name: 'table', type: 'u8' },
    /** Index into {@link IPPS_RATE_SCOPES}. */
    { name: 'scope', type: 'u8' },
    { name: 'largeUrban', type: 'u8' },
    { name: 'labor', type: 'u32', scale: 2 },
    { name: 'nonLabor', type: 'u32', scale: 2 },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/**
 * IPPS wage index by area (CMS pricer `cbsa-wage-index-YYYY.csv`): a five-digit CBSA or a
 * two-digit state rural area, as a number (rural areas are below 100).
 */
export const IPPS_WAGE_INDEX_TABLE = {
  name: 'ipps-wage-index',
  key: ['area', 'edition'],
  fields: [
    { name: 'area', type: 'u32' },
    { name: 'edition', type: 'u16' },
    { name: 'geographic', type: 'u32', scale: 4 },
    { name: 'reclassified', type: 'u32', scale: 4 },
    { name: 'imputedFloor', type: 'u32', scale: 4 },
    { name: 'name', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** A state's inpatient MS-DRG amounts (GA Inpatient Hospital sheet), by edition + MS-DRG. */
export const STATE_DRG_TABLE = {
  name: 'state-drg',
  key: ['edition', 'drg'],
  fields: [
    { name: 'edition', type: 'u16' },
    { name: 'drg', type: 'u16' },
    /** Amount in cents; -1 for "NA". */
    { name: 'amount', type: 'i32' },
    { name: 'file', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/**
 * A state's hospital outpatient and surgery-centre amounts by HCPCS + modifier (GA: the APC, OP MAR,
 * SI, ASC MAR and PI columns of its sheets).
 */
export const STATE_FACILITY_TABLE = {
  name: 'state-facility',
  key: ['edition', 'code', 'modifier'],
  fields: [
    { name: 'edition', type: 'u16' },
    { name: 'modifier', type: 'mod' },
    { name: 'code', type: 'code' },
    /** Cents; -1 when the row has no amount. */
    { name: 'outpatientMar', type: 'i32' },
    { name: 'ascMar', type: 'i32' },
    { name: 'apc', type: 'str' },
    /** OPPS status indicator as printed ("J1", "Q1", "J1+"); '' when none. */
    { name: 'statusIndicator', type: 'str' },
    /** ASC payment indicator as printed ("A2", "N1", "J8+"); '' when none. */
    { name: 'paymentIndicator', type: 'str' },
    { name: 'file', type: 'str' },
    { name: 'line', type: 'u32' },
  ],
} as const satisfies TableSchema;

/** The facility sections this file defines, in the order the builder writes them. */
export const IPPS_AND_STATE_FACILITY_TABLES = [
  IPPS_DRG_TABLE,
  IPPS_RATES_TABLE,
  IPPS_WAGE_INDEX_TABLE,
  STATE_DRG_TABLE,
  STATE_FACILITY_TABLE,
] as const;
