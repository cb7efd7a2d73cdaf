import { Decimal as DecimalBase } from 'decimal.js';

/**
 * The engine's own Decimal: 34 significant digits (IEEE 754 decimal128, far beyond any bill) and
 * ROUND_HALF_UP as the default so that a forgotten rounding mode can never silently round to even.
 * Everything that is money in the engine is one of these; floating point never touches money.
 */
export const Money = DecimalBase.clone({ precision: 34, rounding: DecimalBase.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Money = InstanceType<typeof Money>;

export const ZERO: Money = new Money(0);

/**
 * The one rounding function for money: half up (away from zero on .5) to whole cents.
 *
 * CMS computes physician fee schedule amounts with the unrounded sum of GPCI-adjusted RVUs times
 * the conversion factor and rounds the product to cents, half up. We checked this against every
 * OPPS-capped price in OPPSCAP_Oct2025.csv (12,644 locality prices, all equal); rounding the
 * components or the RVU total first matches fewer than 12,000 of them.
 *
 * @param amount - an exact amount
 * @returns the amount rounded half up to two decimals
 * @example roundToCents(new Money('92.4651')) // 92.47
 */
export function roundToCents(amount: Money): Money {
  return amount.toDecimalPlaces(2, Money.ROUND_HALF_UP);
}

/**
 * Money as it travels in JSON: a string with exactly two decimals, rounded with {@link roundToCents}.
 *
 * @param amount - an amount
 * @returns for example "1234.50"
 */
export function formatMoney(amount: Money): string {
  return roundToCents(amount).toFixed(2);
}

/** Accepted shapes of a money string from a client: digits with at most two decimals, no sign. */
export const MONEY_PATTERN = /^\d{1,9}(\.\d{1,2})?$/;

/**
 * Parses a client's money string ("150", "150.5", "150.50"); callers validate with MONEY_PATTERN first.
 *
 * @param text - the amount as sent
 * @returns the amount as Money
 */
export function parseMoney(text: string): Money {
  return new Money(text);
}

/** The lesser of two amounts (the first when equal). */
export function minMoney(a: Money, b: Money): Money {
  return b.lessThan(a) ? b : a;
}
