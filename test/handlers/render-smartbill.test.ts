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
import { SMARTBILL_CONTENT_TYPE, type SmartBillRenderJob } from '../../lambdas/app/smartbill/ports.js';
import { normaliseBill } from '../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../lambdas/engine/price-bill.js';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
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
import { SMARTBILL_TENANTS_ENV } from '../../lambdas/smartbill/contact.js';
import { unlockPage } from '../../lambdas/smartbill/gate.js';
import { unseal } from '../../lambdas/smartbill/seal.js';
import { sampleIndex } from '../support/fee-index.js';
import { PATIENT_STRINGS, testBillInput, testPricedBill } from '../unit/smartbill/fixture.js';
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
type UnlockHandler = typeof import('../../lambdas/handlers/unlock-smartbill/handler.js').handler;
type RevokeHandler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let unlock: UnlockHandler;
let revoke: RevokeHandler;
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
    // tenant-a's payer contact, as CDK passes cdk.json's smartBill.tenants (read once, at start).
    [SMARTBILL_TENANTS_ENV]: JSON.stringify({
      'tenant-a': {
        payerName: 'Tenant A Mutual',
        phone: '555-010-0142',
        appealInstructions: 'Within 45 days, in writing.',
      },
    }),
  });
  handler = (await import('../../lambdas/handlers/render-smartbill/handler.js')).handler as Handler;
  unlock = (await import('../../lambdas/handlers/unlock-smartbill/handler.js')).handler;
  revoke = (await import('../../lambdas/handlers/revoke-smartbill/handler.js'))
    .handler as unknown as RevokeHandler;
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
      await handler(event, { awsRequestId: '6f1c2a9e-4b7d-4e0a-9c3f-2d5e8b1a7c40' });
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
        requestId: '6f1c2a9e-4b7d-4e0a-9c3f-2d5e8b1a7c40',
        route: 'RenderSmartBill',
        statusCode: 201,
        lines: j.priced.lines.length,
        jurisdiction: j.priced.jurisdiction.id,
      }),
    ]);
    expect(lines.join('')).not.toContain(j.key.slice('smartbills/'.length, -'.html'.length));
    expect(lines.join('')).not.toContain(j.priced.totals.billed);
  });

  it("shows the bill's reference and the tenant's payer contact, the bill's own fields first", async () => {
    // Prepare: the tests' bill with a reference and a payer whose contact gives only an email
    const priced = priceBill(
      sampleIndex(),
      normaliseBill({
        ...testBillInput(),
        billReference: 'EOR-2026-0412',
        payer: { name: 'Bill Payer Co', contact: { email: 'appeals@example.com' } },
      }),
    );
    const j = { ...job(), priced };
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    // Act
    try {
      await handler(JSON.parse(encodeRenderEvent(j)) as unknown, { awsRequestId: 'req-render-contact' });
    } finally {
      write.mockRestore();
    }
    // Assess
    const html = (await store.get(j.key)) ?? '';
    const pageId = j.key.slice('smartbills/'.length, -'.html'.length);
    const opened = await unlockPage({ store: gate, now: () => new Date() }, pageId, priced.totals.billed);
    if (opened.status !== 'open') throw new Error(`the gate answered ${opened.status}`);
    const details = await unseal(pageParts(html).sealed, opened.key);
    expect(html).not.toContain('EOR-2026-0412'); // inside the sealed details only
    expect(details).toContain('<strong data-field="billReference">EOR-2026-0412</strong>');
    expect(details).toContain('Contact Bill Payer Co:');
    expect(details).toContain('mailto:appeals@example.com');
    expect(details).toContain('555-010-0142');
    expect(details).toContain('Time allowed: <strong>45 days</strong>');
    // Client input never reaches a log line: the reference is on the page only.
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toContain('EOR-2026-0412');
  });

  it('throws on an event that is not a render job (Lambda retries, then the DLQ keeps it) and stores nothing', async () => {
    const key = newSmartBillKey();
    await expect(handler({ version: 1, key }, { awsRequestId: 'render-2' })).rejects.toThrow(
      RenderEventError,
    );
    expect(await store.get(key)).toBeNull();
  });
});

/** A stored page of the test bill through the renderer, for the unlock and revoke handlers. */
async function rendered(tenantId = 'tenant-a'): Promise<{ key: string; pageId: string }> {
  const j = { ...job(), tenantId };
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await handler(JSON.parse(encodeRenderEvent(j)) as unknown, { awsRequestId: 'render' });
  } finally {
    write.mockRestore();
  }
  return { key: j.key, pageId: j.key.slice('smartbills/'.length, -'.html'.length) };
}

/** A function URL event as CloudFront's origin request reaches it (payload format 2.0). */
function unlockEvent(pageId: string, amount: string, client = '203.0.113.7') {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: `/smartbills/${pageId}.unlock`,
    rawQueryString: 'Policy=x&Signature=y&Key-Pair-Id=K',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `${client}, 130.176.0.1` },
    body: Buffer.from(JSON.stringify({ amount })).toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: 'unlock-1', http: { method: 'POST', sourceIp: '130.176.0.1' } },
  } as unknown as Parameters<UnlockHandler>[0];
}

function revokeEvent(id: string, claims: Record<string, string> | undefined) {
  return {
    httpMethod: 'DELETE',
    resource: '/v1/smartbills/{id}',
    path: `/v1/smartbills/${id}`,
    pathParameters: { id },
    headers: {},
    requestContext: { requestId: 'revoke-1', ...(claims ? { authorizer: { claims } } : {}) },
  };
}

async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await run();
  } finally {
    write.mockRestore();
  }
}

describe('UnlockSmartBill handler', () => {
  it('answers the page key for the total charge, 403 with the tries left for a wrong one; logs no id or amount', async () => {
    const { key, pageId } = await rendered();
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    let wrong: Awaited<ReturnType<UnlockHandler>>;
    let right: Awaited<ReturnType<UnlockHandler>>;
    try {
      wrong = await unlock(unlockEvent(pageId, '1.00'));
      right = await unlock(unlockEvent(pageId, '$2,825.00'));
    } finally {
      write.mockRestore();
    }
    expect([wrong.statusCode, JSON.parse(wrong.body ?? '')]).toEqual([
      403,
      { status: 'mismatch', attemptsLeft: 4 },
    ]);
    expect(right.statusCode).toBe(200);
    const opened = JSON.parse(right.body ?? '') as { key: string };
    const html = (await store.get(key)) ?? '';
    expect(await unseal(pageParts(html).sealed, opened.key)).toContain('2825.00');
    expect(lines.join('')).not.toContain(pageId);
    expect(lines.join('')).not.toContain('2,825');
    expect(lines.join('')).not.toContain(opened.key);
  });

  it('answers 404 for another path or method, without touching the store', async () => {
    const event = { ...unlockEvent('x'.repeat(32), '1.00'), rawPath: '/smartbills/x.html' };
    expect((await quietly(() => unlock(event))).statusCode).toBe(404);
  });
});

describe('RevokeSmartBill handler', () => {
  const tenantA = { client_id: 'tenant-a', scope: 'wcbr/bills:price' };
  const tenantB = { client_id: 'tenant-b', scope: 'wcbr/bills:price' };

  it('withdraws the page for the tenant that priced it: the link shows a notice and the key is gone', async () => {
    const { key, pageId } = await rendered();
    const answer = await quietly(() => revoke(revokeEvent(pageId, tenantA), { awsRequestId: 'r' }));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ id: pageId, revoked: true });
    expect(await store.get(key)).toContain('This page was withdrawn');
    expect(await unlockPage({ store: gate, now: () => new Date() }, pageId, '2825.00')).toEqual({
      status: 'revoked',
    });
    const unlocked = await quietly(() => unlock(unlockEvent(pageId, '2825.00')));
    expect(unlocked.statusCode).toBe(410);
  });

  it('answers 404 to another tenant (the page stays), 403 without a tenant, 400 for a malformed id', async () => {
    const { key, pageId } = await rendered();
    const before = await store.get(key);
    expect(
      (await quietly(() => revoke(revokeEvent(pageId, tenantB), { awsRequestId: 'r' }))).statusCode,
    ).toBe(404);
    expect(await store.get(key)).toBe(before);
    expect(
      (
        await quietly(() =>
          revoke(revokeEvent(pageId, { username: 'u', scope: 'wcbr/bills:price' }), { awsRequestId: 'r' }),
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await quietly(() => revoke(revokeEvent('short', tenantA), { awsRequestId: 'r' }))).statusCode,
    ).toBe(400);
    expect(await unlockPage({ store: gate, now: () => new Date() }, pageId, '2825.00')).toMatchObject({
      status: 'open',
    });
  });
});
