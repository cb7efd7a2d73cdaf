/**
 * Getting tokens from the local Cognito the way a client does against Amazon Cognito: people sign
 * in with their password and a TOTP code (InitiateAuth → SOFTWARE_TOKEN_MFA → RespondToAuthChallenge),
 * machine clients use the OAuth2 client-credentials grant at /oauth2/token.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateSync } from 'otplib';

/** An SDK client for cognito-local (it ignores credentials and signatures, the SDK still wants some). */
export function cognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** The current 6-digit TOTP code (SHA-1, 30 s; what authenticator apps and Cognito use). */
export function totpCode(secret: string, epochMs: number = Date.now()): string {
  return generateSync({
    secret,
    algorithm: 'sha1',
    digits: 6,
    period: 30,
    epoch: Math.floor(epochMs / 1000),
  });
}

export interface UserTokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly refreshToken: string | undefined;
}

export interface UserLogin {
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  readonly totpSecret: string;
}

/**
 * The people flow: USER_PASSWORD_AUTH (cognito-local has no SRP; the deployed people client uses
 * USER_SRP_AUTH), answered by a SOFTWARE_TOKEN_MFA challenge, answered with a TOTP code.
 */
export async function loginWithTotp(
  client: CognitoIdentityProviderClient,
  login: UserLogin,
): Promise<UserTokens> {
  const started = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: login.clientId,
      AuthParameters: { USERNAME: login.username, PASSWORD: login.password },
    }),
  );
  if (started.ChallengeName !== 'SOFTWARE_TOKEN_MFA' || !started.Session) {
    throw new Error(
      `Expected a SOFTWARE_TOKEN_MFA challenge for ${login.username}, got ${started.ChallengeName ?? 'tokens without MFA'}`,
    );
  }
  const answered = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: login.clientId,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: started.Session,
      ChallengeResponses: {
        USERNAME: started.ChallengeParameters?.USER_ID_FOR_SRP ?? login.username,
        SOFTWARE_TOKEN_MFA_CODE: totpCode(login.totpSecret),
      },
    }),
  );
  const result = answered.AuthenticationResult;
  if (!result?.AccessToken || !result.IdToken) {
    throw new Error(
      `Sign-in of ${login.username} returned no tokens (challenge ${answered.ChallengeName ?? 'none'})`,
    );
  }
  return { accessToken: result.AccessToken, idToken: result.IdToken, refreshToken: result.RefreshToken };
}

export interface ClientCredentialsRequest {
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Scopes to ask for; omitted: all the client is allowed. */
  readonly scopes?: readonly string[] | undefined;
}

/** OAuth2 client credentials with HTTP Basic client authentication, as Cognito's token endpoint expects. */
export async function fetchClientCredentialsToken(request: ClientCredentialsRequest): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (request.scopes && request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
  const basic = Buffer.from(
    `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`,
  ).toString('base64');
  const response = await fetch(request.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const body = (await response.json()) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(
      `Token endpoint ${request.tokenEndpoint} refused client credentials: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim(),
    );
  }
  return body.access_token;
}
