import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DynamoDbSmartBillGateStore,
  ensureGateTable,
} from '../../lambdas/adapters/smartbill-gate-dynamodb.js';
import { encodeRenderEvent, RenderEventError } from '../../lambdas/adapters/smartbill-publisher-lambda.js';
import { newSmartBillKey, S3SmartBillStore } from '../../lambdas/adapters/smartbill-store-s3.js';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
import {
  SMARTBILL_CONTENT_TYPE,
  type SmartBillRenderJob,
} from '../../lambdas/handlers/shared/smartbill-ports.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type RunningEmulator,
  startDynamoDbLocal,
} from '../../lambdas/local/emulators/dynamodb-local.js';
import {
  type RunningS3rver,
  S3RVER_CREDENTIALS,
  S3RVER_REGION,
  s3rverClient,
  startS3rver,
} from '../../lambdas/local/emulators/s3rver.js';
import { unlockPage } from '../../lambdas/smartbill/gate.js';
import { unseal } from '../../lambdas/smartbill/seal.js';
import { PATIENT_STRINGS, testPricedBill } from '../unit/smartbill/fixture.js';
import { pageParts } from '../unit/smartbill/page-parts.js';

/**
 * The renderer function as Lambda runs it: the module reads its environment once, the event is
 * what the pricing function's publisher sends, the page lands in an S3-compatible bucket
 * (s3rver) and its gate record in a DynamoDB table (DynamoDB Local), both started and stopped here.
 */
const GATE_TABLE = 'wcbr-test-smartbill-gate';
let dynamo: RunningEmulator;
let dynamoClient: DynamoDBClient;
let gate: DynamoDbSmartBillGateStore;

const BUCKET = 'wcbr-test-smartbills';
type Handler = (event: unknown, context: { readonly awsRequestId: string }) => Promise<void>;

let dir: string;
let s3rver: RunningS3rver;
let client: S3Client;
let store: S3SmartBillStore;
let handler: Handler;
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wcbr-render-'));
  s3rver = await startS3rver({ directory: dir, buckets: [BUCKET] });
  client = s3rverClient(s3rver.endpoint);
  store = new S3SmartBillStore({ client, bucketName: BUCKET });
  dynamo = await startDynamoDbLocal({ port: 0 });
  dynamoClient = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  await ensureGateTable(dynamoClient, GATE_TABLE);
  gate = new DynamoDbSmartBillGateStore({ client: dynamoClient, tableName: GATE_TABLE });
  setEnv({
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    [SMARTBILL_ENV.gateTable]: GATE_TABLE,
    [SMARTBILL_ENV.gateEndpoint]: dynamo.endpoint,
    AWS_REGION: S3RVER_REGION,
    [SMARTBILL_ENV.bucketName]: BUCKET,
    [SMARTBILL_ENV.s3Endpoint]: s3rver.endpoint,
    [SMARTBILL_ENV.s3AccessKeyId]: S3RVER_CREDENTIALS.accessKeyId,
    [SMARTBILL_ENV.s3SecretAccessKey]: S3RVER_CREDENTIALS.secretAccessKey,
  });
  handler = (await import('../../lambdas/handlers/render-smartbill/handler.js')).handler as Handler;
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  client?.destroy();
  dynamoClient?.destroy();
  await dynamo?.stop();
  await s3rver?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function job(): SmartBillRenderJob {
  return {
    key: newSmartBillKey(),
    priced: testPricedBill(),
    generatedAt: '2026-11-22T10:00:00.750Z',
    // Far enough ahead that the gate is open whenever the test runs.
    expiresAt: '2099-12-22T10:00:00.000Z',
    tenantId: 'tenant-a',
  };
}

describe('RenderSmartBill handler', () => {
  it('stores the gate record and the page under the key the link names; the gate opens it for the total charge; no patient data', async () => {
    // Prepare
    const j = job();
    const event = JSON.parse(encodeRenderEvent(j)) as unknown;
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    // Act
    try {
      await handler(event, { awsRequestId: 'render-1' });
    } finally {
      write.mockRestore();
    }
    // Assess
    const html = await store.get(j.key);
    expect(html).not.toBeNull();
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: j.key }));
    expect(head.ContentType).toBe(SMARTBILL_CONTENT_TYPE);
    const pageId = j.key.slice('smartbills/'.length, -'.html'.length);
    const opened = await unlockPage({ store: gate, now: () => new Date() }, pageId, j.priced.totals.billed);
    if (opened.status !== 'open') throw new Error(`the gate answered ${opened.status}`);
    expect(html).not.toContain(opened.key);
    const details = await unseal(pageParts(html ?? '').sealed, opened.key);
    expect(details).toContain(j.expiresAt);
    for (const s of PATIENT_STRINGS) expect(`${html}${details}`, s).not.toContain(s);
    // One log line of metadata: never the key (the page's capability) nor any amount.
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        requestId: 'render-1',
        route: 'RenderSmartBill',
        statusCode: 201,
        lines: j.priced.lines.length,
        jurisdiction: j.priced.jurisdiction.id,
      }),
    ]);
    expect(lines.join('')).not.toContain(j.key.slice('smartbills/'.length, -'.html'.length));
    expect(lines.join('')).not.toContain(j.priced.totals.billed);
  });

  it('throws on an event that is not a render job (Lambda retries, then the DLQ keeps it) and stores nothing', async () => {
    const key = newSmartBillKey();
    await expect(handler({ version: 1, key }, { awsRequestId: 'render-2' })).rejects.toThrow(
      RenderEventError,
    );
    expect(await store.get(key)).toBeNull();
  });
});
