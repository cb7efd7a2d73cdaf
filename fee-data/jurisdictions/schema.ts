import * as v from 'valibot';

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
  mue: v.nullable(v.object({ adopted: v.boolean(), from: v.optional(date), source: SourceSchema })),
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
  notes: v.optional(v.array(v.string())),
});

export type Jurisdiction = v.InferOutput<typeof JurisdictionSchema>;
