import { type Cents, cents, formatCents, parseSignedCents, ZERO_CENTS } from '../money.js';
import { BUCKETS, type Bucket, type Buckets, type PricedBill, type PricedLine } from '../priced-bill.js';

/**
 * The delta between two sequences of one Recon: what the payer owes on top of what the prior
 * sequence allowed, or what it overpaid. Pure: two priced bills in, the delta out, in whole cents.
 */

/** How a line of the new sequence was paired with one of the prior sequence. */
export type LineMatch = 'line-number' | 'code-date-modifiers' | 'added' | 'removed';

/** A prior/current pair of amounts with the signed change (current less prior). */
export interface AmountChange {
  readonly prior: string;
  readonly current: string;
  readonly change: string;
}

/** One line of the delta. */
export interface LineDelta {
  readonly match: LineMatch;
  /** The line number in the new sequence; null for a removed line. */
  readonly lineNumber: number | null;
  /** The line number in the prior sequence; null for an added line. */
  readonly priorLineNumber: number | null;
  readonly code: string;
  readonly dateOfService: string;
  readonly modifiers: readonly string[];
  /** A facility line's revenue code (null on an ASC line from a CMS-1500); absent on professional lines. */
  readonly revenueCode?: string | null;
  readonly status: {
    readonly prior: PricedLine['status'] | null;
    readonly current: PricedLine['status'] | null;
  };
  readonly billed: AmountChange;
  /** Unpriced lines count as nothing allowed: a delta never pays what we could not price. */
  readonly allowed: AmountChange;
  /** The change of every bucket (current less prior). */
  readonly buckets: Buckets;
  /** The line has no allowed amount in one of the two sequences (an `unpriced` line). */
  readonly unpriced: boolean;
}

/** The delta of a whole sequence against the one it replaces. */
export interface ReconDelta {
  /** The sequence it was computed against; null when this is the first one stored. */
  readonly againstSequence: number | null;
  readonly lines: readonly LineDelta[];
  readonly counts: {
    readonly matched: number;
    readonly changed: number;
    readonly added: number;
    readonly removed: number;
  };
  readonly totals: {
    readonly billed: AmountChange;
    readonly allowed: AmountChange;
    readonly buckets: Buckets;
  };
  /** Signed: positive is an additional amount due, negative an overpayment to recover. */
  readonly total: string;
  readonly direction: 'additional-payment' | 'overpayment' | 'no-change';
  /** What to pay now (zero when nothing is due). */
  readonly additionalAmountDue: string;
  /** What to recover (zero when nothing was overpaid). */
  readonly overpayment: string;
}

const NO_LINES: readonly PricedLine[] = [];

/**
 * What a line bills: its code, date and modifiers, and on a facility bill its revenue code too (the
 * same HCPCS under two revenue codes is two services; a revenue-code-only line is named by it).
 */
function serviceKey(line: PricedLine): string {
  const key = `${line.code}|${line.dateOfService}|${line.modifiers.join(',')}`;
  return line.facility ? `${key}|${line.facility.revenueCode ?? ''}` : key;
}

function allowedCents(line: PricedLine | undefined): Cents {
  return line?.allowed == null ? ZERO_CENTS : parseSignedCents(line.allowed);
}

function bucketCents(line: PricedLine | undefined, bucket: Bucket): Cents {
  const value = line?.buckets?.[bucket];
  return value === undefined ? ZERO_CENTS : parseSignedCents(value);
}

function change(prior: Cents, current: Cents): AmountChange {
  return {
    prior: formatCents(prior),
    current: formatCents(current),
    change: formatCents(cents(current - prior)),
  };
}

function bucketChanges(prior: PricedLine | undefined, current: PricedLine | undefined): Buckets {
  const out = {} as Record<Bucket, string>;
  for (const bucket of BUCKETS) {
    out[bucket] = formatCents(cents(bucketCents(current, bucket) - bucketCents(prior, bucket)));
  }
  return out;
}

function lineDelta(
  match: LineMatch,
  prior: PricedLine | undefined,
  current: PricedLine | undefined,
): LineDelta {
  const shown = (current ?? prior) as PricedLine;
  return {
    match,
    lineNumber: current?.lineNumber ?? null,
    priorLineNumber: prior?.lineNumber ?? null,
    code: shown.code,
    dateOfService: shown.dateOfService,
    modifiers: shown.modifiers,
    ...(shown.facility ? { revenueCode: shown.facility.revenueCode } : {}),
    status: { prior: prior?.status ?? null, current: current?.status ?? null },
    billed: change(
      prior ? parseSignedCents(prior.billed) : ZERO_CENTS,
      current ? parseSignedCents(current.billed) : ZERO_CENTS,
    ),
    allowed: change(allowedCents(prior), allowedCents(current)),
    buckets: bucketChanges(prior, current),
    unpriced:
      (prior !== undefined && prior.allowed === null) || (current !== undefined && current.allowed === null),
  };
}

/**
 * Pairs the lines of two sequences. First by line number, where the two lines describe the same
 * service (code and date of service; a correction may change modifiers, units or charge); then the
 * remaining lines by code, date and modifiers together, in line-number order, so a renumbered bill
 * still pairs its services; whatever is left was added or removed. A line number alone never pairs
 * two different services: a corrected code shows as one line removed and one added.
 *
 * @param prior - lines of the sequence being replaced
 * @param current - lines of the new sequence
 * @returns pairs in the new sequence's line order, then the removed lines in the prior order
 */
export function matchLines(
  prior: readonly PricedLine[],
  current: readonly PricedLine[],
): { readonly match: LineMatch; readonly prior?: PricedLine; readonly current?: PricedLine }[] {
  const byNumber = new Map<number, PricedLine>();
  for (const line of prior) byNumber.set(line.lineNumber, line);
  const pairedPrior = new Set<PricedLine>();
  const pairs = new Map<PricedLine, { match: LineMatch; prior: PricedLine }>();

  for (const line of current) {
    const candidate = byNumber.get(line.lineNumber);
    if (
      candidate &&
      candidate.code === line.code &&
      candidate.dateOfService === line.dateOfService &&
      candidate.facility?.revenueCode === line.facility?.revenueCode
    ) {
      pairs.set(line, { match: 'line-number', prior: candidate });
      pairedPrior.add(candidate);
    }
  }
  const byService = new Map<string, PricedLine[]>();
  for (const line of [...prior].sort((a, b) => a.lineNumber - b.lineNumber)) {
    if (pairedPrior.has(line)) continue;
    const key = serviceKey(line);
    const list = byService.get(key);
    if (list) list.push(line);
    else byService.set(key, [line]);
  }
  for (const line of [...current].sort((a, b) => a.lineNumber - b.lineNumber)) {
    if (pairs.has(line)) continue;
    const candidate = byService.get(serviceKey(line))?.shift();
    if (candidate) {
      pairs.set(line, { match: 'code-date-modifiers', prior: candidate });
      pairedPrior.add(candidate);
    }
  }

  const out: { match: LineMatch; prior?: PricedLine; current?: PricedLine }[] = [];
  for (const line of current) {
    const pair = pairs.get(line);
    out.push(
      pair ? { match: pair.match, prior: pair.prior, current: line } : { match: 'added', current: line },
    );
  }
  for (const line of prior) {
    if (!pairedPrior.has(line)) out.push({ match: 'removed', prior: line });
  }
  return out;
}

/**
 * The delta of a new sequence against the one it replaces: per line (matched by
 * {@link matchLines}) and per bucket, added and removed lines, and the total to pay or recover.
 * Every figure is a difference of whole cents, so the line changes sum exactly to the total.
 *
 * @param prior - the priced bill of the latest stored sequence, or null when there is none
 * @param current - the priced bill of the new sequence
 * @param againstSequence - the prior sequence's number (null with no prior)
 * @returns the delta
 * @example
 * const delta = reconDelta(sequence1, sequence2, 1);
 * delta.total; // "12.40": pay 12.40 more than sequence 1 allowed
 */
export function reconDelta(
  prior: PricedBill | null,
  current: PricedBill,
  againstSequence: number | null,
): ReconDelta {
  const pairs = matchLines(prior?.lines ?? NO_LINES, current.lines);
  const lines = pairs.map((pair) => lineDelta(pair.match, pair.prior, pair.current));

  let billedPrior = 0;
  let billedCurrent = 0;
  let allowedPrior = 0;
  let allowedCurrent = 0;
  const bucketTotals = new Map<Bucket, number>(BUCKETS.map((b) => [b, 0]));
  let changed = 0;
  for (const [i, pair] of pairs.entries()) {
    const delta = lines[i] as LineDelta;
    billedPrior += pair.prior ? parseSignedCents(pair.prior.billed) : 0;
    billedCurrent += pair.current ? parseSignedCents(pair.current.billed) : 0;
    allowedPrior += allowedCents(pair.prior);
    allowedCurrent += allowedCents(pair.current);
    for (const bucket of BUCKETS) {
      bucketTotals.set(bucket, (bucketTotals.get(bucket) ?? 0) + parseSignedCents(delta.buckets[bucket]));
    }
    if (
      pair.prior &&
      pair.current &&
      (delta.allowed.change !== '0.00' ||
        delta.billed.change !== '0.00' ||
        pair.prior.status !== pair.current.status ||
        pair.prior.units !== pair.current.units)
    ) {
      changed += 1;
    }
  }
  const buckets = {} as Record<Bucket, string>;
  for (const bucket of BUCKETS) buckets[bucket] = formatCents(cents(bucketTotals.get(bucket) ?? 0));
  const total = cents(allowedCurrent - allowedPrior);

  return {
    againstSequence: prior === null ? null : againstSequence,
    lines,
    counts: {
      matched: pairs.filter((p) => p.match === 'line-number' || p.match === 'code-date-modifiers').length,
      changed,
      added: pairs.filter((p) => p.match === 'added').length,
      removed: pairs.filter((p) => p.match === 'removed').length,
    },
    totals: {
      billed: change(cents(billedPrior), cents(billedCurrent)),
      allowed: change(cents(allowedPrior), cents(allowedCurrent)),
      buckets,
    },
    total: formatCents(total),
    direction: total > 0 ? 'additional-payment' : total < 0 ? 'overpayment' : 'no-change',
    additionalAmountDue: formatCents(total > 0 ? total : ZERO_CENTS),
    overpayment: formatCents(total < 0 ? cents(-total) : ZERO_CENTS),
  };
}
