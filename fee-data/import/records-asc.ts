/**
 * The records of the Medicare ambulatory surgical centre (ASC) data sets: CMS's quarterly ASC
 * addenda (AA covered surgical procedures, BB covered ancillary services, EE procedures excluded
 * from ASC payment, FF device offsets) and the ASC wage index of a calendar year.
 *
 * As in `records.ts`, every number stays a decimal string exactly as the file printed it (the
 * dollar sign, thousands separators and trailing spaces of CMS's money cells removed; "28.767"
 * stays "28.767"), and every record keeps its physical line. The Short Descriptor column (CPT
 * descriptors, AMA copyright) is read past and never kept.
 */
import type { ImportedDataset } from './records.js';

/** The ASC data set kinds the index holds. */
export type AscDatasetKind = 'asc-aa' | 'asc-bb' | 'asc-ee' | 'asc-ff' | 'asc-wage-index';

/** A row of Addendum AA (covered surgical procedures) or BB (covered ancillary services). */
export interface AscRateRecord {
  readonly code: string;
  /**
   * The unnamed second column: '' or CMS's asterisks ("*" temporary office-based designation in
   * AA, "**" preventive service without coinsurance, "***" non-opioid alternative in BB).
   */
  readonly marker: string;
  /** AA "Subject to Multiple Procedure Discounting": 'Y' or 'N'; '' in BB, which has no such column. */
  readonly multipleProcedure: string;
  /** Payment indicator as printed, upper-cased ("A2", "J8", "K2"). */
  readonly indicator: string;
  /** Payment weight as printed ('' when the row has none: P3, Z3, K2, N1 ...). */
  readonly weight: string;
  /** National unadjusted payment rate in dollars as printed without "$" and "," ('' when none). */
  readonly rate: string;
  readonly line: number;
}

/** A row of Addendum EE: a procedure excluded from payment in an ASC. */
export interface AscExcludedRecord {
  readonly code: string;
  readonly line: number;
}

/** A row of Addendum FF: the device offset (device portion) of a procedure. */
export interface AscDeviceRecord {
  readonly code: string;
  readonly indicator: string;
  /** OPPS APC ('' when none). */
  readonly apc: string;
  /** The APC's device offset percentage, "47.28" for 47.28% ('' when none). */
  readonly apcOffsetPercent: string;
  /** OPPS payment rate in dollars ('' when none). */
  readonly oppsRate: string;
  /** The procedure's device offset percentage ('' when none). */
  readonly offsetPercent: string;
  /** "Device Offset Amount / Device Portion" in dollars ('' when none). */
  readonly devicePortion: string;
  readonly line: number;
}

/** A row of the ASC wage index file of a calendar year. */
export interface AscWageIndexRecord {
  /** Five digits (CBSA) or two (a state's rural area), as printed. */
  readonly cbsa: string;
  /**
   * Position among rows of the same CBSA (0 for the first): the CY2025 file lists 27 areas twice
   * with different values, and both rows are kept so that a lookup sees the ambiguity.
   */
  readonly seq: number;
  readonly name: string;
  /** As printed: "0.6471", "1.431"; '' when the file lists the area without a value. */
  readonly wageIndex: string;
  readonly line: number;
}

/** An imported ASC data set. */
export type AscDataset =
  | (ImportedDataset<AscRateRecord> & { readonly dataset: 'asc-aa' | 'asc-bb' })
  | (ImportedDataset<AscExcludedRecord> & { readonly dataset: 'asc-ee' })
  | (ImportedDataset<AscDeviceRecord> & { readonly dataset: 'asc-ff' })
  | (ImportedDataset<AscWageIndexRecord> & { readonly dataset: 'asc-wage-index' });
