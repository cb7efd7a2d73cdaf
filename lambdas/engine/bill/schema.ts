import * as v from 'valibot';
import type { FieldError } from '../errors.js';
import { EXPLAIN_LEVELS } from '../explain.js';
import { MONEY_PATTERN } from '../money.js';
import { BUCKETS } from '../priced-bill.js';
import { billReference, payerContact } from './bill-reference.js';

/**
 * The two bill shapes `POST /v1/bills/price` accepts, as Valibot schemas. They check shape and
 * formats; `normalise.ts` checks meaning (real dates, known codes, a ZIP we can place). The OpenAPI
 * document is generated from these schemas, so the descriptions here are the API's documentation.
 * Objects are loose: customers send whole claims and we ignore what we do not use.
 */

/**
 * The formats the schema checks, shared with the fast path (fast-bill.ts) so the two cannot differ.
 */
export const PATTERNS = {
  code: /^[A-Z0-9]{5}$/,
  modifier: /^[A-Z0-9]{2}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  placeOfService: /^\d{2}$/,
  zip: /^\d{5}(-?\d{4})?$/,
  ndc: /^\d{11}$/,
  quantity: /^\d{1,6}(\.\d{1,3})?$/,
} as const;

export const money = v.pipe(
  v.string('send money as a string, for example "150.00"'),
  v.regex(MONEY_PATTERN, 'must be an amount like "150.00": digits, at most two decimals, no sign'),
  v.description('Amount in US dollars as a string with at most two decimals.'),
);

export const code = v.pipe(
  v.string(),
  v.trim(),
  v.toUpperCase(),
  v.regex(PATTERNS.code, 'must be a five-character CPT or HCPCS code'),
  v.description('CPT or HCPCS Level II code.'),
);

export const modifier = v.pipe(
  v.string(),
  v.trim(),
  v.toUpperCase(),
  v.regex(PATTERNS.modifier, 'must be a two-character modifier'),
);

export const isoDate = v.pipe(
  v.string(),
  v.regex(PATTERNS.date, 'must be a date as YYYY-MM-DD'),
  v.description('Date as YYYY-MM-DD.'),
);

const placeOfService = v.pipe(
  v.string(),
  v.regex(PATTERNS.placeOfService, 'must be a two-digit CMS place of service code'),
  v.description('CMS place of service code (two digits).'),
);

export const zip = v.pipe(
  v.string(),
  v.regex(PATTERNS.zip, 'must be a ZIP code (five digits, or ZIP+4)'),
  v.description('ZIP or ZIP+4.'),
);

export const shortText = (max: number) =>
  v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`));

const ExternalReasonSchema = v.object({
  groupCode: v.picklist(['CO', 'PR', 'OA', 'PI'], 'must be CO, PR, OA or PI'),
  carc: v.pipe(v.string(), v.regex(/^[A-Z]?\d{1,3}$/, 'must be an X12 claim adjustment reason code')),
  rarc: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Z]{1,2}\d{1,4}$/, 'must be an X12 remittance advice remark code')),
  ),
  internalCode: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Z0-9][A-Z0-9-]{0,29}$/, 'must be upper-case letters, digits and dashes')),
  ),
  stateCode: v.optional(shortText(20)),
});

/**
 * A value from outside the fee schedule (a PPO contract, a utilization review decision, a
 * negotiated rate, an adjuster's decision, your own) and how to apply it. See docs/decisions/006.
 */
export const ExternalValueSchema = v.pipe(
  v.object({
    bucket: v.picklist(BUCKETS, `must be one of ${BUCKETS.join(', ')}`),
    mode: v.picklist(['override', 'replace', 'add', 'single'], 'must be override, replace, add or single'),
    amount: v.optional(
      v.pipe(
        v.string('send money as a string, for example "100.00"'),
        v.regex(
          /^-?\d{1,9}(\.\d{1,2})?$/,
          'must be an amount like "100.00" (negative only to add a reduction)',
        ),
      ),
    ),
    percent: v.optional(
      v.pipe(
        v.string('send a percentage as a string, for example "-10"'),
        v.regex(/^-?\d{1,3}(\.\d{1,4})?$/, 'must be a percentage like "-10" or "90"'),
      ),
    ),
    when: v.optional(
      v.picklist(['before', 'during', 'after'], 'must be before, during (with rule) or after (the rules)'),
    ),
    rule: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^[a-z-]{1,40}$/, 'must be the id of a bill review rule, for example "multiple-procedure"'),
      ),
    ),
    source: v.pipe(v.string(), v.trim(), v.minLength(1, 'is required'), v.maxLength(200)),
    reason: ExternalReasonSchema,
    lineNumbers: v.optional(
      v.pipe(
        v.array(v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1))),
        v.minLength(1, 'name at least one line'),
      ),
    ),
  }),
  v.description(
    'override: force the bucket to the amount (or percent of billed), no fee schedule or bill review rules on the line; replace: set the allowance after the bucket to the amount (or percent of the allowance before it); add: add the amount (negative: a reduction) or percent of the allowance before it; single: the whole allowance in this bucket, nothing in the others. when: before (fee schedule bucket only: the rules then act on the value), during (with rule: just before that bill review rule runs; fee schedule or bill review bucket) or after the rules (default).',
  ),
);

export const externalValues = v.pipe(v.array(ExternalValueSchema), v.maxLength(50, 'at most 50 values'));

export const BillLineSchema = v.looseObject({
  lineNumber: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be 1 or more'),
      v.maxValue(9999),
    ),
  ),
  code,
  modifiers: v.optional(v.pipe(v.array(modifier), v.maxLength(4, 'at most four modifiers'))),
  dateOfService: isoDate,
  units: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number of units'),
      v.minValue(1, 'must be 1 or more'),
      v.maxValue(99999, 'must be at most 99999'),
    ),
  ),
  charge: money,
  placeOfService: v.optional(placeOfService),
  renderingProviderNpi: v.optional(shortText(10)),
  anesthesiaMinutes: v.optional(
    v.pipe(
      v.number('must be a number of minutes'),
      v.integer('must be whole minutes'),
      v.minValue(0, 'must be 0 or more'),
      v.maxValue(2880, 'must be at most 2880 (48 hours)'),
      v.description('Anesthesia time in minutes (anesthesia codes): time units of 15 minutes.'),
    ),
  ),
  drug: v.optional(
    v.pipe(
      v.object({
        ndc: v.pipe(v.string(), v.regex(PATTERNS.ndc, 'must be an 11-digit NDC (5-4-2, no dashes)')),
        quantity: v.pipe(
          v.string('send the quantity as a string, for example "30" or "2.5"'),
          v.regex(PATTERNS.quantity, "must be a quantity in the NDC's pricing unit, at most three decimals"),
        ),
      }),
      v.description(
        "A drug dispensed: priced by NDC on NADAC per unit × quantity, plus the jurisdiction's dispensing fee.",
      ),
    ),
  ),
  priorAuthorization: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(50, 'must be at most 50 characters'),
      v.description('The prior authorisation (or written authorisation) number for the service.'),
    ),
  ),
  externalValues: v.optional(externalValues),
  documentation: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100))),
      v.maxLength(20, 'at most 20 attachments a line'),
      v.description('Identifiers of the documents attached for the line (reports, notes, invoices).'),
    ),
  ),
});

export { VISIT_CATEGORIES, type VisitCategory } from '../../domain/visit-categories.js';

const visitCount = v.pipe(
  v.number('must be a number of visits'),
  v.integer('must be a whole number of visits'),
  v.minValue(0, 'must be 0 or more'),
  v.maxValue(9999, 'must be at most 9999'),
);

const PriorVisitsSchema = v.pipe(
  v.strictObject(
    {
      chiropractic: v.optional(visitCount),
      physicalTherapy: v.optional(visitCount),
      occupationalTherapy: v.optional(visitCount),
    },
    'only chiropractic, physicalTherapy and occupationalTherapy visits are counted',
  ),
  v.description(
    'Visits already paid for this injury before this bill, by category, for frequency limits (California Labor Code § 4604.5(c)(1)).',
  ),
);

const codeList = v.pipe(v.array(code), v.maxLength(5000, 'at most 5000 codes'));

const ReviewListSchema = v.object({
  codes: codeList,
  action: v.picklist(['deny', 'flag'], 'must be "deny" or "flag"'),
});

export const ReviewSchema = v.pipe(
  v.strictObject({
    priorAuthorizationRequired: v.optional(ReviewListSchema),
    documentationRequired: v.optional(ReviewListSchema),
  }),
  v.description(
    "Your own lists of codes that need prior authorisation or documentation, and whether a line without it is denied or flagged; applied with the jurisdiction's lists.",
  ),
);

const party = v.looseObject({
  npi: v.optional(shortText(10)),
  zip: v.optional(zip),
  name: v.optional(shortText(200)),
  taxId: v.optional(shortText(20)),
});

/** The request's explanation level (lambdas/engine/explain.ts); a `?explain=` query parameter says the same. */
export const explain = v.pipe(
  v.picklist(EXPLAIN_LEVELS, 'must be "full", "summary" or "none"'),
  v.description(
    'How much explanation the answer carries: "full" (the default: every step with its inputs and regulation), "summary" (amounts, buckets, adjustments with their codes, each rule\'s decision and the source rows; shared regulations once) or "none" (amounts and codes). The `explain` query parameter says the same; if both are sent they must agree.',
  ),
);

export const qrCode = v.pipe(
  v.boolean('must be true or false'),
  v.description('Also answer the SmartBill link as an SVG QR code (`smartBill.qrCodeSvg`).'),
);

/** Whether this bill's aggregate records are kept for analytics (issue 19); the tenant's setting can turn it off for every bill. */
export const analytics = v.pipe(
  v.boolean('must be true or false'),
  v.description(
    'false: keep no analytics record of this bill (default true, unless your tenant turned analytics off). Records never hold PHI: see GET /v1/analytics/kpis.',
  ),
);

/** Whether the answer compares each line's charge with other tenants' (issue 19). */
export const compare = v.pipe(
  v.boolean('must be true or false'),
  v.description(
    "true: each line carries `comparison`, the percentile of its charge per unit among all tenants' lines of its code, jurisdiction and modifier group, where at least 11 lines from 3 tenants stand behind it.",
  ),
);

export const payer = v.pipe(
  v.looseObject({
    name: v.optional(shortText(200)),
    id: v.optional(shortText(50)),
    contact: v.optional(payerContact),
  }),
  v.description(
    'Who pays the bill (passed through to the priced bill for the explanation of review), and how a provider reaches them about it.',
  ),
);

export const BillSchema = v.pipe(
  v.looseObject({
    billId: v.optional(v.pipe(shortText(64), v.description('Your reference for the bill; echoed back.'))),
    billReference: v.optional(billReference),
    jurisdiction: v.pipe(
      v.string('is required'),
      v.trim(),
      v.toUpperCase(),
      v.minLength(2, 'is required'),
      v.description('Whose fee schedule prices the bill: "US-MEDICARE".'),
    ),
    billType: v.optional(
      v.pipe(
        v.picklist(
          ['professional'],
          'must be "professional" here; "outpatient", "asc" and "inpatient" bills take the facility bill shape',
        ),
        v.description(
          '"professional" (the default). Facility bills ("outpatient", "asc", "inpatient") use the FacilityBill shape.',
        ),
      ),
    ),
    placeOfService: v.optional(placeOfService),
    serviceFacility: v.optional(party),
    billingProvider: v.optional(party),
    renderingProvider: v.optional(party),
    payer: v.optional(payer),
    receivedDate: v.optional(v.pipe(isoDate, v.description('When the bill was received (passed through).'))),
    priorVisits: v.optional(PriorVisitsSchema),
    review: v.optional(ReviewSchema),
    externalValues: v.optional(externalValues),
    qrCode: v.optional(qrCode),
    analytics: v.optional(analytics),
    compare: v.optional(compare),
    explain: v.optional(explain),
    lines: v.pipe(
      v.array(BillLineSchema, 'must be a list of service lines'),
      v.minLength(1, 'a bill needs at least one line'),
      v.maxLength(999, 'at most 999 lines a bill'),
    ),
  }),
  v.description("A professional bill in this API's own JSON shape."),
);

export const yyyymmdd = v.pipe(v.string(), v.regex(/^\d{8}$/, 'must be a date as YYYYMMDD'));

const claimAddress = v.looseObject({ postalCode: v.optional(zip) });

/** The 837P-style claim JSON customers already produce (professional claims APIs use this shape). */
export const ProfessionalClaimSchema = v.pipe(
  v.looseObject({
    controlNumber: v.optional(shortText(64)),
    billReference: v.optional(billReference),
    qrCode: v.optional(qrCode),
    analytics: v.optional(analytics),
    compare: v.optional(compare),
    explain: v.optional(explain),
    jurisdiction: v.pipe(v.string('is required'), v.trim(), v.toUpperCase(), v.minLength(2, 'is required')),
    providers: v.optional(
      v.array(
        v.looseObject({
          providerType: v.optional(v.string()),
          npi: v.optional(shortText(10)),
          address: v.optional(claimAddress),
        }),
      ),
    ),
    claimInformation: v.looseObject({
      placeOfServiceCode: v.optional(placeOfService),
      serviceFacilityLocation: v.optional(v.looseObject({ address: v.optional(claimAddress) })),
      serviceLines: v.pipe(
        v.array(
          v.looseObject({
            assignedNumber: v.optional(
              v.pipe(v.string(), v.regex(/^[1-9]\d{0,3}$/, 'must be a line number, 1 or more')),
            ),
            serviceDate: yyyymmdd,
            renderingProvider: v.optional(v.looseObject({ npi: v.optional(shortText(10)) })),
            professionalService: v.looseObject({
              procedureIdentifier: v.optional(v.string()),
              procedureCode: code,
              procedureModifiers: v.optional(
                v.pipe(v.array(modifier), v.maxLength(4, 'at most four modifiers')),
              ),
              lineItemChargeAmount: money,
              measurementUnit: v.optional(v.string()),
              serviceUnitCount: v.optional(
                v.pipe(v.string(), v.regex(/^[1-9]\d{0,4}$/, 'must be a whole number of units, 1 or more')),
              ),
              placeOfServiceCode: v.optional(placeOfService),
            }),
          }),
        ),
        v.minLength(1, 'a claim needs at least one service line'),
        v.maxLength(999, 'at most 999 lines a claim'),
      ),
    }),
  }),
  v.description('An 837P-style professional claim (claimInformation.serviceLines[].professionalService).'),
);

export type BillInput = v.InferOutput<typeof BillSchema>;
export type PriorVisits = v.InferOutput<typeof PriorVisitsSchema>;
export type ReviewLists = v.InferOutput<typeof ReviewSchema>;
export type ExternalValueInput = v.InferOutput<typeof ExternalValueSchema>;
export type ProfessionalClaimInput = v.InferOutput<typeof ProfessionalClaimSchema>;

/**
 * Turns Valibot issues into field errors with JSON paths like `lines[2].units`.
 *
 * @param issues - from a failed safeParse
 * @returns one field error per issue
 */
export function fieldErrorsOf(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  return issues.map((issue) => {
    let field = '';
    for (const item of issue.path ?? []) {
      const key = (item as { key: unknown }).key;
      field += typeof key === 'number' ? `[${key}]` : field === '' ? String(key) : `.${String(key)}`;
    }
    const message =
      issue.kind === 'schema' && issue.received === 'undefined' && issue.expected !== 'undefined'
        ? 'is required'
        : issue.message;
    return { field: field || '(body)', errorMessage: message };
  });
}
