import { dateOfDay } from '../../fee-index/header.js';
import { REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { cents } from '../money.js';
import { adoptsPolicy, stateNumber } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * Evaluation and management visits: CPT 99202–99499, the E/M section of CPT (99201 was deleted in
 * 2021; 99499 closes the section, and 99500 onwards are home health and medication therapy codes,
 * not visits). The manual (Chapter 12, § 40.1) bundles "visits" without naming codes; the
 * ophthalmological visit codes 92002–92014, which some contractors treat the same way, are left
 * out, so in doubt the rule pays. 99024 (postoperative follow-up) falls outside the range on
 * purpose: its status B already makes the fee schedule pay nothing for it.
 */
export function isVisit(code: string): boolean {
  return code >= '99202' && code <= '99499' && /^\d{5}$/.test(code);
}

/** The part of a surgery's global period a visit falls in. */
type Part = 'before' | 'day' | 'after';

/** A surgery line's global window, in day numbers (inclusive), from its GLOB DAYS. */
export interface Surgery {
  readonly rule: RuleLine;
  /** GLOB DAYS as in the RVU file: 090, 010, 000, or YYY (the payer sets the period). */
  readonly globalDays: '090' | '010' | '000' | 'YYY';
  readonly first: number;
  readonly last: number;
  /** Postoperative days of the period (Medicare's, or the state's own). */
  readonly postDays: number;
  /** Where the state's own global rule set (or left silent) the period: said and cited on the line. */
  readonly state?: { readonly note: string; readonly regulation?: Regulation };
}

/** Postoperative days and whether the day before surgery is in the period, by GLOB DAYS. */
const PERIODS = {
  '090': { dayBefore: true, postDays: 90 },
  '010': { dayBefore: false, postDays: 10 },
  '000': { dayBefore: false, postDays: 0 },
  // The payer sets the period: the rule looks as far as Medicare's longest (090) and only flags.
  YYY: { dayBefore: true, postDays: 90 },
} as const;

/**
 * The window a surgery line opens, or undefined. MMM (maternity), XXX (the global concept does not
 * apply), ZZZ (an add-on inside the primary service's period) and a blank open none. A surgery
 * billed for one part of the global package (modifiers 54, 55, 56; § 40.2) opens only that part:
 * 54 (surgical care only) and 56 (preoperative care only) stop at the day of surgery, 55
 * (postoperative care only) starts the day after. A return to the operating room for a related
 * procedure (modifier 78) opens none: it is paid its intra-operative value only and the original
 * surgery's postoperative period goes on, not a new one (Medicare Claims Processing Manual,
 * Chapter 12, § 40, as secondary copies quote it; 58 and 79 do start a new period, so those lines open theirs).
 *
 * @param rule - a priced line with its RVU row
 * @returns the line's global window in day numbers, or undefined when it opens none
 */
export function surgeryOf(rule: RuleLine, j: Jurisdiction): Surgery | undefined {
  const globalDays = rule.rvu?.globalDays;
  if (globalDays !== '090' && globalDays !== '010' && globalDays !== '000' && globalDays !== 'YYY')
    return undefined;
  const { line } = rule;
  if (line.modifiers.includes('78')) return undefined;
  const { state, ...period } = periodOf(globalDays, j, line.dateOfService);
  const postOnly = line.modifiers.includes('55');
  const preOnly = line.modifiers.includes('54') || line.modifiers.includes('56');
  const first = postOnly ? line.day + 1 : period.dayBefore ? line.day - 1 : line.day;
  const last = preOnly ? line.day : line.day + period.postDays;
  return first <= last
    ? { rule, globalDays, first, last, postDays: period.postDays, ...(state ? { state } : {}) }
    : undefined;
}

/**
 * The period of a GLOB DAYS value in a jurisdiction: Medicare's (PERIODS), with the follow-up days
 * and the preoperative day the state's own ground rules set for the global surgery policy it adopts
 * (Ala. Admin. Code r. 480-5-5-.15(1): six weeks after a 090 surgery, services before it paid). Where
 * the state sets numbers but none for this GLOB DAYS, Medicare's apply and the line says so.
 */
function periodOf(
  globalDays: keyof typeof PERIODS,
  j: Jurisdiction,
  date: string,
): { dayBefore: boolean; postDays: number; state?: Surgery['state'] } {
  const medicare = PERIODS[globalDays];
  if (globalDays !== '090' && globalDays !== '010') return medicare;
  const days = stateNumber(
    j,
    'global-surgery',
    globalDays === '090' ? 'majorFollowUpDays' : 'minorFollowUpDays',
    date,
  );
  const before = globalDays === '090' ? stateNumber(j, 'global-surgery', 'preoperativeDay', date) : undefined;
  if (days || before) {
    const regulation = (days ?? before)?.regulation as Regulation;
    return {
      dayBefore: before ? before.value : medicare.dayBefore,
      postDays: days ? days.value : medicare.postDays,
      state: {
        note: `${j.id}'s period for GLOB DAYS ${globalDays}: ${days ? `${days.value} days after surgery` : `Medicare's ${medicare.postDays} days after surgery`}${before && !before.value ? ', the day before surgery not included' : ''} (${regulation.citation})`,
        regulation,
      },
    };
  }
  const own = j.policies?.['global-surgery'];
  if (own?.parameters !== undefined && adoptsPolicy(j, 'global-surgery', date)) {
    return {
      ...medicare,
      state: {
        note: `${j.id}'s global surgery rule (${own.source.citation}, ${own.source.section}) sets no period for GLOB DAYS ${globalDays}: Medicare's ${medicare.postDays} days applied`,
      },
    };
  }
  return medicare;
}

/**
 * Whether the visit's modifiers take it out of the global package for that part of the period:
 * 57 (decision for surgery) on the day before or the day of a major (090) surgery; 25 (significant,
 * separately identifiable E/M) on the day of a minor (000, 010) procedure; 24 (unrelated E/M in
 * the postoperative period) or 79 after the day of surgery. For YYY any of them for the part.
 */
function exempt(modifiers: readonly string[], globalDays: Surgery['globalDays'], part: Part): boolean {
  if (part === 'after') return modifiers.includes('24') || modifiers.includes('79');
  if (globalDays === '090') return modifiers.includes('57');
  if (globalDays === 'YYY') return modifiers.includes('57') || (part === 'day' && modifiers.includes('25'));
  return modifiers.includes('25');
}

function partOf(visitDay: number, surgeryDay: number): Part {
  return visitDay < surgeryDay ? 'before' : visitDay === surgeryDay ? 'day' : 'after';
}

function when(part: Part, daysAfter: number): string {
  if (part === 'before') return 'the day before surgery';
  if (part === 'day') return 'the day of surgery';
  return `${daysAfter} day${daysAfter === 1 ? '' : 's'} after surgery`;
}

function modifierHint(globalDays: Surgery['globalDays'], part: Part): string {
  if (part === 'after') return 'modifier 24 or 79 would mark a visit unrelated to the surgery';
  if (globalDays === '090') return 'modifier 57 would mark the visit that decided on the surgery';
  return 'modifier 25 would mark a significant, separately identifiable visit';
}

/**
 * Global surgery: an evaluation and management visit by the same provider inside the global
 * period of a surgery on the bill is part of the surgery's payment and is denied (CARC 97, RARC
 * M144), unless a modifier shows it is not (Medicare Claims Processing Manual, Chapter 12,
 * §§ 40.1–40.4; GLOB DAYS in the PFS Relative Value File documentation):
 *
 * - 090 (major): the day before surgery through 90 days after it; 57 exempts the day before and
 *   the day of surgery (§ 40.2.A.4: on the day of surgery 57 is billed, not 25).
 * - 010 and 000 (minor): the day of surgery through 10 (or 0) days after; no preoperative day.
 *   25 exempts the day of surgery. 57 does not: § 40.2.A.4 says contractors may not pay a visit
 *   billed with 57 on the day of or the day before a 0- or 10-day procedure.
 * - After the day of surgery, 24 (§ 40.2.A.7, unrelated visits) or 79 exempts the visit; § 40.2.A.7
 *   names 79 for unrelated procedures, and the rule takes it on a visit too, so in doubt it pays.
 * - YYY (the payer sets the period): a visit from the day before through 90 days after, without a
 *   modifier that could exempt it, is flagged for review, not reduced.
 *
 * A visit inside several windows is denied when any of them bundles it, naming the lowest-numbered
 * such surgery, so the result does not depend on line order. Surgery lines an earlier edit left at
 * nothing open no window (there is no surgery payment to include the visit in), and visits already
 * at nothing are left alone. Cost: O(visits × surgeries of the visit's provider).
 */
export const globalSurgeryRule: BillRule = {
  id: 'global-surgery',
  title: 'Global surgery (visits in the global period)',
  stage: 'edit',
  regulation: REGULATIONS.globalSurgery,
  appliesTo: (j, date) => adoptsPolicy(j, 'global-surgery', date),
  run(lines, ctx) {
    const byProvider = new Map<string, Surgery[]>();
    for (const l of lines) {
      if (l.amount <= 0 || isVisit(l.line.code)) continue;
      const surgery = surgeryOf(l, ctx.jurisdiction);
      if (!surgery) continue;
      const list = byProvider.get(l.line.provider);
      if (list) list.push(surgery);
      else byProvider.set(l.line.provider, [surgery]);
    }
    if (byProvider.size === 0) return [];
    for (const list of byProvider.values())
      list.sort((a, b) => a.rule.line.lineNumber - b.rule.line.lineNumber);

    const decisions: RuleDecision[] = [];
    lines.forEach((visit, i) => {
      const { line } = visit;
      if (visit.amount <= 0 || !isVisit(line.code)) return;
      const surgeries = byProvider.get(line.provider);
      if (!surgeries) return;
      let review: Surgery | undefined;
      for (const s of surgeries) {
        if (line.day < s.first || line.day > s.last) continue;
        const part = partOf(line.day, s.rule.line.day);
        if (exempt(line.modifiers, s.globalDays, part)) continue;
        if (s.globalDays === 'YYY') {
          review ??= s;
          continue;
        }
        const surgery = s.rule.line;
        const days = s.postDays;
        decisions.push({
          lineIndex: i,
          decision: 'denied',
          reduction: visit.amount,
          reason: 'BR-GLOBAL-SURGERY',
          message:
            `Line ${line.lineNumber} (${line.code}, ${line.dateOfService}) is an E/M visit by the same provider as surgery ` +
            `line ${surgery.lineNumber} (${surgery.code}, ${surgery.dateOfService}), ${when(part, line.day - surgery.day)}, ` +
            `inside its ${days}-day global period (GLOB DAYS ${s.globalDays}, ${dateOfDay(s.first)} to ${dateOfDay(s.last)}${s.state ? `; ${s.state.note}` : ''}): ` +
            `included in the surgery's payment and denied; ${modifierHint(s.globalDays, part)}.`,
          ...(s.state?.regulation ? { regulation: s.state.regulation } : {}),
        });
        return;
      }
      if (review) {
        const surgery = review.rule.line;
        decisions.push({
          lineIndex: i,
          decision: 'flagged',
          reduction: cents(0),
          message:
            `Line ${line.lineNumber} (${line.code}, ${line.dateOfService}) is an E/M visit by the same provider as surgery ` +
            `line ${surgery.lineNumber} (${surgery.code}, ${surgery.dateOfService}), whose global period the payer sets ` +
            `(GLOB DAYS YYY; looked at ${dateOfDay(review.first)} to ${dateOfDay(review.last)}): flagged for review, not reduced.`,
        });
      }
    });
    return decisions;
  },
};
