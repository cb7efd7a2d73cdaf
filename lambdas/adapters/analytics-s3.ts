import type { ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import type {
  AnalyticsTenantStore,
  PeerDistribution,
  PeerSnapshot,
  PeerSnapshotStore,
} from '../app/analytics/ports.js';
import {
  DependencyUnavailableError,
  dependencyError,
  UNREACHABLE_RETRY_AFTER_SECONDS,
} from '../app/dependency-errors.js';
import { TENANT_ID } from '../app/tenant.js';
import { ANALYTICS_DEPENDENCY } from './analytics-athena.js';

/** The SDK's commands, loaded on first use (the pricing function loads the snapshot at most every 5 minutes). */
let sdk: Promise<typeof import('@aws-sdk/client-s3')> | undefined;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= import('@aws-sdk/client-s3');
  sdk.catch(() => {
    sdk = undefined;
  });
  return sdk;
}

/** DeleteObjects takes at most 1,000 keys a call (S3 API reference). */
export const DELETE_OBJECTS_LIMIT = 1_000;

// A tenant id (app/tenant.ts) holds neither `/` nor `=`, so `tenant=<id>/` can never reach into
// another tenant's prefix (`acme` is not a prefix of `acme-2/` because of the slash).

/** S3 error codes of DeleteObjects entries that a later retry may not see. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['InternalError', 'SlowDown', 'ServiceUnavailable']);

/**
 * The prefix of one tenant's records.
 *
 * @param linesPrefix - the lines' prefix (`lines/`)
 * @param tenant - the tenant id
 * @returns `lines/tenant=<id>/`
 * @throws RangeError for a string that is not a tenant id
 */
export function tenantLinesPrefix(linesPrefix: string, tenant: string): string {
  if (!TENANT_ID.test(tenant)) throw new RangeError('not a tenant id');
  return `${linesPrefix}tenant=${tenant}/`;
}

/** Options of {@link S3AnalyticsTenantStore}. */
export interface S3AnalyticsTenantStoreOptions {
  readonly client: S3Client;
  /** The analytics bucket (`ANALYTICS_BUCKET`). */
  readonly bucketName: string;
  /** Where the Parquet files are (`LINES_PREFIX`, lambdas/handlers/shared/analytics-env.ts, which adapters may not import). */
  readonly linesPrefix: string;
}

/**
 * Tenants and their deletion in the analytics bucket. Tenants are the common prefixes
 * `lines/tenant=<id>/` (one LIST with a delimiter per 1,000 tenants, whatever the number of
 * files). Deleting lists every version and delete marker under the tenant's prefix and deletes
 * them by version id, 1,000 a call: the bucket is versioned (HIPAA's S3 versioning rule), and a
 * plain delete would leave each file behind as a noncurrent version until the lifecycle removes
 * it. An unversioned bucket lists its objects with version id "null", which deletes them as well.
 */
export class S3AnalyticsTenantStore implements AnalyticsTenantStore {
  readonly #client: S3Client;
  readonly #bucketName: string;
  readonly #linesPrefix: string;

  /**
   * @param options - client, bucket, prefix
   */
  public constructor(options: S3AnalyticsTenantStoreOptions) {
    this.#client = options.client;
    this.#bucketName = options.bucketName;
    this.#linesPrefix = options.linesPrefix;
  }

  /**
   * Every tenant with at least one file, sorted.
   *
   * @returns the tenant ids
   */
  public async tenants(): Promise<readonly string[]> {
    const s3 = await loadSdk();
    const tenants: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#call(() =>
        this.#client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.#bucketName,
            Prefix: `${this.#linesPrefix}tenant=`,
            Delimiter: '/',
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        ),
      );
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        const tenant = Prefix?.slice(`${this.#linesPrefix}tenant=`.length, -1);
        // Only ids a token could carry: a stray prefix must not reach an Athena IN list.
        if (tenant !== undefined && TENANT_ID.test(tenant)) tenants.push(tenant);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return tenants.sort();
  }

  /**
   * Deletes every version of every file of the tenant.
   *
   * @param tenant - the tenant id (from the token)
   * @returns how many files (keys) were deleted
   * @throws DependencyUnavailableError when S3 could not delete some of them for now
   */
  public async deleteTenant(tenant: string): Promise<{ readonly objectsDeleted: number }> {
    const s3 = await loadSdk();
    const prefix = tenantLinesPrefix(this.#linesPrefix, tenant);
    const keys = new Set<string>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await this.#call(() =>
        this.#client.send(
          new s3.ListObjectVersionsCommand({
            Bucket: this.#bucketName,
            Prefix: prefix,
            MaxKeys: DELETE_OBJECTS_LIMIT,
            ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
            ...(versionMarker === undefined ? {} : { VersionIdMarker: versionMarker }),
          }),
        ),
      );
      const objects: ObjectIdentifier[] = [];
      for (const version of page.Versions ?? []) {
        if (version.Key === undefined) continue;
        objects.push({
          Key: version.Key,
          ...(version.VersionId === undefined ? {} : { VersionId: version.VersionId }),
        });
        keys.add(version.Key);
      }
      for (const marker of page.DeleteMarkers ?? []) {
        if (marker.Key === undefined) continue;
        objects.push({
          Key: marker.Key,
          ...(marker.VersionId === undefined ? {} : { VersionId: marker.VersionId }),
        });
      }
      for (let i = 0; i < objects.length; i += DELETE_OBJECTS_LIMIT) {
        await this.#delete(s3, objects.slice(i, i + DELETE_OBJECTS_LIMIT));
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    return { objectsDeleted: keys.size };
  }

  async #delete(s3: typeof import('@aws-sdk/client-s3'), objects: ObjectIdentifier[]): Promise<void> {
    if (objects.length === 0) return;
    const answer = await this.#call(() =>
      this.#client.send(
        new s3.DeleteObjectsCommand({
          Bucket: this.#bucketName,
          // Quiet: the answer lists the failures only.
          Delete: { Objects: objects, Quiet: true },
        }),
      ),
    );
    const errors = answer.Errors ?? [];
    if (errors.length === 0) return;
    const codes = [...new Set(errors.map((e) => e.Code ?? 'unknown'))];
    const cause = new Error(
      `DeleteObjects failed for ${errors.length} of ${objects.length}: ${codes.join(', ')}`,
    );
    // Deleting again is harmless: a transient failure is the caller's cue to retry the DELETE.
    if (codes.every((code) => TRANSIENT_CODES.has(code))) {
      throw new DependencyUnavailableError(ANALYTICS_DEPENDENCY, UNREACHABLE_RETRY_AFTER_SECONDS, { cause });
    }
    throw cause;
  }

  async #call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw dependencyError(ANALYTICS_DEPENDENCY, error);
    }
  }
}

/** Options of {@link S3PeerSnapshotStore}. */
export interface S3PeerSnapshotStoreOptions {
  readonly client: S3Client;
  /** The analytics bucket (`ANALYTICS_BUCKET`). */
  readonly bucketName: string;
  /** The snapshot's key (`PEER_SNAPSHOT_KEY`, analytics-env.ts). */
  readonly key: string;
  /**
   * KMS key (id or ARN) to encrypt the snapshot with. Absent: the bucket's default encryption (in
   * AWS the analytics key, SSE-KMS with a bucket key).
   */
  readonly kmsKeyId?: string | undefined;
}

function isDistribution(value: unknown): value is PeerDistribution {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.lines === 'number' &&
    typeof d.tenants === 'number' &&
    Array.isArray(d.billedPerUnit) &&
    d.billedPerUnit.length === 19 &&
    d.billedPerUnit.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/**
 * The snapshot read back, or null when it is not one (a hand-edited or truncated object must not
 * give the pricing path percentiles it cannot trust).
 *
 * @param value - the parsed JSON
 * @returns the snapshot or null
 */
export function peerSnapshotOf(value: unknown): PeerSnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  if (typeof s.builtAt !== 'string' || typeof s.from !== 'string' || typeof s.to !== 'string') return null;
  if (typeof s.groups !== 'object' || s.groups === null || Array.isArray(s.groups)) return null;
  if (!Object.values(s.groups).every(isDistribution)) return null;
  return { builtAt: s.builtAt, from: s.from, to: s.to, groups: s.groups as PeerSnapshot['groups'] };
}

/**
 * The peers' snapshot as one object, `peers/latest.json`, in the analytics bucket: the scheduled
 * builder writes it (PutObject, SSE-KMS), the pricing functions read it (GetObject).
 */
export class S3PeerSnapshotStore implements PeerSnapshotStore {
  readonly #client: S3Client;
  readonly #bucketName: string;
  readonly #kmsKeyId: string | undefined;
  readonly #key: string;

  /**
   * @param options - client, bucket, object key, KMS key
   */
  public constructor(options: S3PeerSnapshotStoreOptions) {
    this.#client = options.client;
    this.#bucketName = options.bucketName;
    this.#key = options.key;
    this.#kmsKeyId = options.kmsKeyId;
  }

  /**
   * Reads the snapshot.
   *
   * @returns it, or null when none was built yet or the object is not a snapshot
   */
  public async load(): Promise<PeerSnapshot | null> {
    const s3 = await loadSdk();
    let text: string;
    try {
      const answer = await this.#client.send(
        new s3.GetObjectCommand({ Bucket: this.#bucketName, Key: this.#key }),
      );
      text = (await answer.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchKey') return null;
      throw dependencyError(ANALYTICS_DEPENDENCY, error);
    }
    try {
      return peerSnapshotOf(JSON.parse(text));
    } catch {
      return null;
    }
  }

  /**
   * Replaces the snapshot (one PUT: readers see the old or the new one, never half).
   *
   * @param snapshot - the new snapshot
   */
  public async save(snapshot: PeerSnapshot): Promise<void> {
    const s3 = await loadSdk();
    try {
      await this.#client.send(
        new s3.PutObjectCommand({
          Bucket: this.#bucketName,
          Key: this.#key,
          Body: JSON.stringify(snapshot),
          ContentType: 'application/json',
          ServerSideEncryption: 'aws:kms',
          ...(this.#kmsKeyId === undefined ? {} : { SSEKMSKeyId: this.#kmsKeyId }),
        }),
      );
    } catch (error) {
      throw dependencyError(ANALYTICS_DEPENDENCY, error);
    }
  }
}
