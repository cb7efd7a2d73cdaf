/**
 * Recon end to end, as `npm start` runs it: the local stack with DynamoDB Local (the jar) and
 * moto's KMS, the Recon workflow's ASL run by aws-local-stepfunctions with the real task modules,
 * and cognito-local tokens of three tenants. A missing Java or moto fails every test here, naming
 * it (beforeAll throws), never skips.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { reconBodyKeys } from '../../lambdas/app/recon/ports.js';
import { reconBodiesFrom } from '../../lambdas/handlers/shared/recon-deps.js';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../lambdas/local/emulators/dynamodb-local.js';
import { LOCAL_RECON_TABLE } from '../../lambdas/local/recon-stack.js';
import { createLocalWorkflow, loadWorkflowTasks } from '../../lambdas/local/recon-workflow.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { reconSubmission } from '../support/recon-submission.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';
import { personClaims, signWithStackKey } from './support/tokens.js';

let stack: LocalStack;
let userToken: string;
let otherTenantToken: string;
let machineToken: string;
let dynamo: DynamoDBClient;

/** The test patient: none of these may appear in clear in the table. */
const PATIENT = {
  firstName: 'Zebulon',
  lastName: 'Quixotefield',
  birthDate: '1961-07-19',
  memberId: 'MBR-QX-884211',
  ssn: '078-05-1120',
  address: { line1: '42 Larkspur Lane', city: 'Dover', state: 'DE', zip: '19901' },
};

const sequence1Lines = [
  { lineNumber: 1, code: '99213', dateOfService: '2025-03-04', units: 1, charge: '80.00' },
  { lineNumber: 2, code: '97110', dateOfService: '2025-03-05', units: 1, charge: '50.00' },
];

function recon(
  controlNumber: string,
  sequence: number,
  lines: object[] = sequence1Lines,
  extra: object = {},
) {
  return reconSubmission(controlNumber, sequence, {
    patient: PATIENT,
    claimNumber: 'CLM-QX-55120',
    lines: lines,
    extra: extra,
  });
}

async function call(method: string, pathName: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${stack.url}${pathName}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
  const answer = { status: response.status, body: (await response.json()) as Record<string, any> };
  // Every answer of this file is one /openapi.json declares (issue 14: Recon answers were `object`).
  expectDocumented(method, pathName, answer.status, answer.body);
  return answer;
}

async function rawItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: LOCAL_RECON_TABLE, ExclusiveStartKey: start }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

function userTokenFor(tenantGroup: string): string {
  return signWithStackKey(stack, personClaims(stack, [tenantGroup, 'recon-reviewers', 'recon-stewards']));
}

beforeAll(async () => {
  stack = await startTestStack({
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-recon-')),
    recon: { keys: 'kms' },
  });
  userToken = await stack.token('user');
  machineToken = await stack.token('client');
  otherTenantToken = userTokenFor('tenant-other');
  dynamo = new DynamoDBClient({
    endpoint: stack.recon?.dynamoDbEndpoint as string,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
});

afterAll(async () => {
  dynamo?.destroy();
  await stack?.stop();
});

describe('POST /v1/recons', () => {
  // Figures (US-MEDICARE 2025, ZIP 19901, CF 32.3465), as in test/unit/engine/recon-delta.test.ts:
  //   99213 PPRRVU2025_Oct.csv line 12807 × GPCI2025.csv line 40 = 88.82; billed 80.00 → allowed 80.00
  //   97110 PPRRVU2025_Oct.csv line 12655 = 28.79
  const cn = 'CN-SEQ-RULES';

  it('stores the original (sequence 1) and answers its priced bill and delta: 201', async () => {
    const { status, body } = await call('POST', '/v1/recons', userToken, recon(cn, 1));
    expect(status).toBe(201);
    expect(body).toMatchObject({
      controlNumber: cn,
      sequence: 1,
      outcome: 'stored',
      missingSequences: [],
      priced: { totals: { allowed: '108.79' } },
      delta: { againstSequence: null, total: '108.79', direction: 'additional-payment' },
      history: { latestSequence: 1, sequencesStored: 1 },
    });
    expect(typeof body.requestId).toBe('string');
  });

  it('answers a resubmission of the same sequence with the same content with the stored result: 200', async () => {
    // Same content with its keys in another order.
    const { patient, ...rest } = recon(cn, 1);
    const { status, body } = await call('POST', '/v1/recons', userToken, { patient, ...rest });
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: 'replayed', sequence: 1, delta: { total: '108.79' } });
  });

  it('refuses a sequence at or below the latest with other content: 409 naming the latest', async () => {
    const changed = recon(cn, 1, [{ ...sequence1Lines[0], charge: '81.00' }]);
    const { status, body } = await call('POST', '/v1/recons', userToken, changed);
    expect(status).toBe(409);
    expect(body).toMatchObject({ statusCode: 409, latestSequence: 1 });
    expect(body.errors[0].field).toBe('sequence');
  });

  it('accepts a gap (3 after 1), records it, and computes the delta against sequence 1', async () => {
    const corrected = recon(cn, 3, [{ ...sequence1Lines[0], charge: '150.00' }]);
    const { status, body } = await call('POST', '/v1/recons', userToken, corrected);
    expect(status).toBe(201);
    // 88.82 − 80.00 = +8.82 on line 1; line 2 (28.79) removed: −19.97, an overpayment.
    expect(body).toMatchObject({
      sequence: 3,
      missingSequences: [2],
      delta: { againstSequence: 1, total: '-19.97', direction: 'overpayment', overpayment: '19.97' },
      history: { latestSequence: 3, sequencesStored: 2 },
    });
  });

  it('refuses the skipped sequence once the bill has moved past it: 409', async () => {
    const { status, body } = await call('POST', '/v1/recons', userToken, recon(cn, 2));
    expect(status).toBe(409);
    expect(body.latestSequence).toBe(3);
  });

  it('refuses what it cannot accept with field errors and stores nothing: 400, 415, 422, 403', async () => {
    const before = (await rawItems()).length;
    expect((await call('POST', '/v1/recons', userToken, '{"controlNumber":')).status).toBe(400);
    const missing = await call('POST', '/v1/recons', userToken, {
      ...recon('CN-BAD', 1),
      sequence: undefined,
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('sequence');
    const badLine = await call('POST', '/v1/recons', userToken, recon('CN-BAD', 1, [{ code: '99213' }]));
    expect(badLine.status).toBe(422);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/problem+json']) {
      // What curl -d and fetch with a string body send unless told otherwise: API Gateway's template
      // for application/json with passthrough NEVER answers 415, and so does the local stand-in.
      const response = await fetch(`${stack.url}/v1/recons`, {
        method: 'POST',
        headers: { authorization: `Bearer ${userToken}`, 'content-type': type },
        body: JSON.stringify(recon('CN-BAD', 1)),
      });
      const body = await response.json();
      expect(response.status, type).toBe(415);
      expect(body).toMatchObject({ statusCode: 415, errors: [{ field: 'Content-Type' }] });
      expectDocumented('POST', '/v1/recons', 415, body);
    }
    const noScope = await stack.token('client', { scopes: ['wcbr/bills:price'] });
    expect((await call('POST', '/v1/recons', noScope, recon('CN-BAD', 1))).status).toBe(403);
    expect(await rawItems()).toHaveLength(before);
  });
});

describe('GET /v1/recons', () => {
  const cn = 'CN-READ';
  beforeAll(async () => {
    for (const sequence of [1, 2, 3]) {
      const charge = `${80 + sequence}.00`;
      const r = await call(
        'POST',
        '/v1/recons',
        userToken,
        recon(cn, sequence, [{ ...sequence1Lines[0], charge }]),
      );
      expect(r.status).toBe(201);
    }
  });

  it('lists the latest with totals and the sequences newest first, paged with a page token', async () => {
    const first = await call('GET', `/v1/recons/${cn}?limit=2`, userToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      controlNumber: cn,
      latest: { sequence: 3, totals: { billed: '83.00', allowed: '83.00' } },
      sequencesStored: 3,
    });
    expect(first.body.sequences.map((s: { sequence: number }) => s.sequence)).toEqual([3, 2]);
    expect(typeof first.body.nextPageToken).toBe('string');
    const second = await call(
      'GET',
      `/v1/recons/${cn}?limit=2&pageToken=${encodeURIComponent(first.body.nextPageToken)}`,
      userToken,
    );
    expect(second.body.sequences.map((s: { sequence: number }) => s.sequence)).toEqual([1]);
    expect(second.body.nextPageToken).toBeUndefined();
    // Nothing identifying in the listing.
    expect(JSON.stringify(first.body)).not.toContain(PATIENT.lastName);
  });

  it('refuses a page token of another listing: 400', async () => {
    const other = await call('GET', '/v1/recons/CN-SEQ-RULES?limit=1', userToken);
    const { status } = await call(
      'GET',
      `/v1/recons/${cn}?pageToken=${encodeURIComponent(other.body.nextPageToken)}`,
      userToken,
    );
    expect(status).toBe(400);
  });

  it('answers one sequence decrypted, with the bill as sent', async () => {
    const { status, body } = await call('GET', `/v1/recons/${cn}/sequences/2`, userToken);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      sequence: 2,
      latest: false,
      bill: { patient: PATIENT },
      priced: { totals: { billed: '82.00' } },
    });
    expect((await call('GET', `/v1/recons/${cn}/sequences/9`, userToken)).status).toBe(404);
    expect((await call('GET', `/v1/recons/${cn}/sequences/x`, userToken)).status).toBe(400);
  });

  it('keeps PHI out of the table in clear: no name, birth date, member id, SSN or address in any raw item', async () => {
    const raw = JSON.stringify(await rawItems());
    for (const value of [
      PATIENT.firstName,
      PATIENT.lastName,
      PATIENT.birthDate,
      PATIENT.memberId,
      PATIENT.ssn,
      PATIENT.address.line1,
      'CLM-QX-55120',
    ]) {
      expect(raw).not.toContain(value);
    }
    expect(raw).toContain('"S#0000000002"'); // the items are there
  });
});

describe('tenant isolation', () => {
  const cn = 'CN-SHARED-NAME';
  beforeAll(async () => {
    expect((await call('POST', '/v1/recons', userToken, recon(cn, 1))).status).toBe(201);
  });

  it('another tenant cannot read, list, overwrite or delete it, whatever ids it sends', async () => {
    for (const token of [otherTenantToken, machineToken]) {
      expect((await call('GET', `/v1/recons/${cn}`, token)).status).toBe(404);
      expect((await call('GET', `/v1/recons/${cn}/sequences/1`, token)).status).toBe(404);
    }
    expect((await call('DELETE', `/v1/recons/${cn}`, otherTenantToken)).status).toBe(404);
    // The same control number and sequence under another tenant is that tenant's own Recon.
    const theirs = await call(
      'POST',
      '/v1/recons',
      otherTenantToken,
      recon(cn, 1, [{ ...sequence1Lines[0], charge: '99.00' }]),
    );
    expect(theirs.status).toBe(201);
    const mine = await call('GET', `/v1/recons/${cn}/sequences/1`, userToken);
    expect(mine.body.priced.totals.billed).toBe('130.00');
  });

  it('a person whose token has an empty username is refused, not given the people client’s tenant: 403', async () => {
    const now = Math.floor(Date.now() / 1000);
    const emptyUsername = signWithStackKey(stack, {
      sub: randomUUID(),
      username: '',
      'cognito:groups': ['recon-reviewers', 'recon-stewards'],
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      iss: stack.issuer,
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      client_id: stack.state.peopleClient.clientId,
    });
    const read = await call('GET', '/v1/recons/CN-EMPTY-USERNAME', emptyUsername);
    expect(read.status).toBe(403);
    const written = await call('POST', '/v1/recons', emptyUsername, {
      controlNumber: 'CN-EMPTY-USERNAME',
      sequence: 1,
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
    });
    expect(written.status).toBe(403);
  });

  it('a person with no tenant group, or two, is refused: 403', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noTenant = signWithStackKey(stack, {
      sub: randomUUID(),
      username: randomUUID(),
      'cognito:groups': ['recon-reviewers'],
      token_use: 'access',
      scope: '',
      iss: stack.issuer,
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      client_id: stack.state.peopleClient.clientId,
    });
    expect((await call('GET', `/v1/recons/${cn}`, noTenant)).status).toBe(403);
    expect((await call('POST', '/v1/recons', noTenant, recon('CN-X', 1))).status).toBe(403);
  });
});

describe('DELETE /v1/recons/{controlNumber}', () => {
  it('deletes every sequence and the pointer: nothing readable is left', async () => {
    const cn = 'CN-DELETE';
    for (const sequence of [1, 2]) {
      expect((await call('POST', '/v1/recons', userToken, recon(cn, sequence))).status).toBe(201);
    }
    const deleted = await call('DELETE', `/v1/recons/${cn}`, userToken);
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true, deletedItems: 3 } });
    expect((await call('GET', `/v1/recons/${cn}`, userToken)).status).toBe(404);
    expect((await call('GET', `/v1/recons/${cn}/sequences/1`, userToken)).status).toBe(404);
    const left = (await rawItems()).filter((item) => JSON.stringify(item).includes(cn));
    expect(left).toEqual([]);
    expect((await call('DELETE', `/v1/recons/${cn}`, userToken)).status).toBe(404);
  });

  it('every stored item expires (DynamoDB TTL) after the tenant retention', async () => {
    const items = await rawItems();
    expect(items.length).toBeGreaterThan(0);
    const year = Math.floor(Date.now() / 1000) + 365 * 86_400;
    for (const item of items) {
      const ttl = Number((item.expiresAt as { N: string }).N);
      // Default retention: seven years.
      expect(ttl).toBeGreaterThan(year);
    }
  });
});

describe('concurrency', () => {
  it('200 concurrent submissions of mixed sequences end with one latest, no lost sequence, none stored twice', async () => {
    const cn = 'CN-RACE';
    const submissions: object[] = [];
    for (let i = 0; i < 200; i += 1) {
      const sequence = (i % 20) + 1;
      submissions.push(recon(cn, sequence, [{ ...sequence1Lines[0], charge: `${100 + sequence}.00` }]));
    }
    // Shuffle (deterministically) so sequences arrive out of order.
    for (let i = submissions.length - 1; i > 0; i -= 1) {
      const j = (i * 7919) % (i + 1);
      [submissions[i], submissions[j]] = [submissions[j] as object, submissions[i] as object];
    }
    const answers = await Promise.all(submissions.map((s) => call('POST', '/v1/recons', userToken, s)));
    const statuses = new Set(answers.map((a) => a.status));
    for (const status of statuses) expect([200, 201, 409]).toContain(status);

    const created = answers.filter((a) => a.status === 201).map((a) => a.body.sequence as number);
    expect(created.length).toBeGreaterThan(1);
    expect(answers.some((a) => a.status === 409)).toBe(true); // the race was real
    expect(new Set(created).size).toBe(created.length); // no sequence stored twice
    const items = (await rawItems()).filter((item) => (item.pk as { S: string }).S.endsWith(`#C#${cn}`));
    const latest = items.filter((item) => (item.sk as { S: string }).S === 'LATEST');
    const stored = items
      .filter((item) => (item.sk as { S: string }).S.startsWith('S#'))
      .map((item) => Number((item.sk as { S: string }).S.slice(2)));
    expect(latest).toHaveLength(1);
    const pointer = latest[0] as Record<string, { N: string }>;
    expect(stored.sort((a, b) => a - b)).toEqual([...created].sort((a, b) => a - b)); // no lost sequence
    expect(Number(pointer.sequence?.N)).toBe(Math.max(...stored));
    expect(Number(pointer.count?.N)).toBe(stored.length);
    // Every 200 is a replay of a stored sequence; every 409 names a latest at or above its sequence.
    for (const answer of answers) {
      if (answer.status === 200) expect(stored).toContain(answer.body.sequence);
    }
  });
});

describe('the workflow under failure', () => {
  it('a task that fails once is retried: the submission succeeds and nothing is stored twice', async () => {
    const route = ROUTES.find((r) => r.id === 'SubmitRecon');
    const workflow = route?.workflow;
    if (!workflow) throw new Error('no Recon workflow in the route table');
    const real = await loadWorkflowTasks(workflow);
    const failures: string[] = [];
    const failOnce = (state: string, after: boolean) => {
      let failed = false;
      return async (input: unknown) => {
        if (!failed && !after) {
          failed = true;
          failures.push(`${state} before`);
          throw Object.assign(new Error('injected crash'), { name: 'InjectedCrash' });
        }
        const output = await (real[state] as (i: unknown) => Promise<unknown>)(input);
        if (!failed && after) {
          failed = true;
          failures.push(`${state} after`);
          throw Object.assign(new Error('injected crash after the work was done'), { name: 'InjectedCrash' });
        }
        return output;
      };
    };
    const run = await createLocalWorkflow(workflow, {
      tasks: {
        ...real,
        LoadLatest: failOnce('LoadLatest', false),
        // The crash comes after the transaction committed: the retry finds the sequence stored.
        Write: failOnce('Write', true),
      },
    });
    const claims = { username: 'u-1', 'cognito:groups': 'tenant-crash', client_id: 'x' };
    // As the front step does: the body in the body store, the input with keys and claims only.
    await reconBodiesFrom().put(
      reconBodyKeys.work('crash', 'crash-1', 'request'),
      JSON.stringify(recon('CN-CRASH', 1)),
    );
    const output = (await run({ requestId: 'crash-1', claims })) as {
      statusCode: number;
      body: string;
    };
    expect(failures).toEqual(['LoadLatest before', 'Write after']);
    expect([200, 201]).toContain(output.statusCode);
    expect(JSON.parse(output.body)).toMatchObject({ sequence: 1, delta: { total: '108.79' } });
    const items = (await rawItems()).filter((item) => (item.pk as { S: string }).S.includes('CN-CRASH'));
    expect(items.map((item) => (item.sk as { S: string }).S).sort()).toEqual(['LATEST', 'S#0000000001']);
  });

  it('a task that keeps failing fails the execution before anything is written', async () => {
    const workflow = ROUTES.find((r) => r.id === 'SubmitRecon')?.workflow;
    if (!workflow) throw new Error('no Recon workflow in the route table');
    const real = await loadWorkflowTasks(workflow);
    const run = await createLocalWorkflow(workflow, {
      tasks: {
        ...real,
        Write: async () => {
          throw Object.assign(new Error('always down'), { name: 'InjectedOutage' });
        },
      },
    });
    const claims = { username: 'u-1', 'cognito:groups': 'tenant-crash', client_id: 'x' };
    await reconBodiesFrom().put(
      reconBodyKeys.work('crash', 'outage-1', 'request'),
      JSON.stringify(recon('CN-OUTAGE', 1)),
    );
    await expect(run({ requestId: 'outage-1', claims })).rejects.toThrow();
    const items = (await rawItems()).filter((item) => (item.pk as { S: string }).S.includes('CN-OUTAGE'));
    expect(items).toEqual([]);
  });
});

describe('the example Recon', () => {
  it('examples/recons/sequence-1.json and -2.json run as the README shows', async () => {
    const one = readFileSync(path.join(REPO_ROOT, 'examples', 'recons', 'sequence-1.json'), 'utf8');
    const two = readFileSync(path.join(REPO_ROOT, 'examples', 'recons', 'sequence-2.json'), 'utf8');
    expect((await call('POST', '/v1/recons', machineToken, one)).status).toBe(201);
    const second = await call('POST', '/v1/recons', machineToken, two);
    expect(second).toMatchObject({ status: 201, body: { delta: { total: '-19.97' } } });
  });
});

describe('Recon of a facility bill', () => {
  const facilityRecon = (sequence: number, charge: string) => ({
    controlNumber: 'CN-FACILITY-1',
    sequence,
    jurisdiction: 'US-MEDICARE',
    billType: 'outpatient',
    typeOfBill: sequence === 1 ? '0131' : '0137',
    facility: { npi: '1234567893', zip: '30303' },
    patient: PATIENT,
    diagnoses: ['S83.241A'],
    lines: [
      { lineNumber: 1, revenueCode: '0360', code: '29881', dateOfService: '2025-03-04', charge },
      { lineNumber: 2, revenueCode: '0510', code: 'G0463', dateOfService: '2025-03-04', charge: '300.00' },
    ],
  });

  it('stores an outpatient bill and its corrected sequence, pairing lines by revenue code, and keeps PHI and diagnoses out of the table in clear', async () => {
    const first = await call('POST', '/v1/recons', userToken, facilityRecon(1, '5000.00'));
    expect(first.status).toBe(201);
    expect(first.body.priced).toMatchObject({ billType: 'outpatient', facility: { typeOfBill: '0131' } });
    const second = await call('POST', '/v1/recons', userToken, facilityRecon(2, '4500.00'));
    expect(second.status).toBe(201);
    expect(
      (second.body.delta.lines as { match: string; revenueCode: string }[]).map((l) => [
        l.match,
        l.revenueCode,
      ]),
    ).toEqual([
      ['line-number', '0360'],
      ['line-number', '0510'],
    ]);
    // Billed 5,300.00 → 4,800.00 (no facility.cbsa: the OPPS cannot wage-adjust, so the lines are
    // unpriced and nothing is allowed either way).
    expect(second.body.delta.totals.billed).toEqual({
      prior: '5300.00',
      current: '4800.00',
      change: '-500.00',
    });
    const latest = await call('GET', '/v1/recons/CN-FACILITY-1', userToken);
    expect(latest.status).toBe(200);
    const raw = JSON.stringify(await rawItems());
    for (const value of [PATIENT.lastName, PATIENT.memberId, 'S83241A', 'S83.241A'])
      expect(raw).not.toContain(value);
  });
});
