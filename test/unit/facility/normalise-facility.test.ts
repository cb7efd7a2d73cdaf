import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { normaliseFacilityBill } from '../../../lambdas/engine/bill/normalise-facility.js';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';

const facility = { zip: '30303', npi: '1234567893' };

const outpatient = (lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  jurisdiction: 'us-medicare',
  billType: 'outpatient',
  typeOfBill: '131',
  facility,
  lines,
  ...extra,
});

const inpatient = (extra: Record<string, unknown> = {}) => ({
  jurisdiction: 'US-MEDICARE',
  billType: 'inpatient',
  typeOfBill: '0111',
  facility,
  admissionDate: '2025-03-02',
  dischargeDate: '2025-03-05',
  dischargeStatus: '01',
  drg: '470',
  lines: [
    { revenueCode: '0120', units: 3, charge: '6000.00' },
    { revenueCode: '0360', code: '27447', charge: '30000.00', dateOfService: '2025-03-02' },
  ],
  ...extra,
});

function fieldsOf(input: unknown): string[] {
  try {
    normaliseRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(BillValidationError);
    return (error as BillValidationError).errors.map((e) => e.field);
  }
  throw new Error('expected a BillValidationError');
}

describe('normaliseFacilityBill: our facility JSON', () => {
  it('normalises an outpatient bill to the FacilityBill contract', () => {
    const bill = normaliseFacilityBill(
      outpatient([
        {
          revenueCode: '0360',
          code: '29881',
          modifiers: ['rt'],
          charge: '5000.00',
          dateOfService: '2025-03-04',
        },
        { revenueCode: '0300', code: '36415', units: 2, charge: '30.50', dateOfService: '2025-03-04' },
      ]),
    );
    expect(bill).toMatchObject({
      billType: 'outpatient',
      jurisdiction: 'US-MEDICARE',
      typeOfBill: '0131',
      facility: { zip: '30303', npi: '1234567893' },
      diagnoses: [],
    });
    expect(bill.lines[0]).toMatchObject({
      index: 0,
      lineNumber: 1,
      revenueCode: '0360',
      code: '29881',
      modifiers: ['RT'],
      units: 1,
      charge: 500000,
      dateOfService: '2025-03-04',
      codeField: 'lines[0].code',
    });
    expect(bill.lines[1]).toMatchObject({ lineNumber: 2, units: 2, charge: 3050 });
  });

  it('gives an inpatient line without a date the discharge date', () => {
    const bill = normaliseFacilityBill(inpatient());
    expect(bill.lines.map((l) => l.dateOfService)).toEqual(['2025-03-05', '2025-03-02']);
    expect(bill.lines[0]?.code).toBeUndefined();
    expect(bill).toMatchObject({ drg: '470', dischargeStatus: '01', admissionDate: '2025-03-02' });
  });

  it('names the field of a revenue code that is not four digits', () => {
    expect(
      fieldsOf(
        outpatient([{ revenueCode: '360', code: '29881', charge: '1.00', dateOfService: '2025-03-04' }]),
      ),
    ).toEqual(['lines[0].revenueCode']);
  });

  it('refuses an inpatient bill without a DRG or a discharge date', () => {
    expect(fieldsOf(inpatient({ drg: undefined, dischargeDate: undefined }))).toEqual([
      'drg',
      'dischargeDate',
    ]);
  });

  it('refuses a line dated outside the stay', () => {
    const bill = inpatient();
    bill.lines[1] = {
      ...(bill.lines[1] as object),
      dateOfService: '2025-03-09',
    } as (typeof bill.lines)[number];
    expect(fieldsOf(bill)).toEqual(['lines[1].dateOfService']);
    bill.lines[1] = {
      ...(bill.lines[1] as object),
      dateOfService: '2025-03-01',
    } as (typeof bill.lines)[number];
    expect(fieldsOf(bill)).toEqual(['lines[1].dateOfService']);
  });

  it('refuses a type of bill that contradicts the bill type', () => {
    expect(fieldsOf(inpatient({ typeOfBill: '0131' }))).toEqual(['typeOfBill']);
  });

  it('refuses units and charges as for professional lines, and an outpatient line without code or date', () => {
    expect(
      fieldsOf(
        outpatient([
          { revenueCode: '0360', code: '29881', units: 0, charge: '-1', dateOfService: '2025-03-04' },
        ]),
      ),
    ).toEqual(['lines[0].units', 'lines[0].charge']);
    expect(fieldsOf(outpatient([{ revenueCode: '0360', charge: '1.00' }]))).toEqual([
      'lines[0].code',
      'lines[0].dateOfService',
    ]);
    expect(
      fieldsOf(
        outpatient([{ revenueCode: '0360', code: '29881', charge: '1.00', dateOfService: '2025-02-30' }]),
      ),
    ).toEqual(['lines[0].dateOfService']);
  });

  it('takes an ASC bill from a CMS-1500 (no type of bill) without revenue codes', () => {
    const bill = normaliseFacilityBill({
      jurisdiction: 'US-MEDICARE',
      billType: 'asc',
      facility,
      lines: [{ code: '29881', charge: '2500.00', dateOfService: '2025-03-04' }],
    });
    expect(bill.typeOfBill).toBeUndefined();
    expect(bill.lines[0]?.revenueCode).toBe('');
    expect(
      fieldsOf({
        ...bill,
        typeOfBill: '0831',
        lines: [{ code: '29881', charge: '1.00', dateOfService: '2025-03-04' }],
      }),
    ).toEqual(['lines[0].revenueCode']);
  });
});

/** An institutional claim in the clearinghouse JSON (Stedi Institutional Claims API field names). */
const claim = (info: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  controlNumber: 'C-1',
  jurisdiction: 'US-MEDICARE',
  billing: { npi: '1234567893', address: { postalCode: '303031234' } },
  claimInformation: {
    placeOfServiceCode: '11',
    claimFrequencyCode: '1',
    claimDateInformation: {
      admissionDateAndHour: '202503020800',
      statementBeginDate: '20250302',
      statementEndDate: '20250305',
    },
    claimCodeInformation: { admissionTypeCode: '3', admissionSourceCode: '1', patientStatusCode: '01' },
    principalDiagnosis: { qualifierCode: 'ABK', principalDiagnosisCode: 'M1711' },
    diagnosisRelatedGroupInformation: { drugRelatedGroupCode: 470 },
    serviceLines: [
      {
        institutionalService: {
          serviceLineRevenueCode: '0120',
          lineItemChargeAmount: '6000.00',
          serviceUnitCount: '3',
        },
      },
      {
        assignedNumber: '2',
        serviceDate: '20250302',
        institutionalService: {
          serviceLineRevenueCode: '0360',
          procedureIdentifier: 'HC',
          procedureCode: '27447',
          procedureModifiers: ['RT'],
          lineItemChargeAmount: '30000.00',
          measurementUnit: 'UN',
          serviceUnitCount: '1',
        },
      },
    ],
    ...info,
  },
  ...top,
});

describe('normaliseFacilityBill: the institutional claim JSON', () => {
  it('maps an inpatient claim: type of bill from facility type and frequency, stay, DRG, status', () => {
    const bill = normaliseFacilityBill(claim());
    expect(bill).toMatchObject({
      billType: 'inpatient',
      format: '837i',
      billId: 'C-1',
      typeOfBill: '0111',
      admissionDate: '2025-03-02',
      dischargeDate: '2025-03-05',
      dischargeStatus: '01',
      drg: '470',
      diagnoses: ['M1711'],
      facility: { zip: '30303', npi: '1234567893' },
    });
    expect(bill.lines[0]).toMatchObject({
      lineNumber: 1,
      revenueCode: '0120',
      units: 3,
      dateOfService: '2025-03-05',
    });
    expect(bill.lines[1]).toMatchObject({
      lineNumber: 2,
      code: '27447',
      modifiers: ['RT'],
      charge: 3000000,
      codeField: 'claimInformation.serviceLines[1].institutionalService.procedureCode',
    });
  });

  it('maps an outpatient claim (facility type 13)', () => {
    const bill = normaliseFacilityBill(
      claim({
        placeOfServiceCode: '13',
        diagnosisRelatedGroupInformation: undefined,
        serviceLines: [
          {
            serviceDate: '20250304',
            institutionalService: {
              serviceLineRevenueCode: '0510',
              procedureCode: 'G0463',
              lineItemChargeAmount: '300.00',
              serviceUnitCount: '1',
            },
          },
        ],
      }),
    );
    expect(bill).toMatchObject({ billType: 'outpatient', typeOfBill: '0131' });
    expect(bill.dischargeDate).toBeUndefined();
  });

  it('names the claim fields it refuses', () => {
    expect(fieldsOf(claim({ diagnosisRelatedGroupInformation: undefined }))).toEqual([
      'claimInformation.diagnosisRelatedGroupInformation.drugRelatedGroupCode',
    ]);
    expect(fieldsOf(claim({ placeOfServiceCode: '21' }))).toEqual(['claimInformation.placeOfServiceCode']);
    expect(fieldsOf(claim({}, { billType: 'outpatient' }))).toContain('billType');
    const bad = claim();
    (bad.claimInformation.serviceLines[1] as { serviceDate: string }).serviceDate = '20250310';
    expect(fieldsOf(bad)).toEqual(['claimInformation.serviceLines[1].serviceDate']);
    const rev = claim();
    (
      rev.claimInformation.serviceLines[0] as { institutionalService: { serviceLineRevenueCode: string } }
    ).institutionalService.serviceLineRevenueCode = '12';
    expect(fieldsOf(rev)).toEqual([
      'claimInformation.serviceLines[0].institutionalService.serviceLineRevenueCode',
    ]);
  });
});

describe('normaliseFacilityBill: a surgery centre on a CMS-1500 (837P-style claim JSON)', () => {
  const ascClaim = (billType: string) => ({
    controlNumber: 'ASC-1',
    jurisdiction: 'US-MEDICARE',
    billType,
    providers: [{ providerType: 'BillingProvider', npi: '1234567893', address: { postalCode: '78701' } }],
    claimInformation: {
      placeOfServiceCode: '24',
      serviceLines: [
        {
          serviceDate: '20251014',
          professionalService: {
            procedureIdentifier: 'HC',
            procedureCode: '29881',
            procedureModifiers: ['RT'],
            lineItemChargeAmount: '6800.00',
            measurementUnit: 'UN',
            serviceUnitCount: '1',
          },
        },
      ],
    },
  });

  it('maps it to an ASC bill without revenue codes or type of bill', () => {
    const bill = normaliseFacilityBill(ascClaim('asc'));
    expect(bill).toMatchObject({
      billType: 'asc',
      format: '837p',
      billId: 'ASC-1',
      facility: { zip: '78701' },
    });
    expect(bill.typeOfBill).toBeUndefined();
    expect(bill.lines[0]).toMatchObject({
      revenueCode: '',
      code: '29881',
      modifiers: ['RT'],
      charge: 680000,
    });
  });

  it('refuses it as an outpatient or inpatient bill, naming billType', () => {
    expect(fieldsOf(ascClaim('outpatient'))).toEqual(['billType']);
  });
});

describe('normaliseRequest', () => {
  it('leaves professional bills and 837P claims to the professional normaliser, unchanged', () => {
    const professional = {
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '30303' },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
    };
    expect(normaliseRequest(professional)).toEqual(normaliseBill(professional));
    expect(normaliseRequest({ ...professional, billType: 'professional' })).toEqual(
      normaliseBill({ ...professional, billType: 'professional' }),
    );
    expect(fieldsOf({ ...professional, billType: 'dental' })).toEqual(['billType']);
  });
});
