import type { Jurisdiction } from '../jurisdictions.js';
import { type Cents, cents, Money, roundToCents } from '../money.js';
import type { RuleLine } from './types.js';

/**
 * Whether a jurisdiction applies Medicare's payment policies (global surgery, multiple procedure,
 * bilateral, assistant, co- and team surgery, split care) on a date: its file says so.
 */
export function adoptsPaymentPolicies(j: Jurisdiction, date: string): boolean {
  const p = j.paymentPolicies;
  return p?.adopted === true && (p.from === undefined || p.from <= date);
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

/** The key of a line's day and provider: rules that compare lines compare lines of one key. */
export function sessionOf(l: RuleLine): string {
  return `${l.line.day}|${l.line.provider}`;
}

/**
 * Lines grouped by day and provider, each group in line-number order, groups in day order: so
 * that no result depends on the order of lines in the request.
 *
 * @returns groups of indexes into `lines`
 */
export function sessions(lines: readonly RuleLine[]): number[][] {
  const order = lines.map((_, i) => i);
  const at = (i: number) => (lines[i] as RuleLine).line;
  order.sort((a, b) => {
    const x = at(a);
    const y = at(b);
    return (
      x.day - y.day ||
      (x.provider < y.provider ? -1 : x.provider > y.provider ? 1 : 0) ||
      x.lineNumber - y.lineNumber
    );
  });
  const groups: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const prev = current[0];
    if (prev !== undefined && (at(prev).day !== at(i).day || at(prev).provider !== at(i).provider)) {
      groups.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Cents as dollars for messages ("461.45"). */
export function dollars(amount: number): string {
  return (cents(amount) / 100).toFixed(2);
}
