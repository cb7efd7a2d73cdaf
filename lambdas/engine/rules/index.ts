import type { Jurisdiction } from '../jurisdictions.js';
import type { Cents } from '../money.js';
import { addOnCodesRule } from './add-on-codes.js';
import { bilateralRule } from './bilateral.js';
import { duplicatesRule } from './duplicates.js';
import { frequencyLimitRule } from './frequency-limits.js';
import { globalSurgeryRule } from './global-surgery.js';
import { mueRule } from './mue.js';
import { multipleProcedureRule } from './multiple-procedure.js';
import { ncciPtpRule } from './ncci-ptp.js';
import { proceduresInGlobalPeriodRule, returnToOperatingRoomRule } from './procedures-in-global-period.js';
import { documentationRule, priorAuthorizationRule } from './review-lists.js';
import { surgeonsRule } from './surgeons.js';
import type { AppliedDecision, BillRule, DuringChange, RuleContext, RuleLine } from './types.js';

/**
 * The rules, in the order they run (docs/decisions/005-rule-order.md says why): edits first, each on
 * what the earlier ones left (duplicates, NCCI PTP, units, procedures in another surgery's global
 * period before the visits in it, so that a bundled procedure opens no period for visits,
 * authorisation and documentation, frequency limits, and add-on codes last, as an add-on is paid
 * only with a primary that every other edit left payable), then payment reductions (bilateral
 * before multiple procedure ranking, then the intra-operative value of a return to the operating
 * room and the surgeon's role: assistant, co- or team surgeon, split care). Lesser of billed is
 * applied after all of them, by the caller.
 */
export const RULES: readonly BillRule[] = [
  // Edits
  duplicatesRule,
  ncciPtpRule,
  mueRule,
  proceduresInGlobalPeriodRule,
  globalSurgeryRule,
  priorAuthorizationRule,
  documentationRule,
  frequencyLimitRule,
  addOnCodesRule,
  // Payment reductions
  bilateralRule,
  multipleProcedureRule,
  returnToOperatingRoomRule,
  surgeonsRule,
];

/**
 * The bill's notice on bill review: which rules the jurisdiction applies on the bill's dates and
 * which it has not adopted (its file does not say it applies them).
 *
 * @param j - the jurisdiction
 * @param dates - the bill's dates of service
 */
export function rulesNotice(j: Jurisdiction, dates: readonly string[]): string {
  const applied: string[] = [];
  const not: string[] = [];
  for (const rule of RULES) {
    (dates.some((d) => rule.appliesTo(j, d)) ? applied : not).push(rule.title);
  }
  return `Bill review rules applied for ${j.id}, in this order: ${applied.join('; ') || 'none'}.${not.length > 0 ? ` Not applied (not adopted by ${j.id} in the sources we hold, or not on these dates): ${not.join('; ')}.` : ''}`;
}

/** One rule's look at one line, for the line's trace. */
export interface RuleTrace {
  readonly rule: string;
  readonly decision: 'no-change' | 'reduced' | 'denied' | 'flagged' | 'not-adopted';
  readonly message?: string;
}

/** The two trace entries every rule makes most, shared (they are frozen). */
const traceCache = new WeakMap<BillRule, { noChange: RuleTrace; notAdopted: RuleTrace }>();

function traceOf(rule: BillRule): { noChange: RuleTrace; notAdopted: RuleTrace } {
  let t = traceCache.get(rule);
  if (!t) {
    t = {
      noChange: Object.freeze({ rule: rule.id, decision: 'no-change' as const }),
      notAdopted: Object.freeze({ rule: rule.id, decision: 'not-adopted' as const }),
    };
    traceCache.set(rule, t);
  }
  return t;
}

/**
 * A rule line with a new running amount and units, every other field as it was (one object shape
 * for the rules to read, whatever changed it).
 */
function withAmount(l: RuleLine, amount: Cents, units: number): RuleLine {
  return {
    line: l.line,
    unitAmount: l.unitAmount,
    amount,
    units,
    rvu: l.rvu,
    pePart: l.pePart,
    peReducedUnit: l.peReducedUnit,
    bilateral: l.bilateral,
  };
}

/**
 * Runs every rule over the priced lines in order, each on the amounts the earlier ones left.
 *
 * @param lines - priced lines (index positions are the caller's)
 * @param ctx - the fee index, jurisdiction, bill settings and the pricing of other codes
 * @param during - external values applied just before a rule
 * @param rules - the rules to run, in order (default all of RULES; a facility bill runs those that apply to its lines)
 * @returns per line: the reductions with their rule, and the trace of every rule that looked at it
 */
export function runRules(
  lines: readonly RuleLine[],
  ctx: RuleContext,
  during?: (rule: BillRule, line: RuleLine, position: number) => readonly DuringChange[],
  rules: readonly BillRule[] = RULES,
): { decisions: AppliedDecision[]; traces: RuleTrace[][] } {
  const traces: RuleTrace[][] = lines.map(() => []);
  const decisions: AppliedDecision[] = [];
  const dates = [...new Set(lines.map((l) => l.line.dateOfService))];
  const all = lines.map((_, i) => i);
  let current: readonly RuleLine[] = lines;
  for (const rule of rules) {
    const { noChange, notAdopted } = traceOf(rule);
    // External values set to apply just before this rule change the running amounts first.
    if (during) {
      current = current.map((l, i) => {
        const changes = during(rule, l, i);
        if (changes.length === 0) return l;
        let amount: number = l.amount;
        for (const c of changes) {
          const change = Math.max(c.change, -amount);
          amount += change;
          decisions.push({
            lineIndex: i,
            decision: change < 0 ? 'reduced' : 'no-change',
            reduction: -change as Cents,
            reason: undefined,
            message: c.message,
            regulation: undefined,
            rule,
            external: c.value,
          });
          traces[i]?.push({
            rule: 'external-value',
            decision: change < 0 ? 'reduced' : 'no-change',
            message: c.message,
          });
        }
        return withAmount(l, amount as Cents, l.units);
      });
    }
    // Whether the rule applies is a matter of the date: asked once per date of the bill.
    const onDate =
      dates.length === 1
        ? rule.appliesTo(ctx.jurisdiction, dates[0] as string)
          ? dates
          : []
        : dates.filter((d) => rule.appliesTo(ctx.jurisdiction, d));
    let positions: number[];
    let eligible: readonly RuleLine[];
    if (onDate.length === dates.length) {
      positions = all;
      eligible = current;
    } else {
      positions = [];
      const some: RuleLine[] = [];
      current.forEach((l, i) => {
        if (onDate.includes(l.line.dateOfService)) {
          positions.push(i);
          some.push(l);
        } else {
          traces[i]?.push(notAdopted);
        }
      });
      eligible = some;
    }
    const found = eligible.length > 0 ? rule.run(eligible, ctx) : [];
    if (found.length === 0) {
      for (const i of positions) traces[i]?.push(noChange);
      continue;
    }
    const cut = new Float64Array(current.length);
    const touched = new Uint8Array(current.length);
    let anyCut = false;
    for (const d of found) {
      const at = positions[d.lineIndex] as number;
      decisions.push({
        lineIndex: at,
        decision: d.decision,
        reduction: d.reduction,
        reason: d.reason,
        message: d.message,
        regulation: d.regulation,
        rule,
        external: undefined,
      });
      cut[at] = (cut[at] as number) + d.reduction;
      if (d.reduction > 0) anyCut = true;
      touched[at] = 1;
      traces[at]?.push({ rule: rule.id, decision: d.decision, message: d.message });
    }
    for (const i of positions) if (touched[i] === 0) traces[i]?.push(noChange);
    if (!anyCut) continue;
    // The next rule sees the amounts this one left; an edit that takes units away (MUE, a denial)
    // leaves fewer units, a payment reduction leaves the units billed.
    current = current.map((l, i) => {
      const c = cut[i] ?? 0;
      if (c === 0) return l;
      const amount = Math.max(0, l.amount - c) as typeof l.amount;
      const units =
        rule.stage === 'payment' && amount > 0
          ? l.units
          : l.unitAmount > 0
            ? Math.round(amount / l.unitAmount)
            : 0;
      return withAmount(l, amount, units);
    });
  }
  return { decisions, traces };
}
