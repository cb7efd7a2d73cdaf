/**
 * `wcbr token`: an access token for the local stack running in another process, found through
 * `<stateDir>/state.json`, and reused while it is good.
 *
 * A token used to cost a full sign-in every time (password, then a TOTP challenge, in the busy
 * stack's process): 10–14 s under load. Now the last token of each kind is kept in
 * `<stateDir>/token-cache.json` (mode 0600, beside the state file that already holds the password
 * and TOTP secret it was obtained with) and printed again while it has at least
 * {@link TOKEN_REUSE_MARGIN_SECONDS} left, was issued by the pool the state names, and the stack
 * that issued it still runs. Only a miss signs in, and only a miss loads the Cognito client.
 *
 * This module is light on purpose (node built-ins, the state file, JWT decoding): `wcbr token`
 * imports it alone, so a reused token answers in the time Node takes to start.
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwtPayloadUnverified } from './jwt.js';
import { DEFAULT_STATE_DIR } from './paths.js';
import { type LocalStackState, readState } from './state.js';
import type { UserTokens } from './tokens.js';

export type TokenKind = 'user' | 'client';

export interface TokenOptions {
  /** For `client`: the scopes to ask for (default: all the machine client may have). */
  readonly scopes?: readonly string[] | undefined;
}

/** The file in the state directory holding the last token of each kind (mode 0600). */
export const TOKEN_CACHE_FILE_NAME = 'token-cache.json';

/**
 * A cached token is printed again only while it has at least this long to live: ten of its sixty
 * minutes, so whatever the caller does with it has ten minutes before it expires.
 */
export const TOKEN_REUSE_MARGIN_SECONDS = 600;

interface CachedToken {
  readonly token: string;
  /** The token's `exp`, seconds since the epoch. */
  readonly exp: number;
  /** The pool's issuer when the token was issued: another pool or port makes it useless. */
  readonly issuer: string;
  /** The stack process that issued it: a restart of the stack (new pool, new port) misses. */
  readonly pid: number;
}

type TokenCache = Record<string, CachedToken>;

/** Signs in (user) or asks the token endpoint (client): a fresh token from the local pool. */
export async function tokenFor(
  state: LocalStackState,
  kind: TokenKind,
  options: TokenOptions = {},
): Promise<string> {
  const { fetchClientCredentialsToken } = await import('./tokens.js');
  if (kind === 'client') {
    return fetchClientCredentialsToken({
      tokenEndpoint: state.cognito.tokenEndpoint,
      clientId: state.machineClient.clientId,
      clientSecret: state.machineClient.clientSecret,
      scopes: options.scopes,
    });
  }
  return (await userTokensFor(state)).accessToken;
}

/** The dev user's tokens from a real sign-in: password, then the TOTP challenge. */
export async function userTokensFor(state: LocalStackState): Promise<UserTokens> {
  const { cognitoClient, loginWithTotp } = await import('./tokens.js');
  const client = cognitoClient(state.cognito.endpoint);
  try {
    return await loginWithTotp(client, {
      clientId: state.peopleClient.clientId,
      username: state.devUser.email,
      password: state.devUser.password,
      totpSecret: state.devUser.totpSecret,
    });
  } finally {
    client.destroy();
  }
}

/** Whether a process id is alive (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cacheKey(kind: TokenKind, options: TokenOptions): string {
  return kind === 'client' ? `client:${[...(options.scopes ?? [])].sort().join(' ')}` : 'user';
}

async function readCache(stateDir: string): Promise<TokenCache> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(stateDir, TOKEN_CACHE_FILE_NAME), 'utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as TokenCache)
      : {};
  } catch {
    return {}; // none yet, or unreadable: sign in and write a new one
  }
}

async function writeCache(stateDir: string, cache: TokenCache): Promise<void> {
  const file = join(stateDir, TOKEN_CACHE_FILE_NAME);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(cache)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

function usable(entry: CachedToken | undefined, state: LocalStackState, nowMs: number): entry is CachedToken {
  return (
    entry !== undefined &&
    typeof entry.token === 'string' &&
    typeof entry.exp === 'number' &&
    entry.issuer === state.issuer &&
    entry.pid === state.api?.pid &&
    entry.exp - nowMs / 1000 >= TOKEN_REUSE_MARGIN_SECONDS
  );
}

/**
 * An access token from the local stack running in another process (`wcbr token`): the cached one
 * while it is good (see the module comment), else a fresh one, which is then cached. Fails with a
 * clear message when the stack is not running.
 *
 * @param stateDir - the stack's state directory
 * @param kind - `user` (the dev user, MFA sign-in) or `client` (client credentials)
 * @param options - for `client`, the scopes (each set of scopes is cached apart)
 * @param nowMs - the clock (tests)
 * @returns the access token
 * @throws when the stack has never run, or does not run now
 */
export async function getTokenFromState(
  stateDir: string = DEFAULT_STATE_DIR,
  kind: TokenKind = 'user',
  options: TokenOptions = {},
  nowMs: number = Date.now(),
): Promise<string> {
  const state = await readState(stateDir);
  const start = 'start it with `npm start` (wcbr serve)';
  if (!state) throw new Error(`The local stack has never run with state directory ${stateDir}: ${start}`);
  if (!state.api) throw new Error(`The local stack is not running (state in ${stateDir}): ${start}`);
  const key = cacheKey(kind, options);
  const cache = await readCache(stateDir);
  const cached = cache[key];
  if (usable(cached, state, nowMs) && processAlive(state.api.pid)) return cached.token;
  try {
    const health = await fetch(`${state.cognito.endpoint}/health`, { signal: AbortSignal.timeout(2_000) });
    if (!health.ok) throw new Error(`health check answered ${health.status}`);
  } catch {
    throw new Error(
      `The local stack is not running: nothing answers at ${state.cognito.endpoint} (recorded by process ` +
        `${state.api.pid} in ${stateDir}); ${start}`,
    );
  }
  const token = await tokenFor(state, kind, options);
  const exp = decodeJwtPayloadUnverified(token)?.exp;
  if (typeof exp === 'number') {
    await writeCache(stateDir, { ...cache, [key]: { token, exp, issuer: state.issuer, pid: state.api.pid } });
  }
  return token;
}
