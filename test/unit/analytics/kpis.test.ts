/**
 * KPIs (issue 19): the request's checks, and the answer of the queries on DuckDB over generated
 * records of three tenants compared with sums computed in plain TypeScript over the same records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KpiRequest, kpisOf, parseKpiRequest } from '../../../lambdas/app/analytics/kpis.js';
import type { AnalyticsLineRecord } from '../../../lambdas/app/analytics/record.js';
import { BadRequestError } from '../../../lambdas/app/answers.js';
import { type Cents, formatCents } from '../../../lambdas/engine/money.js';
import { duckdbRunner, type TestRunner } from './duckdb-runner.js';
import { generatedRecords } from './fixtures.js';

const money = (c: number) => formatCents(c as Cents);

function errorsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as BadRequestError).errors.map((e) => e.field);
  }
  throw new Error('no error');
}

describe('parseKpiRequest', () => {
  it('takes months, a jurisdiction and a grouping', () => {
    expect(
      parseKpiRequest({ from: '2025-01', to: '2026-06', jurisdiction: ' az ', groupBy: 'reason' }, 'acme'),
    ).toEqual({ tenant: 'acme', from: '2025-01', to: '2026-06', jurisdiction: 'AZ', groupBy: 'reason' });
    expect(parseKpiRequest({ from: '2026-03', to: '2026-03' }, 'acme')).toMatchObject({
      jurisdiction: null,
      groupBy: null,
    });
  });

  it('names every bad parameter', () => {
    expect(errorsOf(() => parseKpiRequest(null, 'acme'))).toEqual(['from', 'to']);
    expect(errorsOf(() => parseKpiRequest({ from: '2026-13', to: '26-01' }, 'acme'))).toEqual(['from', 'to']);
    expect(errorsOf(() => parseKpiRequest({ from: '2026-04', to: '2026-03' }, 'acme'))).toEqual(['from']);
    expect(errorsOf(() => parseKpiRequest({ from: '2020-01', to: '2025-01' }, 'acme'))).toEqual(['to']);
    expect(
      errorsOf(() =>
        parseKpiRequest({ from: '2026-01', to: '2026-02', jurisdiction: 'Arizona', groupBy: 'week' }, 'acme'),
      ),
    ).toEqual(['jurisdiction', 'groupBy']);
    expect(
      errorsOf(() => parseKpiRequest({ from: '2026-01', to: '2026-02', groupby: 'month' }, 'acme')),
    ).toEqual(['groupby']);
  });

  it('takes exactly 60 months and not 61', () => {
    expect(parseKpiRequest({ from: '2021-01', to: '2025-12' }, 'acme').from).toBe('2021-01');
    expect(errorsOf(() => parseKpiRequest({ from: '2021-01', to: '2026-01' }, 'acme'))).toEqual(['to']);
  });
});

describe('kpisOf on DuckDB', () => {
  const tenants = ['tenant-a', 'tenant-b', 'tenant-c'];
  let records: AnalyticsLineRecord[];
  let runner: TestRunner;

  beforeAll(async () => {
    records = generatedRecords(tenants, 40);
    runner = await duckdbRunner(records);
  }, 60_000);
  afterAll(() => runner?.close());

  /** The tenant's records in the request's months and jurisdiction. */
  function selected(request: KpiRequest): AnalyticsLineRecord[] {
    return records.filter(
      (r) =>
        r.tenant === request.tenant &&
        r.month >= request.from &&
        r.month <= request.to &&
        (request.jurisdiction === null || r.jurisdiction === request.jurisdiction),
    );
  }

  function totalsOf(lines: readonly AnalyticsLineRecord[]) {
    const counted = lines.filter((r) => r.status !== 'unpriced');
    const billed = counted.reduce((s, r) => s + r.billed_cents, 0);
    const allowed = counted.reduce((s, r) => s + (r.allowed_cents ?? 0), 0);
    const unpriced = lines.filter((r) => r.status === 'unpriced');
    return {
      bills: lines.filter((r) => r.first_line).length,
      lines: lines.length,
      billed: money(billed),
      allowed: money(allowed),
      savings: money(billed - allowed),
      unpricedLines: unpriced.length,
      unpricedBilled: money(unpriced.reduce((s, r) => s + r.billed_cents, 0)),
    };
  }

  it('has records of three tenants, priced, denied and unpriced, in several months (not vacuous)', () => {
    expect(new Set(records.map((r) => r.tenant)).size).toBe(3);
    expect(new Set(records.map((r) => r.status))).toEqual(new Set(['priced', 'denied', 'unpriced']));
    expect(new Set(records.map((r) => r.month)).size).toBeGreaterThan(2);
  });

  it('answers totals equal to the sums over the tenant records, and nothing of the other tenants', async () => {
    for (const tenant of tenants) {
      const request = parseKpiRequest({ from: '2022-01', to: '2026-12' }, tenant);
      const answer = await kpisOf(runner, request);
      const lines = selected(request);
      expect(lines.length).toBeGreaterThan(10);
      expect(answer.totals).toMatchObject(totalsOf(lines));
      const bills = lines.filter((r) => r.first_line);
      const mean = bills.reduce((s, r) => s + r.pricing_ms, 0) / bills.length;
      expect(answer.meanPricingMs).toBeCloseTo(mean, 2);
      expect(answer.query).toEqual({ engine: 'duckdb', bytesScanned: null });
    }
  });

  it('reads only the months and the jurisdiction asked for', async () => {
    const request = parseKpiRequest(
      { from: '2025-01', to: '2025-12', jurisdiction: 'US-MEDICARE' },
      'tenant-a',
    );
    const answer = await kpisOf(runner, request);
    const lines = selected(request);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(records.filter((r) => r.tenant === 'tenant-a').length);
    expect(answer.totals).toMatchObject(totalsOf(lines));
    // Every query named the tenant and the months as its first parameters.
    for (const query of runner.queries.slice(-7))
      expect(query.params.slice(0, 3)).toEqual(['tenant-a', '2025-01', '2025-12']);
  });

  it('groups by month, jurisdiction, code and provider as the records do', async () => {
    for (const groupBy of ['month', 'jurisdiction', 'code', 'provider'] as const) {
      const request = parseKpiRequest({ from: '2022-01', to: '2026-12', groupBy }, 'tenant-b');
      const answer = await kpisOf(runner, request);
      const keyOf = (r: AnalyticsLineRecord) =>
        groupBy === 'provider' ? (r.rendering_npi ?? r.billing_npi ?? 'unknown') : r[groupBy];
      const byKey = new Map<string, AnalyticsLineRecord[]>();
      for (const r of selected(request)) byKey.set(keyOf(r), [...(byKey.get(keyOf(r)) ?? []), r]);
      expect(answer.groups?.map((g) => g.key).sort()).toEqual([...byKey.keys()].sort());
      for (const group of answer.groups ?? [])
        expect(group, `${groupBy} ${group.key}`).toMatchObject(totalsOf(byKey.get(group.key) ?? []));
      if (groupBy === 'month') expect(answer.groups?.map((g) => g.key)).toEqual([...byKey.keys()].sort());
      expect(byKey.size).toBeGreaterThan(1);
    }
  });

  it('groups by reason, a line once in each group-CARC it was adjusted with', async () => {
    const request = parseKpiRequest({ from: '2022-01', to: '2026-12', groupBy: 'reason' }, 'tenant-c');
    const answer = await kpisOf(runner, request);
    const byKey = new Map<string, AnalyticsLineRecord[]>();
    for (const r of selected(request))
      for (const reason of new Set(r.adjustments.map((a) => `${a.group_code}-${a.carc}`)))
        byKey.set(reason, [...(byKey.get(reason) ?? []), r]);
    expect(byKey.size).toBeGreaterThan(1);
    expect(answer.groups?.map((g) => g.key).sort()).toEqual([...byKey.keys()].sort());
    for (const group of answer.groups ?? [])
      expect(group).toMatchObject(totalsOf(byKey.get(group.key) ?? []));
  });

  it('sums reductions by bucket, rule and reason, and unpriced lines by why', async () => {
    const request = parseKpiRequest({ from: '2022-01', to: '2026-12' }, 'tenant-a');
    const answer = await kpisOf(runner, request);
    const lines = selected(request);
    for (const [list, keyOf] of [
      [answer.reductionsByBucket, (a: AnalyticsLineRecord['adjustments'][number]) => a.bucket],
      [answer.reductionsByRule, (a: AnalyticsLineRecord['adjustments'][number]) => a.internal_code],
      [
        answer.reductionsByReason,
        (a: AnalyticsLineRecord['adjustments'][number]) => `${a.group_code}-${a.carc}`,
      ],
    ] as const) {
      const expected = new Map<string, { lines: number; cents: number }>();
      for (const r of lines) {
        const touched = new Set<string>();
        for (const a of r.adjustments) {
          const e = expected.get(keyOf(a)) ?? { lines: 0, cents: 0 };
          e.cents += a.amount_cents;
          if (!touched.has(keyOf(a))) e.lines++;
          touched.add(keyOf(a));
          expected.set(keyOf(a), e);
        }
      }
      expect(list.length).toBe(expected.size);
      for (const row of list)
        expect(row).toEqual({
          key: row.key,
          lines: expected.get(row.key)?.lines,
          amount: money(expected.get(row.key)?.cents ?? NaN),
        });
    }
    const unpriced = lines.filter((r) => r.status === 'unpriced');
    expect(unpriced.length).toBeGreaterThan(0);
    expect(answer.unpriced.reduce((s, u) => s + u.lines, 0)).toBe(unpriced.length);
    for (const u of answer.unpriced) {
      const these = unpriced.filter((r) => r.unpriced_reason === u.reason);
      expect(u).toEqual({
        reason: u.reason,
        lines: these.length,
        billed: money(these.reduce((s, r) => s + r.billed_cents, 0)),
      });
    }
  });

  it('lists the top ten codes and providers by billed and by savings', async () => {
    const request = parseKpiRequest({ from: '2022-01', to: '2026-12' }, 'tenant-b');
    const answer = await kpisOf(runner, request);
    for (const [top, keyOf] of [
      [answer.topCodes, (r: AnalyticsLineRecord) => r.code],
      [answer.topProviders, (r: AnalyticsLineRecord) => r.rendering_npi ?? r.billing_npi ?? 'unknown'],
    ] as const) {
      const sums = new Map<string, { lines: number; billed: number; savings: number }>();
      for (const r of selected(request).filter((x) => x.status !== 'unpriced')) {
        const s = sums.get(keyOf(r)) ?? { lines: 0, billed: 0, savings: 0 };
        s.lines++;
        s.billed += r.billed_cents;
        s.savings += r.billed_cents - (r.allowed_cents ?? 0);
        sums.set(keyOf(r), s);
      }
      const order = (by: 'billed' | 'savings') =>
        [...sums.entries()]
          .sort(([ka, a], [kb, b]) => b[by] - a[by] || (ka < kb ? -1 : 1))
          .slice(0, 10)
          .map(([key, s]) => ({ key, lines: s.lines, billed: money(s.billed), savings: money(s.savings) }));
      expect(top.byBilled).toEqual(order('billed'));
      expect(top.bySavings).toEqual(order('savings'));
      expect(top.byBilled.length).toBeGreaterThan(1);
    }
  });

  it('says the rate of savings to two decimals, and null over nothing billed', async () => {
    const answer = await kpisOf(runner, parseKpiRequest({ from: '2022-01', to: '2026-12' }, 'tenant-a'));
    const { billed, savings, savingsRate } = answer.totals;
    expect(savingsRate).toMatch(/^-?\d+\.\d{2}$/);
    expect(Math.abs(Number(savingsRate) - (Number(savings) / Number(billed)) * 100)).toBeLessThanOrEqual(
      0.005,
    );
    const empty = await kpisOf(runner, parseKpiRequest({ from: '2030-01', to: '2030-02' }, 'tenant-a'));
    expect(empty.totals).toEqual({
      bills: 0,
      lines: 0,
      billed: '0.00',
      allowed: '0.00',
      savings: '0.00',
      savingsRate: null,
      unpricedLines: 0,
      unpricedBilled: '0.00',
    });
    expect(empty.meanPricingMs).toBeNull();
    expect(empty.topCodes).toEqual({ byBilled: [], bySavings: [] });
  });
});
