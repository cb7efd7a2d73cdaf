import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbSmartBillGateStore,
  ensureGateTable,
} from '../../lambdas/adapters/smartbill-gate-dynamodb.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type RunningEmulator,
  startDynamoDbLocal,
} from '../../lambdas/local/emulators/dynamodb-local.js';
import { MAX_UNLOCK_ATTEMPTS, newGate, unlockPage } from '../../lambdas/smartbill/gate.js';

/**
 * The gate's DynamoDB adapter against DynamoDB Local (started and stopped here): the conditional
 * updates hold the attempt limit under concurrent guesses, revocation is the tenant's only and
 * removes the key, expiry and unknown pages are refused, and the item holds no amount.
 */

const TABLE = 'wcbr-test-gate';
const NOW = new Date('2026-12-07T05:00:00Z');
const EXPIRES = new Date('2027-01-06T05:00:00Z');
const TOTAL = '2825.00';
let dynamo: RunningEmulator;
let client: DynamoDBClient;
let store: DynamoDbSmartBillGateStore;
let n = 0;

async function page(): Promise<{ pageId: string; key: string }> {
  n += 1;
  const pageId = `page${String(n).padStart(28, '0')}`;
  const gate = newGate({ pageId, tenantId: 'tenant-a', totalCharge: TOTAL, expiresAt: EXPIRES });
  await store.create(gate.record);
  return { pageId, key: Buffer.from(gate.key).toString('base64') };
}

const deps = () => ({ store, now: () => NOW });

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ port: 0 });
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  await ensureGateTable(client, TABLE);
  await ensureGateTable(client, TABLE); // twice: an existing table is fine
  store = new DynamoDbSmartBillGateStore({ client, tableName: TABLE });
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

describe('DynamoDbSmartBillGateStore', () => {
  it('opens for the right amount and gives the attempts back', async () => {
    const { pageId, key } = await page();
    expect(await unlockPage(deps(), pageId, '1.00')).toEqual({ status: 'mismatch', attemptsLeft: 4 });
    expect(await unlockPage(deps(), pageId, '$2,825')).toEqual({ status: 'open', key });
    const item = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pageId: { S: pageId } } }));
    expect(item.Item?.attempts?.N).toBe('0');
    // The item holds the key and a MAC, never the amount.
    expect(JSON.stringify(item.Item)).not.toMatch(/2,?825/);
  });

  it(`compares at most ${MAX_UNLOCK_ATTEMPTS} of 30 concurrent guesses, then is locked for the right amount too`, async () => {
    const { pageId } = await page();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => unlockPage(deps(), pageId, `${i + 1}.00`)),
    );
    expect(answers.filter((a) => a.status === 'mismatch')).toHaveLength(MAX_UNLOCK_ATTEMPTS - 1);
    expect(answers.filter((a) => a.status === 'locked')).toHaveLength(30 - MAX_UNLOCK_ATTEMPTS + 1);
    expect(await unlockPage(deps(), pageId, TOTAL)).toEqual({ status: 'locked' });
  });

  it('revokes for its tenant only, removing the key; revoked beats locked and expired', async () => {
    const { pageId } = await page();
    expect(await store.revoke(pageId, 'tenant-b')).toBe(false);
    expect(await store.revoke(pageId, '')).toBe(false);
    expect(await store.revoke('nope'.padEnd(32, 'x'), 'tenant-a')).toBe(false);
    expect(await store.revoke(pageId, 'tenant-a')).toBe(true);
    const item = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pageId: { S: pageId } } }));
    expect(item.Item?.pageKey).toBeUndefined();
    expect(item.Item?.amountMac).toBeUndefined();
    expect(await unlockPage(deps(), pageId, TOTAL)).toEqual({ status: 'revoked' });
    expect(await unlockPage({ store, now: () => EXPIRES }, pageId, TOTAL)).toEqual({ status: 'revoked' });
  });

  it('answers expired from the expiry second on, and not-found for an unknown page', async () => {
    const { pageId } = await page();
    expect(await unlockPage({ store, now: () => EXPIRES }, pageId, TOTAL)).toEqual({ status: 'expired' });
    expect(await unlockPage(deps(), 'z'.repeat(32), TOTAL)).toEqual({ status: 'not-found' });
  });

  it('refuses a second record under the same page id', async () => {
    const { pageId } = await page();
    const again = newGate({ pageId, tenantId: 'tenant-b', totalCharge: TOTAL, expiresAt: EXPIRES });
    await expect(store.create(again.record)).rejects.toThrow(/ConditionalCheckFailed|conditional/i);
  });
});
