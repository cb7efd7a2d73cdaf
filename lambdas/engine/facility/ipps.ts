import type { FeeIndex } from '../../fee-index/reader.js';
import { standInPricing } from './stand-in.js';
import type { FacilityBill, FacilityPricing } from './types.js';

/*
 * STAND-IN (branch i16-facility-api only): the IPPS method is built in branch i16-ipps and
 * replaces this file at merge. No pricing logic here: every line is unpriced.
 */

/**
 * Prices an inpatient stay on the IPPS (stand-in: every line unpriced).
 *
 * @param _index - the fee index
 * @param bill - the normalised facility bill
 * @returns one line price a line
 */
export function priceInpatientMedicare(_index: FeeIndex, bill: FacilityBill): FacilityPricing {
  return standInPricing(bill, 'ipps');
}
