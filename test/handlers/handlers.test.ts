import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEE_INDEX_PATH_ENV } from '../../lambdas/handlers/shared/routes.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { proxyEvent } from '../support/proxy-event.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let priceBill: Handler;
let getFee: Handler;

function event(body: string | null, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return proxyEvent({ body, ...extra });
}

const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;

const visit = {
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
};

async function call(handler: Handler, e: APIGatewayProxyEvent) {
  const response = await handler(e, context);
  return { status: response.statusCode, body: JSON.parse(response.body), headers: response.headers ?? {} };
}

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  priceBill = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as Handler;
  getFee = (await import('../../lambdas/handlers/get-fee-schedule/handler.js')).handler as unknown as Handler;
});

describe('POST /v1/bills/price handler', () => {
  it('prices a bill and returns the request id in the body and a header', async () => {
    const { status, body, headers } = await call(priceBill, event(JSON.stringify(visit)));
    expect(status).toBe(200);
    expect(body.requestId).toBe('req-test-1');
    expect(headers['x-request-id']).toBe('req-test-1');
    // PPRRVU2025_Oct.csv line 12807 × GPCI2025.csv line 40 × CF 32.3465 = 88.82 (see the engine tests)
    expect(body.lines[0].allowed).toBe('88.82');
  });

  it("echoes the bill's reference and the payer's contact (the SmartBill page shows them)", async () => {
    const contact = { phone: '555-010-0100', appealUrl: 'https://example.com/appeal' };
    const { status, body } = await call(
      priceBill,
      event(JSON.stringify({ ...visit, billReference: ' EOR-7 ', payer: { name: 'Payer', contact } })),
    );
    expect(status).toBe(200);
    expect(body.billReference).toBe('EOR-7');
    expect(body.parties.payer).toEqual({ name: 'Payer', contact });
  });

  describe('error matrix', () => {
    it.each([
      ['malformed JSON', '{"jurisdiction": ', 400, []],
      ['an empty body', '', 400, []],
      [
        'missing fields',
        JSON.stringify({ lines: [{}] }),
        422,
        ['jurisdiction', 'lines[0].code', 'lines[0].dateOfService', 'lines[0].charge'],
      ],
      [
        'an unknown code',
        JSON.stringify({ ...visit, lines: [{ code: '9999Z', dateOfService: '2025-03-04', charge: '1.00' }] }),
        422,
        ['lines[0].code'],
      ],
      [
        'a bad date',
        JSON.stringify({ ...visit, lines: [{ code: '99213', dateOfService: '2025-13-01', charge: '1.00' }] }),
        422,
        ['lines[0].dateOfService'],
      ],
      [
        'negative units',
        JSON.stringify({
          ...visit,
          lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '1.00', units: -1 }],
        }),
        422,
        ['lines[0].units'],
      ],
      ['a JSON array', '[]', 422, ['(body)']],
      // Issue 15: the SmartBill page shows billReference, so one that looks like PHI is refused.
      [
        'a bill reference shaped like an SSN',
        JSON.stringify({ ...visit, billReference: '518-44-7093' }),
        422,
        ['billReference'],
      ],
      [
        'a bill reference holding a date',
        JSON.stringify({ ...visit, billReference: 'DOB 08/23/1971' }),
        422,
        ['billReference'],
      ],
      [
        'a payer appeal URL that is not https',
        JSON.stringify({ ...visit, payer: { contact: { appealUrl: 'http://example.com/appeal' } } }),
        422,
        ['payer.contact.appealUrl'],
      ],
    ] as const)('answers %s with %i and the fields named', async (_name, body, status, fields) => {
      const response = await call(priceBill, event(body));
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ statusCode: status, requestId: 'req-test-1' });
      expect(typeof response.body.userMessage).toBe('string');
      expect(typeof response.body.developerMessage).toBe('string');
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([...fields].sort());
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('answers an oversized body with 413', async () => {
      const big = JSON.stringify({ ...visit, padding: 'x'.repeat(10 * 1024 * 1024) });
      expect((await call(priceBill, event(big))).status).toBe(413);
    });

    it('never answers 500 to anything a client sends (fuzz)', async () => {
      const line = fc.record(
        {
          code: fc.oneof(fc.constantFrom('99213', '72148', '64999', '99080'), fc.string()),
          modifiers: fc.oneof(fc.array(fc.constantFrom('26', 'TC', '53', '25', 'xx', '')), fc.anything()),
          dateOfService: fc.oneof(
            fc.constantFrom('2025-03-04', '2026-01-02', '2019-01-01', '2025-02-29'),
            fc.string(),
          ),
          units: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double(), fc.string()),
          charge: fc.oneof(fc.constantFrom('150.00', '0', '1.5', '999999999.99'), fc.string(), fc.double()),
          placeOfService: fc.oneof(fc.constantFrom('11', '22', '02'), fc.string()),
        },
        { requiredKeys: [] },
      );
      const bill = fc.record(
        {
          jurisdiction: fc.oneof(fc.constant('US-MEDICARE'), fc.string()),
          serviceFacility: fc.oneof(
            fc.record({ zip: fc.oneof(fc.constantFrom('19901', '94105', '00000'), fc.string()) }),
            fc.anything(),
          ),
          lines: fc.oneof(fc.array(line, { maxLength: 5 }), fc.anything()),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            bill.map((b) => JSON.stringify(b)),
            fc.json(),
            fc.string(),
          ),
          async (body) => {
            const { status } = await call(priceBill, event(body));
            expect(status).toBeLessThan(500);
          },
        ),
        { numRuns: 400 },
      );
    });
  });
});

describe('GET /v1/fee-schedules/{jurisdiction}/{code} handler', () => {
  const get = (code: string, query: Record<string, string>) =>
    call(
      getFee,
      event(null, {
        httpMethod: 'GET',
        resource: '/v1/fee-schedules/{jurisdiction}/{code}',
        pathParameters: { jurisdiction: 'US-MEDICARE', code },
        queryStringParameters: query,
      }),
    );

  it('answers the fee with its explanation', async () => {
    const { status, body } = await get('99213', { date: '2025-03-04', zip: '19901' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ amount: '88.82', status: 'priced', code: '99213', date: '2025-03-04' });
  });

  it('prices a locality given as carrier-locality at the facility rate', async () => {
    // (1.30×1.009 + 0.57×0.992 + 0.10×0.949) × 32.3465 = 63.788… → 63.79
    const { body } = await get('99213', { date: '2025-03-04', locality: '12102-01', facility: 'true' });
    expect(body).toMatchObject({ amount: '63.79', setting: 'facility' });
  });

  it('answers 404 for an unknown code and 422 for a date outside every edition or a bad query', async () => {
    expect((await get('9999Z', { zip: '19901' })).status).toBe(404);
    const outside = await get('99213', { date: '2019-01-01', zip: '19901' });
    expect(outside.status).toBe(422);
    expect(outside.body.errors[0].field).toBe('date');
    expect((await get('99213', { date: '2025-03-04' })).status).toBe(422);
    expect((await get('99213', { date: '2025-03-04', zip: '19901', facility: 'yes' })).status).toBe(422);
  });
});
