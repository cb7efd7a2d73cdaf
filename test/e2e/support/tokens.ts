/** Hand-made tokens for the authorizer's refusal cases. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COGNITO_LOCAL_KID,
  cognitoLocalSigningKey,
  SIGNING_KEY_FILE_NAME,
  signingKeyOf,
  signRs256Jwt,
} from '../../../lambdas/local/jwt.js';

export interface AccessClaimsInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  /** Seconds since the epoch; default now. */
  readonly iat?: number;
  /** Lifetime in seconds (negative: already expired). */
  readonly lifetime?: number;
}

/** Claims of a client-credentials access token, as Cognito issues them. */
export function accessClaims(input: AccessClaimsInput): Record<string, unknown> {
  const iat = input.iat ?? Math.floor(Date.now() / 1000);
  return {
    sub: input.clientId,
    token_use: 'access',
    scope: input.scope,
    auth_time: iat,
    iss: input.issuer,
    exp: iat + (input.lifetime ?? 3600),
    iat,
    version: 2,
    jti: randomUUID(),
    client_id: input.clientId,
  };
}

/**
 * Claims of a person's access token (a user of the people client), as Cognito issues them after
 * sign-in, with fresh `sub` and `username` unless given.
 */
export function personClaims(
  stack: {
    readonly issuer: string;
    readonly state: { readonly peopleClient: { readonly clientId: string } };
  },
  groups: readonly string[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: randomUUID(),
    username: randomUUID(),
    'cognito:groups': [...groups],
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    iss: stack.issuer,
    exp: now + 3600,
    iat: now,
    jti: randomUUID(),
    client_id: stack.state.peopleClient.clientId,
    ...overrides,
  };
}

/**
 * Signed with the key of the stack's state directory, the key the local pool signs with (so only
 * the claims can make it fail).
 */
export function signWithStackKey(
  stack: { readonly stateDir: string },
  claims: Record<string, unknown>,
): string {
  const { privateKeyPem } = JSON.parse(readFileSync(join(stack.stateDir, SIGNING_KEY_FILE_NAME), 'utf8')) as {
    privateKeyPem: string;
  };
  const key = signingKeyOf(privateKeyPem);
  return signRs256Jwt(claims, key.privateKey, key.kid);
}

/**
 * Signed with cognito-local's published key (in its npm package, the same for everyone): what
 * anyone could forge. The local stack must refuse it.
 */
export function signWithCognitoLocalKey(claims: Record<string, unknown>): string {
  return signRs256Jwt(claims, cognitoLocalSigningKey(), COGNITO_LOCAL_KID);
}

/** Signed with a fresh RSA key that claims cognito-local's key id. */
export function signWithForeignKey(claims: Record<string, unknown>, kid: string = COGNITO_LOCAL_KID): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return signRs256Jwt(claims, privateKey, kid);
}
