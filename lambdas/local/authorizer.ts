/**
 * The checks API Gateway's COGNITO_USER_POOLS authorizer makes on a method with
 * `authorizationScopes`, done locally: a signed, unexpired ACCESS token from the pool's issuer, for
 * one of the pool's app clients, holding any one of the method's scopes.
 *
 * Scopes of people: in AWS the pre-token-generation (V2) trigger adds `GROUP_SCOPES[group]` to the
 * access token's `scope` at issue time. cognito-local cannot run a V2 trigger, so this authorizer
 * applies the same mapping from `cognito:groups` when it checks the token, and hands the handler the
 * `scope` claim it would have seen in AWS (see docs/decisions/003-local-stack.md).
 */
import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { GROUP_SCOPES, type RouteDefinition } from '../handlers/shared/routes.js';
import type { Jwks } from './jwt.js';

export interface AuthorizerConfig {
  /** The user pool's issuer, e.g. `http://localhost:9229/local_abc123`. */
  readonly issuer: string;
  /** The pool's JWKS (aws-jwt-verify refuses to fetch over http, so it is handed over). */
  readonly jwks: Jwks;
  /** The pool's app clients: an access token of any other client is refused. */
  readonly allowedClientIds: ReadonlySet<string> | readonly string[];
  /** Milliseconds since the epoch (or a clock) to judge exp/nbf/iat by; default Date.now. */
  readonly now?: number | (() => number) | undefined;
  /** Scopes each group grants (what the pre-token-generation trigger adds in AWS); default GROUP_SCOPES. */
  readonly groupScopes?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Claims as API Gateway hands them to a REST proxy integration: every value a string. */
export type AuthorizerClaims = Record<string, string>;

export type AuthResult =
  | { readonly ok: true; readonly claims: AuthorizerClaims | null }
  | { readonly ok: false; readonly statusCode: 401 | 403; readonly message: string };

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

type Verifier = ReturnType<typeof createVerifier>;

function createVerifier(issuer: string, jwks: Jwks) {
  const verifier = JwtRsaVerifier.create({
    issuer,
    audience: null,
    jwksUri: `${issuer}/.well-known/jwks.json`,
  });
  verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return verifier;
}

const verifiers = new WeakMap<Jwks, Map<string, Verifier>>();

function verifierFor(issuer: string, jwks: Jwks): Verifier {
  let byIssuer = verifiers.get(jwks);
  if (!byIssuer) {
    byIssuer = new Map();
    verifiers.set(jwks, byIssuer);
  }
  let verifier = byIssuer.get(issuer);
  if (!verifier) {
    verifier = createVerifier(issuer, jwks);
    byIssuer.set(issuer, verifier);
  }
  return verifier;
}

function unauthorized(message: string): AuthResult {
  return { ok: false, statusCode: 401, message };
}

/** The Authorization header's value (case-insensitive name; the last one if repeated, as API Gateway). */
export function authorizationHeader(headers: HeaderBag): string | undefined {
  let value: string | undefined;
  for (const [name, raw] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || raw === undefined) continue;
    value = typeof raw === 'string' ? raw : raw[raw.length - 1];
  }
  return value;
}

/** `Bearer <jwt>` or, as API Gateway's Cognito authorizer also takes it, the bare token. */
export function bearerToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const match = /^bearer\s+(.*)$/i.exec(trimmed);
  const token = (match ? (match[1] ?? '') : trimmed).trim();
  return token === '' ? undefined : token;
}

function verificationFailure(error: unknown): string {
  if (error instanceof JwtExpiredError) return 'The token has expired';
  if (error instanceof JwtNotBeforeError) return 'The token is not valid yet';
  if (error instanceof JwtInvalidIssuerError) return 'The token was not issued by this API’s user pool';
  if (error instanceof JwtInvalidSignatureError) return 'The token signature is not valid';
  if (error instanceof KidNotFoundInJwksError || error instanceof JwtWithoutValidKidError) {
    return 'The token was not signed by a key of this API’s user pool';
  }
  if (error instanceof JwtInvalidSignatureAlgorithmError) return 'The token is not signed with RS256';
  if (error instanceof JwtParseError) return 'The Authorization header does not hold a readable JWT';
  return 'The token could not be verified';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** `exp`/`iat` as API Gateway renders them in REST claims (Java's Date#toString in UTC). */
export function apiGatewayDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/**
 * Claims the way a REST API's Cognito authorizer passes them in `requestContext.authorizer.claims`:
 * strings throughout, `exp`/`iat` as dates, arrays (`cognito:groups`) comma-joined, and `scope` as
 * the space-separated scopes the token carries (in AWS including the trigger-added group scopes).
 */
export function toApiGatewayClaims(
  payload: JwtPayload,
  effectiveScopes: readonly string[],
): AuthorizerClaims {
  const claims: AuthorizerClaims = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') claims[name] = apiGatewayDate(value);
    else if (typeof value === 'string') claims[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') claims[name] = String(value);
    else if (Array.isArray(value)) claims[name] = value.map(String).join(',');
    else claims[name] = JSON.stringify(value);
  }
  claims.scope = effectiveScopes.join(' ');
  return claims;
}

/** The token's own scopes plus those its `cognito:groups` grant (deduplicated, token's first). */
export function effectiveScopes(
  payload: JwtPayload,
  groupScopes: Readonly<Record<string, readonly string[]>> = GROUP_SCOPES,
): string[] {
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
  const groups = payload['cognito:groups'];
  if (Array.isArray(groups)) {
    for (const group of groups) {
      if (typeof group !== 'string' || !Object.hasOwn(groupScopes, group)) continue;
      for (const scope of groupScopes[group] ?? []) scopes.add(scope);
    }
  }
  return [...scopes];
}

/**
 * Authorises one request for one route: `{ok: true, claims}` (claims null on a route without
 * scopes, which API Gateway does not authenticate), or 401 (no token, unreadable, bad signature,
 * wrong issuer, expired, not an access token, unknown client) or 403 (valid token, none of the
 * route's scopes).
 */
export function authorize(
  headers: HeaderBag,
  route: Pick<RouteDefinition, 'scopes'>,
  config: AuthorizerConfig,
): AuthResult {
  if (route.scopes.length === 0) return { ok: true, claims: null };
  const token = bearerToken(authorizationHeader(headers));
  if (token === undefined) return unauthorized('The Authorization header is missing');

  let payload: JwtPayload;
  try {
    payload = verifierFor(config.issuer, config.jwks).verifySync(token);
  } catch (error) {
    return unauthorized(verificationFailure(error));
  }

  // aws-jwt-verify judges exp/nbf by the real clock and accepts a token without exp; be strict.
  const nowMs = typeof config.now === 'function' ? config.now() : (config.now ?? Date.now());
  const nowSeconds = nowMs / 1000;
  if (typeof payload.exp !== 'number') return unauthorized('The token has no expiry');
  if (payload.exp <= nowSeconds) return unauthorized('The token has expired');
  if (typeof payload.nbf === 'number' && payload.nbf > nowSeconds)
    return unauthorized('The token is not valid yet');
  if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + 1 || payload.iat > payload.exp) {
    return unauthorized('The token has no plausible issue time');
  }
  if (payload.token_use !== 'access') return unauthorized('An access token is required (this is not one)');
  const clientId = payload.client_id;
  const allowed = config.allowedClientIds;
  const known =
    typeof clientId === 'string' &&
    (allowed instanceof Set ? allowed.has(clientId) : (allowed as readonly string[]).includes(clientId));
  if (!known) return unauthorized('The token was issued to a client this API does not know');

  const scopes = effectiveScopes(payload, config.groupScopes ?? GROUP_SCOPES);
  if (!route.scopes.some((scope) => scopes.includes(scope))) {
    return {
      ok: false,
      statusCode: 403,
      message: `The token holds none of the scopes this operation needs (${route.scopes.join(', ')})`,
    };
  }
  return { ok: true, claims: toApiGatewayClaims(payload, scopes) };
}
