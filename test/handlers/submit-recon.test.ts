import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OVERSIZED_ANSWER_LINK_TTL_SECONDS } from '../../lambdas/app/answers/oversized-store.js';
import { BULK_ROUTE } from '../../lambdas/app/answers.js';
import {
  THROTTLED_RETRY_AFTER_SECONDS,
  UNREACHABLE_RETRY_AFTER_SECONDS,
} from '../../lambdas/app/dependency-errors.js';
import { reconBodyKeys } from '../../lambdas/app/recon/ports.js';
import { MAX_SYNC_RECON_ANSWER_BYTES } from '../../lambdas/app/recon/submit.js';
import { RECON_ENV } from '../../lambdas/handlers/shared/recon-deps.js';
import { WCBR_MODE_ENV } from '../../lambdas/handlers/shared/runtime-mode.js';
import { proxyEvent } from '../support/proxy-event.js';

/**
 * The Recon front function in AWS (issue 17, § 2; lambdas/handlers/submit-recon/handler.ts) with
 * S3 and Step Functions mocked: the body goes to the body store and never into the execution
 * input, each answer of the workflow becomes the same HTTP answer the local route gives, an answer
 * over the synchronous limit is stored and answered 303, a failed execution is the generic 500, a
 * throttled or timed-out workflow a 503 with Retry-After, and the intermediates are deleted
 * whatever happened.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Recon';
const BUCKET = 'wcbr-dev-recon-bodies-123456789012-us-east-1';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/bodies';

/** The front function's settings as CDK sets them (lib/constructs/recon-workflow.ts). */
const DEPLOYED = {
  [WCBR_MODE_ENV]: 'aws',
  [RECON_ENV.stateMachineArn]: STATE_MACHINE,
  [RECON_ENV.bodiesBucket]: BUCKET,
  [RECON_ENV.bodiesKmsKeyId]: KEY,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  WCBR_LOG: 'off',
};

/** A Recon bill with PHI in it: none of it may reach the execution input. */
const BILL = JSON.stringify({
  controlNumber: 'CN-1',
  sequence: 1,
  patient: { lastName: 'Doe-Sentinel', birthDate: '1970-01-01' },
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
});

const CLAIMS = { client_id: 'tenant-a', scope: 'wcbr/recons:write', token_use: 'access' };

function event(requestId: string, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return proxyEvent({
    body: BILL,
    headers: { 'content-type': 'application/json' },
    path: '/v1/recons',
    resource: '/v1/recons',
    requestContext: { requestId, authorizer: { claims: CLAIMS } } as never,
    ...overrides,
  });
}

const context = { awsRequestId: 'lambda-1', functionName: 'SubmitReconFront' } as Context;
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
let handler: Handler;

beforeAll(async () => {
  for (const [name, value] of Object.entries(DEPLOYED)) vi.stubEnv(name, value);
  vi.resetModules();
  ({ handler } = (await import('../../lambdas/handlers/submit-recon/handler.js')) as { handler: Handler });
});

afterAll(() => {
  vi.unstubAllEnvs();
  s3.restore();
  sfn.restore();
});

beforeEach(() => {
  s3.reset();
  sfn.reset();
  s3.on(PutObjectCommand).resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
});

function succeeded(output: object) {
  sfn
    .on(StartSyncExecutionCommand)
    .resolves({ status: 'SUCCEEDED', output: JSON.stringify(output) } as never);
}

function expectIntermediatesDeleted(requestId: string) {
  const deletes = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input);
  expect(deletes).toHaveLength(1);
  expect(deletes[0]?.Bucket).toBe(BUCKET);
  expect(deletes[0]?.Delete?.Objects?.map((o) => o.Key)).toEqual(
    reconBodyKeys.allWork('tenant-a', requestId),
  );
}

describe('the Recon front function (AWS)', () => {
  describe('a workflow that answers', () => {
    it('stores the body, starts the execution with the request id and the claims only, answers and deletes the intermediates', async () => {
      const body = JSON.stringify({ requestId: 'req-1', outcome: 'stored' });
      succeeded({ statusCode: 201, body });
      const result = await handler(event('req-1'), context);
      expect(result.statusCode).toBe(201);
      expect(result.body).toBe(body);
      expect(result.headers?.['x-request-id']).toBe('req-1');

      const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(puts).toHaveLength(1);
      expect(puts[0]).toMatchObject({
        Bucket: BUCKET,
        Key: reconBodyKeys.work('tenant-a', 'req-1', 'request'),
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KEY,
      });
      expect(Buffer.from(puts[0]?.Body as Uint8Array).toString('utf8')).toBe(BILL);

      const starts = sfn.commandCalls(StartSyncExecutionCommand).map((c) => c.args[0].input);
      expect(starts).toHaveLength(1);
      expect(starts[0]?.stateMachineArn).toBe(STATE_MACHINE);
      expect(starts[0]?.name).toBe('req-1');
      expect(JSON.parse(starts[0]?.input ?? '')).toEqual({ requestId: 'req-1', claims: CLAIMS });
      expect(starts[0]?.input).not.toContain('Doe-Sentinel');
      expectIntermediatesDeleted('req-1');
    });

    it.each([
      [200, 'replayed'],
      [409, 'stale sequence'],
      [413, 'bill too large'],
      [422, 'field errors'],
      [400, 'malformed JSON'],
    ])('answers the workflow’s %i (%s) with its body, as the local route does', async (statusCode) => {
      const body = JSON.stringify({ statusCode, requestId: 'req-2', errors: [] });
      succeeded({ statusCode, body });
      const result = await handler(event('req-2'), context);
      expect(result.statusCode).toBe(statusCode);
      expect(result.body).toBe(body);
      expect(result.headers?.['retry-after']).toBeUndefined();
      expectIntermediatesDeleted('req-2');
    });

    it('passes a task’s 503 on with its Retry-After (DynamoDB or KMS unavailable inside the workflow)', async () => {
      succeeded({ statusCode: 503, body: '{"statusCode":503}', retryAfterSeconds: 5 });
      const result = await handler(event('req-3'), context);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toBe('5');
    });

    it('reads an answer the workflow left in the body store instead of its output', async () => {
      const answerKey = reconBodyKeys.work('tenant-a', 'req-4', 'answer');
      const body = JSON.stringify({ requestId: 'req-4', lines: 'x'.repeat(200_000) });
      succeeded({ statusCode: 201, body: '', bodyKey: answerKey });
      s3.on(GetObjectCommand, { Key: answerKey }).resolves({
        Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(body)) } as never,
      });
      const result = await handler(event('req-4'), context);
      expect(result.statusCode).toBe(201);
      expect(result.body).toBe(body);
      expectIntermediatesDeleted('req-4');
    });
  });

  describe('an answer larger than a synchronous answer may be', () => {
    it('is stored under answers/ for the tenant, SSE-KMS, and answered 303 to a presigned link', async () => {
      const answerKey = reconBodyKeys.work('tenant-a', 'req-5', 'answer');
      const body = JSON.stringify({ requestId: 'req-5', lines: 'x'.repeat(MAX_SYNC_RECON_ANSWER_BYTES) });
      succeeded({ statusCode: 201, body: '', bodyKey: answerKey });
      s3.on(GetObjectCommand, { Key: answerKey }).resolves({
        Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(body)) } as never,
      });
      const result = await handler(event('req-5'), context);
      expect(result.statusCode).toBe(303);
      const location = new URL(String(result.headers?.location));
      expect(location.pathname).toBe('/answers/tenant-a/req-5.json');
      expect(location.searchParams.get('X-Amz-Expires')).toBe(String(OVERSIZED_ANSWER_LINK_TTL_SECONDS));
      const answer = JSON.parse(result.body);
      expect(answer).toMatchObject({ requestId: 'req-5', answerStatus: 201, location: location.href });
      expect(answer.bytes).toBe(Buffer.byteLength(body));
      expect(result.body.length).toBeLessThan(2_000);
      const stored = s3
        .commandCalls(PutObjectCommand)
        .map((c) => c.args[0].input)
        .find((input) => input.Key === 'answers/tenant-a/req-5.json');
      expect(stored).toMatchObject({ Bucket: BUCKET, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY });
      expect(stored?.Body).toBe(body);
      expectIntermediatesDeleted('req-5');
    });
    it('is stored too when the body is under the limit but its escaping would pass Lambda’s 6 MB (the size policy’s count)', async () => {
      const answerKey = reconBodyKeys.work('tenant-a', 'req-14', 'answer');
      // 4 MB of escaped quotes: 8 MB once the body is itself a JSON string in the proxy result.
      const body = JSON.stringify({ requestId: 'req-14', note: '"'.repeat(2_000_000) });
      expect(Buffer.byteLength(body)).toBeLessThan(MAX_SYNC_RECON_ANSWER_BYTES);
      succeeded({ statusCode: 201, body: '', bodyKey: answerKey });
      s3.on(GetObjectCommand, { Key: answerKey }).resolves({
        Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(body)) } as never,
      });
      const result = await handler(event('req-14'), context);
      expect(result.statusCode).toBe(303);
      expect(JSON.parse(result.body).bytes).toBe(Buffer.byteLength(body));
    });
  });

  describe('a workflow that does not answer', () => {
    it('a failed execution is the generic 500 with the request id, never its error or cause', async () => {
      sfn.on(StartSyncExecutionCommand).resolves({
        status: 'FAILED',
        error: 'Recon.Failed',
        cause: 'A Recon task failed after its retries; Doe-Sentinel',
      } as never);
      const result = await handler(event('req-6'), context);
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body)).toMatchObject({ statusCode: 500, requestId: 'req-6', errors: [] });
      expect(result.body).not.toContain('Recon.Failed');
      expect(result.body).not.toContain('Doe-Sentinel');
      expectIntermediatesDeleted('req-6');
    });

    it('an output that is not a workflow answer is the generic 500', async () => {
      sfn.on(StartSyncExecutionCommand).resolves({ status: 'SUCCEEDED', output: '{"nope":true}' } as never);
      const result = await handler(event('req-7'), context);
      expect(result.statusCode).toBe(500);
    });

    it('a throttled StartSyncExecution is a 503 with Retry-After', async () => {
      sfn
        .on(StartSyncExecutionCommand)
        .rejects(
          Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' }),
        );
      const result = await handler(event('req-8'), context);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toBe(String(THROTTLED_RETRY_AFTER_SECONDS));
      expect(result.body).not.toContain('Rate exceeded');
      expectIntermediatesDeleted('req-8');
    });

    it('a timed-out execution is a 503 with Retry-After', async () => {
      sfn.on(StartSyncExecutionCommand).resolves({ status: 'TIMED_OUT' } as never);
      const result = await handler(event('req-9'), context);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toBe(String(UNREACHABLE_RETRY_AFTER_SECONDS));
      expectIntermediatesDeleted('req-9');
    });

    it('a refused StartSyncExecution (access denied: an operator must act) is the generic 500', async () => {
      sfn
        .on(StartSyncExecutionCommand)
        .rejects(
          Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $fault: 'client' }),
        );
      const result = await handler(event('req-10'), context);
      expect(result.statusCode).toBe(500);
    });

    it('a throttled body store is a 503 before any execution starts', async () => {
      s3.on(PutObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
      const result = await handler(event('req-11'), context);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toBe(String(THROTTLED_RETRY_AFTER_SECONDS));
      expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
    });
  });

  describe('client input', () => {
    it('a token without a tenant is a 403, and nothing is stored or started', async () => {
      const result = await handler(
        event('req-12', { requestContext: { requestId: 'req-12', authorizer: { claims: {} } } as never }),
        context,
      );
      expect(result.statusCode).toBe(403);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
    });

    it('a body that is not application/json is a 415, and nothing is stored or started', async () => {
      const result = await handler(event('req-13', { headers: { 'content-type': 'text/plain' } }), context);
      expect(result.statusCode).toBe(415);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
    });

    it.each([
      [
        'lines',
        {
          lines: Array.from({ length: 1000 }, () => ({
            code: '99213',
            dateOfService: '2025-03-04',
            charge: '150.00',
          })),
        },
      ],
      [
        'claimInformation.serviceLines',
        {
          claimInformation: {
            serviceLines: Array.from({ length: 1000 }, () => ({ procedureCode: '99213' })),
          },
        },
      ],
    ])(
      'a bill of more than 999 %s is the price route’s 413 naming the bulk route, and nothing is stored or started',
      async (field, bill) => {
        const body = JSON.stringify({
          controlNumber: 'CN-big',
          sequence: 1,
          jurisdiction: 'US-MEDICARE',
          ...bill,
        });
        const result = await handler(event('req-14', { body }), context);
        expect(result.statusCode).toBe(413);
        const answer = JSON.parse(result.body) as { userMessage: string; errors: { field: string }[] };
        expect(answer.userMessage).toContain(BULK_ROUTE);
        expect(answer.errors.map((e) => e.field)).toEqual([field]);
        expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
        expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
        expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
      },
    );

    it('a bill of exactly 999 lines goes on to the workflow', async () => {
      succeeded({ statusCode: 201, body: '{}' });
      const lines = Array.from({ length: 999 }, () => ({
        code: '99213',
        dateOfService: '2025-03-04',
        charge: '150.00',
      }));
      const result = await handler(
        event('req-15', { body: JSON.stringify({ controlNumber: 'CN-999', sequence: 1, lines }) }),
        context,
      );
      expect(result.statusCode).toBe(201);
      expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(1);
    });
  });
});
