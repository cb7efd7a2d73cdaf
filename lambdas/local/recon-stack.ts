/**
 * The Recon part of the local stack: DynamoDB Local (the jar) with the Recon table, and moto's KMS
 * with a key, started beside cognito-local; or the local key provider where KMS is not wanted. It
 * answers the environment the Recon handlers read, exactly the variables CDK sets in AWS plus the
 * local endpoints and fake credentials.
 *
 * Both keep their data under the state directory, so a restart of `npm start` finds every Recon
 * and can decrypt it: DynamoDB Local's database file in `<stateDir>/dynamodb/`, moto's KMS keys
 * (id and material) in `<stateDir>/kms/keys.json` and the key the stack uses in
 * `<stateDir>/recon.json`. {@link clearReconData} empties them (`wcbr serve --fresh`).
 */

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { LOCAL_MASTER_KEY_FILE, loadOrCreateLocalMasterKey } from '../adapters/local-data-keys.js';
import { ensureReconTable } from '../adapters/recon-store-dynamodb.js';
import { RECON_ENV } from '../handlers/shared/recon-deps.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type RunningEmulator,
  startDynamoDbLocal,
} from './emulators/dynamodb-local.js';
import { createMotoKmsKey, startMotoServer } from './emulators/moto-server.js';
import { S3RVER_CREDENTIALS, startS3rver } from './emulators/s3rver.js';

/** The local Recon table's name. */
export const LOCAL_RECON_TABLE = 'wcbr-recons';

/** The local Recon bodies bucket (s3rver). */
export const LOCAL_RECON_BODIES_BUCKET = 'wcbr-recon-bodies';
/** Under the state directory: s3rver's directory of the Recon bodies bucket. */
export const RECON_S3_DIR = 'recon-s3';

/** Under the state directory: the Recon bodies (files of 0600 in a directory of 0700). */
export const RECON_BODIES_DIR = 'recon-bodies';

/** Under the state directory: DynamoDB Local's database directory. */
export const DYNAMODB_DIR = 'dynamodb';
/** Under the state directory: moto's saved KMS keys (key material: mode 0600). */
export const KMS_KEYS_FILE = join('kms', 'keys.json');
/** Under the state directory: which KMS key the local stack encrypts Recon data keys with. */
export const RECON_STATE_FILE = 'recon.json';

/** Options of {@link startReconBackends}. */
export interface ReconBackendOptions {
  /** `kms`: moto's KMS (default); `local`: a master key file in the state directory. */
  readonly keys?: 'kms' | 'local' | undefined;
  /** Where the Recon data lives (DynamoDB's database, the KMS keys or the local master key). */
  readonly stateDir: string;
  /** Recon retention in days (default: the handlers' default). */
  readonly retentionDays?: number | undefined;
}

/**
 * One emulator of a running stack, which can be stopped and started again on the same port and
 * the same data (to see the API fail with 503 and recover without a restart of its own).
 */
export interface EmulatorControl {
  readonly endpoint: string;
  /** Stops the emulator; the API keeps running. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; a no-op while it runs. */
  start(): Promise<void>;
}

/** The running Recon backends. */
export interface ReconBackends {
  /** Environment for the Recon handlers (set before their modules load). */
  readonly environment: Readonly<Record<string, string>>;
  readonly dynamoDbEndpoint: string;
  readonly kmsEndpoint?: string;
  /** The emulators, to stop and start one under a running stack. */
  readonly emulators: { readonly dynamoDb: EmulatorControl; readonly kms?: EmulatorControl };
  stop(): Promise<void>;
}

/**
 * Removes the stored Recon data of a state directory: DynamoDB Local's database, moto's KMS keys,
 * the key choice and the local master key. Nothing else (the Cognito pool, the SmartBill signing
 * key) is touched.
 *
 * @param stateDir - the local stack's state directory
 * @returns once they are gone
 */
export async function clearReconData(stateDir: string): Promise<void> {
  for (const name of [
    DYNAMODB_DIR,
    'kms',
    RECON_STATE_FILE,
    LOCAL_MASTER_KEY_FILE,
    RECON_S3_DIR,
    RECON_BODIES_DIR,
  ]) {
    await rm(join(stateDir, name), { recursive: true, force: true });
  }
}

function restartable(
  first: RunningEmulator,
  start: (port: number) => Promise<RunningEmulator>,
): EmulatorControl & { readonly current: () => RunningEmulator | undefined } {
  let running: RunningEmulator | undefined = first;
  let pending: Promise<void> | undefined;
  const serial = (step: () => Promise<void>) => {
    const next = (pending ?? Promise.resolve()).then(step);
    pending = next.catch(() => undefined);
    return next;
  };
  return {
    endpoint: first.endpoint,
    current: () => running,
    stop: () =>
      serial(async () => {
        const emulator = running;
        running = undefined;
        await emulator?.stop();
      }),
    start: () =>
      serial(async () => {
        if (running === undefined) running = await start(first.port);
      }),
  };
}

/** The KMS key the state directory names, if moto still has it (restored from its keys file). */
async function savedKmsKey(kms: KMSClient, stateDir: string): Promise<string | undefined> {
  let saved: { kmsKeyArn?: unknown };
  try {
    saved = JSON.parse(await readFile(join(stateDir, RECON_STATE_FILE), 'utf8')) as { kmsKeyArn?: unknown };
  } catch {
    return undefined;
  }
  if (typeof saved.kmsKeyArn !== 'string') return undefined;
  try {
    const key = await kms.send(new DescribeKeyCommand({ KeyId: saved.kmsKeyArn }));
    return key.KeyMetadata?.Enabled ? saved.kmsKeyArn : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts DynamoDB Local and (unless keys is local) moto with their data under the state
 * directory, makes sure the table exists, and reuses the KMS key of the previous run (or creates
 * one).
 *
 * @param options - key provider, state directory
 * @returns the environment, the emulators and a stop function
 * @throws Error naming a missing prerequisite (Java for DynamoDB Local, moto for KMS)
 */
export async function startReconBackends(options: ReconBackendOptions): Promise<ReconBackends> {
  const keys = options.keys ?? 'kms';
  const { stateDir } = options;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const dbPath = join(stateDir, DYNAMODB_DIR);
  const keysFile = join(stateDir, KMS_KEYS_FILE);
  if (keys === 'kms') await mkdir(join(stateDir, 'kms'), { recursive: true, mode: 0o700 });
  const startDynamo = (port: number) => startDynamoDbLocal({ port, dbPath });
  const startMoto = (port: number) => startMotoServer({ port, keysFile });
  const started: RunningEmulator[] = [];
  // The bodies: a directory (intermediates live only while their request runs; the ciphertext of
  // large stored sequences stays, sealed under the Recon key with its data key in DynamoDB); and
  // s3rver's bucket for answers too large to send, which its presigned links serve.
  const s3 = await startS3rver({
    directory: join(stateDir, RECON_S3_DIR),
    buckets: [LOCAL_RECON_BODIES_BUCKET],
  });
  try {
    const [dynamo, moto] = await Promise.all([
      startDynamo(0).then((e) => {
        started.push(e);
        return e;
      }),
      keys === 'kms'
        ? startMoto(0).then((e) => {
            started.push(e);
            return e;
          })
        : Promise.resolve(undefined),
    ]);
    const clientConfig = (endpoint: string) => ({
      endpoint,
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
    });
    const dynamoClient = new DynamoDBClient(clientConfig(dynamo.endpoint));
    try {
      await ensureReconTable(dynamoClient, LOCAL_RECON_TABLE);
    } finally {
      dynamoClient.destroy();
    }
    const environment: Record<string, string> = {
      AWS_REGION: EMULATOR_REGION,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      [RECON_ENV.tableName]: LOCAL_RECON_TABLE,
      [RECON_ENV.dynamoDbEndpoint]: dynamo.endpoint,
      [RECON_ENV.bodiesBucket]: LOCAL_RECON_BODIES_BUCKET,
      [RECON_ENV.bodiesDirectory]: join(stateDir, RECON_BODIES_DIR),
      [RECON_ENV.bodiesS3Endpoint]: s3.endpoint,
      // s3rver takes only its own fixed access key; it opens nothing in AWS.
      [RECON_ENV.bodiesS3AccessKeyId]: S3RVER_CREDENTIALS.accessKeyId,
      [RECON_ENV.bodiesS3SecretAccessKey]: S3RVER_CREDENTIALS.secretAccessKey,
      ...(options.retentionDays === undefined
        ? {}
        : { [RECON_ENV.retentionDays]: String(options.retentionDays) }),
    };
    if (moto) {
      const kms = new KMSClient(clientConfig(moto.endpoint));
      try {
        let keyArn = await savedKmsKey(kms, stateDir);
        if (keyArn === undefined) {
          keyArn = (await createMotoKmsKey(kms, 'wcbr local Recon PHI key')).arn;
          await writeFile(join(stateDir, RECON_STATE_FILE), `${JSON.stringify({ kmsKeyArn: keyArn })}\n`, {
            mode: 0o600,
          });
        }
        environment[RECON_ENV.kmsKeyId] = keyArn;
        environment[RECON_ENV.kmsEndpoint] = moto.endpoint;
      } finally {
        kms.destroy();
      }
    } else {
      const master = await loadOrCreateLocalMasterKey(stateDir);
      environment[RECON_ENV.localKeyFile] = master.path;
    }
    const dynamoControl = restartable(dynamo, startDynamo);
    const motoControl = moto ? restartable(moto, startMoto) : undefined;
    return {
      environment,
      dynamoDbEndpoint: dynamo.endpoint,
      ...(moto ? { kmsEndpoint: moto.endpoint } : {}),
      emulators: { dynamoDb: dynamoControl, ...(motoControl ? { kms: motoControl } : {}) },
      stop: async () => {
        await Promise.all([dynamoControl.stop(), motoControl?.stop(), s3.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([
      ...started.map((e) => e.stop().catch(() => undefined)),
      s3.stop().catch(() => undefined),
    ]);
    throw error;
  }
}
