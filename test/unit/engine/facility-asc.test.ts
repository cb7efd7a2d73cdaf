import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceAscMedicare } from '../../../lambdas/engine/facility/asc.js';
import type { FacilityBill, FacilityLine } from '../../../lambdas/engine/facility/types.js';
import { cents, percentOf } from '../../../lambdas/engine/money.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * The ASC method on the sample index (fee-data/sample holds the ASC rows of the sample codes and
 * the whole ASC wage index). Figures: ASC_Addendum_AA_2026Q1_Jan.csv line 2218 (29881 A2
 * $1,644.87), ASC_wage_index_CY2026.csv line 346 (38060 1.0117): 1644.87 × (0.50 × 1.0117 + 0.50)
 * = 1654.4924895 → 1654.49, as on the national index (test/full/facility-asc.test.ts).
 */
const index = sampleIndex();

/** Sample codes that AA (January 2026) lists as A2, G2 or J8 and subject to multiple procedure discounting. */
const DISCOUNTED = ['29881', '29880', '29888', '64483', '64721', '27447', '23430', '63047', '64490', '62323'];

function bill(lines: { code: string; units?: number; date?: string }[]): FacilityBill {
  return {
    billType: 'asc',
    jurisdiction: 'US-MEDICARE',
    facility: { zip: '85004', cbsa: '38060' },
    diagnoses: [],
    lines: lines.map(
      (l, i): FacilityLine => ({
        index: i,
        lineNumber: i + 1,
        revenueCode: '0490',
        code: l.code,
        modifiers: [],
        units: l.units ?? 1,
        // Charges above every rate, so the ranking (lower of charge and payment) follows the payment.
        charge: cents(10_000_000),
        dateOfService: l.date ?? '2026-03-02',
        codeField: `lines[${i}].code`,
      }),
    ),
  };
}

describe('priceAscMedicare on the sample index', () => {
  it('prices 29881 in Phoenix, January 2026, at 1654.49', () => {
    expect(priceAscMedicare(index, bill([{ code: '29881' }])).lines[0]).toMatchObject({
      kind: 'paid',
      amount: 165449,
      edition: 'asc-aa/2026',
    });
  });

  it('multiple procedure discount: one procedure of a session at 100%, every other unit at 50% of its own rate', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            code: fc.constantFrom(...DISCOUNTED),
            units: fc.integer({ min: 1, max: 3 }),
            date: fc.constantFrom('2026-03-02', '2026-03-03'),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (lines) => {
          const priced = priceAscMedicare(index, bill(lines)).lines;
          expect(priced.every((p) => p.kind === 'paid')).toBe(true);
          for (const date of new Set(lines.map((l) => l.date))) {
            const session = priced.filter((_, i) => lines[i]?.date === date);
            const units = session.flatMap((p, i) =>
              Array.from({ length: lines.filter((l) => l.date === date)[i]?.units ?? 0 }, () => p.unitAmount),
            );
            const highest = Math.max(...units);
            const expected =
              highest +
              units.reduce((sum, u) => sum + percentOf(u, '50'), 0) -
              percentOf(cents(highest), '50');
            expect(session.reduce((sum, p) => sum + p.amount, 0)).toBe(expected);
            expect(session.filter((p) => p.reason === undefined).length).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
