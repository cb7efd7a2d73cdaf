/**
 * The Recon part of the local stack: DynamoDB Local (the jar) with the Recon table, and moto's KMS
 * with a key, started beside cognito-local; or the local key provider where KMS is not wanted. It
 * answers the environment the Recon handlers read, exactly the variables CDK sets in AWS plus the
 * local endpoints and fake credentials.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { loadOrCreateLocalMasterKey } from '../adapters/local-data-keys.js';
import { ensureReconTable } from '../adapters/recon-store-dynamodb.js';
import { RECON_ENV } from '../handlers/shared/recon-deps.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type RunningEmulator,
  startDynamoDbLocal,
} from './emulators/dynamodb-local.js';
import { createMotoKmsKey, startMotoServer } from './emulators/moto-server.js';

/** The local Recon table's name. */
export const LOCAL_RECON_TABLE = 'wcbr-recons';

/** Options of {@link startReconBackends}. */
export interface ReconBackendOptions {
  /** `kms`: moto's KMS (default); `local`: a master key file in the state directory. */
  readonly keys?: 'kms' | 'local' | undefined;
  /** Where the local master key lives (keys: local). */
  readonly stateDir: string;
  /** Recon retention in days (default: the handlers' default). */
  readonly retentionDays?: number | undefined;
}

/** The running Recon backends. */
export interface ReconBackends {
  /** Environment for the Recon handlers (set before their modules load). */
  readonly environment: Readonly<Record<string, string>>;
  readonly dynamoDbEndpoint: string;
  readonly kmsEndpoint?: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local and (unless keys is local) moto, creates the table and a KMS key.
 *
 * @param options - key provider, state directory
 * @returns the environment and a stop function
 * @throws Error naming a missing prerequisite (Java for DynamoDB Local, moto for KMS)
 */
export async function startReconBackends(options: ReconBackendOptions): Promise<ReconBackends> {
  const keys = options.keys ?? 'kms';
  const started: RunningEmulator[] = [];
  try {
    const [dynamo, moto] = await Promise.all([
      startDynamoDbLocal({ port: 0 }).then((e) => {
        started.push(e);
        return e;
      }),
      keys === 'kms'
        ? startMotoServer({ port: 0 }).then((e) => {
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
      ...(options.retentionDays === undefined
        ? {}
        : { [RECON_ENV.retentionDays]: String(options.retentionDays) }),
    };
    if (moto) {
      const kms = new KMSClient(clientConfig(moto.endpoint));
      try {
        const keyId = (await createMotoKmsKey(kms, 'wcbr local Recon PHI key')).arn;
        environment[RECON_ENV.kmsKeyId] = keyId;
        environment[RECON_ENV.kmsEndpoint] = moto.endpoint;
      } finally {
        kms.destroy();
      }
    } else {
      const master = await loadOrCreateLocalMasterKey(options.stateDir);
      environment[RECON_ENV.localKeyFile] = master.path;
    }
    return {
      environment,
      dynamoDbEndpoint: dynamo.endpoint,
      ...(moto ? { kmsEndpoint: moto.endpoint } : {}),
      stop: async () => {
        await Promise.all(started.map((e) => e.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((e) => e.stop().catch(() => undefined)));
    throw error;
  }
}
