import type { FeeIndex } from '../../fee-index/reader.js';
import { standInPricing } from './stand-in.js';
import type { FacilityBill, FacilityPricing, FacilityRate } from './types.js';

/*
 * STAND-IN (branch i16-facility-api only): the OPPS method is built in branch i16-opps and
 * replaces this file at merge. No pricing logic here: every line is unpriced.
 */

/**
 * Prices a hospital outpatient bill on the OPPS (stand-in: every line unpriced).
 *
 * @param _index - the fee index
 * @param bill - the normalised facility bill
 * @returns one line price a line
 */
export function priceOutpatientMedicare(_index: FeeIndex, bill: FacilityBill): FacilityPricing {
  return standInPricing(bill, 'opps');
}

/**
 * The OPPS rate of a code on a date (stand-in: none).
 *
 * @returns undefined: no rate is held in this branch
 */
export function oppsRate(
  _index: FeeIndex,
  _code: string,
  _date: string,
  _cbsa: string | undefined,
): FacilityRate | undefined {
  return undefined;
}
