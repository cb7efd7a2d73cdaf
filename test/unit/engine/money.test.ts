import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cents,
  formatCents,
  formatScaled,
  MONEY_PATTERN,
  Money,
  parseCents,
  parseSignedCents,
  roundToCents,
} from '../../../lambdas/engine/money.js';

describe('money', () => {
  describe('roundToCents (the one rounding function)', () => {
    it('rounds half up, as CMS rounds fee schedule amounts', () => {
      // 99213 Delaware 2025: 2.7458 × 32.3465 = 88.8170197 → 88.82 (PPRRVU2025_Oct.csv line 12807, GPCI2025.csv line 40)
      expect(roundToCents(new Money('88.8170197'))).toBe(8882);
      expect(roundToCents(new Money('0.005'))).toBe(1);
      expect(roundToCents(new Money('0.0049999'))).toBe(0);
      expect(roundToCents(new Money('-0.005'))).toBe(-1);
    });

    it('gives the same cents for an exact scaled integer as for the same decimal (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
          fc.integer({ min: 2, max: 12 }),
          (value, scale) => {
            expect(roundToCents({ value, scale })).toBe(
              roundToCents(new Money(value).div(new Money(10).pow(scale))),
            );
          },
        ),
      );
    });
  });

  describe('formatCents and parseCents', () => {
    it('format with exactly two decimals', () => {
      expect([0, 5, 50, 8882, 123450, -5].map((c) => formatCents(c as never))).toEqual([
        '0.00',
        '0.05',
        '0.50',
        '88.82',
        '1234.50',
        '-0.05',
      ]);
    });

    it('round-trip every client amount exactly (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (c) => {
          const text = formatCents(c as never);
          expect(MONEY_PATTERN.test(text)).toBe(true);
          expect(parseCents(text)).toBe(c);
          expect(new Money(text).times(100).toNumber()).toBe(c);
        }),
      );
      expect(parseCents('150')).toBe(15000);
      expect(parseCents('150.5')).toBe(15050);
    });
  });

  describe('formatScaled', () => {
    it('prints a scaled integer exactly, trimming zeros beyond the minimum', () => {
      expect(formatScaled(27_458_000_000, 10)).toBe('2.7458');
      expect(formatScaled(130, 2, 2)).toBe('1.30');
      expect(formatScaled(10_000, 4, 1)).toBe('1.0');
      expect(formatScaled(5, 4, 1)).toBe('0.0005');
    });
  });

  describe('parseSignedCents', () => {
    it('reads what formatCents writes, negative amounts included', () => {
      fc.assert(
        fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (n) => {
          expect(parseSignedCents(formatCents(cents(n)))).toBe(n);
        }),
      );
      expect(parseSignedCents('-0.01')).toBe(-1);
      expect(parseSignedCents('-44.41')).toBe(-4441);
    });
  });
});
