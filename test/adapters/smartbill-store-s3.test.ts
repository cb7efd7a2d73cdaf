import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSmartBillKey, S3SmartBillStore } from '../../lambdas/adapters/smartbill-store-s3.js';
import {
  SMARTBILL_CACHE_CONTROL,
  SMARTBILL_CONTENT_TYPE,
  SMARTBILL_KEY_PATTERN,
} from '../../lambdas/app/smartbill/ports.js';
import { type RunningS3rver, s3rverClient, startS3rver } from '../../lambdas/local/emulators/s3rver.js';

const BUCKET = 'smartbills-test';
/** `printf '<p>x</p>' | openssl dgst -sha256 -binary | basenc --base64url`, without its one "=" of padding. */
const SHA256_OF_P_X = 'MdjgfsMFrE4lFdHwscjGA7OFgETrfZeAfW0JcIOMsL4';

let dir: string;
let s3rver: RunningS3rver;
let client: S3Client;
let store: S3SmartBillStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wcbr-s3rver-'));
  s3rver = await startS3rver({ directory: dir, buckets: [BUCKET] });
  client = s3rverClient(s3rver.endpoint);
  store = new S3SmartBillStore({ client, bucketName: BUCKET });
});

afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('S3SmartBillStore', () => {
  describe('against s3rver', () => {
    it('stores a page and reads it back unchanged', async () => {
      // Prepare: non-ASCII text must survive the round trip as UTF-8.
      const html = '<!doctype html><html lang="en"><title>SmartBill</title><p>Reducción § 9789.30</p></html>';

      // Act
      const { key } = await store.put(html);

      // Assess
      expect(key).toMatch(SMARTBILL_KEY_PATTERN);
      expect(await store.get(key)).toBe(html);
    });

    it('stores the page as UTF-8 HTML that no cache keeps', async () => {
      const { key } = await store.put('<p>x</p>');
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(head.ContentType).toBe(SMARTBILL_CONTENT_TYPE);
      expect(head.CacheControl).toBe(SMARTBILL_CACHE_CONTROL);
      expect(SMARTBILL_CACHE_CONTROL).toMatch(/\bprivate\b/);
      expect(SMARTBILL_CACHE_CONTROL).toMatch(/\bno-store\b/);
    });

    it('gives 1000 pages 1000 distinct keys', async () => {
      const keys = await Promise.all(Array.from({ length: 1000 }, (_, i) => store.put(`<p>${i}</p>`)));
      expect(new Set(keys.map((k) => k.key)).size).toBe(1000);
      for (const { key } of keys) expect(key).toMatch(SMARTBILL_KEY_PATTERN);
    });

    it('never serves a partial page: an object whose body does not match the digest written with it reads as not stored', async () => {
      // Prepare: what a reader can catch mid-write (the e2e flake read an empty body with 200),
      // made here as an object whose body and digest disagree, and one with no digest at all.
      const { key } = await store.put('<p>complete page</p>');
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '', Metadata: head.Metadata ?? {} }),
      );
      const bare = newSmartBillKey();
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: bare, Body: '<p>no digest</p>' }));
      // Assess
      expect(await store.get(key)).toBeNull();
      expect(await store.get(bare)).toBeNull();
    });

    it('answers null for a key that holds nothing', async () => {
      expect(await store.get(newSmartBillKey())).toBeNull();
    });

    it('answers null for a key it could not have issued, without asking S3', async () => {
      expect(await store.get('../etc/passwd')).toBeNull();
      expect(await store.get('smartbills/short.html')).toBeNull();
    });
  });

  describe('keys', () => {
    it('carries 192 random bits: 32 base64url characters from 24 bytes', () => {
      const key = newSmartBillKey();
      const token = key.slice('smartbills/'.length, -'.html'.length);
      expect(token).toHaveLength(32);
      expect(Buffer.from(token, 'base64url')).toHaveLength(24);
    });

    it('shows no structure across many keys (every position takes many characters)', () => {
      // A counter, a time stamp or a hash of the bill would leave positions nearly constant.
      const tokens = Array.from({ length: 2000 }, () => newSmartBillKey().slice(11, 43));
      for (let i = 0; i < 32; i++) {
        expect(new Set(tokens.map((t) => t[i])).size, `position ${i}`).toBeGreaterThan(50);
      }
    });
  });

  describe('request sent to S3', () => {
    it('asks for SSE-KMS with the given key', async () => {
      const mock = mockClient(S3Client);
      mock.on(PutObjectCommand).resolves({});
      const kmsStore = new S3SmartBillStore({
        client: new S3Client({ region: 'us-east-1' }),
        bucketName: 'b',
        kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc',
      });
      try {
        const { key } = await kmsStore.put('<p>x</p>');
        const [call] = mock.commandCalls(PutObjectCommand);
        expect(call?.args[0].input).toEqual({
          Bucket: 'b',
          Key: key,
          Body: '<p>x</p>',
          // The page's SHA-256, worked outside the code (see SHA256_OF_P_X).
          Metadata: { sha256: SHA256_OF_P_X },
          ContentType: SMARTBILL_CONTENT_TYPE,
          CacheControl: SMARTBILL_CACHE_CONTROL,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc',
          BucketKeyEnabled: true,
        });
      } finally {
        mock.restore();
      }
    });

    it('rethrows an S3 error other than a missing key', async () => {
      const mock = mockClient(S3Client);
      mock.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
      try {
        const s = new S3SmartBillStore({ client: new S3Client({ region: 'us-east-1' }), bucketName: 'b' });
        await expect(s.get(newSmartBillKey())).rejects.toThrow('denied');
      } finally {
        mock.restore();
      }
    });
  });
});
