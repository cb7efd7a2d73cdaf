import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_PARTITION_KEY,
  BATCH_SORT_KEY,
  DynamoDbBatchStore,
} from '../../lambdas/adapters/batch-dynamodb.js';
import { S3BatchObjects } from '../../lambdas/adapters/batch-s3.js';
import type { BatchRecord } from '../../lambdas/app/batch/ports.js';
import { type RunningS3rver, s3rverClient, startS3rver } from '../../lambdas/local/emulators/s3rver.js';
import { withDynamoDbLocal } from '../support/emulators.js';

/**
 * The AWS adapters of bulk repricing against DynamoDB Local and s3rver: the record's conditional
 * start (an upload starts a batch once), the ADD counters, tenant-scoped reads; ranged reads pinned
 * to a version, streaming, and results.jsonl assembled from parts by multipart upload. s3rver checks
 * no signature, so the presigned links are tested only for what they name (the e2e test checks the
 * local edge's refusal of a tampered link).
 */

const dynamo = withDynamoDbLocal();
let s3: RunningS3rver;

beforeAll(async () => {
  s3 = await startS3rver({
    directory: mkdtempSync(path.join(os.tmpdir(), 'wcbr-batch-s3-')),
    buckets: ['batches'],
  });
});
afterAll(async () => {
  await s3?.stop();
});

const record = (batchId: string): BatchRecord => ({
  tenantId: 'tenant-a',
  batchId,
  format: 'jsonl',
  explain: 'summary',
  state: 'awaiting-upload',
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:00:00.000Z',
  done: 0,
  failed: 0,
  expiresAt: 1_900_000_000,
});

describe('DynamoDbBatchStore', () => {
  it('starts a batch once, adds progress atomically, and reads only under its tenant', async () => {
    const tableName = `batches-${Date.now()}`;
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: BATCH_PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: BATCH_SORT_KEY, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: BATCH_PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: BATCH_SORT_KEY, KeyType: 'RANGE' },
        ],
      }),
    );
    const store = new DynamoDbBatchStore({ client: dynamo.client, tableName });
    const id = 'B'.repeat(32);
    await store.create(record(id));
    await expect(store.create(record(id))).rejects.toThrow();
    expect(await store.get('tenant-b', id)).toBeNull();
    expect(await store.start('tenant-a', id, { total: 2500, chunks: 3 })).toBe(true);
    expect(await store.start('tenant-a', id, { total: 1, chunks: 1 })).toBe(false);
    await Promise.all([
      store.addProgress('tenant-a', id, { done: 1000, failed: 2 }),
      store.addProgress('tenant-a', id, { done: 1000, failed: 0 }),
      store.addProgress('tenant-a', id, { done: 500, failed: 1 }),
    ]);
    await store.finish('tenant-a', id, { state: 'succeeded' });
    expect(await store.get('tenant-a', id)).toMatchObject({
      state: 'succeeded',
      total: 2500,
      chunks: 3,
      done: 2500,
      failed: 3,
      expiresAt: 1_900_000_000,
    });
    // A chunk of a batch whose record is gone does not create one.
    await expect(store.addProgress('tenant-a', 'C'.repeat(32), { done: 1, failed: 0 })).rejects.toThrow();
  });
});

describe('S3BatchObjects', () => {
  it('reads byte ranges of one version, streams, and concatenates parts in order', async () => {
    const client = s3rverClient(s3.endpoint);
    const objects = new S3BatchObjects({ client, bucketName: 'batches' });
    await objects.write(
      'batches/t/b/input.jsonl',
      'line one\nline two\nline three\n',
      'application/x-ndjson',
    );
    const head = await client.send(
      new HeadObjectCommand({ Bucket: 'batches', Key: 'batches/t/b/input.jsonl' }),
    );
    expect(
      new TextDecoder().decode(await objects.readRange('batches/t/b/input.jsonl', 9, 18, head.ETag)),
    ).toBe('line two\n');
    // s3rver ignores If-Match on GET: the request is checked to carry it (S3 answers 412 to a mismatch).
    const sent: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        if (headers['if-match'] !== undefined) sent.push(headers['if-match']);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureIfMatch' },
    );
    await objects.readRange('batches/t/b/input.jsonl', 0, 4, '"v1"');
    expect(sent).toEqual(['"v1"']);
    let streamed = '';
    for await (const bytes of objects.stream('batches/t/b/input.jsonl'))
      streamed += new TextDecoder().decode(bytes);
    expect(streamed).toBe('line one\nline two\nline three\n');
    expect(await objects.readText('batches/t/b/missing.json')).toBeNull();
    await objects.write('batches/t/b/work/part-000000.jsonl', '{"line":1}\n', 'application/x-ndjson');
    await objects.write(
      'batches/t/b/work/part-000001.jsonl',
      '{"line":2}\n{"line":3}\n',
      'application/x-ndjson',
    );
    await objects.concatenate(
      'batches/t/b/results.jsonl',
      ['batches/t/b/work/part-000000.jsonl', 'batches/t/b/work/part-000001.jsonl'],
      'application/x-ndjson',
    );
    expect(await objects.readText('batches/t/b/results.jsonl')).toBe('{"line":1}\n{"line":2}\n{"line":3}\n');
    const upload = new URL(await objects.uploadLink('batches/t/b/input.jsonl', 900));
    expect(upload.pathname).toBe('/batches/batches/t/b/input.jsonl');
    expect(upload.searchParams.get('X-Amz-Expires')).toBe('900');
    client.destroy();
  });
});
