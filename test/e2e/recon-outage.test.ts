/**
 * Failures that say so (issue 15, item 5): with DynamoDB Local or moto's KMS stopped under a
 * running local stack, Recon answers 503 with `Retry-After` (never the generic 500), `/v1/health`
 * names the dependency that does not answer (without a token, without data), and once the
 * emulator is started again on the same port and data the same stack answers as before, with no
 * restart of its own. A missing Java or moto fails every test here, naming it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UNREACHABLE_RETRY_AFTER_SECONDS } from '../../lambdas/app/dependency-errors.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';

// Before the handler modules load: their logger reads it once (the 503s would log their failures).
vi.hoisted(() => {
  process.env.WCBR_LOG = 'off';
});

let stack: LocalStack;
let token: string;
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-outage-'));
const CN = 'CN-OUTAGE';

function recon(sequence: number, charge: string) {
  return {
    controlNumber: CN,
    sequence,
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    patient: { lastName: 'Quixoteoutage', memberId: 'MBR-OUT-1' },
    lines: [{ lineNumber: 1, code: '99213', dateOfService: '2025-03-04', units: 1, charge }],
  };
}

async function call(method: string, pathName: string, body?: unknown, auth = true) {
  const response = await fetch(`${stack.url}${pathName}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
  const answer = { status: response.status, headers: response.headers, body: (await response.json()) as any };
  expectDocumented(method, pathName, answer.status, answer.body);
  return answer;
}

/** Health until `dependency` reports `status` (checks are cached for 2 s), at most 15 s. */
async function healthUntil(dependency: string, status: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const health = await call('GET', '/v1/health', undefined, false);
    if (health.body.dependencies?.[dependency]?.status === status || Date.now() > deadline) return health;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function expectUnavailable(answer: Awaited<ReturnType<typeof call>>) {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toBe(String(UNREACHABLE_RETRY_AFTER_SECONDS));
  expect(answer.body).toMatchObject({ statusCode: 503, errors: [] });
  expect(typeof answer.body.requestId).toBe('string');
  // No endpoint, stack or SDK text reaches the caller.
  expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at .*\.ts/);
}

beforeAll(async () => {
  stack = await startTestStack({
    stateDir,
    recon: { keys: 'kms' },
  });
  token = await stack.token('user');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('Recon while a dependency is down', () => {
  it('reports every dependency as answering while all run', async () => {
    expect((await call('POST', '/v1/recons', recon(1, '80.00'))).status).toBe(201);
    const health = await call('GET', '/v1/health', undefined, false);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      dependencies: {
        feeIndex: { status: 'ok' },
        dynamoDb: { status: 'ok' },
        kms: { status: 'ok' },
        smartBillStore: { status: 'not-configured' },
      },
    });
  });

  it('answers 503 with Retry-After while DynamoDB is stopped, and recovers when it is back', async () => {
    const dynamoDb = stack.recon?.emulators.dynamoDb;
    if (!dynamoDb) throw new Error('the stack runs without Recon');
    await dynamoDb.stop();
    try {
      expectUnavailable(await call('POST', '/v1/recons', recon(2, '90.00')));
      expectUnavailable(await call('GET', `/v1/recons/${CN}`));
      expectUnavailable(await call('GET', `/v1/recons/${CN}/sequences/1`));
      const health = await healthUntil('dynamoDb', 'unavailable');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.dependencies).toMatchObject({
        dynamoDb: { status: 'unavailable' },
        kms: { status: 'ok' },
      });
    } finally {
      await dynamoDb.start();
    }
    // The same stack, no restart: the write goes through and the history is intact.
    const stored = await call('POST', '/v1/recons', recon(2, '90.00'));
    expect(stored.status).toBe(201);
    expect(stored.body.history).toEqual({ latestSequence: 2, sequencesStored: 2 });
    expect((await healthUntil('dynamoDb', 'ok')).body.status).toBe('ok');
  }, 90_000);

  it('answers 503 with Retry-After while KMS is stopped, and decrypts again when it is back', async () => {
    const kms = stack.recon?.emulators.kms;
    if (!kms) throw new Error('the stack runs without KMS');
    await kms.stop();
    try {
      expectUnavailable(await call('GET', `/v1/recons/${CN}/sequences/1`));
      expectUnavailable(await call('POST', '/v1/recons', recon(3, '95.00')));
      // Listing reads clear fields only: it needs no key and keeps answering.
      expect((await call('GET', `/v1/recons/${CN}`)).status).toBe(200);
      const health = await healthUntil('kms', 'unavailable');
      expect(health.body.status).toBe('degraded');
      expect(health.body.dependencies.kms).toEqual({ status: 'unavailable' });
    } finally {
      await kms.start();
    }
    // moto came back with the same key (restored from the state directory): sequence 1 opens.
    const read = await call('GET', `/v1/recons/${CN}/sequences/1`);
    expect(read.status).toBe(200);
    expect(read.body.bill.patient.lastName).toBe('Quixoteoutage');
    expect((await call('POST', '/v1/recons', recon(3, '95.00'))).status).toBe(201);
  }, 90_000);
});
