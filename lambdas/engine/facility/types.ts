import type { Cents } from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';

/**
 * The contract between the facility bill's orchestration (normalise → select schedule → price
 * lines → rules → values → assemble) and the Medicare and state facility methods that price its
 * lines (OPPS, ASC, IPPS, a state's own facility table). A method is a pure function of the fee
 * index and a normalised facility bill; it answers one `FacilityLinePrice` per line, in line order,
 * and the orchestration applies the state's multiplier, the lesser of billed, the rules and the
 * external values, and builds the answer.
 */

/** UB-04 bill types we price: hospital outpatient (013x), surgery centre (083x or a CMS-1500), inpatient (011x). */
export type FacilityBillType = 'outpatient' | 'asc' | 'inpatient';

/** A facility bill's line, normalised. Money in integer cents. */
export interface FacilityLine {
  /** Position in the request's line array (0-based). */
  readonly index: number;
  readonly lineNumber: number;
  /** Four digits, "0360". */
  readonly revenueCode: string;
  /** The HCPCS/CPT code; absent on a revenue-code-only line (room and board, most inpatient lines). */
  readonly code: string | undefined;
  readonly modifiers: readonly string[];
  readonly units: number;
  readonly charge: Cents;
  /** ISO date. Inpatient lines without a date take the discharge date. */
  readonly dateOfService: string;
  /** JSON path of the line's code in the request (for field errors and explanations). */
  readonly codeField: string;
}

/** The facility as the bill names it. */
export interface Facility {
  readonly npi?: string;
  /** CMS Certification Number, six characters, when known. */
  readonly ccn?: string;
  readonly zip: string;
  /** The CBSA (five digits) or state rural area (two digits) the hospital is paid in, when the bill says. */
  readonly cbsa?: string;
  /** The CBSA the hospital is reclassified to (MGCRB or § 412.103), when the bill says. */
  readonly reclassifiedCbsa?: string;
  /** SSA state and county code, five digits, for the out-migration adjustment, when the bill says. */
  readonly county?: string;
  /** The hospital's operating cost-to-charge ratio, decimal string, for outlier payments, when sent. */
  readonly costToChargeRatio?: string;
}

export interface FacilityBill {
  readonly billType: FacilityBillType;
  readonly jurisdiction: string;
  /** Three or four characters as on the UB-04 (form locator 4), "0131"; absent on a CMS-1500 from a surgery centre. */
  readonly typeOfBill?: string;
  readonly facility: Facility;
  /** Inpatient only. */
  readonly admissionDate?: string;
  readonly dischargeDate?: string;
  /** UB-04 patient discharge status, two digits ("01", "02", "03", "05", "06", "62", "63", "65", "66"…). */
  readonly dischargeStatus?: string;
  /** The MS-DRG as billed, three digits; we do not group. */
  readonly drg?: string;
  readonly diagnoses: readonly string[];
  readonly lines: readonly FacilityLine[];
}

/** The wage index a facility line or stay was paid on, and why that value. */
export interface WageIndexUsed {
  /** "0.9786" as the table holds it. */
  readonly value: string;
  /** The area whose value was used. */
  readonly cbsa: string;
  /** "geographic", "rural-floor", "imputed-floor", "reclassified", "out-migration", "asc" … */
  readonly basis: string;
  /** Plain words: why this value, with the rule's citation. */
  readonly why: string;
  readonly edition: string;
}

/** What a facility method says about one line. */
export interface FacilityLinePrice {
  /**
   * paid: `amount` is the Medicare (or state table) amount for the line's units.
   * packaged: paid as part of another line (`packagedInto`) or of the stay; amount 0.
   * not-payable: the method pays nothing for it (status indicator or payment indicator says so).
   * unpriced: we cannot price it (no edition, no wage index, not in the table); never guessed.
   */
  readonly kind: 'paid' | 'packaged' | 'not-payable' | 'unpriced';
  /** For all units, in cents; 0 unless `kind` is paid. */
  readonly amount: Cents;
  /** For one unit where that means something (drugs per unit, a per-service rate); else the line's rate. */
  readonly unitAmount: Cents;
  /** Which schedule priced it: OPPS, ASC, IPPS (the stay), the PFS/CLFS/DMEPOS for status A lines, a state's table. */
  readonly method: 'opps' | 'asc' | 'ipps' | 'rbrvs' | 'clfs' | 'dmepos' | 'state-table';
  /** The edition id of the table that priced (or refused) it. */
  readonly edition: string | undefined;
  /** Status indicator (OPPS), payment indicator (ASC), or "DRG" for a stay's lines. */
  readonly indicator: string | undefined;
  /** APC (OPPS/ASC) when the code has one. */
  readonly apc: string | undefined;
  readonly wageIndex: WageIndexUsed | undefined;
  /** Line number of the line whose payment includes this one (J1 primary, a T procedure, the stay). */
  readonly packagedInto: number | undefined;
  /**
   * Why the line pays less than its unadjusted rate or nothing: the internal reason code (one of
   * REASON_CODES) the orchestration turns into an adjustment with its CARC/RARC and regulation.
   */
  readonly reason: { readonly internalCode: string; readonly message: string } | undefined;
  readonly unpriced: UnpricedReason | undefined;
  /** Each step of the computation with its inputs and source row, so a person can redo it. */
  readonly steps: readonly ExplanationStep[];
  readonly notices: readonly string[];
}

/** A method's answer for a whole bill. */
export interface FacilityPricing {
  /** One a line, in the bill's line order. */
  readonly lines: readonly FacilityLinePrice[];
  /** Claim-level steps (the stay's DRG payment, the C-APC chosen, the outlier decision). */
  readonly claimSteps: readonly ExplanationStep[];
  /** What the method could not do and says so (no cost-to-charge ratio: no outlier; no capital …). */
  readonly notices: readonly string[];
  /** Edition ids used, for the answer's `editions`. */
  readonly editions: readonly string[];
}

/**
 * A facility rate as `GET /v1/fee-schedules/{j}/{code}?setting=outpatient|asc` answers it: the
 * national unadjusted rate of the code's APC (OPPS) or payment indicator (ASC), and the
 * wage-adjusted rate when the caller names a CBSA.
 */
export interface FacilityRate {
  readonly code: string;
  readonly setting: 'outpatient' | 'asc';
  /** OPPS status indicator or ASC payment indicator. */
  readonly indicator: string;
  readonly apc: string | undefined;
  /** National unadjusted rate for one unit, "128.87"; null when the indicator pays nothing or packages. */
  readonly nationalRate: string | null;
  /** Present when a CBSA was given and the rate is wage-adjusted. */
  readonly wageAdjusted: { readonly amount: string; readonly wageIndex: WageIndexUsed } | undefined;
  readonly edition: string;
  readonly steps: readonly ExplanationStep[];
  readonly notes: readonly string[];
}
