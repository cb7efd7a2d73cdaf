import { type Cents, cents, formatCents, parseSignedCents } from '../../engine/money.js';
import { BUCKETS, type Bucket } from '../../engine/priced-bill.js';
import type { BatchLineError, BatchResultRow, ExplainLevel } from './price.js';

/**
 * The summary of a batch (summary.json): counts of bills priced and failed, money totals over the
 * priced bills, and the failed lines with their errors. Built from partial tallies, one a chunk,
 * that travel as JSON (between worker threads, and from the chunk Lambdas to the final step through
 * S3), and merged in any order: the figures are sums, so the order of chunks cannot change them.
 */

/** The money of the priced bills, in whole cents (exact integers; see engine/money.ts). */
export interface MoneyTally {
  billed: number;
  allowed: number;
  withheld: number;
  unpricedBilled: number;
  buckets: Record<Bucket, number>;
}

/** A failed input line in the summary. */
export interface BatchErrorEntry {
  readonly line: number;
  readonly statusCode: number;
  readonly userMessage: string;
  readonly errors: BatchLineError['errors'];
}

/** A chunk's (or a whole batch's) tally: plain JSON. */
export interface BatchTally {
  /** Input lines seen. */
  bills: number;
  priced: number;
  failed: number;
  /** Bill lines over the priced bills, by status. */
  billLines: { lines: number; priced: number; denied: number; unpriced: number };
  money: MoneyTally;
  /** Failed input lines, in the order they were tallied. */
  errors: BatchErrorEntry[];
}

/**
 * An empty tally.
 *
 * @returns a tally of nothing
 */
export function emptyTally(): BatchTally {
  return {
    bills: 0,
    priced: 0,
    failed: 0,
    billLines: { lines: 0, priced: 0, denied: 0, unpriced: 0 },
    money: {
      billed: 0,
      allowed: 0,
      withheld: 0,
      unpricedBilled: 0,
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>,
    },
    errors: [],
  };
}

function add(a: number, b: number): Cents {
  // cents() refuses a sum beyond exact integers instead of losing a cent silently.
  return cents(a + b);
}

/**
 * Counts one result row into a tally (in place: a chunk tallies thousands of rows).
 *
 * @param tally - the tally to add to
 * @param row - a result row
 */
export function tallyRow(tally: BatchTally, row: BatchResultRow): void {
  tally.bills += 1;
  if ('error' in row) {
    tally.failed += 1;
    tally.errors.push({
      line: row.line,
      statusCode: row.error.statusCode,
      userMessage: row.error.userMessage,
      errors: row.error.errors,
    });
    return;
  }
  tally.priced += 1;
  const t = row.answer.totals;
  tally.billLines.lines += t.lines;
  tally.billLines.priced += t.pricedLines;
  tally.billLines.denied += t.deniedLines;
  tally.billLines.unpriced += t.unpricedLines;
  const m = tally.money;
  m.billed = add(m.billed, parseSignedCents(t.billed));
  m.allowed = add(m.allowed, parseSignedCents(t.allowed));
  m.withheld = add(m.withheld, parseSignedCents(t.withheld));
  m.unpricedBilled = add(m.unpricedBilled, parseSignedCents(t.unpricedBilled));
  for (const bucket of BUCKETS)
    m.buckets[bucket] = add(m.buckets[bucket], parseSignedCents(t.buckets[bucket]));
}

/**
 * Adds one tally to another (in place).
 *
 * @param into - the running tally
 * @param part - a chunk's tally
 */
export function mergeTally(into: BatchTally, part: BatchTally): void {
  into.bills += part.bills;
  into.priced += part.priced;
  into.failed += part.failed;
  for (const k of ['lines', 'priced', 'denied', 'unpriced'] as const) into.billLines[k] += part.billLines[k];
  const m = into.money;
  m.billed = add(m.billed, part.money.billed);
  m.allowed = add(m.allowed, part.money.allowed);
  m.withheld = add(m.withheld, part.money.withheld);
  m.unpricedBilled = add(m.unpricedBilled, part.money.unpricedBilled);
  for (const bucket of BUCKETS) m.buckets[bucket] = add(m.buckets[bucket], part.money.buckets[bucket]);
  for (const e of part.errors) into.errors.push(e);
}

/** summary.json. Money as the API writes it: strings with two decimals. */
export interface BatchSummary {
  readonly batchId: string;
  readonly format: string;
  readonly explain: ExplainLevel;
  /** Input lines: one result row each. */
  readonly bills: number;
  readonly priced: number;
  readonly failed: number;
  readonly billLines: BatchTally['billLines'];
  /**
   * Over the priced bills: `allowed` is what the fee schedule and the rules allow (what is payable;
   * the engine applies no deductible or payment made, so there is no separate paid figure), and
   * `buckets` holds the allowance by bucket (they sum to `allowed`).
   */
  readonly totals: {
    readonly billed: string;
    readonly allowed: string;
    readonly withheld: string;
    readonly unpricedBilled: string;
    readonly buckets: Readonly<Record<Bucket, string>>;
  };
  /** Failed input lines, by line number. */
  readonly errors: readonly BatchErrorEntry[];
}

/**
 * The summary of a finished batch.
 *
 * @param tally - every chunk's tally merged
 * @param about - the batch's id, input format and explanation level
 * @returns summary.json's content
 */
export function summaryOf(
  tally: BatchTally,
  about: { readonly batchId: string; readonly format: string; readonly explain: ExplainLevel },
): BatchSummary {
  const f = (value: number): string => formatCents(cents(value));
  return {
    batchId: about.batchId,
    format: about.format,
    explain: about.explain,
    bills: tally.bills,
    priced: tally.priced,
    failed: tally.failed,
    billLines: tally.billLines,
    totals: {
      billed: f(tally.money.billed),
      allowed: f(tally.money.allowed),
      withheld: f(tally.money.withheld),
      unpricedBilled: f(tally.money.unpricedBilled),
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, f(tally.money.buckets[b])])) as Record<
        Bucket,
        string
      >,
    },
    errors: [...tally.errors].sort((a, b) => a.line - b.line),
  };
}
