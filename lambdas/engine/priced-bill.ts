import type { GroupCode, Regulation } from './adjustments/reason-codes.js';
import type { Parties } from './bill/normalise.js';
import type { FacilityBillType, WageIndexUsed } from './facility/types.js';

/**
 * The shape of a priced bill, as the API returns it. Money is a string with two decimals.
 */

/** The parts of a line's allowance, in the order they apply. */
export const BUCKETS = [
  'feeSchedule',
  'billReview',
  'ppo',
  'ur',
  'negotiated',
  'adjuster',
  'customer',
] as const;

export type Bucket = (typeof BUCKETS)[number];

/**
 * A line's allowance by bucket: `feeSchedule` holds the fee schedule allowance (the billed charge
 * less what the fee schedule withheld), every later bucket its change to it (bill review reductions
 * are negative); the buckets sum to the line's allowed amount.
 */
export type Buckets = Readonly<Record<Bucket, string>>;

/** One reduction of a line, with every code an explanation of review needs. */
export interface Adjustment {
  readonly bucket: Bucket;
  /** Amount withheld, "57.53"; negative ("-10.00") when an external value raised the allowance. */
  readonly amount: string;
  readonly internalCode: string;
  readonly groupCode: GroupCode;
  readonly carc: string;
  readonly rarc?: string;
  /** A state's own reason code, where the value or rule carries one. */
  readonly stateCode?: string;
  readonly message: string;
  /** The regulation behind a fee schedule or bill review adjustment (external values have a source instead). */
  readonly regulation?: Regulation;
  /** Where an external value came from, as the request named it. */
  readonly source?: string;
}

/** Where a number came from: the official file and its physical line. */
export interface SourceRow {
  readonly file: string;
  readonly line: number;
  readonly edition: string;
}

/** One step of a line's computation, with its inputs, so a person can redo it by hand. */
export interface ExplanationStep {
  readonly step: string;
  readonly text: string;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly result?: string;
  readonly source?: SourceRow;
  readonly regulation?: Regulation;
}

export type LineStatus = 'priced' | 'denied' | 'unpriced';

/** Why a line has no amount: we will not guess. */
export interface UnpricedReason {
  readonly code:
    | 'NO-EDITION'
    | 'NOT-IN-EDITION'
    | 'CARRIER-PRICED'
    | 'RESTRICTED'
    | 'EXCLUDED-FROM-PFS'
    | 'ANESTHESIA'
    | 'NO-LOCALITY'
    | 'NO-CONVERSION-FACTOR'
    | 'BY-REPORT'
    | 'MODIFIER-REQUIRED';
  readonly message: string;
}

export interface FeeScheduleAmount {
  /** opps, asc, ipps: the Medicare facility methods (facility bills). */
  readonly method:
    | 'rbrvs'
    | 'state-table'
    | 'clfs'
    | 'dmepos'
    | 'nadac'
    | 'anesthesia'
    | 'opps'
    | 'asc'
    | 'ipps';
  /** The fee schedule amount for one unit. */
  readonly unitAmount: string;
  /** For all units. */
  readonly amount: string;
  readonly edition: string;
  readonly setting: 'facility' | 'non-facility';
  /** The Medicare locality whose GPCIs priced it; null for a state table amount. */
  readonly locality: { readonly carrier: string; readonly locality: string; readonly name: string } | null;
}

/**
 * A file the customer supplied (issue 20) that set a line's amounts: a conversion factor edition, a
 * fee table or a contract, with who supplied it, when, and their source (theirs, not ours).
 */
export interface SuppliedUse {
  readonly id: string;
  readonly kind: 'conversion-factors' | 'fee-table' | 'contract';
  readonly suppliedBy: string;
  /** ISO 8601 UTC. */
  readonly suppliedAt: string;
  readonly source: { readonly citation: string; readonly url?: string };
}

export interface PricedLine {
  readonly lineNumber: number;
  readonly code: string;
  readonly modifiers: readonly string[];
  readonly dateOfService: string;
  readonly units: number;
  readonly placeOfService: string;
  readonly billed: string;
  readonly status: LineStatus;
  readonly feeSchedule: FeeScheduleAmount | null;
  /** Null when the line is unpriced: we never guess an amount. */
  readonly allowed: string | null;
  readonly withheld: string | null;
  readonly adjustments: readonly Adjustment[];
  /** Null when the line is unpriced. */
  readonly buckets: Buckets | null;
  readonly unpriced?: UnpricedReason;
  readonly explanation: readonly ExplanationStep[];
  readonly notices: readonly string[];
  /** Every bill review rule that looked at the line and what it decided, "no-change" included. */
  readonly rules: readonly {
    readonly rule: string;
    readonly decision: 'no-change' | 'reduced' | 'denied' | 'flagged' | 'not-adopted';
    readonly message?: string;
  }[];
  /** The supplied editions and contracts that set the line's amounts (issue 20); absent when none. */
  readonly supplied?: readonly SuppliedUse[];
  /** A facility bill's line: its revenue code and what the facility method said about it. */
  readonly facility?: FacilityLineInfo;
}

/** What a facility method said about a line (facility bills only). */
export interface FacilityLineInfo {
  /** Four digits, "0360"; null on an ASC bill from a CMS-1500. */
  readonly revenueCode: string | null;
  /** The schedule that priced (or refused) it: opps, asc, ipps, or a status A line's rbrvs, clfs, dmepos; a state's table. */
  readonly method: 'opps' | 'asc' | 'ipps' | 'rbrvs' | 'clfs' | 'dmepos' | 'state-table';
  /** OPPS status indicator, ASC payment indicator, or "DRG" for a stay's lines. */
  readonly indicator: string | null;
  readonly apc: string | null;
  readonly wageIndex: WageIndexUsed | null;
  /** Line number of the line whose payment includes this one. */
  readonly packagedInto: number | null;
  /** A state's percentage of the Medicare amount, when the state pays one: "2.00" is 200%. */
  readonly factor: {
    readonly value: string;
    readonly category: string;
    readonly edition: string;
    readonly source: { readonly citation: string; readonly url?: string };
  } | null;
}

/** A facility bill's claim-level facts (facility bills only). */
export interface FacilityBillInfo {
  /** UB-04 type of bill, "0131"; null when the bill gave none (an ASC bill from a CMS-1500). */
  readonly typeOfBill: string | null;
  readonly facility: {
    readonly npi?: string;
    readonly ccn?: string;
    readonly zip: string;
    readonly cbsa?: string;
    readonly reclassifiedCbsa?: string;
    readonly county?: string;
    readonly costToChargeRatio?: string;
  };
  /** The MS-DRG as billed: we do not group. */
  readonly drg: string | null;
  readonly admissionDate: string | null;
  readonly dischargeDate: string | null;
  readonly dischargeStatus: string | null;
  /** As sent, principal first: passed through, not grouped. */
  readonly diagnoses: readonly string[];
  /** Plain words on the DRG: the bill's, not ours. */
  readonly grouping: string;
  /** How the jurisdiction prices this bill type: its method for it, or Medicare's when it has none. */
  readonly method: string;
  /** Claim-level steps of the method (the stay's DRG payment, the comprehensive APC chosen…). */
  readonly steps: readonly ExplanationStep[];
}

export interface EditionUsed {
  readonly id: string;
  readonly label: string;
  readonly file: string;
  readonly sha256: string;
  readonly complete: boolean;
  readonly sampled: boolean;
}

export interface BillTotals {
  readonly billed: string;
  /** Sum over priced and denied lines. */
  readonly allowed: string;
  /** Billed less allowed over priced and denied lines. */
  readonly withheld: string;
  readonly withheldByBucket: Readonly<Partial<Record<Bucket, string>>>;
  /** The lines' buckets summed (priced and denied lines): they sum to `allowed`. */
  readonly buckets: Buckets;
  /** Billed amount of unpriced lines (not in `allowed` or `withheld`). */
  readonly unpricedBilled: string;
  readonly lines: number;
  readonly pricedLines: number;
  readonly deniedLines: number;
  readonly unpricedLines: number;
}

export interface PricedBill {
  readonly billId?: string;
  /** The bill's own reference, declared non-PHI: the SmartBill page shows it (the bill id it never shows). */
  readonly billReference?: string;
  readonly jurisdiction: { readonly id: string; readonly name: string; readonly method: string };
  readonly billType: 'professional' | FacilityBillType;
  /** The data release (fee index) that priced the bill: "r3f9a0c1d2e4b" (issue 20). */
  readonly dataRelease: string;
  readonly location: {
    readonly zip: string;
    readonly source: 'serviceFacility' | 'billingProvider';
  };
  /** Payer and providers as the bill named them (no patient data), for the explanation of review. */
  readonly parties: Parties;
  /** The first and last dates of service, and when the bill was received if it says. */
  readonly dates: { readonly firstService: string; readonly lastService: string; readonly received?: string };
  readonly lines: readonly PricedLine[];
  readonly totals: BillTotals;
  readonly editions: readonly EditionUsed[];
  readonly notices: readonly string[];
  /** A facility bill's type of bill, facility, stay and DRG (facility bills only). */
  readonly facility?: FacilityBillInfo;
}
