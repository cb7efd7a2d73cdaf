import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Amounts from the official rows (see price-bill.test.ts): 99213 in Delaware, 2025: 88.82;
 * 97110: 28.79 a unit. MUEs from mue_practitioner_derived.csv: line 10340 99213 MUE 2 MAI 3;
 * line 10188 97110 MUE 6 MAI 3; line 7048 72148 MUE 1 MAI 3.
 */
const index = sampleIndex();

const bill = (lines: object[], jurisdiction = 'US-MEDICARE') =>
  priceBill(index, normaliseBill({ jurisdiction, serviceFacility: { zip: '19901' }, lines }));

describe('bill review rules', () => {
  describe('duplicates', () => {
    it('denies an exact duplicate (CARC 18, bill review bucket) and keeps the first', () => {
      const priced = bill([
        { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
        { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
      ]);
      expect(priced.lines[0]).toMatchObject({ allowed: '88.82', status: 'priced' });
      expect(priced.lines[1]).toMatchObject({ allowed: '0.00', withheld: '150.00', status: 'denied' });
      // 150.00 billed: 61.18 over the fee schedule (CARC 45) + 88.82 denied as a duplicate (CARC 18)
      expect(priced.lines[1]?.adjustments.map((a) => [a.bucket, a.carc, a.amount])).toEqual([
        ['feeSchedule', '45', '61.18'],
        ['billReview', '18', '88.82'],
      ]);
      expect(priced.lines[0]?.rules).toContainEqual({ rule: 'duplicates', decision: 'no-change' });
    });

    it('flags a suspected duplicate (same code and date, other modifiers) without reducing it', () => {
      const priced = bill([
        { code: '97110', dateOfService: '2025-03-04', charge: '40.00' },
        { code: '97110', modifiers: ['GP'], dateOfService: '2025-03-04', charge: '40.00' },
      ]);
      // Not reduced by the duplicates rule; the therapy reduction (MULT PROC 5) then takes half of the
      // second unit's practice expense (0.43 × 0.992 × 32.3465 = 13.80; 6.90): 28.79 − 6.90 = 21.89.
      expect(priced.lines[1]).toMatchObject({ allowed: '21.89' });
      expect(priced.lines[1]?.rules[0]).toMatchObject({ rule: 'duplicates', decision: 'flagged' });
      expect(priced.lines[1]?.adjustments.filter((a) => a.carc === '18')).toEqual([]);
    });
  });

  describe('MUE', () => {
    it('denies every line of the code that day over a date-of-service MUE (99213: MUE 2, MAI 3), CARC 151', () => {
      // 3 units of 99213 in one day against an MUE of 2: CMS denies both lines whole (NCCI Policy
      // Manual, ch. I § V), it does not pay two units: 177.64 (2 × 88.82) and 88.82 not paid.
      const priced = bill([
        { code: '99213', dateOfService: '2025-03-04', charge: '200.00', units: 2 },
        { code: '99213', modifiers: ['25'], dateOfService: '2025-03-04', charge: '150.00' },
      ]);
      expect(priced.lines[0]).toMatchObject({ allowed: '0.00', status: 'denied' });
      expect(priced.lines[1]).toMatchObject({ allowed: '0.00', status: 'denied' });
      expect(priced.lines[0]?.adjustments).toContainEqual(
        expect.objectContaining({ carc: '151', amount: '177.64', bucket: 'billReview' }),
      );
      expect(priced.lines[1]?.adjustments).toContainEqual(
        expect.objectContaining({ carc: '151', amount: '88.82', bucket: 'billReview' }),
      );
    });

    it('leaves units within the MUE alone and says so in the trace (97110: 6 units, MUE 6)', () => {
      const [line] = bill([{ code: '97110', dateOfService: '2025-03-04', charge: '300.00', units: 6 }]).lines;
      // 6 × 28.79 = 172.74, all six units paid; the therapy reduction (MULT PROC 5) then takes half
      // the practice expense (13.80 / 2 = 6.90) of units 2 to 6: 172.74 − 34.50 = 138.24.
      expect(line).toMatchObject({ allowed: '138.24', feeSchedule: { amount: '172.74' } });
      expect(line?.rules).toContainEqual({ rule: 'mue', decision: 'no-change' });
    });

    it('is not applied where the jurisdiction has not adopted MUEs (Delaware: not known), and says so', () => {
      const [line] = bill(
        [{ code: '72148', dateOfService: '2025-03-04', charge: '900.00', units: 2 }],
        'DE',
      ).lines;
      // 2 × 187.44 (72148 in Delaware, PPRRVU2025_Oct.csv line 7835) = 374.88
      expect(line).toMatchObject({ allowed: '374.88' });
      expect(line?.rules).toContainEqual({ rule: 'mue', decision: 'not-adopted' });
    });
  });
});

describe('professional and technical components', () => {
  it('neither flags nor cuts 72148-26 and 72148-TC billed the same day (MUE 1 applies to each component)', () => {
    // 72148-26 67.78 and -TC 119.66 in Delaware (price-bill.test.ts); MUE 1, MAI 3 (mue_practitioner_derived.csv line 7048)
    const priced = bill([
      { code: '72148', modifiers: ['26'], dateOfService: '2025-03-04', charge: '500.00' },
      { code: '72148', modifiers: ['TC'], dateOfService: '2025-03-04', charge: '500.00' },
    ]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['67.78', '119.66']);
    for (const line of priced.lines) {
      expect(line.rules.filter((r) => r.decision !== 'no-change' && r.decision !== 'not-adopted')).toEqual(
        [],
      );
    }
  });
});
