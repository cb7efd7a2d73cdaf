import * as v from 'valibot';
import { billReference } from './bill-reference.js';
import {
  analytics,
  code,
  compare,
  explain,
  externalValues,
  isoDate,
  modifier,
  money,
  payer,
  qrCode,
  ReviewSchema,
  shortText,
  yyyymmdd,
  zip,
} from './schema.js';

/**
 * The two facility bill shapes `POST /v1/bills/price` accepts: this API's own facility bill JSON
 * (`billType` "outpatient", "asc" or "inpatient") and the institutional claim JSON of the
 * clearinghouse family whose professional shape we already take (recognised by
 * `claimInformation.serviceLines[].institutionalService`). Shape and formats here; meaning (dates
 * within the stay, a type of bill that agrees with the bill type, a DRG on an inpatient bill) in
 * normalise-facility.ts. The OpenAPI document is generated from these schemas.
 */

/** Formats of the facility fields, shared by both shapes. */
export const FACILITY_PATTERNS = {
  /** UB-04 form locator 42: four digits, "0360" (NUBC revenue codes). */
  revenueCode: /^\d{4}$/,
  /** UB-04 form locator 4: a leading zero, facility type, care type, frequency: "0131", "0111", "0831". */
  typeOfBill: /^0?\d{3}$/,
  /** MS-DRG: three digits, "470". */
  drg: /^\d{3}$/,
  /** UB-04 form locator 17 patient discharge status: two digits. */
  dischargeStatus: /^\d{2}$/,
  cbsa: /^\d{2}(\d{3})?$/,
  ccn: /^[0-9A-Z]{6}$/,
  county: /^\d{5}$/,
  costToChargeRatio: /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/,
  npi: /^\d{10}$/,
  /** ICD-10-CM without the dot, as X12 carries it: accepted and passed through, never grouped. */
  diagnosis: /^[A-Z][0-9][0-9A-Z]{1,5}$/,
} as const;

/** The bill types of a facility bill (the UB-04 facility type of its type of bill). */
export const FACILITY_BILL_TYPES = ['outpatient', 'asc', 'inpatient'] as const;

const revenueCode = v.pipe(
  v.string('send the revenue code as a string of four digits, for example "0360"'),
  v.trim(),
  v.regex(FACILITY_PATTERNS.revenueCode, 'must be a four-digit revenue code, for example "0360"'),
  v.description('NUBC revenue code (UB-04 form locator 42), four digits.'),
);

const units = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number of units'),
  v.minValue(1, 'must be 1 or more'),
  v.maxValue(99999, 'must be at most 99999'),
);

const drg = v.pipe(
  v.string('send the MS-DRG as a string of three digits, for example "470"'),
  v.trim(),
  v.regex(FACILITY_PATTERNS.drg, 'must be a three-digit MS-DRG, for example "470"'),
  v.description('The MS-DRG as billed (we do not group: the DRG is the bill’s).'),
);

const dischargeStatus = v.pipe(
  v.string('send the discharge status as a string of two digits, for example "01"'),
  v.regex(
    FACILITY_PATTERNS.dischargeStatus,
    'must be a two-digit patient discharge status, for example "01"',
  ),
  v.description('UB-04 form locator 17 patient discharge status (two digits).'),
);

const diagnosis = v.pipe(
  v.string(),
  v.trim(),
  v.toUpperCase(),
  v.transform((s) => s.replace('.', '')),
  v.regex(FACILITY_PATTERNS.diagnosis, 'must be an ICD-10-CM code, for example "S83.241A"'),
);

const pattern = (re: RegExp, message: string, description: string) =>
  v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(re, message), v.description(description));

export const FacilitySchema = v.pipe(
  v.looseObject({
    npi: v.optional(pattern(FACILITY_PATTERNS.npi, 'must be a ten-digit NPI', 'The facility’s NPI.')),
    ccn: v.optional(
      pattern(
        FACILITY_PATTERNS.ccn,
        'must be a six-character CMS Certification Number',
        'CMS Certification Number (six characters), when known.',
      ),
    ),
    zip,
    cbsa: v.optional(
      pattern(
        FACILITY_PATTERNS.cbsa,
        'must be a five-digit CBSA or a two-digit state rural area',
        'The CBSA (five digits) or state rural area (two digits) the hospital is paid in, when known.',
      ),
    ),
    reclassifiedCbsa: v.optional(
      pattern(
        FACILITY_PATTERNS.cbsa,
        'must be a five-digit CBSA or a two-digit state rural area',
        'The CBSA the hospital is reclassified to (MGCRB or 42 CFR § 412.103), when it is.',
      ),
    ),
    county: v.optional(
      pattern(
        FACILITY_PATTERNS.county,
        'must be a five-digit SSA state and county code',
        'SSA state and county code (out-migration adjustment), when known.',
      ),
    ),
    costToChargeRatio: v.optional(
      pattern(
        FACILITY_PATTERNS.costToChargeRatio,
        'must be a ratio between 0 and 1 as a string, for example "0.245"',
        'The hospital’s operating cost-to-charge ratio (outlier payments), when sent.',
      ),
    ),
    name: v.optional(shortText(200)),
    taxId: v.optional(shortText(20)),
  }),
  v.description('The facility that billed: where it is paid (ZIP, CBSA) and what CMS knows it by.'),
);

export const FacilityLineSchema = v.looseObject({
  lineNumber: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be 1 or more'),
      v.maxValue(9999),
    ),
  ),
  revenueCode: v.optional(
    v.pipe(
      revenueCode,
      v.description(
        'Required except on an ASC bill sent as from a CMS-1500 (no typeOfBill), which has none.',
      ),
    ),
  ),
  code: v.optional(code),
  modifiers: v.optional(v.pipe(v.array(modifier), v.maxLength(4, 'at most four modifiers'))),
  units: v.optional(units),
  charge: money,
  dateOfService: v.optional(
    v.pipe(
      isoDate,
      v.description('Required on outpatient and ASC lines; inpatient lines default to the discharge date.'),
    ),
  ),
  priorAuthorization: v.optional(
    v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(50)),
  ),
  externalValues: v.optional(externalValues),
  documentation: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100))),
      v.maxLength(20, 'at most 20 attachments a line'),
    ),
  ),
});

export const FacilityBillSchema = v.pipe(
  v.looseObject({
    billId: v.optional(v.pipe(shortText(64), v.description('Your reference for the bill; echoed back.'))),
    billReference: v.optional(billReference),
    jurisdiction: v.pipe(
      v.string('is required'),
      v.trim(),
      v.toUpperCase(),
      v.minLength(2, 'is required'),
      v.description('Whose fee schedule prices the bill: a state code, "US-OWCP" or "US-MEDICARE".'),
    ),
    billType: v.pipe(
      v.picklist(FACILITY_BILL_TYPES, 'must be "outpatient", "asc" or "inpatient"'),
      v.description(
        '"outpatient": hospital outpatient (UB-04 type of bill 013x); "asc": ambulatory surgery centre (083x, or a CMS-1500 from a centre); "inpatient": inpatient stay (011x).',
      ),
    ),
    typeOfBill: v.optional(
      v.pipe(
        v.string('send the type of bill as a string, for example "0131"'),
        v.trim(),
        v.regex(FACILITY_PATTERNS.typeOfBill, 'must be a UB-04 type of bill, for example "0131"'),
        v.description(
          'UB-04 form locator 4; must agree with billType (011x inpatient, 013x outpatient, 083x ASC).',
        ),
      ),
    ),
    facility: FacilitySchema,
    admissionDate: v.optional(v.pipe(isoDate, v.description('Inpatient: the date of admission.'))),
    dischargeDate: v.optional(v.pipe(isoDate, v.description('Inpatient: the date of discharge (required).'))),
    dischargeStatus: v.optional(dischargeStatus),
    drg: v.optional(drg),
    diagnoses: v.optional(
      v.pipe(
        v.array(diagnosis),
        v.maxLength(25, 'at most 25 diagnoses'),
        v.description('ICD-10-CM codes, principal first: accepted and passed through; we do not group.'),
      ),
    ),
    payer: v.optional(payer),
    receivedDate: v.optional(v.pipe(isoDate, v.description('When the bill was received (passed through).'))),
    review: v.optional(ReviewSchema),
    externalValues: v.optional(externalValues),
    qrCode: v.optional(qrCode),
    analytics: v.optional(analytics),
    compare: v.optional(compare),
    explain: v.optional(explain),
    lines: v.pipe(
      v.array(FacilityLineSchema, 'must be a list of service lines'),
      v.minLength(1, 'a bill needs at least one line'),
      v.maxLength(999, 'at most 999 lines a bill'),
    ),
  }),
  v.description(
    "A facility bill (hospital outpatient, surgery centre or inpatient stay) in this API's own JSON shape.",
  ),
);

const claimAddress = v.looseObject({ postalCode: v.optional(zip) });

const claimProvider = v.looseObject({
  providerType: v.optional(v.string()),
  npi: v.optional(shortText(10)),
  address: v.optional(claimAddress),
});

/**
 * The institutional claim JSON (837I in JSON) of the clearinghouse family whose professional shape
 * we take. Field names follow Stedi's Institutional Claims API (https://www.stedi.com/docs/api-reference/healthcare/post-healthcare-institutional-claims):
 * `claimInformation.placeOfServiceCode` is the facility type code and `claimFrequencyCode` the
 * frequency (together the UB-04 type of bill, CLM05-1 and CLM05-3), `claimDateInformation` the
 * statement and admission dates (DTP 434 and 435), `claimCodeInformation.patientStatusCode` the
 * discharge status (CL1-03), `diagnosisRelatedGroupInformation.drugRelatedGroupCode` the DRG
 * (HI DR, the API's own spelling), and each service line's `institutionalService` the revenue
 * code, HCPCS, modifiers, charge and units (SV2).
 */
export const InstitutionalClaimSchema = v.pipe(
  v.looseObject({
    controlNumber: v.optional(shortText(64)),
    billReference: v.optional(billReference),
    qrCode: v.optional(qrCode),
    analytics: v.optional(analytics),
    compare: v.optional(compare),
    explain: v.optional(explain),
    jurisdiction: v.pipe(v.string('is required'), v.trim(), v.toUpperCase(), v.minLength(2, 'is required')),
    billType: v.optional(
      v.pipe(
        v.picklist(FACILITY_BILL_TYPES, 'must be "outpatient", "asc" or "inpatient"'),
        v.description('Optional: read from the type of bill (facility type 11, 13 or 83) when absent.'),
      ),
    ),
    billing: v.optional(claimProvider),
    providers: v.optional(v.array(claimProvider)),
    facility: v.optional(
      v.pipe(
        v.looseObject({
          cbsa: v.optional(FacilitySchema.entries.cbsa),
          reclassifiedCbsa: v.optional(FacilitySchema.entries.reclassifiedCbsa),
          county: v.optional(FacilitySchema.entries.county),
          ccn: v.optional(FacilitySchema.entries.ccn),
          costToChargeRatio: v.optional(FacilitySchema.entries.costToChargeRatio),
        }),
        v.description(
          'What the claim does not carry and pricing may use: the CBSA, CCN, cost-to-charge ratio.',
        ),
      ),
    ),
    claimInformation: v.looseObject({
      placeOfServiceCode: v.pipe(
        v.string('is required'),
        v.regex(/^\d{2}$/, 'must be the two-digit facility type code of the type of bill, for example "13"'),
      ),
      claimFrequencyCode: v.optional(
        v.pipe(v.string(), v.regex(/^\d$/, 'must be one digit, for example "1"')),
      ),
      claimDateInformation: v.looseObject({
        statementBeginDate: yyyymmdd,
        statementEndDate: yyyymmdd,
        admissionDateAndHour: v.optional(
          v.pipe(v.string(), v.regex(/^\d{8}(\d{2}(\d{2})?)?$/, 'must be YYYYMMDD or YYYYMMDDHHMM')),
        ),
      }),
      claimCodeInformation: v.optional(
        v.looseObject({
          admissionTypeCode: v.optional(v.string()),
          admissionSourceCode: v.optional(v.string()),
          patientStatusCode: v.optional(dischargeStatus),
        }),
      ),
      principalDiagnosis: v.optional(v.looseObject({ principalDiagnosisCode: v.optional(diagnosis) })),
      otherDiagnosisInformationList: v.optional(
        v.array(v.array(v.looseObject({ otherDiagnosisCode: v.optional(diagnosis) }))),
      ),
      diagnosisRelatedGroupInformation: v.optional(
        v.looseObject({
          drugRelatedGroupCode: v.optional(
            v.pipe(
              v.union([v.string(), v.number()], 'must be the MS-DRG'),
              v.transform((d) => String(d).padStart(3, '0')),
              drg,
            ),
          ),
        }),
      ),
      serviceFacilityLocation: v.optional(
        v.looseObject({ npi: v.optional(shortText(10)), address: v.optional(claimAddress) }),
      ),
      serviceLines: v.pipe(
        v.array(
          v.looseObject({
            assignedNumber: v.optional(
              v.pipe(v.string(), v.regex(/^[1-9]\d{0,3}$/, 'must be a line number, 1 or more')),
            ),
            serviceDate: v.optional(yyyymmdd),
            institutionalService: v.looseObject({
              serviceLineRevenueCode: revenueCode,
              procedureIdentifier: v.optional(v.string()),
              procedureCode: v.optional(code),
              procedureModifiers: v.optional(
                v.pipe(v.array(modifier), v.maxLength(4, 'at most four modifiers')),
              ),
              lineItemChargeAmount: money,
              measurementUnit: v.optional(v.string()),
              serviceUnitCount: v.optional(
                v.pipe(v.string(), v.regex(/^[1-9]\d{0,4}$/, 'must be a whole number of units, 1 or more')),
              ),
            }),
          }),
        ),
        v.minLength(1, 'a claim needs at least one service line'),
        v.maxLength(999, 'at most 999 lines a claim'),
      ),
    }),
  }),
  v.description(
    'An institutional claim in the clearinghouse JSON shape (claimInformation.serviceLines[].institutionalService).',
  ),
);

export type FacilityBillInput = v.InferOutput<typeof FacilityBillSchema>;
export type InstitutionalClaimInput = v.InferOutput<typeof InstitutionalClaimSchema>;
