import { type InternalReasonCode, REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import type { ReviewLists } from '../bill/schema.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { cents } from '../money.js';
import type { BillRule, RuleContext, RuleDecision, RuleLine } from './types.js';

type ListKey = keyof ReviewLists & keyof NonNullable<Jurisdiction['reviewLists']>;

/** One list that names codes, whose it is, and what it cites. */
interface NamedList {
  readonly codes: ReadonlySet<string>;
  readonly action: 'deny' | 'flag';
  readonly owner: string;
  /** The jurisdiction's source; undefined for the customer's own list (the rule's default applies). */
  readonly regulation?: Regulation;
}

/** The jurisdiction's list and the customer's, in that order, for one requirement. */
function listsOf(key: ListKey, ctx: RuleContext): NamedList[] {
  const out: NamedList[] = [];
  const own = ctx.jurisdiction.reviewLists?.[key];
  if (own) {
    out.push({
      codes: new Set(own.codes),
      action: own.action,
      owner: `the ${ctx.jurisdiction.id} jurisdiction's list`,
      regulation: { citation: own.source.citation, url: own.source.url },
    });
  }
  const customer = ctx.bill.review[key];
  if (customer)
    out.push({ codes: new Set(customer.codes), action: customer.action, owner: "the customer's list" });
  return out;
}

/**
 * The shared check of the two list rules: a line whose code is on a list and lacks what the list
 * requires is denied (its whole current amount) when any list naming it says deny, else flagged
 * without reduction. A denial cites the jurisdiction's source when the jurisdiction's list denies,
 * else the rule's own regulation (the customer's policy, under the X12 reason code).
 */
function checkLists(
  lines: readonly RuleLine[],
  ctx: RuleContext,
  key: ListKey,
  lacks: (l: RuleLine) => boolean,
  reason: InternalReasonCode,
  need: string,
): RuleDecision[] {
  const lists = listsOf(key, ctx);
  if (lists.length === 0) return [];
  const decisions: RuleDecision[] = [];
  lines.forEach((l, lineIndex) => {
    const line = l.line;
    const naming = lists.filter((list) => list.codes.has(line.code));
    if (naming.length === 0 || !lacks(l)) return;
    const whose = naming.map((list) => list.owner).join(' and ');
    const denying = naming.filter((list) => list.action === 'deny');
    if (denying.length === 0) {
      decisions.push({
        lineIndex,
        decision: 'flagged',
        reduction: cents(0),
        message: `Line ${line.lineNumber}: ${line.code} needs ${need} (${whose}) and has none: flagged for review, not reduced.`,
      });
      return;
    }
    const regulation = denying.find((list) => list.regulation)?.regulation;
    decisions.push({
      lineIndex,
      decision: 'denied',
      reduction: l.amount,
      reason,
      message: `Line ${line.lineNumber}: ${line.code} needs ${need} (${whose}) and has none: denied.`,
      ...(regulation ? { regulation } : {}),
    });
  });
  return decisions;
}

/**
 * Prior authorisation: a line whose code is on the jurisdiction's or the customer's list of codes
 * that need prior authorisation, sent without `priorAuthorization`, is denied (CARC 197) or flagged,
 * as the list says. Runs everywhere: the lists themselves say who applies them.
 */
export const priorAuthorizationRule: BillRule = {
  id: 'prior-authorization',
  title: 'Prior authorisation required',
  stage: 'edit',
  regulation: REGULATIONS.priorAuthorization,
  appliesTo: () => true,
  run: (lines, ctx) =>
    checkLists(
      lines,
      ctx,
      'priorAuthorizationRequired',
      (l) => l.line.priorAuthorization === undefined,
      'BR-AUTH-MISSING',
      'prior authorisation',
    ),
};

/**
 * Documentation: a line whose code is on the jurisdiction's or the customer's list of codes that
 * need documentation, sent with no `documentation` attached, is denied (CARC 252, RARC M127) or
 * flagged, as the list says. Runs everywhere: the lists themselves say who applies them.
 */
export const documentationRule: BillRule = {
  id: 'documentation',
  title: 'Documentation required',
  stage: 'edit',
  regulation: REGULATIONS.documentation,
  appliesTo: () => true,
  run: (lines, ctx) =>
    checkLists(
      lines,
      ctx,
      'documentationRequired',
      (l) => l.line.documentation.length === 0,
      'BR-DOCUMENTATION-MISSING',
      'documentation',
    ),
};
