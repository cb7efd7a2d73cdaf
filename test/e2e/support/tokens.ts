/** Hand-made tokens for the authorizer's refusal cases. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { COGNITO_LOCAL_KID, cognitoLocalSigningKey, signRs256Jwt } from '../../../lambdas/local/jwt.js';

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

/** Signed with cognito-local's own key (so only the claims can make it fail). */
export function signWithCognitoLocalKey(claims: Record<string, unknown>): string {
  return signRs256Jwt(claims, cognitoLocalSigningKey(), COGNITO_LOCAL_KID);
}

/** Signed with a fresh RSA key that claims cognito-local's key id. */
export function signWithForeignKey(claims: Record<string, unknown>, kid: string = COGNITO_LOCAL_KID): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return signRs256Jwt(claims, privateKey, kid);
}
