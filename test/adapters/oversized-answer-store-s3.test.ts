/**
 * The S3 store of oversized answers (decision 014) against s3rver, read back through presigned
 * links checked by the local edge, and the PUT it sends to S3 (SSE-KMS) against a mocked client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3OversizedAnswerStore } from '../../lambdas/adapters/oversized-answer-store-s3.js';
import {
  OVERSIZED_ANSWER_LINK_TTL_SECONDS,
  oversizedAnswerKey,
} from '../../lambdas/app/answers/oversized-store.js';
import { DependencyUnavailableError } from '../../lambdas/app/dependency-errors.js';
import { type AnswerEdge, startAnswerEdge } from '../../lambdas/local/answer-edge.js';
import {
  type RunningS3rver,
  S3RVER_CREDENTIALS,
  S3RVER_REGION,
  s3rverClient,
  startS3rver,
} from '../../lambdas/local/emulators/s3rver.js';

const BUCKET = 'answers-test';
/** `printf '{"a":1}' | openssl dgst -sha256 -binary | basenc --base64url`, without its "=" of padding. */
const SHA256_OF_A1 = 'AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX-GI';
const SIGNED_AT = new Date('2026-12-07T10:00:00.750Z');

let dir: string;
let s3rver: RunningS3rver;
let client: S3Client;
let edge: AnswerEdge;
let linkClient: S3Client;
let store: S3OversizedAnswerStore;
let clock = Date.now();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wcbr-answers-'));
  s3rver = await startS3rver({ directory: dir, buckets: [BUCKET] });
  client = s3rverClient(s3rver.endpoint);
  edge = await startAnswerEdge({
    s3: client,
    credentials: S3RVER_CREDENTIALS,
    region: S3RVER_REGION,
    now: () => new Date(clock),
  });
  linkClient = new S3Client({
    endpoint: edge.url,
    region: S3RVER_REGION,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  store = new S3OversizedAnswerStore({ client, linkClient, bucketName: BUCKET, now: () => new Date(clock) });
});

afterAll(async () => {
  await edge?.stop();
  linkClient?.destroy();
  client?.destroy();
  await s3rver?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('S3OversizedAnswerStore', () => {
  describe('against s3rver, through the edge', () => {
    it('stores the body whole under the tenant’s prefix and links to it for fifteen minutes', async () => {
      // Non-ASCII text and 7 MB: the size is counted in UTF-8 bytes and nothing is cut.
      const body = JSON.stringify({ note: 'Reducción § 9789.30', pad: 'x'.repeat(7_000_000) });
      clock = Date.now();
      const stored = await store.store({
        tenantId: 'tenant-a',
        requestId: 'req-1',
        body,
        contentType: 'application/json; charset=utf-8',
      });
      expect(stored.bytes).toBe(Buffer.byteLength(body, 'utf8'));
      expect(stored.bytes).toBeGreaterThan(body.length);
      const link = new URL(stored.url);
      expect(link.pathname).toBe(`/${BUCKET}/answers/tenant-a/req-1.json`);
      expect(link.searchParams.get('X-Amz-Expires')).toBe(String(OVERSIZED_ANSWER_LINK_TTL_SECONDS));
      expect(Date.parse(stored.expiresAt) - Math.floor(clock / 1000) * 1000).toBe(
        OVERSIZED_ANSWER_LINK_TTL_SECONDS * 1000,
      );
      const read = await fetch(stored.url);
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(read.headers.get('cache-control')).toBe('private, no-store');
      expect((await read.text()) === body).toBe(true);
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'answers/tenant-a/' }),
      );
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['answers/tenant-a/req-1.json']);
    }, 60_000);

    it('expires the link at expiresAt, to the second', async () => {
      clock = SIGNED_AT.getTime();
      const stored = await store.store({
        tenantId: 't',
        requestId: 'r2',
        body: '{}',
        contentType: 'application/json',
      });
      // Signed at 10:00:00 (the whole second), valid 900 s: until 10:15:00, not 10:15:00.750.
      expect(stored.expiresAt).toBe('2026-12-07T10:15:00.000Z');
      clock = Date.parse(stored.expiresAt) - 1;
      expect((await fetch(stored.url)).status).toBe(200);
      clock = Date.parse(stored.expiresAt);
      expect((await fetch(stored.url)).status).toBe(403);
      clock = Date.now();
    });

    it('a link signed with other credentials is refused (403), and a missing object with a good link is 404', async () => {
      const other = new S3OversizedAnswerStore({
        client,
        linkClient: new S3Client({
          endpoint: edge.url,
          region: S3RVER_REGION,
          forcePathStyle: true,
          credentials: { accessKeyId: S3RVER_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' },
        }),
        bucketName: BUCKET,
      });
      const forged = await other.store({
        tenantId: 't',
        requestId: 'r3',
        body: '{}',
        contentType: 'application/json',
      });
      expect((await fetch(forged.url)).status).toBe(403);
      const gone = await store.store({
        tenantId: 't',
        requestId: 'r4',
        body: '{}',
        contentType: 'application/json',
      });
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'answers/t/r4.json' }));
      expect((await fetch(gone.url)).status).toBe(404);
    });

    it('refuses a tenant or request id that could leave the tenant’s prefix, writing nothing', async () => {
      for (const [tenantId, requestId] of [
        ['..', 'r'],
        ['a/b', 'r'],
        ['t', '../x'],
        ['t', ''],
        ['', 'r'],
      ] as const) {
        await expect(
          store.store({ tenantId, requestId, body: '{}', contentType: 'application/json' }),
        ).rejects.toThrow(TypeError);
      }
      expect(oversizedAnswerKey('tenant-a', 'c0ffee')).toBe('answers/tenant-a/c0ffee.json');
    });
  });

  describe('request sent to S3', () => {
    it('turns S3 throttling into DependencyUnavailableError (503 with Retry-After), not a 500', async () => {
      const mock = mockClient(S3Client);
      mock.on(PutObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
      try {
        const slow = new S3OversizedAnswerStore({
          client: new S3Client({
            region: 'us-east-1',
            credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
          }),
          bucketName: 'wcbr-dev-answers',
        });
        await expect(
          slow.store({ tenantId: 't', requestId: 'r', body: '{}', contentType: 'application/json' }),
        ).rejects.toBeInstanceOf(DependencyUnavailableError);
      } finally {
        mock.restore();
      }
    });

    it('asks for SSE-KMS with the given key and records the body’s digest', async () => {
      const mock = mockClient(S3Client);
      mock.on(PutObjectCommand).resolves({});
      const kmsStore = new S3OversizedAnswerStore({
        client: new S3Client({
          region: 'us-east-1',
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
        bucketName: 'wcbr-dev-answers',
        kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc',
      });
      try {
        const stored = await kmsStore.store({
          tenantId: 'tenant-a',
          requestId: 'req-9',
          body: '{"a":1}',
          contentType: 'application/json; charset=utf-8',
        });
        const [call] = mock.commandCalls(PutObjectCommand);
        expect(call?.args[0].input).toEqual({
          Bucket: 'wcbr-dev-answers',
          Key: 'answers/tenant-a/req-9.json',
          Body: '{"a":1}',
          ContentType: 'application/json; charset=utf-8',
          CacheControl: 'private, no-store',
          // The body's SHA-256, worked outside the code (see SHA256_OF_A1).
          Metadata: { sha256: SHA256_OF_A1 },
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc',
          BucketKeyEnabled: true,
        });
        // In AWS the link goes to S3 itself, signed by the same client (the function's role).
        const link = new URL(stored.url);
        expect(link.host).toBe('wcbr-dev-answers.s3.us-east-1.amazonaws.com');
        expect(link.pathname).toBe('/answers/tenant-a/req-9.json');
        expect(link.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
        expect(mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
      } finally {
        mock.restore();
      }
    });
  });
});
