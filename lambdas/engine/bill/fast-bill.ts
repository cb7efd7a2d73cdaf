import { isExplainLevel } from '../explain.js';
import { MONEY_PATTERN } from '../money.js';
import { billReferenceProblem } from './bill-reference.js';
import {
  BOOLEAN_FIELDS,
  type Dict,
  FALLBACK,
  integer,
  matching,
  maxText,
  object,
  str,
  upper,
} from './fast-read.js';
import { type BillInput, PATTERNS, VISIT_CATEGORIES } from './schema.js';

/**
 * The fast path of the bill schema: accepts exactly what `BillSchema` accepts, with the same
 * transformations (trim, upper case), and returns the fields the engine reads; anything it does not
 * accept at once (a wrong type, a bad format, an unknown nested key) returns undefined and the
 * caller runs the Valibot schema, which names every field in error. So the schema stays the one
 * definition of a valid bill (and of the OpenAPI document) and this function only makes the common
 * case cheap; a property test checks the two agree on random valid and broken bills.
 */

const {
  code: CODE,
  modifier: MODIFIER,
  date: DATE,
  placeOfService: POS,
  zip: ZIP,
  ndc: NDC,
  quantity: QUANTITY,
} = PATTERNS;

/**
 * The schema's fields this path reads (or, for external values, hands to the schema). A test keeps
 * these lists equal to the schema's, so a field added to the schema cannot be dropped here.
 */
export const FAST_BILL_KEYS = [
  'billId',
  'billReference',
  'jurisdiction',
  'billType',
  'placeOfService',
  'serviceFacility',
  'billingProvider',
  'renderingProvider',
  'payer',
  'receivedDate',
  'priorVisits',
  'review',
  'externalValues',
  'qrCode',
  'analytics',
  'compare',
  'explain',
  'lines',
] as const;
export const FAST_LINE_KEYS = [
  'lineNumber',
  'code',
  'modifiers',
  'dateOfService',
  'units',
  'charge',
  'placeOfService',
  'renderingProviderNpi',
  'anesthesiaMinutes',
  'drug',
  'priorAuthorization',
  'externalValues',
  'documentation',
] as const;

/** Only the given keys, each optional (a strict object). */
function onlyKeys(o: Dict, keys: readonly string[]): void {
  for (const key in o) if (!keys.includes(key)) throw FALLBACK;
}

function party(value: unknown): BillInput['billingProvider'] {
  const o = object(value);
  const out: Dict = {};
  if (o.npi !== undefined) out.npi = maxText(o.npi, 10);
  if (o.zip !== undefined) out.zip = matching(o.zip, ZIP);
  if (o.name !== undefined) out.name = maxText(o.name, 200);
  if (o.taxId !== undefined) out.taxId = maxText(o.taxId, 20);
  return out as BillInput['billingProvider'];
}

function reviewList(value: unknown): { codes: string[]; action: 'deny' | 'flag' } {
  const o = object(value);
  if (!Array.isArray(o.codes) || o.codes.length > 5000) throw FALLBACK;
  const codes = o.codes.map((c) => upper(c, CODE));
  if (o.action !== 'deny' && o.action !== 'flag') throw FALLBACK;
  return { codes, action: o.action };
}

function line(value: unknown): BillInput['lines'][number] {
  const o = object(value);
  // External values are rare and rich: the schema reads them.
  if (o.externalValues !== undefined) throw FALLBACK;
  const out: Dict = {};
  if (o.lineNumber !== undefined) out.lineNumber = integer(o.lineNumber, 1, 9999);
  out.code = upper(o.code, CODE);
  if (o.modifiers !== undefined) {
    if (!Array.isArray(o.modifiers) || o.modifiers.length > 4) throw FALLBACK;
    out.modifiers = o.modifiers.map((m) => upper(m, MODIFIER));
  }
  out.dateOfService = matching(o.dateOfService, DATE);
  if (o.units !== undefined) out.units = integer(o.units, 1, 99_999);
  out.charge = matching(o.charge, MONEY_PATTERN);
  if (o.placeOfService !== undefined) out.placeOfService = matching(o.placeOfService, POS);
  if (o.renderingProviderNpi !== undefined) out.renderingProviderNpi = maxText(o.renderingProviderNpi, 10);
  if (o.anesthesiaMinutes !== undefined) out.anesthesiaMinutes = integer(o.anesthesiaMinutes, 0, 2880);
  if (o.drug !== undefined) {
    const d = object(o.drug);
    out.drug = { ndc: matching(d.ndc, NDC), quantity: matching(d.quantity, QUANTITY) };
  }
  if (o.priorAuthorization !== undefined) {
    const p = str(o.priorAuthorization).trim();
    if (p.length < 1 || p.length > 50) throw FALLBACK;
    out.priorAuthorization = p;
  }
  if (o.documentation !== undefined) {
    if (!Array.isArray(o.documentation) || o.documentation.length > 20) throw FALLBACK;
    out.documentation = o.documentation.map((x) => {
      const t = str(x).trim();
      if (t.length < 1 || t.length > 100) throw FALLBACK;
      return t;
    });
  }
  return out as BillInput['lines'][number];
}

/**
 * A bill in this API's JSON shape, checked and transformed as `BillSchema` would.
 *
 * @param input - the parsed JSON body (an object without `claimInformation`)
 * @returns the parsed bill, or undefined when the schema must look at it
 */
export function fastParseBill(input: unknown): BillInput | undefined {
  try {
    const o = object(input);
    if (o.externalValues !== undefined) throw FALLBACK;
    const out: Dict = {};
    if (o.billId !== undefined) out.billId = maxText(o.billId, 64);
    if (o.billReference !== undefined) {
      const reference = str(o.billReference).trim();
      if (billReferenceProblem(reference) !== undefined) throw FALLBACK;
      out.billReference = reference;
    }
    const jurisdiction = str(o.jurisdiction).trim().toUpperCase();
    if (jurisdiction.length < 2) throw FALLBACK;
    out.jurisdiction = jurisdiction;
    if (o.billType !== undefined && o.billType !== 'professional') throw FALLBACK;
    if (o.billType !== undefined) out.billType = o.billType;
    if (o.placeOfService !== undefined) out.placeOfService = matching(o.placeOfService, POS);
    if (o.serviceFacility !== undefined) out.serviceFacility = party(o.serviceFacility);
    if (o.billingProvider !== undefined) out.billingProvider = party(o.billingProvider);
    if (o.renderingProvider !== undefined) out.renderingProvider = party(o.renderingProvider);
    if (o.payer !== undefined) {
      const p = object(o.payer);
      const payer: Dict = {};
      if (p.name !== undefined) payer.name = maxText(p.name, 200);
      if (p.id !== undefined) payer.id = maxText(p.id, 50);
      // The contact's formats (https, email, phone) are the schema's to check and name.
      if (p.contact !== undefined) throw FALLBACK;
      out.payer = payer;
    }
    if (o.receivedDate !== undefined) out.receivedDate = matching(o.receivedDate, DATE);
    if (o.priorVisits !== undefined) {
      const p = object(o.priorVisits);
      onlyKeys(p, VISIT_CATEGORIES);
      const visits: Dict = {};
      for (const key of VISIT_CATEGORIES) {
        if (p[key] !== undefined) visits[key] = integer(p[key], 0, 9999);
      }
      out.priorVisits = visits;
    }
    if (o.review !== undefined) {
      const r = object(o.review);
      onlyKeys(r, ['priorAuthorizationRequired', 'documentationRequired']);
      const review: Dict = {};
      if (r.priorAuthorizationRequired !== undefined)
        review.priorAuthorizationRequired = reviewList(r.priorAuthorizationRequired);
      if (r.documentationRequired !== undefined)
        review.documentationRequired = reviewList(r.documentationRequired);
      out.review = review;
    }
    for (const flag of BOOLEAN_FIELDS) {
      if (o[flag] === undefined) continue;
      if (typeof o[flag] !== 'boolean') throw FALLBACK;
      out[flag] = o[flag];
    }
    if (o.explain !== undefined) {
      if (!isExplainLevel(o.explain)) throw FALLBACK;
      out.explain = o.explain;
    }
    if (!Array.isArray(o.lines) || o.lines.length < 1 || o.lines.length > 999) throw FALLBACK;
    out.lines = o.lines.map(line);
    return out as BillInput;
  } catch (error) {
    if (error === FALLBACK) return undefined;
    throw error;
  }
}
