/**
 * Issue 17, § 2, end to end through the local stack as `npm start` runs it (decision 014): the
 * 999-line bill with external values answers 303; its link (served and checked by the local edge,
 * signed as S3 signs it, no bearer token) answers the complete answer, byte for byte the bill
 * priced in process; a client that follows redirects gets it directly; a changed link is 403; a
 * bill above the maximum is 413 naming the bulk route. Large bills are priced in worker threads
 * (test/e2e/local-handler-threads.test.ts); no timings are asserted here (`npm run bench` measures
 * the event loop's delay while one is priced).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SYNC_LINES } from '../../lambdas/app/answers/size-policy.js';
import { normaliseRequest } from '../../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../../lambdas/engine/price-request.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { sampleIndex } from '../support/fee-index.js';
import { billWithValues } from '../support/large-bill.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';

let stack: LocalStack;
let token: string;

async function price(bill: object, redirect: 'manual' | 'follow' = 'manual', headers: object = {}) {
  const response = await fetch(`${stack.url}/v1/bills/price`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(bill),
    redirect,
  });
  return { response, text: await response.text() };
}

/** The answer the API sends inline for the bill, priced in this process with the same request id. */
function inProcess(bill: object, requestId: string): string {
  return JSON.stringify({ requestId, ...priceRequest(sampleIndex(), normaliseRequest(bill)) });
}

beforeAll(async () => {
  stack = await startTestStack({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-e2e-size-')) });
  token = await stack.token('client');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a 999-line bill with external values over HTTP', () => {
  const bill = billWithValues();

  it('answers 303 to a signed link that returns the complete answer, byte for byte as priced in process', async () => {
    const { response, text } = await price(bill);
    expect(response.status).toBe(303);
    const body = JSON.parse(text) as {
      requestId: string;
      url: string;
      bytes: number;
      summary: { totals: unknown };
    };
    expectDocumented('POST', '/v1/bills/price', 303, body);
    expect(response.headers.get('location')).toBe(body.url);
    expect(body.url.startsWith(`${stack.answers?.edgeUrl}/`)).toBe(true);
    expect(response.headers.get('x-request-id')).toBe(body.requestId);

    // The link needs no token: its signature is the authorisation, as S3's presigned GET.
    const read = await fetch(body.url);
    expect(read.status).toBe(200);
    const stored = await read.text();
    expect(Buffer.byteLength(stored)).toBe(body.bytes);
    expect(stored === inProcess(bill, body.requestId)).toBe(true);
    const answer = JSON.parse(stored) as { lines: unknown[]; totals: unknown };
    expect(answer.lines).toHaveLength(MAX_SYNC_LINES);
    expect(body.summary.totals).toEqual(answer.totals);
    expectDocumented('POST', '/v1/bills/price', 200, answer);

    // Tampered: another request's key under the same signature.
    const tampered = new URL(body.url);
    // (The last character changed to one it is not: a request id ending in "0" once made this a no-op.)
    const other = body.requestId.endsWith('0') ? '1' : '0';
    tampered.pathname = tampered.pathname.replace(body.requestId, `${body.requestId.slice(0, -1)}${other}`);
    expect((await fetch(tampered)).status).toBe(403);
  }, 60_000);

  it('reaches a client that follows redirects as the complete answer (GET, without the token)', async () => {
    const { response, text } = await price(bill, 'follow');
    expect(response.status).toBe(200);
    expect(response.redirected).toBe(true);
    const answer = JSON.parse(text) as { requestId: string; lines: unknown[] };
    expect(answer.lines).toHaveLength(MAX_SYNC_LINES);
    expect(text === inProcess(bill, answer.requestId)).toBe(true);
  }, 60_000);
});

describe('a bill above the maximum over HTTP', () => {
  it('is 413 with the bulk route named', async () => {
    const { response, text } = await price(billWithValues(MAX_SYNC_LINES + 1));
    expect(response.status).toBe(413);
    const body = JSON.parse(text) as { userMessage: string; errors: { field: string }[] };
    expectDocumented('POST', '/v1/bills/price', 413, body);
    expect(body.userMessage).toContain('POST /v1/batches');
    expect(body.errors.map((e) => e.field)).toEqual(['lines']);
  }, 60_000);
});
