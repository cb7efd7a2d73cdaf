import type { Jurisdiction } from '../jurisdictions.js';
import type { RuleLine } from './types.js';

/**
 * Medicare policies a jurisdiction may adopt one by one (its file records each with its source):
 * the payment policies of the Claims Processing Manual ch. 12 § 40 and the NCCI edit families.
 */
export type MedicarePolicy =
  | 'global-surgery'
  | 'multiple-procedure'
  | 'bilateral'
  | 'surgeons'
  | 'ncci-ptp'
  | 'ncci-add-on'
  | 'mue';

/**
 * Whether a jurisdiction applies one of Medicare's policies on a date: its file says so. Today every
 * payment policy follows the `paymentPolicies` family switch and the NCCI families follow `ncci` and
 * `mue`; a jurisdiction file may record each policy apart (issue 14, item 8).
 */
export function adoptsPolicy(j: Jurisdiction, policy: MedicarePolicy, date: string): boolean {
  const p =
    policy === 'ncci-ptp' || policy === 'ncci-add-on' ? j.ncci : policy === 'mue' ? j.mue : j.paymentPolicies;
  return p?.adopted === true && (p.from === undefined || p.from <= date);
}

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
