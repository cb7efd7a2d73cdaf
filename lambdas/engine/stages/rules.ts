import type { FeeIndex } from '../../fee-index/reader.js';
import type { NormalisedLine } from '../bill/normalise.js';
import { applicationOrder, changeOf, type ExternalValue } from '../external-values.js';
import { jurisdictionFee } from '../fee-schedules/jurisdiction-pricing.js';
import type { FeeResult } from '../fee-schedules/rbrvs.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { type Cents, cents, formatCents } from '../money.js';
import { runRules } from '../rules/index.js';
import type { BillRule, DuringChange, RuleContext, RuleLine } from '../rules/types.js';
import { lineAmount, policyIndicators } from './price-lines.js';
import type { FeeQuery, ProfessionalWork } from './professional-work.js';

/**
 * The rules stage: the bill review rules (lambdas/engine/rules, in the order of RULES, docs/decisions/
 * 005-rule-order.md) on the lines priced so far, with the external values set to apply during them.
 */

/**
 * What values applied during the rules (just before `ruleId`) do to a running amount, one after
 * the other (a percentage is of the amount at its turn), never below zero.
 *
 * @param values - the line's values for that rule, in their order of application
 * @param start - the line's amount when the rule is reached
 * @param ruleId - the rule they apply before
 * @returns one change a value, with its message
 */
export function duringChanges(
  values: readonly ExternalValue[],
  start: Cents,
  ruleId: string,
): DuringChange[] {
  let amount: number = start;
  return values.map((value) => {
    const change = Math.max(changeOf(value, cents(amount)), -amount);
    const how = value.amount !== undefined ? formatCents(value.amount) : `${value.percent}%`;
    const message = `${value.source} (${value.field}): ${value.mode} ${how} in ${value.bucket} before the ${ruleId} rule: ${formatCents(cents(amount))} → ${formatCents(cents(amount + change))}.`;
    amount += change;
    return { value, change, message };
  });
}

/**
 * The bill review rules on a professional bill's priced lines (not those an override or single
 * value prices). Sets each line's `ruleDecisions` and `ruleTrace`.
 *
 * @param work - the working lines, priced and with their values resolved
 * @param index - the fee index
 * @param j - the bill's jurisdiction
 * @param bill - the normalised bill (prior visits, review lists)
 */
export function applyProfessionalRules(
  work: ProfessionalWork[],
  index: FeeIndex,
  j: Jurisdiction,
  bill: RuleContext['bill'],
): void {
  const priced = work.filter((item) => item.result.kind === 'priced' && !item.exclusive);
  const queries = new Map<NormalisedLine, FeeQuery>();
  const lines: RuleLine[] = priced.map((item) => {
    const { units, amount } = lineAmount(item);
    const result = item.result as Extract<FeeResult, { kind: 'priced' }>;
    if (item.query) queries.set(item.line, item.query);
    return {
      line: item.line,
      unitAmount: result.unitAmount,
      amount,
      units: item.bilateral ? item.bilateral.ruleUnits : units,
      // Every rule line has the same fields, set or not: one object shape for the rules to read.
      rvu: policyIndicators(index, j, item),
      pePart: result.pePart,
      peReducedUnit: result.peReducedUnit,
      bilateral: item.bilateral !== undefined,
    };
  });
  const ctx: RuleContext = {
    index,
    jurisdiction: j,
    bill,
    feeOf(l, code, modifier) {
      const query = queries.get(l.line);
      if (!query) return undefined;
      const other = jurisdictionFee(index, j, { ...query, code, modifiers: modifier ? [modifier] : [] });
      return other.kind === 'priced' ? other.unitAmount : undefined;
    },
  };
  runRulesOnLines(priced, lines, ctx);
}

/**
 * Runs the bill review rules on the lines priced so far, with the external values set to apply
 * during a rule, and records each line's decisions and trace (after any trace it already has).
 * Shared by professional and facility bills.
 *
 * @param priced - the lines the rules look at, in the order of `lines`
 * @param lines - the same lines as the rules read them
 * @param ctx - the bill, index and jurisdiction the rules read
 * @param rules - the rules to run, in order (default: every rule, decision 005's order)
 */
export function runRulesOnLines(
  priced: readonly Pick<ProfessionalWork, 'values' | 'ruleTrace' | 'ruleDecisions'>[],
  lines: RuleLine[],
  ctx: RuleContext,
  rules?: readonly BillRule[],
): void {
  // External values set to apply during the rules, by position among the rule lines.
  const during = new Map<number, ExternalValue[]>();
  priced.forEach((item, i) => {
    const values = item.values.filter((v) => v.when === 'during');
    if (values.length > 0) during.set(i, applicationOrder(values));
  });
  const { decisions, traces } = runRules(
    lines,
    ctx,
    during.size === 0
      ? undefined
      : (rule, l, i) =>
          duringChanges(
            (during.get(i) ?? []).filter((v) => v.rule === rule.id),
            l.amount,
            rule.id,
          ),
    rules,
  );
  priced.forEach((item, i) => {
    for (const trace of traces[i] ?? []) item.ruleTrace.push(trace);
  });
  for (const d of decisions)
    (priced[d.lineIndex] as Pick<ProfessionalWork, 'ruleDecisions'>).ruleDecisions.push(d);
}
