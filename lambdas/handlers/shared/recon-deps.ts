import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { awsSdk } from '../../adapters/aws-sdk.js';
import { openJson, sealJson } from '../../adapters/envelope.js';
import { KmsDataKeyProvider } from '../../adapters/kms-data-keys.js';
import { LocalDataKeyProvider, readLocalMasterKeySync } from '../../adapters/local-data-keys.js';
import { S3OversizedAnswerStore } from '../../adapters/oversized-answer-store-s3.js';
import { FileReconBodyStore } from '../../adapters/recon-body-store-file.js';
import { S3ReconBodyStore } from '../../adapters/recon-body-store-s3.js';
import { DynamoDbReconStore } from '../../adapters/recon-store-dynamodb.js';
import { sfnReconWorkflow } from '../../adapters/recon-workflow-sfn.js';
import { DEPENDENCY_REQUEST_HANDLER } from '../../app/dependency-errors.js';
import type { DataKeyProvider, ReconBodyStore } from '../../app/recon/ports.js';
import type { ReconDependencies, ReconWorkflowInput, WorkflowResponse } from '../../app/recon/service.js';
import { traced } from '../../observability/tracing.js';
import { refuseLocalFallback, runtimeModeFrom } from './runtime-mode.js';
import { smartBillLinksFrom } from './smartbill-deps.js';

/**
 * The Recon handlers' composition root: adapters built once per process from the environment the
 * stack (CDK, or the local stack) sets. In Lambda the SDK clients use the function's role and
 * region; locally the endpoints point at DynamoDB Local and moto.
 */

/** Environment variables the Recon functions read. */
export const RECON_ENV = {
  /** The Recon table. */
  tableName: 'RECON_TABLE_NAME',
  /** The KMS key that encrypts data keys (ARN or id). */
  kmsKeyId: 'RECON_KMS_KEY_ID',
  /** Instead of KMS: a 32-byte local master key file (the local key provider). */
  localKeyFile: 'RECON_LOCAL_KEY_FILE',
  /** Local endpoints (DynamoDB Local, moto); unset in AWS. */
  dynamoDbEndpoint: 'WCBR_DYNAMODB_ENDPOINT',
  kmsEndpoint: 'WCBR_KMS_ENDPOINT',
  /** Days a Recon is kept; and per-tenant overrides as JSON `{"tenant": days}`. */
  retentionDays: 'RECON_RETENTION_DAYS',
  tenantRetentionDays: 'RECON_TENANT_RETENTION_DAYS',
  /** The Recon bodies bucket (intermediates, oversized answers, large sealed sequences) and its key. */
  bodiesBucket: 'RECON_BODIES_BUCKET',
  bodiesKmsKeyId: 'RECON_BODIES_KMS_KEY_ID',
  /** Instead of the bucket, locally: a directory for the bodies (the local stack's state directory). */
  bodiesDirectory: 'WCBR_RECON_BODIES_DIR',
  /** Local S3 endpoint of the bodies bucket (s3rver) and the credentials it takes; unset in AWS. */
  bodiesS3Endpoint: 'WCBR_RECON_S3_ENDPOINT',
  bodiesS3AccessKeyId: 'WCBR_RECON_S3_ACCESS_KEY_ID',
  bodiesS3SecretAccessKey: 'WCBR_RECON_S3_SECRET_ACCESS_KEY',
  /** The Recon Express state machine the AWS front function starts (StartSyncExecution). */
  stateMachineArn: 'RECON_STATE_MACHINE_ARN',
} as const;

/** Default retention: seven years, the longest record-keeping period the states we price ask of payers. */
export const DEFAULT_RECON_RETENTION_DAYS = 2557;

/** A Recon setting missing or unusable: the function cannot start. */
export class ReconConfigError extends Error {
  override readonly name = 'ReconConfigError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ReconConfigError(`${name} is not set`);
  return value;
}

function days(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 36_500) {
    throw new ReconConfigError(`${name} must be a whole number of days from 1 to 36500`);
  }
  return value;
}

/**
 * The tenant retention rule from its two settings.
 *
 * @param env - the environment
 * @returns days to keep a tenant's Recons
 */
export function retentionFrom(env: NodeJS.ProcessEnv): (tenant: string) => number {
  const base =
    env[RECON_ENV.retentionDays] === undefined
      ? DEFAULT_RECON_RETENTION_DAYS
      : days(Number(env[RECON_ENV.retentionDays]), RECON_ENV.retentionDays);
  const raw = env[RECON_ENV.tenantRetentionDays];
  const overrides = new Map<string, number>();
  if (raw !== undefined && raw !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ReconConfigError(`${RECON_ENV.tenantRetentionDays} is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ReconConfigError(`${RECON_ENV.tenantRetentionDays} must be an object of tenant → days`);
    }
    for (const [tenant, value] of Object.entries(parsed)) {
      overrides.set(tenant, days(value, `${RECON_ENV.tenantRetentionDays}.${tenant}`));
    }
  }
  return (tenant) => overrides.get(tenant) ?? base;
}

/**
 * The data key provider the environment names: KMS when a key id is set, else the local key file
 * (refused when `WCBR_MODE=aws`: in AWS a missing key id is an error, never a key on disk).
 *
 * @param env - the environment
 * @returns the provider
 * @throws RuntimeConfigError when the local key file would be used in `aws` mode
 */
export function dataKeysFrom(env: NodeJS.ProcessEnv): DataKeyProvider {
  runtimeModeFrom(env);
  const keyId = env[RECON_ENV.kmsKeyId];
  if (keyId !== undefined && keyId !== '') {
    const endpoint = env[RECON_ENV.kmsEndpoint];
    return new KmsDataKeyProvider({
      client: traced(
        new KMSClient({
          ...(endpoint ? { endpoint } : {}),
          requestHandler: DEPENDENCY_REQUEST_HANDLER,
        }),
      ),
      keyId,
    });
  }
  refuseLocalFallback(env, `the local key provider (${RECON_ENV.localKeyFile})`, RECON_ENV.kmsKeyId);
  const file = env[RECON_ENV.localKeyFile];
  if (file === undefined || file === '') {
    throw new ReconConfigError(
      `set ${RECON_ENV.kmsKeyId} (KMS) or ${RECON_ENV.localKeyFile} (local key provider)`,
    );
  }
  return new LocalDataKeyProvider(readLocalMasterKeySync(file));
}

/**
 * The Recon store alone (listing and deletion decrypt nothing, so they get no key).
 *
 * @param env - default process.env
 * @returns the DynamoDB store
 */
export function reconStoreFrom(env: NodeJS.ProcessEnv = process.env): DynamoDbReconStore {
  runtimeModeFrom(env);
  const endpoint = env[RECON_ENV.dynamoDbEndpoint];
  return new DynamoDbReconStore({
    // Bounded waits: an unreachable table is a 503 within seconds, not a Lambda timeout.
    client: traced(
      new DynamoDBClient({
        ...(endpoint ? { endpoint } : {}),
        requestHandler: DEPENDENCY_REQUEST_HANDLER,
      }),
    ),
    tableName: required(env, RECON_ENV.tableName),
  });
}

function bodiesOptions(env: NodeJS.ProcessEnv) {
  runtimeModeFrom(env);
  const endpoint = env[RECON_ENV.bodiesS3Endpoint];
  const kmsKeyId = env[RECON_ENV.bodiesKmsKeyId];
  const local = endpoint
    ? {
        endpoint,
        forcePathStyle: true,
        region: env.AWS_REGION ?? 'us-east-1',
        credentials: {
          accessKeyId: required(env, RECON_ENV.bodiesS3AccessKeyId),
          secretAccessKey: required(env, RECON_ENV.bodiesS3SecretAccessKey),
        },
      }
    : {};
  return {
    client: traced(new S3Client({ ...local, requestHandler: DEPENDENCY_REQUEST_HANDLER })),
    bucketName: required(env, RECON_ENV.bodiesBucket),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  };
}

/**
 * The Recon body store the environment names: S3, or locally a directory (refused in AWS mode).
 *
 * @param env - default process.env
 * @returns the store
 */
export function reconBodiesFrom(env: NodeJS.ProcessEnv = process.env): ReconBodyStore {
  const directory = env[RECON_ENV.bodiesDirectory];
  if (directory !== undefined && directory !== '') {
    refuseLocalFallback(
      env,
      `the local Recon body directory (${RECON_ENV.bodiesDirectory})`,
      RECON_ENV.bodiesBucket,
    );
    return new FileReconBodyStore(directory);
  }
  return new S3ReconBodyStore(bodiesOptions(env));
}

/**
 * Where the Recon front step stores answers too large to send: the price route's adapter on the
 * Recon bodies bucket (`answers/<tenant>/<request id>.json`, under the Recon bodies key). A Recon
 * answer holds the bill as priced with its PHI, so it stays with the other Recon bodies (same key,
 * same audit, one-day lifecycle) rather than in the price route's answers bucket.
 *
 * @param env - default process.env
 * @returns the store
 */
export function reconOversizedAnswersFrom(env: NodeJS.ProcessEnv = process.env): S3OversizedAnswerStore {
  return new S3OversizedAnswerStore(bodiesOptions(env));
}

/**
 * Step Functions' answer to StartSyncExecution comes when the execution ends: up to the workflow's
 * 25 s (TimeoutSeconds in lambdas/workflows/recon.asl.json) plus the call itself, inside API
 * Gateway's 29 s. The shared 5 s dependency timeout would cut every long Recon short.
 */
export const RECON_WORKFLOW_REQUEST_TIMEOUT_MS = 28_000;

/**
 * The Recon workflow in AWS (the front function's): StartSyncExecution on the state machine the
 * environment names. `@aws-sdk/client-sfn` is loaded here, when the front function builds it, not
 * by a static import: this module is bundled into every Recon function, and esbuild would hoist
 * the package into all their inits (lambdas/adapters/aws-sdk.ts).
 *
 * @param env - default process.env
 * @returns the front step's `runWorkflow`
 */
export function reconWorkflowFrom(
  env: NodeJS.ProcessEnv = process.env,
): (input: ReconWorkflowInput) => Promise<WorkflowResponse> {
  runtimeModeFrom(env);
  const { SFNClient } = awsSdk.sfn();
  return sfnReconWorkflow({
    client: traced(
      new SFNClient({
        requestHandler: { ...DEPENDENCY_REQUEST_HANDLER, requestTimeout: RECON_WORKFLOW_REQUEST_TIMEOUT_MS },
      }),
    ),
    stateMachineArn: required(env, RECON_ENV.stateMachineArn),
  });
}

/**
 * The Recon dependencies from an environment.
 *
 * @param env - default process.env
 * @returns store, keys, envelope, retention and clock
 */
export function reconDependencies(env: NodeJS.ProcessEnv = process.env): ReconDependencies {
  return {
    store: reconStoreFrom(env),
    keys: dataKeysFrom(env),
    envelope: { sealJson, openJson },
    bodies: reconBodiesFrom(env),
    retentionDays: retentionFrom(env),
    now: () => new Date(),
    // The price route's linker: the same pages, keys and renderer (null without SmartBill).
    smartBills: smartBillLinksFrom(env),
  };
}
