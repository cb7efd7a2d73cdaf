import { isNpi } from '../../domain/npi.js';
import { SAFE_HARBOR_RESTRICTED_ZIP3 } from '../../domain/safe-harbor.js';
import type { NormalisedAnyBill } from '../../engine/bill/normalise-request.js';
import { type Cents, parseSignedCents } from '../../engine/money.js';
import type { PricedBill, PricedLine } from '../../engine/priced-bill.js';
import type { AnalyticsAdjustment, AnalyticsLineRecord, AnalyticsRuleDecision } from './record.js';

/**
 * Builds the analytics records of a priced bill (issue 19): one per line, no identifier of any
 * person. The records take only fields that every explanation level keeps in the engine's
 * `PricedBill` (what `priceBill`/`priceFacilityBill` return at `full`, `summary` or `none`, before
 * `answerAt` renders the answer): the level changes the words, never these fields, so a bill's
 * records are the same at every level (a property test holds it). The `summary` and `none`
 * *answers* cannot be used instead: they drop the fee schedule's edition, and `none` also drops the
 * dates of service, the location and the rules' decisions.
 */

/** What the pricing path knows besides the priced bill. */
export interface AnalyticsContext {
  /** The tenant from the token: the partition. */
  readonly tenant: string;
  /** When the bill was priced: only its UTC day is kept. */
  readonly pricedAt: Date;
  /** Milliseconds the bill took to price. */
  readonly pricingMs: number;
  /**
   * The rendering NPI of each line, in the order of `priced.lines` (see {@link renderingNpisOf});
   * a line without one takes the bill's rendering provider's.
   */
  readonly renderingNpis?: readonly (string | undefined)[];
}

/** HHS's restricted three-digit ZIPs (lambdas/domain/safe-harbor.ts), written "000". */
export const RESTRICTED_ZIP3: ReadonlySet<string> = SAFE_HARBOR_RESTRICTED_ZIP3;

/**
 * The first three digits of a ZIP as Safe Harbor allows them kept.
 *
 * @param zip - a five- or nine-digit ZIP ("85001", "85001-1234")
 * @returns "850", "000" for a restricted prefix, null when there is no ZIP of five digits
 */
export function zip3Of(zip: string | undefined): string | null {
  if (zip === undefined || !/^\d{5}(?:-?\d{4})?$/.test(zip)) return null;
  const prefix = zip.slice(0, 3);
  return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
}

/**
 * The rendering NPI of each priced line, from the normalised bill the pricing path priced
 * (`NormalisedLine.provider`: the line's rendering NPI, else the bill's rendering or billing NPI).
 * Facility lines carry none.
 *
 * @param bill - the normalised bill
 * @param priced - its priced bill
 * @returns one entry per `priced.lines`, undefined where the bill named no provider
 */
export function renderingNpisOf(bill: NormalisedAnyBill, priced: PricedBill): (string | undefined)[] {
  if (bill.billType !== 'professional') return priced.lines.map(() => undefined);
  const byLine = new Map<number, string>();
  for (const line of bill.lines) if (line.provider !== '') byLine.set(line.lineNumber, line.provider);
  return priced.lines.map((line) => byLine.get(line.lineNumber));
}

/**
 * The analytics records of a priced bill: one per line, amounts in whole cents.
 *
 * @param priced - the engine's priced bill, at any explanation level
 * @param context - tenant, pricing time and latency, rendering NPIs
 * @returns the records, in line order; the first has `first_line` true
 * @example analyticsRecordsOf(priceBill(index, bill, 'none'), { tenant: 't1', pricedAt: new Date(), pricingMs: 3 })
 */
export function analyticsRecordsOf(priced: PricedBill, context: AnalyticsContext): AnalyticsLineRecord[] {
  const professional = priced.billType === 'professional';
  const pricedOn = context.pricedAt.toISOString().slice(0, 10);
  const zip3 = zip3Of(priced.location.zip);
  const billingNpi = npiOrNull(priced.parties.billingProvider?.npi ?? priced.facility?.facility.npi);
  const renderingNpi = npiOrNull(priced.parties.renderingProvider?.npi);
  const typeOfBill = professional ? null : (priced.facility?.typeOfBill ?? null);
  return priced.lines.map((line, i) => {
    const buckets = line.buckets;
    return {
      priced_on: pricedOn,
      jurisdiction: priced.jurisdiction.id,
      bill_type: priced.billType,
      code: line.code,
      modifiers: line.modifiers.join(','),
      place_of_service: professional ? line.placeOfService : null,
      type_of_bill: typeOfBill,
      zip3,
      billing_npi: billingNpi,
      rendering_npi: npiOrNull(context.renderingNpis?.[i]) ?? renderingNpi,
      units: line.units,
      status: line.status,
      unpriced_reason: line.status === 'unpriced' ? (line.unpriced?.code ?? null) : null,
      billed_cents: parseSignedCents(line.billed),
      allowed_cents: centsOrNull(line.allowed),
      fee_schedule_cents: centsOrNull(buckets?.feeSchedule),
      bill_review_cents: centsOrNull(buckets?.billReview),
      ppo_cents: centsOrNull(buckets?.ppo),
      ur_cents: centsOrNull(buckets?.ur),
      negotiated_cents: centsOrNull(buckets?.negotiated),
      adjuster_cents: centsOrNull(buckets?.adjuster),
      customer_cents: centsOrNull(buckets?.customer),
      adjustments: line.adjustments.map(adjustmentOf),
      rules: line.rules.filter(actedOn).map(ruleOf),
      fee_method: line.feeSchedule?.method ?? null,
      edition: line.feeSchedule?.edition ?? null,
      first_line: i === 0,
      bill_lines: priced.lines.length,
      pricing_ms: context.pricingMs,
      tenant: context.tenant,
      month: line.dateOfService.slice(0, 7),
    };
  });
}

function centsOrNull(amount: string | null | undefined): Cents | null {
  return amount === null || amount === undefined ? null : parseSignedCents(amount);
}

/**
 * The codes and amount of an adjustment; its message, regulation and source text stay behind. An
 * external value's internal and state codes are the customer's own text (the bill schema lets them
 * be any upper-case word), so a record names it by its bucket instead (`EXT-PPO`): a claim number
 * typed into a code must not reach the store. The engine's own codes are kept as they are.
 */
function adjustmentOf(adjustment: PricedLine['adjustments'][number]): AnalyticsAdjustment {
  const external = adjustment.source !== undefined;
  return {
    bucket: adjustment.bucket,
    amount_cents: parseSignedCents(adjustment.amount),
    group_code: adjustment.groupCode,
    carc: adjustment.carc,
    rarc: adjustment.rarc ?? null,
    internal_code: external ? `EXT-${adjustment.bucket.toUpperCase()}` : adjustment.internalCode,
    state_code: external ? null : (adjustment.stateCode ?? null),
  };
}

/**
 * An NPI as the record keeps it: ten digits whose last is the Luhn check digit over the card issuer
 * prefix 80840 and the first nine (45 CFR 162.406; CMS, "Requirements for NPI check digit"). The
 * bill schemas take any short text in an NPI field; anything else (an SSN typed into it) is dropped.
 *
 * @param npi - as the bill gave it
 * @returns the NPI, or null
 */
export function npiOrNull(npi: string | undefined): string | null {
  return npi !== undefined && isNpi(npi) ? npi : null;
}

/**
 * Whether a rule's decision is kept: it reduced, denied or flagged the line. "no-change" (the rule
 * looked and did nothing) and "not-adopted" (the jurisdiction does not apply it: the same on every
 * line of the jurisdiction) were 13 entries on a typical line, 42% of its record's bytes, and every
 * byte is paid for on each priced bill (serialised, sent, converted) and by each Athena query that
 * reads the column; which rules ran is the jurisdiction's rule set (GET /v1/jurisdictions/{id}).
 */
function actedOn(rule: PricedLine['rules'][number]): boolean {
  return rule.decision !== 'no-change' && rule.decision !== 'not-adopted';
}

/** A rule's id and decision; its message stays behind. */
function ruleOf(rule: PricedLine['rules'][number]): AnalyticsRuleDecision {
  return { rule: rule.rule, decision: rule.decision };
}
