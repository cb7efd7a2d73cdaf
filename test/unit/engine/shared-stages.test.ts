import { describe, expect, it } from 'vitest';
import type { ExternalValue } from '../../../lambdas/engine/external-values.js';
import { type Cents, cents } from '../../../lambdas/engine/money.js';
import type { Adjustment, ExplanationStep } from '../../../lambdas/engine/priced-bill.js';
import {
  billTotals,
  editionsUsed,
  lineBuckets,
  reasonAdjustment,
} from '../../../lambdas/engine/stages/assemble.js';
import {
  applyAfterValues,
  applyExclusive,
  NO_EXTERNAL_VALUES,
  resolveValues,
  type ValueLine,
} from '../../../lambdas/engine/stages/values.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * The shared stages (assemble, values) on lines that are not professional working lines: a bare
 * `ValueLine` with an allowance from whatever method priced it, as a facility line will be. The
 * allowances are fee schedule amounts worked in test/unit/engine/external-values.test.ts (Delaware,
 * ZIP 19901, 2025, non-facility, CF 32.3465; GPCI2025.csv line 40: 1.009, 0.992, 0.949; from
 * PPRRVU2025_Oct.csv 99213 line 12807 (1.30, 1.35, 0.10) = 88.82 and 20610 line 1644 (0.79, 1.04,
 * 0.13) = 63.15); the values and their order are decision 006's.
 */

interface BareLine extends ValueLine {
  /** The method's allowance in cents; undefined: the method could not price the line. */
  readonly fee: Cents | undefined;
}

const line = (lineNumber: number, charge: string, fee: Cents | undefined): BareLine => ({
  line: { lineNumber, charge: cents(Math.round(Number(charge) * 100)), externalValues: [] },
  fee,
  reductions: [],
  allowed: cents(0),
  values: NO_EXTERNAL_VALUES,
  exclusive: undefined,
  before: undefined,
});

const value = (extra: Partial<ExternalValue>): ExternalValue => ({
  bucket: 'ppo',
  mode: 'add',
  amount: undefined,
  percent: undefined,
  when: 'after',
  rule: undefined,
  source: 'PPO contract 7',
  reason: { groupCode: 'CO', carc: '45', internalCode: 'PPO-7' },
  field: 'externalValues[0]',
  billLevel: true,
  ...extra,
});

/** The lesser of billed and the allowance, the FS-MAX adjustment, then the values after the rules. */
function assemble(item: BareLine): Adjustment[] {
  const fee = item.fee as Cents;
  const adjustments: Adjustment[] = [];
  const steps: ExplanationStep[] = [];
  if (item.line.charge > fee) {
    adjustments.push(
      reasonAdjustment(item, 'US-MEDICARE', 'FS-MAX', cents(item.line.charge - fee), 'above the fee'),
    );
  }
  item.allowed = applyAfterValues(
    item,
    cents(Math.min(item.line.charge, fee)),
    item.line.charge,
    adjustments,
    steps,
    false,
  );
  return adjustments;
}

describe('the shared stages on lines that are not professional lines', () => {
  it('shares a bill-level PPO amount by billed charge over the lines with an allowance, and totals the bill', () => {
    const work = [
      line(1, '150.00', cents(8882)),
      line(2, '100.00', cents(6315)),
      line(3, '50.00', undefined),
    ];
    const notices = resolveValues(work, [{ value: value({ amount: cents(-2500) }), targets: [0, 1, 2] }], {
      hasAllowance: (item) => item.fee !== undefined,
      feeAmount: (item) => item.fee as Cents,
    });
    // Line 3 has no allowance: the value goes to lines 1 and 2 only, and the bill says so.
    expect(notices).toEqual([
      'externalValues[0] (PPO contract 7) was applied to the lines with a fee schedule allowance only, not to line(s) 3.',
    ]);
    // -25.00 split 150 : 100 → -15.00 and -10.00.
    expect(work.map((w) => w.values.map((v) => v.amount))).toEqual([[-1500], [-1000], []]);

    const [a, b] = work as [BareLine, BareLine, BareLine];
    const adjustments = assemble(a);
    assemble(b);
    // Line 1: billed 150.00 above 88.82 → 61.18 withheld (FS-MAX, CARC 45); PPO -15.00 → 73.82.
    expect(adjustments.map((x) => [x.internalCode, x.carc, x.bucket, x.amount])).toEqual([
      ['FS-MAX', '45', 'feeSchedule', '61.18'],
      ['PPO-7', '45', 'ppo', '15.00'],
    ]);
    expect(a.allowed).toBe(7382);
    // Line 2: 63.15 - 10.00 = 53.15.
    expect(b.allowed).toBe(5315);
    expect(lineBuckets(a.line.charge, a.reductions)).toEqual({
      feeSchedule: '88.82',
      billReview: '0.00',
      ppo: '-15.00',
      ur: '0.00',
      negotiated: '0.00',
      adjuster: '0.00',
      customer: '0.00',
    });

    const totals = billTotals(
      work.map((w) => ({
        charge: w.line.charge,
        status: w.fee === undefined ? 'unpriced' : 'priced',
        allowed: w.allowed,
        reductions: w.reductions,
      })),
    );
    // Billed 300.00 of which 50.00 unpriced; allowed 73.82 + 53.15 = 126.97; withheld 250.00 - 126.97
    // = 123.03: the fee schedule 61.18 + 36.85 = 98.03 and the PPO 25.00.
    expect(totals).toEqual({
      billed: '300.00',
      allowed: '126.97',
      withheld: '123.03',
      withheldByBucket: { feeSchedule: '98.03', ppo: '25.00' },
      buckets: {
        feeSchedule: '151.97',
        billReview: '0.00',
        ppo: '-25.00',
        ur: '0.00',
        negotiated: '0.00',
        adjuster: '0.00',
        customer: '0.00',
      },
      unpricedBilled: '50.00',
      lines: 3,
      pricedLines: 2,
      deniedLines: 0,
      unpricedLines: 1,
    });
  });

  it('prices a line by a single value in its bucket, with or without an allowance of its own', () => {
    const item = line(1, '100.00', undefined);
    const ur = value({
      bucket: 'ur',
      mode: 'single',
      amount: cents(4000),
      billLevel: false,
      source: 'UR 12',
    });
    resolveValues([item], [{ value: ur, targets: [0] }], {
      hasAllowance: () => false,
      feeAmount: () => cents(0),
    });
    expect(item.exclusive).toBe(item.values[0]);
    const steps: ExplanationStep[] = [];
    const { allowed, adjustments } = applyExclusive(item, item.exclusive as ExternalValue, '100.00', steps);
    // The whole allowance (40.00) is in UR; the fee schedule bucket gives up the whole charge.
    expect(allowed).toBe(4000);
    expect(adjustments.map((x) => [x.bucket, x.amount])).toEqual([
      ['feeSchedule', '100.00'],
      ['ur', '-40.00'],
    ]);
    expect(lineBuckets(item.line.charge, item.reductions)).toMatchObject({
      feeSchedule: '0.00',
      ur: '40.00',
    });
  });

  it('lists the editions used from edition ids, each once, leaving out ids the index does not hold', () => {
    const index = sampleIndex();
    const rvu = index.editionFor('pfs-rvu', '2025-03-04')?.edition.id as string;
    const gpci = index.editionFor('gpci', '2025-03-04')?.edition.id as string;
    const used = editionsUsed(index, [rvu, undefined, 'no-such-edition', gpci, rvu]);
    expect(used.map((e) => e.id)).toEqual([rvu, gpci]);
    const info = index.editionById(rvu);
    expect(used[0]).toEqual({
      id: rvu,
      label: info?.label,
      file: info?.source.file,
      sha256: info?.source.sha256,
      complete: info?.complete,
      sampled: info?.sampled,
    });
  });
});
