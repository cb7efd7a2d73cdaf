/**
 * What `GET /v1/health` checks: that the fee index opens, and that each dependency the function is
 * configured with answers (DynamoDB: the Recon table is ACTIVE; KMS: the Recon key is enabled;
 * the SmartBill page bucket exists). A dependency the function is not configured with is
 * `not-configured`, never a failure. The answer holds statuses only: no endpoint, table, key or
 * bucket name, no error text.
 *
 * The route is public, so the checks are cached for a short while and shared by concurrent
 * requests: a flood of health requests costs at most one round of probes per
 * {@link HEALTH_CACHE_MS}, never one per request.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { loadFeeIndexFile } from '../../adapters/fee-index-file.js';
import { readLocalMasterKeySync } from '../../adapters/local-data-keys.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { RECON_ENV } from '../shared/recon-deps.js';
import { FEE_INDEX_PATH_ENV } from '../shared/routes.js';
import { SMARTBILL_ENV } from '../shared/smartbill-deps.js';

/** A dependency's state: answering, not answering, or not used by this function. */
export type DependencyStatus = 'ok' | 'unavailable' | 'not-configured';

/** The dependencies the report names, in the order it names them. */
export const HEALTH_DEPENDENCIES = ['feeIndex', 'dynamoDb', 'kms', 'smartBillStore'] as const;
export type HealthDependency = (typeof HEALTH_DEPENDENCIES)[number];

/** One check: resolves when the dependency answers as it should, rejects otherwise. */
export type Probe = () => Promise<void>;

/** The checks of a function; a dependency without one is `not-configured`. */
export type HealthProbes = Partial<Record<HealthDependency, Probe>>;

/** The data release the function's fee index is (issue 20): its id and when it was built. */
export interface DataReleaseName {
  readonly id: string;
  readonly builtAt: string;
}

/** The health report. */
export interface HealthReport {
  /** `degraded` when a configured dependency does not answer. */
  readonly status: 'ok' | 'degraded';
  readonly checkedAt: string;
  readonly dependencies: Readonly<Record<HealthDependency, { readonly status: DependencyStatus }>>;
}

/** How long one round of checks is reused. */
export const HEALTH_CACHE_MS = 2_000;
/** How long one check may take before it counts as unavailable. */
export const PROBE_TIMEOUT_MS = 2_000;

/** SDK settings of the probes: one attempt, short waits (a health check must not hang). */
const PROBE_CLIENT = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: PROBE_TIMEOUT_MS, throwOnRequestTimeout: true },
} as const;

function withTimeout(probe: Probe): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    probe(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Indexes opened by path, once a process: the probe and the release share one read. */
const opened = new Map<string, FeeIndex>();

/** Opens the index at a path once; a failed open is not kept (the next call tries again). */
function openIndexOnce(path: string): FeeIndex {
  let index = opened.get(path);
  if (index === undefined) {
    index = loadFeeIndexFile(path);
    opened.set(path, index);
  }
  return index;
}

/**
 * The data release of the function's fee index (issue 20): what `GET /v1/health` names, so an
 * operator sees which release answers (during a canary, about one answer in ten names the new
 * one). Null when the function has no index, it does not open, or it was built before releases
 * were named.
 *
 * @param env - the environment (FEE_INDEX_PATH)
 * @returns a function answering the release, reading the index once
 */
export function dataReleaseFrom(env: NodeJS.ProcessEnv): () => DataReleaseName | null {
  const indexPath = env[FEE_INDEX_PATH_ENV];
  return () => {
    if (!indexPath) return null;
    try {
      const release = openIndexOnce(indexPath).release();
      return release === undefined ? null : { id: release.id, builtAt: release.builtAt };
    } catch {
      return null;
    }
  };
}

/**
 * The checks the environment configures (the variables the Recon and SmartBill functions read).
 * Clients are made once, on the first check of each.
 *
 * @param env - the environment
 * @returns the probes
 */
export function probesFrom(env: NodeJS.ProcessEnv): HealthProbes {
  const probes: HealthProbes = {};
  // The index where the function is given one (the local stack; in AWS the functions whose route
  // uses it get the layer and this variable). Opened once, its header checked; a failed open is
  // not kept: the next check tries again.
  const indexPath = env[FEE_INDEX_PATH_ENV];
  if (indexPath) {
    probes.feeIndex = async () => {
      openIndexOnce(indexPath);
    };
  }
  const table = env[RECON_ENV.tableName];
  if (table) {
    const endpoint = env[RECON_ENV.dynamoDbEndpoint];
    let client: DynamoDBClient | undefined;
    probes.dynamoDb = async () => {
      client ??= new DynamoDBClient({ ...PROBE_CLIENT, ...(endpoint ? { endpoint } : {}) });
      const answer = await client.send(new DescribeTableCommand({ TableName: table }));
      if (answer.Table?.TableStatus !== 'ACTIVE') throw new Error('the table is not ACTIVE');
    };
  }
  const keyId = env[RECON_ENV.kmsKeyId];
  const localKeyFile = env[RECON_ENV.localKeyFile];
  if (keyId) {
    const endpoint = env[RECON_ENV.kmsEndpoint];
    let client: KMSClient | undefined;
    probes.kms = async () => {
      client ??= new KMSClient({ ...PROBE_CLIENT, ...(endpoint ? { endpoint } : {}) });
      const answer = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      if (answer.KeyMetadata?.Enabled !== true) throw new Error('the key is not enabled');
    };
  } else if (localKeyFile) {
    // The local key provider (npm start --recon-keys local) in place of KMS.
    probes.kms = async () => {
      readLocalMasterKeySync(localKeyFile);
    };
  }
  const bucket = env[SMARTBILL_ENV.bucketName];
  if (bucket) {
    const endpoint = env[SMARTBILL_ENV.s3Endpoint];
    const accessKeyId = env[SMARTBILL_ENV.s3AccessKeyId];
    const secretAccessKey = env[SMARTBILL_ENV.s3SecretAccessKey];
    let client: S3Client | undefined;
    probes.smartBillStore = async () => {
      client ??= new S3Client({
        ...PROBE_CLIENT,
        ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
        ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
      });
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    };
  }
  return probes;
}

/**
 * A health check over a set of probes, run together, each bounded by {@link PROBE_TIMEOUT_MS},
 * the result reused for `cacheMs` and shared by concurrent callers.
 *
 * @param probes - the checks
 * @param options - cache lifetime and clock (tests)
 * @returns a function answering the current report
 */
export function createHealthCheck(
  probes: HealthProbes,
  options: { readonly cacheMs?: number; readonly now?: () => number } = {},
): () => Promise<HealthReport> {
  const cacheMs = options.cacheMs ?? HEALTH_CACHE_MS;
  const now = options.now ?? Date.now;
  let cached: { readonly at: number; readonly report: Promise<HealthReport> } | undefined;
  const run = async (): Promise<HealthReport> => {
    const statuses = await Promise.all(
      HEALTH_DEPENDENCIES.map(async (name): Promise<DependencyStatus> => {
        const probe = probes[name];
        if (probe === undefined) return 'not-configured';
        return withTimeout(probe).then(
          () => 'ok',
          () => 'unavailable',
        );
      }),
    );
    const dependencies = Object.fromEntries(
      HEALTH_DEPENDENCIES.map((name, i) => [name, { status: statuses[i] as DependencyStatus }]),
    ) as HealthReport['dependencies'];
    return {
      status: statuses.includes('unavailable') ? 'degraded' : 'ok',
      checkedAt: new Date(now()).toISOString(),
      dependencies,
    };
  };
  return () => {
    const at = now();
    if (cached === undefined || at - cached.at >= cacheMs) cached = { at, report: run() };
    return cached.report;
  };
}
