/**
 * A Recon of any bill the price route takes (issue 17, § 2): a 999-line bill with external values,
 * end to end through the local stack (the front step, the Recon workflow's ASL run by
 * aws-local-stepfunctions with the real task modules, DynamoDB Local, the local key provider, the
 * body directory and s3rver for the stored answer), and through the workflow alone with every
 * state measured against Step Functions' 256 KiB. A missing Java fails every test, naming it.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconBodyKeys } from '../../lambdas/app/recon/ports.js';
import type { WorkflowResponse } from '../../lambdas/app/recon/service.js';
import { MAX_SYNC_RECON_ANSWER_BYTES, submitRecon } from '../../lambdas/app/recon/submit.js';
import { reconBodiesFrom, reconOversizedAnswersFrom } from '../../lambdas/handlers/shared/recon-deps.js';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../lambdas/local/emulators/dynamodb-local.js';
import { LOCAL_RECON_TABLE, RECON_BODIES_DIR } from '../../lambdas/local/recon-stack.js';
import {
  createLocalWorkflow,
  loadWorkflowTasks,
  type TaskFunction,
} from '../../lambdas/local/recon-workflow.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { reconSubmission } from '../support/recon-submission.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';

/** Step Functions' limit on a state, an execution input and a synchronous execution's output. */
const STEP_FUNCTIONS_STATE_BYTES = 256 * 1024;

let stack: LocalStack;
let stateDir: string;
let token: string;

const PATIENT = {
  firstName: 'Octavia',
  lastName: 'Brimblecombe',
  birthDate: '1966-04-30',
  memberId: 'MBR-OB-77',
};

/**
 * 999 lines (the most a bill may have is 9999 line numbers; 999 is the size), each with a
 * PPO value (10 % off the allowance) so every line carries an external value's explanation too.
 */
function bigRecon(
  controlNumber: string,
  sequence: number,
  chargeOfLine: (n: number) => string = () => '80.00',
) {
  return reconSubmission(controlNumber, sequence, {
    patient: PATIENT,
    claimNumber: 'CLM-OB-1',
    lines: Array.from({ length: 999 }, (_, i) => ({
      lineNumber: i + 1,
      code: i % 2 === 0 ? '99213' : '97110',
      dateOfService: `2025-03-${String((i % 28) + 1).padStart(2, '0')}`,
      units: 1,
      charge: chargeOfLine(i + 1),
      externalValues: [
        {
          bucket: 'ppo',
          mode: 'add',
          percent: '-10',
          source: 'PPO network contract',
          reason: { groupCode: 'CO', carc: '45' },
        },
      ],
    })),
  });
}

async function post(body: unknown) {
  const response = await fetch(`${stack.url}/v1/recons`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = {
    status: response.status,
    location: response.headers.get('location'),
    // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
    body: (await response.json()) as Record<string, any>,
  };
  expectDocumented('POST', '/v1/recons', answer.status, answer.body);
  return answer;
}

/** Follows a 303 as a client does: a plain GET of the signed link, without the API token. */
async function follow(location: string | null) {
  expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  const response = await fetch(location as string);
  expect(response.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-recon-large-'));
  stack = await startTestStack({ stateDir, recon: { keys: 'local' } });
  token = await stack.token('user');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a 999-line Recon with external values, end to end', () => {
  const cn = 'CN-999';
  let stored: Record<string, unknown>;

  it('is stored, and its answer (over the synchronous limit) is a 303 to a signed link', async () => {
    const first = await post(bigRecon(cn, 1));
    expect(first.status).toBe(303);
    expect(first.body.answerStatus).toBe(201);
    expect(first.body.location).toBe(first.location);
    expect(first.body.bytes).toBeGreaterThan(MAX_SYNC_RECON_ANSWER_BYTES);
    expect(Date.parse(first.body.expiresAt)).toBeGreaterThan(Date.now());
    stored = await follow(first.location);
    expectDocumented('POST', '/v1/recons', 201, stored);
    expect(stored).toMatchObject({ controlNumber: cn, sequence: 1, outcome: 'stored' });
    const priced = stored.priced as { lines: { externalValues?: unknown }[] };
    expect(priced.lines).toHaveLength(999);
  }, 180_000);

  it('takes a corrected sequence and answers its delta against the first, line by line', async () => {
    // Line 7's charge drops below its allowance: lesser of billed and allowed changes that line only.
    const second = await post(bigRecon(cn, 2, (n) => (n === 7 ? '1.00' : '80.00')));
    expect(second.status).toBe(303);
    expect(second.body.answerStatus).toBe(201);
    const answer = await follow(second.location);
    expect(answer.delta.againstSequence).toBe(1);
    expect(answer.delta.counts).toMatchObject({ matched: 999, changed: 1, added: 0, removed: 0 });
    expect(answer.history).toEqual({ latestSequence: 2, sequencesStored: 2 });
  }, 180_000);

  it('answers the resubmission of the same sequence with the stored result (303 to it, 200)', async () => {
    const again = await post(bigRecon(cn, 2, (n) => (n === 7 ? '1.00' : '80.00')));
    expect(again.status).toBe(303);
    expect(again.body.answerStatus).toBe(200);
    expect((await follow(again.location)).outcome).toBe('replayed');
  }, 180_000);

  it('reads back the first sequence decrypted (over the synchronous limit: a 303 to the whole sequence), and lists the Recon with 999 lines', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const route = `/v1/recons/${cn}/sequences/1`;
    const one = await fetch(`${stack.url}${route}`, { headers, redirect: 'manual' });
    expect(one.status).toBe(303);
    const link = (await one.json()) as Record<string, unknown>;
    expectDocumented('GET', route, 303, link);
    expect(link).toMatchObject({ answerStatus: 200, location: one.headers.get('location') });
    expect(link.bytes).toBeGreaterThan(MAX_SYNC_RECON_ANSWER_BYTES);
    const body = await follow(one.headers.get('location'));
    expectDocumented('GET', route, 200, body);
    expect(body).toMatchObject({ controlNumber: cn, sequence: 1, latest: false });
    expect(body.bill.lines).toHaveLength(999);
    expect(body.bill.patient).toEqual(PATIENT);
    expect(body.priced).toEqual(stored.priced);
    expect(link.bytes).toBe(Buffer.byteLength(JSON.stringify(body)));
    const summary = (await (await fetch(`${stack.url}/v1/recons/${cn}`, { headers })).json()) as {
      latest: { sequence: number; lines: number };
    };
    expect(summary.latest).toMatchObject({ sequence: 2, lines: 999 });
  }, 120_000);

  it('keeps the large sealed bodies outside the table, encrypted, and leaves no intermediate behind', async () => {
    const dynamo = new DynamoDBClient({
      endpoint: stack.recon?.dynamoDbEndpoint as string,
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
    });
    try {
      const items = (await dynamo.send(new ScanCommand({ TableName: LOCAL_RECON_TABLE }))).Items ?? [];
      const sequences = items.filter((item) => item.sk?.S?.startsWith('S#'));
      expect(sequences).toHaveLength(2);
      for (const item of sequences) {
        expect(item.sealedRef?.S).toMatch(/^sealed\//);
        expect(item.sealed?.M?.ct).toBeUndefined();
        expect(JSON.stringify(item)).not.toContain(PATIENT.lastName);
      }
    } finally {
      dynamo.destroy();
    }
    // Only the two sealed ciphertexts remain: every intermediate (the bill in clear) was deleted.
    const files = readdirSync(path.join(stateDir, RECON_BODIES_DIR));
    expect(files).toHaveLength(2);
    for (const file of files) {
      const bytes = readFileSync(path.join(stateDir, RECON_BODIES_DIR, file));
      expect(bytes.includes(Buffer.from(PATIENT.lastName))).toBe(false);
      expect(bytes.includes(Buffer.from('"lines"'))).toBe(false);
    }
  });

  it('is deleted whole: its items and the objects of its large sealed sequences', async () => {
    const deleted = await fetch(`${stack.url}/v1/recons/${cn}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ deleted: true, deletedItems: 3 });
    expect(readdirSync(path.join(stateDir, RECON_BODIES_DIR))).toEqual([]);
  });
});

describe('the workflow with a 999-line bill', () => {
  it('never carries more than a few kilobytes between states, nor in its input or output', async () => {
    const workflow = ROUTES.find((r) => r.id === 'SubmitRecon')?.workflow;
    if (!workflow) throw new Error('no Recon workflow in the route table');
    const real = await loadWorkflowTasks(workflow);
    const sizes: { state: string; input: number; output: number }[] = [];
    const measured: Record<string, TaskFunction> = {};
    for (const [state, run] of Object.entries(real)) {
      measured[state] = async (input) => {
        const output = await run(input);
        sizes.push({
          state,
          input: Buffer.byteLength(JSON.stringify(input)),
          output: Buffer.byteLength(JSON.stringify(output)),
        });
        return output;
      };
    }
    const run = await createLocalWorkflow(workflow, { tasks: measured });
    const executions: { input: number; output: number }[] = [];
    const claims = { username: 'u-large', 'cognito:groups': 'tenant-large', client_id: 'x' };
    const bill = Buffer.from(JSON.stringify(bigRecon('CN-WF-999', 1)));
    const result = await submitRecon(
      {
        bodies: reconBodiesFrom(),
        answers: reconOversizedAnswersFrom(),
        runWorkflow: async (input) => {
          const output = (await run(input)) as WorkflowResponse;
          executions.push({
            input: Buffer.byteLength(JSON.stringify(input)),
            output: Buffer.byteLength(JSON.stringify(output)),
          });
          return output;
        },
        maxAnswerBytes: MAX_SYNC_RECON_ANSWER_BYTES,
      },
      { requestId: 'large-wf-1', claims, body: bill },
    );
    expect(result.statusCode).toBe(303);
    // Inline in the execution input (base64, as the former direct integration sent it), the bill alone
    // would be over the limit.
    expect(bill.toString('base64').length).toBeGreaterThan(STEP_FUNCTIONS_STATE_BYTES);
    expect(sizes.map((s) => s.state)).toEqual(['Price', 'LoadLatest', 'Delta', 'Write']);
    for (const size of [...sizes, ...executions]) {
      expect(size.input).toBeLessThan(4_096);
      expect(size.output).toBeLessThan(4_096);
    }
    // The intermediates of the request were deleted once the answer was out.
    const bodies = reconBodiesFrom();
    for (const key of reconBodyKeys.allWork('large', 'large-wf-1')) expect(await bodies.get(key)).toBeNull();
  }, 180_000);
});
