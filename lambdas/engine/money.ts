import { Decimal as DecimalBase } from 'decimal.js';

/**
 * Money in the engine is exact, always. Two representations, one boundary between them
 * (docs/decisions/001-money.md):
 *
 * - {@link Money} (decimal.js) for any amount that can hold a fraction of a cent: the RBRVS
 *   product before rounding, percentages, proportional shares.
 * - {@link Cents} (an integer number of cents, a safe integer) for amounts that are whole cents:
 *   charges, fee schedule amounts after rounding, allowances, reductions, totals. Integer
 *   addition, subtraction, comparison and multiplication by whole units are exact, and ten times
 *   cheaper than decimal.js, which the throughput target needs.
 *
 * {@link roundToCents} is the one rounding function and the only way from Money to Cents.
 * Floating point fractions never touch money.
 */
export const Money = DecimalBase.clone({
  precision: 34,
  rounding: DecimalBase.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Money = InstanceType<typeof Money>;

/** A whole number of cents (a safe integer). */
export type Cents = number & { readonly __brand: 'cents' };

/** Raised when an amount would leave the range where integer cents are exact. */
export class MoneyRangeError extends Error {
  override readonly name = 'MoneyRangeError';
}

/**
 * Checks a whole number of cents.
 *
 * @param value - an integer number of cents
 * @returns the same value as Cents
 * @throws MoneyRangeError when it is not a safe integer
 */
export function cents(value: number): Cents {
  if (!Number.isSafeInteger(value))
    throw new MoneyRangeError(`${value} is not a whole number of cents in range`);
  return value as Cents;
}

export const ZERO_CENTS = cents(0);

/**
 * An exact decimal held as an integer scaled by 10^scale (a safe integer): the RBRVS product
 * (RVUs in hundredths × GPCIs in ten-thousandths × conversion factor in ten-thousandths) is one.
 */
export interface ScaledDecimal {
  readonly value: number;
  readonly scale: number;
}

/**
 * The one rounding function for money: half up (away from zero on .5) to whole cents.
 *
 * CMS computes physician fee schedule amounts from the unrounded sum of GPCI-adjusted RVUs times
 * the conversion factor and rounds the product to cents, half up. We checked this against every
 * OPPS-capped price in OPPSCAP_Oct2025.csv (12,644 locality prices, all equal); rounding the
 * components or the RVU total first matches fewer than 12,000 of them.
 *
 * @param amount - an exact amount in dollars
 * @returns whole cents
 * @example roundToCents(new Money('88.8170197')) // 8882
 */
export function roundToCents(amount: Money | ScaledDecimal): Cents {
  if (amount instanceof Money)
    return cents(amount.times(100).toDecimalPlaces(0, Money.ROUND_HALF_UP).toNumber());
  const { value, scale } = amount;
  if (!Number.isSafeInteger(value) || scale < 2) return roundToCents(new Money(value).div(10 ** scale));
  // Integer arithmetic on a safe integer is exact: split off the digits below a cent and round them.
  const divisor = 10 ** (scale - 2);
  const magnitude = Math.abs(value);
  const below = magnitude % divisor;
  const whole = (magnitude - below) / divisor + (2 * below >= divisor ? 1 : 0);
  return cents(value < 0 ? -whole : whole);
}

/**
 * Cents as money travels in JSON: a string with exactly two decimals.
 *
 * @param value - whole cents
 * @returns for example "1234.50", "-0.05"
 */
export function formatCents(value: Cents): string {
  const negative = value < 0;
  const abs = negative ? -value : value;
  const whole = Math.trunc(abs / 100);
  const fraction = abs - whole * 100;
  return `${negative ? '-' : ''}${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/** Accepted shapes of a money string from a client: digits with at most two decimals, no sign. */
export const MONEY_PATTERN = /^\d{1,9}(\.\d{1,2})?$/;

/**
 * Parses a client's money string ("150", "150.5", "150.50") exactly into cents; callers validate
 * with MONEY_PATTERN first.
 *
 * @param text - the amount as sent
 * @returns whole cents
 */
export function parseCents(text: string): Cents {
  const dot = text.indexOf('.');
  if (dot < 0) return cents(Number(text) * 100);
  const fraction = text.slice(dot + 1);
  const whole = dot === 0 ? 0 : Number(text.slice(0, dot));
  return cents(whole * 100 + (fraction.length === 1 ? Number(fraction) * 10 : Number(fraction)));
}

/**
 * Parses an amount this API wrote, sign included ("-44.41", a bucket's change), into cents.
 *
 * @param text - two decimals, optionally negative
 * @returns whole cents
 */
export function parseSignedCents(text: string): Cents {
  return text.startsWith('-') ? cents(-parseCents(text.slice(1))) : parseCents(text);
}

/**
 * Formats a non-negative integer that holds a decimal scaled by 10^scale, exactly, without
 * trailing zeros beyond `minDecimals` ("27458000000", 10, 0 → "2.7458").
 *
 * @param value - the scaled integer
 * @param scale - decimal places it holds
 * @param minDecimals - decimals always shown
 * @returns the decimal text
 */
export function formatScaled(value: number, scale: number, minDecimals = 0): string {
  const negative = value < 0;
  const digits = String(negative ? -value : value).padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  let end = fraction.length;
  while (end > minDecimals && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A percentage of an amount in cents, rounded half up to cents by the one money rounding function.
 *
 * @param amount - cents
 * @param percent - "50", "62.5", "13.6"
 */
export function percentOf(amount: Cents, percent: string): Cents {
  let p = percents.get(percent);
  if (!p) {
    const [whole = '', fraction = ''] = percent.split('.');
    p = { value: Number(whole + fraction), scale: fraction.length };
    if (!/^\d+(\.\d+)?$/.test(percent) || !Number.isSafeInteger(p.value))
      throw new RangeError(`not a percentage: "${percent}"`);
    percents.set(percent, p);
  }
  // cents × percent / 100 = dollars × 10^-4: exact in integers, rounded once by roundToCents.
  const product = amount * p.value;
  if (!Number.isSafeInteger(product)) return roundToCents(new Money(amount).times(percent).div(10_000));
  return roundToCents({ value: product, scale: 4 + p.scale });
}

/** Percentages read once: "62.5" → 625 × 10^-1. */
const percents = new Map<string, { value: number; scale: number }>();

/** A signed percentage ("-10") of an amount in cents, rounded half up (away from zero) once. */
export function signedPercentOf(amount: Cents, percent: string): Cents {
  const negative = percent.startsWith('-');
  const magnitude = percentOf(cents(Math.abs(amount)), negative ? percent.slice(1) : percent);
  return cents((negative ? -1 : 1) * (amount < 0 ? -1 : 1) * magnitude);
}
