import { REGULATIONS } from '../adjustments/reason-codes.js';
import { cents } from '../money.js';
import { adoptsPolicy, sessions } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * An add-on code: GLOB DAYS ZZZ in the PFS Relative Value File ("the code is related to another
 * service and is always included in the global period of the other service"), which CMS's add-on
 * code edit page names as the fee schedule's mark of an add-on code.
 */
function isAddOn(l: RuleLine): boolean {
  return l.rvu?.globalDays === 'ZZZ';
}

/** At most this many other lines are named on a denial, so a large bill's messages stay short. */
const NAMED = 3;

function named(lines: readonly RuleLine[], indexes: readonly number[], withDate: boolean): string {
  const shown = indexes.slice(0, NAMED).map((i) => {
    const { line } = lines[i] as RuleLine;
    return `line ${line.lineNumber} (${line.code}${withDate ? `, ${line.dateOfService}` : ''})`;
  });
  return `${shown.join(', ')}${indexes.length > NAMED ? ` and ${indexes.length - NAMED} more` : ''}`;
}

const NOT_HELD = "CMS's add-on code edit file is not held";

/** Paid lines whose code is not an add-on, by day and by provider, for the denial messages. */
interface Primaries {
  readonly byDay: Map<number, number[]>;
  readonly byProvider: Map<string, number[]>;
}

function primariesOf(lines: readonly RuleLine[]): Primaries {
  const byDay = new Map<number, number[]>();
  const byProvider = new Map<string, number[]>();
  lines.forEach((l, i) => {
    if (isAddOn(l) || l.amount <= 0) return;
    const d = byDay.get(l.line.day);
    if (d) d.push(i);
    else byDay.set(l.line.day, [i]);
    const p = byProvider.get(l.line.provider);
    if (p) p.push(i);
    else byProvider.set(l.line.provider, [i]);
  });
  // Named in line-number order, whatever the order of the request.
  const byNumber = (a: number, b: number) =>
    (lines[a] as RuleLine).line.lineNumber - (lines[b] as RuleLine).line.lineNumber;
  for (const list of byDay.values()) list.sort(byNumber);
  for (const list of byProvider.values()) list.sort(byNumber);
  return { byDay, byProvider };
}

/**
 * Why a session (one provider, one day) with an add-on found no primary: the candidates a reader
 * would look for, each with why it does not count. The session has no paid primary, so every paid
 * primary on its day is another provider's and every one of its provider is on another date.
 */
function whyNone(lines: readonly RuleLine[], session: readonly number[], primaries: Primaries): string {
  const { line } = lines[session[0] as number] as RuleLine;
  const denied = session.filter((i) => !isAddOn(lines[i] as RuleLine));
  const otherProvider = primaries.byDay.get(line.day) ?? [];
  const otherDate = primaries.byProvider.get(line.provider) ?? [];
  const parts: string[] = [];
  if (denied.length > 0)
    parts.push(
      `${named(lines, denied, false)} by the same provider on the date ${denied.length === 1 ? 'was' : 'were'} left at nothing (by an earlier edit or the fee schedule), and a primary counts only when it is itself eligible for payment`,
    );
  if (otherProvider.length > 0)
    parts.push(
      `${named(lines, otherProvider, false)} on the date ${otherProvider.length === 1 ? 'is' : 'are'} another provider's`,
    );
  if (otherDate.length > 0)
    parts.push(
      `${named(lines, otherDate, true)} by the same provider ${otherDate.length === 1 ? 'is' : 'are'} on another date`,
    );
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/**
 * Add-on codes without their primary: a line whose code has GLOB DAYS ZZZ is paid only when a
 * primary procedure is also eligible for payment to the same practitioner (rendering provider,
 * else the billing provider) for the same patient on the same date of service (CMS, Medicare NCCI
 * Add-on Code Edits, types 1–3; NCCI Policy Manual for Medicare Services, Chapter I, add-on codes);
 * without one it is denied, CARC 107 with RARC N122 (CMS's add-on code page names no CARC: these
 * are the X12 codes whose wording fits). "Eligible for payment" is why a primary an earlier edit
 * denied (nothing left to pay) does not count, and why the rule runs after every other edit.
 *
 * CMS's add-on code edit file, which lists each type 1 add-on's primaries, is not in the data we
 * hold, so any paid line of the same provider and date whose code is not itself an add-on is
 * accepted as the primary, and every add-on line says so. That takes E/M visits and services whose
 * global concept does not apply (XXX) too: CMS's own add-ons have such primaries (99292 after
 * 99291, G2211 after a visit, 96375 after 96374; all three are ZZZ in the RVU file), so in doubt
 * the rule pays. A primary on another date or by another provider never counts.
 */
export const addOnCodesRule: BillRule = {
  id: 'add-on-codes',
  title: 'Add-on codes without their primary procedure',
  stage: 'edit',
  regulation: REGULATIONS.addOnCodes,
  appliesTo: (j, date) => adoptsPolicy(j, 'ncci-add-on', date),
  run(lines) {
    if (!lines.some((l) => isAddOn(l) && l.amount > 0)) return [];
    const decisions: RuleDecision[] = [];
    let primaries: Primaries | undefined;
    for (const session of sessions(lines)) {
      // The session is in line-number order: the lowest-numbered paid primary is the one named.
      const primary = session.find(
        (i) => !isAddOn(lines[i] as RuleLine) && (lines[i] as RuleLine).amount > 0,
      );
      let why: string | undefined;
      for (const i of session) {
        const l = lines[i] as RuleLine;
        if (!isAddOn(l) || l.amount <= 0) continue;
        const name = `Line ${l.line.lineNumber} (${l.line.code}, ${l.line.dateOfService}) is an add-on code (GLOB DAYS ZZZ; RVU file line ${l.rvu?.line})`;
        if (primary !== undefined) {
          const p = (lines[primary] as RuleLine).line;
          decisions.push({
            lineIndex: i,
            decision: 'no-change',
            reduction: cents(0),
            message: `${name}; line ${p.lineNumber} (${p.code}) by the same provider on the date is its primary. ${NOT_HELD}; any procedure on the date was accepted as the primary.`,
          });
          continue;
        }
        primaries ??= primariesOf(lines);
        why ??= whyNone(lines, session, primaries);
        decisions.push({
          lineIndex: i,
          decision: 'denied',
          reduction: l.amount,
          reason: 'BR-ADD-ON-NO-PRIMARY',
          message: `${name} with no paid primary procedure by the same provider on the date${why}: denied. ${NOT_HELD}; any procedure by the same provider on the date would have been accepted as the primary.`,
        });
      }
    }
    return decisions;
  },
};
