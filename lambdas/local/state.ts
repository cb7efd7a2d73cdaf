/**
 * The local stack's state file (`<stateDir>/state.json`, mode 0600): what bootstrap created in
 * cognito-local (pool, clients, dev user with its password and TOTP secret) and where the running
 * stack listens, so that `wcbr token` in another process can get a token.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STATE_FILE_NAME = 'state.json';
export const STATE_VERSION = 1;

export interface LocalStackState {
  readonly version: typeof STATE_VERSION;
  readonly cognito: {
    /** Loopback URL of cognito-local's API (the SDK endpoint). */
    readonly endpoint: string;
    /** `POST` here for client-credentials tokens (same host and port as cognito-local). */
    readonly tokenEndpoint: string;
    /** Issuer domain (`http://localhost:<port>`); the pool's issuer is `<issuerDomain>/<userPoolId>`. */
    readonly issuerDomain: string;
    readonly port: number;
  };
  readonly userPoolId: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly groups: readonly string[];
  readonly peopleClient: { readonly clientId: string };
  readonly machineClient: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly scopes: readonly string[];
  };
  readonly devUser: {
    /** Sign-in name (the pool signs in by email). */
    readonly email: string;
    readonly password: string;
    /** Base32 TOTP secret the dev user is enrolled with. */
    readonly totpSecret: string;
    readonly group: string;
  };
  /** Set while a stack runs: its API URL and process id. */
  readonly api?: { readonly url: string; readonly pid: number };
  /** Set while a stack with Recon runs: the Recon environment (local endpoints, table, key) for `wcbr recons`. */
  readonly recon?: { readonly environment: Readonly<Record<string, string>> };
  readonly updatedAt: string;
}

export function stateFilePath(stateDir: string): string {
  return join(stateDir, STATE_FILE_NAME);
}

/** Reads the state file; null when there is none. Throws on a corrupt or foreign file. */
export async function readState(stateDir: string): Promise<LocalStackState | null> {
  let text: string;
  try {
    text = await readFile(stateFilePath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<LocalStackState>;
  if (parsed.version !== STATE_VERSION || typeof parsed.userPoolId !== 'string') {
    throw new Error(
      `${stateFilePath(stateDir)} is not a wcbr local stack state file (version ${STATE_VERSION})`,
    );
  }
  return parsed as LocalStackState;
}

/** Writes the state file atomically with mode 0600 (it holds a password, a TOTP secret and a client secret). */
export async function writeState(stateDir: string, state: LocalStackState): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = stateFilePath(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
