import * as v from 'valibot';
import { SuppliedProvenanceSchema } from './supplied.js';
import { VISIT_CATEGORIES } from './visit-categories.js';

/**
 * The schema of a jurisdiction file (`fee-data/jurisdictions/<ID>.json`, one a jurisdiction: the
 * 50 states, DC, US-OWCP and US-MEDICARE). Every number carries a source: a file of
 * ../shared/reference-data (with its row) or a regulation (citation and URL). A number without a
 * source is not a number we use.
 */

export const SourceSchema = v.object({
  /** "8 CCR § 9789.12.2" or "AZ_ICA_Physicians_Fee_Schedule_2024.xlsx, sheet RBRVS FeeSchedule2024". */
  citation: v.pipe(v.string(), v.minLength(3)),
  /** A public link to the regulation or publication (https), when one exists. */
  url: v.optional(v.pipe(v.string(), v.url(), v.startsWith('https://'))),
  /** The reference data file the number was read from, relative to ../shared/reference-data. */
  file: v.optional(v.string()),
});

const date = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

/** A conversion factor (or a multiplier of Medicare) for a service category, with its source. */
export const FactorSchema = v.object({
  /** "all", "surgery", "radiology", "anesthesia", "pathology", "medicine", "evaluation-management", "physical-medicine", "surgery-facility"... */
  category: v.string(),
  /** Decimal string, "67.81" (a CF in dollars) or "1.40" (a multiplier of Medicare). */
  value: v.pipe(v.string(), v.regex(/^\d+(\.\d+)?$/)),
  source: SourceSchema,
});

export const EditionSchema = v.object({
  /** "AZ-2024". */
  id: v.string(),
  effective: date,
  /** null: in force until the next edition. */
  termination: v.nullable(date),
  /** Whether the effective date is stated by a source, or inferred (say how in `notes`). */
  effectiveStated: v.boolean(),
  /** What data prices this edition: a reference file (state table) or a Medicare edition year. */
  data: v.optional(v.string()),
  factors: v.optional(v.array(FactorSchema)),
  notes: v.optional(v.array(v.string())),
  sources: v.array(SourceSchema),
  /**
   * How this edition prices, when it differs from its bill type's method: a supplied edition
   * (issue 20) is a conversion-factor edition (`rbrvs-state-cf`) or a fee table (`state-table`)
   * whatever the jurisdiction's own method is.
   */
  method: v.optional(v.picklist(['rbrvs-state-cf', 'state-table'])),
  /** Set on an edition the customer supplied (issue 20): who, when, from what. Never in our files. */
  supplied: v.optional(SuppliedProvenanceSchema),
});

export const MethodSchema = v.picklist([
  'state-table',
  'rbrvs-state-cf',
  'percent-of-medicare',
  'medicare-fallback',
  'medicare',
]);

export const BillTypeSchema = v.object({
  method: MethodSchema,
  editions: v.array(EditionSchema),
  /** What we hold no schedule for and price on Medicare instead (medicare-fallback), named. */
  missing: v.optional(v.string()),
  /**
   * Editions the customer supplied (issue 20), merged in by the index build, never in our files.
   * Consulted before `editions`: a supplied edition in force on a date of service wins (over our
   * Medicare fallback, or over an official edition it says it supersedes).
   */
  supplied: v.optional(v.array(EditionSchema)),
});

/** A source that must link to its publication: what a list or a limit of a jurisdiction rests on. */
export const LinkedSourceSchema = v.object({
  citation: v.pipe(v.string(), v.minLength(3)),
  url: v.pipe(v.string(), v.url(), v.startsWith('https://')),
  file: v.optional(v.string()),
});

/**
 * Codes the jurisdiction requires prior authorisation (or documentation) for, and whether a line
 * without it is denied or only flagged for review.
 */
export const ReviewListSchema = v.object({
  codes: v.pipe(
    v.array(v.pipe(v.string(), v.regex(/^[A-Z0-9]{5}$/, 'must be a five-character CPT or HCPCS code'))),
    v.minLength(1),
  ),
  action: v.picklist(['deny', 'flag']),
  source: LinkedSourceSchema,
});

/**
 * A limit on visits of one category per injury (California Labor Code § 4604.5(c)(1): 24 each of
 * chiropractic, occupational therapy and physical therapy). Which lines count toward a category is
 * defined by the engine (lambdas/engine/rules/frequency-limits.ts, `visitCategoriesOf`).
 */
export const FrequencyLimitSchema = v.object({
  category: v.picklist(VISIT_CATEGORIES),
  maxVisits: v.pipe(v.number(), v.integer(), v.minValue(1)),
  per: v.literal('injury'),
  /**
   * Services on or after this date are limited. Bills carry no date of injury, so a limit the law
   * dates by injury (California: injuries on or after January 1, 2004) is applied by date of service
   * and the jurisdiction's `notes` say so.
   */
  from: v.optional(date),
  /**
   * A line carrying a prior authorisation is paid beyond the limit (the employer authorised more
   * visits) and flagged for review; its visit still counts toward the limit.
   */
  exemptWithAuthorization: v.boolean(),
  source: LinkedSourceSchema,
});

/**
 * The Medicare policies a jurisdiction may adopt one by one: the payment policies of the Medicare
 * Claims Processing Manual, Chapter 12, § 40 (global surgery § 40.1–40.4, multiple procedure § 40.6,
 * bilateral § 40.7, assistant, co- and team surgeons § 20.4.3 and § 40.8) and the NCCI edit families
 * (procedure-to-procedure edits, add-on code edits, medically unlikely edits).
 */
export const MEDICARE_POLICIES = [
  'global-surgery',
  'multiple-procedure',
  'bilateral',
  'surgeons',
  'ncci-ptp',
  'ncci-add-on',
  'mue',
] as const;

export type MedicarePolicy = (typeof MEDICARE_POLICIES)[number];

/**
 * What a policy adoption (or a state's own number) rests on: the clause that says so, where it is
 * (rule number, section or page), and a public https link to it.
 */
export const PolicySourceSchema = v.object({
  /** "Ala. Admin. Code r. 480-5-5-.15, Bill Screening". */
  citation: v.pipe(v.string(), v.minLength(3)),
  url: v.pipe(v.string(), v.url(), v.startsWith('https://')),
  /** Where in the source the clause is: "(2)(c)", "§ 134.203(a)(5)", "Section 1, page 3". */
  section: v.pipe(v.string(), v.minLength(1)),
});

const percent = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?$/, 'must be a percentage as a decimal string, such as "62.5"'),
);

/** A state's own number where its rule differs from Medicare's, with the clause that sets it. */
function stateNumber<T extends v.GenericSchema>(value: T) {
  return v.object({ value, source: PolicySourceSchema });
}

/**
 * A state's own numbers for the policies it adopts with changes. Each belongs to one policy (see
 * {@link POLICY_PARAMETERS}); absent means Medicare's number applies.
 */
export const PolicyParametersSchema = v.strictObject({
  /** multiple-procedure: percent of the fee paid for each surgical procedure after the highest (Medicare: 50). */
  multipleSurgeryPercent: v.optional(stateNumber(percent)),
  /**
   * multiple-procedure: true where the state's clause speaks of surgical procedures only, so Medicare's
   * imaging, therapy, cardiovascular and ophthalmology reductions (MULT PROC 4–7) are not applied.
   */
  surgeryOnly: v.optional(stateNumber(v.literal(true))),
  /** bilateral: percent of one side's fee paid for both sides of a BILAT SURG 1 procedure (Medicare: 150). */
  bilateralPercent: v.optional(stateNumber(percent)),
  /** surgeons: an assistant at surgery, modifiers 80, 81, 82 (Medicare: 16). */
  assistantPercent: v.optional(stateNumber(percent)),
  /** surgeons: an assistant at surgery who is not a physician, modifier AS (Medicare: 13.6). */
  nonPhysicianAssistantPercent: v.optional(stateNumber(percent)),
  /** surgeons: each co-surgeon, modifier 62 (Medicare: 62.5). */
  coSurgeonPercent: v.optional(stateNumber(percent)),
  /** global-surgery: postoperative days of a GLOB DAYS 090 code (Medicare: 90). */
  majorFollowUpDays: v.optional(stateNumber(v.pipe(v.number(), v.integer(), v.minValue(0)))),
  /** global-surgery: postoperative days of a GLOB DAYS 010 code (Medicare: 10). */
  minorFollowUpDays: v.optional(stateNumber(v.pipe(v.number(), v.integer(), v.minValue(0)))),
  /** global-surgery: whether the day before a 090 surgery is in its period (Medicare: yes). */
  preoperativeDay: v.optional(stateNumber(v.boolean())),
});

export type PolicyParameters = v.InferOutput<typeof PolicyParametersSchema>;
export type PolicyParameter = keyof PolicyParameters;

/** The policy each state number belongs to: a file may give it only under that policy. */
export const POLICY_PARAMETERS: Readonly<Record<PolicyParameter, MedicarePolicy>> = {
  multipleSurgeryPercent: 'multiple-procedure',
  surgeryOnly: 'multiple-procedure',
  bilateralPercent: 'bilateral',
  assistantPercent: 'surgeons',
  nonPhysicianAssistantPercent: 'surgeons',
  coSurgeonPercent: 'surgeons',
  majorFollowUpDays: 'global-surgery',
  minorFollowUpDays: 'global-surgery',
  preoperativeDay: 'global-surgery',
};

/**
 * One policy as a jurisdiction's sources record it: adopted or not, from when, on what clause, and
 * the state's own numbers where they differ from Medicare's. A policy the sources we read do not
 * speak to has no entry at all (unknown, so the rule does not run): an entry always has a source.
 */
export const PolicyAdoptionSchema = v.object({
  adopted: v.boolean(),
  /** The first date of service the adoption covers; absent: every date. */
  from: v.optional(date),
  source: PolicySourceSchema,
  parameters: v.optional(PolicyParametersSchema),
  /** What the clause says that the engine does not model, and anything read that bears on it. */
  notes: v.optional(v.array(v.string())),
});

export type PolicyAdoption = v.InferOutput<typeof PolicyAdoptionSchema>;

/** The facility bill types a jurisdiction file records beside `professional` (issue 16). */
export const FACILITY_BILL_TYPES = ['outpatient', 'asc', 'inpatient'] as const;
export type FacilityBillTypeName = (typeof FACILITY_BILL_TYPES)[number];

/**
 * How a jurisdiction prices a facility bill type. Kept small on purpose; each value says what the
 * facility orchestration does with it:
 * - `state-table`: the state's own facility table prices the line (Georgia's Inpatient_Hospital and
 *   Outpatient tables); the edition's `data` names the reference files.
 * - `percent-of-medicare`: the Medicare method named by `basis` (OPPS, ASC or IPPS) prices the line,
 *   and the edition's factor for the line's category multiplies it ("2.00" = 200%).
 * - `medicare-fallback`: no state method we can source; priced on the Medicare method of `basis`,
 *   every line naming what is missing (as for professional bills).
 * - `medicare`: Medicare itself (US-MEDICARE).
 * - `unsupported`: the state's method was read and is not a multiple of a Medicare method we can
 *   price (a percentage of billed charges, a per diem, a cost-to-charge ratio, a state DRG base rate
 *   we do not hold); `missing` says what, and the lines are not priced on Medicare as if it were.
 */
export const FacilityMethodSchema = v.picklist([
  'state-table',
  'percent-of-medicare',
  'medicare-fallback',
  'medicare',
  'unsupported',
]);

/** The Medicare payment system a facility method multiplies or falls back to. */
export const FacilityBasisSchema = v.picklist(['opps', 'asc', 'ipps']);

/**
 * A facility factor: a multiplier of the Medicare amount ("2.00" = 200%) for a category of the bill,
 * whose source must link to the rule that sets it.
 */
export const FacilityFactorSchema = v.object({
  /**
   * "all" for the whole bill; "implants-carved-out" where a state pays the rest of the bill at
   * another percentage when implants are paid separately (Texas); "surgery" for a percentage that
   * applies to surgical and emergency services only (California).
   */
  category: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*$/, 'must be a kebab-case category')),
  /** A multiplier of Medicare, decimal string: "2.00" = 200% (North Carolina outpatient). */
  value: v.pipe(v.string(), v.regex(/^\d{1,2}(\.\d+)?$/, 'must be a multiplier of Medicare, such as "2.00"')),
  source: LinkedSourceSchema,
});

/** A facility edition: the professional edition's shape, with linked sources on its factors. */
export const FacilityEditionSchema = v.object({
  ...EditionSchema.entries,
  factors: v.optional(v.array(FacilityFactorSchema)),
});

/** Money in dollars with cents, "1000.00". */
const dollars = v.pipe(v.string(), v.regex(/^\d+\.\d{2}$/, 'must be dollars and cents, such as "1000.00"'));

/**
 * How a carve-out is paid.
 * - `cost-plus`: the item's cost (invoice or net amount, as the rule says) plus a percentage, the
 *   add-on capped per item and per claim where the rule caps it (Texas: net cost plus 10% or $1,000
 *   an item, whichever is less, not more than $2,000 of add-ons an admission).
 * - `not-modelled`: the rule's payment needs something we do not hold or model; the engine flags
 *   the line for review instead of pricing it.
 */
export const CarveOutPaymentSchema = v.variant('kind', [
  v.strictObject({
    kind: v.literal('cost-plus'),
    /** What cost the percentage is added to, as the rule words it ("net amount, exclusive of rebates and discounts"). */
    costBasis: v.pipe(v.string(), v.minLength(3)),
    addOnPercent: percent,
    perItemAddOnCap: v.optional(dollars),
    perClaimAddOnCap: v.optional(dollars),
  }),
  v.strictObject({ kind: v.literal('not-modelled'), why: v.pipe(v.string(), v.minLength(10)) }),
]);

/**
 * Items a state pays apart from the facility method (separately reported implants, for example),
 * with how they are paid and the rule. The engine prices a `cost-plus` carve-out when the bill carries
 * the cost it needs, and flags the line otherwise; it never prices a carve-out on the Medicare rate.
 */
export const CarveOutSchema = v.strictObject({
  /** "implantables". */
  id: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*$/, 'must be a kebab-case id')),
  /** Revenue codes that report the item on a UB-04, as the rule or its guidance names them (four digits). */
  revenueCodes: v.optional(
    v.array(v.pipe(v.string(), v.regex(/^\d{4}$/, 'must be a four-digit revenue code'))),
  ),
  /** `on-request`: only when the facility asks for separate payment (Texas); `always`: whenever billed. */
  when: v.picklist(['always', 'on-request']),
  /** The factor category that prices the rest of the bill when the carve-out is taken; absent: unchanged. */
  factorCategory: v.optional(v.string()),
  payment: CarveOutPaymentSchema,
  /** What the bill must carry for the engine to price it ("the item's net cost from the invoice"). */
  needs: v.optional(v.array(v.string())),
  source: PolicySourceSchema,
  notes: v.optional(v.array(v.string())),
});

export type CarveOut = v.InferOutput<typeof CarveOutSchema>;

/**
 * A facility bill type of a jurisdiction: the professional bill type's shape (method, dated editions,
 * `missing`), plus the Medicare system it rests on and the items the state pays apart.
 */
export const FacilityBillTypeSchema = v.object({
  method: FacilityMethodSchema,
  /** The Medicare system the factors multiply, or that a fallback prices on; absent only for state-table and unsupported. */
  basis: v.optional(FacilityBasisSchema),
  editions: v.array(FacilityEditionSchema),
  carveOuts: v.optional(v.array(CarveOutSchema)),
  /** What we do not hold or could not read (medicare-fallback, unsupported), named. */
  missing: v.optional(v.string()),
  /** What was read that an unsupported method rests on (it has no edition to carry it): required there. */
  sources: v.optional(v.array(LinkedSourceSchema)),
  /** What the sources say that the method does not model (critical access hospitals, outliers…). */
  notes: v.optional(v.array(v.string())),
});

export type FacilityBillType = v.InferOutput<typeof FacilityBillTypeSchema>;

export const JurisdictionSchema = v.object({
  /** "AZ", "DC", "US-OWCP", "US-MEDICARE". */
  id: v.string(),
  name: v.string(),
  /** The agency that publishes the schedule. */
  agency: v.optional(v.string()),
  billTypes: v.object({
    professional: BillTypeSchema,
    outpatient: v.optional(FacilityBillTypeSchema),
    asc: v.optional(FacilityBillTypeSchema),
    inpatient: v.optional(FacilityBillTypeSchema),
  }),
  /** Where the services are placed for the fee schedule. */
  locationRule: v.object({
    basis: v.picklist(['place-of-service', 'provider-location', 'unknown']),
    /** Out-of-state services, e.g. Delaware's lesser of the in-state and out-of-state amounts. */
    outOfState: v.optional(v.string()),
    source: v.optional(SourceSchema),
  }),
  /** NCCI procedure-to-procedure edits and MUEs: adopted, from when, with the source; null = not known. */
  ncci: v.nullable(v.object({ adopted: v.boolean(), from: v.optional(date), source: SourceSchema })),
  mue: v.nullable(
    v.object({
      adopted: v.boolean(),
      from: v.optional(date),
      source: SourceSchema,
      /**
       * The jurisdiction's own source says it pays units up to the MUE (the units over it are not
       * paid, the rest are). Absent: CMS's adjudication, which denies the line (MAI 1) or every line
       * of the code on the date (MAI 2 and 3) whose units exceed the MUE (NCCI Policy Manual for
       * Medicare Services, ch. I § V).
       */
      paysUpToLimit: v.optional(v.object({ value: v.boolean(), source: LinkedSourceSchema })),
    }),
  ),
  /**
   * Medicare's payment policies for professional services (global surgery, multiple procedure,
   * bilateral, assistant, co- and team surgery, modifiers 52–56): adopted, from when, with the
   * source; absent or null = not known, and the payment rules do not run.
   */
  paymentPolicies: v.optional(
    v.nullable(v.object({ adopted: v.boolean(), from: v.optional(date), source: SourceSchema })),
  ),
  /**
   * Each Medicare policy as the jurisdiction's own ground rules record it (issue 14, item 8). An
   * entry here decides for its policy; a policy without one falls back to its family switch above
   * (`ncci` for ncci-ptp and ncci-add-on, `mue` for mue, `paymentPolicies` for the four payment
   * policies), and without either the rule does not run.
   */
  policies: v.optional(
    v.strictObject({
      'global-surgery': v.optional(PolicyAdoptionSchema),
      'multiple-procedure': v.optional(PolicyAdoptionSchema),
      bilateral: v.optional(PolicyAdoptionSchema),
      surgeons: v.optional(PolicyAdoptionSchema),
      'ncci-ptp': v.optional(PolicyAdoptionSchema),
      'ncci-add-on': v.optional(PolicyAdoptionSchema),
      mue: v.optional(PolicyAdoptionSchema),
    }),
  ),
  /** Payment is the lesser of the billed charge and the fee schedule amount. null = not known. */
  lesserOfBilled: v.nullable(v.object({ value: v.boolean(), source: SourceSchema })),
  /** Pharmacy dispensing fee in dollars, with its source; null = not known. */
  drugDispensingFee: v.nullable(
    v.object({ value: v.pipe(v.string(), v.regex(/^\d+\.\d{2}$/)), source: SourceSchema }),
  ),
  /**
   * Bill types on which a PPO (network) value may not pay below the fee schedule allowance, with the
   * source; absent = no such rule in the sources we hold.
   */
  ppoBelowFeeSchedule: v.optional(
    v.object({ forbiddenFor: v.array(v.picklist(['professional', 'medical-legal'])), source: SourceSchema }),
  ),
  /** The jurisdiction's own lists of codes that need prior authorisation or documentation. */
  reviewLists: v.optional(
    v.object({
      priorAuthorizationRequired: v.optional(ReviewListSchema),
      documentationRequired: v.optional(ReviewListSchema),
    }),
  ),
  /** Visit limits per injury, at most one a category. */
  frequencyLimits: v.optional(
    v.pipe(
      v.array(FrequencyLimitSchema),
      v.check(
        (limits) => new Set(limits.map((l) => l.category)).size === limits.length,
        'at most one limit a category',
      ),
    ),
  ),
  notes: v.optional(v.array(v.string())),
});

export type Jurisdiction = v.InferOutput<typeof JurisdictionSchema>;
