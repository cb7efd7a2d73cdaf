/**
 * X12 over HTTP through the local stack as `npm start` runs it (issue 18): an 837 posted as
 * application/edi-x12 to the price route, answered as JSON (held to /openapi.json) and as an 835
 * (compressed when the client accepts gzip), and to the acknowledgment route, answered as a 999;
 * both routes authenticated and authorised like every other.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X12Parser } from 'node-x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { read835 } from '../support/read-835.js';
import { build837 } from '../support/x12-837.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';

let stack: LocalStack;
let token: string;

const bills = [1, 2, 3].map((n) => ({
  billId: `PCN-E2E-${n}`,
  serviceFacility: { zip: '19901' },
  lines: [
    { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
    { code: '97110', units: n, dateOfService: '2025-03-04', charge: `${80 * n}.00` },
  ],
}));
const text = build837(bills, { state: 'DE', claimsPerSet: 2, claimNumber: (i) => `WC-E2E-${i}` });

async function post(pathName: string, headers: Record<string, string>, body = text) {
  return fetch(`${stack.url}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/edi-x12', authorization: `Bearer ${token}`, ...headers },
    body,
  });
}

beforeAll(async () => {
  stack = await startTestStack({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-e2e-x12-')) });
  token = await stack.token('client');
});

afterAll(async () => {
  await stack?.stop();
});

describe('X12 through the local stack', () => {
  it('prices an 837 of two transaction sets and answers JSON the OpenAPI document describes', async () => {
    const response = await post('/v1/bills/price?explain=summary', {});
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      claims: { claimId: string; claimNumber: string; bill: { totals: { allowed: string } } }[];
      acknowledgment: { groups: { status: string; sets: unknown[] }[] };
    };
    expectDocumented('POST', '/v1/bills/price', 200, answer);
    expect(answer.claims.map((c) => c.claimId)).toEqual(['PCN-E2E-1', 'PCN-E2E-2', 'PCN-E2E-3']);
    expect(answer.acknowledgment.groups[0]?.sets).toHaveLength(2);
  });

  it('answers an 835 as application/edi-x12, gzip-compressed on request, with the JSON answer’s amounts', async () => {
    const json = (await (await post('/v1/bills/price', {})).json()) as {
      claims: { bill: { totals: { billed: string; allowed: string } } }[];
    };
    const response = await post('/v1/bills/price', {
      accept: 'application/edi-x12',
      'accept-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/edi-x12');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const body = await response.text();
    expect(() => new X12Parser(true).parse(body)).not.toThrow();
    const claims = read835(body).sets.flatMap((s) => s.claims);
    expect(claims.map((c) => c.elements.slice(2, 4))).toEqual(
      json.claims.map((c) => [c.bill.totals.billed, c.bill.totals.allowed]),
    );
  });

  it('acknowledges an 837 with a 999', async () => {
    const response = await post('/v1/x12/acknowledgments', { accept: 'application/edi-x12' });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/^ISA\*/);
    expect(body).toContain('AK9*A*2*2*2');
    const json = await post('/v1/x12/acknowledgments', {});
    expectDocumented('POST', '/v1/x12/acknowledgments', 200, await json.json());
  });

  it('refuses without a token or the scope, and answers a broken file 400 in the documented error shape', async () => {
    const anonymous = await fetch(`${stack.url}/v1/x12/acknowledgments`, {
      method: 'POST',
      headers: { 'content-type': 'application/edi-x12' },
      body: text,
    });
    expect(anonymous.status).toBe(401);
    const reader = await stack.token('client', { scopes: ['wcbr/fee-schedules:read'] });
    expect((await post('/v1/bills/price', { authorization: `Bearer ${reader}` })).status).toBe(403);
    const broken = await post('/v1/bills/price', {}, text.replace('IEA*1*', 'IEA*2*'));
    expect(broken.status).toBe(400);
    expectDocumented('POST', '/v1/bills/price', 400, await broken.json());
  });
});
