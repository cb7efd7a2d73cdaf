import type { RvuEntry } from '../../fee-index/reader.js';
import type { NormalisedLine } from '../bill/normalise.js';
import type { jurisdictionFee } from '../fee-schedules/jurisdiction-pricing.js';
import type { ZipLocality } from '../fee-schedules/locality.js';
import type { FeeResult } from '../fee-schedules/rbrvs.js';
import type { BilateralBasis } from '../rules/bilateral.js';
import type { RuleTrace } from '../rules/index.js';
import type { AppliedDecision } from '../rules/types.js';
import type { ValueLine } from './values.js';

/** How a professional line was priced by jurisdictionFee (the rules price related codes the same way). */
export type FeeQuery = Parameters<typeof jurisdictionFee>[2];

/**
 * A professional line on its way through the stages: made by select-schedule, priced by
 * price-lines, reduced by the rules, given its values, built into a `PricedLine` by
 * assemble-professional. The shared stages see it only as a `ValueLine`.
 */
export interface ProfessionalWork extends ValueLine {
  readonly line: NormalisedLine;
  result: FeeResult;
  readonly placement: ZipLocality;
  /** Set by the rules stage: reductions of the fee schedule amount and the trace. */
  ruleDecisions: AppliedDecision[];
  ruleTrace: RuleTrace[];
  /** How the line was priced by jurisdictionFee (the rules price related codes the same way). */
  query: FeeQuery | undefined;
  /** A line priced for both sides (modifier 50, RT and LT, or 2 units): its bilateral payment basis. */
  bilateral: BilateralBasis | undefined;
  /** The RVU row whose payment policy indicators the rules read, once looked up (null: none). */
  indicators: RvuEntry | null | undefined;
}
