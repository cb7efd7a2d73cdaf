/**
 * Batch records in DynamoDB: partition key the tenant, sort key the batch id, so that a batch id
 * reaches a record only under the caller's own tenant; progress counters updated with ADD (chunks
 * finish concurrently); `expiresAt` for TTL (the Recon retention). The table is encrypted with a
 * customer-managed KMS key (lib/constructs/batch-workflow.ts). Records hold no bill content.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { BatchRecord, BatchStore } from '../app/batch/ports.js';
import { dependencyError } from '../app/dependency-errors.js';

/** Key and TTL attributes (CDK reads them). */
export const BATCH_PARTITION_KEY = 'tenantId';
export const BATCH_SORT_KEY = 'batchId';
export const BATCH_TTL_ATTRIBUTE = 'expiresAt';

/** Options of {@link DynamoDbBatchStore}. */
export interface DynamoDbBatchStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const s = (value: string) => ({ S: value });
const n = (value: number) => ({ N: String(value) });

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

/** {@link BatchStore} on DynamoDB. */
export class DynamoDbBatchStore implements BatchStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  /** @param options - client and table */
  constructor(options: DynamoDbBatchStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  #key(tenantId: string, batchId: string) {
    return { [BATCH_PARTITION_KEY]: s(tenantId), [BATCH_SORT_KEY]: s(batchId) };
  }

  async #send<T>(command: PutItemCommand | GetItemCommand | UpdateItemCommand): Promise<T> {
    try {
      return (await this.#client.send(command as GetItemCommand)) as T;
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw dependencyError('Batch store', error);
    }
  }

  async create(record: BatchRecord): Promise<void> {
    await this.#send(
      new PutItemCommand({
        TableName: this.#table,
        Item: {
          ...this.#key(record.tenantId, record.batchId),
          format: s(record.format),
          explain: s(record.explain),
          state: s(record.state),
          createdAt: s(record.createdAt),
          updatedAt: s(record.updatedAt),
          done: n(record.done),
          failed: n(record.failed),
          [BATCH_TTL_ATTRIBUTE]: n(record.expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': BATCH_PARTITION_KEY },
      }),
    );
  }

  async get(tenantId: string, batchId: string): Promise<BatchRecord | null> {
    const out = await this.#send<{ Item?: Record<string, { S?: string; N?: string }> }>(
      new GetItemCommand({ TableName: this.#table, Key: this.#key(tenantId, batchId), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item) return null;
    const num = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
    const str = (name: string) => item[name]?.S;
    return {
      tenantId,
      batchId,
      format: str('format') as BatchRecord['format'],
      explain: str('explain') as BatchRecord['explain'],
      state: str('state') as BatchRecord['state'],
      createdAt: str('createdAt') as string,
      updatedAt: str('updatedAt') as string,
      done: num('done') ?? 0,
      failed: num('failed') ?? 0,
      expiresAt: num(BATCH_TTL_ATTRIBUTE) ?? 0,
      ...(num('total') === undefined ? {} : { total: num('total') as number }),
      ...(num('chunks') === undefined ? {} : { chunks: num('chunks') as number }),
      ...(str('failure') === undefined ? {} : { failure: str('failure') as string }),
    };
  }

  async start(
    tenantId: string,
    batchId: string,
    counts: { total: number; chunks: number },
  ): Promise<boolean> {
    try {
      await this.#send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: this.#key(tenantId, batchId),
          UpdateExpression: 'SET #state = :running, #total = :total, #chunks = :chunks, #updated = :now',
          ConditionExpression: '#state = :awaiting',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#total': 'total',
            '#chunks': 'chunks',
            '#updated': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':running': s('running'),
            ':awaiting': s('awaiting-upload'),
            ':total': n(counts.total),
            ':chunks': n(counts.chunks),
            ':now': s(new Date().toISOString()),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async addProgress(
    tenantId: string,
    batchId: string,
    counts: { done: number; failed: number },
  ): Promise<void> {
    await this.#send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: this.#key(tenantId, batchId),
        UpdateExpression: 'ADD #done :done, #failed :failed SET #updated = :now',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: {
          '#done': 'done',
          '#failed': 'failed',
          '#updated': 'updatedAt',
          '#pk': BATCH_PARTITION_KEY,
        },
        ExpressionAttributeValues: {
          ':done': n(counts.done),
          ':failed': n(counts.failed),
          ':now': s(new Date().toISOString()),
        },
      }),
    );
  }

  async finish(
    tenantId: string,
    batchId: string,
    outcome: { state: 'succeeded' | 'failed'; failure?: string },
  ): Promise<void> {
    await this.#send(
      new UpdateItemCommand({
        TableName: this.#table,
        Key: this.#key(tenantId, batchId),
        UpdateExpression: `SET #state = :state, #updated = :now${outcome.failure === undefined ? '' : ', #failure = :failure'}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#updated': 'updatedAt',
          '#pk': BATCH_PARTITION_KEY,
          ...(outcome.failure === undefined ? {} : { '#failure': 'failure' }),
        },
        ExpressionAttributeValues: {
          ':state': s(outcome.state),
          ':now': s(new Date().toISOString()),
          ...(outcome.failure === undefined ? {} : { ':failure': s(outcome.failure) }),
        },
      }),
    );
  }
}
