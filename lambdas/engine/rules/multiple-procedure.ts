import { REGULATIONS } from '../adjustments/reason-codes.js';
import { type Cents, cents, formatCents, Money, percentOf, roundToCents } from '../money.js';
import { adoptsPolicy, sessions, stateNumber } from './payment-policy.js';
import type { BillRule, RuleContext, RuleDecision, RuleLine } from './types.js';

/** The MULT PROC indicators that reduce payment. */
const INDICATORS = new Set(['2', '3', '4', '5', '6', '7']);

/** Per diagnostic family: the TC and PC shares withheld after the first, and its name. */
const DIAGNOSTIC = {
  '4': { tcCut: '50', pcCut: '5', name: 'diagnostic imaging' },
  '6': { tcCut: '25', pcCut: undefined, name: 'diagnostic cardiovascular' },
  '7': { tcCut: '20', pcCut: undefined, name: 'diagnostic ophthalmology' },
} as const;

/** One procedure (a unit of a line, or an endoscopy family) in a ranking. */
interface Ranked {
  /** The lines it pays, with each one's share of the value. */
  readonly parts: readonly { readonly lineIndex: number; readonly value: Cents }[];
  /** What it is ranked by. */
  readonly value: Cents;
  readonly lineNumber: number;
  readonly unit: number;
  /** An endoscopy family ranked as one procedure: how messages name it. */
  readonly family?: string;
}

/** Lines' reductions and the reasons, collected per line. */
class Cuts {
  private readonly byLine = new Map<number, { reduction: number; notes: string[] }>();

  add(lineIndex: number, reduction: number, note: string): void {
    if (reduction <= 0) return;
    const entry = this.byLine.get(lineIndex) ?? { reduction: 0, notes: [] };
    entry.reduction += reduction;
    entry.notes.push(note);
    this.byLine.set(lineIndex, entry);
  }

  decisions(lines: readonly RuleLine[]): RuleDecision[] {
    return [...this.byLine].map(([lineIndex, { reduction, notes }]) => {
      const l = lines[lineIndex] as RuleLine;
      const cut = cents(Math.min(reduction, l.amount));
      return {
        lineIndex,
        decision: cut === l.amount ? 'denied' : 'reduced',
        reduction: cut,
        reason: 'BR-MULTIPLE-PROCEDURE',
        message: `Line ${l.line.lineNumber} (${l.line.code}): ${notes.join(' ')} ${formatCents(cents(cut))} withheld.`,
      };
    });
  }
}

const ORDINAL = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];

function ordinal(n: number): string {
  return ORDINAL[n - 1] ?? `${n}th`;
}

/** "second", "second and third", "second to sixth". */
function ordinals(positions: readonly number[]): string {
  const first = positions[0] as number;
  const last = positions[positions.length - 1] as number;
  if (positions.length === 1) return ordinal(first);
  if (positions.length === 2) return `${ordinal(first)} and ${ordinal(last)}`;
  return `${ordinal(first)} to ${ordinal(last)}`;
}

/**
 * How many procedures a line counts in a ranking: a line priced for both sides (modifier 50, RT and
 * LT, or 2 units of a BILAT SURG 1–3 code) is one bilateral procedure (§ 40.7: the bilateral
 * adjustment comes before the multiple procedure rules), any other line one per unit.
 */
function procedures(l: RuleLine): number {
  return l.bilateral ? 1 : l.units;
}

/** How a message names a procedure of the ranking. */
function nameOf(lines: readonly RuleLine[], item: Ranked): string {
  if (item.family) return item.family;
  const l = lines[item.parts[0]?.lineIndex as number] as RuleLine;
  const which = l.bilateral ? ', bilateral' : procedures(l) > 1 ? `, unit ${item.unit + 1}` : '';
  return `line ${l.line.lineNumber} (${l.line.code}${which})`;
}

/**
 * Ranks procedures by value (highest first; ties by line number, then unit) and gives every one
 * after the first the cut `reduce` names; one note per line, however many of its units rank.
 */
function rank(
  lines: readonly RuleLine[],
  items: Ranked[],
  cuts: Cuts,
  what: string,
  reduce: (value: Cents, lineIndex: number) => Cents,
  rule: string | ((lineIndex: number) => string),
  byReportAfter?: number,
): void {
  if (items.length < 2) return;
  items.sort((a, b) => b.value - a.value || a.lineNumber - b.lineNumber || a.unit - b.unit);
  const top = items[0] as Ranked;
  const perLine = new Map<number, { positions: number[]; cut: number; value: number; family?: string }>();
  for (let position = 1; position < items.length; position++) {
    const item = items[position] as Ranked;
    for (const part of item.parts) {
      let entry = perLine.get(part.lineIndex);
      if (!entry) {
        entry = { positions: [], cut: 0, value: 0, ...(item.family ? { family: item.family } : {}) };
        perLine.set(part.lineIndex, entry);
      }
      entry.positions.push(position + 1);
      entry.cut += reduce(part.value, part.lineIndex);
      entry.value += part.value;
    }
  }
  const first = `${nameOf(lines, top)}, ${formatCents(cents(top.value))}`;
  for (const [lineIndex, e] of perLine) {
    const subject = e.family
      ? `as part of ${e.family}, it`
      : e.positions.length > 1
        ? `${e.positions.length} of its units`
        : procedures(lines[lineIndex] as RuleLine) > 1
          ? 'one of its units'
          : (lines[lineIndex] as RuleLine).bilateral
            ? 'the bilateral procedure'
            : 'it';
    const beyond =
      byReportAfter !== undefined && e.positions.some((p) => p > byReportAfter)
        ? ` Procedures after the ${ordinal(byReportAfter)} are priced by report under § 40.6; paid here at the same 50% and left for review.`
        : '';
    cuts.add(
      lineIndex,
      e.cut,
      `${subject} rank${e.positions.length > 1 ? '' : 's'} ${ordinals(e.positions)} of ${items.length} ${what} on this date by this provider (the first is ${first}); ${typeof rule === 'string' ? rule : rule(lineIndex)}: ${formatCents(cents(e.cut))} of ${formatCents(cents(e.value))}.${beyond}`,
    );
  }
}

/**
 * RT and LT lines of one code (one unit each) that the bilateral rule paid as a pair: the first line
 * maps to the second, the second to -1.
 */
function bilateralPairs(lines: readonly RuleLine[], group: readonly number[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const right = new Map<string, number>();
  const side = (l: RuleLine, m: string) => l.line.modifiers.includes(m) && l.units === 1;
  for (const i of group) {
    const l = lines[i] as RuleLine;
    if (side(l, 'RT') && !side(l, 'LT') && !right.has(l.line.code)) right.set(l.line.code, i);
  }
  for (const i of group) {
    const l = lines[i] as RuleLine;
    if (!side(l, 'LT') || side(l, 'RT') || l.rvu?.bilateralSurgery !== '1') continue;
    const r = right.get(l.line.code);
    if (r === undefined || pairs.has(r)) continue;
    const [first, second] = (lines[r] as RuleLine).line.lineNumber < l.line.lineNumber ? [r, i] : [i, r];
    pairs.set(first, second);
    pairs.set(second, -1);
  }
  return pairs;
}

/** A line's current amount of one procedure (after the rules before this one). */
function perUnit(l: RuleLine): Cents {
  const n = procedures(l);
  return cents(n > 0 ? Math.round(l.amount / n) : 0);
}

/**
 * Surgery (MULT PROC 2) and endoscopy (3): endoscopies of one family (same ENDO BASE) are paid as
 * the highest in full plus, for each other, its fee minus the base endoscopy's fee; the family then
 * counts as one procedure. Procedures are ranked by fee schedule amount: 100% for the highest, 50%
 * for each other (Medicare Claims Processing Manual, Chapter 12, § 40.6).
 */
function surgery(lines: readonly RuleLine[], group: readonly number[], ctx: RuleContext, cuts: Cuts): void {
  const items: Ranked[] = [];
  const families = new Map<string, number[]>();
  // A bilateral procedure billed RT and LT on two lines is one procedure at its bilateral value (§ 40.7).
  const sides = bilateralPairs(lines, group);
  for (const i of group) {
    const l = lines[i] as RuleLine;
    const indicator = l.rvu?.multipleProcedure;
    if (l.amount === 0) continue;
    const pairedWith = sides.get(i);
    if (indicator === '2' && pairedWith !== undefined) {
      if (pairedWith < 0) continue; // the second line of a pair: ranked with the first
      const other = lines[pairedWith] as RuleLine;
      items.push({
        parts: [
          { lineIndex: i, value: l.amount },
          { lineIndex: pairedWith, value: other.amount },
        ],
        value: cents(l.amount + other.amount),
        lineNumber: l.line.lineNumber,
        unit: 0,
        family: `the bilateral procedure of lines ${l.line.lineNumber} and ${other.line.lineNumber} (${l.line.code}, RT and LT)`,
      });
    } else if (indicator === '2') {
      const value = perUnit(l);
      for (let u = 0; u < procedures(l); u++) {
        items.push({
          parts: [{ lineIndex: i, value }],
          value,
          lineNumber: l.line.lineNumber,
          unit: u,
        });
      }
    } else if (indicator === '3') {
      const base = l.rvu?.endoscopicBase || l.line.code;
      const family = families.get(base) ?? [];
      family.push(i);
      families.set(base, family);
    }
  }
  for (const [base, members] of families) {
    members.sort(
      (a, b) =>
        (lines[b] as RuleLine).amount - (lines[a] as RuleLine).amount ||
        (lines[a] as RuleLine).line.lineNumber - (lines[b] as RuleLine).line.lineNumber,
    );
    const parts: { lineIndex: number; value: Cents }[] = [];
    const head = lines[members[0] as number] as RuleLine;
    let baseFee: Cents | undefined;
    members.forEach((i, position) => {
      const l = lines[i] as RuleLine;
      if (position === 0) {
        parts.push({ lineIndex: i, value: l.amount });
        return;
      }
      baseFee ??= ctx.feeOf(l, base, '');
      if (baseFee === undefined) {
        parts.push({ lineIndex: i, value: l.amount });
        return;
      }
      const paid = cents(Math.max(0, l.amount - baseFee * procedures(l)));
      cuts.add(
        i,
        l.amount - paid,
        `endoscopy of the ${base} family with line ${head.line.lineNumber} (${head.line.code}, the highest valued, paid in full); paid its fee less the base endoscopy ${base} (${formatCents(cents(baseFee))}): ${formatCents(cents(paid))}.`,
      );
      parts.push({ lineIndex: i, value: paid });
    });
    const value = cents(parts.reduce((n, p) => n + p.value, 0));
    items.push({
      parts,
      value,
      lineNumber: head.line.lineNumber,
      unit: 0,
      ...(members.length > 1
        ? {
            family: `the ${base} endoscopy family (lines ${members.map((i) => (lines[i] as RuleLine).line.lineNumber).join(', ')})`,
          }
        : {}),
    });
  }
  // 50% after the highest (§ 40.6), or the state's own percentage where its ground rules set one.
  const date = (lines[group[0] as number] as RuleLine).line.dateOfService;
  const state = stateNumber(ctx.jurisdiction, 'multiple-procedure', 'multipleSurgeryPercent', date);
  const paid = state?.value ?? '50';
  rank(
    lines,
    items,
    cuts,
    'procedures',
    (v) => cents(v - percentOf(v, paid)),
    `paid at ${paid}% (multiple surgery${state ? `, ${state.regulation.citation}` : ''})`,
    5,
  );
}

/**
 * Diagnostic imaging (MULT PROC 4): the technical component of every procedure after the highest
 * is paid at 50%, the professional component at 95%; cardiovascular (6) and ophthalmology (7)
 * diagnostics: the technical component after the highest at 75% and 80% (PFS Relative Value File
 * documentation). A global line is split into its TC and PC by their own fees.
 */
function diagnostics(
  lines: readonly RuleLine[],
  group: readonly number[],
  ctx: RuleContext,
  cuts: Cuts,
  indicator: '4' | '6' | '7',
): void {
  const { tcCut, pcCut, name } = DIAGNOSTIC[indicator];
  const technical: Ranked[] = [];
  const professional: Ranked[] = [];
  for (const i of group) {
    const l = lines[i] as RuleLine;
    if (l.rvu?.multipleProcedure !== indicator || l.amount === 0) continue;
    const unit = perUnit(l);
    let tc: Cents;
    if (l.line.modifiers.includes('TC')) tc = unit;
    else if (l.line.modifiers.includes('26')) tc = cents(0);
    else {
      const fee = ctx.feeOf(l, l.line.code, 'TC');
      // A bilateral line holds the TC of both sides in the share its amount holds of one side's fee.
      const sidesTc =
        fee !== undefined && l.bilateral && l.unitAmount > 0
          ? roundToCents(new Money(fee).times(l.amount).div(l.unitAmount).div(100))
          : fee;
      tc = sidesTc === undefined ? cents(0) : cents(Math.min(sidesTc, unit));
    }
    const pc = cents(unit - tc);
    for (let u = 0; u < procedures(l); u++) {
      const lineNumber = l.line.lineNumber;
      if (tc > 0) technical.push({ parts: [{ lineIndex: i, value: tc }], value: tc, lineNumber, unit: u });
      if (pc > 0 && pcCut) {
        professional.push({ parts: [{ lineIndex: i, value: pc }], value: pc, lineNumber, unit: u });
      }
    }
  }
  rank(
    lines,
    technical,
    cuts,
    `${name} technical components`,
    (v) => percentOf(v, tcCut),
    `${tcCut}% of the technical component withheld`,
  );
  if (pcCut) {
    rank(
      lines,
      professional,
      cuts,
      `${name} professional components`,
      (v) => percentOf(v, pcCut),
      `${pcCut}% of the professional component withheld`,
    );
  }
}

/**
 * Therapy (MULT PROC 5): full payment for the unit with the highest practice expense; every other
 * unit and procedure of the day is paid its reduced unit price, one price computed with 50% of its
 * PE RVU and rounded once (`peReducedUnit`, priced with the line), so each withholds its full unit
 * price less the reduced one (PFS Relative Value File documentation, MULT PROC indicator 5: "Subject
 * to 50% of the practice expense component for certain therapy services"; Medicare Claims
 * Processing Manual, Chapter 5, § 10.7; 50% since April 1, 2013). Ranked by the PE part of a unit.
 */
function therapy(lines: readonly RuleLine[], group: readonly number[], cuts: Cuts): void {
  const items: Ranked[] = [];
  const withheld = new Map<number, Cents>();
  for (const i of group) {
    const l = lines[i] as RuleLine;
    if (l.rvu?.multipleProcedure !== '5' || l.amount === 0) continue;
    if (l.pePart === undefined || l.peReducedUnit === undefined) continue;
    withheld.set(i, cents(Math.max(0, l.unitAmount - l.peReducedUnit)));
    const unit = perUnit(l);
    for (let u = 0; u < procedures(l); u++) {
      items.push({
        parts: [{ lineIndex: i, value: unit }],
        value: l.pePart,
        lineNumber: l.line.lineNumber,
        unit: u,
      });
    }
  }
  rank(
    lines,
    items,
    cuts,
    'therapy units (by practice expense)',
    (value, i) => cents(Math.min(value, withheld.get(i) ?? 0)),
    (i) => {
      const l = lines[i] as RuleLine;
      return `paid at its reduced unit price ${formatCents(l.peReducedUnit as Cents)} ([(work RVU × work GPCI) + (50% × PE RVU × PE GPCI) + (MP RVU × MP GPCI)] × CF, rounded once), so ${formatCents(l.unitAmount)} − ${formatCents(l.peReducedUnit as Cents)} = ${formatCents(withheld.get(i) ?? cents(0))} withheld a reduced unit`;
    },
  );
}

/**
 * Multiple procedure payment reductions by the MULT PROC indicator of the PFS Relative Value File,
 * among the lines of one date and provider: 2 (surgery), 3 (endoscopy families), 4 (diagnostic
 * imaging), 5 (therapy), 6 (cardiovascular) and 7 (ophthalmology) diagnostics. Ranking is by fee
 * schedule amount after bilateral pricing; modifier 51 is accepted but not required.
 */
export const multipleProcedureRule: BillRule = {
  id: 'multiple-procedure',
  title: 'Multiple procedure payment reductions',
  stage: 'payment',
  regulation: REGULATIONS.multipleProcedure,
  appliesTo: (j, date) => adoptsPolicy(j, 'multiple-procedure', date),
  run(lines, ctx) {
    const cuts = new Cuts();
    // Only lines with a MULT PROC indicator of 2–7 and something left to pay take part.
    const taking = lines.filter((l) => l.amount > 0 && INDICATORS.has(l.rvu?.multipleProcedure ?? ''));
    if (taking.length === 0 || (taking.length === 1 && procedures(taking[0] as RuleLine) < 2)) return [];
    for (const group of sessions(lines)) {
      const present = new Set<string>();
      let units = 0;
      for (const i of group) {
        const l = lines[i] as RuleLine;
        const indicator = l.rvu?.multipleProcedure ?? '';
        if (l.amount > 0 && INDICATORS.has(indicator)) {
          present.add(indicator === '3' ? '2' : indicator);
          units += procedures(l);
        }
      }
      if (units < 2) continue;
      if (present.has('2')) surgery(lines, group, ctx, cuts);
      // A state whose clause names surgical procedures only adopts no imaging or therapy reductions.
      const day = (lines[group[0] as number] as RuleLine).line.dateOfService;
      if (stateNumber(ctx.jurisdiction, 'multiple-procedure', 'surgeryOnly', day)) continue;
      if (present.has('4')) diagnostics(lines, group, ctx, cuts, '4');
      if (present.has('6')) diagnostics(lines, group, ctx, cuts, '6');
      if (present.has('7')) diagnostics(lines, group, ctx, cuts, '7');
      if (present.has('5')) therapy(lines, group, cuts);
    }
    return cuts.decisions(lines);
  },
};
