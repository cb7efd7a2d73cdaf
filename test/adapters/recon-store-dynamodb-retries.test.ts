/**
 * DynamoDbReconStore's answers to what DynamoDB Local never does: DynamoDB Local 1.25 serialises
 * transactions (no TransactionConflict even under 100 concurrent transactions on one item) and
 * processes every BatchWriteItem request, so the retry paths are driven with a mocked client.
 */

import {
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbReconStore } from '../../lambdas/adapters/recon-store-dynamodb.js';
import { DependencyUnavailableError } from '../../lambdas/app/dependency-errors.js';
import type { StoredSequence } from '../../lambdas/app/recon/ports.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const client = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
// The instance, not the class: other test files' real clients stay real.
const dynamo = mockClient(client);
const store = new DynamoDbReconStore({ client, tableName: 'recon', maxConflictAttempts: 3 });

const item: StoredSequence = {
  sequence: 2,
  storedAt: '2026-01-01T00:00:00.000Z',
  jurisdiction: 'US-NC',
  lines: 1,
  codes: ['99213'],
  totals: { billed: '1.00', allowed: '1.00', withheld: '0.00', buckets: {} },
  delta: { againstSequence: 1, total: '0.00', direction: 'no-change' },
  missingSequences: [],
  sealed: {
    v: 1,
    alg: 'AES-256-GCM',
    keyId: 'k',
    edk: 'AA==',
    iv: 'AAAAAAAAAAAAAAAA',
    tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
    ct: '',
  },
};

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbReconStore', () => {
  describe('putSequence when transactions conflict', () => {
    it('retries a TransactionConflict and then writes', async () => {
      dynamo
        .on(TransactWriteItemsCommand)
        .rejectsOnce(cancelled('None', 'TransactionConflict'))
        .rejectsOnce(cancelled('TransactionConflict', 'None'))
        .resolves({});
      expect(await store.putSequence('t', 'CN-1', item, 1, 2_000_000_000)).toBe('written');
      expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(3);
    });

    it('gives up after its attempts with a 503-to-be that carries the cancellation (issue 15: was a 500)', async () => {
      const conflict = cancelled('TransactionConflict', 'None');
      dynamo.on(TransactWriteItemsCommand).rejects(conflict);
      const error = await store.putSequence('t', 'CN-1', item, 1, 2_000_000_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).dependency).toBe('DynamoDB');
      expect((error as Error).cause).toBe(conflict);
      expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(3);
    });

    it('reads a condition failure next to a conflict as that condition', async () => {
      dynamo
        .on(TransactWriteItemsCommand)
        .rejects(cancelled('TransactionConflict', 'ConditionalCheckFailed'));
      expect(await store.putSequence('t', 'CN-1', item, 1, 2_000_000_000)).toBe('latest-moved');
    });

    it('reads the codes from the message when the reasons list is missing', async () => {
      const bare = new TransactionCanceledException({
        message:
          'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
        $metadata: {},
      });
      dynamo.on(TransactWriteItemsCommand).rejects(bare);
      expect(await store.putSequence('t', 'CN-1', item, 1, 2_000_000_000)).toBe('sequence-exists');
    });

    it('lets other cancellations propagate, and makes a dropped connection a DependencyUnavailableError', async () => {
      const validation = cancelled('ValidationError', 'None');
      const hangUp = new Error('socket hang up');
      dynamo.on(TransactWriteItemsCommand).rejectsOnce(validation).rejectsOnce(hangUp);
      await expect(store.putSequence('t', 'CN-1', item, 1, 2_000_000_000)).rejects.toBe(validation);
      const error = await store.putSequence('t', 'CN-1', item, 1, 2_000_000_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as Error).cause).toBe(hangUp);
    });

    it('sends one transaction: the sequence Put if absent, the pointer Update under the expected sequence', async () => {
      dynamo.on(TransactWriteItemsCommand).resolves({});
      await store.putSequence('t', 'CN-1', item, 1, 2_000_000_000);
      const [put, update] =
        dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(put?.Put?.ConditionExpression).toBe('attribute_not_exists(#pk)');
      expect(put?.Put?.Item?.sk).toEqual({ S: 'S#0000000002' });
      expect(put?.Put?.Item?.pk).toEqual({ S: 'T#t#C#CN-1' });
      expect(put?.Put?.Item?.tenantKey).toBeUndefined();
      expect(update?.Update?.ConditionExpression).toBe('#seq = :expected');
      expect(update?.Update?.ExpressionAttributeValues?.[':expected']).toEqual({ N: '1' });
      expect(update?.Update?.UpdateExpression).toContain('if_not_exists(#count, :zero) + :one');
    });
  });

  describe('deleteControlNumber when DynamoDB leaves items unprocessed', () => {
    it('sends the unprocessed ones again until none is left', async () => {
      const keys = Array.from({ length: 3 }, (_, i) => ({
        pk: { S: 'T#t#C#CN-1' },
        sk: { S: `S#000000000${i}` },
      }));
      dynamo.on(QueryCommand).resolvesOnce({ Items: keys }).resolves({ Items: [] });
      dynamo
        .on(BatchWriteItemCommand)
        .resolvesOnce({ UnprocessedItems: { recon: [{ DeleteRequest: { Key: keys[2] } }] } })
        .resolves({});
      expect((await store.deleteControlNumber('t', 'CN-1')).deletedItems).toBe(3);
      const calls = dynamo.commandCalls(BatchWriteItemCommand);
      expect(calls).toHaveLength(2);
      expect(calls[1]?.args[0].input.RequestItems?.recon).toEqual([{ DeleteRequest: { Key: keys[2] } }]);
    });
  });
});
