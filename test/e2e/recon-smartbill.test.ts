import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { reconSubmission } from '../support/recon-submission.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';
import { personClaims, signWithStackKey } from './support/tokens.js';

let stack: LocalStack;
let token: string;

const PATIENT = {
  firstName: 'Leopoldine',
  lastName: 'Harrowgate',
  birthDate: '1972-08-14',
  memberId: 'MBR-LH-31',
};

function recon(controlNumber: string, sequence: number, extra: object = {}) {
  return reconSubmission(controlNumber, sequence, {
    patient: PATIENT,
    claimNumber: 'CLM-LH-9',
    lines: [{ lineNumber: 1, code: '99213', dateOfService: '2025-03-04', units: 1, charge: '80.00' }],
    extra: extra,
  });
}

async function call(method: string, pathName: string, body?: unknown) {
  const response = await fetch(`${stack.url}${pathName}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      authorization: `Bearer ${token}`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
  const answer = { status: response.status, body: (await response.json()) as Record<string, any> };
  expectDocumented(method, pathName, answer.status, answer.body);
  return answer;
}

/** The page is rendered while the answer travels: wait until it is stored (404 until then). */
async function fetchWhenStored(url: string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(url);
    if (response.status !== 404 || Date.now() > deadline) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  stack = await startTestStack({
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-recon-smartbill-')),
    recon: { keys: 'local' },
    smartBill: { edgePort: 0 },
  });
  token = await stack.token('user');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the SmartBill link of a Recon answer', () => {
  it('links the page of the sequence just priced, served by the edge, with no patient identifier', async () => {
    const stored = await call('POST', '/v1/recons', recon('CN-SB-1', 1, { qrCode: true }));
    expect(stored.status).toBe(201);
    const link = stored.body.smartBill?.url as string;
    expect(new URL(link).origin).toBe(stack.smartBill?.edgeUrl);
    expect(Date.parse(stored.body.smartBill.expiresAt)).toBeGreaterThan(Date.now());
    expect(stored.body.smartBill.qrCodeSvg).toMatch(/^<svg /);
    const page = await fetchWhenStored(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const identifier of Object.values(PATIENT)) expect(html).not.toContain(identifier);
  });

  it('links a fresh page to a replayed sequence too', async () => {
    const first = await call('POST', '/v1/recons', recon('CN-SB-2', 1));
    const again = await call('POST', '/v1/recons', recon('CN-SB-2', 1));
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('replayed');
    expect(again.body.smartBill?.url).toBeDefined();
    expect(again.body.smartBill.url).not.toBe(first.body.smartBill.url);
  });

  it('makes the submitting tenant the page’s revoker: DELETE /v1/smartbills/{id} withdraws it', async () => {
    const stored = await call('POST', '/v1/recons', recon('CN-SB-3', 1));
    const link = stored.body.smartBill?.url as string;
    expect((await fetchWhenStored(link)).status).toBe(200);
    const key = decodeURIComponent(new URL(link).pathname.slice(1));
    const id = key.slice('smartbills/'.length, -'.html'.length);
    // Another tenant (a person of another tenant group, allowed to revoke its own pages) cannot.
    const otherTenant = signWithStackKey(
      stack,
      personClaims(stack, ['tenant-someone-else', 'bill-reviewers']),
    );
    const refused = await fetch(`${stack.url}/v1/smartbills/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${otherTenant}` },
    });
    expect(refused.status).toBe(404);
    expect(await (await fetch(link)).text()).not.toContain('This page was withdrawn');
    const revoked = await call('DELETE', `/v1/smartbills/${id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id, revoked: true } });
    expect(await (await fetch(link)).text()).toContain('This page was withdrawn');
  });
});
