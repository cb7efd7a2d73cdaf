import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { cents, formatCents, parseSignedCents } from '../../../lambdas/engine/money.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { BUCKETS, type PricedBill, type PricedLine } from '../../../lambdas/engine/priced-bill.js';
import { matchLines, reconDelta } from '../../../lambdas/engine/recon/delta.js';
import { sampleIndex } from '../../support/fee-index.js';

const index = sampleIndex();

function price(lines: object[]): PricedBill {
  return priceBill(
    index,
    normaliseBill({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, lines }),
  );
}

/** A priced line with only what matching reads; amounts are test inputs, not fee schedule figures. */
function line(
  lineNumber: number,
  code: string,
  date: string,
  modifiers: string[] = [],
  allowed = '10.00',
): PricedLine {
  const buckets = Object.fromEntries(BUCKETS.map((b) => [b, b === 'feeSchedule' ? allowed : '0.00']));
  return {
    lineNumber,
    code,
    modifiers,
    dateOfService: date,
    units: 1,
    placeOfService: '11',
    billed: allowed,
    status: 'priced',
    feeSchedule: null,
    allowed,
    withheld: '0.00',
    adjustments: [],
    buckets: buckets as PricedLine['buckets'],
    explanation: [],
    notices: [],
    rules: [],
  };
}

describe('matchLines', () => {
  it('pairs by line number when the two lines are the same service, whatever their modifiers', () => {
    const pairs = matchLines([line(1, '99213', '2025-03-04')], [line(1, '99213', '2025-03-04', ['25'])]);
    expect(pairs.map((p) => p.match)).toEqual(['line-number']);
  });

  it('pairs a renumbered bill by code, date and modifiers', () => {
    const prior = [
      line(1, '99213', '2025-03-04'),
      line(2, '97110', '2025-03-05'),
      line(3, '97140', '2025-03-05'),
    ];
    const current = [line(1, '97110', '2025-03-05'), line(2, '97140', '2025-03-05')];
    const pairs = matchLines(prior, current);
    expect(pairs.map((p) => [p.match, p.current?.lineNumber ?? null, p.prior?.lineNumber ?? null])).toEqual([
      ['code-date-modifiers', 1, 2],
      ['code-date-modifiers', 2, 3],
      ['removed', null, 1],
    ]);
  });

  it('never pairs two different services by line number alone: a corrected code is removed and added', () => {
    const pairs = matchLines([line(1, '99213', '2025-03-04')], [line(1, '99214', '2025-03-04')]);
    expect(pairs.map((p) => p.match)).toEqual(['added', 'removed']);
  });

  it('pairs repeated services in line-number order', () => {
    const prior = [line(4, '97110', '2025-03-05'), line(2, '97110', '2025-03-05')];
    const current = [line(7, '97110', '2025-03-05'), line(5, '97110', '2025-03-05')];
    const pairs = matchLines(prior, current);
    expect(pairs.map((p) => [p.current?.lineNumber, p.prior?.lineNumber])).toEqual([
      [7, 4],
      [5, 2],
    ]);
  });
});

describe('reconDelta', () => {
  // Fee schedule figures (US-MEDICARE 2025, locality of ZIP 19901, CF 32.3465):
  //   99213: PPRRVU2025_Oct.csv line 12807 × GPCI2025.csv line 40: (1.30×1.009 + 1.35×0.992 + 0.10×0.949)
  //          × 32.3465 = 88.8170197 → 88.82
  //   97110: PPRRVU2025_Oct.csv line 12655: (0.45×1.009 + 0.43×0.992 + 0.01×0.949) × 32.3465 = 28.7916 → 28.79
  const sequence1 = price([
    { lineNumber: 1, code: '99213', dateOfService: '2025-03-04', charge: '80.00' },
    { lineNumber: 2, code: '97110', dateOfService: '2025-03-05', charge: '50.00' },
  ]);
  const sequence2 = price([{ lineNumber: 1, code: '99213', dateOfService: '2025-03-04', charge: '150.00' }]);

  it('the first sequence is all added lines and its delta is its whole allowance', () => {
    const delta = reconDelta(null, sequence1, null);
    // 80.00 (the lesser of billed 80.00 and fee 88.82) + 28.79 = 108.79
    expect(delta).toMatchObject({
      againstSequence: null,
      total: '108.79',
      direction: 'additional-payment',
      additionalAmountDue: '108.79',
      overpayment: '0.00',
      counts: { matched: 0, changed: 0, added: 2, removed: 0 },
    });
  });

  it('a corrected charge pays the difference and a removed line is recovered', () => {
    const delta = reconDelta(sequence1, sequence2, 1);
    // Line 1: billed 80.00 → 150.00, allowed 80.00 → 88.82 (+8.82); line 2 (97110, 28.79) removed.
    // Total 8.82 − 28.79 = −19.97: an overpayment of 19.97.
    expect(delta.lines[0]).toMatchObject({
      match: 'line-number',
      lineNumber: 1,
      priorLineNumber: 1,
      billed: { prior: '80.00', current: '150.00', change: '70.00' },
      allowed: { prior: '80.00', current: '88.82', change: '8.82' },
    });
    expect(delta.lines[1]).toMatchObject({
      match: 'removed',
      lineNumber: null,
      priorLineNumber: 2,
      code: '97110',
      allowed: { prior: '28.79', current: '0.00', change: '-28.79' },
    });
    expect(delta).toMatchObject({
      againstSequence: 1,
      total: '-19.97',
      direction: 'overpayment',
      additionalAmountDue: '0.00',
      overpayment: '19.97',
      counts: { matched: 1, changed: 1, added: 0, removed: 1 },
      totals: { allowed: { prior: '108.79', current: '88.82', change: '-19.97' } },
    });
  });

  it('a bill against itself changes nothing', () => {
    const delta = reconDelta(sequence1, sequence1, 1);
    expect(delta).toMatchObject({ total: '0.00', direction: 'no-change', counts: { changed: 0 } });
    expect(Object.values(delta.totals.buckets).every((v) => v === '0.00')).toBe(true);
  });

  it('line and bucket changes always add up to the total, to the cent (property)', () => {
    const amount = fc.integer({ min: 0, max: 500_000 }).map((c) => formatCents(cents(c)));
    const lines = fc.array(
      fc.record({
        code: fc.constantFrom('99213', '97110', '97140', '72148'),
        day: fc.integer({ min: 1, max: 3 }),
        allowed: amount,
      }),
      { maxLength: 12 },
    );
    const bill = (spec: { code: string; day: number; allowed: string }[]) =>
      ({
        lines: spec.map((s, i) => line(i + 1, s.code, `2025-03-0${s.day}`, [], s.allowed)),
      }) as unknown as PricedBill;
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const prior = bill(a);
        const current = bill(b);
        const delta = reconDelta(prior, current, 1);
        const total = parseSignedCents(delta.total);
        const sumOf = (ls: readonly PricedLine[]) =>
          ls.reduce((s, l) => s + parseSignedCents(l.allowed ?? '0'), 0);
        expect(total).toBe(sumOf(current.lines) - sumOf(prior.lines));
        expect(delta.lines.reduce((s, l) => s + parseSignedCents(l.allowed.change), 0)).toBe(total);
        const bucketSum = BUCKETS.reduce(
          (s, bucket) => s + parseSignedCents(delta.totals.buckets[bucket]),
          0,
        );
        expect(bucketSum).toBe(total);
        // every line of either sequence appears exactly once
        expect(delta.lines.filter((l) => l.lineNumber !== null)).toHaveLength(current.lines.length);
        expect(delta.lines.filter((l) => l.priorLineNumber !== null)).toHaveLength(prior.lines.length);
      }),
    );
  });
});
