/**
 * DynamoDbReconStore against DynamoDB Local (the real API: transactions, conditions, the sparse
 * index): conditional writes, concurrency, paging, tenant isolation, deletion, and what the raw
 * table holds in clear.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type AttributeValue, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { reconEncryptionContext, sealJson } from '../../lambdas/adapters/envelope.js';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local-data-keys.js';
import {
  DynamoDbReconStore,
  RECON_LATEST_SORT_KEY,
  RECON_TTL_ATTRIBUTE,
  reconPartitionKey,
} from '../../lambdas/adapters/recon-store-dynamodb.js';
import { InvalidPageTokenError, type StoredSequence } from '../../lambdas/app/recon/ports.js';
import { withDynamoDbLocal } from '../support/emulators.js';

const dynamo = withDynamoDbLocal();
const keys = new LocalDataKeyProvider({ masterKey: randomBytes(32), keyId: 'local/test' });

/** Made-up PHI: what the raw table must never show in clear. */
const PATIENT_NAME = 'Bartholomew Ostrander';
const BIRTH_DATE = '1970-01-01';
const MEMBER_ID = 'MBR-55501234';

const EXPIRES_AT = Math.floor(Date.UTC(2033, 0, 1) / 1000);

let tableName: string;
let store: DynamoDbReconStore;

// beforeEach, after the fixture's own: a missing Java then fails each test with its name.
beforeEach(() => {
  tableName = dynamo.tableName;
  store ??= new DynamoDbReconStore({ client: dynamo.client, tableName });
});

/** A tenant no other test uses, so tests share one table without seeing each other. */
const freshTenant = (label = 't') => `${label}-${randomUUID()}`;

async function sequenceItem(
  tenant: string,
  controlNumber: string,
  sequence: number,
  againstSequence: number | null = null,
): Promise<StoredSequence> {
  return {
    sequence,
    storedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence % 60)).toISOString(),
    jurisdiction: 'US-NC',
    lines: 2,
    codes: ['99213', '97110'],
    totals: { billed: '300.00', allowed: '212.45', withheld: '87.55', buckets: { feeSchedule: '212.45' } },
    delta: {
      againstSequence,
      total: againstSequence === null ? '0.00' : '-12.50',
      direction: againstSequence === null ? 'no-change' : 'overpayment',
    },
    missingSequences: [],
    sealed: await sealJson(keys, reconEncryptionContext(tenant, controlNumber, sequence), {
      bill: { patient: { name: PATIENT_NAME, birthDate: BIRTH_DATE, memberId: MEMBER_ID }, controlNumber },
    }),
  };
}

type RawItem = Record<string, AttributeValue>;

async function scanAll(): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  do {
    const answer = await dynamo.client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }),
    );
    items.push(...(answer.Items ?? []));
    start = answer.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

const rawItemsOf = async (tenant: string, controlNumber: string) => {
  const pk = reconPartitionKey(tenant, controlNumber);
  return (await scanAll()).filter((item) => item.pk?.S === pk);
};

/** Writes sequences 1..n in order, each against the one before. */
async function writeSequences(tenant: string, controlNumber: string, n: number): Promise<void> {
  for (let sequence = 1; sequence <= n; sequence++) {
    const previous = sequence === 1 ? null : sequence - 1;
    const outcome = await store.putSequence(
      tenant,
      controlNumber,
      await sequenceItem(tenant, controlNumber, sequence, previous),
      previous,
      EXPIRES_AT,
    );
    expect(outcome).toBe('written');
  }
}

describe('DynamoDbReconStore', () => {
  describe('put, get and latest', () => {
    it('stores a first sequence and reads it back as the latest', async () => {
      // Prepare
      const tenant = freshTenant();
      const item = await sequenceItem(tenant, 'CN-1', 1);

      // Act
      const outcome = await store.putSequence(tenant, 'CN-1', item, null, EXPIRES_AT);

      // Assess
      expect(outcome).toBe('written');
      expect(await store.getSequence(tenant, 'CN-1', 1)).toEqual(item);
      expect(await store.getLatest(tenant, 'CN-1')).toEqual({
        pointer: { sequence: 1, count: 1, updatedAt: item.storedAt },
        item,
      });
    });

    it('moves the latest pointer and counts the sequences', async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 3);
      const latest = await store.getLatest(tenant, 'CN-1');
      expect(latest?.pointer).toMatchObject({ sequence: 3, count: 3 });
      expect(latest?.item.delta).toEqual({ againstSequence: 2, total: '-12.50', direction: 'overpayment' });
      expect((await store.getSequence(tenant, 'CN-1', 2))?.sequence).toBe(2);
    });

    it('answers null for what was never stored', async () => {
      const tenant = freshTenant();
      expect(await store.getLatest(tenant, 'CN-none')).toBeNull();
      expect(await store.getSequence(tenant, 'CN-none', 1)).toBeNull();
      await writeSequences(tenant, 'CN-1', 1);
      expect(await store.getSequence(tenant, 'CN-1', 2)).toBeNull();
    });

    it('keeps a skipped sequence list, an empty bucket map and codes as stored', async () => {
      const tenant = freshTenant();
      const item: StoredSequence = {
        ...(await sequenceItem(tenant, 'CN-1', 3)),
        missingSequences: [1, 2],
        codes: [],
        totals: { billed: '0.00', allowed: '0.00', withheld: '0.00', buckets: {} },
      };
      await store.putSequence(tenant, 'CN-1', item, null, EXPIRES_AT);
      expect(await store.getSequence(tenant, 'CN-1', 3)).toEqual(item);
    });
  });

  describe('conditional writes', () => {
    it("answers 'sequence-exists' for a stored sequence and writes nothing", async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 2);
      const before = await rawItemsOf(tenant, 'CN-1');
      const again = { ...(await sequenceItem(tenant, 'CN-1', 2, 1)), jurisdiction: 'US-GA' };

      expect(await store.putSequence(tenant, 'CN-1', again, 2, EXPIRES_AT)).toBe('sequence-exists');
      // Both conditions fail here (1 is no longer the latest): the sequence wins.
      expect(await store.putSequence(tenant, 'CN-1', again, 1, EXPIRES_AT)).toBe('sequence-exists');

      expect(await rawItemsOf(tenant, 'CN-1')).toEqual(before);
    });

    it("answers 'latest-moved' when the pointer is not the expected one, and writes nothing", async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 2);
      const before = await rawItemsOf(tenant, 'CN-1');
      const next = await sequenceItem(tenant, 'CN-1', 3, 1);

      expect(await store.putSequence(tenant, 'CN-1', next, 1, EXPIRES_AT)).toBe('latest-moved');
      expect(await store.putSequence(tenant, 'CN-1', next, null, EXPIRES_AT)).toBe('latest-moved');

      expect(await rawItemsOf(tenant, 'CN-1')).toEqual(before);
      expect(await store.getSequence(tenant, 'CN-1', 3)).toBeNull();
    });

    it("answers 'latest-moved' for an expected latest when there is no pointer yet", async () => {
      const tenant = freshTenant();
      expect(
        await store.putSequence(tenant, 'CN-1', await sequenceItem(tenant, 'CN-1', 2), 1, EXPIRES_AT),
      ).toBe('latest-moved');
      expect(await rawItemsOf(tenant, 'CN-1')).toEqual([]);
    });

    it('ends 200 concurrent writers of mixed sequences with one pointer at the highest and a true count', async () => {
      // Prepare: 200 writers over sequences 1..40 (each wanted about 5 times), in random order.
      const tenant = freshTenant();
      const controlNumber = 'CN-busy';
      const wanted = Array.from({ length: 200 }, (_, i) => (i % 40) + 1).sort(() => Math.random() - 0.5);
      const items = new Map<number, StoredSequence>();
      for (const sequence of new Set(wanted))
        items.set(sequence, await sequenceItem(tenant, controlNumber, sequence));

      // Act: each writer reads the latest, gives up on a sequence at or below it (the workflow's
      // 409), and reloads on 'latest-moved'.
      const writer = async (sequence: number): Promise<string> => {
        for (let attempt = 0; attempt < 1_000; attempt++) {
          const latest = await store.getLatest(tenant, controlNumber);
          const expected = latest?.pointer.sequence ?? null;
          if (expected !== null && expected >= sequence) return 'stale';
          const item = items.get(sequence);
          if (item === undefined) throw new Error('no item');
          const outcome = await store.putSequence(tenant, controlNumber, item, expected, EXPIRES_AT);
          if (outcome !== 'latest-moved') return outcome;
        }
        return 'gave-up';
      };
      const outcomes = await Promise.all(
        wanted.map(async (sequence) => ({ sequence, outcome: await writer(sequence) })),
      );

      // Assess
      expect(outcomes.filter((o) => o.outcome === 'gave-up')).toEqual([]);
      const written = outcomes.filter((o) => o.outcome === 'written').map((o) => o.sequence);
      expect(new Set(written).size).toBe(written.length);
      const raw = await rawItemsOf(tenant, controlNumber);
      const pointers = raw.filter((item) => item.sk?.S === RECON_LATEST_SORT_KEY);
      const stored = raw
        .filter((item) => item.sk?.S?.startsWith('S#'))
        .map((item) => Number(item.sequence?.N));
      expect(pointers).toHaveLength(1);
      expect(stored.sort((a, b) => a - b)).toEqual([...written].sort((a, b) => a - b));
      expect(Number(pointers[0]?.sequence?.N)).toBe(40);
      expect(Number(pointers[0]?.count?.N)).toBe(stored.length);
      expect(await store.getLatest(tenant, controlNumber)).toMatchObject({
        pointer: { sequence: 40, count: stored.length },
      });
    });
  });

  describe('paging', () => {
    it('lists sequences newest first, page by page, with no token on the last page', async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 7);

      const first = await store.listSequences(tenant, 'CN-1', { limit: 3 });
      const second = await store.listSequences(tenant, 'CN-1', { limit: 3, pageToken: first.nextPageToken });
      const third = await store.listSequences(tenant, 'CN-1', { limit: 3, pageToken: second.nextPageToken });

      expect(first.items.map((s) => s.sequence)).toEqual([7, 6, 5]);
      expect(second.items.map((s) => s.sequence)).toEqual([4, 3, 2]);
      expect(third.items.map((s) => s.sequence)).toEqual([1]);
      expect(third.nextPageToken).toBeUndefined();
      expect(first.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it('gives no token when the last page is exactly full', async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 4);
      const first = await store.listSequences(tenant, 'CN-1', { limit: 2 });
      const second = await store.listSequences(tenant, 'CN-1', { limit: 2, pageToken: first.nextPageToken });
      expect(second.items.map((s) => s.sequence)).toEqual([2, 1]);
      expect(second.nextPageToken).toBeUndefined();
      expect(await store.listSequences(tenant, 'CN-none', { limit: 2 })).toEqual({ items: [] });
    });

    it('lists the sequences after 9 in number order (sort keys are zero-padded)', async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 11);
      const page = await store.listSequences(tenant, 'CN-1', { limit: 4 });
      expect(page.items.map((s) => s.sequence)).toEqual([11, 10, 9, 8]);
    });

    it('refuses a page token from another control number, another tenant, another listing, or garbage', async () => {
      const tenant = freshTenant();
      const other = freshTenant();
      await writeSequences(tenant, 'CN-1', 3);
      await writeSequences(tenant, 'CN-2', 1);
      const { nextPageToken } = await store.listSequences(tenant, 'CN-1', { limit: 1 });
      expect(nextPageToken).toBeDefined();

      await expect(
        store.listSequences(tenant, 'CN-2', { limit: 1, pageToken: nextPageToken }),
      ).rejects.toBeInstanceOf(InvalidPageTokenError);
      await expect(
        store.listSequences(other, 'CN-1', { limit: 1, pageToken: nextPageToken }),
      ).rejects.toBeInstanceOf(InvalidPageTokenError);
      await expect(
        store.listControlNumbers(tenant, { limit: 1, pageToken: nextPageToken }),
      ).rejects.toBeInstanceOf(InvalidPageTokenError);
      const forged = Buffer.from(
        JSON.stringify({ v: 1, k: 's', pk: reconPartitionKey(tenant, 'CN-1'), sk: 'LATEST' }),
      ).toString('base64url');
      for (const garbage of ['', 'not a token', 'e30', '!!!', forged, 'A'.repeat(5000)]) {
        await expect(
          store.listSequences(tenant, 'CN-1', { limit: 1, pageToken: garbage }),
        ).rejects.toBeInstanceOf(InvalidPageTokenError);
      }
    });

    it("lists a tenant's control numbers with their pointers, page by page, bound to the tenant", async () => {
      const tenant = freshTenant();
      const other = freshTenant();
      for (const cn of ['CN-A', 'CN-B', 'CN-C']) await writeSequences(tenant, cn, cn === 'CN-B' ? 2 : 1);
      await writeSequences(other, 'CN-A', 1);

      const first = await store.listControlNumbers(tenant, { limit: 2 });
      const second = await store.listControlNumbers(tenant, { limit: 2, pageToken: first.nextPageToken });

      expect(first.items.map((i) => i.controlNumber)).toEqual(['CN-A', 'CN-B']);
      expect(first.items[1]?.pointer).toMatchObject({ sequence: 2, count: 2 });
      expect(second.items.map((i) => i.controlNumber)).toEqual(['CN-C']);
      expect(second.nextPageToken).toBeUndefined();
      await expect(
        store.listControlNumbers(other, { limit: 2, pageToken: first.nextPageToken }),
      ).rejects.toBeInstanceOf(InvalidPageTokenError);
      await expect(
        store.listSequences(tenant, 'CN-A', { limit: 2, pageToken: first.nextPageToken }),
      ).rejects.toBeInstanceOf(InvalidPageTokenError);
    });
  });

  describe('tenant isolation', () => {
    it("keeps tenant B from getting, listing or deleting tenant A's items under the same control number", async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      await writeSequences(a, 'CN-shared', 2);

      expect(await store.getLatest(b, 'CN-shared')).toBeNull();
      expect(await store.getSequence(b, 'CN-shared', 1)).toBeNull();
      expect(await store.listSequences(b, 'CN-shared', { limit: 10 })).toEqual({ items: [] });
      expect(await store.listControlNumbers(b, { limit: 10 })).toEqual({ items: [] });
      expect((await store.deleteControlNumber(b, 'CN-shared')).deletedItems).toBe(0);

      expect((await store.listSequences(a, 'CN-shared', { limit: 10 })).items).toHaveLength(2);
      expect(await rawItemsOf(a, 'CN-shared')).toHaveLength(3);
    });

    it("keeps tenant B's write of the same control number apart from tenant A's", async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      await writeSequences(a, 'CN-shared', 2);
      // B starts its own history: no pointer yet for B, whatever A has.
      expect(
        await store.putSequence(b, 'CN-shared', await sequenceItem(b, 'CN-shared', 1), null, EXPIRES_AT),
      ).toBe('written');
      expect((await store.getLatest(a, 'CN-shared'))?.pointer).toMatchObject({ sequence: 2, count: 2 });
      expect((await store.getLatest(b, 'CN-shared'))?.pointer).toMatchObject({ sequence: 1, count: 1 });
    });

    it("cannot be broken by '#' (or '%') in a tenant or control number", async () => {
      // Unencoded, both pairs would be the key T#x#C#y#C#z.
      const suffix = randomUUID();
      const pairs: [string, string][] = [
        [`x${suffix}#C#y`, 'z'],
        [`x${suffix}`, 'y#C#z'],
        [`x${suffix}%23C%23y`, 'z'],
        [`x${suffix}#`, 'C#y#C#z'],
      ];
      for (const [tenant, cn] of pairs) {
        expect(await store.putSequence(tenant, cn, await sequenceItem(tenant, cn, 1), null, EXPIRES_AT)).toBe(
          'written',
        );
      }
      expect(new Set(pairs.map(([tenant, cn]) => reconPartitionKey(tenant, cn))).size).toBe(pairs.length);
      for (const [tenant, cn] of pairs) {
        expect((await store.getLatest(tenant, cn))?.pointer).toMatchObject({ sequence: 1, count: 1 });
        expect(
          (await store.listControlNumbers(tenant, { limit: 10 })).items.map((i) => i.controlNumber),
        ).toEqual([cn]);
      }
      expect((await store.deleteControlNumber(pairs[0]?.[0] ?? '', pairs[0]?.[1] ?? '')).deletedItems).toBe(
        2,
      );
      for (const [tenant, cn] of pairs.slice(1)) expect(await store.getLatest(tenant, cn)).not.toBeNull();
    });
  });

  describe('deleteControlNumber', () => {
    it('deletes every sequence and the pointer, counting them, and leaves nothing in the table', async () => {
      const tenant = freshTenant();
      // 30 sequences: more than one BatchWriteItem (25) holds.
      await writeSequences(tenant, 'CN-1', 30);
      await writeSequences(tenant, 'CN-keep', 1);

      expect(await store.deleteControlNumber(tenant, 'CN-1')).toEqual({ deletedItems: 31, sealedRefs: [] });

      expect(await rawItemsOf(tenant, 'CN-1')).toEqual([]);
      expect(await store.getLatest(tenant, 'CN-1')).toBeNull();
      expect(
        (await store.listControlNumbers(tenant, { limit: 10 })).items.map((i) => i.controlNumber),
      ).toEqual(['CN-keep']);
      expect((await store.deleteControlNumber(tenant, 'CN-1')).deletedItems).toBe(0);
      // A deleted control number starts over.
      expect(
        await store.putSequence(tenant, 'CN-1', await sequenceItem(tenant, 'CN-1', 1), null, EXPIRES_AT),
      ).toBe('written');
    });

    it('names the sealed objects of the sequences it deleted (large sealed sequences, issue 17)', async () => {
      const tenant = freshTenant();
      const ref = `sealed/${tenant}/CN-big/2/req-2-0.bin`;
      await writeSequences(tenant, 'CN-big', 1);
      const second = await sequenceItem(tenant, 'CN-big', 2, 1);
      const large = { ...second, sealed: { ...second.sealed, ct: '' }, sealedRef: ref };
      expect(await store.putSequence(tenant, 'CN-big', large, 1, EXPIRES_AT)).toBe('written');
      expect(await store.deleteControlNumber(tenant, 'CN-big')).toEqual({
        deletedItems: 3,
        sealedRefs: [ref],
      });
      expect(await rawItemsOf(tenant, 'CN-big')).toEqual([]);
    });
  });

  describe('the raw table', () => {
    it('has expiresAt on every item, sequences and pointers alike', async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 2);
      const items = await scanAll();
      expect(items.length).toBeGreaterThan(3);
      for (const item of items) expect(item[RECON_TTL_ATTRIBUTE]?.N).toMatch(/^\d+$/);
      expect((await rawItemsOf(tenant, 'CN-1')).map((item) => Number(item[RECON_TTL_ATTRIBUTE]?.N))).toEqual([
        EXPIRES_AT,
        EXPIRES_AT,
        EXPIRES_AT,
      ]);
    });

    it('holds no field of the sealed plaintext in clear', async () => {
      const tenant = freshTenant();
      await writeSequences(tenant, 'CN-1', 2);
      const raw = JSON.stringify(await scanAll(), (_key, value: unknown) =>
        // Binary attributes as the text a careless reader would see (latin1 covers every byte).
        value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
      );
      for (const secret of [PATIENT_NAME, BIRTH_DATE, MEMBER_ID, 'Ostrander', '55501234']) {
        expect(raw).not.toContain(secret);
        expect(raw).not.toContain(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
      }
    });
  });

  describe('input checks', () => {
    it('refuses empty keys, sequences the sort key cannot order, and page limits out of range', async () => {
      const tenant = freshTenant();
      await expect(store.getLatest('', 'CN-1')).rejects.toThrow(RangeError);
      await expect(store.getLatest(tenant, '')).rejects.toThrow(RangeError);
      await expect(store.getSequence(tenant, 'CN-1', -1)).rejects.toThrow(RangeError);
      await expect(store.getSequence(tenant, 'CN-1', 1.5)).rejects.toThrow(RangeError);
      await expect(store.getSequence(tenant, 'CN-1', 10_000_000_000)).rejects.toThrow(RangeError);
      await expect(store.listSequences(tenant, 'CN-1', { limit: 0 })).rejects.toThrow(RangeError);
      await expect(store.listControlNumbers(tenant, { limit: 1001 })).rejects.toThrow(RangeError);
      await expect(
        store.putSequence(tenant, 'CN-1', await sequenceItem(tenant, 'CN-1', 1), null, 1.5),
      ).rejects.toThrow(RangeError);
    });
  });
});

describe('listUpdated (the delta-sync index)', () => {
  /** Stores sequence 1 of each control number, the i-th at minute i of 2026-03-01 (UTC). */
  async function storeAt(tenant: string, controlNumbers: readonly string[], hour = 0): Promise<string[]> {
    const times: string[] = [];
    for (const [i, controlNumber] of controlNumbers.entries()) {
      const storedAt = new Date(Date.UTC(2026, 2, 1, hour, i)).toISOString();
      const item = { ...(await sequenceItem(tenant, controlNumber, 1)), storedAt };
      expect(await store.putSequence(tenant, controlNumber, item, null, EXPIRES_AT)).toBe('written');
      times.push(storedAt);
    }
    return times;
  }

  async function everyPage(tenant: string, limit: number, updatedSince?: string) {
    const seen: { controlNumber: string; updatedAt: string }[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.listUpdated(tenant, { limit, pageToken, updatedSince });
      seen.push(...page.items.map(({ controlNumber, updatedAt }) => ({ controlNumber, updatedAt })));
      pageToken = page.nextPageToken;
      pages += 1;
      expect(pages).toBeLessThan(50);
    } while (pageToken !== undefined);
    return { seen, pages };
  }

  it('lists a tenant’s Recons newest first with the latest totals, paged to the end', async () => {
    const tenant = freshTenant();
    const names = ['CN-A', 'CN-B', 'CN-C', 'CN-D', 'CN-E'];
    await storeAt(tenant, names);
    const { seen, pages } = await everyPage(tenant, 2);
    expect(seen.map((r) => r.controlNumber)).toEqual([...names].reverse());
    // 5 items by 2: three pages, the last without a token (no empty fourth page).
    expect(pages).toBe(3);
    const first = await store.listUpdated(tenant, { limit: 1 });
    expect(first.items[0]).toMatchObject({ controlNumber: 'CN-E', latestSequence: 1, sequencesStored: 1 });
    const stored = await store.getSequence(tenant, 'CN-E', 1);
    expect(first.items[0]?.totals).toEqual(stored?.totals);
  });

  it('moves a Recon to the front when a new sequence is stored, with the new count', async () => {
    const tenant = freshTenant();
    await storeAt(tenant, ['CN-OLD', 'CN-NEW']);
    const next = {
      ...(await sequenceItem(tenant, 'CN-OLD', 2, 1)),
      storedAt: new Date(Date.UTC(2026, 2, 2)).toISOString(),
    };
    expect(await store.putSequence(tenant, 'CN-OLD', next, 1, EXPIRES_AT)).toBe('written');
    const page = await store.listUpdated(tenant, { limit: 10 });
    expect(page.items.map((r) => [r.controlNumber, r.latestSequence, r.sequencesStored])).toEqual([
      ['CN-OLD', 2, 2],
      ['CN-NEW', 1, 1],
    ]);
  });

  it('keeps only Recons updated at or after updatedSince (inclusive)', async () => {
    const tenant = freshTenant();
    const times = await storeAt(tenant, ['CN-1', 'CN-2', 'CN-3', 'CN-4']);
    const since = times[2] as string;
    const { seen } = await everyPage(tenant, 1, since);
    expect(seen.map((r) => r.controlNumber)).toEqual(['CN-4', 'CN-3']);
    expect(seen.every((r) => r.updatedAt >= since)).toBe(true);
  });

  it('never lists another tenant’s Recons, and refuses a token of another tenant or another query', async () => {
    const tenant = freshTenant();
    const other = freshTenant();
    await storeAt(tenant, ['CN-SHARED', 'CN-MINE']);
    await storeAt(other, ['CN-SHARED', 'CN-THEIRS', 'CN-THEIRS-2']);
    expect((await everyPage(tenant, 1)).seen.map((r) => r.controlNumber)).toEqual(['CN-MINE', 'CN-SHARED']);
    const theirs = await store.listUpdated(other, { limit: 1 });
    expect(theirs.nextPageToken).toBeDefined();
    await expect(store.listUpdated(tenant, { limit: 1, pageToken: theirs.nextPageToken })).rejects.toThrow(
      InvalidPageTokenError,
    );
    const mine = await store.listUpdated(tenant, { limit: 1 });
    await expect(
      store.listUpdated(tenant, {
        limit: 1,
        pageToken: mine.nextPageToken,
        updatedSince: '2026-01-01T00:00:00.000Z',
      }),
    ).rejects.toThrow(InvalidPageTokenError);
    // Another tenant's token with its tenant rewritten to ours still cannot start in their data.
    const forged = JSON.parse(Buffer.from(theirs.nextPageToken as string, 'base64url').toString('utf8'));
    const mineDecoded = JSON.parse(Buffer.from(mine.nextPageToken as string, 'base64url').toString('utf8'));
    const reissued = Buffer.from(
      JSON.stringify({ ...forged, tk: mineDecoded.tk, q: mineDecoded.q }),
    ).toString('base64url');
    await expect(store.listUpdated(tenant, { limit: 1, pageToken: reissued })).rejects.toThrow(
      InvalidPageTokenError,
    );
    await expect(store.listUpdated(tenant, { limit: 1, pageToken: 'garbage' })).rejects.toThrow(
      InvalidPageTokenError,
    );
  });

  it('reads the totals of a pointer written before pointers carried them from its latest sequence', async () => {
    const tenant = freshTenant();
    await storeAt(tenant, ['CN-OLD-POINTER']);
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: {
          pk: { S: reconPartitionKey(tenant, 'CN-OLD-POINTER') },
          sk: { S: RECON_LATEST_SORT_KEY },
        },
        UpdateExpression: 'REMOVE totals',
      }),
    );
    const page = await store.listUpdated(tenant, { limit: 5 });
    expect(page.items[0]?.totals).toEqual((await store.getSequence(tenant, 'CN-OLD-POINTER', 1))?.totals);
  });

  it('projects no sealed data into the index: a page holds clear fields only', async () => {
    const tenant = freshTenant();
    await storeAt(tenant, ['CN-PHI']);
    const page = await store.listUpdated(tenant, { limit: 5 });
    const text = JSON.stringify(page);
    for (const secret of [PATIENT_NAME, BIRTH_DATE, MEMBER_ID]) expect(text).not.toContain(secret);
    expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(
      ['controlNumber', 'latestSequence', 'sequencesStored', 'totals', 'updatedAt'].sort(),
    );
  });
});
