import type { FeeIndex } from '../fee-index/reader.js';
import type { NormalisedAnyBill } from './bill/normalise-request.js';
import {
  type AmountsPricedBill,
  answerAt,
  type ExplainLevel,
  type PricedAnswer,
  type PriceOptions,
  type SummaryPricedBill,
} from './explain.js';
import { priceFacilityBill } from './facility/price-facility-bill.js';
import { type ProfessionalPriceOptions, priceBill } from './price-bill.js';
import type { PricedBill } from './priced-bill.js';

export type { ExplainLevel, PricedAnswer, PriceOptions } from './explain.js';

/**
 * Prices a normalised bill of either kind: professional bills through `priceBill`, facility bills
 * through `priceFacilityBill`, answered at the explanation level the options name (default `full`,
 * the answer as it always was). At `summary` and `none` the stages skip the explanation text they
 * would drop, so a lean answer is cheaper to build as well as to send; the amounts are the same.
 *
 * @param index - the fee index
 * @param bill - from `normaliseRequest`
 * @param options - `{ explain, tenant }`: "full" (default), "summary" or "none"; the tenant whose
 *   contracts apply (issue 20; none without one)
 * @returns the priced bill at that level
 * @throws BillValidationError when the bill cannot be priced at all
 * @example priceRequest(index, normaliseRequest(json), { explain: 'summary' })
 */
export function priceRequest(
  index: FeeIndex,
  bill: NormalisedAnyBill,
  options?: { readonly explain?: 'full'; readonly tenant?: string },
): PricedBill;
export function priceRequest(
  index: FeeIndex,
  bill: NormalisedAnyBill,
  options: { readonly explain: 'summary'; readonly tenant?: string },
): SummaryPricedBill;
export function priceRequest(
  index: FeeIndex,
  bill: NormalisedAnyBill,
  options: { readonly explain: 'none'; readonly tenant?: string },
): AmountsPricedBill;
export function priceRequest(index: FeeIndex, bill: NormalisedAnyBill, options?: PriceOptions): PricedAnswer;
export function priceRequest(index: FeeIndex, bill: NormalisedAnyBill, options?: PriceOptions): PricedAnswer {
  const explain: ExplainLevel = options?.explain ?? 'full';
  return answerAt(
    pricedBillAt(
      index,
      bill,
      explain,
      options?.tenant === undefined ? undefined : { tenant: options.tenant },
    ),
    explain,
  );
}

/**
 * The engine's priced bill of either kind, its stages skipping the explanation text `explain`
 * drops, before it is cut to the answer: every amount, date, rule decision and edition is in it at
 * every level (the analytics records read them; `answerAt(priced, explain)` then gives the answer
 * `priceRequest` would).
 *
 * @param index - the fee index
 * @param bill - from `normaliseRequest`
 * @param explain - the level the answer will be cut to
 * @param options - `{ tenant }`: the tenant's contracts apply to a professional bill
 * @returns the priced bill
 * @throws BillValidationError when the bill cannot be priced at all
 */
export function pricedBillAt(
  index: FeeIndex,
  bill: NormalisedAnyBill,
  explain: ExplainLevel,
  options?: ProfessionalPriceOptions,
): PricedBill {
  // Contracts and supplied editions apply to professional bills only (issue 20, v1).
  return bill.billType === 'professional'
    ? priceBill(index, bill, explain, options)
    : priceFacilityBill(index, bill, undefined, explain);
}
