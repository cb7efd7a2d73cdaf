/**
 * The records the OPPS importers produce (hospital outpatient prospective payment system), kept
 * apart from `records.ts` so the facility data sets of several branches merge without conflicts.
 * Every number stays a decimal string exactly as the official file printed it; every record keeps
 * its physical line.
 */
import type { ImportedDataset } from './records.js';

/** A row of OPPS Addendum B: a HCPCS code's status indicator, APC and national unadjusted rate. */
export interface OppsAddendumBRecord {
  readonly code: string;
  /** Status indicator as printed: "J1", "T", "Q1", "N", "A", "C", "E1" … */
  readonly si: string;
  /** APC as printed without leading zeros ("5115"), '' when the code has none. */
  readonly apc: string;
  /** Payment rate in dollars as printed ("12866.82", "3147.5", "3771"), '' when none. */
  readonly rate: string;
  readonly line: number;
}

/** A row of CMS's OPPS pricer APC table (`apc-rate-YYYY.csv`). */
export interface OppsApcRateRecord {
  /** Five digits as printed ("05115"). */
  readonly apc: string;
  readonly si: string;
  /** YYYY-MM-DD: the rate's own effective date inside the year. */
  readonly effectiveDate: string;
  /** As printed ("012866.82"). */
  readonly rate: string;
  readonly line: number;
}

/** A row of CMS's OPPS pricer wage index table (`cbsa-wage-index-YYYY.csv`). */
export interface OppsWageIndexRecord {
  /** Five digits for a CBSA, two for a state's rural area ("01"), as printed. */
  readonly cbsa: string;
  readonly geographic: string;
  readonly reclassified: string;
  /** "0.0000" unless the area's state has an imputed floor. */
  readonly imputedFloor: string;
  readonly name: string;
  readonly line: number;
}

/** A row of CMS's OPPS pricer out-migration table (`outmigration-adjustment-YYYY.csv`). */
export interface OppsOutMigrationRecord {
  /** SSA state and county code, five digits. */
  readonly county: string;
  readonly factor: string;
  readonly line: number;
}

/** A row of OPPS Addendum J (C-APC complexity adjustments): a primary J1 code and a secondary code. */
export interface OppsComplexityRecord {
  readonly primary: string;
  readonly primaryApc: string;
  readonly secondary: string;
  readonly secondarySi: string;
  /** The complexity-adjusted HCPCS assignment CMS names ("1104D"). */
  readonly adjustedCode: string;
  readonly adjustedApc: string;
  readonly line: number;
}

export type OppsImportedDataset =
  | (ImportedDataset<OppsAddendumBRecord> & { readonly dataset: 'opps-addendum-b' })
  | (ImportedDataset<OppsApcRateRecord> & { readonly dataset: 'opps-apc-rate' })
  | (ImportedDataset<OppsWageIndexRecord> & { readonly dataset: 'opps-wage-index' })
  | (ImportedDataset<OppsOutMigrationRecord> & { readonly dataset: 'opps-out-migration' })
  | (ImportedDataset<OppsComplexityRecord> & { readonly dataset: 'opps-capc-complexity' });
