/**
 * Analytics on the pricing path (lambdas/app/analytics/pricing.ts): which bills leave records, the
 * peers' snapshot as the price route reads it (once, again when old, the last one kept through an
 * outage), and comparisons put on an answer's lines in order.
 */
import { describe, expect, it } from 'vitest';
import type { LineComparison } from '../../../lambdas/app/analytics/answers.js';
import type { PeerSnapshot, PeerSnapshotStore } from '../../../lambdas/app/analytics/ports.js';
import {
  keepsRecords,
  PEER_SNAPSHOT_MAX_AGE_MS,
  PeerSnapshotCache,
  withComparisons,
} from '../../../lambdas/app/analytics/pricing.js';

const recording = { sink: { put: async () => undefined }, offTenants: new Set(['quiet-co']) };

describe('keepsRecords', () => {
  it('keeps a tenant’s bill unless the tenant or the bill turned analytics off', () => {
    expect(keepsRecords(recording, 'acme', { lines: [] })).toBe(true);
    expect(keepsRecords(recording, 'acme', { analytics: true })).toBe(true);
    expect(keepsRecords(recording, 'acme', undefined)).toBe(true);
    expect(keepsRecords(recording, 'acme', { analytics: false })).toBe(false);
    expect(keepsRecords(recording, 'quiet-co', { lines: [] })).toBe(false);
    // No tenant (no partition to put them in), or no analytics in this deployment.
    expect(keepsRecords(recording, null, { lines: [] })).toBe(false);
    expect(keepsRecords(null, 'acme', { lines: [] })).toBe(false);
  });
});

function snapshot(builtAt: string): PeerSnapshot {
  return { builtAt, from: '2025-01', to: '2025-12', groups: {} };
}

function store(answers: (PeerSnapshot | Error)[]): PeerSnapshotStore & { loads: number } {
  const s = {
    loads: 0,
    async load() {
      const answer = answers[Math.min(s.loads, answers.length - 1)] as PeerSnapshot | Error;
      s.loads += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async save() {},
  };
  return s;
}

describe('PeerSnapshotCache', () => {
  it('loads once for concurrent readers, again when the snapshot is old, and keeps the last one through a failed load', async () => {
    let now = 0;
    const backing = store([snapshot('first'), new Error('S3 is down'), snapshot('third')]);
    const cache = new PeerSnapshotCache(backing, () => now);
    const [a, b] = await Promise.all([cache.current(), cache.current()]);
    expect(a?.builtAt).toBe('first');
    expect(b?.builtAt).toBe('first');
    expect(backing.loads).toBe(1);
    now += PEER_SNAPSHOT_MAX_AGE_MS - 1;
    expect((await cache.current())?.builtAt).toBe('first');
    expect(backing.loads).toBe(1);
    now += 1;
    // The load fails: the answer keeps the snapshot it had.
    expect((await cache.current())?.builtAt).toBe('first');
    expect(backing.loads).toBe(2);
    now += PEER_SNAPSHOT_MAX_AGE_MS;
    expect((await cache.current())?.builtAt).toBe('third');
  });

  it('answers null, not an error, when no snapshot can be read yet', async () => {
    const cache = new PeerSnapshotCache(store([new Error('no such key')]), () => 0);
    expect(await cache.current()).toBeNull();
  });
});

describe('withComparisons', () => {
  it('puts each comparison on its line, in order, and changes nothing else', () => {
    const answer = { totals: { billed: '1.00' }, lines: [{ lineNumber: 1 }, { lineNumber: 2 }] };
    const comparisons: LineComparison[] = [
      { percentile: 40, basis: 'a', peers: { lines: 12, tenants: 3 } },
      { percentile: null, basis: 'b', peers: null, reason: 'unpriced' },
    ];
    expect(withComparisons(answer, comparisons)).toEqual({
      totals: { billed: '1.00' },
      lines: [
        { lineNumber: 1, comparison: comparisons[0] },
        { lineNumber: 2, comparison: comparisons[1] },
      ],
    });
  });
});
