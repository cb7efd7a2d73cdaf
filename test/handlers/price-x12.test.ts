/**
 * POST /v1/bills/price with X12 (issue 18): an 837 body priced claim by claim and answered as JSON
 * (each claim's priced bill, the rejected claims, totals and the 999) or as an 835 (`Accept:
 * application/edi-x12`), and a JSON bill answered as an 835. Amounts are compared between the X12
 * and the JSON paths of the same bills, never with figures of their own.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { X12Parser } from 'node-x12';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PricedBill } from '../../lambdas/engine/priced-bill.js';
import {
  AcknowledgmentAnswerSchema,
  ErrorBodySchema,
  InterchangeAnswerSchema,
} from '../../lambdas/handlers/shared/response-schemas.js';
import { FEE_INDEX_PATH_ENV } from '../../lambdas/handlers/shared/routes.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { proxyEvent } from '../support/proxy-event.js';
import { read835 } from '../support/read-835.js';
import { build837 } from '../support/x12-837.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let handler: Handler;
let acknowledge: Handler;
const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;

const visit = {
  billId: 'PCN-1001',
  serviceFacility: { zip: '19901' },
  billingProvider: { npi: '1234567893', zip: '19901' },
  lines: [
    { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
    { code: '72148', modifiers: ['26'], dateOfService: '2025-03-04', charge: '300.00' },
    { code: '97110', units: 3, dateOfService: '2025-03-05', charge: '240.00' },
  ],
};
const second = { ...visit, billId: 'PCN-1002', lines: visit.lines.slice(0, 2) };

async function post(
  body: string,
  headers: Record<string, string>,
  query: Record<string, string> | null = null,
): Promise<APIGatewayProxyResult> {
  return handler(
    proxyEvent({
      body,
      headers,
      queryStringParameters: query,
      requestContext: { requestId: 'req-x12-1' } as APIGatewayProxyEvent['requestContext'],
    }),
    context,
  );
}

const X12 = { 'content-type': 'application/edi-x12' };

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  handler = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as Handler;
  acknowledge = (await import('../../lambdas/handlers/acknowledge-x12/handler.js'))
    .handler as unknown as Handler;
});

describe('an 837 answered as JSON', () => {
  it('prices each claim as the same bill sent as JSON prices', async () => {
    const text = build837([visit, second], { state: 'DE', claimNumber: (i) => `WC-CLAIM-${i}` });
    const response = await post(text, X12, { jurisdiction: 'US-MEDICARE' });
    expect(response.statusCode).toBe(200);
    const answer = JSON.parse(response.body);
    expect(answer.claims.map((c: { claimId: string }) => c.claimId)).toEqual(['PCN-1001', 'PCN-1002']);
    expect(answer.claims[0].claimNumber).toBe('WC-CLAIM-0');
    for (const [i, bill] of [visit, second].entries()) {
      const json = await post(JSON.stringify({ ...bill, jurisdiction: 'US-MEDICARE' }), {});
      const priced = JSON.parse(json.body) as PricedBill;
      const fromX12 = answer.claims[i].bill as PricedBill;
      expect(fromX12.totals).toEqual(priced.totals);
      expect(fromX12.lines.map((l) => [l.allowed, l.adjustments])).toEqual(
        priced.lines.map((l) => [l.allowed, l.adjustments]),
      );
    }
    expect(answer.rejected).toEqual([]);
    expect(answer.totals).toMatchObject({ claims: 2, priced: 2, rejected: 0, lines: 5 });
    expect(answer.acknowledgment.groups[0].status).toBe('A');
    expect(answer.acknowledgment.x12).toMatch(/^ISA\*.*\nGS\*FA\*WCBR\*SUBMITTER1\*/s);
    // The answer is what the OpenAPI document says (strict: no field it does not describe).
    expect(v.safeParse(InterchangeAnswerSchema, answer).success).toBe(true);
  });

  it('takes the jurisdiction from CLM11 when the request names none, at the level asked', async () => {
    const text = build837([visit], { state: 'DE' });
    const response = await post(text, X12, { explain: 'none' });
    expect(response.statusCode).toBe(200);
    const answer = JSON.parse(response.body);
    expect(answer.claims[0].bill.jurisdiction.id).toBe('DE');
    expect(answer.claims[0].bill.explain).toBe('none');
  });

  it('rejects a claim without a jurisdiction in the 999, naming how to send one', async () => {
    const text = build837([visit]);
    const answer = JSON.parse((await post(text, X12)).body);
    expect(answer.claims).toEqual([]);
    expect(answer.rejected[0].claimId).toBe('PCN-1001');
    expect(answer.acknowledgment.groups[0].status).toBe('R');
    expect(JSON.stringify(answer.rejected[0].errors)).toMatch(/jurisdiction/);
  });

  it('is 413 for more than 5,000 service lines, before reading, saying to split the file', async () => {
    const lines = Array.from({ length: 100 }, () => visit.lines[0] as (typeof visit.lines)[0]);
    const big = build837(
      Array.from({ length: 51 }, (_, i) => ({ ...visit, billId: `PCN-${i}`, lines })),
      { state: 'DE' },
    );
    const response = await post(big, X12);
    expect(response.statusCode).toBe(413);
    const body = JSON.parse(response.body);
    expect(body.userMessage).toMatch(/split it into interchanges of at most 5000 service lines/);
    expect(body.errors).toEqual([{ field: 'LX', errorMessage: 'at most 5000 service lines (LX) a request' }]);
  });

  it('is a 400 naming the segment for a file that is not X12, and 422 for a bad jurisdiction parameter', async () => {
    const bad = await post('ISA*00*not really', X12);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).errors[0]).toMatchObject({ segment: 'ISA', position: 1 });
    const text = build837([visit], { state: 'DE' });
    const parameter = await post(text, X12, { jurisdiction: 'California!' });
    expect(parameter.statusCode).toBe(422);
    expect(JSON.parse(parameter.body).errors[0].field).toBe('jurisdiction');
  });
});

describe('an 835 answer', () => {
  it('remits the claims of an 837 with the JSON answer’s amounts, balanced', async () => {
    const text = build837([visit, second], { state: 'DE', claimNumber: (i) => `WC-CLAIM-${i}` });
    const json = JSON.parse((await post(text, X12)).body);
    const response = await post(
      text,
      { ...X12, accept: 'application/edi-x12' },
      {
        paymentMethod: 'CHK',
        paymentTrace: '0012345',
        paymentDate: '2025-04-01',
      },
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/edi-x12');
    // node-x12 reads it, SE01 and IEA01 checked.
    expect(() => new X12Parser(true).parse(response.body)).not.toThrow();
    const read = read835(response.body);
    const claims = read.sets.flatMap((s) => s.claims);
    expect(claims.map((c) => c.elements[0])).toEqual(['PCN-1001', 'PCN-1002']);
    for (const [i, claim] of claims.entries()) {
      const bill = json.claims[i].bill as PricedBill;
      expect(claim.elements.slice(2, 4)).toEqual([bill.totals.billed, bill.totals.allowed]);
      expect(claim.elements[6]).toBe(`WC-CLAIM-${i}`);
    }
    const total = json.claims.reduce(
      (n: number, c: { bill: PricedBill }) => n + Number(c.bill.totals.allowed),
      0,
    );
    expect(read.sets[0]?.bpr.slice(0, 2)).toEqual(['I', total.toFixed(2)]);
  });

  it('answers a JSON bill as an 835, review-only without payment details', async () => {
    const bill = { ...visit, jurisdiction: 'US-MEDICARE' };
    const priced = JSON.parse((await post(JSON.stringify(bill), {})).body) as PricedBill;
    const response = await post(JSON.stringify(bill), { accept: 'application/edi-x12' });
    expect(response.statusCode).toBe(200);
    const read = read835(response.body);
    expect(read.sets[0]?.bpr.slice(0, 4)).toEqual(['H', '0.00', 'C', 'NON']);
    expect(read.sets[0]?.claims[0]?.elements.slice(0, 4)).toEqual([
      'PCN-1001',
      '1',
      priced.totals.billed,
      priced.totals.allowed,
    ]);
  });

  it('is 422 with every claim’s positioned errors when no claim of the 837 could be priced', async () => {
    const response = await post(build837([visit]), { ...X12, accept: 'application/edi-x12' });
    expect(response.statusCode).toBe(422);
    const body = JSON.parse(response.body);
    expect(v.safeParse(ErrorBodySchema, body).success).toBe(true);
    expect(body.errors[0]).toMatchObject({ field: 'CLM11-4', segment: 'CLM', loop: '2300' });
    expect(body.errors[0].errorMessage).toMatch(/^claim PCN-1001: /);
  });

  it('is 406 for an Accept it cannot answer and 422 for bad payment details, before any pricing', async () => {
    const text = build837([visit], { state: 'DE' });
    expect((await post(text, { ...X12, accept: 'text/html' })).statusCode).toBe(406);
    const payment = await post(text, { ...X12, accept: 'application/edi-x12' }, { paymentMethod: 'CASH' });
    expect(payment.statusCode).toBe(422);
    expect(JSON.parse(payment.body).errors.map((e: { field: string }) => e.field)).toContain('paymentMethod');
  });
});

describe('POST /v1/x12/acknowledgments', () => {
  const ack = (body: string, headers: Record<string, string>, query: Record<string, string> | null = null) =>
    acknowledge(
      proxyEvent({
        path: '/v1/x12/acknowledgments',
        resource: '/v1/x12/acknowledgments',
        body,
        headers,
        queryStringParameters: query,
        requestContext: { requestId: 'req-ack-1' } as APIGatewayProxyEvent['requestContext'],
      }),
      context,
    );

  it('answers the 999 of a set with one bad claim among good ones: E, with IK3/IK4 and CTX on the bad one', async () => {
    const bad = {
      ...second,
      billId: 'PCN-BAD',
      lines: [{ ...(visit.lines[0] as (typeof visit.lines)[0]), code: '9921' }],
    };
    const text = build837([visit, bad], { state: 'DE' });
    const json = await ack(text, X12);
    expect(json.statusCode).toBe(200);
    const answer = JSON.parse(json.body);
    expect(v.safeParse(AcknowledgmentAnswerSchema, answer).success).toBe(true);
    expect(answer.groups[0].sets[0].status).toBe('E');
    expect(answer.rejected.map((r: { claimId: string }) => r.claimId)).toEqual(['PCN-BAD']);
    const x12 = await ack(text, { ...X12, accept: 'application/edi-x12' });
    expect(x12.headers?.['content-type']).toBe('application/edi-x12');
    const segments = x12.body.split('~\n');
    expect(segments).toContain('CTX*CLM01:PCN-BAD');
    expect(segments.some((s) => s.startsWith('IK3*SV1*'))).toBe(true);
    expect(segments.some((s) => s.startsWith('IK5*E'))).toBe(true);
    expect(() => new X12Parser(true).parse(x12.body)).not.toThrow();
  });

  it('is 415 for JSON, 400 for a file that is not X12, never a 500', async () => {
    expect((await ack('{"a":1}', { 'content-type': 'application/json' })).statusCode).toBe(415);
    const truncated = build837([visit], { state: 'DE' }).slice(0, 400);
    const response = await ack(truncated, X12);
    expect([400, 200]).toContain(response.statusCode);
    expect((await ack('NOT X12 AT ALL', X12)).statusCode).toBe(400);
  });
});
