import type {
  AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  type GateRecord,
  type GateRefusal,
  gateRefusal,
  type SmartBillGateStore,
} from '../smartbill/gate.js';
import { awsSdk } from './aws-sdk.js';

/**
 * The SmartBill gate in DynamoDB: one item a page, keyed by `pageId`, in its own small table
 * (docs/decisions/009-smartbill-online-gate.md): encrypted at rest with the stateful stack's
 * customer-managed key, `expiresAt` its TTL attribute. Every change is one conditional UpdateItem,
 * so an attempt is taken atomically however many arrive at once.
 */

/** The table's partition key and TTL attribute (CDK and the local stack create the table with them). */
export const GATE_TABLE_SCHEMA = { partitionKey: 'pageId', ttlAttribute: 'expiresAt' } as const;

/** Options of {@link DynamoDbSmartBillGateStore}. */
export interface DynamoDbSmartBillGateStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

function toRecord(item: Record<string, AttributeValue>): GateRecord {
  return {
    pageId: item.pageId?.S ?? '',
    tenantId: item.tenantId?.S ?? '',
    ...(item.pageKey?.S === undefined ? {} : { key: item.pageKey.S }),
    ...(item.amountMac?.S === undefined ? {} : { amountMac: item.amountMac.S }),
    attempts: Number(item.attempts?.N ?? '0'),
    revoked: item.revoked?.BOOL === true,
    expiresAt: Number(item.expiresAt?.N ?? '0'),
  };
}

function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof awsSdk.dynamoDb().ConditionalCheckFailedException ||
    (error as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

/** {@link SmartBillGateStore} on a DynamoDB table. */
export class DynamoDbSmartBillGateStore implements SmartBillGateStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  /** @param options - client and table */
  public constructor(options: DynamoDbSmartBillGateStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  /** @param record - see {@link SmartBillGateStore.create} */
  public async create(record: GateRecord): Promise<void> {
    await this.#client.send(
      new (awsSdk.dynamoDb().PutItemCommand)({
        TableName: this.#table,
        Item: {
          pageId: { S: record.pageId },
          tenantId: { S: record.tenantId },
          ...(record.key === undefined ? {} : { pageKey: { S: record.key } }),
          ...(record.amountMac === undefined ? {} : { amountMac: { S: record.amountMac } }),
          attempts: { N: String(record.attempts) },
          revoked: { BOOL: record.revoked },
          expiresAt: { N: String(record.expiresAt) },
        },
        ConditionExpression: 'attribute_not_exists(pageId)',
      }),
    );
  }

  /**
   * @param pageId - see {@link SmartBillGateStore.takeAttempt}
   * @param max - the attempt limit
   * @param nowEpoch - epoch seconds now
   * @returns the record after the attempt, or the refusal
   */
  public async takeAttempt(pageId: string, max: number, nowEpoch: number): Promise<GateRecord | GateRefusal> {
    try {
      const out = await this.#client.send(
        new (awsSdk.dynamoDb().UpdateItemCommand)({
          TableName: this.#table,
          Key: { pageId: { S: pageId } },
          UpdateExpression: 'SET attempts = attempts + :one',
          ConditionExpression:
            'attribute_exists(pageId) AND revoked = :no AND attempts < :max AND expiresAt > :now',
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':no': { BOOL: false },
            ':max': { N: String(max) },
            ':now': { N: String(nowEpoch) },
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return toRecord(out.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = error.Item === undefined ? undefined : toRecord(error.Item);
      return gateRefusal(old, max, nowEpoch) ?? 'locked';
    }
  }

  /** @param pageId - see {@link SmartBillGateStore.resetAttempts} */
  public async resetAttempts(pageId: string): Promise<void> {
    try {
      await this.#client.send(
        new (awsSdk.dynamoDb().UpdateItemCommand)({
          TableName: this.#table,
          Key: { pageId: { S: pageId } },
          UpdateExpression: 'SET attempts = :zero',
          ConditionExpression: 'attribute_exists(pageId)',
          ExpressionAttributeValues: { ':zero': { N: '0' } },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * @param pageId - see {@link SmartBillGateStore.revoke}
   * @param tenantId - the caller's tenant
   * @returns whether the page was the tenant's
   */
  public async revoke(pageId: string, tenantId: string): Promise<boolean> {
    try {
      await this.#client.send(
        new (awsSdk.dynamoDb().UpdateItemCommand)({
          TableName: this.#table,
          Key: { pageId: { S: pageId } },
          // Removing the key is the revocation: no copy of the page (a cache, a download) opens again.
          UpdateExpression: 'SET revoked = :yes REMOVE pageKey, amountMac',
          ConditionExpression: 'attribute_exists(pageId) AND tenantId = :tenant AND :tenant <> :none',
          ExpressionAttributeValues: {
            ':yes': { BOOL: true },
            ':tenant': { S: tenantId },
            ':none': { S: '' },
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/**
 * Creates the gate table when it does not exist (local stack and tests; CDK creates it in AWS).
 *
 * @param client - a DynamoDB client
 * @param tableName - the table
 */
export async function ensureGateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new (awsSdk.dynamoDb().CreateTableCommand)({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: GATE_TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: GATE_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
}
