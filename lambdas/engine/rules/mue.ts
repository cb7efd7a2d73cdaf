import type { FeeIndex, MueEntry } from '../../fee-index/reader.js';
import { REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { cents } from '../money.js';
import { ncciEditions } from './ncci-editions.js';
import { ASSISTANT_MODIFIERS, adoptsPolicy, isAssistantLine } from './payment-policy.js';
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
 * The professional (26) and technical (TC) components count apart: CMS's MUE file lists one value
 * per code and each component is its own claim line (RVU file documentation, PC/TC indicator).
 */
function component(l: RuleLine): number {
  return l.line.modifiers.includes('26') ? 1 : l.line.modifiers.includes('TC') ? 2 : 0;
}

/**
 * Whose claim line a line is, beside its provider: 0 the surgeon's (or any practitioner's own), 1 a
 * co-surgeon's (62: each co-surgeon bills the procedure on his own claim, Claims Processing Manual
 * ch. 12 § 40.8), 2 an assistant at surgery's (80, 81, 82, AS: the assistant bills his own line,
 * ch. 12 § 20.4.3). CMS counts MUE units per provider, so these lines never add to the surgeon's,
 * even when the bill carries no rendering NPI to tell them apart.
 */
function role(l: RuleLine): number {
  if (isAssistantLine(l)) return 2;
  return l.line.modifiers.includes('62') ? 1 : 0;
}

/** The provider a group's units were summed for, in words, for the messages. */
function whose(l: RuleLine): string {
  const who =
    l.line.provider === '' ? "the bill's provider (no NPI on the bill)" : `provider ${l.line.provider}`;
  const r = role(l);
  if (r === 0) return who;
  const modifier = r === 1 ? '62' : ASSISTANT_MODIFIERS.find((a) => l.line.modifiers.includes(a));
  return `${who} as ${r === 1 ? 'co-surgeon' : 'assistant at surgery'} (modifier ${modifier}), counted apart from the surgeon's lines: another practitioner's claim line`;
}

/**
 * The lines of one code, component, day and provider (rendering, else billing; an assistant's or
 * co-surgeon's line as another provider), each group in line-number order: found by sorting, so no
 * result depends on the order of the lines in the request.
 *
 * @returns groups of indexes into `lines`
 */
function unitGroups(lines: readonly RuleLine[]): number[][] {
  const at = (i: number) => lines[i] as RuleLine;
  const order = lines.map((_, i) => i);
  order.sort((a, b) => {
    const x = at(a);
    const y = at(b);
    return (
      (x.line.code < y.line.code ? -1 : x.line.code > y.line.code ? 1 : 0) ||
      x.line.day - y.line.day ||
      component(x) - component(y) ||
      (x.line.provider < y.line.provider ? -1 : x.line.provider > y.line.provider ? 1 : 0) ||
      role(x) - role(y) ||
      x.line.lineNumber - y.line.lineNumber
    );
  });
  const groups: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const head = current[0];
    if (head !== undefined) {
      const x = at(head);
      const y = at(i);
      if (
        x.line.code !== y.line.code ||
        x.line.day !== y.line.day ||
        component(x) !== component(y) ||
        x.line.provider !== y.line.provider ||
        role(x) !== role(y)
      ) {
        groups.push(current);
        current = [];
      }
    }
    current.push(i);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** "99213-26", the code and the component its units count for. */
function codeOf(l: RuleLine): string {
  const c = component(l);
  return c === 0 ? l.line.code : `${l.line.code}-${c === 1 ? '26' : 'TC'}`;
}

/** The MUE, its indicator's meaning and the row it was read from, for the messages. */
function limitText(mue: MueEntry): string {
  const kind =
    mue.mai === '1'
      ? 'per line (MAI 1, line edit)'
      : mue.mai === '2'
        ? 'per date of service (MAI 2, date of service edit: policy)'
        : mue.mai === '3'
          ? 'per date of service (MAI 3, date of service edit: clinical)'
          : `per date of service (MAI ${mue.mai || 'not given'}, read as a date of service edit)`;
  return `the MUE of ${mue.mueValue} ${kind}; ${mue.edition.label}, row ${mue.line}`;
}

/**
 * What may follow a denial, by indicator. NCCI Policy Manual for Medicare Services, ch. I § V, and
 * MLN Matters SE1422: an MAI 1 line may be re-reported with the units on separate lines, each with
 * the modifier that applies; MAI 2 values rest on policy (code descriptor, CMS policy, anatomy) and
 * units above them are not paid on appeal; MAI 3 values rest on clinical benchmarks and units above
 * them may be paid on appeal with documentation of medical necessity.
 */
function recourse(mai: string): string {
  if (mai === '1')
    return 'A line MUE is adjudicated line by line: units that were medically necessary may be reported on separate lines, each with the modifier that applies (76, 77, 59, an anatomic modifier), or the denial appealed.';
  if (mai === '2')
    return 'An MAI 2 value is a policy limit: units above it are not paid on appeal for medical necessity; a corrected bill with the units that can be reported may be sent.';
  return 'Appealable: units above an MAI 3 value may be paid on appeal with documentation of the medical necessity of the units reported.';
}

/** CMS's behaviour: a line, or every line of the group on the date, over the MUE is denied whole. */
function deny(lines: readonly RuleLine[], group: readonly number[], mue: MueEntry): RuleDecision[] {
  const at = (i: number) => lines[i] as RuleLine;
  // Lines an earlier edit denied (no units left) use up none of the day's units.
  const live = group.filter((i) => at(i).units > 0);
  const head = at(group[0] as number);
  const decisions: RuleDecision[] = [];
  if (mue.mai === '1') {
    for (const i of live) {
      const l = at(i);
      if (l.units <= mue.mueValue) continue;
      decisions.push({
        lineIndex: i,
        decision: 'denied',
        reduction: l.amount,
        reason: 'BR-MUE',
        message: `${codeOf(l)}: ${l.units} units on line ${l.line.lineNumber} exceed ${limitText(mue)}: the whole line is denied (CMS denies a claim line over its MUE; it does not pay up to it). ${recourse(mue.mai)}`,
      });
    }
    return decisions;
  }
  const units = live.reduce((sum, i) => sum + at(i).units, 0);
  if (units <= mue.mueValue) {
    if (role(head) === 0) return decisions;
    // Say why an assistant's or co-surgeon's units were not added to the surgeon's.
    return live.map((i) => ({
      lineIndex: i,
      decision: 'no-change',
      reduction: cents(0),
      message: `${codeOf(at(i))}: ${units} unit(s) on ${head.line.dateOfService} for ${whose(head)}, within ${limitText(mue)}.`,
    }));
  }
  const numbers = live.map((i) => at(i).line.lineNumber).join(', ');
  for (const i of live) {
    const l = at(i);
    decisions.push({
      lineIndex: i,
      decision: 'denied',
      reduction: l.amount,
      reason: 'BR-MUE',
      message: `${codeOf(l)}: ${units} units on ${l.line.dateOfService} by ${whose(l)}, summed over line(s) ${numbers}, exceed ${limitText(mue)}: every line of the code that day is denied, this one (line ${l.line.lineNumber}) included (CMS denies the lines of a date of service edit; it does not pay up to the MUE). ${recourse(mue.mai)}`,
    });
  }
  return decisions;
}

type PaysUpToLimit = NonNullable<NonNullable<Jurisdiction['mue']>['paysUpToLimit']>;

/**
 * A jurisdiction whose own source says it pays units up to the MUE: the units over it are taken
 * away, per line for MAI 1, and for MAI 2 and 3 from the highest-numbered lines of the group.
 */
function payUpTo(
  lines: readonly RuleLine[],
  group: readonly number[],
  mue: MueEntry,
  setting: PaysUpToLimit,
  jurisdiction: string,
): RuleDecision[] {
  const at = (i: number) => lines[i] as RuleLine;
  const regulation: Regulation = { citation: setting.source.citation, url: setting.source.url };
  const why = `${jurisdiction} pays units up to the MUE (${setting.source.citation}), unlike CMS, which denies the line`;
  const decisions: RuleDecision[] = [];
  const cut = (i: number, excess: number, text: string) => {
    const l = at(i);
    decisions.push({
      lineIndex: i,
      decision: excess === l.units ? 'denied' : 'reduced',
      reduction: cents(Math.min(l.amount, l.unitAmount * excess)),
      reason: 'BR-MUE',
      message: `${codeOf(l)}: ${text} exceed ${limitText(mue)}: ${excess} unit(s) of line ${l.line.lineNumber} not paid; ${why}.`,
      regulation,
    });
  };
  if (mue.mai === '1') {
    for (const i of group) {
      const l = at(i);
      if (l.units > mue.mueValue)
        cut(i, l.units - mue.mueValue, `${l.units} units on line ${l.line.lineNumber}`);
    }
    return decisions;
  }
  const units = group.reduce((sum, i) => sum + at(i).units, 0);
  const head = at(group[0] as number);
  let excess = units - mue.mueValue;
  for (let k = group.length - 1; k >= 0 && excess > 0; k--) {
    const i = group[k] as number;
    const take = Math.min(excess, at(i).units);
    if (take <= 0) continue;
    excess -= take;
    cut(i, take, `${units} units on ${head.line.dateOfService} by ${whose(head)}`);
  }
  return decisions;
}

/**
 * Medically unlikely edits (CARC 151, group CO; the whole line is the adjustment). An MUE is the
 * most units of a code one provider reports for one patient on one date of service on the vast
 * majority of correctly reported claims (CMS, Medicare NCCI Medically Unlikely Edits). CMS denies,
 * it does not pay up to the MUE (NCCI Policy Manual for Medicare Services, ch. I § V; MLN Matters
 * SE1422): MAI 1 (line edit), a line whose units exceed the MUE is denied whole; MAI 2 (date of
 * service edit: policy) and MAI 3 (date of service edit: clinical), when the units of all lines of
 * the code on the date together exceed it, every one of those lines is denied.
 *
 * Units are summed per provider (the rendering provider, else the billing provider), never across
 * providers, since CMS defines the MUE for one provider or supplier, one patient and one date (ibid.); an assistant's (80, 81,
 * 82, AS) or co-surgeon's (62) line is another practitioner's claim line. The 26 and TC components
 * count apart. CMS's sources do not say how a bill that names one provider but carries two
 * co-surgeon (62) lines of one code is to be read: those lines are summed as one provider's.
 *
 * A jurisdiction whose file records `mue.paysUpToLimit` (with its source) pays the units up to the
 * MUE instead. The rule runs after NCCI PTP, so a line that edit denied uses up none of the units.
 */
export const mueRule: BillRule = {
  id: 'mue',
  title: 'Medically unlikely edits (units)',
  stage: 'edit',
  regulation: REGULATIONS.mue,
  appliesTo: (j, date) => adoptsPolicy(j, 'mue', date),
  run(lines, { index, jurisdiction }) {
    const setting = jurisdiction.mue?.paysUpToLimit;
    const decisions: RuleDecision[] = [];
    for (const group of unitGroups(lines)) {
      const head = (lines[group[0] as number] as RuleLine).line;
      const mue = mueFor(index, head.code, head.dateOfService);
      if (!mue) continue;
      decisions.push(
        ...(setting?.value === true
          ? payUpTo(lines, group, mue, setting, jurisdiction.id)
          : deny(lines, group, mue)),
      );
    }
    return decisions;
  },
};
