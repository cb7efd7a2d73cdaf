/**
 * `wcbr recons export --deidentified --tenant T [--out FILE] [--env-from FILE] [--state-dir DIR]`:
 * the tenant's Recons as JSON lines, HIPAA Safe Harbor identifiers removed (app/recon/export.ts). The
 * CLI never exports identified data: without `--deidentified` it refuses.
 *
 * Where the Recon table and key are found, first match wins:
 * 1. `--env-from FILE`: a JSON object of environment variables (the local stack's
 *    `stack.recon.environment`, or a deployed stage's table and key);
 * 2. the environment itself, when it sets RECON_TABLE_NAME (as in AWS);
 * 3. the running local stack's state file, when it records its Recon environment (`recon.environment`).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DeidentifiedRecord } from '../app/recon/deidentify.js';
import { exportDeidentified, type ReconExportSummary } from '../app/recon/export.js';
import { RECON_ENV, reconDependencies } from '../handlers/shared/recon-deps.js';
import { DEFAULT_STATE_DIR } from './paths.js';
import { readState } from './state.js';

/** The usage text of `wcbr recons`. */
export const RECONS_USAGE = `usage: wcbr recons export --deidentified --tenant TENANT [--out FILE] [--env-from FILE] [--state-dir DIR]

  Writes every stored Recon sequence of TENANT as one JSON line, with the HIPAA Safe Harbor
  identifiers removed (45 CFR 164.514(b)(2)): names, addresses, numbers, dates reduced to the
  year, ZIP to three digits. --deidentified is required: identified data is never exported.

  --out FILE        write to FILE (mode 0600) instead of stdout
  --env-from FILE   a JSON object of environment variables naming the Recon table and key
                    (default: the environment if it sets ${RECON_ENV.tableName}, else the running local stack)
  --state-dir DIR   the local stack's state directory (default .wcbr-local)
`;

/** The AWS SDK's default chain reads region and credentials from process.env, not from our env object. */
const SDK_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
] as const;

/** A usage mistake or a refusal: the message goes to stderr with exit code 2. */
export class ReconsUsageError extends Error {
  override readonly name = 'ReconsUsageError';
}

async function environmentFile(file: string): Promise<Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ReconsUsageError(`--env-from ${file}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ReconsUsageError(`--env-from ${file} must hold a JSON object of environment variables`);
  }
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new ReconsUsageError(`--env-from ${file}: ${name} must be a string`);
    }
  }
  return parsed as Record<string, string>;
}

/**
 * The environment the export reads the Recon table and key from (see the module comment).
 *
 * @param options - `envFrom` file and local `stateDir`
 * @param env - the process environment
 * @returns the environment to build the Recon dependencies from
 * @throws ReconsUsageError when none of the three names a Recon table
 */
export async function reconExportEnvironment(
  options: { readonly envFrom?: string | undefined; readonly stateDir: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodeJS.ProcessEnv> {
  if (options.envFrom !== undefined) return { ...env, ...(await environmentFile(options.envFrom)) };
  const table = env[RECON_ENV.tableName];
  if (table !== undefined && table !== '') return env;
  const state = await readState(options.stateDir);
  // `recon.environment` is not in LocalStackState yet: read it defensively until the stack writes it.
  const recorded = (state as { recon?: { environment?: unknown } } | null)?.recon?.environment;
  if (state?.api && recorded !== null && typeof recorded === 'object' && !Array.isArray(recorded)) {
    return { ...env, ...(recorded as Record<string, string>) };
  }
  throw new ReconsUsageError(
    state?.api
      ? `The local stack in ${options.stateDir} does not record its Recon environment; pass --env-from FILE (a JSON object of its environment) or set ${RECON_ENV.tableName}`
      : `No Recon table: set ${RECON_ENV.tableName} (and ${RECON_ENV.kmsKeyId} or ${RECON_ENV.localKeyFile}), pass --env-from FILE, or start the local stack with \`npm start\``,
  );
}

/** Writes a line, waiting for the stream to drain when its buffer is full. */
function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> | undefined {
  if (stream.write(line)) return undefined;
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      stream.off('drain', onDrain);
      reject(error);
    };
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

function closeFile(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

async function runExport(
  tenant: string,
  out: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ReconExportSummary> {
  const deps = reconDependencies(env);
  const toLine = (record: DeidentifiedRecord) => `${JSON.stringify(record)}\n`;
  if (out === undefined || out === '-') {
    return exportDeidentified(deps, tenant, (record) => writeLine(process.stdout, toLine(record)));
  }
  // A temporary file renamed at the end: a failed export never leaves a file that looks complete.
  const partial = `${out}.${process.pid}.partial`;
  const file = createWriteStream(partial, { mode: 0o600, flags: 'wx' });
  try {
    const summary = await exportDeidentified(deps, tenant, (record) => writeLine(file, toLine(record)));
    await closeFile(file);
    await rename(partial, out);
    return summary;
  } catch (error) {
    file.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * `wcbr recons …`. Only `export --deidentified` exists.
 *
 * @param args - the arguments after `recons`
 * @returns exit code: 0 written, 2 usage or refusal (message on stderr)
 * @throws whatever the export meets otherwise (the store, KMS, a sequence that does not open)
 */
export async function reconsCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === 'help' || subcommand === '--help' || subcommand === '-h') {
    process.stdout.write(RECONS_USAGE);
    return subcommand === undefined ? 2 : 0;
  }
  try {
    if (subcommand !== 'export') throw new ReconsUsageError(`unknown recons command ${subcommand}`);
    let values: {
      deidentified?: boolean;
      tenant?: string;
      out?: string;
      'env-from'?: string;
      'state-dir'?: string;
    };
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          deidentified: { type: 'boolean' },
          tenant: { type: 'string' },
          out: { type: 'string' },
          'env-from': { type: 'string' },
          'state-dir': { type: 'string' },
        },
      }));
    } catch (error) {
      throw new ReconsUsageError((error as Error).message);
    }
    if (values.deidentified !== true) {
      throw new ReconsUsageError(
        'recons export writes de-identified data only: pass --deidentified (identified Recons are never exported from the CLI; read one through GET /v1/recons/{controlNumber}/sequences/{n})',
      );
    }
    const tenant = values.tenant;
    if (tenant === undefined || tenant === '') throw new ReconsUsageError('--tenant is required');
    const env = await reconExportEnvironment({
      envFrom: values['env-from'],
      stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
    });
    const saved = SDK_VARIABLES.map((name) => [name, process.env[name]] as const);
    for (const name of SDK_VARIABLES) {
      const value = env[name];
      if (value !== undefined) process.env[name] = value;
    }
    try {
      const summary = await runExport(tenant, values.out, env);
      process.stderr.write(
        `exported ${summary.sequences} de-identified sequence(s) of ${summary.controlNumbers} control number(s) for tenant ${tenant}${values.out ? ` to ${values.out}` : ''}\n`,
      );
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ReconsUsageError)) throw error;
    process.stderr.write(`wcbr recons: ${error.message}\n${RECONS_USAGE}`);
    return 2;
  }
}
