/**
 * cognito-local, in process: the Cognito user pool API (admin and user operations, TOTP MFA), its
 * JWKS at `<issuer>/.well-known/jwks.json`, plus a front listener on the same port that adds the
 * OAuth2 client-credentials grant cognito-local lacks (token-endpoint.ts). And the idempotent
 * bootstrap of the pool, groups, app clients and dev user the local stack needs.
 *
 * cognito-local is CommonJS; we build its services ourselves (as its `createDefaultServer` does)
 * because that function hard-codes `.cognito/` under the working directory and loads aws-sdk v2
 * for Lambda triggers and KMS, neither of which the local stack uses.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolsCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Config } from 'cognito-local/lib/server/config.js';
import { Router } from 'cognito-local/lib/server/Router.js';
import { createServer as createCognitoServer } from 'cognito-local/lib/server/server.js';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService.js';
import type { Context as CognitoContext } from 'cognito-local/lib/services/context.js';
import type { CryptoService } from 'cognito-local/lib/services/crypto.js';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js';
import type { Services } from 'cognito-local/lib/services/index.js';
import { DateClock, MessagesService, TriggersService } from 'cognito-local/lib/services/index.js';
import type { Lambda } from 'cognito-local/lib/services/lambda.js';
import { otp } from 'cognito-local/lib/services/otp.js';
import { JwtTokenGenerator, type TokenGenerator } from 'cognito-local/lib/services/tokenGenerator.js';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js';
import { TENANT_GROUP_PREFIX } from '../app/tenant.js';
import { GROUP_SCOPES, SCOPES } from '../handlers/shared/routes.js';
import { decodeJwtPayloadUnverified, jwksOf, type LocalSigningKey, signRs256Jwt } from './jwt.js';
import { DEFAULT_COGNITO_PORT } from './paths.js';
import { type LocalStackState, readState, STATE_VERSION, writeState } from './state.js';
import { clientCredentialsGrant } from './token-endpoint.js';
import { cognitoClient, totpCode } from './tokens.js';

type PinoLogger = Parameters<typeof createCognitoServer>[1];
interface PinoModule {
  (options: { level: string }, destination?: unknown): PinoLogger;
  destination(options: { dest: string; mkdir: boolean; sync: boolean }): unknown;
}

/** pino is cognito-local's dependency, not ours: resolve it from cognito-local's own location. */
function cognitoLocalLogger(logFile: string | undefined): PinoLogger {
  const localRequire = createRequire(import.meta.url);
  const fromCognitoLocal = createRequire(localRequire.resolve('cognito-local/package.json'));
  const pino = fromCognitoLocal('pino') as PinoModule;
  return logFile
    ? pino({ level: 'info' }, pino.destination({ dest: logFile, mkdir: true, sync: true }))
    : pino({ level: 'silent' });
}

export interface StartCognitoLocalOptions {
  /** cognito-local's data directory (one JSON file per user pool, plus clients.json). */
  readonly dataDir: string;
  /** Port on 127.0.0.1; default 9229; 0 picks a free one. */
  readonly port?: number | undefined;
  /** Where cognito-local's own (pino) log goes; omitted: nowhere. */
  readonly logFile?: string | undefined;
  /**
   * The pool's signing key (jwt.ts `loadOrCreateSigningKey`: one per state directory). Every token
   * the pool hands out is signed with it and its JWKS is the only one served: cognito-local's own
   * key is published in its npm package, so a token it signs proves nothing.
   */
  readonly signingKey: LocalSigningKey;
}

export interface CognitoLocalServer {
  /** Loopback URL of the Cognito API (SDK `endpoint`). */
  readonly endpoint: string;
  /** `POST` client-credentials requests here. */
  readonly tokenEndpoint: string;
  /** `http://localhost:<port>`: issuers are `<issuerDomain>/<userPoolId>`, as cognito-local signs them. */
  readonly issuerDomain: string;
  readonly port: number;
  issuerFor(userPoolId: string): string;
  /** Loopback URL of the pool's JWKS (the issuer's `/.well-known/jwks.json`). */
  jwksUrlFor(userPoolId: string): string;
  stop(): Promise<void>;
}

/** The two Lambda-backed features we never configure (triggers, KMS for custom senders). */
const noTriggers: Lambda = {
  enabled: () => false,
  invoke: async (): Promise<never> => {
    throw new Error('Lambda triggers are not available in the local stack');
  },
};

const MAX_TOKEN_REQUEST_BYTES = 64 * 1024;

/**
 * cognito-local's token generator, re-signed: it builds the tokens (claims, lifetimes, groups) as
 * it always does, with its published key, and each token's payload is then signed again with the
 * state directory's key. The refresh token is re-signed before cognito-local stores it, so the
 * refresh grant finds it. cognito-local's own user operations (GetUser, AssociateSoftwareToken…)
 * only decode access tokens, never verify them, so they take the re-signed ones unchanged.
 */
function resigningTokenGenerator(inner: TokenGenerator, key: LocalSigningKey): TokenGenerator {
  const resign = (token: string): string => {
    const payload = decodeJwtPayloadUnverified(token);
    if (payload === null) throw new Error('cognito-local issued a token that is not a JWT');
    return signRs256Jwt(payload, key.privateKey, key.kid);
  };
  return {
    generate: async (...args) => {
      const tokens = await inner.generate(...args);
      return {
        AccessToken: resign(tokens.AccessToken),
        IdToken: resign(tokens.IdToken),
        RefreshToken: resign(tokens.RefreshToken),
      };
    },
  };
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    pragma: 'no-cache',
  });
  res.end(text);
}

async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Starts cognito-local in this process behind the front listener; resolves once it listens. */
export async function startCognitoLocal(options: StartCognitoLocalOptions): Promise<CognitoLocalServer> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const logger = cognitoLocalLogger(options.logFile);
  const ctx: CognitoContext = { logger };

  const server: Server = createHttpServer();
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_COGNITO_PORT, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      throw new Error(
        `cognito-local cannot listen on 127.0.0.1:${options.port ?? DEFAULT_COGNITO_PORT}: the port is in use ` +
          '(is the local stack already running? choose another cognito port)',
      );
    }
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const issuerDomain = `http://localhost:${port}`;

  const config: Config = {
    LambdaClient: {},
    TriggerFunctions: {},
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: issuerDomain },
    ServerConfig: { port, hostname: '127.0.0.1', development: false, https: false },
  };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(options.dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDir,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(clock, cognito, noTriggers, {} as CryptoService);
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, {
      // Codes (welcome, forgot password) go to cognito-local's log instead of its console sender.
      deliver: async (messageCtx, user, details, message) => {
        messageCtx.logger.info({ user: user.Username, medium: details.DeliveryMedium, message }, 'message');
      },
    }),
    otp,
    tokenGenerator: resigningTokenGenerator(
      new JwtTokenGenerator(clock, triggers, config.TokenConfig),
      options.signingKey,
    ),
    triggers,
  };
  const app = createCognitoServer(Router(services), logger, config.ServerConfig, services).application as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => void;

  const issuerFor = (userPoolId: string) => `${issuerDomain}/${userPoolId}`;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', endpoint);
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      void (async () => {
        const body = await readSmallBody(req, MAX_TOKEN_REQUEST_BYTES);
        if (body === null) {
          sendJson(res, 413, { error: 'invalid_request', error_description: 'Request too large' });
          return;
        }
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('grant_type') !== 'client_credentials') {
          // The body is consumed: hand cognito-local the parsed form (body-parser skips a finished
          // request) so its authorization_code and refresh_token grants keep working.
          (req as IncomingMessage & { body?: unknown }).body = Object.fromEntries(form);
          app(req, res);
          return;
        }
        const answer = await clientCredentialsGrant(form, req.headers.authorization, {
          getAppClient: (clientId) => cognito.getAppClient(ctx, clientId),
          issuerFor,
          signingKey: options.signingKey,
        });
        sendJson(res, answer.statusCode, answer.body);
      })().catch((error: unknown) => {
        logger.error({ err: error }, 'token endpoint failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      });
      return;
    }
    if (req.method === 'GET' && /^\/[^/]+\/\.well-known\/jwks\.json$/.test(url.pathname)) {
      // cognito-local would serve its published key; the pool's tokens are signed with ours.
      sendJson(res, 200, jwksOf(options.signingKey));
      return;
    }
    const discovery = /^\/([^/]+)\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (req.method === 'GET' && discovery?.[1]) {
      // cognito-local answers this with a hard-coded localhost:9229; give the real port and endpoints.
      const issuer = issuerFor(discovery[1]);
      sendJson(res, 200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        token_endpoint: `${issuerDomain}/oauth2/token`,
        authorization_endpoint: `${issuerDomain}/oauth2/authorize`,
        grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
      });
      return;
    }
    app(req, res);
  });

  return {
    endpoint,
    tokenEndpoint: `${endpoint}/oauth2/token`,
    issuerDomain,
    port,
    issuerFor,
    jwksUrlFor: (userPoolId) => `${endpoint}/${userPoolId}/.well-known/jwks.json`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------------------------

export const LOCAL_POOL_NAME = 'wcbr-local';
export const DEV_USER_EMAIL = 'dev-reviewer@example.com';
export const DEV_USER_GROUP = 'bill-reviewers';
/**
 * The dev user's other groups: Recon (write, read, delete), batches, analytics (read, delete) and the local tenant, so the printed
 * token can use every route. A person's tenant is their one `tenant-<id>` group (lambdas/app/tenant.ts).
 */
export const DEV_USER_EXTRA_GROUPS = [
  'recon-reviewers',
  'recon-stewards',
  'batch-submitters',
  'analytics-viewers',
  'analytics-stewards',
  `${TENANT_GROUP_PREFIX}local`,
] as const;
/** Access tokens live an hour, as the deployed clients are configured. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

export interface BootstrapOptions {
  readonly cognito: CognitoLocalServer;
  readonly stateDir: string;
  /** cognito-local's data directory; the saved pool is reused only if its file is still there. */
  readonly dataDir: string;
}

function strongPassword(): string {
  // 144 random bits, plus one of each class the default password policy asks for.
  return `${randomBytes(18).toString('base64url')}Aa1!`;
}

function machineScopes(): string[] {
  return Object.values(SCOPES);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Is the saved state still backed by cognito-local's data (pool, both clients, enrolled dev user)? */
async function stateStillValid(
  client: CognitoIdentityProviderClient,
  state: LocalStackState,
  dataDir: string,
): Promise<boolean> {
  if (!(await exists(join(dataDir, `${state.userPoolId}.json`)))) return false;
  try {
    await client.send(new DescribeUserPoolCommand({ UserPoolId: state.userPoolId }));
    const machine = await client.send(
      new DescribeUserPoolClientCommand({
        UserPoolId: state.userPoolId,
        ClientId: state.machineClient.clientId,
      }),
    );
    if (machine.UserPoolClient?.ClientSecret !== state.machineClient.clientSecret) return false;
    await client.send(
      new DescribeUserPoolClientCommand({
        UserPoolId: state.userPoolId,
        ClientId: state.peopleClient.clientId,
      }),
    );
    const user = await client.send(
      new AdminGetUserCommand({ UserPoolId: state.userPoolId, Username: state.devUser.email }),
    );
    return user.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA') ?? false;
  } catch {
    return false;
  }
}

/** Groups, group membership, machine scopes and pool MFA as they should be (idempotent). */
async function converge(
  client: CognitoIdentityProviderClient,
  state: LocalStackState,
): Promise<LocalStackState> {
  const UserPoolId = state.userPoolId;
  const existing = await client.send(new ListGroupsCommand({ UserPoolId }));
  const have = new Set((existing.Groups ?? []).map((g) => g.GroupName));
  for (const GroupName of [...Object.keys(GROUP_SCOPES), ...DEV_USER_EXTRA_GROUPS]) {
    if (!have.has(GroupName)) {
      const scopes = GROUP_SCOPES[GroupName];
      await client.send(
        new CreateGroupCommand({
          UserPoolId,
          GroupName,
          Description: scopes ? `Scopes: ${scopes.join(' ')}` : 'Tenant of its members (Recon)',
        }),
      );
    }
  }
  const memberOf = await client.send(
    new AdminListGroupsForUserCommand({ UserPoolId, Username: state.devUser.email }),
  );
  for (const GroupName of [state.devUser.group, ...DEV_USER_EXTRA_GROUPS]) {
    if (!(memberOf.Groups ?? []).some((g) => g.GroupName === GroupName)) {
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: state.devUser.email, GroupName }),
      );
    }
  }
  const scopes = machineScopes();
  const machine = await client.send(
    new DescribeUserPoolClientCommand({ UserPoolId, ClientId: state.machineClient.clientId }),
  );
  const allowed = machine.UserPoolClient?.AllowedOAuthScopes ?? [];
  if (allowed.length !== scopes.length || scopes.some((s) => !allowed.includes(s))) {
    await client.send(
      new UpdateUserPoolClientCommand({
        UserPoolId,
        ClientId: state.machineClient.clientId,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: scopes,
        AccessTokenValidity: ACCESS_TOKEN_LIFETIME_SECONDS,
        TokenValidityUnits: { AccessToken: 'seconds' },
      }),
    );
  }
  const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId }));
  if (mfa.MfaConfiguration !== 'ON') {
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId,
        MfaConfiguration: 'ON',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
  }
  return { ...state, groups: Object.keys(GROUP_SCOPES), machineClient: { ...state.machineClient, scopes } };
}

/** A new pool with groups, the two app clients and the dev user enrolled in TOTP MFA; then MFA ON. */
async function createFresh(client: CognitoIdentityProviderClient, cognito: CognitoLocalServer) {
  // A pool left behind by a lost state file would only confuse: remove our own, by name.
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  for (const pool of pools.UserPools ?? []) {
    if (pool.Name === LOCAL_POOL_NAME && pool.Id) {
      await client.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id }));
    }
  }
  const created = await client.send(
    new CreateUserPoolCommand({
      PoolName: LOCAL_POOL_NAME,
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      // OFF while the dev user enrols: cognito-local has no MFA_SETUP challenge (see the ADR).
      MfaConfiguration: 'OFF',
    }),
  );
  const UserPoolId = created.UserPool?.Id;
  if (!UserPoolId) throw new Error('cognito-local returned no user pool id');

  const people = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId,
      ClientName: 'wcbr-local-people',
      GenerateSecret: false,
      // USER_PASSWORD_AUTH only because cognito-local has no SRP; the deployed people client uses SRP.
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: ACCESS_TOKEN_LIFETIME_SECONDS,
      IdTokenValidity: ACCESS_TOKEN_LIFETIME_SECONDS,
      RefreshTokenValidity: 1,
      TokenValidityUnits: { AccessToken: 'seconds', IdToken: 'seconds', RefreshToken: 'days' },
    }),
  );
  const machine = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId,
      ClientName: 'wcbr-local-machine',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: machineScopes(),
      AccessTokenValidity: ACCESS_TOKEN_LIFETIME_SECONDS,
      TokenValidityUnits: { AccessToken: 'seconds' },
    }),
  );
  const peopleClientId = people.UserPoolClient?.ClientId;
  const machineClientId = machine.UserPoolClient?.ClientId;
  const machineSecret = machine.UserPoolClient?.ClientSecret;
  if (!peopleClientId || !machineClientId || !machineSecret)
    throw new Error('cognito-local returned no app client');

  for (const GroupName of Object.keys(GROUP_SCOPES)) {
    await client.send(
      new CreateGroupCommand({
        UserPoolId,
        GroupName,
        Description: `Scopes: ${(GROUP_SCOPES[GroupName] ?? []).join(' ')}`,
      }),
    );
  }

  const password = strongPassword();
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username: DEV_USER_EMAIL,
      UserAttributes: [
        { Name: 'email', Value: DEV_USER_EMAIL },
        { Name: 'email_verified', Value: 'true' },
      ],
      TemporaryPassword: strongPassword(),
      MessageAction: 'SUPPRESS',
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId,
      Username: DEV_USER_EMAIL,
      Password: password,
      Permanent: true,
    }),
  );
  await client.send(
    new AdminAddUserToGroupCommand({ UserPoolId, Username: DEV_USER_EMAIL, GroupName: DEV_USER_GROUP }),
  );

  // TOTP enrolment with the user's own access token, while pool MFA is still OFF.
  const signedIn = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: peopleClientId,
      AuthParameters: { USERNAME: DEV_USER_EMAIL, PASSWORD: password },
    }),
  );
  const AccessToken = signedIn.AuthenticationResult?.AccessToken;
  if (!AccessToken) throw new Error('dev user sign-in before MFA enrolment returned no access token');
  const associated = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  const totpSecret = associated.SecretCode;
  if (!totpSecret) throw new Error('AssociateSoftwareToken returned no secret');
  const verified = await client.send(
    new VerifySoftwareTokenCommand({
      AccessToken,
      UserCode: totpCode(totpSecret),
      FriendlyDeviceName: 'wcbr-local',
    }),
  );
  if (verified.Status !== 'SUCCESS') throw new Error(`VerifySoftwareToken answered ${verified.Status}`);
  await client.send(
    new SetUserMFAPreferenceCommand({
      AccessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  await client.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId,
      MfaConfiguration: 'ON',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    }),
  );

  const issuer = cognito.issuerFor(UserPoolId);
  const state: LocalStackState = {
    version: STATE_VERSION,
    cognito: {
      endpoint: cognito.endpoint,
      tokenEndpoint: cognito.tokenEndpoint,
      issuerDomain: cognito.issuerDomain,
      port: cognito.port,
    },
    userPoolId: UserPoolId,
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    groups: Object.keys(GROUP_SCOPES),
    peopleClient: { clientId: peopleClientId },
    machineClient: { clientId: machineClientId, clientSecret: machineSecret, scopes: machineScopes() },
    devUser: { email: DEV_USER_EMAIL, password, totpSecret, group: DEV_USER_GROUP },
    updatedAt: new Date().toISOString(),
  };
  return state;
}

/**
 * Creates (or, when `<stateDir>/state.json` names a pool still in cognito-local's data, reuses and
 * converges) the local user pool, and writes the state file (mode 0600). Returns the state.
 */
export async function bootstrapCognito(options: BootstrapOptions): Promise<LocalStackState> {
  const { cognito, stateDir, dataDir } = options;
  const client = cognitoClient(cognito.endpoint);
  try {
    let saved: LocalStackState | null = null;
    try {
      saved = await readState(stateDir);
    } catch {
      saved = null; // unreadable or foreign: start over
    }
    let state: LocalStackState;
    if (saved && (await stateStillValid(client, saved, dataDir))) {
      const issuer = cognito.issuerFor(saved.userPoolId);
      const { api: _previousRun, ...rest } = saved;
      state = await converge(client, {
        ...rest,
        cognito: {
          endpoint: cognito.endpoint,
          tokenEndpoint: cognito.tokenEndpoint,
          issuerDomain: cognito.issuerDomain,
          port: cognito.port,
        },
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        updatedAt: new Date().toISOString(),
      });
    } else {
      // The fresh pool gets the same groups and memberships a reused one converges to.
      state = await converge(client, await createFresh(client, cognito));
    }
    await writeState(stateDir, state);
    return state;
  } finally {
    client.destroy();
  }
}
