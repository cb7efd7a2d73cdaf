import { isExplainLevel } from '../explain.js';
import { MONEY_PATTERN } from '../money.js';
import { billReferenceProblem } from './bill-reference.js';
import {
  FACILITY_BILL_TYPES,
  FACILITY_PATTERNS,
  type FacilityBillInput,
  type InstitutionalClaimInput,
} from './facility-schema.js';
import {
  BOOLEAN_FIELDS,
  type Dict,
  FALLBACK,
  integer,
  list,
  matching,
  maxText,
  object,
  str,
  trimmed,
  upper,
} from './fast-read.js';
import { PATTERNS } from './schema.js';

/**
 * The fast path of the facility schemas (facility-schema.ts), as fast-bill.ts is for professional
 * bills: a hand-written reader of the well-formed common case of a facility bill and of an
 * institutional claim, with the schemas' transformations (trim, upper case, the DRG's padding), that
 * returns the fields the normaliser reads. Anything it does not take at once (a wrong type, a bad
 * format, review lists, external values) returns undefined and the caller runs the Valibot schema,
 * which names every field in error; so the schema stays the one definition of a valid bill (and of
 * the OpenAPI document). Valibot's parse was a fifth of the 60-line outpatient claim's time; a
 * property test (test/unit/engine/fast-facility.test.ts) checks the two paths agree.
 */

const { code: CODE, modifier: MODIFIER, date: DATE, zip: ZIP } = PATTERNS;
const YYYYMMDD = /^\d{8}$/;
const ADMISSION_HOUR = /^\d{8}(\d{2}(\d{2})?)?$/;
const TWO_DIGITS = /^\d{2}$/;
const ONE_DIGIT = /^\d$/;
const ASSIGNED_NUMBER = /^[1-9]\d{0,3}$/;
const UNIT_COUNT = /^[1-9]\d{0,4}$/;

/**
 * The schemas' fields each reader knows (reads, or leaves to the schema). A test keeps these lists
 * equal to the schemas' entries, so a field added to a schema cannot be dropped here.
 */
export const FAST_FACILITY_BILL_KEYS = [
  'billId',
  'billReference',
  'jurisdiction',
  'billType',
  'typeOfBill',
  'facility',
  'admissionDate',
  'dischargeDate',
  'dischargeStatus',
  'drg',
  'diagnoses',
  'payer',
  'receivedDate',
  'review',
  'externalValues',
  'qrCode',
  'analytics',
  'compare',
  'explain',
  'lines',
] as const;
export const FAST_FACILITY_KEYS = [
  'npi',
  'ccn',
  'zip',
  'cbsa',
  'reclassifiedCbsa',
  'county',
  'costToChargeRatio',
  'name',
  'taxId',
] as const;
export const FAST_FACILITY_LINE_KEYS = [
  'lineNumber',
  'revenueCode',
  'code',
  'modifiers',
  'units',
  'charge',
  'dateOfService',
  'priorAuthorization',
  'externalValues',
  'documentation',
] as const;
export const FAST_CLAIM_KEYS = [
  'controlNumber',
  'billReference',
  'qrCode',
  'analytics',
  'compare',
  'explain',
  'jurisdiction',
  'billType',
  'billing',
  'providers',
  'facility',
  'claimInformation',
] as const;
export const FAST_CLAIM_INFORMATION_KEYS = [
  'placeOfServiceCode',
  'claimFrequencyCode',
  'claimDateInformation',
  'claimCodeInformation',
  'principalDiagnosis',
  'otherDiagnosisInformationList',
  'diagnosisRelatedGroupInformation',
  'serviceFacilityLocation',
  'serviceLines',
] as const;
export const FAST_CLAIM_SERVICE_KEYS = [
  'serviceLineRevenueCode',
  'procedureIdentifier',
  'procedureCode',
  'procedureModifiers',
  'lineItemChargeAmount',
  'measurementUnit',
  'serviceUnitCount',
] as const;

function jurisdictionOf(value: unknown): string {
  const s = str(value).trim().toUpperCase();
  if (s.length < 2) throw FALLBACK;
  return s;
}

function billTypeOf(value: unknown): FacilityBillInput['billType'] {
  if (!(FACILITY_BILL_TYPES as readonly unknown[]).includes(value)) throw FALLBACK;
  return value as FacilityBillInput['billType'];
}

/** ICD-10-CM: trimmed, upper case, the (first) dot taken out, as the schema's transform does. */
function diagnosisOf(value: unknown): string {
  const s = str(value).trim().toUpperCase().replace('.', '');
  if (!FACILITY_PATTERNS.diagnosis.test(s)) throw FALLBACK;
  return s;
}

function modifiersOf(value: unknown): string[] {
  return list(value, 0, 4).map((m) => upper(m, MODIFIER));
}

/** The facility's identifiers that both shapes take (the schema's `pattern`: trim, upper case). */
function identifiers(o: Dict, out: Dict): void {
  if (o.ccn !== undefined) out.ccn = upper(o.ccn, FACILITY_PATTERNS.ccn);
  if (o.cbsa !== undefined) out.cbsa = upper(o.cbsa, FACILITY_PATTERNS.cbsa);
  if (o.reclassifiedCbsa !== undefined)
    out.reclassifiedCbsa = upper(o.reclassifiedCbsa, FACILITY_PATTERNS.cbsa);
  if (o.county !== undefined) out.county = upper(o.county, FACILITY_PATTERNS.county);
  if (o.costToChargeRatio !== undefined)
    out.costToChargeRatio = upper(o.costToChargeRatio, FACILITY_PATTERNS.costToChargeRatio);
}

function facilityLine(value: unknown): FacilityBillInput['lines'][number] {
  const o = object(value);
  // External values are rare and rich: the schema reads them.
  if (o.externalValues !== undefined) throw FALLBACK;
  const out: Dict = {};
  if (o.lineNumber !== undefined) out.lineNumber = integer(o.lineNumber, 1, 9999);
  if (o.revenueCode !== undefined) out.revenueCode = trimmed(o.revenueCode, FACILITY_PATTERNS.revenueCode);
  if (o.code !== undefined) out.code = upper(o.code, CODE);
  if (o.modifiers !== undefined) out.modifiers = modifiersOf(o.modifiers);
  if (o.units !== undefined) out.units = integer(o.units, 1, 99_999);
  out.charge = matching(o.charge, MONEY_PATTERN);
  if (o.dateOfService !== undefined) out.dateOfService = matching(o.dateOfService, DATE);
  if (o.priorAuthorization !== undefined) {
    const p = str(o.priorAuthorization).trim();
    if (p.length < 1 || p.length > 50) throw FALLBACK;
    out.priorAuthorization = p;
  }
  if (o.documentation !== undefined) {
    out.documentation = list(o.documentation, 0, 20).map((x) => {
      const t = str(x).trim();
      if (t.length < 1 || t.length > 100) throw FALLBACK;
      return t;
    });
  }
  return out as FacilityBillInput['lines'][number];
}

function payerOf(value: unknown): Dict {
  const p = object(value);
  const payer: Dict = {};
  if (p.name !== undefined) payer.name = maxText(p.name, 200);
  if (p.id !== undefined) payer.id = maxText(p.id, 50);
  // The contact's formats (https, email, phone) are the schema's to check and name.
  if (p.contact !== undefined) throw FALLBACK;
  return payer;
}

/** A bill reference as the schema takes it (trimmed, declared non-PHI), or the schema names the problem. */
function referenceOf(value: unknown): string {
  const reference = str(value).trim();
  if (billReferenceProblem(reference) !== undefined) throw FALLBACK;
  return reference;
}

/**
 * A facility bill in this API's JSON shape, checked and transformed as `FacilityBillSchema` would.
 *
 * @param input - the parsed JSON body (an object without `claimInformation`)
 * @returns the fields the normaliser reads, or undefined when the schema must look at the bill
 */
export function fastParseFacilityBill(input: unknown): FacilityBillInput | undefined {
  try {
    const o = object(input);
    // Review lists and external values are rare: the schema reads them.
    if (o.review !== undefined || o.externalValues !== undefined) throw FALLBACK;
    const out: Dict = {};
    if (o.billId !== undefined) out.billId = maxText(o.billId, 64);
    if (o.billReference !== undefined) out.billReference = referenceOf(o.billReference);
    out.jurisdiction = jurisdictionOf(o.jurisdiction);
    out.billType = billTypeOf(o.billType);
    if (o.typeOfBill !== undefined) out.typeOfBill = trimmed(o.typeOfBill, FACILITY_PATTERNS.typeOfBill);
    const f = object(o.facility);
    const facility: Dict = {};
    if (f.npi !== undefined) facility.npi = upper(f.npi, FACILITY_PATTERNS.npi);
    identifiers(f, facility);
    facility.zip = matching(f.zip, ZIP);
    if (f.name !== undefined) facility.name = maxText(f.name, 200);
    if (f.taxId !== undefined) facility.taxId = maxText(f.taxId, 20);
    out.facility = facility;
    if (o.admissionDate !== undefined) out.admissionDate = matching(o.admissionDate, DATE);
    if (o.dischargeDate !== undefined) out.dischargeDate = matching(o.dischargeDate, DATE);
    if (o.dischargeStatus !== undefined) out.dischargeStatus = matching(o.dischargeStatus, TWO_DIGITS);
    if (o.drg !== undefined) out.drg = trimmed(o.drg, FACILITY_PATTERNS.drg);
    if (o.diagnoses !== undefined) out.diagnoses = list(o.diagnoses, 0, 25).map(diagnosisOf);
    if (o.payer !== undefined) out.payer = payerOf(o.payer);
    if (o.receivedDate !== undefined) out.receivedDate = matching(o.receivedDate, DATE);
    for (const flag of BOOLEAN_FIELDS) {
      if (o[flag] === undefined) continue;
      if (typeof o[flag] !== 'boolean') throw FALLBACK;
      out[flag] = o[flag];
    }
    if (o.explain !== undefined) {
      if (!isExplainLevel(o.explain)) throw FALLBACK;
      out.explain = o.explain;
    }
    out.lines = list(o.lines, 1, 999).map(facilityLine);
    return out as FacilityBillInput;
  } catch (error) {
    if (error === FALLBACK) return undefined;
    throw error;
  }
}

function address(value: unknown): Dict {
  const a = object(value);
  return a.postalCode === undefined ? {} : { postalCode: matching(a.postalCode, ZIP) };
}

function claimProvider(value: unknown): Dict {
  const o = object(value);
  const out: Dict = {};
  if (o.providerType !== undefined) out.providerType = str(o.providerType);
  if (o.npi !== undefined) out.npi = maxText(o.npi, 10);
  if (o.address !== undefined) out.address = address(o.address);
  return out;
}

function serviceLine(value: unknown): Dict {
  const o = object(value);
  const out: Dict = {};
  if (o.assignedNumber !== undefined) out.assignedNumber = matching(o.assignedNumber, ASSIGNED_NUMBER);
  if (o.serviceDate !== undefined) out.serviceDate = matching(o.serviceDate, YYYYMMDD);
  const s = object(o.institutionalService);
  const service: Dict = {};
  service.serviceLineRevenueCode = trimmed(s.serviceLineRevenueCode, FACILITY_PATTERNS.revenueCode);
  if (s.procedureIdentifier !== undefined) service.procedureIdentifier = str(s.procedureIdentifier);
  if (s.procedureCode !== undefined) service.procedureCode = upper(s.procedureCode, CODE);
  if (s.procedureModifiers !== undefined) service.procedureModifiers = modifiersOf(s.procedureModifiers);
  service.lineItemChargeAmount = matching(s.lineItemChargeAmount, MONEY_PATTERN);
  if (s.measurementUnit !== undefined) service.measurementUnit = str(s.measurementUnit);
  if (s.serviceUnitCount !== undefined) service.serviceUnitCount = matching(s.serviceUnitCount, UNIT_COUNT);
  out.institutionalService = service;
  return out;
}

function claimInformation(value: unknown): Dict {
  const i = object(value);
  const out: Dict = {};
  out.placeOfServiceCode = matching(i.placeOfServiceCode, TWO_DIGITS);
  if (i.claimFrequencyCode !== undefined) out.claimFrequencyCode = matching(i.claimFrequencyCode, ONE_DIGIT);
  const d = object(i.claimDateInformation);
  const dates: Dict = {
    statementBeginDate: matching(d.statementBeginDate, YYYYMMDD),
    statementEndDate: matching(d.statementEndDate, YYYYMMDD),
  };
  if (d.admissionDateAndHour !== undefined)
    dates.admissionDateAndHour = matching(d.admissionDateAndHour, ADMISSION_HOUR);
  out.claimDateInformation = dates;
  if (i.claimCodeInformation !== undefined) {
    const c = object(i.claimCodeInformation);
    const codes: Dict = {};
    if (c.admissionTypeCode !== undefined) codes.admissionTypeCode = str(c.admissionTypeCode);
    if (c.admissionSourceCode !== undefined) codes.admissionSourceCode = str(c.admissionSourceCode);
    if (c.patientStatusCode !== undefined)
      codes.patientStatusCode = matching(c.patientStatusCode, TWO_DIGITS);
    out.claimCodeInformation = codes;
  }
  if (i.principalDiagnosis !== undefined) {
    const p = object(i.principalDiagnosis);
    out.principalDiagnosis =
      p.principalDiagnosisCode === undefined
        ? {}
        : { principalDiagnosisCode: diagnosisOf(p.principalDiagnosisCode) };
  }
  if (i.otherDiagnosisInformationList !== undefined) {
    out.otherDiagnosisInformationList = list(i.otherDiagnosisInformationList, 0, Infinity).map((group) =>
      list(group, 0, Infinity).map((x) => {
        const o = object(x);
        return o.otherDiagnosisCode === undefined
          ? {}
          : { otherDiagnosisCode: diagnosisOf(o.otherDiagnosisCode) };
      }),
    );
  }
  if (i.diagnosisRelatedGroupInformation !== undefined) {
    const g = object(i.diagnosisRelatedGroupInformation);
    const group: Dict = {};
    if (g.drugRelatedGroupCode !== undefined) {
      const raw = g.drugRelatedGroupCode;
      if (typeof raw !== 'string' && typeof raw !== 'number') throw FALLBACK;
      // The schema's order: pad to three, then trim, then check.
      group.drugRelatedGroupCode = trimmed(String(raw).padStart(3, '0'), FACILITY_PATTERNS.drg);
    }
    out.diagnosisRelatedGroupInformation = group;
  }
  if (i.serviceFacilityLocation !== undefined) {
    const s = object(i.serviceFacilityLocation);
    const location: Dict = {};
    if (s.npi !== undefined) location.npi = maxText(s.npi, 10);
    if (s.address !== undefined) location.address = address(s.address);
    out.serviceFacilityLocation = location;
  }
  out.serviceLines = list(i.serviceLines, 1, 999).map(serviceLine);
  return out;
}

/**
 * An institutional claim, checked and transformed as `InstitutionalClaimSchema` would.
 *
 * @param input - the parsed JSON body (an object with `claimInformation.serviceLines[].institutionalService`)
 * @returns the fields the normaliser reads, or undefined when the schema must look at the claim
 */
export function fastParseInstitutionalClaim(input: unknown): InstitutionalClaimInput | undefined {
  try {
    const o = object(input);
    const out: Dict = {};
    if (o.controlNumber !== undefined) out.controlNumber = maxText(o.controlNumber, 64);
    if (o.billReference !== undefined) out.billReference = referenceOf(o.billReference);
    for (const flag of BOOLEAN_FIELDS) {
      if (o[flag] === undefined) continue;
      if (typeof o[flag] !== 'boolean') throw FALLBACK;
      out[flag] = o[flag];
    }
    if (o.explain !== undefined) {
      if (!isExplainLevel(o.explain)) throw FALLBACK;
      out.explain = o.explain;
    }
    out.jurisdiction = jurisdictionOf(o.jurisdiction);
    if (o.billType !== undefined) out.billType = billTypeOf(o.billType);
    if (o.billing !== undefined) out.billing = claimProvider(o.billing);
    if (o.providers !== undefined) out.providers = list(o.providers, 0, Infinity).map(claimProvider);
    if (o.facility !== undefined) {
      const facility: Dict = {};
      identifiers(object(o.facility), facility);
      out.facility = facility;
    }
    out.claimInformation = claimInformation(o.claimInformation);
    return out as InstitutionalClaimInput;
  } catch (error) {
    if (error === FALLBACK) return undefined;
    throw error;
  }
}
