import * as v from 'valibot';
import { dayNumber } from '../../fee-index/header.js';
import { BillValidationError, type FieldError } from '../errors.js';
import { type BillValue, checkExternalValues, type ExternalValue } from '../external-values.js';
import type { FacilityBill, FacilityBillType, FacilityLine } from '../facility/types.js';
import { parseCents } from '../money.js';
import {
  FACILITY_BILL_TYPES,
  type FacilityBillInput,
  FacilityBillSchema,
  type InstitutionalClaimInput,
  InstitutionalClaimSchema,
} from './facility-schema.js';
import { fastParseFacilityBill, fastParseInstitutionalClaim } from './fast-facility.js';
import type { Parties, Party } from './normalise.js';
import { fieldErrorsOf, ProfessionalClaimSchema, type ReviewLists } from './schema.js';

/** A facility line as the orchestration reads it: the contract's line and what the rules read. */
export interface NormalisedFacilityLine extends FacilityLine {
  /** JSON path of the line in the request, "lines[2]". */
  readonly path: string;
  /** Where the line number came from when not `${path}.lineNumber` (837I: assignedNumber). */
  readonly lineNumberField: string | undefined;
  readonly day: number;
  readonly priorAuthorization: string | undefined;
  readonly documentation: readonly string[];
  readonly externalValues: readonly ExternalValue[];
}

/** A facility bill as the orchestration reads it: the contract's bill, and what the answer repeats. */
export interface NormalisedFacilityBill extends FacilityBill {
  /** 837p: a surgery centre's CMS-1500 in the 837P-style claim JSON. */
  readonly format: 'bill' | '837i' | '837p';
  readonly billId?: string;
  /** The bill's own reference, declared non-PHI (bill-reference.ts): shown on the SmartBill page. */
  readonly billReference?: string;
  readonly lines: readonly NormalisedFacilityLine[];
  readonly review: ReviewLists;
  readonly externalValues: readonly BillValue[];
  readonly parties: Parties;
  readonly receivedDate?: string;
  /** JSON path of the facility's ZIP in the request (for errors about it). */
  readonly zipField: string;
}

/**
 * The UB-04 facility type (the second and third digits of the type of bill) of each bill type we
 * price: 11 hospital inpatient, 13 hospital outpatient, 83 ambulatory surgery centre (NUBC UB-04
 * form locator 4; Medicare Claims Processing Manual ch. 25, § 75.1,
 * https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c25.pdf).
 */
const FACILITY_TYPE: Readonly<Record<FacilityBillType, string>> = {
  inpatient: '11',
  outpatient: '13',
  asc: '83',
};

const BILL_TYPE_OF_FACILITY_TYPE: Readonly<Record<string, FacilityBillType>> = {
  '11': 'inpatient',
  '13': 'outpatient',
  '83': 'asc',
};

/** "131" or "0131" → "0131". */
function fourDigitTypeOfBill(tob: string): string {
  return tob.length === 3 ? `0${tob}` : tob;
}

function isoOf(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

function checkDate(date: string, field: string, errors: FieldError[]): number {
  const day = dayNumber(date);
  if (Number.isNaN(day)) errors.push({ field, errorMessage: `${date} is not a real calendar date` });
  return day;
}

const NO_VALUES: readonly ExternalValue[] = Object.freeze([]);

/** A line as read from either shape, before the checks that span the bill. */
interface RawLine {
  readonly lineNumber: number | undefined;
  readonly lineNumberField: string | undefined;
  readonly path: string;
  readonly revenueCode: string | undefined;
  readonly revenueCodeField: string;
  readonly code: string | undefined;
  readonly codeField: string;
  readonly modifiers: readonly string[];
  readonly units: number;
  readonly charge: string;
  readonly date: string | undefined;
  readonly dateField: string;
  readonly priorAuthorization: string | undefined;
  readonly documentation: readonly string[];
}

/** What both shapes say about the bill as a whole, named by the fields they came from. */
interface RawBill {
  readonly billType: FacilityBillType;
  readonly billTypeField: string;
  readonly typeOfBill: string | undefined;
  readonly typeOfBillField: string;
  readonly admissionDate: string | undefined;
  readonly admissionField: string;
  readonly dischargeDate: string | undefined;
  readonly dischargeField: string;
  readonly drg: string | undefined;
  readonly drgField: string;
}

/**
 * The checks of meaning both shapes share: a type of bill that agrees with the bill type, an
 * inpatient stay with its DRG and discharge date, real dates, every line's date within the stay,
 * revenue codes where the form has them, line numbers used once.
 */
function checkBill(
  raw: RawBill,
  rawLines: readonly RawLine[],
  errors: FieldError[],
): NormalisedFacilityLine[] {
  const { billType } = raw;
  if (raw.typeOfBill !== undefined) {
    const facilityType = fourDigitTypeOfBill(raw.typeOfBill).slice(1, 3);
    if (facilityType !== FACILITY_TYPE[billType]) {
      errors.push({
        field: raw.typeOfBillField,
        errorMessage: `type of bill ${raw.typeOfBill} is facility type ${facilityType}, not a ${billType} bill (0${FACILITY_TYPE[billType]}x)`,
      });
    }
  }
  let admissionDay = Number.NaN;
  let dischargeDay = Number.NaN;
  if (raw.admissionDate !== undefined)
    admissionDay = checkDate(raw.admissionDate, raw.admissionField, errors);
  if (raw.dischargeDate !== undefined)
    dischargeDay = checkDate(raw.dischargeDate, raw.dischargeField, errors);
  if (billType === 'inpatient') {
    if (raw.drg === undefined)
      errors.push({
        field: raw.drgField,
        errorMessage: 'an inpatient bill needs its MS-DRG (we do not group)',
      });
    if (raw.dischargeDate === undefined)
      errors.push({ field: raw.dischargeField, errorMessage: 'an inpatient bill needs its discharge date' });
  }
  if (admissionDay > dischargeDay) {
    errors.push({
      field: raw.dischargeField,
      errorMessage: `the discharge date ${raw.dischargeDate} is before the admission date ${raw.admissionDate}`,
    });
  }
  const fromCms1500 = billType === 'asc' && raw.typeOfBill === undefined;
  const used = new Set<number>();
  for (const l of rawLines) if (l.lineNumber !== undefined) used.add(l.lineNumber);
  let next = 1;
  const seen = new Map<number, string>();
  return rawLines.map((l, index): NormalisedFacilityLine => {
    let lineNumber = l.lineNumber;
    if (lineNumber === undefined) {
      lineNumber = index + 1;
      if (used.has(lineNumber)) {
        while (used.has(next)) next++;
        lineNumber = next;
      }
      used.add(lineNumber);
    }
    const first = seen.get(lineNumber);
    if (first !== undefined) {
      errors.push({
        field: l.lineNumberField ?? `${l.path}.lineNumber`,
        errorMessage: `line number ${lineNumber} is also used by ${first}`,
      });
    } else seen.set(lineNumber, l.path);
    if (l.revenueCode === undefined && !fromCms1500) {
      errors.push({
        field: l.revenueCodeField,
        errorMessage: 'is required: a four-digit revenue code (only an ASC bill from a CMS-1500 has none)',
      });
    }
    if (l.code === undefined && billType !== 'inpatient') {
      errors.push({
        field: l.codeField,
        errorMessage: `is required on ${billType === 'asc' ? 'a surgery-centre' : 'an outpatient'} line: the HCPCS code prices it`,
      });
    }
    let date = l.date;
    if (date === undefined) {
      if (billType === 'inpatient' && raw.dischargeDate !== undefined) date = raw.dischargeDate;
      else if (billType !== 'inpatient') errors.push({ field: l.dateField, errorMessage: 'is required' });
    }
    let day = Number.NaN;
    if (date !== undefined && l.date !== undefined) day = checkDate(date, l.dateField, errors);
    else if (date !== undefined) day = dischargeDay;
    if (l.date !== undefined && !Number.isNaN(day)) {
      if (!Number.isNaN(admissionDay) && day < admissionDay) {
        errors.push({
          field: l.dateField,
          errorMessage: `${l.date} is before the admission date ${raw.admissionDate}: outside the stay`,
        });
      } else if (!Number.isNaN(dischargeDay) && day > dischargeDay) {
        errors.push({
          field: l.dateField,
          errorMessage: `${l.date} is after the discharge date ${raw.dischargeDate}: outside the stay`,
        });
      }
    }
    // One literal for every line (no spreads): a 60-line claim builds 60 of them per request.
    return {
      index,
      lineNumber,
      revenueCode: l.revenueCode ?? '',
      code: l.code,
      modifiers: l.modifiers,
      units: l.units,
      charge: parseCents(l.charge),
      dateOfService: date ?? '',
      codeField: l.code === undefined ? l.revenueCodeField : l.codeField,
      path: l.path,
      lineNumberField: l.lineNumberField,
      day: date === undefined ? Number.NaN : day,
      priorAuthorization: l.priorAuthorization,
      documentation: l.documentation,
      externalValues: NO_VALUES,
    };
  });
}

/** A line with its external values (one literal, as checkBill builds them). */
function withValues(l: NormalisedFacilityLine, values: readonly ExternalValue[]): NormalisedFacilityLine {
  return {
    index: l.index,
    lineNumber: l.lineNumber,
    revenueCode: l.revenueCode,
    code: l.code,
    modifiers: l.modifiers,
    units: l.units,
    charge: l.charge,
    dateOfService: l.dateOfService,
    codeField: l.codeField,
    path: l.path,
    lineNumberField: l.lineNumberField,
    day: l.day,
    priorAuthorization: l.priorAuthorization,
    documentation: l.documentation,
    externalValues: values,
  };
}

function partyOf(
  p: { npi?: string; taxId?: string; name?: string; zip?: string } | undefined,
): Party | undefined {
  if (!p) return undefined;
  return {
    ...(p.npi === undefined ? {} : { npi: p.npi }),
    ...(p.taxId === undefined ? {} : { taxId: p.taxId }),
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.zip === undefined ? {} : { zip: p.zip }),
  };
}

/** The facility bill through the schema itself: field errors for what it refuses. */
function schemaFacilityBill(input: unknown): FacilityBillInput {
  const parsed = v.safeParse(FacilityBillSchema, input);
  if (!parsed.success)
    throw new BillValidationError('The bill has fields we cannot accept.', fieldErrorsOf(parsed.issues));
  return parsed.output;
}

function fromFacilityBill(input: unknown, fast: boolean): NormalisedFacilityBill {
  // The fast path takes well-formed bills; anything else goes to the schema, which names the errors.
  const bill: FacilityBillInput =
    (fast ? fastParseFacilityBill(input) : undefined) ?? schemaFacilityBill(input);
  const errors: FieldError[] = [];
  const rawLines = bill.lines.map(
    (line, index): RawLine => ({
      lineNumber: line.lineNumber,
      lineNumberField: undefined,
      path: `lines[${index}]`,
      revenueCode: line.revenueCode,
      revenueCodeField: `lines[${index}].revenueCode`,
      code: line.code,
      codeField: `lines[${index}].code`,
      modifiers: line.modifiers ?? [],
      units: line.units ?? 1,
      charge: line.charge,
      date: line.dateOfService,
      dateField: `lines[${index}].dateOfService`,
      priorAuthorization: line.priorAuthorization,
      documentation: line.documentation ?? [],
    }),
  );
  const lines = checkBill(
    {
      billType: bill.billType,
      billTypeField: 'billType',
      typeOfBill: bill.typeOfBill === undefined ? undefined : fourDigitTypeOfBill(bill.typeOfBill),
      typeOfBillField: 'typeOfBill',
      admissionDate: bill.admissionDate,
      admissionField: 'admissionDate',
      dischargeDate: bill.dischargeDate,
      dischargeField: 'dischargeDate',
      drg: bill.drg,
      drgField: 'drg',
    },
    rawLines,
    errors,
  );
  const checked = checkExternalValues(
    bill.externalValues,
    lines.map((l, i) => ({
      lineNumber: l.lineNumber,
      path: `lines[${i}]`,
      values: bill.lines[i]?.externalValues,
    })),
    errors,
  );
  if (errors.length > 0) throw new BillValidationError('The bill has fields we cannot accept.', errors);
  const f = bill.facility;
  return {
    billType: bill.billType,
    jurisdiction: bill.jurisdiction,
    ...(bill.typeOfBill === undefined ? {} : { typeOfBill: fourDigitTypeOfBill(bill.typeOfBill) }),
    facility: {
      ...(f.npi === undefined ? {} : { npi: f.npi }),
      ...(f.ccn === undefined ? {} : { ccn: f.ccn }),
      zip: f.zip.slice(0, 5),
      ...(f.cbsa === undefined ? {} : { cbsa: f.cbsa }),
      ...(f.reclassifiedCbsa === undefined ? {} : { reclassifiedCbsa: f.reclassifiedCbsa }),
      ...(f.county === undefined ? {} : { county: f.county }),
      ...(f.costToChargeRatio === undefined ? {} : { costToChargeRatio: f.costToChargeRatio }),
    },
    ...(bill.admissionDate === undefined ? {} : { admissionDate: bill.admissionDate }),
    ...(bill.dischargeDate === undefined ? {} : { dischargeDate: bill.dischargeDate }),
    ...(bill.dischargeStatus === undefined ? {} : { dischargeStatus: bill.dischargeStatus }),
    ...(bill.drg === undefined ? {} : { drg: bill.drg }),
    diagnoses: bill.diagnoses ?? [],
    lines: lines.map((l, i) => {
      const values = checked.perLine[i];
      return values === undefined || values.length === 0 ? l : withValues(l, values);
    }),
    format: 'bill',
    ...(bill.billId === undefined ? {} : { billId: bill.billId }),
    ...(bill.billReference === undefined ? {} : { billReference: bill.billReference }),
    review: bill.review ?? {},
    externalValues: checked.bill,
    parties: {
      ...(bill.payer === undefined
        ? {}
        : {
            payer: {
              ...(bill.payer.name === undefined ? {} : { name: bill.payer.name }),
              ...(bill.payer.id === undefined ? {} : { id: bill.payer.id }),
              ...(bill.payer.contact === undefined ? {} : { contact: bill.payer.contact }),
            },
          }),
      serviceFacility: partyOf({ ...f, zip: f.zip }) as Party,
    },
    ...(bill.receivedDate === undefined ? {} : { receivedDate: bill.receivedDate }),
    zipField: 'facility.zip',
  };
}

/** The institutional claim through the schema itself: field errors for what it refuses. */
function schemaInstitutionalClaim(input: unknown): InstitutionalClaimInput {
  const parsed = v.safeParse(InstitutionalClaimSchema, input);
  if (!parsed.success)
    throw new BillValidationError('The claim has fields we cannot accept.', fieldErrorsOf(parsed.issues));
  return parsed.output;
}

function fromInstitutionalClaim(input: unknown, fast: boolean): NormalisedFacilityBill {
  const claim: InstitutionalClaimInput =
    (fast ? fastParseInstitutionalClaim(input) : undefined) ?? schemaInstitutionalClaim(input);
  const info = claim.claimInformation;
  const errors: FieldError[] = [];
  const fromType = BILL_TYPE_OF_FACILITY_TYPE[info.placeOfServiceCode];
  if (fromType === undefined) {
    errors.push({
      field: 'claimInformation.placeOfServiceCode',
      errorMessage: `facility type ${info.placeOfServiceCode} is not a bill type we price: 11 (inpatient), 13 (outpatient) or 83 (surgery centre)`,
    });
    throw new BillValidationError('The claim has fields we cannot accept.', errors);
  }
  const billType = claim.billType ?? fromType;
  // CLM05-1 (facility type) and CLM05-3 (frequency) make the type of bill, with its leading zero.
  const typeOfBill =
    info.claimFrequencyCode === undefined
      ? undefined
      : `0${info.placeOfServiceCode}${info.claimFrequencyCode}`;
  const dates = info.claimDateInformation;
  const admission = dates.admissionDateAndHour === undefined ? undefined : isoOf(dates.admissionDateAndHour);
  const patientStatus = info.claimCodeInformation?.patientStatusCode;
  // The statement period's end is the discharge date of a stay that ended (patient status other
  // than 30, still a patient: NUBC UB-04 form locators 6 and 17).
  const discharge =
    billType === 'inpatient' && patientStatus !== '30' ? isoOf(dates.statementEndDate) : undefined;
  const providers = claim.providers ?? [];
  const billingIndex = providers.findIndex((p) => p.providerType === 'BillingProvider');
  const billing = claim.billing ?? (billingIndex >= 0 ? providers[billingIndex] : undefined);
  const zipSources: [string | undefined, string][] = [
    [
      info.serviceFacilityLocation?.address?.postalCode,
      'claimInformation.serviceFacilityLocation.address.postalCode',
    ],
    [claim.billing?.address?.postalCode, 'billing.address.postalCode'],
    [
      billingIndex >= 0 ? providers[billingIndex]?.address?.postalCode : undefined,
      `providers[${billingIndex}].address.postalCode`,
    ],
  ];
  const zipSource = zipSources.find(([z]) => z !== undefined);
  if (!zipSource) {
    errors.push({
      field: 'claimInformation.serviceFacilityLocation.address.postalCode',
      errorMessage: 'the facility ZIP code (or the billing provider’s) is needed to place the facility',
    });
  }
  const rawLines = info.serviceLines.map((line, index): RawLine => {
    const path = `claimInformation.serviceLines[${index}]`;
    const s = line.institutionalService;
    return {
      lineNumber: line.assignedNumber === undefined ? undefined : Number(line.assignedNumber),
      lineNumberField: `${path}.assignedNumber`,
      path,
      revenueCode: s.serviceLineRevenueCode,
      revenueCodeField: `${path}.institutionalService.serviceLineRevenueCode`,
      code: s.procedureCode,
      codeField: `${path}.institutionalService.procedureCode`,
      modifiers: s.procedureModifiers ?? [],
      units: s.serviceUnitCount === undefined ? 1 : Number(s.serviceUnitCount),
      charge: s.lineItemChargeAmount,
      date: line.serviceDate === undefined ? undefined : isoOf(line.serviceDate),
      dateField: `${path}.serviceDate`,
      priorAuthorization: undefined,
      documentation: [],
    };
  });
  if (claim.billType !== undefined && claim.billType !== fromType) {
    errors.push({
      field: 'billType',
      errorMessage: `"${claim.billType}" contradicts facility type ${info.placeOfServiceCode} (a ${fromType} bill)`,
    });
  }
  const lines = checkBill(
    {
      billType,
      billTypeField: 'billType',
      typeOfBill,
      typeOfBillField: 'claimInformation.placeOfServiceCode',
      admissionDate: admission,
      admissionField: 'claimInformation.claimDateInformation.admissionDateAndHour',
      dischargeDate: discharge,
      dischargeField: 'claimInformation.claimDateInformation.statementEndDate',
      drg: info.diagnosisRelatedGroupInformation?.drugRelatedGroupCode,
      drgField: 'claimInformation.diagnosisRelatedGroupInformation.drugRelatedGroupCode',
    },
    rawLines,
    errors,
  );
  checkDate(
    isoOf(dates.statementBeginDate),
    'claimInformation.claimDateInformation.statementBeginDate',
    errors,
  );
  if (errors.length > 0) throw new BillValidationError('The claim has fields we cannot accept.', errors);
  const extra = claim.facility ?? {};
  const diagnoses = [
    ...(info.principalDiagnosis?.principalDiagnosisCode === undefined
      ? []
      : [info.principalDiagnosis.principalDiagnosisCode]),
    ...(info.otherDiagnosisInformationList ?? [])
      .flat()
      .flatMap((d) => (d.otherDiagnosisCode === undefined ? [] : [d.otherDiagnosisCode])),
  ];
  const drg = info.diagnosisRelatedGroupInformation?.drugRelatedGroupCode;
  const npi = info.serviceFacilityLocation?.npi ?? billing?.npi;
  const [zip, zipField] = zipSource as [string, string];
  return {
    billType,
    jurisdiction: claim.jurisdiction,
    ...(typeOfBill === undefined ? {} : { typeOfBill }),
    facility: {
      ...(npi === undefined ? {} : { npi }),
      ...(extra.ccn === undefined ? {} : { ccn: extra.ccn }),
      zip: zip.slice(0, 5),
      ...(extra.cbsa === undefined ? {} : { cbsa: extra.cbsa }),
      ...(extra.reclassifiedCbsa === undefined ? {} : { reclassifiedCbsa: extra.reclassifiedCbsa }),
      ...(extra.county === undefined ? {} : { county: extra.county }),
      ...(extra.costToChargeRatio === undefined ? {} : { costToChargeRatio: extra.costToChargeRatio }),
    },
    ...(admission === undefined ? {} : { admissionDate: admission }),
    ...(discharge === undefined ? {} : { dischargeDate: discharge }),
    ...(patientStatus === undefined ? {} : { dischargeStatus: patientStatus }),
    ...(drg === undefined ? {} : { drg }),
    diagnoses,
    lines,
    format: '837i',
    ...(claim.controlNumber === undefined ? {} : { billId: claim.controlNumber }),
    ...(claim.billReference === undefined ? {} : { billReference: claim.billReference }),
    review: {},
    externalValues: [],
    parties: {
      ...(billing?.npi === undefined ? {} : { billingProvider: { npi: billing.npi } }),
      serviceFacility: { ...(npi === undefined ? {} : { npi }), zip: zip.slice(0, 5) },
    },
    zipField,
  };
}

/**
 * A surgery centre's bill on a CMS-1500 (the 837P-style claim JSON with `billType: "asc"`): the
 * centre's lines carry HCPCS codes and no revenue codes, and there is no type of bill (Medicare
 * Claims Processing Manual ch. 14, § 40: ASCs bill on the CMS-1500/837P,
 * https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c14.pdf).
 */
function fromProfessionalAscClaim(input: unknown): NormalisedFacilityBill {
  const billType = (input as { billType?: unknown }).billType;
  if (billType !== 'asc') {
    throw new BillValidationError('The claim has fields we cannot accept.', [
      {
        field: 'billType',
        errorMessage:
          'an 837P-style claim (professionalService lines) is a professional bill, or a surgery centre’s with "asc"; outpatient and inpatient bills use institutionalService lines',
      },
    ]);
  }
  const parsed = v.safeParse(ProfessionalClaimSchema, input);
  if (!parsed.success)
    throw new BillValidationError('The claim has fields we cannot accept.', fieldErrorsOf(parsed.issues));
  const claim = parsed.output;
  const info = claim.claimInformation;
  const errors: FieldError[] = [];
  const providers = claim.providers ?? [];
  const billingIndex = providers.findIndex((p) => p.providerType === 'BillingProvider');
  const billing = billingIndex >= 0 ? providers[billingIndex] : undefined;
  const facilityZip = info.serviceFacilityLocation?.address?.postalCode;
  const zip = facilityZip ?? billing?.address?.postalCode;
  const zipField =
    facilityZip !== undefined
      ? 'claimInformation.serviceFacilityLocation.address.postalCode'
      : `providers[${billingIndex}].address.postalCode`;
  if (zip === undefined) {
    errors.push({
      field: 'claimInformation.serviceFacilityLocation.address.postalCode',
      errorMessage: 'the centre’s ZIP code (or the billing provider’s) is needed to place the centre',
    });
  }
  const rawLines = info.serviceLines.map((line, index): RawLine => {
    const path = `claimInformation.serviceLines[${index}]`;
    const service = line.professionalService;
    return {
      lineNumber: line.assignedNumber === undefined ? undefined : Number(line.assignedNumber),
      lineNumberField: `${path}.assignedNumber`,
      path,
      revenueCode: undefined,
      revenueCodeField: `${path}.professionalService`,
      code: service.procedureCode,
      codeField: `${path}.professionalService.procedureCode`,
      modifiers: service.procedureModifiers ?? [],
      units: service.serviceUnitCount === undefined ? 1 : Number(service.serviceUnitCount),
      charge: service.lineItemChargeAmount,
      date: isoOf(line.serviceDate),
      dateField: `${path}.serviceDate`,
      priorAuthorization: undefined,
      documentation: [],
    };
  });
  const lines = checkBill(
    {
      billType: 'asc',
      billTypeField: 'billType',
      typeOfBill: undefined,
      typeOfBillField: 'billType',
      admissionDate: undefined,
      admissionField: 'claimInformation',
      dischargeDate: undefined,
      dischargeField: 'claimInformation',
      drg: undefined,
      drgField: 'claimInformation',
    },
    rawLines,
    errors,
  );
  if (errors.length > 0) throw new BillValidationError('The claim has fields we cannot accept.', errors);
  const npi = billing?.npi;
  const zip5 = (zip as string).slice(0, 5);
  return {
    billType: 'asc',
    jurisdiction: claim.jurisdiction,
    facility: { ...(npi === undefined ? {} : { npi }), zip: zip5 },
    diagnoses: [],
    lines,
    format: '837p',
    ...(claim.controlNumber === undefined ? {} : { billId: claim.controlNumber }),
    ...(claim.billReference === undefined ? {} : { billReference: claim.billReference }),
    review: {},
    externalValues: [],
    parties: {
      ...(npi === undefined ? {} : { billingProvider: { npi } }),
      serviceFacility: { zip: zip5 },
    },
    zipField,
  };
}

/**
 * Whether a request body is a facility bill: our bill JSON with a facility `billType`, or a claim
 * whose first service line is an `institutionalService`. Cheap, so the professional path pays one
 * property read for it.
 *
 * @param input - the parsed JSON body
 * @returns true for a facility bill
 */
export function isFacilityRequest(input: unknown): boolean {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const o = input as { billType?: unknown; claimInformation?: { serviceLines?: unknown } };
  if (typeof o.billType === 'string' && (FACILITY_BILL_TYPES as readonly string[]).includes(o.billType))
    return true;
  const lines = o.claimInformation?.serviceLines;
  return (
    Array.isArray(lines) &&
    typeof lines[0] === 'object' &&
    lines[0] !== null &&
    'institutionalService' in lines[0]
  );
}

/**
 * Normalise stage of a facility bill: checks the request's shape and meaning and returns the
 * facility bill the orchestration prices (types.ts `FacilityBill` and what the answer repeats).
 *
 * @param input - the parsed JSON body (a facility bill or an institutional claim)
 * @returns the normalised facility bill
 * @throws BillValidationError with every field error found
 * @example normaliseFacilityBill({ jurisdiction: 'US-MEDICARE', billType: 'outpatient', facility: { zip: '30303' }, lines: [{ revenueCode: '0510', code: 'G0463', dateOfService: '2025-03-04', charge: '300.00' }] })
 */
export function normaliseFacilityBill(input: unknown): NormalisedFacilityBill {
  return normaliseFacility(input, true);
}

/**
 * {@link normaliseFacilityBill} through the Valibot schemas only, never the fast path: the
 * reference the fast path is tested against.
 *
 * @param input - the parsed JSON body (a facility bill or an institutional claim)
 * @returns the normalised facility bill
 * @throws BillValidationError with every field error found
 */
export function normaliseFacilityBillBySchema(input: unknown): NormalisedFacilityBill {
  return normaliseFacility(input, false);
}

function normaliseFacility(input: unknown, fast: boolean): NormalisedFacilityBill {
  if (typeof input === 'object' && input !== null && 'claimInformation' in input) {
    const first = (input as { claimInformation?: { serviceLines?: unknown[] } }).claimInformation
      ?.serviceLines?.[0];
    const professional = typeof first === 'object' && first !== null && 'professionalService' in first;
    return professional ? fromProfessionalAscClaim(input) : fromInstitutionalClaim(input, fast);
  }
  return fromFacilityBill(input, fast);
}
