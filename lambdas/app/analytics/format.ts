import { type Cents, cents, formatCents, Money, roundToCents } from '../../engine/money.js';
import type { AnalyticsRow } from './ports.js';

/**
 * Reading query rows and writing the answers' money and rates. Sums arrive as whole cents; DuckDB
 * answers numbers, and an Athena adapter may answer numeric text: both read the same here.
 * Percentiles arrive as fractional cents per unit and are rounded to cents by the engine's one
 * rounding function.
 */

/**
 * A numeric column of a row.
 *
 * @param row - a result row
 * @param column - its name
 * @returns the number, 0 when null or absent
 */
export function numberIn(row: AnalyticsRow | undefined, column: string): number {
  const value = row?.[column];
  if (value === null || value === undefined || value === '') return 0;
  return typeof value === 'number' ? value : Number(value);
}

/**
 * A numeric column that may be null (an empty aggregate).
 *
 * @param row - a result row
 * @param column - its name
 * @returns the number, or null
 */
export function nullableNumberIn(row: AnalyticsRow | undefined, column: string): number | null {
  const value = row?.[column];
  return value === null || value === undefined || value === '' ? null : numberIn(row, column);
}

/**
 * A text column (group keys).
 *
 * @param row - a result row
 * @param column - its name
 * @returns the text, '' when null
 */
export function textIn(row: AnalyticsRow | undefined, column: string): string {
  const value = row?.[column];
  return value === null || value === undefined ? '' : String(value);
}

/**
 * Whole cents (a SUM) as money.
 *
 * @param value - whole cents
 * @returns "1234.50"
 */
export function moneyOfCents(value: number): string {
  return formatCents(cents(value));
}

/**
 * Fractional cents (a percentile) as money, rounded half up to the cent.
 *
 * @param value - cents, possibly fractional
 * @returns "1234.50"
 */
export function moneyOfFractionalCents(value: number): string {
  return formatCents(roundToCents(new Money(value).div(100)));
}

/**
 * A share as a percentage with two decimals, half up: the hundredths of a percent are "cents" of
 * the percentage, so the one rounding function rounds them.
 *
 * @param part - cents
 * @param whole - cents
 * @returns "41.27", or null when the whole is zero
 */
export function percentOfWhole(part: number, whole: number): string | null {
  if (whole === 0) return null;
  const hundredths: Cents = roundToCents(new Money(part).times(100).div(whole));
  return formatCents(hundredths);
}
