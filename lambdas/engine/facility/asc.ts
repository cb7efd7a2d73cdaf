import type { FeeIndex } from '../../fee-index/reader.js';
import { standInPricing } from './stand-in.js';
import type { FacilityBill, FacilityPricing, FacilityRate } from './types.js';

/*
 * STAND-IN (branch i16-facility-api only): the ASC method is built in branch i16-asc and
 * replaces this file at merge. No pricing logic here: every line is unpriced.
 */

/**
 * Prices a surgery-centre bill on the ASC payment system (stand-in: every line unpriced).
 *
 * @param _index - the fee index
 * @param bill - the normalised facility bill
 * @returns one line price a line
 */
export function priceAscMedicare(_index: FeeIndex, bill: FacilityBill): FacilityPricing {
  return standInPricing(bill, 'asc');
}

/**
 * The ASC rate of a code on a date (stand-in: none).
 *
 * @returns undefined: no rate is held in this branch
 */
export function ascRate(
  _index: FeeIndex,
  _code: string,
  _date: string,
  _cbsa: string | undefined,
): FacilityRate | undefined {
  return undefined;
}
