import { type NormalisedBill, normaliseBill } from './normalise.js';
import {
  isFacilityRequest,
  type NormalisedFacilityBill,
  normaliseFacilityBill,
} from './normalise-facility.js';

/** A request's bill, normalised: a professional bill or a facility bill. */
export type NormalisedAnyBill = NormalisedBill | NormalisedFacilityBill;

/**
 * Normalise stage for every bill `POST /v1/bills/price` takes: a facility bill (our JSON with
 * `billType` outpatient, asc or inpatient, or an institutional claim) goes to the facility
 * normaliser, everything else to the professional one, unchanged (and on its fast path).
 *
 * @param input - the parsed JSON body
 * @returns the normalised bill of either kind
 * @throws BillValidationError with every field error found
 * @example normaliseRequest({ jurisdiction: 'US-MEDICARE', billType: 'outpatient', facility: { zip: '30303' }, lines: [...] })
 */
export function normaliseRequest(input: unknown): NormalisedAnyBill {
  return isFacilityRequest(input) ? normaliseFacilityBill(input) : normaliseBill(input);
}

/**
 * The codes of a normalised bill's lines, for logs and metrics (a facility line without a HCPCS
 * code is named by its revenue code).
 *
 * @param bill - either kind
 * @returns one code a line
 */
export function lineCodes(bill: NormalisedAnyBill): string[] {
  return bill.billType === 'professional'
    ? bill.lines.map((l) => l.code)
    : bill.lines.map((l) => l.code ?? l.revenueCode);
}
