import type { GroupCode } from './adjustments/reason-codes.js';
import type { Parties } from './bill/normalise.js';
import type { FacilityBillType } from './facility/types.js';
import {
  type Adjustment,
  type BillTotals,
  BUCKETS,
  type Bucket,
  type Buckets,
  type EditionUsed,
  type ExplanationStep,
  type FeeScheduleAmount,
  type LineStatus,
  type PricedBill,
  type PricedLine,
  type UnpricedReason,
} from './priced-bill.js';

/**
 * Explanation levels (issue 17, § 1): how much of the "why" an answer carries. `full` is the
 * answer as it has always been (every step's text and inputs, every regulation inline); `summary`
 * keeps the amounts, buckets, adjustments with their codes, each rule's decision and references to
 * the source rows, with each regulation and each rule trace once per answer; `none` keeps amounts
 * and codes. The amounts are the same at every level (a property test holds it): a level changes
 * what is said, never what is paid.
 */

/** The levels, in decreasing size. */
export const EXPLAIN_LEVELS = ['full', 'summary', 'none'] as const;

export type ExplainLevel = (typeof EXPLAIN_LEVELS)[number];

/** What an answer carries when the request names no level. */
export const DEFAULT_EXPLAIN: ExplainLevel = 'full';

/** Options of `priceRequest` (and of the pricers it calls). */
export interface PriceOptions {
  /** Default `full`. `summary` and `none` skip building the text they would drop. */
  readonly explain?: ExplainLevel;
  /** The tenant whose contracts apply (issue 20); none: no contract applies. */
  readonly tenant?: string;
}

/**
 * True for a value that names a level.
 *
 * @param value - anything
 * @returns whether it is "full", "summary" or "none"
 */
export function isExplainLevel(value: unknown): value is ExplainLevel {
  return value === 'full' || value === 'summary' || value === 'none';
}

/** A regulation or source cited once per answer and referenced by its id ("r1"). */
export interface Citation {
  readonly citation: string;
  readonly url?: string;
}

/** A rule's decision on a line, without its words: [rule id, decision]. */
export type RuleDecision = readonly [rule: string, decision: PricedLine['rules'][number]['decision']];

/** An adjustment with its amount and codes; its regulation is an id of `references.regulations`. */
export interface SummaryAdjustment {
  readonly bucket: Bucket;
  readonly amount: string;
  readonly internalCode: string;
  readonly groupCode: GroupCode;
  readonly carc: string;
  readonly rarc?: string;
  readonly stateCode?: string;
  /** Id in `references.regulations`. */
  readonly regulation?: string;
  readonly source?: string;
}

/** A facility line's method facts, with the wage index's value but not its words. */
export interface SummaryFacilityLine {
  readonly revenueCode: string | null;
  readonly method: NonNullable<PricedLine['facility']>['method'];
  readonly indicator: string | null;
  readonly apc: string | null;
  readonly wageIndex: {
    readonly value: string;
    readonly cbsa: string;
    readonly basis: string;
    readonly edition: string;
  } | null;
  readonly packagedInto: number | null;
  readonly factor: {
    readonly value: string;
    readonly category: string;
    readonly edition: string;
    /** Id in `references.regulations`. */
    readonly source: string;
  } | null;
}

/** A line's allowance by bucket, naming only the buckets that hold an amount. */
export type SparseBuckets = Readonly<Partial<Record<Bucket, string>>>;

/** The fee schedule amount; its edition, locality and rows are the line's sources. */
export interface SummaryFeeSchedule {
  readonly method: FeeScheduleAmount['method'];
  readonly unitAmount: string;
  readonly amount: string;
}

/** A line at `explain=summary`: the full line's identity and amounts, its words replaced by references. */
export interface SummaryLine
  extends Pick<
    PricedLine,
    | 'lineNumber'
    | 'code'
    | 'modifiers'
    | 'dateOfService'
    | 'units'
    | 'placeOfService'
    | 'billed'
    | 'status'
    | 'allowed'
    | 'withheld'
  > {
  readonly feeSchedule: SummaryFeeSchedule | null;
  readonly adjustments: readonly SummaryAdjustment[];
  /** The buckets that hold an amount; a bucket not named holds 0.00. Null when the line is unpriced. */
  readonly buckets: SparseBuckets | null;
  readonly unpriced?: UnpricedReason;
  /** Id in `references.rules`: the decision of every rule that looked at the line. */
  readonly rules: string;
  /** The official rows behind the line's numbers, "pfs-rvu/2025#7836" (edition id # physical line). */
  readonly sources: readonly string[];
  readonly supplied?: PricedLine['supplied'];
  readonly facility?: SummaryFacilityLine;
}

/** The facility block without its words (grouping text, claim steps): their source rows instead. */
export interface SummaryFacilityBill {
  readonly typeOfBill: string | null;
  readonly facility: NonNullable<PricedBill['facility']>['facility'];
  readonly drg: string | null;
  readonly admissionDate: string | null;
  readonly dischargeDate: string | null;
  readonly dischargeStatus: string | null;
  readonly diagnoses: readonly string[];
  readonly method: string;
  readonly sources: readonly string[];
}

/** The answer at `explain=summary`. */
export interface SummaryPricedBill {
  readonly explain: 'summary';
  readonly billId?: string;
  readonly billReference?: string;
  readonly jurisdiction: PricedBill['jurisdiction'];
  readonly billType: 'professional' | FacilityBillType;
  readonly dataRelease: string;
  readonly location: PricedBill['location'];
  readonly parties: Parties;
  readonly dates: PricedBill['dates'];
  readonly lines: readonly SummaryLine[];
  readonly totals: BillTotals;
  readonly editions: readonly EditionUsed[];
  readonly notices: readonly string[];
  /** Blocks the lines share, once each: regulations ("r1") and rule traces ("t1"). */
  readonly references: {
    readonly regulations: Readonly<Record<string, Citation>>;
    readonly rules: Readonly<Record<string, readonly RuleDecision[]>>;
  };
  readonly facility?: SummaryFacilityBill;
}

/** An adjustment at `explain=none`: amount and codes. */
export interface AmountsAdjustment {
  readonly bucket: Bucket;
  readonly amount: string;
  readonly internalCode: string;
  readonly groupCode: GroupCode;
  readonly carc: string;
  readonly rarc?: string;
  readonly stateCode?: string;
}

export interface AmountsLine {
  readonly lineNumber: number;
  readonly code: string;
  readonly modifiers: readonly string[];
  readonly units: number;
  /** Facility lines: the revenue code. */
  readonly revenueCode?: string | null;
  readonly billed: string;
  readonly status: LineStatus;
  readonly allowed: string | null;
  readonly withheld: string | null;
  readonly adjustments: readonly AmountsAdjustment[];
  /** The buckets that hold an amount; a bucket not named holds 0.00. Null when the line is unpriced. */
  readonly buckets: SparseBuckets | null;
  readonly unpriced?: { readonly code: UnpricedReason['code'] };
  readonly supplied?: PricedLine['supplied'];
}

/** The answer at `explain=none`. */
export interface AmountsPricedBill {
  readonly explain: 'none';
  readonly billId?: string;
  readonly billReference?: string;
  readonly jurisdiction: { readonly id: string };
  readonly billType: 'professional' | FacilityBillType;
  readonly dataRelease: string;
  readonly lines: readonly AmountsLine[];
  readonly totals: BillTotals;
}

/** An answer at any level. */
export type PricedAnswer = PricedBill | SummaryPricedBill | AmountsPricedBill;

/** Regulations and sources met in order, each given an id once ("r1"): the same object is looked up by identity (most are shared constants), another with the same words by its text. */
class Citations {
  readonly out: Record<string, Citation> = {};
  private readonly byObject = new Map<Citation, string>();
  private readonly byText = new Map<string, string>();
  private next = 1;

  id(c: Citation): string {
    const known = this.byObject.get(c);
    if (known !== undefined) return known;
    const text = c.url === undefined ? c.citation : `${c.citation}\n${c.url}`;
    let id = this.byText.get(text);
    if (id === undefined) {
      id = `r${this.next++}`;
      this.byText.set(text, id);
      this.out[id] = c.url === undefined ? { citation: c.citation } : { citation: c.citation, url: c.url };
    }
    this.byObject.set(c, id);
    return id;
  }
}

/** Rule traces met in order, each given an id once ("t1"); a bill has a handful, compared one by one. */
class Traces {
  readonly out: Record<string, readonly RuleDecision[]> = {};
  private readonly seen: { readonly id: string; readonly rules: PricedLine['rules'] }[] = [];

  id(rules: PricedLine['rules']): string {
    for (const known of this.seen) if (sameDecisions(known.rules, rules)) return known.id;
    const id = `t${this.seen.length + 1}`;
    this.seen.push({ id, rules });
    const decisions: RuleDecision[] = [];
    for (const r of rules) decisions.push([r.rule, r.decision]);
    this.out[id] = decisions;
    return id;
  }
}

function sameDecisions(a: PricedLine['rules'], b: PricedLine['rules']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as PricedLine['rules'][number];
    const y = b[i] as PricedLine['rules'][number];
    if (x.rule !== y.rule || x.decision !== y.decision) return false;
  }
  return true;
}

/** The source rows of steps, each once, in order: "edition#line". */
function sourcesOf(steps: readonly ExplanationStep[]): string[] {
  const out: string[] = [];
  for (const step of steps) {
    const s = step.source;
    if (s === undefined) continue;
    const ref = `${s.edition}#${s.line}`;
    if (!out.includes(ref)) out.push(ref);
  }
  return out;
}

// The builders below assign optional fields after the literal rather than spreading: the answer's
// key order is the same, and a lean answer is built in a fraction of the time spreads take.

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function summaryAdjustment(a: Adjustment, citations: Citations): SummaryAdjustment {
  // The amounts and codes as at `none`, then what the summary adds: the same key order as before.
  const out: Mutable<SummaryAdjustment> = amountsAdjustment(a);
  if (a.regulation !== undefined) out.regulation = citations.id(a.regulation);
  if (a.source !== undefined) out.source = a.source;
  return out;
}

function summaryFacilityLine(
  f: NonNullable<PricedLine['facility']>,
  citations: Citations,
): SummaryFacilityLine {
  const w = f.wageIndex;
  return {
    revenueCode: f.revenueCode,
    method: f.method,
    indicator: f.indicator,
    apc: f.apc,
    wageIndex: w === null ? null : { value: w.value, cbsa: w.cbsa, basis: w.basis, edition: w.edition },
    packagedInto: f.packagedInto,
    factor:
      f.factor === null
        ? null
        : {
            value: f.factor.value,
            category: f.factor.category,
            edition: f.factor.edition,
            source: citations.id(f.factor.source),
          },
  };
}

function summaryFee(fee: FeeScheduleAmount | null): SummaryFeeSchedule | null {
  return fee === null ? null : { method: fee.method, unitAmount: fee.unitAmount, amount: fee.amount };
}

/** The buckets that hold an amount (a bucket not named holds 0.00). */
function sparseBuckets(buckets: Buckets | null): Partial<Record<Bucket, string>> | null {
  if (buckets === null) return null;
  const out: Partial<Record<Bucket, string>> = {};
  for (const bucket of BUCKETS) {
    const amount = buckets[bucket];
    if (amount !== '0.00') out[bucket] = amount;
  }
  return out;
}

function summaryLine(line: PricedLine, citations: Citations, traces: Traces): SummaryLine {
  const adjustments: SummaryAdjustment[] = [];
  for (const a of line.adjustments) adjustments.push(summaryAdjustment(a, citations));
  const out: Mutable<SummaryLine> = {
    lineNumber: line.lineNumber,
    code: line.code,
    modifiers: line.modifiers,
    dateOfService: line.dateOfService,
    units: line.units,
    placeOfService: line.placeOfService,
    billed: line.billed,
    status: line.status,
    feeSchedule: summaryFee(line.feeSchedule),
    allowed: line.allowed,
    withheld: line.withheld,
    adjustments,
    buckets: sparseBuckets(line.buckets),
    rules: traces.id(line.rules),
    sources: sourcesOf(line.explanation),
  };
  if (line.unpriced !== undefined) out.unpriced = line.unpriced;
  if (line.supplied !== undefined) out.supplied = line.supplied;
  if (line.facility !== undefined) out.facility = summaryFacilityLine(line.facility, citations);
  return out;
}

/**
 * The summary of a priced bill: the same amounts, with each regulation and rule trace once per
 * answer and the lines referencing them by id, the explanation steps reduced to their source rows.
 * Works on a full answer and on the lean one `priceRequest` builds for `summary` (the steps a lean
 * pricing skips carry no source row).
 *
 * @param bill - the priced bill
 * @returns the answer at `explain=summary`
 * @example summariseBill(priceRequest(index, bill)).references.regulations.r1
 */
export function summariseBill(bill: PricedBill): SummaryPricedBill {
  const citations = new Citations();
  const traces = new Traces();
  const lines: SummaryLine[] = [];
  for (const line of bill.lines) lines.push(summaryLine(line, citations, traces));
  const out: Mutable<SummaryPricedBill> = { explain: 'summary' } as Mutable<SummaryPricedBill>;
  if (bill.billId !== undefined) out.billId = bill.billId;
  if (bill.billReference !== undefined) out.billReference = bill.billReference;
  out.jurisdiction = bill.jurisdiction;
  out.billType = bill.billType;
  out.dataRelease = bill.dataRelease;
  out.location = bill.location;
  out.parties = bill.parties;
  out.dates = bill.dates;
  out.lines = lines;
  out.totals = bill.totals;
  out.editions = bill.editions;
  out.notices = bill.notices;
  out.references = { regulations: citations.out, rules: traces.out };
  const f = bill.facility;
  if (f !== undefined) {
    out.facility = {
      typeOfBill: f.typeOfBill,
      facility: f.facility,
      drg: f.drg,
      admissionDate: f.admissionDate,
      dischargeDate: f.dischargeDate,
      dischargeStatus: f.dischargeStatus,
      diagnoses: f.diagnoses,
      method: f.method,
      sources: sourcesOf(f.steps),
    };
  }
  return out;
}

function amountsAdjustment(a: Adjustment): AmountsAdjustment {
  const out: Mutable<AmountsAdjustment> = {
    bucket: a.bucket,
    amount: a.amount,
    internalCode: a.internalCode,
    groupCode: a.groupCode,
    carc: a.carc,
  };
  if (a.rarc !== undefined) out.rarc = a.rarc;
  if (a.stateCode !== undefined) out.stateCode = a.stateCode;
  return out;
}

function amountsLine(line: PricedLine): AmountsLine {
  const adjustments: AmountsAdjustment[] = [];
  for (const a of line.adjustments) adjustments.push(amountsAdjustment(a));
  const out: Mutable<AmountsLine> = {
    lineNumber: line.lineNumber,
    code: line.code,
    modifiers: line.modifiers,
    units: line.units,
  } as Mutable<AmountsLine>;
  if (line.facility !== undefined) out.revenueCode = line.facility.revenueCode;
  out.billed = line.billed;
  out.status = line.status;
  out.allowed = line.allowed;
  out.withheld = line.withheld;
  out.adjustments = adjustments;
  out.buckets = sparseBuckets(line.buckets);
  if (line.unpriced !== undefined) out.unpriced = { code: line.unpriced.code };
  if (line.supplied !== undefined) out.supplied = line.supplied;
  return out;
}

/**
 * The amounts and codes of a priced bill, nothing else (`explain=none`).
 *
 * @param bill - the priced bill
 * @returns the answer at `explain=none`
 * @example amountsOnly(priceRequest(index, bill)).totals.allowed
 */
export function amountsOnly(bill: PricedBill): AmountsPricedBill {
  const lines: AmountsLine[] = [];
  for (const line of bill.lines) lines.push(amountsLine(line));
  const out: Mutable<AmountsPricedBill> = { explain: 'none' } as Mutable<AmountsPricedBill>;
  if (bill.billId !== undefined) out.billId = bill.billId;
  if (bill.billReference !== undefined) out.billReference = bill.billReference;
  out.jurisdiction = { id: bill.jurisdiction.id };
  out.billType = bill.billType;
  out.dataRelease = bill.dataRelease;
  out.lines = lines;
  out.totals = bill.totals;
  return out;
}

/**
 * A full answer at another level: itself at `full`, else its summary or its amounts. For a caller
 * that needs the full pricing anyway (the SmartBill page always explains in full) and answers a
 * lighter level; one that does not should ask `priceRequest` for the level, which is cheaper.
 *
 * @param bill - the full priced bill
 * @param explain - the level to answer
 * @returns the answer at that level
 * @example answerAt(priceRequest(index, bill), 'summary')
 */
export function answerAt(bill: PricedBill, explain: ExplainLevel): PricedAnswer {
  if (explain === 'full') return bill;
  return explain === 'summary' ? summariseBill(bill) : amountsOnly(bill);
}
