import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type {
  KpiAmounts,
  KpiAnswer,
  KpiGroup,
  KpiGroupRow,
} from '../../../../lambdas/app/analytics/answers.js';

/*
 * A stand-in for GET /v1/analytics/kpis while the KPI route is written (issue 19): a KpiAnswer of
 * the asked range and grouping, made up but consistent (savings = billed − allowed). The KPI page's
 * browser test compares what the page shows with what this answered, so the figures are inputs,
 * not priced amounts. `KPI_FIXTURE_STATUS` (set by the test) makes it answer an error status, or
 * `malformed` a 200 that is not a KpiAnswer.
 */

/** Makes the stub answer this status with an error body instead of the KPIs (unset: 200). */
export const KPI_FIXTURE_STATUS_ENV = 'KPI_FIXTURE_STATUS';

function cents(n: number): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

function amounts(seed: number, lines: number): KpiAmounts {
  const billed = 12_345 * seed + 99_901;
  const allowed = Math.floor((billed * (55 + (seed % 30))) / 100);
  return {
    bills: Math.ceil(lines / 3),
    lines,
    billed: cents(billed),
    allowed: cents(allowed),
    savings: cents(billed - allowed),
    savingsRate: (((billed - allowed) * 100) / billed).toFixed(2),
    unpricedLines: seed % 3,
    unpricedBilled: cents((seed % 3) * 4_550),
  };
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m === 13) {
      y += 1;
      m = 1;
    }
  }
  return out;
}

function groupsOf(groupBy: KpiGroup, from: string, to: string): KpiGroupRow[] {
  const keys =
    groupBy === 'month'
      ? monthsBetween(from, to)
      : groupBy === 'jurisdiction'
        ? ['AZ', 'GA', 'NC', 'US-MEDICARE']
        : ['CO-45', 'CO-97', 'CO-151', 'CO-236'];
  return keys.map((key, i) => ({ key, ...amounts(i * 7 + key.length, 20 + i * 3) }));
}

/**
 * The KPIs of the asked range (`from`, `to`, `groupBy` as the route takes them).
 *
 * @param from - first month
 * @param to - last month
 * @param groupBy - the grouping
 * @returns the answer
 */
export function kpiFixture(from: string, to: string, groupBy: KpiGroup): KpiAnswer {
  const top = (keys: string[]) =>
    keys.map((key, i) => ({
      key,
      lines: 40 - i * 5,
      billed: cents(250_000 - i * 31_000),
      savings: cents(90_000 - i * 12_500),
    }));
  return {
    tenant: 'local',
    from,
    to,
    jurisdiction: null,
    groupBy,
    totals: amounts(11, 1234),
    groups: groupsOf(groupBy, from, to),
    reductionsByBucket: [
      { key: 'feeSchedule', lines: 310, amount: cents(8_765_432) },
      { key: 'billReview', lines: 42, amount: cents(1_234_500) },
      { key: 'ppo', lines: 12, amount: cents(-4_500) },
    ],
    reductionsByRule: [
      { key: 'FS-MAX', lines: 310, amount: cents(8_765_432) },
      { key: 'BR-NCCI-PTP', lines: 30, amount: cents(1_000_000) },
    ],
    reductionsByReason: [
      { key: 'CO-45', lines: 310, amount: cents(8_765_432) },
      { key: 'CO-97', lines: 30, amount: cents(1_000_000) },
      { key: 'CO-151', lines: 12, amount: cents(234_500) },
    ],
    unpriced: [
      { reason: 'NO-EDITION', lines: 4, billed: cents(18_200) },
      { reason: 'UNSUPPORTED', lines: 1, billed: cents(75_000) },
    ],
    topCodes: { byBilled: top(['99213', '97110', '72148']), bySavings: top(['97110', '99213']) },
    topProviders: { byBilled: top(['1234567893', '1098765432']), bySavings: top(['1098765432']) },
    meanPricingMs: 3.2,
    query: { engine: 'duckdb', bytesScanned: null },
  };
}

/** The stub handler: the fixture for the query, or the error status the test asked for. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const asked = process.env[KPI_FIXTURE_STATUS_ENV];
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  // "malformed": a 200 whose body is not a KpiAnswer.
  if (asked === 'malformed') return { statusCode: 200, headers, body: JSON.stringify({ totals: null }) };
  const status = Number(asked ?? 200);
  if (status !== 200) {
    return {
      statusCode: status,
      headers,
      body: JSON.stringify({
        statusCode: status,
        userMessage: 'Stub error',
        developerMessage: 'stub',
        errors: [],
      }),
    };
  }
  const q = event.queryStringParameters ?? {};
  const groupBy = (q.groupBy ?? 'month') as KpiGroup;
  return {
    statusCode: 200,
    headers,
    body: JSON.stringify(kpiFixture(q.from ?? '2026-01', q.to ?? '2026-12', groupBy)),
  };
}
