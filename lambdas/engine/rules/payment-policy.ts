import type {
  MedicarePolicy,
  PolicyAdoption,
  PolicyParameter,
  PolicyParameters,
} from '../../domain/jurisdiction-schema.js';
import type { Regulation } from '../adjustments/reason-codes.js';
import type { Jurisdiction } from '../jurisdictions.js';
import type { RuleLine } from './types.js';

export type { MedicarePolicy };

/** How a policy's adoption is recorded: the family switches every jurisdiction file has had. */
type FamilySwitch = NonNullable<Jurisdiction['ncci']>;

/** The family switch a policy falls back to when the file records nothing for it on its own. */
function familyOf(j: Jurisdiction, policy: MedicarePolicy): FamilySwitch | null | undefined {
  if (policy === 'ncci-ptp' || policy === 'ncci-add-on') return j.ncci;
  if (policy === 'mue') return j.mue;
  return j.paymentPolicies;
}

/**
 * The record that decides whether a jurisdiction applies a policy: its own entry under `policies`
 * (a state's ground rules read policy by policy, issue 14 item 8), else the family switch (`ncci`,
 * `mue`, `paymentPolicies`), else nothing: not known, and the rule does not run.
 *
 * @param j - the jurisdiction
 * @param policy - the policy asked about
 * @returns the record and where it came from, or undefined when the sources we hold do not say
 */
export function policyRecord(
  j: Jurisdiction,
  policy: MedicarePolicy,
):
  | { readonly kind: 'policy'; readonly record: PolicyAdoption }
  | { readonly kind: 'family'; readonly record: FamilySwitch }
  | undefined {
  const own = j.policies?.[policy];
  if (own !== undefined) return { kind: 'policy', record: own };
  const family = familyOf(j, policy);
  return family ? { kind: 'family', record: family } : undefined;
}

/**
 * Whether a jurisdiction applies one of Medicare's policies on a date: its file says so, policy by
 * policy where its ground rules were read that way, else by the policy's family switch. Absent or
 * not adopted, or a date before the adoption, means the rule does not run (decision 005: we never
 * extend Medicare's rules to a state whose sources do not adopt them).
 *
 * @param j - the jurisdiction
 * @param policy - global-surgery, multiple-procedure, bilateral, surgeons, ncci-ptp, ncci-add-on or mue
 * @param date - the date of service, YYYY-MM-DD
 * @returns true when the policy is adopted and in force on the date
 * @example adoptsPolicy(alabama, 'bilateral', '2024-06-03') // true: Ala. Admin. Code r. 480-5-5-.15(2)(c)
 */
export function adoptsPolicy(j: Jurisdiction, policy: MedicarePolicy, date: string): boolean {
  const p = policyRecord(j, policy)?.record;
  return p?.adopted === true && (p.from === undefined || p.from <= date);
}

/**
 * Whether a jurisdiction applies any of Medicare's four payment policies (global surgery, multiple
 * procedure, bilateral, surgeons) on a date. Kept for callers that ask about the family as a whole;
 * a rule asks {@link adoptsPolicy} for its own policy.
 */
export function adoptsPaymentPolicies(j: Jurisdiction, date: string): boolean {
  return (['global-surgery', 'multiple-procedure', 'bilateral', 'surgeons'] as const).some((p) =>
    adoptsPolicy(j, p, date),
  );
}

/** A state's own number for a policy it adopts with changes, and the clause that sets it. */
export interface StateNumber<T> {
  readonly value: T;
  /** The state's clause, as a line's regulation: citation with its section, and the link. */
  readonly regulation: Regulation;
}

type ValueOf<K extends PolicyParameter> = NonNullable<PolicyParameters[K]>['value'];

/**
 * A state's own number for one policy parameter (an assistant surgeon's percentage, a bilateral
 * percentage, the follow-up days of a global period), where the jurisdiction adopts the policy on the
 * date with that number. Undefined means Medicare's number applies (the rule's own constant).
 *
 * @param j - the jurisdiction
 * @param name - the parameter (each belongs to one policy: POLICY_PARAMETERS in the schema)
 * @param policy - the policy the parameter belongs to
 * @param date - the date of service
 * @returns the value and the state's regulation to cite on the line, or undefined
 * @example stateNumber(alabama, 'bilateral', 'bilateralPercent', '2024-06-03')?.value // "180"
 */
export function stateNumber<K extends PolicyParameter>(
  j: Jurisdiction,
  policy: MedicarePolicy,
  name: K,
  date: string,
): StateNumber<ValueOf<K>> | undefined {
  if (!adoptsPolicy(j, policy, date)) return undefined;
  const own = j.policies?.[policy];
  const p = own?.parameters?.[name];
  if (p === undefined) return undefined;
  return {
    value: p.value as ValueOf<K>,
    regulation: { citation: `${p.source.citation}, ${p.source.section}`, url: p.source.url },
  };
}

/** Modifiers that make a line an assistant at surgery's claim line (80, 81, 82, AS). */
export const ASSISTANT_MODIFIERS = ['80', '81', '82', 'AS'] as const;

/**
 * Whether a line is an assistant at surgery's (80, 81, 82, AS): the assistant bills the procedure on
 * his own claim line (Medicare Claims Processing Manual ch. 12 § 20.4.3), so it is another
 * practitioner's line than the surgeon's even when the bill carries no rendering NPI to tell them
 * apart.
 */
export function isAssistantLine(l: RuleLine): boolean {
  const m = l.line.modifiers;
  return m.includes('80') || m.includes('81') || m.includes('82') || m.includes('AS');
}

/**
 * Lines grouped by day and provider, each group in line-number order, groups in day order: so
 * that no result depends on the order of lines in the request. An assistant at surgery's lines
 * (see {@link isAssistantLine}) form their own group: edits and rankings apply between one
 * practitioner's services, and the assistant is not the surgeon (a 27447-80 line ranked second
 * in the surgeon's session would be paid 50% of 16% instead of 16%).
 *
 * @returns groups of indexes into `lines`
 */
export function sessions(lines: readonly RuleLine[]): number[][] {
  const order = lines.map((_, i) => i);
  const at = (i: number) => (lines[i] as RuleLine).line;
  const assistant = lines.map((l) => (isAssistantLine(l) ? 1 : 0));
  order.sort((a, b) => {
    const x = at(a);
    const y = at(b);
    return (
      x.day - y.day ||
      (x.provider < y.provider ? -1 : x.provider > y.provider ? 1 : 0) ||
      (assistant[a] as number) - (assistant[b] as number) ||
      x.lineNumber - y.lineNumber
    );
  });
  const groups: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const prev = current[0];
    if (
      prev !== undefined &&
      (at(prev).day !== at(i).day || at(prev).provider !== at(i).provider || assistant[prev] !== assistant[i])
    ) {
      groups.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
