import { describe, expect, it } from 'vitest';
import { cents, percentOf } from '../../../lambdas/engine/money.js';

describe('percentOf', () => {
  it('takes a percentage of cents exactly and rounds half up once', () => {
    // 1067.01 (35301 in Delaware, payment-rules.test.ts) × 16% = 170.7216; × 62.5% = 666.88125;
    // × 13.6% = 145.11336; × 93% = 992.3193.
    expect(percentOf(cents(106_701), '16')).toBe(17_072);
    expect(percentOf(cents(106_701), '62.5')).toBe(66_688);
    expect(percentOf(cents(106_701), '13.6')).toBe(14_511);
    expect(percentOf(cents(106_701), '93')).toBe(99_232);
    // half a cent rounds up: 0.01 × 50% = 0.005 → 0.01; 0.03 × 50% = 0.015 → 0.02
    expect(percentOf(cents(1), '50')).toBe(1);
    expect(percentOf(cents(3), '50')).toBe(2);
    expect(percentOf(cents(0), '150')).toBe(0);
    // beyond safe integers it falls back to decimal arithmetic with the same rounding
    expect(percentOf(cents(900_719_925_474_099), '62.5')).toBe(562_949_953_421_312);
  });

  it('refuses what is not a percentage', () => {
    expect(() => percentOf(cents(100), '1e2')).toThrow(RangeError);
    expect(() => percentOf(cents(100), '-5')).toThrow(RangeError);
  });
});
