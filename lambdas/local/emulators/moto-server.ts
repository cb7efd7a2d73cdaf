/**
 * moto's server mode as a child process: a real KMS API (CreateKey, GenerateDataKey, Decrypt with
 * encryption-context checks) for the adapter tests, and for a local stack that wants KMS rather
 * than the local key file. Nothing on npm emulates KMS (ENVIRONMENT.md).
 */
import { fileURLToPath } from 'node:url';
import { CreateKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import {
  checkPrerequisite,
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  freePort,
  type RunningEmulator,
  startGuardedProcess,
} from './dynamodb-local.js';

/** Options of {@link startMotoServer}. */
export interface StartMotoServerOptions {
  /**
   * Port to listen on.
   *
   * @default 0 (a free port, chosen here)
   */
  readonly port?: number | undefined;
  /**
   * Interface to bind (moto's `-H`), also the endpoint's host.
   *
   * @default '127.0.0.1'
   */
  readonly host?: string | undefined;
  /**
   * How long to wait for the first KMS ListKeys answer, in milliseconds (moto imports every
   * service's models at start, several seconds on a busy machine).
   *
   * @default 30000
   */
  readonly startTimeoutMs?: number | undefined;
  /**
   * The Python command.
   *
   * @default 'python3'
   */
  readonly python?: string | undefined;
  /**
   * A file (mode 0600) where the symmetric KMS keys are kept: keys saved there are restored at
   * start with their ids and material, so what they encrypted before a restart can be decrypted
   * after it ({@link MOTO_KMS_LAUNCHER}). Without it every key lives in memory only.
   *
   * @default undefined (in memory)
   */
  readonly keysFile?: string | undefined;
}

/**
 * The launcher that keeps moto's symmetric KMS keys in a file: moto has no persistence of its own
 * and no ImportKeyMaterial, so it restores the saved keys into moto's backend before the server
 * starts and saves them after every CreateKey.
 */
export const MOTO_KMS_LAUNCHER = fileURLToPath(new URL('./moto-kms-persistent.py', import.meta.url));

const DEFAULT_START_TIMEOUT_MS = 30_000;

/**
 * Starts `python3 -m moto.server` with state in memory, or through {@link MOTO_KMS_LAUNCHER} when
 * `keysFile` is given.
 *
 * @param options - port (0: a free one), host, start timeout, python command
 * @returns its endpoint and a stop function
 * @throws Error naming moto as the missing prerequisite when python3 or moto (with its server
 *   extras) cannot be imported
 */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<RunningEmulator> {
  const python = options.python ?? 'python3';
  // moto.server, not moto: the server extras (flask, flask-cors) are a separate install.
  await checkPrerequisite(
    python,
    ['-c', 'import moto.server'],
    `missing prerequisite: moto (the Python package, with its server extras, run by ${python}) to emulate KMS; ` +
      "install it with: python3 -m pip install 'moto[server]'",
  );
  const host = options.host ?? '127.0.0.1';
  const port = options.port ? options.port : await freePort(host);
  const endpoint = `http://${host}:${port}`;
  const client = new KMSClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    return await startGuardedProcess({
      name: 'moto server',
      command: python,
      args: [
        ...(options.keysFile === undefined ? ['-m', 'moto.server'] : [MOTO_KMS_LAUNCHER, options.keysFile]),
        '-H',
        host,
        '-p',
        String(port),
      ],
      endpoint,
      port,
      probe: async () => {
        await client.send(new ListKeysCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return true;
      },
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      // Unbuffered, so a failed start's traceback reaches the error message.
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
  } finally {
    client.destroy();
  }
}

/**
 * Creates a symmetric encrypt/decrypt KMS key in moto (the local and test stand-in for the PHI key).
 *
 * @param client - a KMS client pointed at moto
 * @param description - the key's description
 * @returns the key's ARN and id
 */
export async function createMotoKmsKey(
  client: KMSClient,
  description: string,
): Promise<{ readonly arn: string; readonly keyId: string }> {
  const answer = await client.send(
    new CreateKeyCommand({
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      Description: description,
    }),
  );
  const arn = answer.KeyMetadata?.Arn;
  const keyId = answer.KeyMetadata?.KeyId;
  if (arn === undefined || keyId === undefined)
    throw new Error('moto CreateKey answered without a key ARN and id');
  return { arn, keyId };
}
