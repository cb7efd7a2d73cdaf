import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbBatchStore } from '../../adapters/batch-dynamodb.js';
import { FileBatchObjects, FileBatchStore } from '../../adapters/batch-files.js';
import { S3BatchObjects } from '../../adapters/batch-s3.js';
import type { BatchObjects, BatchStore } from '../../app/batch/ports.js';
import type { BatchRouteDeps } from '../../app/batch/service.js';
import { refuseLocalFallback, runtimeModeFrom } from './runtime-mode.js';

/**
 * The bulk repricing composition root: the batch routes' and steps' adapters, built from the
 * environment CDK (lib/constructs/batch-workflow.ts) or the local stack (lambdas/local/batch-stack.ts) sets.
 */

/** Environment variables the batch code reads. */
export const BATCH_ENV = {
  /** The batch table (AWS). */
  tableName: 'BATCH_TABLE',
  /** The batch bucket (AWS); objects are encrypted with its default SSE-KMS key. */
  bucketName: 'BATCH_BUCKET',
  /** Days records and objects are kept: the stage's Recon retention. */
  retentionDays: 'BATCH_RETENTION_DAYS',
  /** Local only: the directory of records and objects. */
  localDir: 'BATCH_LOCAL_DIR',
  /** Local only: the local batch edge's URL (signed links start with it). */
  localBaseUrl: 'BATCH_LOCAL_BASE_URL',
  /** Local only: the edge's signing key file (JSON with keyPairId and privateKeyPem). */
  localSigningKeyFile: 'BATCH_LOCAL_SIGNING_KEY_FILE',
} as const;

/** A batch setting is missing or unusable: the function cannot start. */
export class BatchConfigError extends Error {
  override readonly name = 'BatchConfigError';
}

/** Recon's default retention (lib/stages/stage-config.ts): seven years. */
const DEFAULT_RETENTION_DAYS = 2557;

function retentionDays(env: NodeJS.ProcessEnv): number {
  const raw = env[BATCH_ENV.retentionDays];
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1)
    throw new BatchConfigError(`${BATCH_ENV.retentionDays} must be a whole number of days`);
  return days;
}

/**
 * A new batch id: 24 random bytes, base64url (32 characters), unguessable.
 *
 * @returns the id
 */
export function newBatchId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The batch store and objects the environment names: DynamoDB and S3 in AWS, files locally.
 *
 * @param env - default process.env
 * @returns the ports, or null when this process has no batches configured (the routes answer 503)
 */
export function batchPortsFrom(
  env: NodeJS.ProcessEnv = process.env,
): { store: BatchStore; objects: BatchObjects } | null {
  runtimeModeFrom(env);
  const table = env[BATCH_ENV.tableName];
  const bucket = env[BATCH_ENV.bucketName];
  if (table && bucket) {
    return {
      store: new DynamoDbBatchStore({ client: new DynamoDBClient({}), tableName: table }),
      objects: new S3BatchObjects({ client: new S3Client({}), bucketName: bucket }),
    };
  }
  const dir = env[BATCH_ENV.localDir];
  if (!dir) return null;
  refuseLocalFallback(env, `the local batch directory (${BATCH_ENV.localDir})`, BATCH_ENV.tableName);
  const baseUrl = env[BATCH_ENV.localBaseUrl];
  const keyFile = env[BATCH_ENV.localSigningKeyFile];
  if (!baseUrl || !keyFile) {
    throw new BatchConfigError(
      `${BATCH_ENV.localBaseUrl} and ${BATCH_ENV.localSigningKeyFile} are needed with ${BATCH_ENV.localDir}`,
    );
  }
  const key = JSON.parse(readFileSync(keyFile, 'utf8')) as { keyPairId?: unknown; privateKeyPem?: unknown };
  if (typeof key.keyPairId !== 'string' || typeof key.privateKeyPem !== 'string') {
    throw new BatchConfigError(`${BATCH_ENV.localSigningKeyFile} is not a signing key file`);
  }
  return {
    store: new FileBatchStore(dir),
    objects: new FileBatchObjects({
      root: dir,
      baseUrl,
      keyPairId: key.keyPairId,
      privateKeyPem: key.privateKeyPem,
    }),
  };
}

/**
 * What the batch routes need, or null when batches are not configured here.
 *
 * @param env - default process.env
 * @returns the route dependencies
 */
export function batchRouteDepsFrom(env: NodeJS.ProcessEnv = process.env): BatchRouteDeps | null {
  const ports = batchPortsFrom(env);
  if (ports === null) return null;
  return { ...ports, newId: newBatchId, now: () => new Date(), retentionDays: retentionDays(env) };
}
