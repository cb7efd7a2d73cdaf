/**
 * Benchmarks (issue 19): peers published only where at least 11 lines from at least 3 tenants
 * stand behind them, on both sides of each threshold; the caller's own always; percentiles equal
 * to linear-interpolation quantiles computed in TypeScript over the same records (DuckDB's
 * quantile_cont is exact).
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_MONTHS,
  benchmarksOf,
  parseBenchmarkRequest,
} from '../../../lambdas/app/analytics/benchmarks.js';
import type { AnalyticsTenantStore } from '../../../lambdas/app/analytics/ports.js';
import type { AnalyticsLineRecord } from '../../../lambdas/app/analytics/record.js';
import { BadRequestError } from '../../../lambdas/app/answers.js';
import { formatCents, Money, roundToCents } from '../../../lambdas/engine/money.js';
import { duckdbRunner } from './duckdb-runner.js';
import { syntheticRecord } from './fixtures.js';

/** A tenant store over the records' tenants. */
function storeOf(records: readonly AnalyticsLineRecord[]): AnalyticsTenantStore {
  return {
    tenants: async () => [...new Set(records.map((r) => r.tenant))].sort(),
    deleteTenant: async () => ({ objectsDeleted: 0 }),
  };
}

/** Lines of 99213 in AZ: `perTenant[i]` lines for tenant t<i+1>, charges rising by a dollar. */
function linesOf(
  perTenant: readonly number[],
  extra: Partial<AnalyticsLineRecord> = {},
): AnalyticsLineRecord[] {
  let n = 0;
  return perTenant.flatMap((count, t) =>
    Array.from({ length: count }, () => {
      n++;
      return syntheticRecord({
        tenant: `t${t + 1}`,
        billed_cents: 9_000 + n * 100,
        allowed_cents: 8_000 + n * 10,
        ...extra,
      });
    }),
  );
}

/** Quantile by linear interpolation between closest ranks (quantile_cont, type 7), in cents, as money. */
function quantile(values: readonly number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const value =
    (sorted[lo] as number) +
    (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] as number) - (sorted[lo] as number));
  return formatCents(roundToCents(new Money(value).div(100)));
}

async function answer(
  records: readonly AnalyticsLineRecord[],
  params: Record<string, string>,
  tenant = 't1',
) {
  const runner = await duckdbRunner(records);
  try {
    return await benchmarksOf(runner, storeOf(records), parseBenchmarkRequest(params, tenant));
  } finally {
    runner.close();
  }
}

describe('parseBenchmarkRequest', () => {
  it('takes a code, jurisdiction, zip3 and quarter, the quarter as its months', () => {
    expect(
      parseBenchmarkRequest({ code: '99213', jurisdiction: 'az', zip3: '850', quarter: '2026q2' }, 'acme'),
    ).toEqual({
      tenant: 'acme',
      code: '99213',
      jurisdiction: 'AZ',
      zip3: '850',
      quarter: '2026Q2',
      from: '2026-04',
      to: '2026-06',
    });
    expect(parseBenchmarkRequest({ code: 'e0114' }, 'acme')).toMatchObject({
      code: 'E0114',
      quarter: null,
      ...ALL_MONTHS,
    });
    expect(parseBenchmarkRequest({ code: '99213', quarter: '2025Q4' }, 'acme')).toMatchObject({
      from: '2025-10',
      to: '2025-12',
    });
  });

  it('names every bad parameter', () => {
    const fields = (params: Record<string, string> | null) => {
      try {
        parseBenchmarkRequest(params, 'acme');
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestError);
        return (error as BadRequestError).errors.map((e) => e.field);
      }
      return [];
    };
    expect(fields(null)).toEqual(['code']);
    expect(fields({ code: '9921' })).toEqual(['code']);
    expect(fields({ code: '99213', jurisdiction: 'A', zip3: '85001', quarter: '2026Q5' })).toEqual([
      'jurisdiction',
      'zip3',
      'quarter',
    ]);
    expect(fields({ code: '99213', tenant: 'other' })).toEqual(['tenant']);
  });
});

describe('benchmarksOf on DuckDB', () => {
  it('publishes peers at 11 lines from 3 tenants, with the percentiles of every tenant lines', async () => {
    const records = linesOf([5, 3, 3]);
    const result = await answer(records, { code: '99213', jurisdiction: 'AZ' });
    expect(result.peers.published).toBe(true);
    if (!result.peers.published) return;
    expect(result.peers.lines).toBe(11);
    expect(result.peers.tenants).toBe(3);
    const billed = records.map((r) => r.billed_cents);
    const allowed = records.map((r) => r.allowed_cents ?? 0);
    expect(result.peers.billed).toEqual({
      p10: quantile(billed, 0.1),
      p25: quantile(billed, 0.25),
      p50: quantile(billed, 0.5),
      p75: quantile(billed, 0.75),
      p90: quantile(billed, 0.9),
    });
    expect(result.peers.allowed?.p50).toBe(quantile(allowed, 0.5));
    const own = records.filter((r) => r.tenant === 't1').map((r) => r.billed_cents);
    expect(result.own).toMatchObject({
      lines: 5,
      billed: { p50: quantile(own, 0.5), p90: quantile(own, 0.9) },
    });
    expect(result.query.engine).toBe('duckdb');
  });

  it('does not publish 10 lines from 3 tenants, nor 11 lines from 2, and says why; own still answers', async () => {
    for (const perTenant of [
      [4, 3, 3],
      [6, 5],
    ]) {
      const result = await answer(linesOf(perTenant), { code: '99213' });
      expect(result.peers, perTenant.join('+')).toEqual({
        published: false,
        reason: expect.stringMatching(/at least 11 lines from at least 3 tenants/),
        lines: null,
        tenants: null,
      });
      expect(result.own?.lines).toBe(perTenant[0]);
    }
  });

  it('divides charges by units, and filters by jurisdiction, zip3 and quarter', async () => {
    const records = [
      ...linesOf([4, 4, 4], { units: 2 }),
      ...linesOf([4, 4, 4], { jurisdiction: 'NC' }),
      ...linesOf([4, 4, 4], { zip3: '851' }),
      ...linesOf([4, 4, 4], { month: '2026-04' }),
      ...linesOf([4, 4, 4], { code: '99214' }),
    ];
    const result = await answer(records, {
      code: '99213',
      jurisdiction: 'AZ',
      zip3: '850',
      quarter: '2026Q1',
    });
    expect(result.peers.published && result.peers.lines).toBe(12);
    const expected = records.filter((r) => r.units === 2).map((r) => r.billed_cents / 2);
    expect(result.peers.published && result.peers.billed.p50).toBe(quantile(expected, 0.5));
  });

  it('answers allowed over priced and denied lines only, and null own for a tenant with no lines', async () => {
    const records = [
      ...linesOf([4, 4, 4]),
      ...linesOf([1, 1, 1], {
        status: 'unpriced',
        allowed_cents: null,
        unpriced_reason: 'NO-EDITION',
        adjustments: [],
      }),
    ];
    const result = await answer(records, { code: '99213' }, 'newcomer');
    expect(result.own).toBeNull();
    expect(result.peers.published && result.peers.lines).toBe(15);
    const allowed = records.filter((r) => r.status === 'priced').map((r) => r.allowed_cents ?? 0);
    expect(result.peers.published && result.peers.allowed?.p25).toBe(quantile(allowed, 0.25));
  });

  it('does not publish and answers no own when no line has the code', async () => {
    const result = await answer([syntheticRecord({ code: '99214' })], { code: '99213' });
    expect(result.peers.published).toBe(false);
    expect(result.own).toBeNull();
  });
});
