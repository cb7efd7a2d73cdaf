import * as v from 'valibot';
import {
  type BenchmarkAnswer,
  KPI_GROUPS,
  type KpiAnswer,
  PUBLICATION_THRESHOLD,
} from '../../app/analytics/answers.js';
import { MONTH_PATTERN } from '../../app/analytics/params.js';
import { MoneySchema, type SameShape, SignedMoneySchema } from '../../engine/priced-bill-schema.js';

/**
 * The analytics routes' answers as Valibot schemas (issue 19): the OpenAPI document derives them,
 * and the tests check real answers against it. They describe lambdas/app/analytics/answers.ts
 * exactly (checked at compile time below).
 */

const requestId = v.pipe(v.string(), v.description('The request id, also in the x-request-id header.'));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const month = v.pipe(v.string(), v.regex(MONTH_PATTERN), v.description('A month, "2026-03".'));
const rate = v.pipe(
  v.nullable(v.pipe(v.string(), v.regex(/^-?\d+\.\d{2}$/))),
  v.description('Savings as a percentage of billed, two decimals ("41.27"); null when nothing was billed.'),
);
const engine = v.strictObject({
  engine: v.picklist(['athena', 'duckdb']),
  bytesScanned: v.pipe(
    v.nullable(count),
    v.description(
      "Bytes the query read (Athena's own figure; locally an estimate from the Parquet metadata).",
    ),
  ),
});

const KpiAmountsEntries = {
  bills: count,
  lines: count,
  billed: MoneySchema,
  allowed: MoneySchema,
  savings: SignedMoneySchema,
  savingsRate: rate,
  unpricedLines: count,
  unpricedBilled: MoneySchema,
};
const KpiAmountsSchema = v.strictObject(KpiAmountsEntries);
const KpiReductionSchema = v.strictObject({ key: v.string(), lines: count, amount: SignedMoneySchema });
const KpiTopSchema = v.strictObject({
  key: v.string(),
  lines: count,
  billed: MoneySchema,
  savings: SignedMoneySchema,
});
const tops = v.strictObject({ byBilled: v.array(KpiTopSchema), bySavings: v.array(KpiTopSchema) });

/** `GET /v1/analytics/kpis` 200. */
export const KpiAnswerSchema = v.strictObject({
  requestId,
  tenant: v.string(),
  from: month,
  to: month,
  jurisdiction: v.nullable(v.string()),
  groupBy: v.nullable(v.picklist(KPI_GROUPS)),
  totals: KpiAmountsSchema,
  groups: v.pipe(
    v.nullable(v.array(v.strictObject({ key: v.string(), ...KpiAmountsEntries }))),
    v.description('With groupBy: one row per month, jurisdiction, code, provider NPI or reason ("CO-45").'),
  ),
  reductionsByBucket: v.array(KpiReductionSchema),
  reductionsByRule: v.pipe(v.array(KpiReductionSchema), v.description("By the adjustments' internal codes.")),
  reductionsByReason: v.pipe(v.array(KpiReductionSchema), v.description('By group code and CARC, "CO-45".')),
  unpriced: v.array(v.strictObject({ reason: v.string(), lines: count, billed: MoneySchema })),
  topCodes: tops,
  topProviders: tops,
  meanPricingMs: v.nullable(v.number()),
  query: engine,
});

const PercentilesSchema = v.strictObject({
  p10: MoneySchema,
  p25: MoneySchema,
  p50: MoneySchema,
  p75: MoneySchema,
  p90: MoneySchema,
});

/** `GET /v1/analytics/benchmarks` 200. */
export const BenchmarkAnswerSchema = v.strictObject({
  requestId,
  code: v.string(),
  jurisdiction: v.nullable(v.string()),
  zip3: v.nullable(v.string()),
  quarter: v.nullable(v.string()),
  peers: v.pipe(
    v.union([
      v.strictObject({
        published: v.literal(true),
        lines: count,
        tenants: count,
        billed: PercentilesSchema,
        allowed: v.nullable(PercentilesSchema),
      }),
      v.strictObject({ published: v.literal(false), reason: v.string(), lines: v.null(), tenants: v.null() }),
    ]),
    v.description(
      `Every tenant's lines, amounts per unit: published only where at least ${PUBLICATION_THRESHOLD.lines} lines from at least ${PUBLICATION_THRESHOLD.tenants} tenants stand behind it.`,
    ),
  ),
  own: v.pipe(
    v.nullable(
      v.strictObject({ lines: count, billed: PercentilesSchema, allowed: v.nullable(PercentilesSchema) }),
    ),
    v.description("The caller's own lines: always answered (null when it has none)."),
  ),
  query: engine,
});

/** `DELETE /v1/analytics` 200. */
export const AnalyticsDeletedAnswerSchema = v.strictObject({
  requestId,
  tenant: v.string(),
  objectsDeleted: count,
  notice: v.string(),
});

// The schemas describe the services' types exactly (compile time).
function describes<T extends true>(): T | undefined {
  return undefined;
}
describes<SameShape<Omit<v.InferOutput<typeof KpiAnswerSchema>, 'requestId'>, KpiAnswer>>();
describes<SameShape<Omit<v.InferOutput<typeof BenchmarkAnswerSchema>, 'requestId'>, BenchmarkAnswer>>();
