import * as v from 'valibot';
import type { ReasonCode } from './adjustments/reason-codes.js';
import type {
  AmountsAdjustment,
  AmountsLine,
  AmountsPricedBill,
  SummaryAdjustment,
  SummaryLine,
  SummaryPricedBill,
} from './explain.js';
import type { FacilityRateAnswer } from './facility/rate-lookup.js';
import type { FeeAnswer } from './fee-lookup.js';
import type { JurisdictionSummary } from './jurisdiction-summary.js';
import {
  type Adjustment,
  BUCKETS,
  type ExplanationStep,
  type FeeScheduleAmount,
  type PricedBill,
  type PricedLine,
  type UnpricedReason,
} from './priced-bill.js';
import type { ReconDelta } from './recon/delta.js';

/**
 * The engine's answers as Valibot schemas, beside the types they describe (priced-bill.ts,
 * fee-lookup.ts, jurisdiction-summary.ts, the reason code catalogue, recon/delta.ts). The OpenAPI
 * document derives its response schemas from these with @valibot/to-json-schema, as it derives the
 * request schemas from the bill schema, and the tests check real answers against that document.
 * Objects are strict: a field the engine adds without declaring it here fails the type check at
 * the end of this file first, and the answer check in the tests second.
 */

/** Money of an answer: US dollars with two decimals ("1234.50"). */
export const MoneySchema = v.pipe(
  v.string(),
  v.regex(/^\d+\.\d{2}$/),
  v.description('US dollars, two decimals.'),
  v.examples(['92.47']),
);

/** Money that may be negative: a reduction, or a change between two sequences. */
export const SignedMoneySchema = v.pipe(
  v.string(),
  v.regex(/^-?\d+\.\d{2}$/),
  v.description('US dollars, two decimals; negative for a reduction.'),
);

const isoDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

export const RegulationSchema = v.strictObject({ citation: v.string(), url: v.string() });

const GroupCodeSchema = v.picklist(['CO', 'PR', 'OA', 'PI']);

export const BucketsSchema = v.pipe(
  v.strictObject(
    Object.fromEntries(BUCKETS.map((b) => [b, SignedMoneySchema])) as Record<
      (typeof BUCKETS)[number],
      typeof SignedMoneySchema
    >,
  ),
  v.description(
    'The allowance by bucket: feeSchedule holds the fee schedule allowance (billed less what the fee schedule withheld), each later bucket its change (reductions negative); they sum to allowed.',
  ),
);

export const AdjustmentSchema = v.pipe(
  v.strictObject({
    bucket: v.picklist(BUCKETS),
    amount: v.pipe(
      SignedMoneySchema,
      v.description('Withheld, two decimals; negative when an external value raised the allowance.'),
    ),
    internalCode: v.string(),
    groupCode: GroupCodeSchema,
    carc: v.pipe(v.string(), v.description('X12 claim adjustment reason code')),
    rarc: v.optional(v.pipe(v.string(), v.description('X12 remittance advice remark code'))),
    stateCode: v.optional(v.pipe(v.string(), v.description("A state's own reason code, where one applies"))),
    message: v.string(),
    regulation: v.optional(RegulationSchema),
    source: v.optional(
      v.pipe(v.string(), v.description('Where an external value came from, as the request named it')),
    ),
  }),
  v.description('One reduction, with every code an explanation of review needs.'),
);

export const ExplanationStepSchema = v.pipe(
  v.strictObject({
    step: v.string(),
    text: v.string(),
    inputs: v.optional(v.record(v.string(), v.string())),
    result: v.optional(v.string()),
    source: v.optional(
      v.pipe(
        v.strictObject({ file: v.string(), line: v.pipe(v.number(), v.integer()), edition: v.string() }),
        v.description('The official file and physical line the numbers come from.'),
      ),
    ),
    regulation: v.optional(RegulationSchema),
  }),
  v.description('One step of the computation with its inputs, so a person can redo it by hand.'),
);

export const UnpricedReasonSchema = v.strictObject({
  code: v.picklist([
    'NO-EDITION',
    'NOT-IN-EDITION',
    'CARRIER-PRICED',
    'RESTRICTED',
    'EXCLUDED-FROM-PFS',
    'ANESTHESIA',
    'NO-LOCALITY',
    'NO-CONVERSION-FACTOR',
    'BY-REPORT',
    'MODIFIER-REQUIRED',
  ]),
  message: v.string(),
});

const LineStatusSchema = v.pipe(
  v.picklist(['priced', 'denied', 'unpriced']),
  v.description(
    'priced: paid at the fee schedule; denied: allowed 0.00 with a reason; unpriced: no amount (never guessed).',
  ),
);

const SettingSchema = v.picklist(['facility', 'non-facility']);

export const FeeScheduleAmountSchema = v.strictObject({
  method: v.picklist([
    'rbrvs',
    'state-table',
    'clfs',
    'dmepos',
    'nadac',
    'anesthesia',
    'opps',
    'asc',
    'ipps',
  ]),
  unitAmount: MoneySchema,
  amount: MoneySchema,
  edition: v.string(),
  setting: SettingSchema,
  locality: v.nullable(v.strictObject({ carrier: v.string(), locality: v.string(), name: v.string() })),
});

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The wage index a facility line or stay was paid on, and why that value. */
export const WageIndexUsedSchema = v.strictObject({
  value: v.string(),
  cbsa: v.string(),
  basis: v.pipe(
    v.string(),
    v.description('geographic, rural-floor, imputed-floor, reclassified, out-migration, asc …'),
  ),
  why: v.pipe(v.string(), v.description('Why this value, with the rule it follows')),
  edition: v.string(),
});

const FACILITY_METHODS = ['opps', 'asc', 'ipps', 'rbrvs', 'clfs', 'dmepos', 'state-table'] as const;

export const FacilityLineInfoSchema = v.pipe(
  v.strictObject({
    revenueCode: v.nullable(v.string()),
    method: v.picklist(FACILITY_METHODS),
    indicator: v.pipe(
      v.nullable(v.string()),
      v.description('OPPS status indicator, ASC payment indicator, or DRG for a stay’s lines'),
    ),
    apc: v.nullable(v.string()),
    wageIndex: v.nullable(WageIndexUsedSchema),
    packagedInto: v.pipe(
      v.nullable(v.pipe(v.number(), v.integer())),
      v.description('The line whose payment includes this one'),
    ),
    factor: v.pipe(
      v.nullable(
        v.strictObject({
          value: v.string(),
          category: v.string(),
          edition: v.string(),
          source: v.strictObject({ citation: v.string(), url: v.optional(v.string()) }),
        }),
      ),
      v.description('A state’s percentage of the Medicare amount ("2.00" is 200%), with its source'),
    ),
  }),
  v.description('Facility bills: the line’s revenue code and what the facility method said about it.'),
);

export const FacilityBillInfoSchema = v.pipe(
  v.strictObject({
    typeOfBill: v.nullable(v.string()),
    facility: v.strictObject({
      npi: v.optional(v.string()),
      ccn: v.optional(v.string()),
      zip: v.string(),
      cbsa: v.optional(v.string()),
      reclassifiedCbsa: v.optional(v.string()),
      county: v.optional(v.string()),
      costToChargeRatio: v.optional(v.string()),
    }),
    drg: v.pipe(v.nullable(v.string()), v.description('The MS-DRG as billed: we do not group')),
    admissionDate: v.nullable(isoDate),
    dischargeDate: v.nullable(isoDate),
    dischargeStatus: v.nullable(v.string()),
    diagnoses: v.array(v.string()),
    grouping: v.string(),
    method: v.string(),
    steps: v.array(ExplanationStepSchema),
  }),
  v.description('Facility bills: type of bill, facility, stay and DRG.'),
);

/** A line's charge compared with other tenants' (issue 19), when the bill asked `"compare": true`. */
export const LineComparisonSchema = v.pipe(
  v.strictObject({
    percentile: v.pipe(
      v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
      v.description(
        "Percentile (0-100) of the line's billed charge per unit among its peers' lines; null when no published distribution stands behind it.",
      ),
    ),
    basis: v.pipe(
      v.string(),
      v.description('What the line was compared with: jurisdiction, code, modifier group, months.'),
    ),
    peers: v.nullable(
      v.strictObject({ lines: v.pipe(v.number(), v.integer()), tenants: v.pipe(v.number(), v.integer()) }),
    ),
    reason: v.optional(v.pipe(v.string(), v.description('Why there is no percentile.'))),
  }),
  v.description(
    "The line's charge among all tenants' lines of the same jurisdiction, code and modifier group (26, TC or other), from the peers' snapshot; published from 11 lines of 3 tenants.",
  ),
);

/** The files the customer supplied that set a line's amounts (issue 20). */
/** One supplied file as an answer names it: which, who supplied it, when, and their source. */
const SuppliedUseSchema = v.strictObject({
  id: v.pipe(v.string(), v.description("The supplied file's id, as the customer named it.")),
  kind: v.picklist(['conversion-factors', 'fee-table', 'contract']),
  suppliedBy: v.pipe(v.string(), v.description('Who added it to the data store.')),
  suppliedAt: v.pipe(v.string(), v.description('When it was added, ISO 8601 UTC.')),
  source: v.strictObject({ citation: v.string(), url: v.optional(v.string()) }),
});

export const SuppliedUsesSchema = v.pipe(
  v.array(SuppliedUseSchema),
  v.description(
    "The editions and contracts the customer supplied that set this line's amounts, with who supplied them, when and the customer's source: their figures, not values we publish. Absent when none did.",
  ),
);

/** The data release (fee index) that priced the answer. */
export const DataReleaseIdSchema = v.pipe(
  v.string(),
  v.regex(/^(r[0-9a-f]{12}|unreleased)$/),
  v.description(
    'The data release that priced the bill: the fee index\'s release id ("r" and 12 hex digits of its checksum); "unreleased" only for an index built before releases were named.',
  ),
  v.examples(['r3f9a0c1d2e4b']),
);

export const PricedLineSchema = v.strictObject({
  lineNumber: v.pipe(v.number(), v.integer()),
  code: v.pipe(
    v.string(),
    v.description(
      'CPT or HCPCS code; a facility line without one is named by its revenue code (four digits).',
    ),
  ),
  modifiers: v.array(v.string()),
  dateOfService: isoDate,
  units: v.pipe(v.number(), v.integer()),
  placeOfService: v.pipe(
    v.string(),
    v.description('Empty on a facility line (its bill type is its setting).'),
  ),
  billed: MoneySchema,
  status: LineStatusSchema,
  feeSchedule: v.nullable(FeeScheduleAmountSchema),
  allowed: v.nullable(MoneySchema),
  withheld: v.nullable(SignedMoneySchema),
  adjustments: v.array(AdjustmentSchema),
  buckets: v.nullable(BucketsSchema),
  unpriced: v.optional(UnpricedReasonSchema),
  explanation: v.array(ExplanationStepSchema),
  notices: v.array(v.string()),
  rules: v.pipe(
    v.array(
      v.strictObject({
        rule: v.string(),
        decision: v.picklist(['no-change', 'reduced', 'denied', 'flagged', 'not-adopted']),
        message: v.optional(v.string()),
      }),
    ),
    v.description('Every bill review rule that looked at the line and what it decided.'),
  ),
  supplied: v.optional(SuppliedUsesSchema),
  facility: v.optional(FacilityLineInfoSchema),
  comparison: v.optional(LineComparisonSchema),
});

const PartySchema = v.strictObject({
  npi: v.optional(v.string()),
  taxId: v.optional(v.string()),
  name: v.optional(v.string()),
  zip: v.optional(v.string()),
});

const EditionUsedSchema = v.strictObject({
  id: v.string(),
  label: v.string(),
  file: v.string(),
  sha256: v.string(),
  complete: v.boolean(),
  sampled: v.boolean(),
});

/** The priced bill as the engine returns it (the API adds `requestId` and `smartBill`). */
export const PricedBillSchema = v.strictObject({
  billId: v.optional(v.string()),
  billReference: v.optional(
    v.pipe(
      v.string(),
      v.description("The bill's own reference as sent (declared non-PHI); the SmartBill page shows it."),
    ),
  ),
  jurisdiction: v.strictObject({ id: v.string(), name: v.string(), method: v.string() }),
  billType: v.picklist(['professional', 'outpatient', 'asc', 'inpatient']),
  dataRelease: DataReleaseIdSchema,
  location: v.strictObject({ zip: v.string(), source: v.picklist(['serviceFacility', 'billingProvider']) }),
  parties: v.pipe(
    v.strictObject({
      payer: v.optional(
        v.strictObject({
          name: v.optional(v.string()),
          id: v.optional(v.string()),
          contact: v.optional(
            v.strictObject({
              phone: v.optional(v.string()),
              email: v.optional(v.string()),
              mailingAddress: v.optional(v.string()),
              appealInstructions: v.optional(v.string()),
              appealUrl: v.optional(v.string()),
            }),
          ),
        }),
      ),
      billingProvider: v.optional(PartySchema),
      renderingProvider: v.optional(PartySchema),
      serviceFacility: v.optional(PartySchema),
    }),
    v.description(
      'Payer and providers as the bill named them, for the explanation of review (organisations only: the API takes no patient data).',
    ),
  ),
  dates: v.strictObject({
    firstService: isoDate,
    lastService: isoDate,
    received: v.optional(isoDate),
  }),
  lines: v.array(PricedLineSchema),
  totals: v.strictObject({
    billed: MoneySchema,
    allowed: MoneySchema,
    withheld: SignedMoneySchema,
    withheldByBucket: v.record(v.picklist(BUCKETS), SignedMoneySchema),
    buckets: BucketsSchema,
    unpricedBilled: MoneySchema,
    lines: count,
    pricedLines: count,
    deniedLines: count,
    unpricedLines: count,
  }),
  editions: v.pipe(
    v.array(EditionUsedSchema),
    v.description('The editions of the official files that priced the bill, with their checksums.'),
  ),
  notices: v.array(v.string()),
  facility: v.optional(FacilityBillInfoSchema),
});

// ---------------------------------------------------------------------------------------------
// The answer at the lighter explanation levels (lambdas/engine/explain.ts, issue 17).
// ---------------------------------------------------------------------------------------------

const RULE_DECISIONS = ['no-change', 'reduced', 'denied', 'flagged', 'not-adopted'] as const;

/** The buckets that hold an amount; a bucket not named holds 0.00. */
export const SparseBucketsSchema = v.pipe(
  v.strictObject(
    Object.fromEntries(BUCKETS.map((b) => [b, v.optional(SignedMoneySchema)])) as Record<
      (typeof BUCKETS)[number],
      v.OptionalSchema<typeof SignedMoneySchema, undefined>
    >,
  ),
  v.description(
    'The allowance by bucket, naming only the buckets that hold an amount (a bucket not named holds 0.00); they sum to allowed.',
  ),
);

const referenceId = (what: string) => v.pipe(v.string(), v.description(`Id of ${what}`));

const adjustmentCodes = {
  bucket: v.picklist(BUCKETS),
  amount: v.pipe(
    SignedMoneySchema,
    v.description('Withheld, two decimals; negative when an external value raised the allowance.'),
  ),
  internalCode: v.string(),
  groupCode: GroupCodeSchema,
  carc: v.pipe(v.string(), v.description('X12 claim adjustment reason code')),
  rarc: v.optional(v.pipe(v.string(), v.description('X12 remittance advice remark code'))),
  stateCode: v.optional(v.pipe(v.string(), v.description("A state's own reason code, where one applies"))),
};

export const SummaryAdjustmentSchema = v.pipe(
  v.strictObject({
    ...adjustmentCodes,
    regulation: v.optional(referenceId('the regulation in references.regulations')),
    source: v.optional(
      v.pipe(v.string(), v.description('Where an external value came from, as the request named it')),
    ),
  }),
  v.description('One reduction: amount and codes, its regulation by id.'),
);

const sourceRows = v.pipe(
  v.array(v.pipe(v.string(), v.regex(/^[^#]+#\d+$/))),
  v.description(
    'The official rows behind the numbers, "pfs-rvu/2025#7836": edition id (see editions) and physical line of its file.',
  ),
);

export const SummaryLineSchema = v.strictObject({
  lineNumber: PricedLineSchema.entries.lineNumber,
  code: PricedLineSchema.entries.code,
  modifiers: v.array(v.string()),
  dateOfService: isoDate,
  units: v.pipe(v.number(), v.integer()),
  placeOfService: PricedLineSchema.entries.placeOfService,
  billed: MoneySchema,
  status: LineStatusSchema,
  feeSchedule: v.nullable(
    v.pipe(
      v.strictObject({
        method: FeeScheduleAmountSchema.entries.method,
        unitAmount: MoneySchema,
        amount: MoneySchema,
      }),
      v.description('The fee schedule amount; its edition, locality and rows are in sources.'),
    ),
  ),
  allowed: v.nullable(MoneySchema),
  withheld: v.nullable(SignedMoneySchema),
  adjustments: v.array(SummaryAdjustmentSchema),
  buckets: v.nullable(SparseBucketsSchema),
  unpriced: v.optional(UnpricedReasonSchema),
  rules: referenceId(
    'the rule trace in references.rules: every rule that looked at the line and its decision',
  ),
  sources: sourceRows,
  supplied: v.optional(SuppliedUsesSchema),
  facility: v.optional(
    v.pipe(
      v.strictObject({
        revenueCode: v.nullable(v.string()),
        method: v.picklist(FACILITY_METHODS),
        indicator: v.nullable(v.string()),
        apc: v.nullable(v.string()),
        wageIndex: v.nullable(
          v.strictObject({ value: v.string(), cbsa: v.string(), basis: v.string(), edition: v.string() }),
        ),
        packagedInto: v.nullable(v.pipe(v.number(), v.integer())),
        factor: v.nullable(
          v.strictObject({
            value: v.string(),
            category: v.string(),
            edition: v.string(),
            source: referenceId('the source in references.regulations'),
          }),
        ),
      }),
      v.description('Facility bills: revenue code, method, indicator, APC, wage index and state factor.'),
    ),
  ),
  comparison: v.optional(LineComparisonSchema),
});

const CitationSchema = v.strictObject({ citation: v.string(), url: v.optional(v.string()) });

/** The answer at `explain=summary`. */
export const SummaryPricedBillSchema = v.pipe(
  v.strictObject({
    explain: v.literal('summary'),
    billId: PricedBillSchema.entries.billId,
    billReference: PricedBillSchema.entries.billReference,
    jurisdiction: PricedBillSchema.entries.jurisdiction,
    billType: PricedBillSchema.entries.billType,
    dataRelease: DataReleaseIdSchema,
    location: PricedBillSchema.entries.location,
    parties: PricedBillSchema.entries.parties,
    dates: PricedBillSchema.entries.dates,
    lines: v.array(SummaryLineSchema),
    totals: PricedBillSchema.entries.totals,
    editions: PricedBillSchema.entries.editions,
    notices: v.pipe(
      v.array(v.string()),
      v.description(
        "The bill's notices (the sentence naming the rules that ran is left out: each line's rule trace says it).",
      ),
    ),
    references: v.pipe(
      v.strictObject({
        regulations: v.record(v.string(), CitationSchema),
        rules: v.record(v.string(), v.array(v.strictTuple([v.string(), v.picklist(RULE_DECISIONS)]))),
      }),
      v.description(
        'Blocks the lines share, once per answer: regulations and sources by id ("r1"), rule traces by id ("t1", each [rule, decision] in the order the rules ran).',
      ),
    ),
    facility: v.optional(
      v.strictObject({
        typeOfBill: v.nullable(v.string()),
        facility: FacilityBillInfoSchema.pipe[0].entries.facility,
        drg: v.nullable(v.string()),
        admissionDate: v.nullable(isoDate),
        dischargeDate: v.nullable(isoDate),
        dischargeStatus: v.nullable(v.string()),
        diagnoses: v.array(v.string()),
        method: v.string(),
        sources: sourceRows,
      }),
    ),
  }),
  v.description(
    "explain=summary: per line the amounts, buckets, adjustments with their codes, each rule's decision and the source rows; each regulation and rule trace once per answer, referenced by id.",
  ),
);

export const AmountsAdjustmentSchema = v.strictObject(adjustmentCodes);

export const AmountsLineSchema = v.strictObject({
  lineNumber: PricedLineSchema.entries.lineNumber,
  code: PricedLineSchema.entries.code,
  modifiers: v.array(v.string()),
  units: v.pipe(v.number(), v.integer()),
  revenueCode: v.optional(v.pipe(v.nullable(v.string()), v.description('Facility lines: the revenue code'))),
  billed: MoneySchema,
  status: LineStatusSchema,
  allowed: v.nullable(MoneySchema),
  withheld: v.nullable(SignedMoneySchema),
  adjustments: v.array(AmountsAdjustmentSchema),
  buckets: v.nullable(SparseBucketsSchema),
  unpriced: v.optional(v.strictObject({ code: UnpricedReasonSchema.entries.code })),
  supplied: v.optional(SuppliedUsesSchema),
  comparison: v.optional(LineComparisonSchema),
});

/** The answer at `explain=none`. */
export const AmountsPricedBillSchema = v.pipe(
  v.strictObject({
    explain: v.literal('none'),
    billId: PricedBillSchema.entries.billId,
    billReference: PricedBillSchema.entries.billReference,
    jurisdiction: v.strictObject({ id: v.string() }),
    billType: PricedBillSchema.entries.billType,
    dataRelease: DataReleaseIdSchema,
    lines: v.array(AmountsLineSchema),
    totals: PricedBillSchema.entries.totals,
  }),
  v.description('explain=none: amounts and codes only.'),
);

/** One fee schedule answer (`GET /v1/fee-schedules/{jurisdiction}/{code}`, `wcbr fee`). */
export const FeeAnswerSchema = v.strictObject({
  amount: v.pipe(
    v.nullable(MoneySchema),
    v.description('For one unit; null when the code has no amount we can give.'),
  ),
  status: LineStatusSchema,
  jurisdiction: v.string(),
  code: v.string(),
  modifier: v.string(),
  date: isoDate,
  dateDefaulted: v.boolean(),
  setting: SettingSchema,
  locality: v.strictObject({ carrier: v.string(), locality: v.string(), name: v.optional(v.string()) }),
  edition: v.optional(v.string()),
  reason: v.optional(v.strictObject({ internalCode: v.string(), carc: v.string(), message: v.string() })),
  unpriced: v.optional(UnpricedReasonSchema),
  explanation: v.array(ExplanationStepSchema),
  notices: v.array(v.string()),
});

/** One facility rate (`GET /v1/fee-schedules/{jurisdiction}/{code}?setting=outpatient|asc`). */
export const FacilityRateAnswerSchema = v.pipe(
  v.strictObject({
    jurisdiction: v.string(),
    code: v.string(),
    setting: v.picklist(['outpatient', 'asc']),
    date: isoDate,
    dateDefaulted: v.boolean(),
    indicator: v.pipe(v.string(), v.description('OPPS status indicator or ASC payment indicator')),
    apc: v.nullable(v.string()),
    nationalRate: v.pipe(
      v.nullable(MoneySchema),
      v.description(
        'National unadjusted rate for one unit; null when the indicator pays nothing or packages',
      ),
    ),
    wageAdjusted: v.pipe(
      v.nullable(v.strictObject({ amount: MoneySchema, wageIndex: WageIndexUsedSchema })),
      v.description('The rate wage-adjusted with the CBSA named in the query'),
    ),
    edition: v.string(),
    explanation: v.array(ExplanationStepSchema),
    notices: v.array(v.string()),
  }),
  v.description('A Medicare facility rate (OPPS or ASC) for one code.'),
);

const SourceSchema = v.strictObject({
  citation: v.string(),
  url: v.optional(v.string()),
  file: v.optional(v.string()),
});

/** How a jurisdiction prices one facility bill type (lambdas/domain/jurisdiction-schema.ts, FacilityBillTypeSchema). */
const FacilityMethodSummarySchema = v.strictObject({
  method: v.pipe(
    v.picklist(['state-table', 'percent-of-medicare', 'medicare-fallback', 'medicare', 'unsupported']),
    v.description(
      'unsupported: the state method was read and is not a multiple of a Medicare method we can price; lines are not priced',
    ),
  ),
  basis: v.optional(
    v.pipe(v.picklist(['opps', 'asc', 'ipps']), v.description('The Medicare system the factors multiply')),
  ),
  missing: v.optional(v.pipe(v.string(), v.description('What we do not hold or could not read'))),
  editions: v.array(
    v.strictObject({
      id: v.string(),
      effective: isoDate,
      termination: v.nullable(isoDate),
      factors: v.array(
        v.strictObject({
          category: v.string(),
          value: v.pipe(v.string(), v.description('A multiplier of the Medicare amount: "2.00" = 200%')),
        }),
      ),
    }),
  ),
  carveOuts: v.pipe(v.array(v.string()), v.description('Items the state pays apart, such as "implantables"')),
  sources: v.array(SourceSchema),
});

/** One line of the jurisdiction list. */
export const JurisdictionSummarySchema = v.strictObject({
  id: v.string(),
  name: v.string(),
  method: v.string(),
  missing: v.optional(v.pipe(v.string(), v.description('What schedule we do not hold (medicare-fallback)'))),
  editions: v.array(v.strictObject({ id: v.string(), effective: isoDate, termination: v.nullable(isoDate) })),
  supplied: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          id: v.string(),
          method: v.pipe(
            v.string(),
            v.description('rbrvs-state-cf (conversion factors) or state-table (a fee table)'),
          ),
          effective: isoDate,
          termination: v.nullable(isoDate),
          supplied: v.pipe(
            SuppliedUseSchema,
            v.description("Who supplied it, when, and their source: the customer's figures, not ours."),
          ),
        }),
      ),
      v.description(
        'Editions the customer supplied: on their dates they price professional lines ahead of `editions` (docs/supplied-data). Absent when there are none.',
      ),
    ),
  ),
  sources: v.array(SourceSchema),
  facility: v.pipe(
    v.strictObject({
      outpatient: v.optional(FacilityMethodSummarySchema),
      asc: v.optional(FacilityMethodSummarySchema),
      inpatient: v.optional(FacilityMethodSummarySchema),
    }),
    v.description('How the jurisdiction prices hospital outpatient, surgery centre and inpatient bills'),
  ),
});

/** One entry of the reason code catalogue. */
export const ReasonCodeSchema = v.strictObject({
  internalCode: v.string(),
  carc: v.pipe(v.string(), v.description('X12 claim adjustment reason code')),
  groupCode: GroupCodeSchema,
  rarc: v.optional(v.pipe(v.string(), v.description('X12 remittance advice remark code'))),
  text: v.pipe(v.string(), v.description('Our own short wording')),
  mappingSource: v.pipe(v.string(), v.description('Why the CARC (and RARC) fit')),
  stateCodes: v.optional(
    v.pipe(
      v.record(v.string(), v.strictObject({ code: v.string(), issue: v.string(), source: RegulationSchema })),
      v.description(
        "A state's own reason code by jurisdiction id, where a state publication maps this reason to one (California's DWC bill adjustment reason codes); adjustments on that jurisdiction's bills carry it as stateCode",
      ),
    ),
  ),
});

const AmountChangeSchema = v.strictObject({
  prior: SignedMoneySchema,
  current: SignedMoneySchema,
  change: SignedMoneySchema,
});

const DirectionSchema = v.picklist(['additional-payment', 'overpayment', 'no-change']);

/** The delta of a Recon sequence against the one it replaces. */
export const ReconDeltaSchema = v.pipe(
  v.strictObject({
    againstSequence: v.nullable(v.pipe(v.number(), v.integer())),
    lines: v.array(
      v.strictObject({
        match: v.picklist(['line-number', 'code-date-modifiers', 'added', 'removed']),
        lineNumber: v.nullable(v.pipe(v.number(), v.integer())),
        priorLineNumber: v.nullable(v.pipe(v.number(), v.integer())),
        code: v.string(),
        dateOfService: isoDate,
        modifiers: v.array(v.string()),
        revenueCode: v.optional(
          v.pipe(v.nullable(v.string()), v.description('Facility lines: the revenue code')),
        ),
        status: v.strictObject({
          prior: v.nullable(LineStatusSchema),
          current: v.nullable(LineStatusSchema),
        }),
        billed: AmountChangeSchema,
        allowed: AmountChangeSchema,
        buckets: BucketsSchema,
        unpriced: v.boolean(),
      }),
    ),
    counts: v.strictObject({ matched: count, changed: count, added: count, removed: count }),
    totals: v.strictObject({
      billed: AmountChangeSchema,
      allowed: AmountChangeSchema,
      buckets: BucketsSchema,
    }),
    total: SignedMoneySchema,
    direction: DirectionSchema,
    additionalAmountDue: MoneySchema,
    overpayment: MoneySchema,
  }),
  v.description(
    'Against the previous latest sequence: per line (matched by line number where the service is the same, then by code, date and modifiers) and per bucket; total is signed (positive: additional amount due; negative: overpayment)',
  ),
);

// ---------------------------------------------------------------------------------------------
// The schemas describe the types exactly: each pair must be assignable both ways (compile time).
// ---------------------------------------------------------------------------------------------

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** True when A and B accept the same values (readonly aside). */
export type SameShape<A, B> = [DeepReadonly<A>] extends [DeepReadonly<B>]
  ? [DeepReadonly<B>] extends [DeepReadonly<A>]
    ? true
    : false
  : false;

/** Fails to compile unless its argument is `true`. */
function describes<T extends true>(): T | undefined {
  return undefined;
}

describes<SameShape<v.InferOutput<typeof PricedBillSchema>, PricedBill>>();
describes<SameShape<v.InferOutput<typeof PricedLineSchema>, PricedLine>>();
describes<SameShape<v.InferOutput<typeof AdjustmentSchema>, Adjustment>>();
describes<SameShape<v.InferOutput<typeof ExplanationStepSchema>, ExplanationStep>>();
describes<SameShape<v.InferOutput<typeof UnpricedReasonSchema>, UnpricedReason>>();
describes<SameShape<v.InferOutput<typeof FeeScheduleAmountSchema>, FeeScheduleAmount>>();
describes<SameShape<v.InferOutput<typeof FeeAnswerSchema>, FeeAnswer>>();
describes<SameShape<v.InferOutput<typeof FacilityRateAnswerSchema>, FacilityRateAnswer>>();
describes<SameShape<v.InferOutput<typeof JurisdictionSummarySchema>, JurisdictionSummary>>();
describes<SameShape<v.InferOutput<typeof ReasonCodeSchema>, ReasonCode>>();
describes<SameShape<v.InferOutput<typeof ReconDeltaSchema>, ReconDelta>>();
describes<SameShape<v.InferOutput<typeof SummaryPricedBillSchema>, SummaryPricedBill>>();
describes<SameShape<v.InferOutput<typeof SummaryLineSchema>, SummaryLine>>();
describes<SameShape<v.InferOutput<typeof SummaryAdjustmentSchema>, SummaryAdjustment>>();
describes<SameShape<v.InferOutput<typeof AmountsPricedBillSchema>, AmountsPricedBill>>();
describes<SameShape<v.InferOutput<typeof AmountsLineSchema>, AmountsLine>>();
describes<SameShape<v.InferOutput<typeof AmountsAdjustmentSchema>, AmountsAdjustment>>();
