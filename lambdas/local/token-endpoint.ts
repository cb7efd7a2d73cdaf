/**
 * The OAuth2 `client_credentials` grant that cognito-local lacks (its /oauth2/token only knows
 * authorization_code and refresh_token, and its access tokens always carry
 * `scope: aws.cognito.signin.user.admin`). Tokens come out in the shape Amazon Cognito gives a
 * machine client and are signed with the state directory's key (jwt.ts), the key people's tokens
 * are re-signed with too, so every token of the local stack verifies against the one JWKS at
 * `<issuer>/.well-known/jwks.json`.
 *
 * Served by the front server in cognito.ts on cognito-local's port; see
 * docs/decisions/003-local-stack.md.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { type LocalSigningKey, signRs256Jwt } from './jwt.js';

/** The parts of a cognito-local app client (as DescribeUserPoolClient returns it) the grant needs. */
export interface GrantAppClient {
  readonly ClientId?: string | undefined;
  readonly ClientSecret?: string | undefined;
  readonly UserPoolId?: string | undefined;
  readonly AllowedOAuthFlows?: readonly string[] | undefined;
  readonly AllowedOAuthFlowsUserPoolClient?: boolean | undefined;
  readonly AllowedOAuthScopes?: readonly string[] | undefined;
  readonly AccessTokenValidity?: number | undefined;
  readonly TokenValidityUnits?: { readonly AccessToken?: string | undefined } | undefined;
}

export interface ClientCredentialsDeps {
  /** Looks the client up in cognito-local; null when there is no such client. */
  readonly getAppClient: (clientId: string) => Promise<GrantAppClient | null>;
  /** The issuer of a pool (`<issuerDomain>/<userPoolId>`), the same cognito-local puts in its tokens. */
  readonly issuerFor: (userPoolId: string) => string;
  /** Milliseconds since the epoch; defaults to Date.now. */
  readonly now?: () => number;
  /** The pool's signing key (the state directory's, never cognito-local's published one). */
  readonly signingKey: LocalSigningKey;
}

export interface TokenEndpointResponse {
  readonly statusCode: number;
  readonly body: Readonly<Record<string, unknown>>;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/** Cognito's default access token lifetime (60 minutes) unless the client sets its own. */
export function accessTokenLifetimeSeconds(client: GrantAppClient): number {
  if (client.AccessTokenValidity === undefined) return 3600;
  const unit = UNIT_SECONDS[client.TokenValidityUnits?.AccessToken ?? 'hours'] ?? 3600;
  return client.AccessTokenValidity * unit;
}

function oauthError(statusCode: number, error: string, description?: string): TokenEndpointResponse {
  return { statusCode, body: description ? { error, error_description: description } : { error } };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Client id and secret from HTTP Basic (as Cognito expects) or, failing that, from the form body. */
function clientCredentialsFrom(
  authorization: string | undefined,
  form: URLSearchParams,
): { clientId: string; clientSecret: string | undefined } | { error: TokenEndpointResponse } {
  const bodyId = form.get('client_id') ?? undefined;
  const bodySecret = form.get('client_secret') ?? undefined;
  if (authorization !== undefined) {
    const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { error: oauthError(400, 'invalid_client', 'Malformed Authorization header') };
    const clientId = safeDecode(decoded.slice(0, colon));
    const clientSecret = safeDecode(decoded.slice(colon + 1));
    if (bodyId !== undefined && bodyId !== clientId) {
      return {
        error: oauthError(400, 'invalid_client', 'client_id does not match the Authorization header'),
      };
    }
    return { clientId, clientSecret };
  }
  if (bodyId === undefined)
    return { error: oauthError(400, 'invalid_client', 'Client authentication failed') };
  return { clientId: bodyId, clientSecret: bodySecret };
}

function secretsEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Answers `POST /oauth2/token` with `grant_type=client_credentials` as Amazon Cognito does: checks the
 * client's id and secret, that the client may use the grant, and that the requested scopes are a
 * subset of its AllowedOAuthScopes (none requested: all of them); then issues an access token with
 * `sub` = client id, `token_use: access`, `scope`, `auth_time`, `iss`, `exp`, `iat`, `version: 2`,
 * `jti`, `client_id`.
 */
export async function clientCredentialsGrant(
  form: URLSearchParams,
  authorization: string | undefined,
  deps: ClientCredentialsDeps,
): Promise<TokenEndpointResponse> {
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type');
  }
  const credentials = clientCredentialsFrom(authorization, form);
  if ('error' in credentials) return credentials.error;
  const client = await deps.getAppClient(credentials.clientId);
  if (
    !client?.ClientSecret ||
    !client.UserPoolId ||
    credentials.clientSecret === undefined ||
    !secretsEqual(client.ClientSecret, credentials.clientSecret)
  ) {
    return oauthError(400, 'invalid_client', 'Client authentication failed');
  }
  if (!client.AllowedOAuthFlowsUserPoolClient || !client.AllowedOAuthFlows?.includes('client_credentials')) {
    return oauthError(400, 'unauthorized_client', 'The client may not use the client_credentials grant');
  }
  const allowed = client.AllowedOAuthScopes ?? [];
  const requestedText = form.get('scope');
  const requested =
    requestedText === null || requestedText.trim() === ''
      ? [...allowed]
      : [...new Set(requestedText.trim().split(/\s+/))];
  if (requested.length === 0 || requested.some((scope) => !allowed.includes(scope))) {
    return oauthError(400, 'invalid_scope');
  }
  const nowSeconds = Math.floor((deps.now ?? Date.now)() / 1000);
  const expiresIn = accessTokenLifetimeSeconds(client);
  const clientId = credentials.clientId;
  const accessToken = signRs256Jwt(
    {
      sub: clientId,
      token_use: 'access',
      scope: requested.join(' '),
      auth_time: nowSeconds,
      iss: deps.issuerFor(client.UserPoolId),
      exp: nowSeconds + expiresIn,
      iat: nowSeconds,
      version: 2,
      jti: randomUUID(),
      client_id: clientId,
    },
    deps.signingKey.privateKey,
    deps.signingKey.kid,
  );
  return {
    statusCode: 200,
    body: { access_token: accessToken, expires_in: expiresIn, token_type: 'Bearer' },
  };
}
