import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { sixtyLineOutpatientClaim } from '../../../bench/run.js';
import {
  FacilityBillSchema,
  FacilityLineSchema,
  FacilitySchema,
  InstitutionalClaimSchema,
} from '../../../lambdas/engine/bill/facility-schema.js';
import {
  FAST_CLAIM_INFORMATION_KEYS,
  FAST_CLAIM_KEYS,
  FAST_CLAIM_SERVICE_KEYS,
  FAST_FACILITY_BILL_KEYS,
  FAST_FACILITY_KEYS,
  FAST_FACILITY_LINE_KEYS,
  fastParseFacilityBill,
  fastParseInstitutionalClaim,
} from '../../../lambdas/engine/bill/fast-facility.js';
import {
  normaliseFacilityBill,
  normaliseFacilityBillBySchema,
} from '../../../lambdas/engine/bill/normalise-facility.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';

/*
 * The facility fast path must accept only what the schemas accept and give the same normalised
 * bill; whatever it does not take goes to the schemas. Random facility bills and institutional
 * claims, well formed and broken field by field (as fast-bill.test.ts does for professional bills).
 */
/** Mostly valid values, sometimes a broken one, rarely anything at all. */
function mostly<T>(valid: fc.Arbitrary<T>, broken: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 80 },
    { arbitrary: broken, weight: 1 },
    { arbitrary: fc.anything(), weight: 1 },
  );
}
const text = (valid: string[], broken: string[]) =>
  mostly(fc.constantFrom(...valid), fc.constantFrom(...broken));
const maybe = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined });

const revenueCode = text(['0360', ' 0450 ', '0301'], ['360', '03600', 'ABCD']);
const code = text(['29881', ' g0463 ', '80053', '36415'], ['2988', 'ABCDE1', '']);
const modifiers = mostly(
  fc.array(text(['73', 'rt', ' 59', 'PO'], ['LTX', '']), { maxLength: 4 }),
  fc.constant(['25', '59', 'RT', 'LT', 'XU']),
);
const charge = text(['9500.00', '240', '150.5', '0.01'], ['1.234', '-1.00', '1234567890', '150.']);
const diagnosis = text(['S83.241A', ' m17.11 ', 'S8324'], ['83.2', 'S', 'S83.241A.1X']);

const lineArb = fc.record(
  {
    lineNumber: maybe(mostly(fc.integer({ min: 1, max: 9999 }), fc.constantFrom(0, 10_000, 1.5))),
    revenueCode: maybe(revenueCode),
    code: maybe(code),
    modifiers: maybe(modifiers),
    units: maybe(mostly(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom(0, 100_000, 2.5))),
    charge,
    dateOfService: maybe(text(['2025-03-04', '2025-03-07', '2025-02-30', '2025-04-01'], ['20250304'])),
    priorAuthorization: maybe(text(['PA-1', ' PA-2 '], ['  ', 'x'.repeat(51)])),
    documentation: maybe(
      mostly(
        fc.array(text(['report-1', ' note '], [' ', 'x'.repeat(101)]), { maxLength: 3 }),
        fc.constant(Array(21).fill('a')),
      ),
    ),
    extra: maybe(fc.anything()),
  },
  { requiredKeys: ['charge'] },
);

const cbsa = text(['12054', ' 19124', '11'], ['1205', 'ABCDE']);
const identifiers = {
  ccn: maybe(text(['110079', ' 11t079 '], ['11007'])),
  cbsa: maybe(cbsa),
  reclassifiedCbsa: maybe(cbsa),
  county: maybe(text(['11610'], ['1161'])),
  costToChargeRatio: maybe(text(['0.245', '1', ' 0.3 '], ['1.1', '0.1234567'])),
};

const facilityBillArb = fc.record(
  {
    billId: maybe(mostly(fc.string({ maxLength: 64 }), fc.constant('x'.repeat(65)))),
    billReference: maybe(
      mostly(
        fc.constantFrom('EOR-9', ' A/12#3 ', 'ref.7_x'),
        fc.constantFrom('518-44-7093', '2025-03-04', '123456789', '', 'x'.repeat(31), 7),
      ),
    ),
    jurisdiction: text(['US-MEDICARE', ' ga ', 'TX'], ['x', '']),
    billType: text(['outpatient', 'asc', 'inpatient'], ['professional', 'OUTPATIENT']),
    typeOfBill: maybe(text(['0131', '131', ' 0111 ', '0831'], ['01311', 'x131'])),
    facility: mostly(
      fc.record(
        {
          npi: maybe(text(['1234567893', ' 1245319599 '], ['12345678901'])),
          ...identifiers,
          zip: text(['30303', '30303-1234', '303031234'], ['3030', '30303-12']),
          name: maybe(mostly(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(201)))),
          taxId: maybe(text(['12-3456789'], ['x'.repeat(21)])),
        },
        { requiredKeys: ['zip'] },
      ),
      fc.constantFrom(null, [], { npi: '1234567893' }),
    ),
    admissionDate: maybe(text(['2025-03-03', '2025-03-05'], ['2025-3-3'])),
    dischargeDate: maybe(text(['2025-03-07', '2025-03-04', '2025-02-30'], ['20250307'])),
    dischargeStatus: maybe(text(['01', '02', '30'], ['1', ' 01'])),
    drg: maybe(text(['470', ' 481 '], ['47', '4700'])),
    diagnoses: maybe(mostly(fc.array(diagnosis, { maxLength: 3 }), fc.constant(Array(26).fill('S8324')))),
    payer: maybe(
      mostly(
        fc.record({ name: maybe(fc.string({ maxLength: 20 })), id: maybe(text(['P-1'], ['x'.repeat(51)])) }),
        fc.constantFrom(null, 'x'),
      ),
    ),
    receivedDate: maybe(text(['2025-03-20'], ['2025-3-20'])),
    review: fc.option(fc.constant({ priorAuthorizationRequired: { codes: ['29881'], action: 'flag' } }), {
      nil: undefined,
      freq: 10,
    }),
    qrCode: maybe(mostly(fc.boolean(), fc.constantFrom('yes', 1, null))),
    lines: mostly(fc.array(lineArb, { minLength: 1, maxLength: 4 }), fc.constantFrom([], 'none')),
  },
  { requiredKeys: ['jurisdiction', 'billType', 'facility', 'lines'] },
);

const yyyymmdd = (valid: string[]) => text(valid, ['2025-03-03', '202503']);
const claimAddress = mostly(
  fc.record({ postalCode: maybe(text(['30303', '30303-1234'], ['3030'])) }),
  fc.constantFrom(null, 'x'),
);
const claimProvider = mostly(
  fc.record({
    providerType: maybe(text(['BillingProvider', 'RenderingProvider'], [''])),
    npi: maybe(text(['1234567893'], ['12345678901'])),
    address: maybe(claimAddress),
  }),
  fc.constantFrom(null, 3),
);

const serviceLineArb = fc.record(
  {
    assignedNumber: maybe(text(['1', '2', '17'], ['0', '01', '10000'])),
    serviceDate: maybe(yyyymmdd(['20250303', '20250305', '20250230', '20250401'])),
    institutionalService: mostly(
      fc.record(
        {
          serviceLineRevenueCode: revenueCode,
          procedureIdentifier: maybe(text(['HC'], [''])),
          procedureCode: maybe(code),
          procedureModifiers: maybe(modifiers),
          lineItemChargeAmount: charge,
          measurementUnit: maybe(text(['UN'], [''])),
          serviceUnitCount: maybe(text(['1', '2', '99999'], ['0', '1.5', '100000'])),
        },
        { requiredKeys: ['serviceLineRevenueCode', 'lineItemChargeAmount'] },
      ),
      fc.constantFrom(null, [], 'x'),
    ),
  },
  { requiredKeys: ['institutionalService'] },
);

const claimArb = fc.record(
  {
    controlNumber: maybe(mostly(fc.string({ maxLength: 64 }), fc.constant('x'.repeat(65)))),
    billReference: maybe(
      mostly(
        fc.constantFrom('EOR-9', ' A/12#3 ', 'ref.7_x'),
        fc.constantFrom('518-44-7093', '2025-03-04', '123456789', '', 'x'.repeat(31), 7),
      ),
    ),
    qrCode: maybe(mostly(fc.boolean(), fc.constantFrom('yes', null))),
    jurisdiction: text(['US-MEDICARE', ' ga '], ['x', '']),
    billType: maybe(text(['outpatient', 'asc', 'inpatient'], ['professional'])),
    billing: maybe(claimProvider),
    providers: maybe(mostly(fc.array(claimProvider, { maxLength: 2 }), fc.constantFrom('x', null))),
    facility: maybe(mostly(fc.record(identifiers), fc.constantFrom(null, []))),
    claimInformation: mostly(
      fc.record(
        {
          placeOfServiceCode: text(['13', '11', '83', '22'], ['1', '131']),
          claimFrequencyCode: maybe(text(['1', '7'], ['11', 'A'])),
          claimDateInformation: mostly(
            fc.record(
              {
                statementBeginDate: yyyymmdd(['20250303']),
                statementEndDate: yyyymmdd(['20250312', '20250304']),
                admissionDateAndHour: maybe(text(['20250303', '202503030800', '2025030308'], ['202503030'])),
              },
              { requiredKeys: ['statementBeginDate', 'statementEndDate'] },
            ),
            fc.constantFrom(null, {}),
          ),
          claimCodeInformation: maybe(
            mostly(
              fc.record({
                admissionTypeCode: maybe(text(['1'], [''])),
                admissionSourceCode: maybe(text(['7'], [''])),
                patientStatusCode: maybe(text(['01', '30', '02'], ['1', 'AB'])),
              }),
              fc.constantFrom(null, 'x'),
            ),
          ),
          principalDiagnosis: maybe(
            mostly(fc.record({ principalDiagnosisCode: maybe(diagnosis) }), fc.constantFrom(null, [])),
          ),
          otherDiagnosisInformationList: maybe(
            mostly(
              fc.array(fc.array(fc.record({ otherDiagnosisCode: maybe(diagnosis) }), { maxLength: 2 }), {
                maxLength: 2,
              }),
              fc.constantFrom([{}], [[null]]),
            ),
          ),
          diagnosisRelatedGroupInformation: maybe(
            mostly(
              fc.record({
                drugRelatedGroupCode: maybe(
                  mostly(
                    fc.constantFrom('470', 470, 65, '65', ' 481'),
                    fc.constantFrom(1.5, '4700', ' 47', true),
                  ),
                ),
              }),
              fc.constantFrom(null, 'x'),
            ),
          ),
          serviceFacilityLocation: maybe(
            mostly(
              fc.record({ npi: maybe(text(['1245319599'], ['12345678901'])), address: maybe(claimAddress) }),
              fc.constantFrom(null, 'x'),
            ),
          ),
          serviceLines: mostly(
            fc.array(serviceLineArb, { minLength: 1, maxLength: 4 }),
            fc.constantFrom([], 'none'),
          ),
        },
        { requiredKeys: ['placeOfServiceCode', 'claimDateInformation', 'serviceLines'] },
      ),
      fc.constantFrom(null, { serviceLines: [] }),
    ),
  },
  { requiredKeys: ['jurisdiction', 'claimInformation'] },
);

/** JSON as a client sends it: no undefined values. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

function outcome(normalise: (input: unknown) => unknown, input: unknown): unknown {
  try {
    return { bill: normalise(input) };
  } catch (error) {
    if (error instanceof BillValidationError) return { errors: error.errors };
    throw error;
  }
}

/** Runs the property on one shape; returns how many inputs the fast path took. */
function agree(
  arb: fc.Arbitrary<unknown>,
  fast: (input: unknown) => unknown,
  schema: v.GenericSchema,
): number {
  let taken = 0;
  fc.assert(
    fc.property(arb, (raw) => {
      const input = asJson(raw);
      const parsed = fast(input);
      const checked = v.safeParse(schema, input);
      if (parsed !== undefined) {
        taken++;
        expect(checked.success).toBe(true);
      }
      if (!checked.success) expect(parsed).toBeUndefined();
      expect(outcome(normaliseFacilityBill, input)).toEqual(outcome(normaliseFacilityBillBySchema, input));
    }),
    { numRuns: 3000 },
  );
  return taken;
}

const entriesOf = (schema: unknown): string[] =>
  Object.keys((schema as { entries?: object; pipe?: { entries: object }[] }).entries ?? {}).sort();
const pipedEntries = (schema: { pipe: readonly unknown[] }): string[] => entriesOf(schema.pipe[0]);

describe('the fast path of the facility schemas', () => {
  it('accepts only facility bills the schema accepts, gives the same bill, and leaves the rest to the schema', () => {
    // The generators must reach the fast path often enough for the check to mean something.
    expect(agree(facilityBillArb, fastParseFacilityBill, FacilityBillSchema)).toBeGreaterThan(100);
  });

  it('accepts only institutional claims the schema accepts, gives the same bill, and leaves the rest to the schema', () => {
    expect(agree(claimArb, fastParseInstitutionalClaim, InstitutionalClaimSchema)).toBeGreaterThan(100);
  });

  it('knows every field of the schemas (a new field cannot be dropped by the fast path)', () => {
    expect([...FAST_FACILITY_BILL_KEYS].sort()).toEqual(pipedEntries(FacilityBillSchema));
    expect([...FAST_FACILITY_KEYS].sort()).toEqual(pipedEntries(FacilitySchema));
    expect([...FAST_FACILITY_LINE_KEYS].sort()).toEqual(entriesOf(FacilityLineSchema));
    const claimEntries = (InstitutionalClaimSchema.pipe[0] as { entries: Record<string, unknown> }).entries;
    expect([...FAST_CLAIM_KEYS].sort()).toEqual(Object.keys(claimEntries).sort());
    const info = claimEntries.claimInformation as { entries: Record<string, unknown> };
    expect([...FAST_CLAIM_INFORMATION_KEYS].sort()).toEqual(Object.keys(info.entries).sort());
    const lines = info.entries.serviceLines as {
      pipe: readonly { item?: { entries: Record<string, unknown> } }[];
    };
    const line = lines.pipe[0]?.item as { entries: Record<string, unknown> };
    expect([...FAST_CLAIM_SERVICE_KEYS].sort()).toEqual(entriesOf(line.entries.institutionalService));
  });

  it('takes the examples and the bench claim, and leaves review lists and external values to the schema', () => {
    const examples = ['facility-outpatient.json', 'facility-asc.json'].map((f) =>
      JSON.parse(readFileSync(new URL(`../../../examples/bills/${f}`, import.meta.url), 'utf8')),
    );
    for (const bill of examples) expect(fastParseFacilityBill(bill)).toBeDefined();
    const claim = JSON.parse(
      readFileSync(new URL('../../../examples/bills/facility-inpatient-837i.json', import.meta.url), 'utf8'),
    );
    expect(fastParseInstitutionalClaim(claim)).toBeDefined();
    expect(fastParseInstitutionalClaim(sixtyLineOutpatientClaim())).toBeDefined();
    const bill = examples[0] as Record<string, unknown>;
    expect(
      fastParseFacilityBill({ ...bill, review: { documentationRequired: { codes: [], action: 'flag' } } }),
    ).toBeUndefined();
    expect(fastParseFacilityBill({ ...bill, externalValues: [] })).toBeUndefined();
  });

  it('takes a typical bill, trimmed and upper-cased as the schema does', () => {
    const bill = {
      jurisdiction: ' us-medicare ',
      billType: 'outpatient',
      typeOfBill: ' 131',
      facility: { zip: '30303', cbsa: ' 12054 ' },
      diagnoses: [' s83.241a'],
      lines: [
        {
          revenueCode: '0360',
          code: ' 29881',
          modifiers: ['rt '],
          dateOfService: '2025-03-04',
          charge: '9500',
        },
      ],
    };
    expect(fastParseFacilityBill(bill)).toEqual({
      jurisdiction: 'US-MEDICARE',
      billType: 'outpatient',
      typeOfBill: '131',
      facility: { zip: '30303', cbsa: '12054' },
      diagnoses: ['S83241A'],
      lines: [
        {
          revenueCode: '0360',
          code: '29881',
          modifiers: ['RT'],
          dateOfService: '2025-03-04',
          charge: '9500',
        },
      ],
    });
  });
});
