/**
 * The analytics bucket's adapters (issue 19) against a mocked S3 client: tenants from common
 * prefixes, a tenant's deletion (every version, 1,000 a call, never another tenant's prefix), and
 * the peers' snapshot object.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DELETE_OBJECTS_LIMIT,
  S3AnalyticsTenantStore,
  S3PeerSnapshotStore,
  tenantLinesPrefix,
} from '../../lambdas/adapters/analytics-s3.js';
import type { PeerSnapshot } from '../../lambdas/app/analytics/ports.js';
import { DependencyUnavailableError } from '../../lambdas/app/dependency-errors.js';
import { LINES_PREFIX, PEER_SNAPSHOT_KEY } from '../../lambdas/handlers/shared/analytics-env.js';

const s3 = mockClient(S3Client);
const BUCKET = 'analytics-bucket';
const store = () =>
  new S3AnalyticsTenantStore({ client: new S3Client({}), bucketName: BUCKET, linesPrefix: LINES_PREFIX });

beforeEach(() => s3.reset());

describe('tenantLinesPrefix', () => {
  it("is the tenant's Hive partition, with the slash that keeps acme out of acme-2", () => {
    expect(tenantLinesPrefix(LINES_PREFIX, 'acme')).toBe('lines/tenant=acme/');
  });

  it.each(['', 'a/b', '../x', 'acme/', 'a=b', 'x'.repeat(129)])('refuses %j', (tenant) => {
    expect(() => tenantLinesPrefix(LINES_PREFIX, tenant)).toThrow(RangeError);
  });
});

describe('S3AnalyticsTenantStore.tenants', () => {
  it('lists the common prefixes under lines/ page by page, sorted, skipping what is not a tenant id', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({
        IsTruncated: true,
        NextContinuationToken: 't2',
        CommonPrefixes: [{ Prefix: 'lines/tenant=zeta/' }, { Prefix: 'lines/tenant=acme/' }],
      })
      .on(ListObjectsV2Command, { ContinuationToken: 't2' })
      .resolves({
        IsTruncated: false,
        CommonPrefixes: [{ Prefix: 'lines/tenant=beta/' }, { Prefix: "lines/tenant=x'y/" }],
      });
    expect(await store().tenants()).toEqual(['acme', 'beta', 'zeta']);
    const first = s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input;
    expect(first).toMatchObject({ Bucket: BUCKET, Prefix: 'lines/tenant=', Delimiter: '/' });
  });

  it('answers 503 when S3 is unavailable', async () => {
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('x'), { name: 'SlowDown' }));
    await expect(store().tenants()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('S3AnalyticsTenantStore.deleteTenant', () => {
  it("deletes every version and delete marker under the tenant's prefix, 1,000 a call", async () => {
    const versions = Array.from({ length: 1000 }, (_, i) => ({
      Key: `lines/tenant=acme/month=2026-03/f${i % 600}.parquet`,
      VersionId: `v${i}`,
    }));
    s3.on(ListObjectVersionsCommand, { KeyMarker: undefined })
      .resolves({ IsTruncated: true, NextKeyMarker: 'k', NextVersionIdMarker: 'vm', Versions: versions })
      .on(ListObjectVersionsCommand, { KeyMarker: 'k', VersionIdMarker: 'vm' })
      .resolves({
        IsTruncated: false,
        Versions: [{ Key: 'lines/tenant=acme/month=2026-04/g.parquet', VersionId: 'w1' }],
        DeleteMarkers: [{ Key: 'lines/tenant=acme/month=2026-04/h.parquet', VersionId: 'm1' }],
      });
    s3.on(DeleteObjectsCommand).resolves({});
    const answer = await store().deleteTenant('acme');
    // 600 distinct files in the first page and one in the second (the marker is not a file).
    expect(answer).toEqual({ objectsDeleted: 601 });
    const lists = s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(lists.every((l) => l.Prefix === 'lines/tenant=acme/' && l.Bucket === BUCKET)).toBe(true);
    const deletes = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects ?? []);
    expect(deletes.map((d) => d.length)).toEqual([1000, 2]);
    expect(deletes.every((d) => d.length <= DELETE_OBJECTS_LIMIT)).toBe(true);
    expect(deletes[1]).toEqual([
      { Key: 'lines/tenant=acme/month=2026-04/g.parquet', VersionId: 'w1' },
      { Key: 'lines/tenant=acme/month=2026-04/h.parquet', VersionId: 'm1' },
    ]);
  });

  it('deletes nothing for a tenant without files', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    expect(await store().deleteTenant('acme')).toEqual({ objectsDeleted: 0 });
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('refuses a tenant id that could reach another prefix, before any call', async () => {
    await expect(store().deleteTenant('acme/../zeta')).rejects.toThrow(RangeError);
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers 503 for transient per-key failures, and fails loudly for a refusal', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      IsTruncated: false,
      Versions: [{ Key: 'lines/tenant=acme/a', VersionId: '1' }],
    });
    s3.on(DeleteObjectsCommand)
      .resolvesOnce({ Errors: [{ Key: 'lines/tenant=acme/a', Code: 'SlowDown' }] })
      .resolvesOnce({ Errors: [{ Key: 'lines/tenant=acme/a', Code: 'AccessDenied' }] });
    await expect(store().deleteTenant('acme')).rejects.toBeInstanceOf(DependencyUnavailableError);
    const error = await store()
      .deleteTenant('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('S3PeerSnapshotStore', () => {
  const snapshot: PeerSnapshot = {
    builtAt: '2026-12-07T03:00:00.000Z',
    from: '2025-12',
    to: '2026-11',
    groups: {
      'NY|99213|': { lines: 11, tenants: 3, billedPerUnit: Array.from({ length: 19 }, (_, i) => i * 100) },
    },
  };
  const peers = (kmsKeyId?: string) =>
    new S3PeerSnapshotStore({
      client: new S3Client({}),
      bucketName: BUCKET,
      key: PEER_SNAPSHOT_KEY,
      kmsKeyId,
    });
  // The one method of the SDK's stream mixin the store reads.
  const body = (text: string) =>
    ({ transformToString: async () => text }) as unknown as NonNullable<GetObjectCommandOutput['Body']>;

  it('writes peers/latest.json as JSON under KMS', async () => {
    s3.on(PutObjectCommand).resolves({});
    await peers('key-arn').save(snapshot);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: BUCKET,
      Key: 'peers/latest.json',
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'key-arn',
    });
    expect(JSON.parse(String(input?.Body))).toEqual(snapshot);
  });

  it('reads it back', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'peers/latest.json' }).resolves({
      Body: body(JSON.stringify(snapshot)),
    });
    expect(await peers().load()).toEqual(snapshot);
  });

  it('answers null before the first build, and for an object that is not a snapshot', async () => {
    s3.on(GetObjectCommand)
      .rejectsOnce(Object.assign(new Error('none'), { name: 'NoSuchKey' }))
      .resolvesOnce({ Body: body('{"builtAt":"x","from":"a","to":"b","groups":{"k":{"lines":1}}}') })
      .resolvesOnce({ Body: body('{truncated') });
    for (let i = 0; i < 3; i += 1) expect(await peers().load()).toBeNull();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
  });

  it('answers 503 when S3 is unavailable', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('x'), { name: 'ServiceUnavailable' }));
    await expect(peers().load()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
