/**
 * What the local stack's fast paths must not change: the verified-token cache (scopes, expiry and
 * the signature still judged per request), the proxy event and the response as clients see them,
 * the batched request log, and the API served by cluster workers. No timings are asserted here
 * (`wcbr bench` measures them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCOPES } from '../../lambdas/handlers/shared/routes.js';
import { type AuthorizerConfig, authorize } from '../../lambdas/local/authorizer.js';
import { createApiServer, type LambdaHandler } from '../../lambdas/local/http-adapter.js';
import { cognitoLocalJwks } from '../../lambdas/local/jwt.js';
import { type LocalStack, startLocalStack } from '../../lambdas/local/stack.js';
import { ECHO_ROUTES, stub } from './support/stub-route.js';
import { accessClaims, signWithCognitoLocalKey, signWithForeignKey } from './support/tokens.js';

const ISSUER = 'http://localhost:9229/local_perfTest1';
const CLIENT_ID = 'perfclient0000000000000000';

function config(overrides: Partial<AuthorizerConfig> = {}): AuthorizerConfig {
  return { issuer: ISSUER, jwks: cognitoLocalJwks(), allowedClientIds: [CLIENT_ID], ...overrides };
}

function token(scope: string, claims: { iat?: number; lifetime?: number } = {}): string {
  return signWithCognitoLocalKey(accessClaims({ issuer: ISSUER, clientId: CLIENT_ID, scope, ...claims }));
}

const priceRoute = { scopes: [SCOPES.billsPrice] };
const feeRoute = { scopes: [SCOPES.feeSchedulesRead] };

describe('the verified-token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('still checks the route’s scopes on every request with a token it has seen', () => {
    const feeOnly = token(SCOPES.feeSchedulesRead);
    const auth = config();
    for (let i = 0; i < 3; i++) {
      expect(authorize({ authorization: `Bearer ${feeOnly}` }, feeRoute, auth)).toMatchObject({ ok: true });
      expect(authorize({ authorization: `Bearer ${feeOnly}` }, priceRoute, auth)).toMatchObject({
        ok: false,
        statusCode: 403,
      });
    }
  });

  it('refuses a cached token once it has expired by the real clock', () => {
    const iat = Math.floor(Date.now() / 1000) - 60;
    const shortLived = token(SCOPES.billsPrice, { iat, lifetime: 120 });
    const auth = config();
    expect(authorize({ authorization: `Bearer ${shortLived}` }, priceRoute, auth)).toMatchObject({
      ok: true,
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5 * 60_000);
    expect(authorize({ authorization: `Bearer ${shortLived}` }, priceRoute, auth)).toMatchObject({
      ok: false,
      statusCode: 401,
      message: expect.stringMatching(/expired/),
    });
  });

  it('refuses a cached token judged by a later configured clock, and takes it again by an earlier one', () => {
    const t = token(SCOPES.billsPrice);
    expect(authorize({ authorization: `Bearer ${t}` }, priceRoute, config())).toMatchObject({ ok: true });
    const later = config({ now: () => Date.now() + 2 * 3600_000 });
    expect(authorize({ authorization: `Bearer ${t}` }, priceRoute, later)).toMatchObject({
      ok: false,
      statusCode: 401,
    });
    expect(authorize({ authorization: `Bearer ${t}` }, priceRoute, config())).toMatchObject({ ok: true });
  });

  it('does not let another signature over the same claims ride on a cached token', () => {
    const claims = accessClaims({ issuer: ISSUER, clientId: CLIENT_ID, scope: SCOPES.billsPrice });
    const genuine = signWithCognitoLocalKey(claims);
    const forged = signWithForeignKey(claims);
    const auth = config();
    expect(authorize({ authorization: `Bearer ${genuine}` }, priceRoute, auth)).toMatchObject({ ok: true });
    expect(authorize({ authorization: `Bearer ${forged}` }, priceRoute, auth)).toMatchObject({
      ok: false,
      statusCode: 401,
    });
    // The same token against another issuer or another set of clients is judged afresh.
    expect(
      authorize({ authorization: `Bearer ${genuine}` }, priceRoute, config({ issuer: `${ISSUER}x` })),
    ).toMatchObject({ ok: false, statusCode: 401 });
    expect(
      authorize({ authorization: `Bearer ${genuine}` }, priceRoute, config({ allowedClientIds: [] })),
    ).toMatchObject({ ok: false, statusCode: 401 });
  });

  it('hands every request its own claims object', () => {
    const t = token(SCOPES.billsPrice);
    const auth = config();
    const first = authorize({ authorization: `Bearer ${t}` }, priceRoute, auth);
    if (!first.ok || !first.claims) throw new Error('expected claims');
    first.claims.scope = 'tampered';
    const second = authorize({ authorization: `Bearer ${t}` }, priceRoute, auth);
    expect(second).toMatchObject({ ok: true, claims: { scope: SCOPES.billsPrice, client_id: CLIENT_ID } });
  });

  it('applies the group scopes of the configuration in use', () => {
    const claims = {
      ...accessClaims({ issuer: ISSUER, clientId: CLIENT_ID, scope: 'aws.cognito.signin.user.admin' }),
      'cognito:groups': ['readers'],
    };
    const t = signWithCognitoLocalKey(claims);
    const readers = config({ groupScopes: { readers: [SCOPES.feeSchedulesRead] } });
    const pricers = config({ groupScopes: { readers: [SCOPES.billsPrice] } });
    expect(authorize({ authorization: t }, feeRoute, readers)).toMatchObject({ ok: true });
    expect(authorize({ authorization: t }, priceRoute, readers)).toMatchObject({
      ok: false,
      statusCode: 403,
    });
    expect(authorize({ authorization: t }, priceRoute, pricers)).toMatchObject({ ok: true });
    expect(authorize({ authorization: t }, feeRoute, pricers)).toMatchObject({ ok: false, statusCode: 403 });
  });
});

describe('the adapter’s event and response', () => {
  let server: Server;
  let base: string;
  let seen: APIGatewayProxyEvent | undefined;
  let reply: APIGatewayProxyResult;

  beforeAll(async () => {
    const handler: LambdaHandler = async (event) => {
      seen = event;
      return reply;
    };
    server = createApiServer({
      routes: [stub('Echo', 'POST', '/v1/echo', 'unused.ts', [])],
      loadHandler: async () => handler,
      auth: config(),
      quiet: true,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('adds the X-Forwarded headers the client did not send, and keeps those it did', async () => {
    reply = { statusCode: 200, body: '{}' };
    await (
      await fetch(`${base}/v1/echo`, {
        method: 'POST',
        headers: { 'x-forwarded-PROTO': 'https' },
        body: '{}',
      })
    ).text();
    const { port } = server.address() as AddressInfo;
    expect(seen?.headers['x-forwarded-PROTO']).toBe('https');
    expect(seen?.headers['X-Forwarded-Proto']).toBeUndefined();
    expect(seen?.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(seen?.headers['X-Forwarded-Port']).toBe(String(port));
    expect(seen?.multiValueHeaders['X-Forwarded-For']).toEqual(['127.0.0.1']);
  });

  it('keeps every value of a repeated header, the last one in headers', async () => {
    reply = { statusCode: 200, body: '{}' };
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/echo',
          // An array value goes out as one header line per value.
          headers: { 'X-Repeat': ['one', 'two'] },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(seen?.headers['X-Repeat']).toBe('two');
    expect(seen?.multiValueHeaders['X-Repeat']).toEqual(['one', 'two']);
  });

  it('writes a text body with its length in bytes, not characters', async () => {
    const body = JSON.stringify({ text: '§ 414.21 – 2 × 3 — ✓' });
    reply = { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
    const response = await fetch(`${base}/v1/echo`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await response.text()).toBe(body);
  });

  it('writes a base64 body decoded, and an empty or absent body as length 0', async () => {
    reply = { statusCode: 200, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
    const binary = await fetch(`${base}/v1/echo`, { method: 'POST', body: '{}' });
    expect(binary.headers.get('content-length')).toBe('4');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);

    for (const empty of [{ statusCode: 204 }, { statusCode: 200, body: '' }] as APIGatewayProxyResult[]) {
      reply = empty;
      const response = await fetch(`${base}/v1/echo`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(empty.statusCode);
      expect(await response.text()).toBe('');
      if (empty.statusCode !== 204) expect(response.headers.get('content-length')).toBe('0');
    }
  });

  it('lets a handler’s content-length be replaced by the real one', async () => {
    reply = { statusCode: 200, headers: { 'Content-Length': '999' }, body: 'four' };
    const response = await fetch(`${base}/v1/echo`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-length')).toBe('4');
    expect(await response.text()).toBe('four');
  });
});

describe('the default request log', () => {
  it('writes one metadata-only JSON line per request to stdout', async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const server = createApiServer({
      routes: [stub('Logged', 'GET', '/v1/logged', 'unused.ts', [])],
      loadHandler: async () => async () => ({ statusCode: 200, body: '{"member":"Jane Doe"}' }),
      auth: config(),
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const ids = await Promise.all(
        [1, 2, 3].map(async () => {
          const response = await fetch(`http://127.0.0.1:${port}/v1/logged?member=JaneDoe`);
          await response.text();
          return response.headers.get('x-amzn-requestid');
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      const lines = written
        .join('')
        .split('\n')
        .filter((line) => line.includes('"msg":"request"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line.requestId).sort()).toEqual([...ids].sort());
      for (const line of lines) {
        expect(line).toMatchObject({ level: 'info', method: 'GET', routeId: 'Logged', status: 200 });
      }
      expect(written.join('')).not.toMatch(/Jane|member/);
    } finally {
      write.mockRestore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the API in cluster workers', () => {
  let stateDir: string;
  let stack: LocalStack | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'wcbr-local-workers-'));
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('refuses a worker count it cannot honour before starting anything', async () => {
    await expect(startLocalStack({ stateDir, workers: 0 })).rejects.toThrow(/workers/);
    await expect(startLocalStack({ stateDir, workers: 1.5 })).rejects.toThrow(/workers/);
    await expect(
      startLocalStack({
        stateDir,
        workers: 2,
        loadHandler: async () => async () => ({ statusCode: 200, body: '' }),
      }),
    ).rejects.toThrow(/worker processes/);
  });

  it('serves the same API from two processes sharing one port, and stops them', async () => {
    stack = await startLocalStack({
      port: 0,
      cognitoPort: 0,
      stateDir,
      quiet: true,
      routes: ECHO_ROUTES,
      workers: 2,
      feeIndexPath: join(stateDir, 'no-index.bin'),
    });
    expect(stack.apiPids).toHaveLength(2);
    expect(stack.apiPids).not.toContain(process.pid);

    const priceToken = await stack.token('client', { scopes: [SCOPES.billsPrice] });
    const call = async (method: string, path: string, bearer?: string) => {
      const response = await fetch(`${stack?.url}${path}`, {
        method,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        body: method === 'POST' ? '{}' : undefined,
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    // Concurrent requests open several connections, which the primary hands to both workers.
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/v1/bills/price', priceToken)),
    );
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.json).toMatchObject({
        client_id: stack.state.machineClient.clientId,
        functionName: 'StubPrice',
        feeIndexPath: join(stateDir, 'no-index.bin'),
      });
    }
    expect((await call('GET', '/v1/fee-schedules/US-NC/99213', priceToken)).status).toBe(403);
    expect((await call('POST', '/v1/bills/price')).status).toBe(401);
    expect((await call('GET', '/v1/nothing')).status).toBe(404);

    const pids = stack.apiPids;
    await stack.stop();
    stack = undefined;
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
