import { type Cents, cents } from './money.js';

/**
 * Splits an amount in cents over lines in proportion to their weights (billed charges), exactly to
 * the cent, by the largest remainder method: each line first gets the whole cents of its exact
 * share (rounded down), and the cents left over go one each to the lines with the largest
 * fractional remainders. Ties (equal remainders) go to the line listed first, so a caller that
 * lists lines by line number gives the lower line number the cent. When every weight is zero the
 * amount is split equally, by the same rule.
 *
 * @param amount - cents to split (may be negative: a reduction is split like an amount)
 * @param weights - one non-negative whole number per line (cents of billed charge)
 * @returns one share per line; the shares sum to `amount`
 * @throws RangeError when there are no lines or a weight is negative or not whole
 * @example distribute(cents(1000), [cents(100), cents(200)]) // [333, 667]
 */
export function distribute(amount: Cents, weights: readonly number[]): Cents[] {
  if (weights.length === 0) throw new RangeError('no lines to distribute over');
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`a weight must be whole cents, not ${w}`);
  }
  if (amount < 0) return distribute(cents(-amount), weights).map((c) => cents(-c));
  const total = weights.reduce((n, w) => n + w, 0);
  const basis = total === 0 ? weights.map(() => 1) : weights;
  const sum = total === 0 ? weights.length : total;
  // amount × weight / sum as whole part and remainder, in exact integers (BigInt: the product may
  // pass 2^53 for large bills).
  const big = BigInt(amount);
  const bigSum = BigInt(sum);
  const shares = basis.map((w, i) => {
    const product = big * BigInt(w);
    return { i, whole: Number(product / bigSum), remainder: product % bigSum };
  });
  let left = amount - shares.reduce((n, s) => n + s.whole, 0);
  const order = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1,
  );
  const out = shares.map((s) => s.whole);
  for (const s of order) {
    if (left === 0) break;
    out[s.i] = (out[s.i] as number) + 1;
    left--;
  }
  return out.map((c) => cents(c));
}
