/**
 * The Recon body stores (issue 17, § 2): S3 against s3rver (the local S3), SSE-KMS headers with a
 * mocked client, the (price route's) oversized-answer store's signed link on this bucket, and the local directory store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3OversizedAnswerStore } from '../../lambdas/adapters/oversized-answer-store-s3.js';
import { FileReconBodyStore } from '../../lambdas/adapters/recon-body-store-file.js';
import { S3ReconBodyStore } from '../../lambdas/adapters/recon-body-store-s3.js';
import { OVERSIZED_ANSWER_LINK_TTL_SECONDS } from '../../lambdas/app/answers/oversized-store.js';
import { reconBodyKeys } from '../../lambdas/app/recon/ports.js';
import { type RunningS3rver, s3rverClient, startS3rver } from '../../lambdas/local/emulators/s3rver.js';

const BUCKET = 'recon-bodies-test';
let dir: string;
let s3rver: RunningS3rver;
let client: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wcbr-recon-bodies-'));
  s3rver = await startS3rver({ directory: join(dir, 's3'), buckets: [BUCKET] });
  client = s3rverClient(s3rver.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('S3ReconBodyStore', () => {
  it('writes, reads back byte for byte, answers null for a missing key, and deletes', async () => {
    const store = new S3ReconBodyStore({ client, bucketName: BUCKET });
    const key = reconBodyKeys.work('tenant-a', 'req-1', 'priced');
    const bytes = randomBytes(300_000);
    await store.put(key, bytes);
    expect(Buffer.from((await store.get(key)) ?? []).equals(bytes)).toBe(true);
    expect(await store.get(reconBodyKeys.work('tenant-a', 'req-1', 'delta'))).toBeNull();
    await store.delete([key]);
    expect(await store.get(key)).toBeNull();
  });

  it('asks for SSE-KMS under the bodies key with a bucket key when it has one', async () => {
    const mocked = mockClient(S3Client);
    mocked.on(PutObjectCommand).resolves({});
    try {
      const store = new S3ReconBodyStore({
        client: new S3Client({}),
        bucketName: BUCKET,
        kmsKeyId: 'arn:key',
      });
      await store.put('work/t/r/request.json', 'x');
      expect(mocked.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:key',
        BucketKeyEnabled: true,
      });
    } finally {
      mocked.restore();
    }
  });
});

describe('S3OversizedAnswerStore on the Recon bodies bucket', () => {
  it('stores the answer under the tenant prefix and links it with a presigned GET (the adapter the price route uses)', async () => {
    // A whole second of the real clock: s3rver refuses a link whose X-Amz-Date + expiry has passed.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const store = new S3OversizedAnswerStore({ client, bucketName: BUCKET, now: () => now });
    const body = JSON.stringify({ answer: 'x'.repeat(10_000) });
    const stored = await store.store({
      tenantId: 'tenant-a',
      requestId: 'req-9',
      body,
      contentType: 'application/json',
    });
    expect(stored.bytes).toBe(Buffer.byteLength(body));
    expect(stored.expiresAt).toBe(
      new Date(now.getTime() + OVERSIZED_ANSWER_LINK_TTL_SECONDS * 1000).toISOString(),
    );
    expect(new URL(stored.url).pathname).toMatch(/\/answers\/tenant-a\/req-9\.json$/);
    expect(new URL(stored.url).searchParams.get('X-Amz-Expires')).toBe(
      String(OVERSIZED_ANSWER_LINK_TTL_SECONDS),
    );
    const served = await fetch(stored.url);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(body);
    // s3rver does not check a presigned signature against the key (AWS does): only its form here.
    expect(new URL(stored.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('FileReconBodyStore', () => {
  it('keeps each key in a file of mode 0600 named by its hash, whatever the key says', async () => {
    const root = join(dir, 'files');
    const store = new FileReconBodyStore(root);
    await store.put('work/../../etc/passwd', 'not there');
    await store.put(reconBodyKeys.sealed('t', 'CN-1', 1, 'req-0'), new Uint8Array([1, 2, 3]));
    const files = await readdir(root);
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).toMatch(/^[0-9a-f]{64}$/);
      expect((await stat(join(root, file))).mode & 0o777).toBe(0o600);
    }
    expect(Buffer.from((await store.get('work/../../etc/passwd')) ?? []).toString()).toBe('not there');
    expect(await store.get('work/none')).toBeNull();
    await store.delete(['work/../../etc/passwd', 'work/none']);
    expect(await readdir(root)).toHaveLength(1);
  });
});
