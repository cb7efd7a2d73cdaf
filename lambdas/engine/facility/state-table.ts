import type { FeeIndex } from '../../fee-index/reader.js';
import { standInPricing } from './stand-in.js';
import type { FacilityBill, FacilityPricing } from './types.js';

/*
 * STAND-IN (branch i16-facility-api only): a state's facility tables (Georgia's) are priced in
 * branch i16-ipps, which replaces this file at merge. No pricing logic here: every line is unpriced.
 */

/**
 * Prices a facility bill on a state's own facility table (stand-in: every line unpriced).
 *
 * @param _index - the fee index
 * @param _jurisdictionId - the state whose table prices the bill
 * @param bill - the normalised facility bill
 * @returns one line price a line
 */
export function priceStateFacilityTable(
  _index: FeeIndex,
  _jurisdictionId: string,
  bill: FacilityBill,
): FacilityPricing {
  return standInPricing(bill, 'state-table');
}
