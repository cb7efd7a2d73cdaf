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
let userToken: string;
let otherTenantToken: string;

const PATIENT = {
  firstName: 'Philippa',
  lastName: 'Wexcombe',
  birthDate: '1959-11-02',
  memberId: 'MBR-WX-1',
};

function recon(controlNumber: string, sequence: number, charge = '80.00') {
  return reconSubmission(controlNumber, sequence, {
    patient: PATIENT,
    claimNumber: 'CLM-WX-2',
    lines: [{ lineNumber: 1, code: '99213', dateOfService: '2025-03-04', units: 1, charge }],
  });
}

async function call(method: string, pathName: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${stack.url}${pathName}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
  const answer = { status: response.status, body: (await response.json()) as Record<string, any> };
  expectDocumented(method, pathName, answer.status, answer.body);
  return answer;
}

function userTokenFor(tenantGroup: string): string {
  return signWithStackKey(stack, personClaims(stack, [tenantGroup, 'recon-reviewers', 'recon-stewards']));
}

/** Every page of a listing, following nextPageToken to the end. */
async function everyPage(token: string, query: string) {
  const controlNumbers: string[] = [];
  const updated: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const suffix = pageToken === undefined ? '' : `&pageToken=${encodeURIComponent(pageToken)}`;
    const page = await call('GET', `/v1/recons?${query}${suffix}`, token);
    expect(page.status).toBe(200);
    for (const item of page.body.recons) {
      controlNumbers.push(item.controlNumber);
      updated.push(item.updatedAt);
    }
    pageToken = page.body.nextPageToken;
    pages += 1;
    expect(pages).toBeLessThan(20);
  } while (pageToken !== undefined);
  return { controlNumbers, updated, pages };
}

const NAMES = ['CN-L1', 'CN-L2', 'CN-L3', 'CN-L4', 'CN-L5'];
/** updatedAt of CN-L3 after the stores below (the cut for updatedSince). */
let cut: string;

beforeAll(async () => {
  stack = await startTestStack({
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-recon-list-')),
    recon: { keys: 'local' },
  });
  userToken = await stack.token('user');
  otherTenantToken = userTokenFor('tenant-listing-other');
  for (const name of NAMES) {
    expect((await call('POST', '/v1/recons', userToken, recon(name, 1))).status).toBe(201);
    // Distinct milliseconds, so the order under test is the order of the stores.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // A new sequence of the first moves it to the front.
  expect((await call('POST', '/v1/recons', userToken, recon('CN-L1', 2, '81.00'))).status).toBe(201);
  expect((await call('POST', '/v1/recons', otherTenantToken, recon('CN-L9', 1))).status).toBe(201);
  cut = (await call('GET', '/v1/recons/CN-L3', userToken)).body.updatedAt;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/recons', () => {
  it('lists the tenant’s Recons most recently updated first, with their latest sequence and totals', async () => {
    const page = await call('GET', '/v1/recons', userToken);
    expect(page.status).toBe(200);
    expect(page.body.recons.map((r: { controlNumber: string }) => r.controlNumber)).toEqual([
      'CN-L1',
      'CN-L5',
      'CN-L4',
      'CN-L3',
      'CN-L2',
    ]);
    expect(page.body.nextPageToken).toBeUndefined();
    // The same facts GET /v1/recons/{controlNumber} answers for its latest sequence.
    const one = await call('GET', '/v1/recons/CN-L1', userToken);
    expect(page.body.recons[0]).toEqual({
      controlNumber: 'CN-L1',
      latestSequence: one.body.latest.sequence,
      sequencesStored: one.body.sequencesStored,
      totals: one.body.latest.totals,
      updatedAt: one.body.updatedAt,
    });
    expect(page.body.recons[0].latestSequence).toBe(2);
    expect(JSON.stringify(page.body)).not.toContain(PATIENT.lastName);
  });

  it('pages to the end with tokens, every Recon once', async () => {
    const { controlNumbers, pages } = await everyPage(userToken, 'limit=2');
    expect(controlNumbers).toEqual(['CN-L1', 'CN-L5', 'CN-L4', 'CN-L3', 'CN-L2']);
    expect(pages).toBe(3);
  });

  it('keeps only Recons updated at or after updatedSince, in any offset', async () => {
    const { controlNumbers, updated } = await everyPage(
      userToken,
      `limit=1&updatedSince=${encodeURIComponent(cut)}`,
    );
    expect(controlNumbers).toEqual(['CN-L1', 'CN-L5', 'CN-L4', 'CN-L3']);
    expect(updated.every((t) => t >= cut)).toBe(true);
    // The same instant written with an offset selects the same Recons.
    const shifted = new Date(Date.parse(cut) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const same = await everyPage(userToken, `updatedSince=${encodeURIComponent(shifted)}`);
    expect(same.controlNumbers).toEqual(controlNumbers);
    const future = await call('GET', '/v1/recons?updatedSince=2999-01-01T00:00:00Z', userToken);
    expect(future.body.recons).toEqual([]);
  });

  it('never shows another tenant’s Recons, nor serves their page tokens', async () => {
    const theirs = await call('GET', '/v1/recons', otherTenantToken);
    expect(theirs.body.recons.map((r: { controlNumber: string }) => r.controlNumber)).toEqual(['CN-L9']);
    const mine = await call('GET', '/v1/recons?limit=1', userToken);
    const token = encodeURIComponent(mine.body.nextPageToken);
    const reused = await call('GET', `/v1/recons?limit=1&pageToken=${token}`, otherTenantToken);
    expect(reused.status).toBe(400);
    expect(reused.body.errors[0].field).toBe('pageToken');
    // A token of another query (another updatedSince) is refused too.
    const otherQuery = await call(
      'GET',
      `/v1/recons?limit=1&updatedSince=2020-01-01T00:00:00Z&pageToken=${token}`,
      userToken,
    );
    expect(otherQuery.status).toBe(400);
  });

  it('refuses bad parameters with field errors: 422 for updatedSince, 400 for limit and pageToken', async () => {
    for (const bad of [
      'yesterday',
      '2026-12-07',
      '2026-12-07T10:00:00',
      '2026-02-30T00:00:00Z',
      '2026-12-07T25:00:00Z',
    ]) {
      const r = await call('GET', `/v1/recons?updatedSince=${encodeURIComponent(bad)}`, userToken);
      expect(r.status, bad).toBe(422);
      expect(r.body.errors[0].field).toBe('updatedSince');
    }
    for (const limit of ['0', '101', 'ten', '-1']) {
      const r = await call('GET', `/v1/recons?limit=${limit}`, userToken);
      expect(r.status, limit).toBe(400);
      expect(r.body.errors[0].field).toBe('limit');
    }
    const garbage = await call('GET', '/v1/recons?pageToken=not-a-token', userToken);
    expect(garbage.status).toBe(400);
  });

  it('needs a token with the Recon read scope', async () => {
    expect((await call('GET', '/v1/recons', undefined)).status).toBe(401);
    const pricingOnly = await stack.token('client', { scopes: ['wcbr/bills:price'] });
    expect([401, 403]).toContain((await call('GET', '/v1/recons', pricingOnly)).status);
  });
});
