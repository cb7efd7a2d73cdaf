import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distribute } from '../../../lambdas/engine/distribute.js';
import { cents } from '../../../lambdas/engine/money.js';

describe('distribute (largest remainder)', () => {
  it('splits in proportion to the weights, exactly to the cent', () => {
    // $10.00 over charges of $1.00 and $2.00: exact shares 333.33… and 666.66…; the one cent left
    // goes to the larger remainder (the second line).
    expect(distribute(cents(1000), [100, 200])).toEqual([333, 667]);
    // $100.00 over three equal charges: 3333 each, one cent left, tie → the first line.
    expect(distribute(cents(10_000), [500, 500, 500])).toEqual([3334, 3333, 3333]);
    // nothing billed: equal shares by count
    expect(distribute(cents(5), [0, 0])).toEqual([3, 2]);
    // a reduction splits like an amount
    expect(distribute(cents(-1000), [100, 200])).toEqual([-333, -667]);
  });

  it('always sums to the amount, gives every line at most one cent more than its exact share, and never a negative share of a positive amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 50 }),
        (amount, weights) => {
          const shares = distribute(cents(amount), weights);
          expect(shares.reduce((n, s) => n + s, 0)).toBe(amount);
          const total = weights.reduce((n, w) => n + w, 0);
          shares.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(0);
            const exact = total === 0 ? amount / weights.length : (amount * (weights[i] as number)) / total;
            expect(Math.abs(s - exact)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
  });

  it('refuses no lines and weights that are not whole cents', () => {
    expect(() => distribute(cents(1), [])).toThrow(RangeError);
    expect(() => distribute(cents(1), [-1])).toThrow(RangeError);
    expect(() => distribute(cents(1), [1.5])).toThrow(RangeError);
  });
});
