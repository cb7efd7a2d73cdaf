import { REGULATIONS } from '../adjustments/reason-codes.js';
import { cents } from '../money.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * Duplicates: a line that repeats another exactly (same code, modifiers in any order, date, units
 * and provider) is denied (CARC 18); the lowest-numbered of them is kept. Lines of the same code and
 * date that differ in modifiers or units are flagged for review without reduction.
 */
export const duplicatesRule: BillRule = {
  id: 'duplicates',
  title: 'Duplicate lines',
  stage: 'edit',
  regulation: REGULATIONS.duplicates,
  appliesTo: () => true,
  run(lines) {
    const decisions: RuleDecision[] = [];
    // Group lines of one service (code, date, provider) by sorting; most groups hold one line.
    const compare = (x: RuleLine, y: RuleLine) => {
      const a = x.line;
      const b = y.line;
      if (a.code !== b.code) return a.code < b.code ? -1 : 1;
      if (a.day !== b.day) return a.day - b.day;
      if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
      return 0;
    };
    const ordered = lines
      .map((l, i) => ({ l, i }))
      .sort((a, b) => compare(a.l, b.l) || a.l.line.lineNumber - b.l.line.lineNumber);
    for (let start = 0; start < ordered.length; ) {
      let end = start + 1;
      while (
        end < ordered.length &&
        compare((ordered[end] as { l: RuleLine }).l, (ordered[start] as { l: RuleLine }).l) === 0
      )
        end++;
      const group = ordered.slice(start, end);
      start = end;
      if (group.length < 2) continue;
      const exact = new Map<string, number>();
      group.forEach(({ l, i }, position) => {
        const line = l.line;
        const modifiers =
          line.modifiers.length < 2 ? (line.modifiers[0] ?? '') : [...line.modifiers].sort().join(',');
        const key = `${modifiers}|${line.units}`;
        const first = exact.get(key);
        if (first !== undefined) {
          decisions.push({
            lineIndex: i,
            decision: 'denied',
            reduction: l.amount,
            reason: 'BR-DUPLICATE',
            message: `Line ${line.lineNumber} repeats line ${lines[first]?.line.lineNumber} exactly (${line.code}, same modifiers, date, units and provider): denied as a duplicate.`,
          });
          return;
        }
        exact.set(key, i);
        // The professional and technical components of one service complement each other.
        const component = (m: readonly string[]) => (m.includes('26') ? '26' : m.includes('TC') ? 'TC' : '');
        const split = group
          .slice(0, position)
          .every(
            (g) =>
              component(g.l.line.modifiers) !== component(line.modifiers) &&
              component(g.l.line.modifiers) !== '' &&
              component(line.modifiers) !== '',
          );
        if (position > 0 && !split) {
          const numbers = group
            .slice(0, position)
            .map((g) => g.l.line.lineNumber)
            .join(', ');
          decisions.push({
            lineIndex: i,
            decision: 'flagged',
            reduction: cents(0),
            message: `Line ${line.lineNumber} has the code and date of line ${numbers} with other modifiers or units: a suspected duplicate, flagged for review, not reduced.`,
          });
        }
      });
    }
    return decisions;
  },
};
