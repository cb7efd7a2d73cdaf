/**
 * The peers' snapshot and a line's comparison with it (issue 19, `"compare": true`): built over
 * the last 12 complete months on DuckDB, only groups meeting the threshold, modifier groups 26/TC
 * apart; percentiles interpolated between the 19 stored points, clamped at 5 and 95.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPeerSnapshot,
  comparisonOf,
  peerKey,
  percentileAmong,
  snapshotWindow,
} from '../../../lambdas/app/analytics/peers.js';
import type { AnalyticsTenantStore, PeerSnapshot } from '../../../lambdas/app/analytics/ports.js';
import type { AnalyticsLineRecord } from '../../../lambdas/app/analytics/record.js';
import { modifierGroupOf } from '../../../lambdas/app/analytics/sql.js';
import { duckdbRunner } from './duckdb-runner.js';
import { syntheticRecord } from './fixtures.js';

const store = (tenants: string[]): AnalyticsTenantStore => ({
  tenants: async () => tenants,
  deleteTenant: async () => ({ objectsDeleted: 0 }),
});

/** `count` lines spread over tenants t1..t<tenants>, charges 100.00, 101.00, … per unit. */
function group(count: number, tenants: number, extra: Partial<AnalyticsLineRecord>): AnalyticsLineRecord[] {
  return Array.from({ length: count }, (_, i) =>
    syntheticRecord({
      tenant: `t${(i % tenants) + 1}`,
      billed_cents: 10_000 + i * 100,
      month: '2026-06',
      ...extra,
    }),
  );
}

describe('snapshotWindow', () => {
  it('is the last 12 complete months', () => {
    expect(snapshotWindow(new Date('2026-12-07T10:00:00Z'))).toEqual({ from: '2025-12', to: '2026-11' });
    expect(snapshotWindow(new Date('2026-01-01T00:00:00Z'))).toEqual({ from: '2025-01', to: '2025-12' });
  });
});

describe('buildPeerSnapshot on DuckDB', () => {
  it('keeps the groups meeting the threshold, with 19 ascending percentiles, and modifier groups apart', async () => {
    const records = [
      ...group(11, 3, {}),
      ...group(12, 3, { modifiers: '26,59' }),
      ...group(11, 3, { modifiers: 'LT' }),
      // Below the threshold: 10 lines from 3 tenants, 11 lines from 2 tenants.
      ...group(10, 3, { code: '99214' }),
      ...group(11, 2, { code: '99215' }),
      // Outside the window: the current month and 13 months back.
      ...group(11, 3, { code: '72148', month: '2026-12' }),
      ...group(11, 3, { code: '72148', month: '2025-11' }),
      // Another tenant the store does not list is not read.
      ...group(11, 1, { code: '97110', tenant: 'unlisted' }),
    ];
    const runner = await duckdbRunner(records);
    try {
      const snapshot = await buildPeerSnapshot(
        runner,
        store(['t1', 't2', 't3']),
        new Date('2026-12-07T10:00:00Z'),
      );
      expect(snapshot.from).toBe('2025-12');
      expect(snapshot.to).toBe('2026-11');
      expect(snapshot.builtAt).toBe('2026-12-07T10:00:00.000Z');
      expect(Object.keys(snapshot.groups).sort()).toEqual([
        peerKey('AZ', '99213', ''),
        peerKey('AZ', '99213', '26'),
      ]);
      // The unmodified lines and the LT lines pool: 22 lines.
      const pooled = snapshot.groups[peerKey('AZ', '99213', '')];
      expect(pooled).toMatchObject({ lines: 22, tenants: 3 });
      expect(pooled?.billedPerUnit).toHaveLength(19);
      const points = pooled?.billedPerUnit ?? [];
      expect([...points].sort((a, b) => a - b)).toEqual(points);
      expect(snapshot.groups[peerKey('AZ', '99213', '26')]?.lines).toBe(12);
      expect(runner.queries.at(-1)?.params).toEqual(['t1', 't2', 't3', '2025-12', '2026-11', 11, 3]);
    } finally {
      runner.close();
    }
  });

  it('is empty, without a query, when no tenant has records', async () => {
    const runner = await duckdbRunner([syntheticRecord({})]);
    try {
      const snapshot = await buildPeerSnapshot(runner, store([]), new Date('2026-12-07T10:00:00Z'));
      expect(snapshot.groups).toEqual({});
      expect(runner.queries).toEqual([]);
    } finally {
      runner.close();
    }
  });
});

describe('modifierGroupOf', () => {
  it('splits 26 and TC from every other modifier', () => {
    expect(modifierGroupOf(['26'])).toBe('26');
    expect(modifierGroupOf(['59', 'TC'])).toBe('TC');
    expect(modifierGroupOf(['LT', '59'])).toBe('');
    expect(modifierGroupOf([])).toBe('');
  });
});

describe('percentileAmong', () => {
  const points = Array.from({ length: 19 }, (_, i) => (i + 1) * 1000);

  it('interpolates linearly between the stored points', () => {
    expect(percentileAmong(points, 10_000)).toEqual({ percentile: 50, beyond: null });
    expect(percentileAmong(points, 10_500)).toEqual({ percentile: 53, beyond: null });
    expect(percentileAmong(points, 1_200)).toEqual({ percentile: 6, beyond: null });
  });

  it('clamps at 5 and 95 and says the value lies beyond', () => {
    expect(percentileAmong(points, 500)).toEqual({ percentile: 5, beyond: 'below' });
    expect(percentileAmong(points, 1_000)).toEqual({ percentile: 5, beyond: null });
    expect(percentileAmong(points, 19_000)).toEqual({ percentile: 95, beyond: null });
    expect(percentileAmong(points, 25_000)).toEqual({ percentile: 95, beyond: 'above' });
  });

  it('answers the middle of a run of equal points', () => {
    const flat = Array.from({ length: 19 }, () => 5000);
    expect(percentileAmong(flat, 5000)).toEqual({ percentile: 50, beyond: null });
  });
});

describe('comparisonOf', () => {
  const snapshot: PeerSnapshot = {
    builtAt: '2026-12-07T10:00:00.000Z',
    from: '2025-12',
    to: '2026-11',
    groups: {
      [peerKey('AZ', '99213', '')]: {
        lines: 40,
        tenants: 4,
        billedPerUnit: Array.from({ length: 19 }, (_, i) => (i + 1) * 1000),
      },
    },
  };
  const line = {
    jurisdiction: 'AZ',
    code: '99213',
    modifiers: '59',
    billed_cents: 21_000,
    units: 2,
    status: 'priced',
  };

  it('places a line charge per unit among its peers', () => {
    const comparison = comparisonOf(snapshot, line);
    expect(comparison).toMatchObject({ percentile: 53, peers: { lines: 40, tenants: 4 } });
    expect(comparison.reason).toBeUndefined();
    expect(comparison.basis).toContain('AZ 99213');
    expect(comparison.basis).toContain('2025-12 to 2026-11');
  });

  it('says plainly when the charge is beyond the 5th or 95th percentile', () => {
    expect(comparisonOf(snapshot, { ...line, billed_cents: 100 })).toMatchObject({ percentile: 5 });
    expect(comparisonOf(snapshot, { ...line, billed_cents: 100 }).basis).toMatch(
      /at or below the 5th percentile/,
    );
    expect(comparisonOf(snapshot, { ...line, billed_cents: 1_000_000 }).basis).toMatch(
      /at or above the 95th/,
    );
  });

  it('gives no percentile, with the reason, for a missing group, no snapshot, an unpriced line, no units', () => {
    for (const [snap, l, why] of [
      [snapshot, { ...line, modifiers: '26' }, /Too few peers/],
      [snapshot, { ...line, code: '99214' }, /Too few peers/],
      [null, line, /No peers’ snapshot/],
      [snapshot, { ...line, status: 'unpriced' }, /unpriced/],
      [snapshot, { ...line, units: 0 }, /no units/],
    ] as const) {
      const comparison = comparisonOf(snap, l);
      expect(comparison.percentile).toBeNull();
      expect(comparison.peers).toBeNull();
      expect(comparison.reason).toMatch(why);
    }
  });
});
