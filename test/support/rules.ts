import { normaliseBill } from '../../lambdas/engine/bill/normalise.js';
import { type Cents, cents } from '../../lambdas/engine/money.js';
import type { RuleContext, RuleLine } from '../../lambdas/engine/rules/types.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';

/**
 * Rule lines made from bill lines and fee schedule amounts per unit given by the test, for calling
 * one rule directly. The amounts are the test's inputs (a rule's arithmetic on them is what is
 * checked); where a test needs an official amount it prices the bill with priceBill instead.
 *
 * @param lines - bill lines as the API takes them (code, dateOfService, charge, modifiers…)
 * @param unitAmounts - fee schedule amount of one unit of each line, in dollars ("1043.48")
 * @param extra - per line, fields to add (rvu, pePart)
 */
export function ruleLines(
  lines: readonly object[],
  unitAmounts: readonly string[],
  extra: readonly Partial<RuleLine>[] = [],
): RuleLine[] {
  const bill = normaliseBill({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, lines });
  return bill.lines.map((line, i) => {
    const unitAmount = cents(Math.round(Number(unitAmounts[i]) * 100)) as Cents;
    return {
      line,
      unitAmount,
      amount: cents(unitAmount * line.units),
      units: line.units,
      rvu: undefined,
      pePart: undefined,
      ...extra[i],
    };
  });
}

/** A rule context on an index and one of its jurisdictions, with no other codes priced. */
export function ruleContext(
  index: FeeIndex,
  jurisdiction: string,
  feeOf: RuleContext['feeOf'] = () => undefined,
): RuleContext {
  const j = index.jurisdiction(jurisdiction);
  if (!j) throw new Error(`no jurisdiction ${jurisdiction} in the index`);
  return { index, jurisdiction: j, bill: { priorVisits: {}, review: {} }, feeOf };
}
