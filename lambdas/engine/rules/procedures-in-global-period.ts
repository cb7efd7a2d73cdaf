import { dateOfDay } from '../../fee-index/header.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { cents, formatCents, percentOf } from '../money.js';
import { isVisit, type Surgery, surgeryOf } from './global-surgery.js';
import { adoptsPolicy } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * GLOB DAYS of the codes this rule treats as procedures: the surgical codes of the PFS Relative
 * Value File (000 endoscopies and minor procedures, 010 minor, 090 major, YYY surgical codes whose
 * period the payer sets). The global package is the surgeon's own care of the surgery and its
 * complications (Claims Processing Manual, Chapter 12, § 40.1.A); § 40.1.B leaves out diagnostic
 * tests and procedures, including radiology, and the RVU file marks such services, with therapy,
 * injections, drugs and the like, XXX ("the global concept does not apply"), so they are left
 * alone. Add-on codes (ZZZ) follow their primary (the add-on rule denies one whose primary this
 * rule denies); E/M visits are the global surgery visit rule's; MMM (maternity) has its own package.
 */
const PROCEDURE_DAYS: ReadonlySet<string> = new Set(['000', '010', '090', 'YYY']);

/**
 * Modifiers that take a procedure out of an earlier surgery's package (§ 40.2): 58 (staged or
 * related procedure), 78 (unplanned return to the operating room for a related procedure) and 79
 * (unrelated procedure in the postoperative period).
 */
const OUT_OF_PACKAGE = ['58', '78', '79'] as const;

/** The days after the day of a surgery through its last postoperative day, in day numbers. */
export interface PostoperativePeriod {
  readonly surgery: Surgery;
  readonly first: number;
  readonly last: number;
}

/** Where a procedure line falls: the period (lowest-numbered surgery) and whether it is bundled. */
export interface InPeriod {
  readonly period: PostoperativePeriod;
  /** The modifier that takes it out of the package (58, 78, 79), or undefined: bundled. */
  readonly modifier: (typeof OUT_OF_PACKAGE)[number] | undefined;
}

/**
 * The postoperative period a surgery opens for later procedures: after the day of surgery through
 * its last day, for 010 and 090 codes only (000 has no postoperative days; YYY's period is the
 * payer's to set, so no procedure is denied in it). surgeryOf already leaves out 78 lines and
 * starts a 55 line's window the day after, and ends a 54 or 56 line's on the day of surgery.
 */
function postoperative(s: Surgery): PostoperativePeriod | undefined {
  if (s.globalDays !== '010' && s.globalDays !== '090') return undefined;
  const first = Math.max(s.first, s.rule.line.day + 1);
  return first <= s.last ? { surgery: s, first, last: s.last } : undefined;
}

/** Whether a line is a procedure for this rule (see PROCEDURE_DAYS), with an amount left to pay. */
function isProcedure(l: RuleLine): boolean {
  return l.amount > 0 && l.rvu !== undefined && PROCEDURE_DAYS.has(l.rvu.globalDays) && !isVisit(l.line.code);
}

/**
 * The procedure lines that fall inside the postoperative period of an earlier surgery by the same
 * provider on the bill, by line index. Lines are taken in day order, so that a procedure bundled
 * into an earlier surgery opens no period of its own, while one billed with 58 or 79 opens its own
 * (§ 40.2: a new postoperative period begins). Of several periods the lowest-numbered surgery line
 * is named, so the result does not depend on line order. Cost: O(n log n + procedures × periods).
 *
 * @param lines - the rule lines
 * @param j - the jurisdiction (its global periods, where it sets its own)
 * @returns for each procedure line inside a period: the period and the modifier that takes it out
 */
export function proceduresInPeriods(lines: readonly RuleLine[], j: Jurisdiction): Map<number, InPeriod> {
  const found = new Map<number, InPeriod>();
  const byProvider = new Map<string, number[]>();
  lines.forEach((l, i) => {
    if (!isProcedure(l)) return;
    const list = byProvider.get(l.line.provider);
    if (list) list.push(i);
    else byProvider.set(l.line.provider, [i]);
  });
  const at = (i: number) => (lines[i] as RuleLine).line;
  for (const list of byProvider.values()) {
    list.sort((a, b) => at(a).day - at(b).day || at(a).lineNumber - at(b).lineNumber);
    const open: PostoperativePeriod[] = [];
    let pending: PostoperativePeriod[] = [];
    let day = Number.NaN;
    for (const i of list) {
      const line = at(i);
      if (line.day !== day) {
        // Periods opened on an earlier day apply from the next day on (a period starts after the
        // day of surgery), so a day's lines never fall in each other's.
        for (const p of pending) open.push(p);
        pending = [];
        day = line.day;
      }
      let period: PostoperativePeriod | undefined;
      for (const p of open) {
        if (line.day < p.first || line.day > p.last) continue;
        if (!period || p.surgery.rule.line.lineNumber < period.surgery.rule.line.lineNumber) period = p;
      }
      const modifier = OUT_OF_PACKAGE.find((m) => line.modifiers.includes(m));
      if (period) found.set(i, { period, modifier });
      if (period && !modifier) continue;
      const surgery = surgeryOf(lines[i] as RuleLine, j);
      const own = surgery && postoperative(surgery);
      if (own) pending.push(own);
    }
  }
  return found;
}

/** "line 1 (27447, 2025-03-04), on day 30 of its 90-day postoperative period (GLOB DAYS 090, …)". */
function where(line: RuleLine['line'], p: PostoperativePeriod): string {
  const surgery = p.surgery.rule.line;
  return (
    `surgery line ${surgery.lineNumber} (${surgery.code}, ${surgery.dateOfService}), on day ${line.day - surgery.day} ` +
    `of its ${Number(p.surgery.globalDays)}-day postoperative period (GLOB DAYS ${p.surgery.globalDays}, ` +
    `${dateOfDay(p.first)} to ${dateOfDay(p.last)})`
  );
}

const WHY_PAID = {
  '58': 'modifier 58 (staged or related procedure): paid, and it starts a new global period',
  '78': 'modifier 78 (unplanned return to the operating room for a related procedure): paid its intra-operative value by the return-to-the-operating-room rule, and it starts no new global period',
  '79': 'modifier 79 (unrelated procedure): paid, and it starts a new global period',
} as const;

/**
 * Procedures in another surgery's global period: a procedure (GLOB DAYS 000, 010, 090 or YYY) by
 * the same provider after the day of a surgery on the bill with GLOB DAYS 010 or 090, through its
 * last postoperative day, billed without 58, 78 or 79, is part of that surgery's global package
 * (its care of complications that need no return to the operating room, Claims Processing Manual,
 * Chapter 12, § 40.1) and is denied (CARC 97, RARC M144), naming the surgery and the day of its
 * period. 58 and 79 make it payable and start a new period; 78 makes it payable at its
 * intra-operative value without one (§ 40.2; returnToOperatingRoomRule pays it). Same-day
 * procedures are NCCI's and the multiple procedure rule's. Surgeries an earlier edit left at
 * nothing open no period. A bill does not carry diagnoses, so "related" is read from the modifiers
 * alone, as the claim reports it.
 */
export const proceduresInGlobalPeriodRule: BillRule = {
  id: 'procedures-in-global-period',
  title: "Procedures in another surgery's global period",
  stage: 'edit',
  regulation: REGULATIONS.globalSurgeryProcedures,
  appliesTo: (j, date) => adoptsPolicy(j, 'global-surgery', date),
  run(lines, { jurisdiction }) {
    const decisions: RuleDecision[] = [];
    for (const [i, { period, modifier }] of proceduresInPeriods(lines, jurisdiction)) {
      const l = lines[i] as RuleLine;
      const { line } = l;
      const name = `Line ${line.lineNumber} (${line.code}, ${line.dateOfService}) is a procedure (GLOB DAYS ${l.rvu?.globalDays}) by the same provider as ${where(line, period)}`;
      if (modifier) {
        decisions.push({
          lineIndex: i,
          decision: 'no-change',
          reduction: cents(0),
          message: `${name}; ${WHY_PAID[modifier]}.`,
        });
        continue;
      }
      decisions.push({
        lineIndex: i,
        decision: 'denied',
        reduction: l.amount,
        reason: 'BR-GLOBAL-PROCEDURE',
        message:
          `${name}, billed without modifier 58, 78 or 79: part of the surgery's global package (its care of complications ` +
          `that need no return to the operating room) and denied; 58 would mark a staged or related procedure, 78 a ` +
          `return to the operating room for a complication, 79 an unrelated procedure.`,
      });
    }
    return decisions;
  },
};

/**
 * Return to the operating room (modifier 78): the line is paid the intra-operative value of its
 * code, its INTRA OP share of the RVU row (the rest of the package belongs to the original
 * surgery), and starts no new postoperative period (Medicare Claims Processing Manual, Chapter 12,
 * § 40, as secondary copies quote it: the manual's text is not held here). A code with no PRE, INTRA and POST OP shares (000-day codes, which the manual pays in
 * full on a 78 return trip; ZZZ add-ons, which carry no postoperative work) is paid in full, and
 * the line says so. A payment reduction after the multiple procedure ranking, like the split care
 * shares of modifiers 54, 55 and 56, so the ranking sees the fee schedule amount of each code.
 */
export const returnToOperatingRoomRule: BillRule = {
  id: 'return-to-operating-room',
  title: 'Return to the operating room (modifier 78): intra-operative value',
  stage: 'payment',
  regulation: REGULATIONS.returnToOperatingRoom,
  appliesTo: (j, date) => adoptsPolicy(j, 'global-surgery', date),
  run(lines, { jurisdiction }) {
    if (!lines.some((l) => l.line.modifiers.includes('78'))) return [];
    const periods = proceduresInPeriods(lines, jurisdiction);
    const decisions: RuleDecision[] = [];
    lines.forEach((l, lineIndex) => {
      const rvu = l.rvu;
      if (!rvu || l.amount <= 0 || !l.line.modifiers.includes('78')) return;
      const p = periods.get(lineIndex)?.period;
      const name =
        `Line ${l.line.lineNumber} (${l.line.code}): modifier 78, unplanned return to the operating room for a related procedure ` +
        (p
          ? `in the postoperative period of ${where(l.line, p)}`
          : '(no surgery on this bill opens a postoperative period that holds its date)');
      if (rvu.preOp + rvu.intraOp + rvu.postOp === 0) {
        decisions.push({
          lineIndex,
          decision: 'no-change',
          reduction: cents(0),
          message: `${name}; the RVU file gives the code (GLOB DAYS ${rvu.globalDays}) no PRE, INTRA or POST OP share (line ${rvu.line}): paid in full.`,
        });
        return;
      }
      const paid = percentOf(l.amount, String(rvu.intraOp));
      decisions.push({
        lineIndex,
        decision: 'reduced',
        reduction: cents(l.amount - paid),
        reason: 'BR-RETURN-TO-OR',
        message:
          `${name}; paid the INTRA OP share of ${rvu.intraOp}% (PRE OP ${rvu.preOp}%, INTRA OP ${rvu.intraOp}%, POST OP ${rvu.postOp}%; ` +
          `RVU file line ${rvu.line}), and no new global period begins: ${formatCents(l.amount)} × ${rvu.intraOp}% = ${formatCents(paid)}.`,
      });
    });
    return decisions;
  },
};
