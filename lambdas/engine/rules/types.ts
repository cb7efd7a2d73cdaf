import type { FeeIndex } from '../../fee-index/reader.js';
import type { InternalReasonCode, Regulation } from '../adjustments/reason-codes.js';
import type { NormalisedLine } from '../bill/normalise.js';
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
}

/** What one rule decided for one line. Reductions are in cents of the fee schedule amount. */
export interface RuleDecision {
  readonly lineIndex: number;
  readonly decision: 'reduced' | 'denied' | 'flagged';
  readonly reduction: Cents;
  readonly reason?: InternalReasonCode;
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
  readonly regulation: Regulation;
  /** Whether the jurisdiction applies the rule on the date (its file says it adopted it). */
  appliesTo(j: Jurisdiction, date: string): boolean;
  run(lines: readonly RuleLine[], index: FeeIndex): RuleDecision[];
}
