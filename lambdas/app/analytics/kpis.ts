import type { FieldError } from '../../engine/errors.js';
import { BadRequestError } from '../answers.js';
import {
  KPI_GROUPS,
  type KpiAmounts,
  type KpiAnswer,
  type KpiGroup,
  type KpiReduction,
  type KpiTop,
} from './answers.js';
import { moneyOfCents, nullableNumberIn, numberIn, percentOfWhole, textIn } from './format.js';
import { jurisdictionParam, knownParams, MONTH_PATTERN, monthIndex, type QueryParams } from './params.js';
import { type AnalyticsQueryRunner, type AnalyticsRow, bytesScannedOf } from './ports.js';
import {
  type KpiFilter,
  kpiGroupsQuery,
  kpiTotalsQuery,
  reductionsQuery,
  TOP_LIMIT,
  type TopDimension,
  topQuery,
  unpricedQuery,
} from './sql.js';

/**
 * The KPIs of one tenant (issue 19, `GET /v1/analytics/kpis`): bills and lines, billed, allowed,
 * savings and its rate, reductions by bucket, rule and reason, unpriced lines and why, top codes
 * and providers, over a range of months of service.
 */

/** A checked KPI request. */
export interface KpiRequest {
  readonly tenant: string;
  /** First and last month of service, inclusive, "2026-01". */
  readonly from: string;
  readonly to: string;
  readonly jurisdiction: string | null;
  readonly groupBy: KpiGroup | null;
}

/** The widest range one request reads: five years of months (Athena scans each month's partition). */
export const MAX_KPI_MONTHS = 60;

/** The parameters `GET /v1/analytics/kpis` takes. */
export const KPI_PARAMS = ['from', 'to', 'jurisdiction', 'groupBy'] as const;

/**
 * Checks the KPI route's query parameters. `from` and `to` are required: a default range would
 * need the service to read a clock, and the caller (the KPI page) knows which months it shows.
 *
 * @param params - query parameters: from, to ("YYYY-MM", required, from ≤ to, at most 60 months),
 *   jurisdiction (optional), groupBy (optional: month, jurisdiction, code, provider, reason)
 * @param tenant - the caller's tenant, from the token
 * @returns the request
 * @throws BadRequestError naming every bad parameter
 * @example parseKpiRequest({ from: '2026-01', to: '2026-06', groupBy: 'month' }, 'acme')
 */
export function parseKpiRequest(params: QueryParams, tenant: string): KpiRequest {
  const errors: FieldError[] = [];
  const known = knownParams(params, KPI_PARAMS, errors);
  const from = monthParam('from', known.from, errors);
  const to = monthParam('to', known.to, errors);
  if (from !== null && to !== null) {
    const months = monthIndex(to) - monthIndex(from) + 1;
    if (months < 1) errors.push({ field: 'from', errorMessage: `must be at or before to (${to})` });
    else if (months > MAX_KPI_MONTHS)
      errors.push({
        field: 'to',
        errorMessage: `is ${months} months after from; at most ${MAX_KPI_MONTHS} months`,
      });
  }
  const jurisdiction = jurisdictionParam(known.jurisdiction, errors);
  let groupBy: KpiGroup | null = null;
  if (known.groupBy !== undefined) {
    if ((KPI_GROUPS as readonly string[]).includes(known.groupBy)) groupBy = known.groupBy as KpiGroup;
    else errors.push({ field: 'groupBy', errorMessage: `must be one of ${KPI_GROUPS.join(', ')}` });
  }
  if (errors.length > 0 || from === null || to === null)
    throw new BadRequestError('The KPI request has parameters we cannot use.', errors);
  return { tenant, from, to, jurisdiction, groupBy };
}

function monthParam(field: string, value: string | undefined, errors: FieldError[]): string | null {
  if (value === undefined) {
    errors.push({ field, errorMessage: 'is required: a month of service, "YYYY-MM"' });
    return null;
  }
  if (MONTH_PATTERN.test(value)) return value;
  errors.push({ field, errorMessage: 'must be a month, "YYYY-MM" (for example "2026-03")' });
  return null;
}

/**
 * The KPIs of a request: its queries run at once (each reads the same partitions).
 *
 * @param runner - the query runner (DuckDB locally, Athena in AWS)
 * @param request - from parseKpiRequest
 * @returns the answer
 */
export async function kpisOf(runner: AnalyticsQueryRunner, request: KpiRequest): Promise<KpiAnswer> {
  const filter: KpiFilter = {
    tenant: request.tenant,
    from: request.from,
    to: request.to,
    jurisdiction: request.jurisdiction,
  };
  const { dialect, linesTable: table } = runner;
  const results = await Promise.all([
    runner.run(kpiTotalsQuery(dialect, table, filter)),
    request.groupBy === null ? null : runner.run(kpiGroupsQuery(dialect, table, filter, request.groupBy)),
    runner.run(reductionsQuery(dialect, table, filter, 'bucket')),
    runner.run(reductionsQuery(dialect, table, filter, 'rule')),
    runner.run(reductionsQuery(dialect, table, filter, 'reason')),
    runner.run(unpricedQuery(dialect, table, filter)),
    runner.run(topQuery(dialect, table, filter, 'code')),
    runner.run(topQuery(dialect, table, filter, 'provider')),
  ]);
  const [totals, groups, byBucket, byRule, byReason, unpriced, topCodes, topProviders] = results;
  return {
    tenant: request.tenant,
    from: request.from,
    to: request.to,
    jurisdiction: request.jurisdiction,
    groupBy: request.groupBy,
    totals: amountsOf(totals.rows[0]),
    groups: groups === null ? null : groups.rows.map((row) => ({ key: keyOf(row), ...amountsOf(row) })),
    reductionsByBucket: byBucket.rows.map(reductionOf),
    reductionsByRule: byRule.rows.map(reductionOf),
    reductionsByReason: byReason.rows.map(reductionOf),
    unpriced: unpriced.rows.map((row) => ({
      reason: textIn(row, 'key'),
      lines: numberIn(row, 'lines'),
      billed: moneyOfCents(numberIn(row, 'billed_cents')),
    })),
    topCodes: topsOf(topCodes.rows, 'code'),
    topProviders: topsOf(topProviders.rows, 'provider'),
    meanPricingMs: meanOf(totals.rows[0]),
    query: { engine: dialect, bytesScanned: bytesScannedOf(results) },
  };
}

/** A group's key; a line with no NPI at all is in the provider group "unknown". */
function keyOf(row: AnalyticsRow): string {
  return textIn(row, 'key') || 'unknown';
}

function amountsOf(row: AnalyticsRow | undefined): KpiAmounts {
  const billed = numberIn(row, 'billed_cents');
  const allowed = numberIn(row, 'allowed_cents');
  return {
    bills: numberIn(row, 'bills'),
    lines: numberIn(row, 'lines'),
    billed: moneyOfCents(billed),
    allowed: moneyOfCents(allowed),
    savings: moneyOfCents(billed - allowed),
    savingsRate: percentOfWhole(billed - allowed, billed),
    unpricedLines: numberIn(row, 'unpriced_lines'),
    unpricedBilled: moneyOfCents(numberIn(row, 'unpriced_billed_cents')),
  };
}

/** Mean milliseconds to price a bill, to the hundredth (a latency, not money). */
function meanOf(row: AnalyticsRow | undefined): number | null {
  const mean = nullableNumberIn(row, 'mean_pricing_ms');
  return mean === null ? null : Math.round(mean * 100) / 100;
}

function reductionOf(row: AnalyticsRow): KpiReduction {
  return {
    key: textIn(row, 'key'),
    lines: numberIn(row, 'lines'),
    amount: moneyOfCents(numberIn(row, 'amount_cents')),
  };
}

function topsOf(
  rows: readonly AnalyticsRow[],
  dimension: TopDimension,
): { readonly byBilled: readonly KpiTop[]; readonly bySavings: readonly KpiTop[] } {
  const top = (rank: 'by_billed' | 'by_savings'): KpiTop[] =>
    rows
      .filter((row) => numberIn(row, rank) <= TOP_LIMIT)
      .sort((a, b) => numberIn(a, rank) - numberIn(b, rank))
      .map((row) => ({
        key: dimension === 'provider' ? keyOf(row) : textIn(row, 'key'),
        lines: numberIn(row, 'lines'),
        billed: moneyOfCents(numberIn(row, 'billed_cents')),
        savings: moneyOfCents(numberIn(row, 'savings_cents')),
      }));
  return { byBilled: top('by_billed'), bySavings: top('by_savings') };
}
