import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import {
  type InternalReasonCode,
  REASON_CODES,
  REGULATIONS,
  type Regulation,
  stateCodeOf,
} from '../adjustments/reason-codes.js';
import { type Cents, cents, formatCents } from '../money.js';
import type { Adjustment, BillTotals, Bucket, Buckets, EditionUsed, PricedBill } from '../priced-bill.js';

/**
 * The assemble stage shared by every bill type: adjustments from internal reason codes, a line's
 * buckets, the bill's totals, the editions it used and its dates. A bill type builds its own line
 * objects (lambdas/engine/stages/assemble-professional.ts for professional lines) and hands the
 * parts here, so every answer adds up the same way.
 */

/** One reduction of a line's allowance, in cents, in the bucket that withheld it (negative: added). */
export interface Reduction {
  readonly bucket: Bucket;
  readonly cents: Cents;
}

/** A line that records its reductions (every adjustment built for it adds one) and its allowance. */
export interface AdjustedLine {
  /** Every adjustment's reduction, in the order made; the buckets and totals are summed from them. */
  reductions: Reduction[];
  /** The allowed amount, in cents, once the line is assembled. */
  allowed: Cents;
}

/** What the bill totals need of each line once it is assembled. */
export interface TotalsLine {
  /** The billed charge, in cents. */
  readonly charge: Cents;
  readonly status: 'priced' | 'denied' | 'unpriced';
  readonly allowed: Cents;
  readonly reductions: readonly Reduction[];
}

/**
 * An adjustment of the fee schedule or a rule, from one of our internal reason codes: its group
 * code, CARC and RARC from REASON_CODES, and the state's own code where the jurisdiction maps one.
 * Records the reduction on the line for its buckets and the bill's totals.
 *
 * @param item - the line (its `reductions` receive the amount)
 * @param jurisdictionId - the bill's jurisdiction ("TX"), for the state's own code
 * @param reason - the internal reason code
 * @param amount - cents withheld
 * @param message - why, in plain words with the numbers
 * @param regulation - the rule applied (default: the RVU file's documentation)
 * @param bucket - the bucket that withholds it (default: feeSchedule; rules use billReview)
 * @returns the adjustment
 * @example reasonAdjustment(line, 'US-MEDICARE', 'FS-MAX', cents(6118), 'Billed 150.00 is above …', REGULATIONS.lesserOf)
 */
export function reasonAdjustment(
  item: Pick<AdjustedLine, 'reductions'>,
  jurisdictionId: string,
  reason: InternalReasonCode,
  amount: Cents,
  message: string,
  regulation: Regulation = REGULATIONS.rvuFile,
  bucket: Bucket = 'feeSchedule',
): Adjustment {
  const code = REASON_CODES[reason];
  const stateCode = stateCodeOf(reason, jurisdictionId);
  item.reductions.push({ bucket, cents: amount });
  // Fields assigned in the answer's key order rather than spread: a spread in a literal takes V8's
  // slow path, and every line of every bill builds adjustments.
  const out: { -readonly [K in keyof Adjustment]: Adjustment[K] } = {
    bucket,
    amount: formatCents(amount),
    internalCode: code.internalCode,
    groupCode: code.groupCode,
    carc: code.carc,
  } as Adjustment;
  if ('rarc' in code) out.rarc = code.rarc;
  if (stateCode !== undefined) out.stateCode = stateCode;
  out.message = message;
  out.regulation = regulation;
  return out;
}

/** Cents as money, with the common zero written once. */
function money(value: number): string {
  return value === 0 ? '0.00' : formatCents(cents(value));
}

/**
 * Buckets from what each bucket withheld: the fee schedule bucket is the charge less its
 * withholding, every other bucket less its own (so they sum to allowed).
 *
 * @param charge - billed cents (of a line, or of a bill's priced and denied lines)
 * @param withheld - cents each bucket withheld
 * @returns the buckets, as money
 */
export function bucketsFrom(charge: number, withheld: (bucket: Bucket) => number): Buckets {
  return {
    feeSchedule: money(charge - withheld('feeSchedule')),
    billReview: money(-withheld('billReview')),
    ppo: money(-withheld('ppo')),
    ur: money(-withheld('ur')),
    negotiated: money(-withheld('negotiated')),
    adjuster: money(-withheld('adjuster')),
    customer: money(-withheld('customer')),
  };
}

/**
 * A line's buckets from the reductions its adjustments recorded.
 *
 * @param charge - the line's billed charge, in cents
 * @param reductions - the line's reductions (from `reasonAdjustment` and `externalAdjustment`)
 * @returns the buckets, which sum to the line's allowance
 */
export function lineBuckets(charge: Cents, reductions: readonly Reduction[]): Buckets {
  return bucketsFrom(charge, (bucket) => {
    let n = 0;
    for (const r of reductions) if (r.bucket === bucket) n += r.cents;
    return n;
  });
}

/**
 * The bill's totals from its assembled lines: billed, allowed, withheld (of the lines we priced or
 * denied), withheld by bucket, the buckets of the bill, what was billed on lines we could not price,
 * and the counts.
 *
 * @param lines - every line of the bill, in order
 * @returns the totals as the answer carries them
 */
export function billTotals(lines: readonly TotalsLine[]): BillTotals {
  let billed = 0;
  let allowed = 0;
  let unpricedBilled = 0;
  let priced = 0;
  let denied = 0;
  const byBucket = new Map<Bucket, number>();
  for (const line of lines) {
    billed += line.charge;
    if (line.status === 'unpriced') {
      unpricedBilled += line.charge;
      continue;
    }
    if (line.status === 'priced') priced++;
    else denied++;
    allowed += line.allowed;
    for (const r of line.reductions) byBucket.set(r.bucket, (byBucket.get(r.bucket) ?? 0) + r.cents);
  }
  const withheldByBucket: Partial<Record<Bucket, string>> = {};
  for (const [bucket, total] of byBucket) withheldByBucket[bucket] = formatCents(cents(total));
  return {
    billed: formatCents(cents(billed)),
    allowed: formatCents(cents(allowed)),
    withheld: formatCents(cents(billed - unpricedBilled - allowed)),
    withheldByBucket,
    buckets: bucketsFrom(billed - unpricedBilled, (bucket) => byBucket.get(bucket) ?? 0),
    unpricedBilled: formatCents(cents(unpricedBilled)),
    lines: lines.length,
    pricedLines: priced,
    deniedLines: denied,
    unpricedLines: lines.length - priced - denied,
  };
}

/**
 * The bill's notices from its lines' notices: each once, in the order first met.
 *
 * @param lines - the assembled lines
 * @returns the distinct notices
 */
export function lineNotices(lines: readonly { readonly notices: readonly string[] }[]): string[] {
  const seen = new Set<string>();
  for (const line of lines) for (const notice of line.notices) seen.add(notice);
  return [...seen];
}

/**
 * The answer's `editions` from the editions the bill used, each once, in the order first met.
 *
 * @param editions - the editions as the index describes them
 * @returns the editions used, as the answer carries them
 */
export function editionsFromInfos(editions: Iterable<EditionInfo>): EditionUsed[] {
  const seen = new Map<string, EditionInfo>();
  for (const e of editions) seen.set(e.id, e);
  return [...seen.values()].map((e) => ({
    id: e.id,
    label: e.label,
    file: e.source.file,
    sha256: e.source.sha256,
    complete: e.complete,
    sampled: e.sampled,
  }));
}

/**
 * The answer's `editions` from edition ids (a facility method's `FacilityPricing.editions`, a
 * step's `source.edition`), each once, in the order first met; an id the index does not hold is
 * left out (it cannot be described).
 *
 * @param index - the fee index that holds the editions
 * @param ids - edition ids, "pfs-rvu/2025"
 * @returns the editions used, as the answer carries them
 */
export function editionsUsed(index: FeeIndex, ids: Iterable<string | undefined>): EditionUsed[] {
  const infos: EditionInfo[] = [];
  for (const id of ids) {
    const info = id === undefined ? undefined : index.editionById(id);
    if (info) infos.push(info);
  }
  return editionsFromInfos(infos);
}

/**
 * The bill's first and last dates of service, and its received date when it has one.
 *
 * @param dates - the lines' dates of service (ISO), in line order
 * @param receivedDate - when the bill was received, if it says
 * @returns the answer's `dates`
 */
export function serviceDates(
  dates: readonly string[],
  receivedDate: string | undefined,
): PricedBill['dates'] {
  let first = dates[0] ?? '';
  let last = first;
  for (const date of dates) {
    if (date < first) first = date;
    if (date > last) last = date;
  }
  return {
    firstService: first,
    lastService: last,
    ...(receivedDate === undefined ? {} : { received: receivedDate }),
  };
}
