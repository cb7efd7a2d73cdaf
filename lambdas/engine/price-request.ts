import type { FeeIndex } from '../fee-index/reader.js';
import type { NormalisedAnyBill } from './bill/normalise-request.js';
import { priceFacilityBill } from './facility/price-facility-bill.js';
import { priceBill } from './price-bill.js';
import type { PricedBill } from './priced-bill.js';

/**
 * Prices a normalised bill of either kind: professional bills through `priceBill`, facility bills
 * through `priceFacilityBill`.
 *
 * @param index - the fee index
 * @param bill - from `normaliseRequest`
 * @returns the priced bill
 * @throws BillValidationError when the bill cannot be priced at all
 * @example priceRequest(index, normaliseRequest(json))
 */
export function priceRequest(index: FeeIndex, bill: NormalisedAnyBill): PricedBill {
  return bill.billType === 'professional' ? priceBill(index, bill) : priceFacilityBill(index, bill);
}
