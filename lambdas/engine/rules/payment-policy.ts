import type { Jurisdiction } from '../jurisdictions.js';
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
