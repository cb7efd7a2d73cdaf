import type { Parties } from '../engine/bill/normalise.js';
import { BillValidationError, type FieldError } from '../engine/errors.js';
import type { PricedBill } from '../engine/priced-bill.js';
import type { PaymentDetails, RemittanceClaim, RemittanceParties } from './remittance-claim.js';

/**
 * What an 835 needs that the request, not the bill, says: the payment (query parameters, for an
 * X12 or a JSON request alike), and for a JSON bill the claim facts an 837 would have carried.
 */

/** BPR04 payment method codes the 835 takes (005010X221A1 BPR04). */
export const PAYMENT_METHODS = ['ACH', 'CHK', 'FWT', 'BOP', 'NON'] as const;

/** The query parameters that carry payment details. */
export const PAYMENT_PARAMETERS = [
  'paymentMethod',
  'paymentTrace',
  'paymentDate',
  'paymentOriginator',
] as const;

/**
 * TRN02 is 1–50 characters: printable ASCII (the X12 character sets) without our delimiters
 * (* : ^ ~), which would end the element, composite or segment.
 */
const TRACE = /^(?:(?![*:^~])[\x20-\x7E]){1,50}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** TRN03: "1" followed by the payer's nine-digit federal tax id (005010X221A1 TRN03). */
const ORIGINATOR = /^1\d{9}$/;

function realDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The payment details of a request from its query parameters, or undefined when it names none
 * (the 835 is then review-only). When any is given, method, trace and date are all required;
 * the originator is optional.
 *
 * @param query - the request's query parameters (others are ignored)
 * @returns the payment details, or undefined for a review-only answer
 * @throws BillValidationError (422) with one field error per bad or missing parameter
 * @example paymentDetailsFrom({ paymentMethod: 'CHK', paymentTrace: '0012524965', paymentDate: '2026-03-04' })
 */
export function paymentDetailsFrom(
  query: Readonly<Record<string, string | undefined>> | null | undefined,
): PaymentDetails | undefined {
  if (query === null || query === undefined) return undefined;
  const method = query.paymentMethod;
  const trace = query.paymentTrace;
  const date = query.paymentDate;
  const originator = query.paymentOriginator;
  if (method === undefined && trace === undefined && date === undefined && originator === undefined)
    return undefined;
  const errors: FieldError[] = [];
  const missing = (field: string) =>
    errors.push({
      field,
      errorMessage: 'is required with any payment parameter (paymentMethod, paymentTrace, paymentDate)',
    });
  if (method === undefined) missing('paymentMethod');
  else if (!(PAYMENT_METHODS as readonly string[]).includes(method))
    errors.push({ field: 'paymentMethod', errorMessage: `must be one of ${PAYMENT_METHODS.join(', ')}` });
  if (trace === undefined) missing('paymentTrace');
  else if (!TRACE.test(trace))
    errors.push({
      field: 'paymentTrace',
      errorMessage: 'must be 1 to 50 printable ASCII characters without *, :, ^ or ~',
    });
  if (date === undefined) missing('paymentDate');
  else if (!realDate(date))
    errors.push({ field: 'paymentDate', errorMessage: 'must be a real calendar date, YYYY-MM-DD' });
  if (originator !== undefined && !ORIGINATOR.test(originator))
    errors.push({
      field: 'paymentOriginator',
      errorMessage: 'must be 10 digits: 1 followed by the payer’s nine-digit federal tax id',
    });
  if (errors.length > 0) throw new BillValidationError('The payment details are not valid.', errors);
  return {
    method: method as PaymentDetails['method'],
    traceNumber: trace as string,
    date: date as string,
    ...(originator === undefined ? {} : { originatorId: originator }),
  };
}

/** N102 when the bill named no one: the TR3 requires a name, and we will not invent one. */
export const NAME_NOT_ON_BILL = 'NAME NOT ON BILL';

/** CLM01 is at most 38 characters (005010X222A1/X223A2 CLM01), and the 835 repeats it in CLP01. */
const CONTROL_NUMBER_LENGTH = 38;

/**
 * The claim facts and parties of a JSON bill answered as an 835: CLP01 the bill's `billId` (or the
 * request id when it has none), claim filing indicator WC, place of service or facility type and
 * frequency from the bill, payer and payee from `priced.parties` (the billing provider, else the
 * service facility). A JSON bill carries no patient: NM1*QC is written without a name (decision 018).
 *
 * @param priced - the priced bill
 * @param requestId - the request's id
 * @returns what `write835` takes for this bill
 * @example write835([remittanceOfJsonBill(priced, requestId)], options)
 */
export function remittanceOfJsonBill(
  priced: PricedBill,
  requestId: string,
): { readonly remittance: RemittanceClaim; readonly parties: RemittanceParties } {
  const typeOfBill = priced.facility?.typeOfBill ?? null;
  // UB-04 type of bill "0131": facility type "13" (CLP08) and frequency "1" (CLP09).
  const tob = typeOfBill === null ? null : typeOfBill.padStart(4, '0');
  const placeOfService = priced.lines.find((l) => l.placeOfService !== '')?.placeOfService;
  const facilityCode = tob !== null ? tob.slice(1, 3) : placeOfService;
  const remittance: RemittanceClaim = {
    patientControlNumber: (priced.billId ?? requestId).slice(0, CONTROL_NUMBER_LENGTH),
    claimFilingIndicator: 'WC',
    ...(facilityCode === undefined ? {} : { facilityCode }),
    ...(tob === null ? {} : { frequencyCode: tob.slice(3) }),
    priced,
  };
  return { remittance, parties: partiesOf(priced.parties) };
}

function partiesOf(parties: Parties): RemittanceParties {
  const payee = parties.billingProvider ?? parties.serviceFacility;
  return {
    payer: {
      name: parties.payer?.name ?? NAME_NOT_ON_BILL,
      ...(parties.payer?.id === undefined ? {} : { id: parties.payer.id }),
    },
    payee: {
      name: payee?.name ?? NAME_NOT_ON_BILL,
      ...(payee?.npi === undefined ? {} : { npi: payee.npi }),
      ...(payee?.taxId === undefined ? {} : { taxId: payee.taxId }),
    },
  };
}
