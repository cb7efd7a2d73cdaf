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

/** A state's own reason code for one of our internal codes, with the publication that maps it. */
export interface StateReasonCode {
  /** The state's code, "G1". */
  readonly code: string;
  /** The issue the state's code names, as the source titles it. */
  readonly issue: string;
  readonly source: Regulation;
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
  /**
   * The state's own code by jurisdiction id ("CA"), only where a state publication maps our reason
   * to one; every adjustment with this internal code on a bill of that jurisdiction carries it.
   */
  readonly stateCodes?: Readonly<Record<string, StateReasonCode>>;
}

const CARC_LIST = 'X12 CARC list';

/**
 * California DWC Medical Billing and Payment Guide, Appendix B (Standard Explanation of Review),
 * 1.0 "California DWC Bill Adjustment Reason Code / CARC / RARC Matrix Crosswalk". We read only its
 * first rows (GENERAL, G1 to G3), on a third-party copy of the guide; the DWC codes for our other
 * reasons (duplicates, NCCI, MUE, global surgery, authorisation, documentation, multiple procedure,
 * frequency limits...) are in rows we could not read, so none is mapped.
 */
const CA_DWC_CROSSWALK: Regulation = {
  citation:
    'California DWC Medical Billing and Payment Guide, Appendix B, 1.0 California DWC Bill Adjustment Reason Code / CARC / RARC Matrix Crosswalk, GENERAL, G1 (read on a third-party copy of the guide)',
  url: 'https://vdocuments.site/10-california-dwc-bill-adjustment-reason-code-carc-rarc.html',
};

export const REASON_CODES = {
  'FS-MAX': {
    internalCode: 'FS-MAX',
    carc: '45',
    groupCode: 'CO',
    text: 'Billed charge is above the fee schedule amount; paid at the fee schedule amount.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable`,
    stateCodes: {
      // The crosswalk pairs G1 with CARC W1 (workers' compensation jurisdictional fee schedule
      // adjustment); we still send CARC 45 with it.
      CA: {
        code: 'G1',
        issue: "Provider's charge exceeds fee schedule allowance",
        source: CA_DWC_CROSSWALK,
      },
    },
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
    rarc: 'N362',
    text: 'Units above the medically unlikely edit (MUE) for the code: the line is denied (every line of the code on the date, for a date of service MUE).',
    // CMS's NCCI documentation names no CARC or RARC for MUE denials; Medicare contractors pair
    // RARC N362 with them (Noridian JF Part B reason code guidance; MACs differ on the CARC).
    mappingSource: `${CARC_LIST}: 151, payment adjusted because the payer deems the information submitted does not support this many/frequency of services; X12 RARC list: N362, the number of days or units of service exceeds our acceptable maximum, as Noridian (a Medicare contractor) pairs it with MUE denials: https://med.noridianmedicare.com/web/jfb/topics/claim-submission/reason-code-guidance/mue-service-exceeds-max`,
  },
  'BR-NCCI-PTP': {
    internalCode: 'BR-NCCI-PTP',
    carc: '236',
    groupCode: 'CO',
    text: 'NCCI procedure-to-procedure edit: the column 2 code is not paid with the column 1 code on the same date by the same provider.',
    mappingSource: `${CARC_LIST}: 236, procedure or procedure/modifier combination not compatible with another procedure on the same day according to the National Correct Coding Initiative or workers' compensation state regulations`,
  },
  'BR-GLOBAL-SURGERY': {
    internalCode: 'BR-GLOBAL-SURGERY',
    carc: '97',
    groupCode: 'CO',
    rarc: 'M144',
    text: 'Evaluation and management visit inside the global period of a surgery by the same provider: included in the surgery.',
    mappingSource: `${CARC_LIST}: 97, included in the allowance for another service; RARC M144, pre-/post-operative care payment is included in the allowance for the surgery/procedure`,
  },
  'BR-GLOBAL-PROCEDURE': {
    internalCode: 'BR-GLOBAL-PROCEDURE',
    carc: '97',
    groupCode: 'CO',
    rarc: 'M144',
    text: 'Procedure by the same provider inside the postoperative period of a surgery (GLOB DAYS 010 or 090) without modifier 58, 78 or 79: included in the surgery.',
    mappingSource: `${CARC_LIST}: 97, included in the allowance for another service; RARC M144, pre-/post-operative care payment is included in the allowance for the surgery/procedure`,
  },
  'BR-RETURN-TO-OR': {
    internalCode: 'BR-RETURN-TO-OR',
    carc: '45',
    groupCode: 'CO',
    text: 'Unplanned return to the operating room for a related procedure (modifier 78): paid the intra-operative share of the fee.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable (the maximum for a return to the operating room is the intra-operative share of the global fee)`,
  },
  'BR-ADD-ON-NO-PRIMARY': {
    internalCode: 'BR-ADD-ON-NO-PRIMARY',
    carc: '107',
    groupCode: 'CO',
    rarc: 'N122',
    text: 'Add-on code (GLOB DAYS ZZZ) without a paid primary procedure by the same provider on the same date.',
    mappingSource: `${CARC_LIST}: 107, the related or qualifying claim/service was not identified on this claim; RARC N122, add-on code cannot be billed by itself (CMS's add-on code edit page names no CARC: these are the X12 codes whose wording fits)`,
  },
  'BR-MULTIPLE-PROCEDURE': {
    internalCode: 'BR-MULTIPLE-PROCEDURE',
    carc: '59',
    groupCode: 'CO',
    text: 'Multiple procedure payment reduction (surgery, endoscopy family, imaging, therapy, cardiovascular or ophthalmology diagnostics).',
    mappingSource: `${CARC_LIST}: 59, processed based on multiple or concurrent procedure rules`,
  },
  'BR-BILATERAL': {
    internalCode: 'BR-BILATERAL',
    carc: '59',
    groupCode: 'CO',
    text: 'Bilateral procedure: both sides paid together at the bilateral rate.',
    mappingSource: `${CARC_LIST}: 59, processed based on multiple or concurrent procedure rules`,
  },
  'BR-ASSISTANT': {
    internalCode: 'BR-ASSISTANT',
    carc: '45',
    groupCode: 'CO',
    text: 'Assistant at surgery: paid at the assistant percentage of the fee schedule amount.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable (the maximum for an assistant is a percentage of the surgeon's fee)`,
  },
  'BR-CO-SURGEON': {
    internalCode: 'BR-CO-SURGEON',
    carc: '45',
    groupCode: 'CO',
    text: 'Co-surgeon: each surgeon paid 62.5% of the fee schedule amount.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable (each co-surgeon's maximum is 62.5% of the fee)`,
  },
  'BR-SPLIT-CARE': {
    internalCode: 'BR-SPLIT-CARE',
    carc: '45',
    groupCode: 'CO',
    text: 'Surgical care only, postoperative management only or preoperative management only (modifier 54, 55 or 56): paid at that share of the fee.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable (the maximum is the share of the global fee for the part performed)`,
  },
  'BR-SURGEON-NOT-ALLOWED': {
    internalCode: 'BR-SURGEON-NOT-ALLOWED',
    carc: '54',
    groupCode: 'CO',
    text: 'The fee schedule does not pay an assistant, co-surgeon or team surgeon for this procedure.',
    mappingSource: `${CARC_LIST}: 54, multiple physicians/assistants are not covered in this case`,
  },
  'BR-AUTH-MISSING': {
    internalCode: 'BR-AUTH-MISSING',
    carc: '197',
    groupCode: 'CO',
    text: 'The service needs prior authorisation and the line carries none.',
    mappingSource: `${CARC_LIST}: 197, precertification/notification/authorization/pre-treatment absent`,
  },
  'BR-DOCUMENTATION-MISSING': {
    internalCode: 'BR-DOCUMENTATION-MISSING',
    carc: '252',
    groupCode: 'CO',
    rarc: 'M127',
    text: 'The service needs documentation and none is attached to the line.',
    mappingSource: `${CARC_LIST}: 252, an attachment/other documentation is required to adjudicate this claim/service; RARC M127, missing patient medical record for this service`,
  },
  'BR-FREQUENCY-LIMIT': {
    internalCode: 'BR-FREQUENCY-LIMIT',
    carc: '119',
    groupCode: 'CO',
    text: 'Visits beyond the number the jurisdiction allows per injury.',
    mappingSource: `${CARC_LIST}: 119, benefit maximum for this time period or occurrence has been reached`,
  },
  // Inpatient (IPPS) and state facility tables (issue 16).
  'IPPS-TRANSFER': {
    internalCode: 'IPPS-TRANSFER',
    carc: '45',
    groupCode: 'CO',
    text: 'Transfer: the stay is paid the per diem the transfer rule allows (full MS-DRG payment ÷ geometric mean length of stay, the first day doubled), not the full MS-DRG payment.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement (the transfer per diem of 42 CFR 412.4(f) is the maximum allowed for the stay)`,
  },
  'IPPS-IN-STAY': {
    internalCode: 'IPPS-IN-STAY',
    carc: '97',
    groupCode: 'CO',
    text: 'Paid as part of the inpatient stay (one MS-DRG payment for the stay); this line carries none of it because it has no charge.',
    mappingSource: `${CARC_LIST}: 97, the benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated`,
  },
  'FAC-STATE-PACKAGED': {
    internalCode: 'FAC-STATE-PACKAGED',
    carc: '97',
    groupCode: 'CO',
    text: "Packaged: the state's outpatient or surgery-centre table gives the code a packaged status (or it is paid within a comprehensive procedure on the claim), so it has no separate payment.",
    mappingSource: `${CARC_LIST}: 97, the benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated`,
  },
  'FAC-STATE-NOT-PAYABLE': {
    internalCode: 'FAC-STATE-NOT-PAYABLE',
    carc: '96',
    groupCode: 'CO',
    text: "The state's outpatient table gives the code a status that is not payable in this setting (inpatient only, non-covered, or reported with another code).",
    mappingSource: `${CARC_LIST}: 96, non-covered charge(s)`,
  },
  'FAC-STATE-REDUCED': {
    internalCode: 'FAC-STATE-REDUCED',
    carc: '59',
    groupCode: 'CO',
    text: 'Multiple or discontinued procedure: paid at 50% of its maximum allowable amount.',
    mappingSource: `${CARC_LIST}: 59, processed based on multiple or concurrent procedure rules`,
  },
  // OPPS (hospital outpatient, lambdas/engine/facility/opps.ts) ---------------------------------
  'OPPS-PACKAGED': {
    internalCode: 'OPPS-PACKAGED',
    carc: '97',
    groupCode: 'CO',
    text: 'Packaged under the OPPS: paid as part of another service on the claim (status indicator N, Q1, Q2, Q4, or a comprehensive APC).',
    mappingSource: `${CARC_LIST}: 97, the benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated`,
  },
  'OPPS-MULTIPLE-PROCEDURE': {
    internalCode: 'OPPS-MULTIPLE-PROCEDURE',
    carc: '59',
    groupCode: 'CO',
    text: 'OPPS multiple procedure discount: a status T procedure after the highest-paying one is paid at 50%.',
    mappingSource: `${CARC_LIST}: 59, processed based on multiple or concurrent procedure rules`,
  },
  'OPPS-NOT-PAYABLE': {
    internalCode: 'OPPS-NOT-PAYABLE',
    carc: '96',
    groupCode: 'CO',
    text: 'Not payable under the OPPS on an outpatient hospital claim (status indicator E1, E2, B or M).',
    mappingSource: `${CARC_LIST}: 96, non-covered charge(s)`,
  },
  'OPPS-DELETED-CODE': {
    internalCode: 'OPPS-DELETED-CODE',
    carc: '181',
    groupCode: 'CO',
    text: 'The code is discontinued for OPPS (status indicator D): bill its replacement.',
    mappingSource: `${CARC_LIST}: 181, procedure code was invalid on the date of service`,
  },
  'OPPS-INPATIENT-ONLY': {
    internalCode: 'OPPS-INPATIENT-ONLY',
    carc: '96',
    groupCode: 'CO',
    rarc: 'N428',
    text: 'Inpatient-only procedure (status indicator C): not payable on an outpatient claim.',
    mappingSource: `${CARC_LIST}: 96, non-covered charge(s); RARC N428, not covered when performed in this place of service`,
  },
  'OPPS-DISCONTINUED': {
    internalCode: 'OPPS-DISCONTINUED',
    carc: '45',
    groupCode: 'CO',
    text: 'Discontinued or reduced procedure (modifier 73 or 52): paid at 50% of the APC rate.',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable (no CARC names a terminated-procedure reduction; the reduced rate is the fee schedule amount)`,
  },
  // ---------------------------------------------------------------------------------------------
  // ASC (issue 16): what the Medicare ASC method (lambdas/engine/facility/asc.ts) says about a line.
  'ASC-PACKAGED': {
    internalCode: 'ASC-PACKAGED',
    carc: '97',
    groupCode: 'CO',
    text: 'Packaged in the ASC payment for the surgical procedure (ASC payment indicator N1, L1 or D1): no separate payment.',
    mappingSource: `${CARC_LIST}: 97, the benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated`,
  },
  'ASC-MULTIPLE-PROCEDURE': {
    internalCode: 'ASC-MULTIPLE-PROCEDURE',
    carc: '59',
    groupCode: 'CO',
    text: 'ASC multiple procedure discount: the highest paying procedure at 100%, each other procedure (and each further unit) subject to discounting at 50%.',
    mappingSource: `${CARC_LIST}: 59, processed based on multiple or concurrent procedure rules`,
  },
  'ASC-EXCLUDED': {
    internalCode: 'ASC-EXCLUDED',
    carc: '58',
    groupCode: 'CO',
    text: 'The procedure is excluded from payment in an ambulatory surgical center (ASC Addendum EE), or is on neither list of services an ASC is paid for (Addenda AA and BB).',
    mappingSource: `${CARC_LIST}: 58, treatment was deemed by the payer to have been rendered in an inappropriate or invalid place of service`,
  },
  'ASC-NOT-PAYABLE': {
    internalCode: 'ASC-NOT-PAYABLE',
    carc: '96',
    groupCode: 'CO',
    text: 'The ASC payment indicator pays nothing for this code (B5 alternative code, D5 deleted code, K5 no pricing information).',
    mappingSource: `${CARC_LIST}: 96, non-covered charge(s)`,
  },
  'ASC-REDUCED': {
    internalCode: 'ASC-REDUCED',
    carc: '45',
    groupCode: 'CO',
    text: 'Reduced or discontinued ASC procedure (modifier 52 or 73): paid at 50% of the ASC rate (a device-intensive procedure discontinued before anaesthesia without its device portion).',
    mappingSource: `${CARC_LIST}: 45, charge exceeds fee schedule/maximum allowable (the maximum for a reduced or discontinued procedure is half the rate)`,
  },
} as const satisfies Record<string, ReasonCode>;

export type InternalReasonCode = keyof typeof REASON_CODES;

/**
 * The state's own code for an internal reason on a bill of that jurisdiction, where a state
 * publication maps one (REASON_CODES[...].stateCodes); undefined elsewhere.
 */
export function stateCodeOf(reason: InternalReasonCode, jurisdictionId: string): string | undefined {
  const code: ReasonCode = REASON_CODES[reason];
  return code.stateCodes?.[jurisdictionId]?.code;
}

/**
 * The catalogue as the API lists it (`GET /v1/reason-codes`): every internal code with its group
 * code, CARC, RARC where one fits, our own short wording and why the CARC fits, sorted by code.
 */
export function reasonCodeCatalogue(): ReasonCode[] {
  return (Object.values(REASON_CODES) as ReasonCode[])
    .map((c) => ({
      internalCode: c.internalCode,
      groupCode: c.groupCode,
      carc: c.carc,
      ...(c.rarc ? { rarc: c.rarc } : {}),
      text: c.text,
      mappingSource: c.mappingSource,
      ...(c.stateCodes ? { stateCodes: c.stateCodes } : {}),
    }))
    .sort((a, b) => (a.internalCode < b.internalCode ? -1 : 1));
}

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
      'CMS National Correct Coding Initiative: Medically Unlikely Edits (MUE adjudication indicators 1, 2, 3); NCCI Policy Manual for Medicare Services, Chapter I, § V',
    url: 'https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-medically-unlikely-edits',
  },
  ncciPtp: {
    citation:
      'CMS National Correct Coding Initiative: procedure-to-procedure (PTP) edits and their modifier indicators (NCCI Policy Manual for Medicare Services, Chapter I, § E)',
    url: 'https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-procedure-procedure-ptp-edits',
  },
  globalSurgery: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, §§ 40.1-40.4 (global surgery: components, global days, modifiers 24, 25, 57 and 79)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  globalSurgeryProcedures: {
    citation:
      "Medicare Claims Processing Manual, Chapter 12, § 40.1 (the global package includes the surgeon's care of complications that need no return to the operating room; staged, unrelated and return-trip procedures are not included) and § 40.2 (modifiers 58, 78 and 79), with GLOB DAYS of the PFS Relative Value File documentation",
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  returnToOperatingRoom: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, § 40 (global surgery: a return trip to the operating room billed with modifier 78 is paid the intra-operative value of the code and starts no new postoperative period; a 000-day code, which has no intra-operative share, in full; the subsection is cited from secondary copies, the manual text is not held here), with the INTRA OP percentage of the PFS Relative Value File',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  addOnCodes: {
    citation:
      'CMS, Medicare NCCI Add-on Code Edits (an add-on code is paid only when a primary procedure is also eligible for payment to the same practitioner for the same patient on the same date of service); NCCI Policy Manual for Medicare Services, Chapter I (add-on codes); PFS Relative Value File documentation, GLOB DAYS ZZZ',
    url: 'https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-add-code-edits',
  },
  multipleProcedure: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, § 40.6 (multiple surgery and endoscopy), and the PFS Relative Value File documentation, MULT PROC indicators 2-7 (imaging, therapy, cardiovascular and ophthalmology reductions)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  bilateral: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, § 40.7 (bilateral surgery), and the PFS Relative Value File documentation, BILAT SURG indicators 0-3 and 9',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  surgeons: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, § 20.4.3 (assistant at surgery, 16%), § 40.8 (co-surgeons 62.5%, team surgery by report), and the PFS Relative Value File documentation, ASST SURG, CO SURG and TEAM SURG indicators',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  splitCare: {
    citation:
      'Medicare Claims Processing Manual, Chapter 12, § 40.2 (split global care: modifiers 54, 55, 56), with the PRE OP, INTRA OP and POST OP shares of the PFS Relative Value File',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf',
  },
  zipLocality: {
    citation: 'CMS ZIP code to carrier locality file',
    url: 'https://www.cms.gov/medicare/payment/fee-schedules',
  },
  priorAuthorization: {
    citation:
      "X12 CARC 197 (precertification/notification/authorization/pre-treatment absent): the payer's own list of services that need prior authorisation",
    url: 'https://x12.org/codes/claim-adjustment-reason-codes',
  },
  documentation: {
    citation:
      "X12 CARC 252 (an attachment/other documentation is required to adjudicate this claim/service) with RARC M127: the payer's own list of services that need documentation",
    url: 'https://x12.org/codes/claim-adjustment-reason-codes',
  },
  frequencyLimits: {
    citation:
      "X12 CARC 119 (benefit maximum for this time period or occurrence has been reached): the jurisdiction's visit limit, cited on each decision",
    url: 'https://x12.org/codes/claim-adjustment-reason-codes',
  },
} as const satisfies Record<string, Regulation>;
