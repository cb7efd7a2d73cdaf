/**
 * The catalogue of our internal reason codes. Each maps to an X12 Claim Adjustment Reason Code
 * (CARC) with its group code, and a Remittance Advice Remark Code (RARC) where one fits. CARC and
 * RARC wording is maintained by X12 (https://x12.org/codes/claim-adjustment-reason-codes and
 * https://x12.org/codes/remittance-advice-remark-codes); the short text here is our own.
 */

export type GroupCode = 'CO' | 'PR' | 'OA' | 'PI';

export interface Regulation {
  readonly citation: string;
  readonly url: string;
}

export interface ReasonCode {
  readonly internalCode: string;
  readonly carc: string;
  readonly groupCode: GroupCode;
  readonly rarc?: string;
  /** Our own short wording. */
  readonly text: string;
  /** Why this CARC fits (the source of the mapping). */
  readonly mappingSource: string;
}

const CARC_LIST = 'X12 CARC list';

export const REASON_CODES = {
  'FS-MAX': {
    internalCode: 'FS-MAX',
    carc: '45',
    groupCode: 'CO',
    text: 'Billed charge is above the fee schedule amount; paid at the fee schedule amount.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable`,
  },
  'FS-STATUS-BUNDLED': {
    internalCode: 'FS-STATUS-BUNDLED',
    carc: '97',
    groupCode: 'CO',
    text: 'The fee schedule bundles this code into payment for other services (status B or P).',
    mappingSource: `${CARC_LIST}: 97, included in the allowance for another service`,
  },
  'FS-STATUS-INJECTION': {
    internalCode: 'FS-STATUS-INJECTION',
    carc: '97',
    groupCode: 'CO',
    text: 'Injection (status T) billed with another payable service on the same date by the same provider: bundled.',
    mappingSource: `${CARC_LIST}: 97, included in the allowance for another service`,
  },
  'FS-STATUS-NONCOVERED': {
    internalCode: 'FS-STATUS-NONCOVERED',
    carc: '96',
    groupCode: 'CO',
    text: 'The fee schedule does not cover this service (status N) or excludes it by statute (status X).',
    mappingSource: `${CARC_LIST}: 96, non-covered charge(s)`,
  },
  'FS-STATUS-INVALID': {
    internalCode: 'FS-STATUS-INVALID',
    carc: '181',
    groupCode: 'CO',
    rarc: 'M51',
    text: 'The fee schedule does not recognise this code for payment (status I, G, D, F or H); another code reports this service.',
    mappingSource: `${CARC_LIST}: 181, procedure code was invalid on the date of service; RARC M51, invalid procedure code`,
  },
  'FS-STATUS-REPORTING': {
    internalCode: 'FS-STATUS-REPORTING',
    carc: '246',
    groupCode: 'CO',
    text: 'Measurement code (status M): reported for quality reporting only, never paid.',
    mappingSource: `${CARC_LIST}: 246, non-payable code for required reporting only`,
  },
  'FS-MODIFIER-INVALID': {
    internalCode: 'FS-MODIFIER-INVALID',
    carc: '4',
    groupCode: 'CO',
    text: 'The code has no professional or technical component to bill with this modifier.',
    mappingSource: `${CARC_LIST}: 4, procedure code inconsistent with the modifier used`,
  },
  'BR-DUPLICATE': {
    internalCode: 'BR-DUPLICATE',
    carc: '18',
    groupCode: 'CO',
    text: 'Exact duplicate of another line of the bill (same code, modifiers, date, units and provider).',
    mappingSource: `${CARC_LIST}: 18, exact duplicate claim/service`,
  },
  'BR-MUE': {
    internalCode: 'BR-MUE',
    carc: '151',
    groupCode: 'CO',
    text: 'Units above the medically unlikely edit (MUE) for the code: reduced to the MUE.',
    mappingSource: `${CARC_LIST}: 151, payment adjusted because the payer deems the information submitted does not support this many/frequency of services`,
  },
} as const satisfies Record<string, ReasonCode>;

export type InternalReasonCode = keyof typeof REASON_CODES;

/** The regulation links the engine cites, in one place. */
export const REGULATIONS = {
  lesserOf: {
    citation: '42 CFR § 414.21 (payment is the lesser of the actual charge or the fee schedule amount)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-414/subpart-B/section-414.21',
  },
  feeFormula: {
    citation: '42 CFR § 414.20 (formula for computing fee schedule amounts)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-414/subpart-B/section-414.20',
  },
  gpci: {
    citation: '42 CFR § 414.26 (geographic adjustment factors)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-414/subpart-B/section-414.26',
  },
  siteOfService: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, § 20.4.2 (site of service payment differential)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  oppsCap: {
    citation:
      'Social Security Act § 1848(b)(4) (Deficit Reduction Act of 2005 § 5102(b)): OPPS cap on imaging',
    url: 'https://www.ssa.gov/OP_Home/ssact/title18/1848.htm',
  },
  rvuFile: {
    citation:
      'CMS National Physician Fee Schedule Relative Value File documentation, Attachment A (status, PC/TC indicators)',
    url: 'https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files',
  },
  duplicates: {
    citation:
      'X12 CARC 18 (exact duplicate claim/service); Medicare Claims Processing Manual, Chapter 1, § 120 (detection of duplicate claims)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c01.pdf',
  },
  mue: {
    citation:
      'CMS National Correct Coding Initiative: Medically Unlikely Edits (MUE adjudication indicators 1, 2, 3)',
    url: 'https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-medically-unlikely-edits',
  },
  zipLocality: {
    citation: 'CMS ZIP code to carrier locality file',
    url: 'https://www.cms.gov/medicare/payment/fee-schedules',
  },
} as const satisfies Record<string, Regulation>;
