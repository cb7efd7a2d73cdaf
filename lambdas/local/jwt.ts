/**
 * Minimal RS256 JWT helpers for the local stack: the pool's signing key (a fresh key per state
 * directory, {@link loadOrCreateSigningKey}), signing, and decoding without verification
 * (diagnostics only). Verification lives in authorizer.ts.
 *
 * Why not cognito-local's key: cognito-local signs with one RSA key shipped inside its npm package
 * (`lib/keys/cognitoLocal.private.json`), the same for every installation, so anyone could sign a
 * token our authorizer accepted. The local stack re-signs what cognito-local issues with the state
 * directory's own key and serves only that key's JWKS; the published key is kept here only so
 * tests can prove a token it signs is refused.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** The key id cognito-local puts in every token header and in its JWKS (its published key). */
export const COGNITO_LOCAL_KID = 'CognitoLocal';

/** The file in the state directory that holds the pool's signing key (mode 0600). */
export const SIGNING_KEY_FILE_NAME = 'signing-key.json';

/** The local pool's signing key: the private key, its key id, and the public JWK served as JWKS. */
export interface LocalSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: Jwk;
}

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

/**
 * cognito-local's published RSA private key (shipped in its npm package, the same for everyone).
 * The local stack does not trust it: tests sign with it to show such a token is refused.
 */
export function cognitoLocalSigningKey(): KeyObject {
  if (!signingKey) {
    const file = require('cognito-local/lib/keys/cognitoLocal.private.json') as CognitoLocalKeyFile;
    signingKey = createPrivateKey(file.pem);
  }
  return signingKey;
}

/** The JWKS of cognito-local's published key (what cognito-local itself would serve). */
export function cognitoLocalJwks(): Jwks {
  const file = require('cognito-local/lib/keys/cognitoLocal.public.json') as CognitoLocalKeyFile;
  return { keys: [file.jwk] };
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A signing key from its private key: the key id is derived from the public key (RFC 7638
 * thumbprint), so a token of another key fails as an unknown key id.
 *
 * @param privateKey - an RSA private key (KeyObject or PEM)
 * @returns the key, its id and its public JWK
 */
export function signingKeyOf(privateKey: KeyObject | string): LocalSigningKey {
  if (typeof privateKey === 'string') return signingKeyOf(createPrivateKey(privateKey));
  const exported = createPublicKey(privateKey).export({ format: 'jwk' }) as { n: string; e: string };
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ e: exported.e, kty: 'RSA', n: exported.n }))
    .digest('base64url');
  const kid = `wcbr-local-${thumbprint.slice(0, 16)}`;
  return {
    kid,
    privateKey,
    jwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: exported.n, e: exported.e },
  };
}

/**
 * The state directory's signing key: read from `<stateDir>/signing-key.json`, or generated (RSA
 * 2048) and written there with mode 0600 on first use. A new state directory (or `--fresh`) gets a
 * new key, so no two installations share one and tokens of one never verify on another; the same
 * directory keeps its key across restarts, so tokens issued before a restart still verify.
 *
 * @param stateDir - the local stack's state directory
 * @returns the key, its id and its public JWK
 * @throws when the file exists but does not hold an RSA private key
 */
export async function loadOrCreateSigningKey(stateDir: string): Promise<LocalSigningKey> {
  const file = join(stateDir, SIGNING_KEY_FILE_NAME);
  let pem: string | undefined;
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { privateKeyPem?: unknown };
    if (typeof parsed.privateKeyPem !== 'string') throw new Error(`${file} holds no privateKeyPem`);
    pem = parsed.privateKeyPem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (pem !== undefined) return signingKeyOf(createPrivateKey(pem));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  await writeFile(tmp, `${JSON.stringify({ privateKeyPem })}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return signingKeyOf(privateKey);
}

/** The JWKS of a signing key: what the local pool serves at `<issuer>/.well-known/jwks.json`. */
export function jwksOf(key: LocalSigningKey): Jwks {
  return { keys: [key.jwk] };
}

/** Signs `payload` as an RS256 JWT with header `{kid, alg: 'RS256'}` (Cognito's header shape). */
export function signRs256Jwt(
  payload: Readonly<Record<string, unknown>>,
  key: KeyObject,
  kid: string,
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
