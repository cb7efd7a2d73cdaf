import * as v from 'valibot';
import { VISIT_CATEGORIES } from '../../lambdas/engine/bill/schema.js';

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

export const JurisdictionSchema = v.object({
  /** "AZ", "DC", "US-OWCP", "US-MEDICARE". */
  id: v.string(),
  name: v.string(),
  /** The agency that publishes the schedule. */
  agency: v.optional(v.string()),
  billTypes: v.object({ professional: BillTypeSchema }),
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
