/**
 * Which failures of DynamoDB, KMS and S3 are "not now" (503 with Retry-After) and which are not
 * (500), with errors shaped as the AWS SDK throws them; and the 503 answer itself. The real thing,
 * an emulator stopped under a running stack, is test/e2e/recon-outage.test.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReconStore } from '../../lambdas/adapters/recon-store-dynamodb.js';
import {
  DEPENDENCY_REQUEST_HANDLER,
  DependencyUnavailableError,
  dependencyError,
  retryAfterFor,
  THROTTLED_RETRY_AFTER_SECONDS,
  UNREACHABLE_RETRY_AFTER_SECONDS,
} from '../../lambdas/app/dependency-errors.js';
import { errorResult } from '../../lambdas/handlers/shared/http.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../lambdas/local/emulators/dynamodb-local.js';

const sdkError = (name: string, fault: 'client' | 'server', status?: number) =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('retryAfterFor', () => {
  it.each([
    ['connection refused', socketError('ECONNREFUSED'), UNREACHABLE_RETRY_AFTER_SECONDS],
    ['connection reset', socketError('ECONNRESET'), UNREACHABLE_RETRY_AFTER_SECONDS],
    ['an SDK request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 5],
    ['a dropped socket', new Error('socket hang up'), UNREACHABLE_RETRY_AFTER_SECONDS],
    ['DynamoDB throttling', sdkError('ProvisionedThroughputExceededException', 'client', 400), 2],
    ['KMS throttling', sdkError('ThrottlingException', 'client', 400), THROTTLED_RETRY_AFTER_SECONDS],
    ['a KMS fault', sdkError('KMSInternalException', 'server', 500), 5],
    ['a 503 from S3', sdkError('ServiceUnavailable', 'server', 503), 5],
    ['any server fault', sdkError('SomethingNew', 'server', 500), 5],
  ])('%s is "not now"', (_what, error, seconds) => {
    expect(retryAfterFor(error)).toBe(seconds);
  });

  it.each([
    ['a missing table', sdkError('ResourceNotFoundException', 'client', 400)],
    ['a missing key', sdkError('NotFoundException', 'client', 400)],
    ['access denied', sdkError('AccessDeniedException', 'client', 400)],
    ['a validation error', sdkError('ValidationException', 'client', 400)],
    ['a bug', new TypeError('x is undefined')],
    ['not an error', 'a string'],
  ])('%s is not: waiting fixes nothing', (_what, error) => {
    expect(retryAfterFor(error)).toBeUndefined();
    expect(dependencyError('DynamoDB', error)).toBe(error);
  });
});

describe('the 503 answer', () => {
  it('says when to try again, names the dependency for developers and nothing of the cause', () => {
    const error = dependencyError('KMS', socketError('ECONNREFUSED'));
    const result = errorResult(error, 'req-1');
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe(String(UNREACHABLE_RETRY_AFTER_SECONDS));
    const body = JSON.parse(result.body);
    expect(body).toMatchObject({ statusCode: 503, errors: [], requestId: 'req-1' });
    expect(body.developerMessage).toBe('KMS is unavailable for now');
    expect(result.body).not.toContain('127.0.0.1');
  });
});

describe('DynamoDbReconStore against a port nobody answers on', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let port: number;
  beforeAll(async () => {
    // Accepts connections and never answers: a hung service, not a refused one.
    silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up within the request timeout with a DependencyUnavailableError', async () => {
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: { ...DEPENDENCY_REQUEST_HANDLER, requestTimeout: 200 },
    });
    const store = new DynamoDbReconStore({ client, tableName: 'recons' });
    try {
      const error = await store.getLatest('t', 'CN-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).dependency).toBe('DynamoDB');
    } finally {
      client.destroy();
    }
  });

  it('bounds every wait on the request path (the SDK waits forever by default)', () => {
    expect(DEPENDENCY_REQUEST_HANDLER.throwOnRequestTimeout).toBe(true);
    expect(DEPENDENCY_REQUEST_HANDLER.requestTimeout).toBeLessThanOrEqual(5_000);
    expect(DEPENDENCY_REQUEST_HANDLER.connectionTimeout).toBeLessThanOrEqual(2_000);
  });
});
