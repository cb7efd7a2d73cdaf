/**
 * Minimal RS256 JWT helpers for the local stack: signing with cognito-local's own key (the local
 * token endpoint and tests) and decoding without verification (diagnostics only). Verification
 * lives in authorizer.ts.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The key id cognito-local puts in every token header and in its JWKS. */
export const COGNITO_LOCAL_KID = 'CognitoLocal';

export interface Jwk {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly n?: string;
  readonly e?: string;
  readonly [key: string]: unknown;
}

export interface Jwks {
  readonly keys: readonly Jwk[];
}

interface CognitoLocalKeyFile {
  readonly jwk: Jwk;
  readonly pem: string;
}

let signingKey: KeyObject | undefined;

/** cognito-local's RSA private key (shipped in the package, the same one it signs its tokens with). */
export function cognitoLocalSigningKey(): KeyObject {
  if (!signingKey) {
    const file = require('cognito-local/lib/keys/cognitoLocal.private.json') as CognitoLocalKeyFile;
    signingKey = createPrivateKey(file.pem);
  }
  return signingKey;
}

/** The JWKS cognito-local serves at `<issuer>/.well-known/jwks.json`. */
export function cognitoLocalJwks(): Jwks {
  const file = require('cognito-local/lib/keys/cognitoLocal.public.json') as CognitoLocalKeyFile;
  return { keys: [file.jwk] };
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs `payload` as an RS256 JWT with header `{kid, alg: 'RS256'}` (Cognito's header shape). */
export function signRs256Jwt(
  payload: Readonly<Record<string, unknown>>,
  key: KeyObject = cognitoLocalSigningKey(),
  kid: string = COGNITO_LOCAL_KID,
): string {
  const signingInput = `${base64UrlJson({ kid, alg: 'RS256' })}.${base64UrlJson(payload)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), key).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Decodes a JWT's payload WITHOUT verifying it; null when it is not a JWT. Never use for authorisation. */
export function decodeJwtPayloadUnverified(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
