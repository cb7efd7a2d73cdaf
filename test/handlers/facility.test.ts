/**
 * Facility bills through the routes: POST /v1/bills/price takes our facility JSON and the
 * institutional claim JSON, answers what /openapi.json describes, and refuses bad input with a 422
 * naming each field; GET /v1/fee-schedules/{j}/{code}?setting=outpatient|asc answers facility rates.
 * These tests hold the routes and the answer's shape on the sample index; the amounts are tested
 * in test/full/facility-*.test.ts on the national index and with a method double in
 * test/unit/facility.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookupFacilityRate } from '../../lambdas/engine/facility/rate-lookup.js';
import type { FacilityRate } from '../../lambdas/engine/facility/types.js';
import { FacilityRateAnswerSchema } from '../../lambdas/engine/priced-bill-schema.js';
import { FEE_INDEX_PATH_ENV, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { sampleIndex, sampleIndexFile } from '../support/fee-index.js';
import { answerSchema, checkJsonSchema } from '../support/json-schema.js';
import { proxyEvent } from '../support/proxy-event.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;
const handlers = new Map<string, Handler>();
let document: Record<string, unknown>;

function event(route: string, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const definition = ROUTES.find((r) => r.id === route);
  if (!definition) throw new Error(`no route ${route}`);
  return proxyEvent({
    httpMethod: definition.method,
    path: definition.path,
    resource: definition.path,
    requestContext: { requestId: 'req-facility-1' } as APIGatewayProxyEvent['requestContext'],
    ...extra,
  });
}

async function answerOf(route: string, extra: Partial<APIGatewayProxyEvent> = {}) {
  const handler = handlers.get(route) as Handler;
  const definition = ROUTES.find((r) => r.id === route);
  const response = await handler(event(route, extra), context);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  const schema = answerSchema(
    document,
    definition?.method ?? 'GET',
    definition?.path ?? '',
    response.statusCode,
  );
  return { status: response.statusCode, body, problems: checkJsonSchema(body, schema ?? false, document) };
}

const fieldsOf = (body: Record<string, unknown>) =>
  (body.errors as { field: string }[] | undefined)?.map((e) => e.field) ?? [];

const outpatient = {
  billId: 'OP-1',
  jurisdiction: 'US-MEDICARE',
  billType: 'outpatient',
  typeOfBill: '0131',
  facility: { npi: '1234567893', zip: '30303', cbsa: '12060' },
  diagnoses: ['S83.241A'],
  lines: [
    { revenueCode: '0360', code: '29881', modifiers: ['RT'], dateOfService: '2025-03-04', charge: '5000.00' },
    { revenueCode: '0510', code: 'G0463', dateOfService: '2025-03-04', charge: '300.00' },
  ],
};

const institutional = {
  controlNumber: 'IP-1',
  jurisdiction: 'US-MEDICARE',
  billing: { npi: '1234567893', address: { postalCode: '30303' } },
  claimInformation: {
    placeOfServiceCode: '11',
    claimFrequencyCode: '1',
    claimDateInformation: {
      admissionDateAndHour: '202503020800',
      statementBeginDate: '20250302',
      statementEndDate: '20250305',
    },
    claimCodeInformation: { admissionTypeCode: '3', admissionSourceCode: '1', patientStatusCode: '01' },
    diagnosisRelatedGroupInformation: { drugRelatedGroupCode: '470' },
    serviceLines: [
      {
        institutionalService: {
          serviceLineRevenueCode: '0120',
          lineItemChargeAmount: '6000.00',
          serviceUnitCount: '3',
        },
      },
      {
        serviceDate: '20250302',
        institutionalService: {
          serviceLineRevenueCode: '0360',
          procedureCode: '27447',
          lineItemChargeAmount: '30000.00',
          serviceUnitCount: '1',
        },
      },
    ],
  },
};

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  for (const id of ['PriceBill', 'GetFeeSchedule', 'OpenApi']) {
    const route = ROUTES.find((r) => r.id === id);
    const module = (await import(/* @vite-ignore */ `../../${route?.entry.replace(/\.ts$/, '.js')}`)) as {
      handler: unknown;
    };
    handlers.set(id, module.handler as Handler);
  }
  const served = await (handlers.get('OpenApi') as Handler)(event('OpenApi'), context);
  document = JSON.parse(served.body) as Record<string, unknown>;
});

describe('POST /v1/bills/price with a facility bill', () => {
  it('answers an outpatient bill in our JSON as /openapi.json describes it', async () => {
    const { status, body, problems } = await answerOf('PriceBill', { body: JSON.stringify(outpatient) });
    expect(status).toBe(200);
    expect(problems.slice(0, 10).join('\n')).toBe('');
    expect(body).toMatchObject({ billId: 'OP-1', billType: 'outpatient', requestId: 'req-facility-1' });
    expect(body.facility).toMatchObject({
      typeOfBill: '0131',
      facility: { cbsa: '12060' },
      diagnoses: ['S83241A'],
    });
    const lines = body.lines as { facility: { revenueCode: string }; status: string }[];
    expect(lines.map((l) => l.facility.revenueCode)).toEqual(['0360', '0510']);
  });

  it('answers an institutional claim (837I JSON) mapped to the same bill', async () => {
    const { status, body, problems } = await answerOf('PriceBill', { body: JSON.stringify(institutional) });
    expect(status).toBe(200);
    expect(problems.slice(0, 10).join('\n')).toBe('');
    expect(body).toMatchObject({ billId: 'IP-1', billType: 'inpatient' });
    expect(body.facility).toMatchObject({ drg: '470', dischargeDate: '2025-03-05', typeOfBill: '0111' });
  });

  it.each([
    [
      'a revenue code that is not four digits',
      { ...outpatient, lines: [{ ...outpatient.lines[0], revenueCode: '36' }] },
      ['lines[0].revenueCode'],
    ],
    ['a type of bill that contradicts the bill type', { ...outpatient, typeOfBill: '0111' }, ['typeOfBill']],
    ['an unknown bill type', { ...outpatient, billType: 'hospice' }, ['billType']],
    [
      'an outpatient bill without the facility ZIP',
      { ...outpatient, facility: { npi: '1234567893' } },
      ['facility.zip'],
    ],
    [
      'an inpatient bill without a DRG or discharge date',
      { ...outpatient, billType: 'inpatient', typeOfBill: '0111' },
      ['drg', 'dischargeDate'],
    ],
    [
      'a claim line dated outside the stay',
      {
        ...institutional,
        claimInformation: {
          ...institutional.claimInformation,
          serviceLines: [{ ...institutional.claimInformation.serviceLines[1], serviceDate: '20250306' }],
        },
      },
      ['claimInformation.serviceLines[0].serviceDate'],
    ],
    ['an unknown jurisdiction', { ...outpatient, jurisdiction: 'ZZ' }, ['jurisdiction']],
  ])('refuses %s with a 422 naming the field', async (_name, bill, fields) => {
    const { status, body, problems } = await answerOf('PriceBill', { body: JSON.stringify(bill) });
    expect(status).toBe(422);
    expect(problems).toEqual([]);
    expect(fieldsOf(body)).toEqual(fields);
  });
});

describe('GET /v1/fee-schedules/{jurisdiction}/{code}?setting=', () => {
  it('answers a facility rate from the official row (outpatient and ASC) as /openapi.json describes it', async () => {
    // OPPS_Addendum_B_2025_January_derived.csv line 14276: G0463, SI J2, APC 5012, rate 128.87.
    // ASC_Addendum_AA_2025Q4_Oct.csv line 1881: 29881, A2, weight 28.767, rate 1579.16.
    for (const [setting, code, date, expected] of [
      ['outpatient', 'G0463', '2025-03-04', { indicator: 'J2', apc: '5012', nationalRate: '128.87' }],
      ['asc', '29881', '2025-11-03', { indicator: 'A2', nationalRate: '1579.16' }],
    ] as const) {
      const { status, body, problems } = await answerOf('GetFeeSchedule', {
        pathParameters: { jurisdiction: 'US-MEDICARE', code },
        queryStringParameters: { setting, date },
      });
      expect(status, setting).toBe(200);
      expect(problems).toEqual([]);
      expect(body).toMatchObject({ code, ...expected });
    }
  });

  it('answers 404 naming the code when no facility table holds it', async () => {
    // 0999T is in none of the OPPS Addendum B or ASC addenda (grep of facility/opps and facility/asc).
    for (const setting of ['outpatient', 'asc']) {
      const { status, body, problems } = await answerOf('GetFeeSchedule', {
        pathParameters: { jurisdiction: 'US-MEDICARE', code: '0999T' },
        queryStringParameters: { setting, date: '2025-03-04' },
      });
      expect(status, setting).toBe(404);
      expect(problems).toEqual([]);
      expect(fieldsOf(body)).toEqual(['code']);
    }
  });

  it("says what the state's file does with the Medicare rate: its factor, another basis, or no Medicare pricing", () => {
    const rate = (setting: 'outpatient' | 'asc', jurisdiction: string, code: string, date: string) =>
      lookupFacilityRate(sampleIndex(), {
        jurisdiction,
        code,
        setting,
        date,
        dateDefaulted: false,
        cbsa: undefined,
      }).notices.join(' ');
    // NC.json outpatient: all 2.00 (04 NCAC 10J .0103(c)(3)).
    expect(rate('outpatient', 'NC', 'G0463', '2025-03-04')).toMatch(
      /Its factors on 2025-03-04: all 2\.00 × \(04 NCAC 10J \.0103/,
    );
    // CA.json asc: basis opps.
    expect(rate('asc', 'CA', '29881', '2025-11-03')).toMatch(/It pays them on the OPPS rate, not this one\./);
    // FL.json outpatient: unsupported.
    expect(rate('outpatient', 'FL', 'G0463', '2025-03-04')).toMatch(/It is not priced on Medicare: Florida/);
  });

  it('refuses a setting, CBSA or date it cannot use with a 422 naming the field', async () => {
    for (const [query, field] of [
      [{ setting: 'inpatient' }, 'setting'],
      [{ setting: 'asc', cbsa: '1206' }, 'cbsa'],
      [{ setting: 'asc', date: '2025-02-30' }, 'date'],
    ] as const) {
      const { status, body, problems } = await answerOf('GetFeeSchedule', {
        pathParameters: { jurisdiction: 'US-MEDICARE', code: 'G0463' },
        queryStringParameters: query,
      });
      expect(status, field).toBe(422);
      expect(problems).toEqual([]);
      expect(fieldsOf(body)).toEqual([field]);
    }
  });

  it('answers a rate the method gives in the declared shape (a method double with a cited row)', () => {
    // OPPS_Addendum_B_2025_January_derived.csv line 14276: G0463, SI J2, APC 5012, rate 128.87.
    const rate: FacilityRate = {
      code: 'G0463',
      setting: 'outpatient',
      indicator: 'J2',
      apc: '5012',
      nationalRate: '128.87',
      wageAdjusted: undefined,
      edition: 'opps-addendum-b/2025',
      steps: [],
      notes: [],
    };
    const answer = lookupFacilityRate(
      sampleIndex(),
      {
        jurisdiction: 'tx',
        code: 'G0463',
        setting: 'outpatient',
        date: '2025-03-04',
        dateDefaulted: false,
        cbsa: undefined,
      },
      { outpatient: () => rate, asc: () => undefined },
    );
    expect(answer).toMatchObject({
      jurisdiction: 'TX',
      nationalRate: '128.87',
      apc: '5012',
      wageAdjusted: null,
    });
    expect(answer.notices.join(' ')).toMatch(
      /Texas \(TX\) prices hospital outpatient bills by the method its jurisdiction file records/,
    );
    expect(v.safeParse(FacilityRateAnswerSchema, answer).issues).toBeUndefined();
  });
});
