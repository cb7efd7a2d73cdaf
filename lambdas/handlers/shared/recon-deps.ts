import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { openJson, sealJson } from '../../adapters/envelope.js';
import { KmsDataKeyProvider } from '../../adapters/kms-data-keys.js';
import { LocalDataKeyProvider, readLocalMasterKeySync } from '../../adapters/local-data-keys.js';
import { DynamoDbReconStore } from '../../adapters/recon-store-dynamodb.js';
import { DEPENDENCY_REQUEST_HANDLER } from '../../app/dependency-errors.js';
import type { DataKeyProvider } from '../../app/recon/ports.js';
import type { ReconDependencies } from '../../app/recon/service.js';
import { traced } from '../../observability/tracing.js';
import { refuseLocalFallback, runtimeModeFrom } from './runtime-mode.js';

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
    retentionDays: retentionFrom(env),
    now: () => new Date(),
  };
}
