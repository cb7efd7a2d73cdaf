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

/** How many verified tokens one verifier remembers (the oldest is forgotten first). */
export const VERIFIED_TOKEN_CACHE_SIZE = 1_000;

/**
 * A token whose signature and issuer checked out, kept until its `exp`: API Gateway caches an
 * authorizer's result for a token too. A hit skips aws-jwt-verify (the RSA signature check and the
 * issuer); expiry by the configured clock, token use, client and the route's scopes are judged on
 * every request. Keyed by the whole token, so another signature over the same claims is a miss.
 */
interface VerifiedToken {
  readonly payload: JwtPayload;
  /** Past this (`exp` in ms, by the real clock aws-jwt-verify uses), the token is verified again. */
  readonly expiresAtMs: number;
  /** Scopes and claims derived for one group-scope table (the last one used). */
  derived?: {
    readonly groupScopes: Readonly<Record<string, readonly string[]>>;
    readonly scopes: readonly string[];
    readonly claims: Readonly<AuthorizerClaims>;
  };
}

interface VerifierEntry {
  readonly verifier: Verifier;
  readonly verified: Map<string, VerifiedToken>;
}

const verifiers = new WeakMap<Jwks, Map<string, VerifierEntry>>();

function verifierFor(issuer: string, jwks: Jwks): VerifierEntry {
  let byIssuer = verifiers.get(jwks);
  if (!byIssuer) {
    byIssuer = new Map();
    verifiers.set(jwks, byIssuer);
  }
  let entry = byIssuer.get(issuer);
  if (!entry) {
    entry = { verifier: createVerifier(issuer, jwks), verified: new Map() };
    byIssuer.set(issuer, entry);
  }
  return entry;
}

/**
 * The token's payload once its signature and issuer are verified (and, by aws-jwt-verify, that it
 * has not expired by the real clock): from the cache when this exact token was verified before and
 * has not expired since, else verified now. Throws aws-jwt-verify's errors; failures are not cached.
 */
function verifiedToken(entry: VerifierEntry, token: string): VerifiedToken {
  const nowMs = Date.now();
  const hit = entry.verified.get(token);
  if (hit !== undefined) {
    if (hit.expiresAtMs > nowMs) return hit;
    entry.verified.delete(token);
  }
  const payload = entry.verifier.verifySync(token);
  const verified: VerifiedToken = {
    payload,
    expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : Number.NEGATIVE_INFINITY,
  };
  // A token without exp is refused by authorize() anyway; only tokens that can expire are kept.
  if (verified.expiresAtMs > nowMs) {
    if (entry.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
      for (const [cached, value] of entry.verified) {
        if (value.expiresAtMs <= nowMs) entry.verified.delete(cached);
      }
      if (entry.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
        const oldest = entry.verified.keys().next();
        if (oldest.done !== true) entry.verified.delete(oldest.value);
      }
    }
    entry.verified.set(token, verified);
  }
  return verified;
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

  let verified: VerifiedToken;
  try {
    verified = verifiedToken(verifierFor(config.issuer, config.jwks), token);
  } catch (error) {
    return unauthorized(verificationFailure(error));
  }
  const payload = verified.payload;

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

  const groupScopes = config.groupScopes ?? GROUP_SCOPES;
  let derived = verified.derived;
  if (derived?.groupScopes !== groupScopes) {
    const scopes = effectiveScopes(payload, groupScopes);
    derived = { groupScopes, scopes, claims: toApiGatewayClaims(payload, scopes) };
    verified.derived = derived;
  }
  const { scopes } = derived;
  if (!route.scopes.some((scope) => scopes.includes(scope))) {
    return {
      ok: false,
      statusCode: 403,
      message: `The token holds none of the scopes this operation needs (${route.scopes.join(', ')})`,
    };
  }
  // A copy per request: the handler gets the claims in its event and may change them.
  return { ok: true, claims: { ...derived.claims } };
}
