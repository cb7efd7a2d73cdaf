import type { FeeIndex, RvuEntry } from '../../fee-index/reader.js';
import type { InternalReasonCode, Regulation } from '../adjustments/reason-codes.js';
import type { NormalisedBill, NormalisedLine } from '../bill/normalise.js';
import type { ExternalValue } from '../external-values.js';
import type { Jurisdiction } from '../jurisdictions.js';
import type { Cents } from '../money.js';

/** A priced line as the rules see it: its fee schedule amount for all units, before the lesser of billed. */
export interface RuleLine {
  readonly line: NormalisedLine;
  /** Fee schedule amount for one unit and for the line's units. */
  readonly unitAmount: Cents;
  readonly amount: Cents;
  /** Units the amount counts (anesthesia and drug lines count one). */
  readonly units: number;
  /**
   * The Medicare RVU row behind the line, when the physician fee schedule priced it (or the state
   * method is built on it): the payment policy indicators (GLOB DAYS, MULT PROC, BILAT SURG,
   * ASST SURG, CO-SURG, TEAM SURG, PRE/INTRA/POST OP, ENDO BASE) come from it.
   */
  readonly rvu: RvuEntry | undefined;
  /** The practice expense part of one unit's amount, in cents (RBRVS lines): the therapy ranking reads it. */
  readonly pePart: Cents | undefined;
  /**
   * One unit priced with 50% of its PE RVU and rounded once (RBRVS lines with MULT PROC 5): what a
   * therapy unit after the first is paid. Optional so that rule lines built elsewhere need not name it.
   */
  readonly peReducedUnit?: Cents | undefined;
  /**
   * The line is priced for both sides on one line (modifier 50, RT and LT on one line, or 2 units of
   * a BILAT SURG 1, 2 or 3 code): `amount` is the bilateral amount and a ranking counts the line as
   * one procedure, whatever its `units` (the units billed, which MUE counts). Optional as above.
   */
  readonly bilateral?: boolean;
}

/** What the rules may read besides the lines: all of it pure data or pure functions. */
export interface RuleContext {
  readonly index: FeeIndex;
  readonly jurisdiction: Jurisdiction;
  readonly bill: Pick<NormalisedBill, 'priorVisits' | 'review'>;
  /**
   * The fee schedule amount of one unit of another code (or component) priced exactly as a line
   * was (same date, locality, setting, conversion factor): the endoscopy base code, the TC or PC of
   * an imaging code. Undefined when that code has no fee there.
   */
  feeOf(line: RuleLine, code: string, modifier: '' | '26' | 'TC'): Cents | undefined;
}

/** What one rule decided for one line. Reductions are in cents of the fee schedule amount. */
export interface RuleDecision {
  readonly lineIndex: number;
  /** 'no-change' records why a rule that found something let the line through (a bypass modifier). */
  readonly decision: 'reduced' | 'denied' | 'flagged' | 'no-change';
  readonly reduction: Cents;
  readonly reason?: InternalReasonCode;
  readonly message: string;
  /** The regulation behind this decision when it is not the rule's own (a state's limit). */
  readonly regulation?: Regulation;
}

/**
 * A rule's decision as the engine keeps it: the line's position in the bill, every field present
 * (one object shape, whatever the rule), and the rule that made it.
 */
export interface AppliedDecision {
  readonly lineIndex: number;
  readonly decision: RuleDecision['decision'];
  readonly reduction: Cents;
  readonly reason: InternalReasonCode | undefined;
  readonly message: string;
  readonly regulation: Regulation | undefined;
  readonly rule: BillRule;
  /** An external value applied during the rules (just before `rule`), not a rule's own decision. */
  readonly external: ExternalValue | undefined;
}

/** What an external value applied during the rules does to one line's running amount. */
export interface DuringChange {
  readonly value: ExternalValue;
  /** Signed: negative lowers the amount. */
  readonly change: number;
  readonly message: string;
}

/**
 * A bill review rule: a pure function of the priced lines that returns decisions, never changing
 * anything itself. Rules run in the order of `RULES` (lambdas/engine/rules/index.ts), each on the
 * amounts the rules before it left.
 */
export interface BillRule {
  readonly id: string;
  readonly title: string;
  /** Edits come before payment reductions (the order of RULES keeps it). */
  readonly stage: 'edit' | 'payment';
  readonly regulation: Regulation;
  /** Whether the jurisdiction applies the rule on the date (its file says it adopted it). */
  appliesTo(j: Jurisdiction, date: string): boolean;
  run(lines: readonly RuleLine[], ctx: RuleContext): RuleDecision[];
}
