import type { FacilityBill, FacilityLinePrice, FacilityPricing } from './types.js';

/**
 * STAND-IN (branch i16-facility-api only): the pricing methods (OPPS, ASC, IPPS, Georgia's
 * facility tables) are written in sibling branches and replace the four files that use this helper
 * at merge. Until then every line is `unpriced` with the reason below, so the orchestration, the
 * routes and the answer can be built and tested without pricing logic here.
 */
export const STAND_IN_REASON = 'method not built in this branch';

/**
 * Every line of the bill unpriced, with the stand-in reason.
 *
 * @param bill - the normalised facility bill
 * @param method - the method the real file implements
 * @returns one unpriced line price a line, no editions
 */
export function standInPricing(bill: FacilityBill, method: FacilityLinePrice['method']): FacilityPricing {
  return {
    lines: bill.lines.map(
      (): FacilityLinePrice => ({
        kind: 'unpriced',
        amount: 0 as FacilityLinePrice['amount'],
        unitAmount: 0 as FacilityLinePrice['unitAmount'],
        method,
        edition: undefined,
        indicator: undefined,
        apc: undefined,
        wageIndex: undefined,
        packagedInto: undefined,
        reason: undefined,
        unpriced: { code: 'NO-EDITION', message: `${method}: ${STAND_IN_REASON}` },
        steps: [],
        notices: [],
      }),
    ),
    claimSteps: [],
    notices: [],
    editions: [],
  };
}
