/**
 * Issue 17, § 2, through the price handler (decision 014): a 999-line bill with external values
 * answers 303 to a signed link (s3rver behind the local edge, which checks the link as S3 does),
 * the link answers the complete answer byte for byte as the bill priced in process, a changed or
 * expired link is refused, a bill of more than 999 lines is 413 naming the bulk route, and the
 * threshold is a setting, so a small bill can be made to take the same path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_INLINE_RESPONSE_BYTES, MAX_SYNC_LINES } from '../../lambdas/app/answers/size-policy.js';
import { normaliseRequest } from '../../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../../lambdas/engine/price-request.js';
import { ANSWER_SIZE_ENV } from '../../lambdas/handlers/shared/answer-size-deps.js';
import { FEE_INDEX_PATH_ENV } from '../../lambdas/handlers/shared/routes.js';
import { type AnswerBackends, startAnswerBackends } from '../../lambdas/local/answer-store-stack.js';
import { sampleIndex, sampleIndexFile } from '../support/fee-index.js';
import { answerSchema, checkJsonSchema } from '../support/json-schema.js';
import { billWithValues } from '../support/large-bill.js';
import { proxyEvent } from '../support/proxy-event.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;
const TENANT_CLAIMS = { client_id: 'tenant-a-client', scope: 'wcbr/bills:price' };

let dir: string;
let backends: AnswerBackends;
let priceBill: Handler;
let document: Record<string, unknown>;
/** The edge's clock: the real time plus what a test adds. */
let skewMs = 0;

function event(body: string, requestId: string, claims: object | null = TENANT_CLAIMS): APIGatewayProxyEvent {
  return proxyEvent({
    body,
    headers: { 'content-type': 'application/json' },
    requestContext: {
      requestId,
      ...(claims === null ? {} : { authorizer: { claims } }),
    } as APIGatewayProxyEvent['requestContext'],
  });
}

/** The answer the handler would send inline: the bill priced in this process. */
function inProcess(bill: object, requestId: string): string {
  return JSON.stringify({ requestId, ...priceRequest(sampleIndex(), normaliseRequest(bill)) });
}

function problems(status: number, body: unknown): string[] {
  const schema = answerSchema(document, 'POST', '/v1/bills/price', status);
  expect(schema, `POST /v1/bills/price declares ${status}`).toBeDefined();
  return checkJsonSchema(body, schema ?? false, document);
}

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  dir = mkdtempSync(join(tmpdir(), 'wcbr-answer-size-'));
  backends = await startAnswerBackends({ stateDir: dir, now: () => new Date(Date.now() + skewMs) });
  Object.assign(process.env, backends.environment);
  delete process.env[ANSWER_SIZE_ENV.maxInlineBytes];
  priceBill = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as Handler;
  const openApi = (await import('../../lambdas/handlers/openapi/handler.js')).handler as unknown as Handler;
  document = JSON.parse(
    (await openApi({ ...event('', 'doc'), httpMethod: 'GET', body: null }, context)).body,
  );
}, 60_000);

afterAll(async () => {
  await backends?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('POST /v1/bills/price: an answer above the platform limit', () => {
  const bill = billWithValues();
  let response: APIGatewayProxyResult;
  let body: { url: string; expiresAt: string; bytes: number; summary: { totals: object }; requestId: string };

  beforeAll(async () => {
    response = await priceBill(event(JSON.stringify(bill), 'req-large-1'), context);
    body = JSON.parse(response.body);
  }, 60_000);

  it('is stored and answered 303 with the link in Location and a small body with its totals', () => {
    expect((bill as { lines: unknown[] }).lines).toHaveLength(MAX_SYNC_LINES);
    expect(response.statusCode).toBe(303);
    expect(response.headers?.location).toBe(body.url);
    expect(body.url.startsWith(`${backends.edgeUrl}/`)).toBe(true);
    expect(body.url).toContain('/answers/tenant-a-client/req-large-1.json');
    expect(body.requestId).toBe('req-large-1');
    expect(body.bytes).toBeGreaterThan(MAX_INLINE_RESPONSE_BYTES);
    expect(Buffer.byteLength(response.body)).toBeLessThan(4096);
    expect(problems(303, body)).toEqual([]);
    // Fifteen minutes (decision 014), counted from the whole second the link is signed at.
    const lifetime = Date.parse(body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
  });

  it('the link answers the complete answer, byte for byte the bill priced in process, whose totals the 303 carried', async () => {
    const expected = inProcess(bill, 'req-large-1');
    const read = await fetch(body.url);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await read.text();
    expect(Buffer.byteLength(text)).toBe(body.bytes);
    expect(text === expected).toBe(true);
    const answer = JSON.parse(text) as { totals: object; lines: unknown[] };
    expect(answer.lines).toHaveLength(MAX_SYNC_LINES);
    expect(body.summary.totals).toEqual(answer.totals);
    expect(problems(200, answer).slice(0, 5)).toEqual([]);
  });

  it.each([
    ['another key', (u: URL) => u.pathname.replace('req-large-1', 'req-large-2')],
    ['another tenant', (u: URL) => u.pathname.replace('tenant-a-client', 'tenant-b-client')],
  ])('refuses the link changed to %s (403)', async (_, path) => {
    const url = new URL(body.url);
    url.pathname = path(url);
    expect((await fetch(url)).status).toBe(403);
  });

  it.each([
    ['a longer lifetime', 'X-Amz-Expires', '3600'],
    ['another date', 'X-Amz-Date', '20300101T000000Z'],
    ['another signature', 'X-Amz-Signature', '0'.repeat(64)],
    ['another credential', 'X-Amz-Credential', 'AKIAOTHER/20251207/us-east-1/s3/aws4_request'],
  ])('refuses the link with %s (403)', async (_, name, value) => {
    const url = new URL(body.url);
    expect(url.searchParams.has(name)).toBe(true);
    url.searchParams.set(name, value);
    expect((await fetch(url)).status).toBe(403);
  });

  it('refuses the link with a parameter added, or without its signature (403)', async () => {
    const added = new URL(body.url);
    added.searchParams.set('response-content-type', 'text/html');
    expect((await fetch(added)).status).toBe(403);
    const unsigned = new URL(body.url);
    unsigned.searchParams.delete('X-Amz-Signature');
    expect((await fetch(unsigned)).status).toBe(403);
    expect((await fetch(body.url, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('serves the link until it expires, and refuses it from then on (403)', async () => {
    const expiresAt = Date.parse(body.expiresAt);
    skewMs = expiresAt - Date.now() - 2_000;
    expect((await fetch(body.url)).status).toBe(200);
    skewMs = expiresAt - Date.now();
    const expired = await fetch(body.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    skewMs = 0;
  });

  it('refuses to store an answer for a token that names no tenant (403), never cutting it', async () => {
    const refused = await priceBill(event(JSON.stringify(bill), 'req-large-3', {}), context);
    expect(refused.statusCode).toBe(403);
    expect(JSON.parse(refused.body).developerMessage).toMatch(/stored for your tenant/);
  });
});

describe('POST /v1/bills/price: a bill above the line maximum', () => {
  it.each([
    ['lines', billWithValues(MAX_SYNC_LINES + 1)],
    [
      'claimInformation.serviceLines',
      {
        jurisdiction: 'US-MEDICARE',
        claimInformation: { serviceLines: Array.from({ length: MAX_SYNC_LINES + 1 }, () => ({})) },
      },
    ],
  ])('is refused up front with 413 naming the bulk route (%s)', async (field, bill) => {
    const response = await priceBill(event(JSON.stringify(bill), 'req-too-many'), context);
    expect(response.statusCode).toBe(413);
    const body = JSON.parse(response.body);
    expect(body.userMessage).toContain('POST /v1/batches');
    expect(body.developerMessage).toContain(`${MAX_SYNC_LINES + 1} lines`);
    expect(body.errors).toEqual([{ field, errorMessage: expect.stringContaining('POST /v1/batches') }]);
    expect(problems(413, body)).toEqual([]);
  });

  it('still prices a bill of exactly the maximum (303 above), and a small one inline (200)', async () => {
    const small = billWithValues(3);
    const response = await priceBill(event(JSON.stringify(small), 'req-small'), context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(inProcess(small, 'req-small'));
  });
});

describe('the threshold is a setting', () => {
  it('a 3-line bill answers 303 when OVERSIZED_ANSWERS_MAX_INLINE_BYTES is below its answer', async () => {
    vi.resetModules();
    process.env[ANSWER_SIZE_ENV.maxInlineBytes] = '2000';
    try {
      const handler = (await import('../../lambdas/handlers/price-bill/handler.js'))
        .handler as unknown as Handler;
      const small = billWithValues(3);
      const response = await handler(event(JSON.stringify(small), 'req-small-303'), context);
      expect(response.statusCode).toBe(303);
      const { url, bytes } = JSON.parse(response.body) as { url: string; bytes: number };
      expect(bytes).toBeGreaterThan(2000);
      expect(await (await fetch(url)).text()).toBe(inProcess(small, 'req-small-303'));
    } finally {
      delete process.env[ANSWER_SIZE_ENV.maxInlineBytes];
    }
  });
});
