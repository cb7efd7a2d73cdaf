import type { FeeIndex, MueEntry } from '../../fee-index/reader.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import { cents } from '../money.js';
import { ncciEditions } from './ncci-editions.js';
import { adoptsPolicy } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

function mueFor(index: FeeIndex, code: string, date: string): MueEntry | undefined {
  const lists = ncciEditions(index, 'mue');
  // A dated CMS file in force on the date wins over the undated table.
  for (const edition of lists.dated) {
    if (edition.effective <= date && (edition.termination === null || date <= edition.termination)) {
      const entry = index.mue(code, edition);
      if (entry) return entry;
    }
  }
  for (const edition of lists.undated) {
    const entry = index.mue(code, edition);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * Medically unlikely edits: units above a code's MUE are reduced to it (CARC 151). MAI 1 applies
 * per line; MAI 2 and 3 per date of service, over the lines of the code that day, the excess taken
 * from the highest-numbered lines.
 */
export const mueRule: BillRule = {
  id: 'mue',
  title: 'Medically unlikely edits (units)',
  stage: 'edit',
  regulation: REGULATIONS.mue,
  appliesTo: (j, date) => adoptsPolicy(j, 'mue', date),
  run(lines, { index }) {
    const decisions: RuleDecision[] = [];
    // Lines of one code and component on one day, found by sorting (no string keys); the
    // professional (26) and technical (TC) components count apart, as MUEs apply to each.
    const component = (l: RuleLine) =>
      l.line.modifiers.includes('26') ? 1 : l.line.modifiers.includes('TC') ? 2 : 0;
    const order = lines.map((_, i) => i);
    order.sort((a, b) => {
      const x = lines[a] as RuleLine;
      const y = lines[b] as RuleLine;
      return x.line.code < y.line.code
        ? -1
        : x.line.code > y.line.code
          ? 1
          : x.line.day - y.line.day || component(x) - component(y) || x.line.lineNumber - y.line.lineNumber;
    });
    for (let start = 0; start < order.length; ) {
      const headLine = lines[order[start] as number] as RuleLine;
      const head = headLine.line;
      let end = start + 1;
      let units = headLine.units;
      while (end < order.length) {
        const next = lines[order[end] as number] as RuleLine;
        if (
          next.line.code !== head.code ||
          next.line.day !== head.day ||
          component(next) !== component(headLine)
        )
          break;
        units += next.units;
        end++;
      }
      const first = start;
      start = end;
      const mue = mueFor(index, head.code, head.dateOfService);
      if (!mue) continue;
      if (mue.mai === '1') {
        for (let k = first; k < end; k++) {
          const i = order[k] as number;
          const l = lines[i] as RuleLine;
          const excess = l.units - mue.mueValue;
          if (excess > 0) {
            decisions.push({
              lineIndex: i,
              decision: 'reduced',
              reduction: cents(l.unitAmount * excess),
              reason: 'BR-MUE',
              message: `${l.line.code}: ${l.units} units on line ${l.line.lineNumber}, MUE ${mue.mueValue} per line (MAI 1, ${mue.edition.label}): ${excess} unit(s) not paid.`,
            });
          }
        }
        continue;
      }
      let excess = units - mue.mueValue;
      // MAI 2 and 3: the excess is taken from the highest-numbered lines of the day.
      for (let k = end - 1; k >= first && excess > 0; k--) {
        const i = order[k] as number;
        const l = lines[i] as RuleLine;
        const cut = Math.min(excess, l.units);
        if (cut <= 0) continue;
        excess -= cut;
        decisions.push({
          lineIndex: i,
          decision: cut === l.units ? 'denied' : 'reduced',
          reduction: cents(l.unitAmount * cut),
          reason: 'BR-MUE',
          message: `${l.line.code}: MUE ${mue.mueValue} per date of service (MAI ${mue.mai}, ${mue.edition.label}) on ${l.line.dateOfService}: ${cut} unit(s) of line ${l.line.lineNumber} not paid.`,
        });
      }
    }
    return decisions;
  },
};
