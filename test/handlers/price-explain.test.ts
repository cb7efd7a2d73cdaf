/**
 * POST /v1/bills/price at each explanation level (issue 17, § 1): the `explain` query parameter or
 * the bill's `explain` field, 422 naming `explain` for an unknown value or two that disagree, and
 * the SmartBill page published from the full pricing whatever level the answer takes. Amounts are
 * compared between levels, never with figures of their own.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as v from 'valibot';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PricedBill } from '../../lambdas/engine/priced-bill.js';
import { PriceBillResponseSchema } from '../../lambdas/handlers/shared/response-schemas.js';
import { FEE_INDEX_PATH_ENV } from '../../lambdas/handlers/shared/routes.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { proxyEvent } from '../support/proxy-event.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What the SmartBill stub was handed, and whether the handler has one (set before each import). */
const smartBill = vi.hoisted(() => ({ enabled: false, failing: false, published: [] as unknown[] }));

vi.mock('../../lambdas/handlers/shared/smartbill-deps.js', async (original) => ({
  ...(await original<object>()),
  smartBillLinksFrom: () =>
    smartBill.enabled
      ? {
          link: async (priced: unknown) => {
            if (smartBill.failing) throw new Error('store unavailable');
            smartBill.published.push(priced);
            return { url: 'https://smartbill.example/p.html?sig=1', expiresAt: '2027-01-06T00:00:00Z' };
          },
        }
      : null,
}));

let lean: Handler;
let withSmartBill: Handler;

const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;

function event(body: unknown, query: Record<string, string> | null = null): APIGatewayProxyEvent {
  return proxyEvent({
    body: JSON.stringify(body),
    queryStringParameters: query,
    requestContext: { requestId: 'req-explain-1' } as APIGatewayProxyEvent['requestContext'],
  });
}

async function call(handler: Handler, body: unknown, query: Record<string, string> | null = null) {
  const response = await handler(event(body, query), context);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

const visit = {
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  lines: [
    { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
    { code: '72148', modifiers: ['26'], dateOfService: '2025-03-04', charge: '300.00' },
    { code: '99080', dateOfService: '2025-03-04', charge: '40.00' },
  ],
};

const outpatient = {
  jurisdiction: 'US-MEDICARE',
  billType: 'outpatient',
  facility: { zip: '30303', cbsa: '12054' },
  lines: [
    { revenueCode: '0360', code: '29881', dateOfService: '2025-03-04', charge: '9500.00' },
    { revenueCode: '0300', code: '36415', dateOfService: '2025-03-04', charge: '25.00' },
  ],
};

type Line = { allowed: string | null; adjustments: { amount: string; carc: string }[] };

/** Per line: allowed and each adjustment's amount and CARC; and the totals. */
function amounts(body: Record<string, unknown>) {
  return {
    totals: body.totals,
    lines: (body.lines as Line[]).map((l) => [l.allowed, l.adjustments.map((a) => [a.amount, a.carc])]),
  };
}

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  lean = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as Handler;
  vi.resetModules();
  smartBill.enabled = true;
  withSmartBill = (await import('../../lambdas/handlers/price-bill/handler.js'))
    .handler as unknown as Handler;
});

describe('POST /v1/bills/price?explain=', () => {
  it('answers full without the parameter, as before: no explain field, an explanation on every line', async () => {
    const { status, body } = await call(lean, visit);
    expect(status).toBe(200);
    expect(body.explain).toBeUndefined();
    for (const line of body.lines as { explanation: unknown[] }[])
      expect(line.explanation.length).toBeGreaterThan(0);
    expect(JSON.stringify((await call(lean, visit, { explain: 'full' })).body)).toBe(JSON.stringify(body));
  });

  it('answers summary and none from the query parameter, professional and facility, with the same amounts', async () => {
    for (const bill of [visit, outpatient]) {
      const full = await call(lean, bill);
      for (const explain of ['summary', 'none']) {
        const { status, body } = await call(lean, bill, { explain });
        expect(status).toBe(200);
        expect(body.explain).toBe(explain);
        expect(body.requestId).toBe('req-explain-1');
        expect(amounts(body)).toEqual(amounts(full.body));
        expect(JSON.stringify(body).length).toBeLessThan(JSON.stringify(full.body).length);
      }
    }
  });

  it('takes the level from the bill field, and both when they agree', async () => {
    expect((await call(lean, { ...visit, explain: 'summary' })).body.explain).toBe('summary');
    expect((await call(lean, { ...outpatient, explain: 'none' })).body.explain).toBe('none');
    expect((await call(lean, { ...visit, explain: 'none' }, { explain: 'none' })).body.explain).toBe('none');
    expect((await call(lean, { ...visit, explain: 'full' })).body.explain).toBeUndefined();
  });

  it('answers 422 naming explain for an unknown value, in the query or the bill, and for two that disagree', async () => {
    for (const [bill, query] of [
      [visit, { explain: 'verbose' }],
      [visit, { explain: 'SUMMARY' }],
      [visit, { explain: '' }],
      [{ ...visit, explain: 'verbose' }, null],
      [{ ...outpatient, explain: 3 }, null],
      [{ ...visit, explain: 'full' }, { explain: 'summary' }],
      [{ ...outpatient, explain: 'none' }, { explain: 'full' }],
    ] as const) {
      const { status, body } = await call(lean, bill, query);
      expect(status, JSON.stringify([bill, query]).slice(-60)).toBe(422);
      expect((body.errors as { field: string }[]).map((e) => e.field)).toContain('explain');
    }
  });
});

describe('SmartBill at every level', () => {
  it('publishes the page from the full pricing whatever the answer, and answers the level asked with the link', async () => {
    smartBill.published.length = 0;
    const full = await call(withSmartBill, visit);
    for (const explain of ['summary', 'none']) {
      const { status, body } = await call(withSmartBill, visit, { explain });
      expect(status).toBe(200);
      expect(body.explain).toBe(explain);
      expect((body.smartBill as { url: string }).url).toMatch(/^https:/);
      expect(amounts(body)).toEqual(amounts(full.body));
    }
    expect(smartBill.published).toHaveLength(3);
    const { requestId: _id, smartBill: _link, ...fullAnswer } = full.body;
    for (const priced of smartBill.published) {
      // The page's bill: every line explained, byte for byte the full answer.
      expect(JSON.stringify(priced)).toBe(JSON.stringify(fullAnswer));
      for (const line of (priced as PricedBill).lines) expect(line.explanation.length).toBeGreaterThan(0);
    }
  });

  it('says so at every level when the page could not be prepared, and still answers the priced bill', async () => {
    smartBill.failing = true;
    try {
      for (const explain of ['full', 'summary', 'none']) {
        const { status, body } = await call(withSmartBill, visit, { explain });
        expect(status).toBe(200);
        expect(body.smartBill).toBeUndefined();
        expect((body.notices as string[]).at(-1)).toMatch(/SmartBill page could not be prepared/);
        expect(v.safeParse(PriceBillResponseSchema, body).issues).toBeUndefined();
      }
    } finally {
      smartBill.failing = false;
    }
  });
});
