import { REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import type { NormalisedLine } from '../bill/normalise.js';
import type { VisitCategory } from '../bill/schema.js';
import { cents } from '../money.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * The chiropractic manipulative treatment (CMT) codes: 98940–98942 (the spinal codes, the only ones
 * Medicare pays a chiropractor for) and 98943 (the CMT code outside the spine, which Medicare does
 * not cover but which is a chiropractic visit all the same, and the limit counts visits, not
 * Medicare benefits). Source: National Government Services (a CMS Medicare contractor), "Medicare
 * Coverage of Chiropractic Services", which lists the four CMT codes and notes 98943 is not a
 * Medicare benefit:
 * https://ngsmedicare.com/en/web/ngs/chiropractic-services?selectedArticleId=995599
 */
const CHIROPRACTIC_CODES: ReadonlySet<string> = new Set(['98940', '98941', '98942', '98943']);

/**
 * The visit categories a line counts toward (several, or none), from what the bill itself shows:
 *
 * - chiropractic: a CMT code (98940–98943, see `CHIROPRACTIC_CODES`);
 * - physical therapy: modifier GP; occupational therapy: modifier GO. CMS requires these modifiers on
 *   every line of a service delivered under an outpatient physical (GP) or occupational (GO) therapy
 *   plan of care, whoever renders it (Medicare Claims Processing Manual, Chapter 5, § 20.1,
 *   "Discipline Specific Outpatient Rehabilitation Modifiers - All Claims",
 *   https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c05.pdf).
 *
 * Why modifiers and not codes: the physical medicine codes (the 97xxx family) are billed by physical
 * and occupational therapists, chiropractors and physicians alike, so a code says nothing of the
 * discipline; the plan-of-care modifier does. A bill carries no provider taxonomy, so a therapy line
 * sent without GP or GO counts toward neither category (it is not limited), and a chiropractor's
 * visit with no CMT line counts as no chiropractic visit. A line that names two categories (a CMT
 * code with GP, or both GP and GO) counts toward each: each says that discipline delivered it.
 *
 * @param line - a normalised line
 * @returns the categories it counts toward, in VISIT_CATEGORIES order
 */
export function visitCategoriesOf(line: NormalisedLine): VisitCategory[] {
  const out: VisitCategory[] = [];
  if (CHIROPRACTIC_CODES.has(line.code)) out.push('chiropractic');
  if (line.modifiers.includes('GP')) out.push('physicalTherapy');
  if (line.modifiers.includes('GO')) out.push('occupationalTherapy');
  return out;
}

const LABELS: Record<VisitCategory, string> = {
  chiropractic: 'chiropractic',
  physicalTherapy: 'physical therapy',
  occupationalTherapy: 'occupational therapy',
};

/**
 * Frequency limits: visits of a category beyond the jurisdiction's limit per injury are denied
 * (CARC 119), citing the limit's own source (California: 24 each of chiropractic, occupational and
 * physical therapy visits, Labor Code § 4604.5(c)(1)).
 *
 * How visits are counted, per category:
 * - A visit is a date of service with at least one line of the category still payable when this rule
 *   runs (several lines that day, from one provider or several, are one visit). A day whose lines the
 *   earlier edits denied in full (missing authorisation, duplicates) is not a visit paid, so it does
 *   not count, as the history (`priorVisits`) counts visits already paid.
 * - The count starts at the bill's `priorVisits` for the category (0 when not sent) and walks this
 *   bill's visits in date order; the bill is taken to be for one injury.
 * - Over the limit, every payable line of the category that day is denied for its current amount.
 *   Where the limit is `exemptWithAuthorization` (California § 4604.5(c)(2)(A): the employer may
 *   authorise additional visits in writing), a line carrying a prior authorisation is paid and
 *   flagged, so a reviewer can confirm the authorisation is one for visits beyond the limit.
 * - An authorised visit still counts toward the limit. The statute caps all visits per injury and
 *   makes authorised ones "additional" to it; `priorVisits` reports visits paid without telling
 *   authorised ones apart; and counting them the same way in the bill as in the history means a
 *   course of visits gets the same outcome however it is split across bills.
 *
 * Lines before a limit's `from` date neither count nor are limited.
 */
export const frequencyLimitRule: BillRule = {
  id: 'frequency-limits',
  title: 'Frequency limits (visits per injury)',
  stage: 'edit',
  regulation: REGULATIONS.frequencyLimits,
  appliesTo: (j, date) => (j.frequencyLimits ?? []).some((l) => l.from === undefined || l.from <= date),
  run(lines, ctx) {
    const decisions: RuleDecision[] = [];
    // A line two limits would deny (a CMT line with GP) is denied once.
    const denied = new Set<number>();
    for (const limit of ctx.jurisdiction.frequencyLimits ?? []) {
      const regulation: Regulation = { citation: limit.source.citation, url: limit.source.url };
      const byDay = new Map<number, number[]>();
      lines.forEach((l, i) => {
        if (limit.from !== undefined && l.line.dateOfService < limit.from) return;
        if (!visitCategoriesOf(l.line).includes(limit.category)) return;
        if (l.amount <= 0) return;
        const day = byDay.get(l.line.day);
        if (day) day.push(i);
        else byDay.set(l.line.day, [i]);
      });
      if (byDay.size === 0) continue;
      const prior = ctx.bill.priorVisits[limit.category] ?? 0;
      const label = LABELS[limit.category];
      const history = `${prior} prior visit${prior === 1 ? '' : 's'} reported`;
      let visit = prior;
      for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
        visit++;
        if (visit <= limit.maxVisits) continue;
        for (const i of byDay.get(day) ?? []) {
          const l = lines[i] as RuleLine;
          const head = `Line ${l.line.lineNumber} (${l.line.code}): ${label} visit ${visit} of ${limit.maxVisits} allowed per ${limit.per} (${limit.source.citation}); ${history}`;
          if (limit.exemptWithAuthorization && l.line.priorAuthorization !== undefined) {
            decisions.push({
              lineIndex: i,
              decision: 'flagged',
              reduction: cents(0),
              message: `${head}: paid, as it carries a prior authorisation; flagged to confirm the authorisation covers visits beyond the limit.`,
              regulation,
            });
            continue;
          }
          if (denied.has(i)) continue;
          denied.add(i);
          decisions.push({
            lineIndex: i,
            decision: 'denied',
            reduction: l.amount,
            reason: 'BR-FREQUENCY-LIMIT',
            message: `${head}: denied.`,
            regulation,
          });
        }
      }
    }
    return decisions;
  },
};
