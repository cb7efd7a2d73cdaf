/**
 * The local stack's authorisation, end to end: cognito-local in process (real TOTP MFA sign-in,
 * client-credentials tokens), the local API Gateway with the Cognito authorizer's checks, and
 * stub handlers loaded the way real ones are (dynamic import of the route's entry).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteDefinition, SCOPES } from '../../lambdas/handlers/shared/routes.js';
import { authorize } from '../../lambdas/local/authorizer.js';
import {
  createApiServer,
  type LambdaHandler,
  type RequestLogEntry,
} from '../../lambdas/local/http-adapter.js';
import {
  COGNITO_LOCAL_KID,
  cognitoLocalJwks,
  decodeJwtPayloadUnverified,
  jwksOf,
  loadOrCreateSigningKey,
  SIGNING_KEY_FILE_NAME,
  signingKeyOf,
} from '../../lambdas/local/jwt.js';
import { getTokenFromState, type LocalStack, startLocalStack } from '../../lambdas/local/stack.js';
import { TOKEN_CACHE_FILE_NAME, TOKEN_REUSE_MARGIN_SECONDS } from '../../lambdas/local/token-from-state.js';
import { cognitoClient, totpCode } from '../../lambdas/local/tokens.js';
import { ECHO_ROUTES, stub } from './support/stub-route.js';
import {
  accessClaims,
  signWithCognitoLocalKey,
  signWithForeignKey,
  signWithStackKey,
} from './support/tokens.js';

const ROUTES: readonly RouteDefinition[] = [
  ...ECHO_ROUTES,
  stub('StubHealth', 'GET', '/v1/health', 'test/e2e/support/handlers/public.ts', []),
  stub('StubThrows', 'POST', '/v1/throws', 'test/e2e/support/handlers/throws.ts', [SCOPES.billsPrice]),
];

interface ErrorBody {
  statusCode: number;
  userMessage: string;
  developerMessage: string;
  errors: unknown[];
  requestId: string;
}

let stateDir: string;
let stack: LocalStack;
let startupMs: number;

async function call(
  method: string,
  path: string,
  token?: string,
  init: { body?: string | Buffer; raw?: boolean } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = init.raw ? token : `Bearer ${token}`;
  const response = await fetch(`${stack.url}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

function expectAdapterError(
  result: { status: number; headers: Headers; json: Record<string, unknown> },
  status: number,
) {
  const body = result.json as unknown as ErrorBody;
  expect(result.status).toBe(status);
  expect(body.statusCode).toBe(status);
  expect(typeof body.userMessage).toBe('string');
  expect(typeof body.developerMessage).toBe('string');
  expect(body.errors).toEqual([]);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(result.headers.get('x-request-id')).toBe(body.requestId);
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'wcbr-local-auth-'));
  const started = performance.now();
  stack = await startLocalStack({
    port: 0,
    cognitoPort: 0,
    stateDir,
    quiet: true,
    routes: ROUTES,
    feeIndexPath: join(stateDir, 'no-index.bin'),
  });
  startupMs = performance.now() - started;
  // A figure for the report, not an assertion (tests never assert timings).
  process.stdout.write(`local stack started in ${startupMs.toFixed(0)} ms (fresh bootstrap)\n`);
});

afterAll(async () => {
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('bootstrap', () => {
  it('keeps its secrets in a state file only the owner can read', async () => {
    const info = await stat(join(stateDir, 'state.json'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(stack.state.devUser.totpSecret).toMatch(/^[A-Z2-7]+=*$/);
    expect(stack.issuer).toBe(`${stack.state.cognito.issuerDomain}/${stack.state.userPoolId}`);
    expect(stack.state.issuer).toMatch(/^http:\/\/localhost:\d+\/local_/);
  });

  it('serves the JWKS at the issuer and discovery with the real port', async () => {
    const base = stack.state.cognito.endpoint;
    const jwks = (await (await fetch(`${base}/${stack.state.userPoolId}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    // The state directory's own key, never cognito-local's published one (issue 15, item 4).
    const own = JSON.parse(await readFile(join(stateDir, SIGNING_KEY_FILE_NAME), 'utf8')) as {
      privateKeyPem: string;
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual([signingKeyOf(own.privateKeyPem).kid]);
    expect(jwks.keys.map((k) => k.kid)).not.toContain(COGNITO_LOCAL_KID);
    expect((await stat(join(stateDir, SIGNING_KEY_FILE_NAME))).mode & 0o777).toBe(0o600);
    const discovery = (await (
      await fetch(`${base}/${stack.state.userPoolId}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(stack.issuer);
    expect(discovery.jwks_uri).toBe(`${stack.issuer}/.well-known/jwks.json`);
  });
});

describe('MFA is required for people', () => {
  it('answers a password sign-in with a SOFTWARE_TOKEN_MFA challenge and refuses a wrong code', async () => {
    const client = cognitoClient(stack.state.cognito.endpoint);
    try {
      const started = await client.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: stack.state.peopleClient.clientId,
          AuthParameters: { USERNAME: stack.state.devUser.email, PASSWORD: stack.state.devUser.password },
        }),
      );
      expect(started.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      expect(started.AuthenticationResult).toBeUndefined();

      // A code outside the accepted window (previous, current, next period).
      const now = Date.now();
      const accepted = new Set(
        [now - 30_000, now, now + 30_000].map((t) => totpCode(stack.state.devUser.totpSecret, t)),
      );
      let wrong = 0;
      while (accepted.has(String(wrong).padStart(6, '0'))) wrong++;
      await expect(
        client.send(
          new RespondToAuthChallengeCommand({
            ClientId: stack.state.peopleClient.clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: started.Session,
            ChallengeResponses: {
              USERNAME: started.ChallengeParameters?.USER_ID_FOR_SRP ?? stack.state.devUser.email,
              SOFTWARE_TOKEN_MFA_CODE: String(wrong).padStart(6, '0'),
            },
          }),
        ),
      ).rejects.toMatchObject({ name: 'CodeMismatchException' });
    } finally {
      client.destroy();
    }
  });

  it('refuses a wrong password', async () => {
    const client = cognitoClient(stack.state.cognito.endpoint);
    try {
      await expect(
        client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: stack.state.peopleClient.clientId,
            AuthParameters: { USERNAME: stack.state.devUser.email, PASSWORD: 'Wrong-password-1!' },
          }),
        ),
        // Amazon Cognito says NotAuthorizedException; cognito-local says InvalidPasswordException.
      ).rejects.toMatchObject({ name: expect.stringMatching(/^(NotAuthorized|InvalidPassword)Exception$/) });
    } finally {
      client.destroy();
    }
  });
});

describe('client-credentials token endpoint', () => {
  const post = (form: Record<string, string>, basic?: string) =>
    fetch(stack.state.cognito.tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });

  it('issues a Cognito-shaped machine token', async () => {
    const { clientId, clientSecret } = stack.state.machineClient;
    const response = await post(
      { grant_type: 'client_credentials', scope: SCOPES.billsPrice },
      `${clientId}:${clientSecret}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    const claims = JSON.parse(
      Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(Object.keys(claims).sort()).toEqual(
      ['auth_time', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_use', 'version'].sort(),
    );
    expect(claims).toMatchObject({
      sub: clientId,
      client_id: clientId,
      token_use: 'access',
      scope: SCOPES.billsPrice,
      iss: stack.issuer,
      version: 2,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
  });

  it('refuses a wrong secret, a public client and a scope the client may not have', async () => {
    const { clientId, clientSecret } = stack.state.machineClient;
    const wrongSecret = await post({ grant_type: 'client_credentials' }, `${clientId}:${clientSecret}x`);
    expect(wrongSecret.status).toBe(400);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    const publicClient = await post(
      { grant_type: 'client_credentials' },
      `${stack.state.peopleClient.clientId}:x`,
    );
    expect(await publicClient.json()).toMatchObject({ error: 'invalid_client' });
    const badScope = await post(
      { grant_type: 'client_credentials', scope: 'aws.cognito.signin.user.admin' },
      `${clientId}:${clientSecret}`,
    );
    expect(badScope.status).toBe(400);
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('leaves the other grants to cognito-local', async () => {
    const response = await post({
      grant_type: 'refresh_token',
      client_id: stack.state.peopleClient.clientId,
      refresh_token: 'x',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('authorizer', () => {
  const machineClaims = (overrides: Partial<Parameters<typeof accessClaims>[0]> = {}) =>
    accessClaims({
      issuer: stack.issuer,
      clientId: stack.state.machineClient.clientId,
      scope: SCOPES.billsPrice,
      ...overrides,
    });

  it('refuses a request without a token (401)', async () => {
    expectAdapterError(await call('POST', '/v1/bills/price', undefined, { body: '{}' }), 401);
  });

  it('refuses a garbage token (401)', async () => {
    expectAdapterError(await call('POST', '/v1/bills/price', 'not-a-jwt', { body: '{}' }), 401);
    expectAdapterError(await call('POST', '/v1/bills/price', 'a.b.c', { body: '{}' }), 401);
  });

  it('refuses a token signed by another key (401)', async () => {
    expectAdapterError(
      await call('POST', '/v1/bills/price', signWithForeignKey(machineClaims()), { body: '{}' }),
      401,
    );
    expectAdapterError(
      await call('POST', '/v1/bills/price', signWithForeignKey(machineClaims(), 'other-kid'), { body: '{}' }),
      401,
    );
  });

  it('refuses a token signed with cognito-local’s published key, whatever it claims (401)', async () => {
    // Anyone can sign with the key in cognito-local's npm package: a machine token with every
    // scope, and a person's token with every group, both well-formed for this pool.
    const machine = signWithCognitoLocalKey(machineClaims());
    const now = Math.floor(Date.now() / 1000);
    const person = signWithCognitoLocalKey({
      sub: 'forged-sub',
      username: 'forged-user',
      'cognito:groups': ['bill-reviewers', 'recon-reviewers', 'recon-stewards', 'tenant-local'],
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      iss: stack.issuer,
      exp: now + 3600,
      iat: now,
      jti: 'forged',
      client_id: stack.state.peopleClient.clientId,
    });
    for (const token of [machine, person]) {
      const result = await call('POST', '/v1/bills/price', token, { body: '{}' });
      expectAdapterError(result, 401);
      expect(result.json.developerMessage).toMatch(/not signed by a key of this API/);
    }
    // The same claims signed with the pool's own key pass: only the key made the difference.
    expect(
      (await call('POST', '/v1/bills/price', signWithStackKey(stack, machineClaims()), { body: '{}' }))
        .status,
    ).toBe(200);
  });

  it('gives each state directory a key of its own, kept across restarts', async () => {
    const other = await mkdtemp(join(tmpdir(), 'wcbr-other-key-'));
    try {
      const first = await loadOrCreateSigningKey(other);
      expect(first.kid).not.toBe((await loadOrCreateSigningKey(stateDir)).kid);
      expect((await loadOrCreateSigningKey(other)).kid).toBe(first.kid);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses an expired token (401)', async () => {
    const iat = Math.floor(Date.now() / 1000) - 7200;
    const result = await call(
      'POST',
      '/v1/bills/price',
      signWithStackKey(stack, machineClaims({ iat, lifetime: 3600 })),
      {
        body: '{}',
      },
    );
    expectAdapterError(result, 401);
    expect(result.json.developerMessage).toMatch(/expired/);
  });

  it('judges expiry by the clock it is given', () => {
    const token = signWithCognitoLocalKey(machineClaims());
    const config = {
      issuer: stack.issuer,
      jwks: cognitoLocalJwks(),
      allowedClientIds: [stack.state.machineClient.clientId],
    };
    const route = { scopes: [SCOPES.billsPrice] };
    expect(authorize({ Authorization: `Bearer ${token}` }, route, config)).toMatchObject({ ok: true });
    expect(
      authorize({ authorization: `Bearer ${token}` }, route, { ...config, now: Date.now() + 2 * 3600_000 }),
    ).toMatchObject({ ok: false, statusCode: 401, message: expect.stringMatching(/expired/) });
  });

  it('refuses a token of another issuer (401)', async () => {
    const token = signWithStackKey(
      stack,
      machineClaims({ issuer: `${stack.state.cognito.issuerDomain}/local_other` }),
    );
    expectAdapterError(await call('POST', '/v1/bills/price', token, { body: '{}' }), 401);
  });

  it('refuses an ID token in place of an access token (401)', async () => {
    const { idToken } = await stack.userTokens();
    const result = await call('POST', '/v1/bills/price', idToken, { body: '{}' });
    expectAdapterError(result, 401);
    expect(result.json.developerMessage).toMatch(/access token/);
  });

  it('refuses a token of a client that is not one of the pool’s (401)', async () => {
    const token = signWithStackKey(stack, machineClaims({ clientId: 'someoneelsesclient0000000' }));
    const result = await call('POST', '/v1/bills/price', token, { body: '{}' });
    expectAdapterError(result, 401);
    expect(result.json.developerMessage).toMatch(/client/);
  });

  it('lets the dev user in after a real MFA sign-in, with group scopes in the claims (200)', async () => {
    const token = await stack.token('user');
    const result = await call('POST', '/v1/bills/price', token, { body: '{"lines":[]}' });
    expect(result.status).toBe(200);
    expect(result.json.client_id).toBe(stack.state.peopleClient.clientId);
    expect(String(result.json.scope).split(' ')).toEqual(
      expect.arrayContaining(['aws.cognito.signin.user.admin', SCOPES.billsPrice, SCOPES.feeSchedulesRead]),
    );
    expect(String(result.json.groups).split(',')).toEqual([
      'analytics-stewards',
      'analytics-viewers',
      'batch-submitters',
      'bill-reviewers',
      'recon-reviewers',
      'recon-stewards',
      'tenant-local',
    ]);
    expect(result.json.exp).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    // The bare token, without "Bearer", as API Gateway also accepts it.
    expect((await call('POST', '/v1/bills/price', token, { body: '{}', raw: true })).status).toBe(200);
  });

  it('lets a machine client in with client credentials (200)', async () => {
    const result = await call('POST', '/v1/bills/price', await stack.token('client'), { body: '{}' });
    expect(result.status).toBe(200);
    expect(result.json.client_id).toBe(stack.state.machineClient.clientId);
    expect(result.json.token_use).toBe('access');
    expect(result.json.functionName).toBe('StubPrice');
    expect(result.json.feeIndexPath).toBe(join(stateDir, 'no-index.bin'));
  });

  it('refuses a client token without the route’s scope (403) and accepts it where it has it (200)', async () => {
    const token = await stack.token('client', { scopes: [SCOPES.feeSchedulesRead] });
    expectAdapterError(await call('POST', '/v1/bills/price', token, { body: '{}' }), 403);
    const fee = await call('GET', '/v1/fee-schedules/US-NC/99213?edition=2025', token);
    expect(fee.status).toBe(200);
    expect(fee.json.scope).toBe(SCOPES.feeSchedulesRead);
    expect(fee.json.resource).toBe('/v1/fee-schedules/{jurisdiction}/{code}');
    expect(fee.json.pathParameters).toEqual({ jurisdiction: 'US-NC', code: '99213' });
    expect(fee.json.queryStringParameters).toEqual({ edition: '2025' });
  });

  it('refuses a user who is no longer in a group that grants the scope (403)', async () => {
    const client = cognitoClient(stack.state.cognito.endpoint);
    const member = {
      UserPoolId: stack.state.userPoolId,
      Username: stack.state.devUser.email,
      GroupName: 'bill-reviewers',
    };
    try {
      await client.send(new AdminRemoveUserFromGroupCommand(member));
      const token = await stack.token('user');
      expectAdapterError(await call('POST', '/v1/bills/price', token, { body: '{}' }), 403);
      expectAdapterError(await call('GET', '/v1/fee-schedules/US-NC/99213', token), 403);
    } finally {
      await client.send(new AdminAddUserToGroupCommand(member));
      client.destroy();
    }
  });

  it('does not authenticate a route without scopes', async () => {
    const result = await call('GET', '/v1/health');
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ ok: true, authorizer: null });
  });
});

describe('gateway behaviour', () => {
  it('answers 413 to an 11 MB body without reading it all', async () => {
    const token = await stack.token('client');
    const result = await call('POST', '/v1/bills/price', token, {
      body: Buffer.alloc(11 * 1024 * 1024, 0x20),
    });
    expectAdapterError(result, 413);
  });

  it('stops reading an endless chunked upload once past the limit', async () => {
    const token = await stack.token('client');
    const { hostname, port } = new URL(stack.url);
    const outcome = await new Promise<{ status: number | undefined; written: number }>((resolve) => {
      let written = 0;
      let status: number | undefined;
      const req = request(
        {
          hostname,
          port,
          path: '/v1/bills/price',
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        },
        (res) => {
          status = res.statusCode;
          res.resume();
        },
      );
      const finish = () => resolve({ status, written });
      req.on('error', finish);
      req.on('close', finish);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (written < 500 * 1024 * 1024) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(outcome.status).toBe(413);
    // The server hung up long before the client could push 500 MB.
    expect(outcome.written).toBeLessThan(100 * 1024 * 1024);
  });

  it('passes a body just under the limit', async () => {
    const token = await stack.token('client');
    const body = Buffer.alloc(10 * 1024 * 1024 - 16, 0x20);
    const result = await call('POST', '/v1/bills/price', token, { body });
    expect(result.status).toBe(200);
    expect(result.json.bodyLength).toBe(body.length);
  });

  it('answers 404 to an unknown path and 405 to a known path with another method', async () => {
    expectAdapterError(await call('GET', '/v1/nothing-here'), 404);
    const wrongMethod = await call('DELETE', '/v1/health');
    expectAdapterError(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('answers 500 with a generic body and the request id when a handler throws', async () => {
    const result = await call('POST', '/v1/throws', await stack.token('client'), { body: '{}' });
    expectAdapterError(result, 500);
    const text = JSON.stringify(result.json);
    expect(text).not.toMatch(/SECRET-DETAIL|Jane|12345|\.ts|at /);
  });
});

describe('adapter with injected handlers', () => {
  it('builds the REST v1 event and context, and writes multi-value headers back', async () => {
    let seen: Parameters<LambdaHandler> | undefined;
    const handler: LambdaHandler = async (event, context) => {
      seen = [event, context];
      return {
        statusCode: 201,
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        headers: { 'x-extra': 'yes' },
        body: '{"created":true}',
      };
    };
    const server = createApiServer({
      routes: [stub('Injected', 'POST', '/v1/items/{id}', 'unused.ts', [])],
      loadHandler: async () => handler,
      auth: { issuer: stack.issuer, jwks: cognitoLocalJwks(), allowedClientIds: [] },
      quiet: true,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/v1/items/a%20b?x=1&x=2&y=3`, {
        method: 'POST',
        headers: { 'X-Custom': 'one', 'content-type': 'application/json' },
        body: '{"hello":"world"}',
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
      expect(response.headers.get('x-extra')).toBe('yes');
      expect(response.headers.get('content-type')).toBe('application/json');
      const [event, context] = seen ?? [];
      expect(event).toMatchObject({
        resource: '/v1/items/{id}',
        path: '/v1/items/a%20b',
        httpMethod: 'POST',
        pathParameters: { id: 'a b' },
        queryStringParameters: { x: '2', y: '3' },
        multiValueQueryStringParameters: { x: ['1', '2'], y: ['3'] },
        stageVariables: null,
        body: '{"hello":"world"}',
        isBase64Encoded: false,
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          stage: 'local',
          resourcePath: '/v1/items/{id}',
          httpMethod: 'POST',
          path: '/local/v1/items/a%20b',
          identity: { sourceIp: '127.0.0.1' },
        },
      });
      expect(event?.headers['X-Custom']).toBe('one');
      expect(event?.multiValueHeaders['X-Custom']).toEqual(['one']);
      expect(event?.requestContext.requestId).toBe(response.headers.get('x-amzn-requestid'));
      expect(event?.requestContext.authorizer).toBeUndefined();
      expect(context?.functionName).toBe('Injected');
      expect(context?.getRemainingTimeInMillis()).toBeGreaterThan(0);
      expect(context?.awsRequestId).not.toBe(event?.requestContext.requestId);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('logs one metadata-only line per request', async () => {
    const entries: RequestLogEntry[] = [];
    const server = createApiServer({
      routes: [stub('Logged', 'POST', '/v1/logged', 'unused.ts', [SCOPES.billsPrice])],
      loadHandler: async () => async () => ({ statusCode: 200, body: '{"secret":"SSN 123-45-6789"}' }),
      auth: {
        issuer: stack.issuer,
        // The pool's own key: the stack's tokens are signed with it, not cognito-local's.
        jwks: jwksOf(await loadOrCreateSigningKey(stateDir)),
        allowedClientIds: [stack.state.machineClient.clientId],
      },
      log: (entry) => entries.push(entry),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const token = await stack.token('client');
      const response = await fetch(`http://127.0.0.1:${port}/v1/logged?member=JaneDoe`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: '{"patient":"Jane Doe"}',
      });
      await response.text();
      await fetch(`http://127.0.0.1:${port}/v1/unknown/JaneDoe`).then((r) => r.text());
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(entries).toHaveLength(2);
      expect(Object.keys(entries[0] ?? {}).sort()).toEqual(
        ['latencyMs', 'method', 'requestId', 'routeId', 'status', 'time'].sort(),
      );
      expect(entries[0]).toMatchObject({ method: 'POST', routeId: 'Logged', status: 200 });
      expect(entries[0]?.requestId).toBe(response.headers.get('x-amzn-requestid'));
      expect(entries[1]).toMatchObject({ method: 'GET', routeId: null, status: 404 });
      const text = JSON.stringify(entries);
      expect(text).not.toMatch(/Jane|SSN|eyJ|member/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers 502 to a malformed proxy result', async () => {
    const server = createApiServer({
      routes: [stub('Malformed', 'GET', '/v1/bad', 'unused.ts', [])],
      loadHandler: async () => (async () => ({ body: 'no status' })) as unknown as LambdaHandler,
      auth: { issuer: stack.issuer, jwks: cognitoLocalJwks(), allowedClientIds: [] },
      quiet: true,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/v1/bad`);
      expect(response.status).toBe(502);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('wcbr token (another process)', () => {
  it('gets user and client tokens through the state file while the stack runs', async () => {
    const user = await getTokenFromState(stateDir, 'user');
    expect((await call('POST', '/v1/bills/price', user, { body: '{}' })).status).toBe(200);
    const client = await getTokenFromState(stateDir, 'client');
    expect((await call('POST', '/v1/bills/price', client, { body: '{}' })).status).toBe(200);
  });

  it('reuses a token until it nears expiry instead of signing in every time (issue 15, item 4)', async () => {
    const first = await getTokenFromState(stateDir, 'user');
    const reusedAt = performance.now();
    const again = await getTokenFromState(stateDir, 'user');
    const reuseMs = performance.now() - reusedAt;
    // A sign-in issues a new token (new jti, new iat): the same string means none happened.
    expect(again).toBe(first);
    expect((await stat(join(stateDir, TOKEN_CACHE_FILE_NAME))).mode & 0o777).toBe(0o600);

    const exp = (decodeJwtPayloadUnverified(first)?.exp as number) * 1000;
    const stillGood = exp - (TOKEN_REUSE_MARGIN_SECONDS + 5) * 1000;
    expect(await getTokenFromState(stateDir, 'user', {}, stillGood)).toBe(first);
    const nearExpiry = exp - (TOKEN_REUSE_MARGIN_SECONDS - 5) * 1000;
    const signedIn = performance.now();
    const renewed = await getTokenFromState(stateDir, 'user', {}, nearExpiry);
    const signInMs = performance.now() - signedIn;
    // Figures for the report, not assertions (tests never assert timings).
    process.stdout.write(
      `wcbr token: ${signInMs.toFixed(1)} ms signing in, ${reuseMs.toFixed(1)} ms reused\n`,
    );
    expect(renewed).not.toBe(first);
    expect((await call('POST', '/v1/bills/price', renewed, { body: '{}' })).status).toBe(200);

    // Machine tokens are kept apart from the user's, and per set of scopes.
    const client = await getTokenFromState(stateDir, 'client');
    expect(client).not.toBe(renewed);
    expect(await getTokenFromState(stateDir, 'client')).toBe(client);
    const narrow = await getTokenFromState(stateDir, 'client', { scopes: [SCOPES.feeSchedulesRead] });
    expect(narrow).not.toBe(client);
  });

  it('fails clearly when there is no state', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'wcbr-empty-'));
    try {
      await expect(getTokenFromState(empty, 'user')).rejects.toThrow(/never run.*npm start/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('reuses the pool on restart, and fails clearly once the stack is stopped', async () => {
    const poolId = stack.state.userPoolId;
    const secret = stack.state.devUser.totpSecret;
    const kid = (await loadOrCreateSigningKey(stateDir)).kid;
    await stack.stop();
    await expect(getTokenFromState(stateDir, 'user')).rejects.toThrow(/not running.*npm start/);

    const started = performance.now();
    stack = await startLocalStack({ port: 0, cognitoPort: 0, stateDir, quiet: true, routes: ROUTES });
    process.stdout.write(
      `local stack restarted in ${(performance.now() - started).toFixed(0)} ms (reused state)\n`,
    );
    expect(stack.state.userPoolId).toBe(poolId);
    expect(stack.state.devUser.totpSecret).toBe(secret);
    // The state directory kept its signing key: the JWKS after the restart names the same key.
    const jwks = (await (
      await fetch(`${stack.state.cognito.endpoint}/${poolId}/.well-known/jwks.json`)
    ).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
    expect((await call('POST', '/v1/bills/price', await stack.token('user'), { body: '{}' })).status).toBe(
      200,
    );
    await stack.stop();
    await expect(getTokenFromState(stateDir, 'client')).rejects.toThrow(/not running/);
  });
});
