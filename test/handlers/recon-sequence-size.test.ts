import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OVERSIZED_ANSWER_LINK_TTL_SECONDS } from '../../lambdas/app/answers/oversized-store.js';
import { openApiDocument } from '../../lambdas/handlers/openapi/document.js';
import { ANSWER_SIZE_ENV } from '../../lambdas/handlers/shared/answer-size-deps.js';
import { RECON_ENV } from '../../lambdas/handlers/shared/recon-deps.js';
import { WCBR_MODE_ENV } from '../../lambdas/handlers/shared/runtime-mode.js';
import { answerSchema, checkJsonSchema } from '../support/json-schema.js';
import { proxyEvent } from '../support/proxy-event.js';

/**
 * `GET /v1/recons/{controlNumber}/sequences/{n}` within the size policy (issue 17): a sequence
 * whose answer would not fit a synchronous Lambda answer is stored on the Recon bodies bucket's
 * answers/ prefix under the Recon bodies key and answered 303 to a signed link, as the Recon front
 * step answers; a smaller one is the 200 it always was. The limit is forced small with the size
 * policy's setting (as test/handlers/answer-size.test.ts forces the price route); the stored
 * sequence comes from a stubbed service (decryption is tested in test/e2e/recon*.test.ts), S3 is
 * mocked.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const BUCKET = 'wcbr-dev-recon-bodies-123456789012-us-east-1';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/bodies';
const LIMIT = 20_000;

/** The function's settings as CDK sets them (lib/stacks/api-stack.ts), with the forced limit. */
const DEPLOYED = {
  [WCBR_MODE_ENV]: 'aws',
  [RECON_ENV.tableName]: 'recons',
  [RECON_ENV.kmsKeyId]: 'arn:aws:kms:us-east-1:123456789012:key/phi',
  [RECON_ENV.bodiesBucket]: BUCKET,
  [RECON_ENV.bodiesKmsKeyId]: KEY,
  [ANSWER_SIZE_ENV.maxInlineBytes]: String(LIMIT),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  WCBR_LOG: 'off',
};

/** A decrypted sequence of `lines` lines (codes and amounts only; the size is what matters). */
function sequenceOf(lines: number) {
  const bill = {
    jurisdiction: 'US-MEDICARE',
    lines: Array.from({ length: lines }, (_, i) => ({
      lineNumber: i + 1,
      code: '99213',
      dateOfService: '2025-03-04',
      charge: '80.00',
    })),
  };
  return {
    controlNumber: 'CN-1',
    sequence: 1,
    latest: true,
    storedAt: '2026-12-07T11:00:00.000Z',
    missingSequences: [],
    bill,
    priced: { lines: bill.lines.map((line) => ({ ...line, allowed: '70.00' })) },
    delta: null,
  };
}

let stored: ReturnType<typeof sequenceOf>;
vi.mock('../../lambdas/app/recon/service.js', () => ({
  getSequence: async () => stored,
}));

const s3 = mockClient(S3Client);
const document = openApiDocument();
const context = { awsRequestId: 'lambda-1', functionName: 'GetReconSequence' } as Context;
let handler: Handler;

function event(requestId: string): APIGatewayProxyEvent {
  return proxyEvent({
    httpMethod: 'GET',
    path: '/v1/recons/CN-1/sequences/1',
    pathParameters: { controlNumber: 'CN-1', sequence: '1' },
    resource: '/v1/recons/{controlNumber}/sequences/{sequence}',
    requestContext: {
      requestId,
      authorizer: { claims: { client_id: 'tenant-a', scope: 'wcbr/recons:read', token_use: 'access' } },
    } as never,
  });
}

function problems(status: number, body: unknown): string[] {
  const schema = answerSchema(document, 'GET', '/v1/recons/{controlNumber}/sequences/{sequence}', status);
  expect(schema, `the sequence route declares ${status}`).toBeDefined();
  return checkJsonSchema(body, schema ?? false, document);
}

beforeAll(async () => {
  for (const [name, value] of Object.entries(DEPLOYED)) vi.stubEnv(name, value);
  vi.resetModules();
  ({ handler } = (await import('../../lambdas/handlers/get-recon-sequence/handler.js')) as {
    handler: Handler;
  });
});

afterAll(() => {
  vi.unstubAllEnvs();
  s3.restore();
});

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

describe('GET /v1/recons/{controlNumber}/sequences/{n} within the size policy', () => {
  it('answers a sequence below the limit inline (200), storing nothing', async () => {
    stored = sequenceOf(10);
    const result = await handler(event('req-small'), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ requestId: 'req-small', ...stored });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('stores a sequence above the limit on the Recon bodies bucket under its key and answers 303 to a signed link', async () => {
    stored = sequenceOf(500);
    const result = await handler(event('req-large'), context);
    expect(result.statusCode).toBe(303);
    const location = new URL(String(result.headers?.location));
    expect(location.hostname).toBe(`${BUCKET}.s3.us-east-1.amazonaws.com`);
    expect(location.pathname).toBe('/answers/tenant-a/req-large.json');
    expect(location.searchParams.get('X-Amz-Expires')).toBe(String(OVERSIZED_ANSWER_LINK_TTL_SECONDS));
    const body = JSON.parse(result.body);
    expect(problems(303, body)).toEqual([]);
    expect(body).toMatchObject({ requestId: 'req-large', answerStatus: 200, location: location.href });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({
      Bucket: BUCKET,
      Key: 'answers/tenant-a/req-large.json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY,
    });
    // The stored answer is the 200 the sequence would have been, byte for byte.
    const whole = JSON.stringify({ requestId: 'req-large', ...stored });
    expect(puts[0]?.Body).toBe(whole);
    expect(body.bytes).toBe(Buffer.byteLength(whole));
    expect(body.bytes).toBeGreaterThan(LIMIT);
  });

  it('answers 503 when the answer cannot be stored, never the sequence in part', async () => {
    stored = sequenceOf(500);
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('slow down'), { name: 'SlowDown', $fault: 'server' }),
    );
    const result = await handler(event('req-fail'), context);
    expect(result.statusCode).toBe(503);
    expect(result.body).not.toContain('"bill"');
  });
});
