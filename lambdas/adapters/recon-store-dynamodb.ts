/**
 * {@link ReconStore} on one DynamoDB table (single-table layout):
 *
 * | item              | pk                       | sk                  | also                                   |
 * |-------------------|--------------------------|---------------------|----------------------------------------|
 * | a sequence        | `T#<tenant>#C#<control>` | `S#<10-digit seq>`  | clear fields, `sealed`, `expiresAt`    |
 * | the latest pointer| `T#<tenant>#C#<control>` | `LATEST`            | `tenantKey`, `controlNumber`, `sequence`, `count`, `updatedAt`, `expiresAt` |
 *
 * Tenant and control number are percent-encoded (encodeURIComponent) inside the keys, so neither
 * can contain the `#` that separates them and no two (tenant, control number) pairs share a key.
 * Only pointer items carry `tenantKey`, which makes the `byTenant` and `byTenantUpdated` indexes
 * sparse: one entry per control number. The pointer also carries the latest sequence's clear
 * `totals`, so the delta-sync listing (`byTenantUpdated`, newest first) needs no second read.
 * Every item carries `expiresAt` (DynamoDB TTL, epoch seconds).
 *
 * The sealed box is one map attribute whose binary fields are stored as DynamoDB binary (B), a
 * quarter smaller than base64 text against the 400 KB item limit.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  DependencyUnavailableError,
  dependencyError,
  THROTTLED_RETRY_AFTER_SECONDS,
} from '../app/dependency-errors.js';
import {
  InvalidPageTokenError,
  type LatestPointer,
  type Page,
  type PageRequest,
  type PutOutcome,
  type ReconListingItem,
  type ReconStore,
  type SealedBox,
  type StoredDeltaSummary,
  type StoredSequence,
  type StoredTotals,
  type UpdatedReconsRequest,
} from '../app/recon/ports.js';

/** Partition key attribute (S). */
export const RECON_PARTITION_KEY = 'pk';
/** Sort key attribute (S). */
export const RECON_SORT_KEY = 'sk';
/** Sort key of the latest pointer item. */
export const RECON_LATEST_SORT_KEY = 'LATEST';
/** The sparse global secondary index over pointer items, for listing a tenant's control numbers. */
export const RECON_TENANT_INDEX = 'byTenant';
/** Partition key of {@link RECON_TENANT_INDEX} (S, `T#<tenant>`), only on pointer items. */
export const RECON_TENANT_INDEX_PARTITION_KEY = 'tenantKey';
/** Sort key of {@link RECON_TENANT_INDEX} (S, the control number as sent). */
export const RECON_TENANT_INDEX_SORT_KEY = 'controlNumber';
/** Non-key attributes {@link RECON_TENANT_INDEX} projects (projection type INCLUDE). */
export const RECON_TENANT_INDEX_NON_KEY_ATTRIBUTES: readonly string[] = [
  'tenant',
  'sequence',
  'count',
  'updatedAt',
];
/**
 * The sparse index over pointer items by time of the last change, for `GET /v1/recons` (delta
 * sync). Its keys are the tenant key and an ISO timestamp, and it projects clear data only
 * (control number, latest sequence, count, totals): no sealed PHI.
 */
export const RECON_UPDATED_INDEX = 'byTenantUpdated';
/** Sort key of {@link RECON_UPDATED_INDEX} (S, ISO-8601 UTC with milliseconds: text order is time order). */
export const RECON_UPDATED_INDEX_SORT_KEY = 'updatedAt';
/** Non-key attributes {@link RECON_UPDATED_INDEX} projects (projection type INCLUDE). */
export const RECON_UPDATED_INDEX_NON_KEY_ATTRIBUTES: readonly string[] = [
  'tenant',
  'controlNumber',
  'sequence',
  'count',
  'totals',
];
/** TTL attribute (N, epoch seconds) on every item. */
export const RECON_TTL_ATTRIBUTE = 'expiresAt';

/** The largest sequence the 10-digit sort key can order. */
export const RECON_MAX_SEQUENCE = 9_999_999_999;
/** The largest page a listing serves. */
export const RECON_MAX_PAGE_LIMIT = 1_000;

const SEQUENCE_PREFIX = 'S#';
const SEQUENCE_SORT_KEY = /^S#\d{10}$/;
const MAX_PAGE_TOKEN_LENGTH = 4_096;
/** DynamoDB's limits on a partition key and a sort key (the index's), in UTF-8 bytes. */
const MAX_PARTITION_KEY_BYTES = 2_048;
const MAX_SORT_KEY_BYTES = 1_024;
/** DynamoDB's limit on the requests of one BatchWriteItem. */
const BATCH_WRITE_SIZE = 25;

/** Options of {@link DynamoDbReconStore}. */
export interface DynamoDbReconStoreOptions {
  /** Built once at module scope by the handler (or pointed at DynamoDB Local in tests). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * Attempts of one putSequence when its transaction is cancelled for a TransactionConflict
   * (another transaction held one of the two items).
   *
   * @default 8
   */
  readonly maxConflictAttempts?: number | undefined;
}

function encodeKeyPart(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new RangeError(`the ${what} must be a non-empty string`);
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate: not Unicode, and DynamoDB stores only valid UTF-8.
    throw new RangeError(`the ${what} is not valid Unicode text`);
  }
}

/**
 * @param tenant - from the caller's token
 * @returns the index partition key of a tenant's pointer items
 */
export function reconTenantKey(tenant: string): string {
  return `T#${encodeKeyPart(tenant, 'tenant')}`;
}

/**
 * @param tenant - from the caller's token
 * @param controlNumber - the bill's control number
 * @returns the partition key of every item of that control number
 */
export function reconPartitionKey(tenant: string, controlNumber: string): string {
  const pk = `${reconTenantKey(tenant)}#C#${encodeKeyPart(controlNumber, 'control number')}`;
  if (
    Buffer.byteLength(pk) > MAX_PARTITION_KEY_BYTES ||
    Buffer.byteLength(controlNumber) > MAX_SORT_KEY_BYTES
  ) {
    throw new RangeError('the tenant and control number are too long for a DynamoDB key');
  }
  return pk;
}

function checkSequence(sequence: number): void {
  if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence > RECON_MAX_SEQUENCE) {
    throw new RangeError(`a sequence must be an integer from 0 to ${RECON_MAX_SEQUENCE}`);
  }
}

/**
 * @param sequence - 0 to {@link RECON_MAX_SEQUENCE}
 * @returns the sort key of that sequence's item, zero-padded so text order is number order
 */
export function reconSequenceSortKey(sequence: number): string {
  checkSequence(sequence);
  return `${SEQUENCE_PREFIX}${String(sequence).padStart(10, '0')}`;
}

/**
 * The table {@link DynamoDbReconStore} expects, for the local stack and tests (the CDK construct
 * declares the same keys and index from the exported constants).
 *
 * @param tableName - the table to create
 * @returns CreateTable input: on-demand billing, the keys and the `byTenant` index
 */
export function reconTableCreateInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: RECON_PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: RECON_SORT_KEY, AttributeType: 'S' },
      { AttributeName: RECON_TENANT_INDEX_PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: RECON_TENANT_INDEX_SORT_KEY, AttributeType: 'S' },
      { AttributeName: RECON_UPDATED_INDEX_SORT_KEY, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: RECON_PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: RECON_SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: RECON_TENANT_INDEX,
        KeySchema: [
          { AttributeName: RECON_TENANT_INDEX_PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: RECON_TENANT_INDEX_SORT_KEY, KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [...RECON_TENANT_INDEX_NON_KEY_ATTRIBUTES],
        },
      },
      reconUpdatedIndexInput(),
    ],
  };
}

function reconUpdatedIndexInput() {
  return {
    IndexName: RECON_UPDATED_INDEX,
    KeySchema: [
      { AttributeName: RECON_TENANT_INDEX_PARTITION_KEY, KeyType: 'HASH' as const },
      { AttributeName: RECON_UPDATED_INDEX_SORT_KEY, KeyType: 'RANGE' as const },
    ],
    Projection: {
      ProjectionType: 'INCLUDE' as const,
      NonKeyAttributes: [...RECON_UPDATED_INDEX_NON_KEY_ATTRIBUTES],
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): spreads retrying writers apart. */
const backoff = (attempt: number) => sleep(Math.random() * Math.min(1_000, 20 * 2 ** attempt));

/**
 * Creates the table when it is missing, waits until it and its index are ACTIVE, and turns TTL on
 * `expiresAt` on when it is off (DynamoDB Local 1.25 accepts UpdateTimeToLive; an emulator that
 * does not is tolerated: TTL is housekeeping, not correctness).
 *
 * @param client - a DynamoDB client
 * @param tableName - the table
 * @returns once the table can be used
 */
export async function ensureReconTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const describe = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  if ((await describe()) === undefined) {
    try {
      await client.send(new CreateTableCommand(reconTableCreateInput(tableName)));
    } catch (error) {
      // Created by someone else meanwhile: fine, we wait for it below.
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
  }
  // A table made before the delta-sync listing (a local state directory kept across versions)
  // gets the index added; DynamoDB builds it from the existing pointer items.
  const existing = await describe();
  const indexes = existing?.GlobalSecondaryIndexes ?? [];
  if (existing !== undefined && !indexes.some((index) => index.IndexName === RECON_UPDATED_INDEX)) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: RECON_TENANT_INDEX_PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: RECON_UPDATED_INDEX_SORT_KEY, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: reconUpdatedIndexInput() }],
      }),
    );
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const table = await describe();
    const ready =
      table?.TableStatus === 'ACTIVE' &&
      (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within 60 s`);
    await sleep(200);
  }
  try {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    if (status !== 'ENABLED' && status !== 'ENABLING') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: RECON_TTL_ATTRIBUTE, Enabled: true },
        }),
      );
    }
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'UnknownOperationException' && name !== 'ValidationException') throw error;
  }
}

// ----- marshalling (by hand: @aws-sdk/util-dynamodb is not installed, and the shapes are small)

type Item = Record<string, AttributeValue>;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

/** An item that does not have the layout this adapter writes; names the key, never the contents. */
function corrupt(item: Item, what: string): Error {
  return new Error(
    `recon item ${item[RECON_PARTITION_KEY]?.S ?? '?'} / ${item[RECON_SORT_KEY]?.S ?? '?'} has no valid ${what}`,
  );
}

function readString(item: Item, map: Item, name: string): string {
  const value = map[name]?.S;
  if (value === undefined) throw corrupt(item, name);
  return value;
}

function readNumber(item: Item, map: Item, name: string): number {
  const text = map[name]?.N;
  const value = text === undefined ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw corrupt(item, name);
  return value;
}

function readMap(item: Item, map: Item, name: string): Item {
  const value = map[name]?.M;
  if (value === undefined) throw corrupt(item, name);
  return value;
}

function readBinaryAsBase64(item: Item, map: Item, name: string): string {
  const value = map[name]?.B;
  if (value === undefined) throw corrupt(item, `sealed.${name}`);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

function sealedToAttribute(box: SealedBox, external: boolean): AttributeValue {
  const binary = (text: string): AttributeValue => ({ B: new Uint8Array(Buffer.from(text, 'base64')) });
  return {
    M: {
      v: N(box.v),
      alg: S(box.alg),
      keyId: S(box.keyId),
      edk: binary(box.edk),
      iv: binary(box.iv),
      tag: binary(box.tag),
      // Stored in the body store (sealedRef): only the key, nonce and tag stay in the item.
      ...(external ? {} : { ct: binary(box.ct) }),
    },
  };
}

function sealedFromAttribute(item: Item): SealedBox {
  const map = readMap(item, item, 'sealed');
  if (readNumber(item, map, 'v') !== 1 || readString(item, map, 'alg') !== 'AES-256-GCM') {
    throw corrupt(item, 'sealed box version');
  }
  return {
    v: 1,
    alg: 'AES-256-GCM',
    keyId: readString(item, map, 'keyId'),
    edk: readBinaryAsBase64(item, map, 'edk'),
    iv: readBinaryAsBase64(item, map, 'iv'),
    tag: readBinaryAsBase64(item, map, 'tag'),
    ct: item.sealedRef?.S === undefined ? readBinaryAsBase64(item, map, 'ct') : '',
  };
}

function totalsToAttribute(totals: StoredTotals): AttributeValue {
  return {
    M: {
      billed: S(totals.billed),
      allowed: S(totals.allowed),
      withheld: S(totals.withheld),
      buckets: {
        M: Object.fromEntries(Object.entries(totals.buckets).map(([name, amount]) => [name, S(amount)])),
      },
    },
  };
}

function totalsFromAttribute(item: Item): StoredTotals {
  const map = readMap(item, item, 'totals');
  const buckets = readMap(item, map, 'buckets');
  return {
    billed: readString(item, map, 'billed'),
    allowed: readString(item, map, 'allowed'),
    withheld: readString(item, map, 'withheld'),
    buckets: Object.fromEntries(Object.keys(buckets).map((name) => [name, readString(item, buckets, name)])),
  };
}

function deltaToAttribute(delta: StoredDeltaSummary): AttributeValue {
  return {
    M: {
      againstSequence: delta.againstSequence === null ? { NULL: true } : N(delta.againstSequence),
      total: S(delta.total),
      direction: S(delta.direction),
    },
  };
}

const DIRECTIONS: ReadonlySet<string> = new Set(['additional-payment', 'overpayment', 'no-change']);

function deltaFromAttribute(item: Item): StoredDeltaSummary {
  const map = readMap(item, item, 'delta');
  const direction = readString(item, map, 'direction');
  if (!DIRECTIONS.has(direction)) throw corrupt(item, 'delta.direction');
  return {
    againstSequence: map.againstSequence?.NULL === true ? null : readNumber(item, map, 'againstSequence'),
    total: readString(item, map, 'total'),
    direction: direction as StoredDeltaSummary['direction'],
  };
}

function sequenceToItem(
  pk: string,
  tenant: string,
  controlNumber: string,
  value: StoredSequence,
  expiresAt: number,
): Item {
  return {
    [RECON_PARTITION_KEY]: S(pk),
    [RECON_SORT_KEY]: S(reconSequenceSortKey(value.sequence)),
    tenant: S(tenant),
    // Not `tenantKey`: without it a sequence item stays out of the byTenant index.
    controlNumber: S(controlNumber),
    sequence: N(value.sequence),
    storedAt: S(value.storedAt),
    jurisdiction: S(value.jurisdiction),
    lines: N(value.lines),
    codes: { L: value.codes.map(S) },
    totals: totalsToAttribute(value.totals),
    delta: deltaToAttribute(value.delta),
    missingSequences: { L: value.missingSequences.map(N) },
    sealed: sealedToAttribute(value.sealed, value.sealedRef !== undefined),
    ...(value.sealedRef === undefined ? {} : { sealedRef: S(value.sealedRef) }),
    [RECON_TTL_ATTRIBUTE]: N(expiresAt),
  };
}

function sequenceFromItem(item: Item): StoredSequence {
  const list = (name: string) => {
    const value = item[name]?.L;
    if (value === undefined) throw corrupt(item, name);
    return value;
  };
  return {
    sequence: readNumber(item, item, 'sequence'),
    storedAt: readString(item, item, 'storedAt'),
    jurisdiction: readString(item, item, 'jurisdiction'),
    lines: readNumber(item, item, 'lines'),
    codes: list('codes').map((code) => {
      if (code.S === undefined) throw corrupt(item, 'codes');
      return code.S;
    }),
    totals: totalsFromAttribute(item),
    delta: deltaFromAttribute(item),
    missingSequences: list('missingSequences').map((sequence) => {
      const value = sequence.N === undefined ? Number.NaN : Number(sequence.N);
      if (!Number.isSafeInteger(value)) throw corrupt(item, 'missingSequences');
      return value;
    }),
    sealed: sealedFromAttribute(item),
    ...(item.sealedRef?.S === undefined ? {} : { sealedRef: item.sealedRef.S }),
  };
}

function pointerFromItem(item: Item): LatestPointer {
  return {
    sequence: readNumber(item, item, 'sequence'),
    count: readNumber(item, item, 'count'),
    updatedAt: readString(item, item, 'updatedAt'),
  };
}

/**
 * Defence in depth: the key already names the tenant and control number; an item whose clear
 * copies disagree means a key was built wrongly, and is never handed to another tenant.
 */
function checkOwner(item: Item, tenant: string, controlNumber?: string): void {
  if (item.tenant?.S !== tenant || (controlNumber !== undefined && item.controlNumber?.S !== controlNumber)) {
    throw corrupt(item, 'owner (tenant or control number differs from its key)');
  }
}

// ----- page tokens: base64url JSON, bound to the listing they were issued for

interface SequencePageToken {
  readonly v: 1;
  readonly k: 's';
  readonly pk: string;
  readonly sk: string;
}

interface ControlNumberPageToken {
  readonly v: 1;
  readonly k: 'c';
  readonly tk: string;
  readonly cn: string;
}

interface UpdatedPageToken {
  readonly v: 1;
  readonly k: 'u';
  readonly tk: string;
  /** {@link listingFingerprint} of the query the token continues. */
  readonly q: string;
  /** The last item's `updatedAt` and partition key: the index key to start after. */
  readonly u: string;
  readonly pk: string;
}

/**
 * What binds an updated-listing token to its query: a hash of the tenant key and `updatedSince`
 * (not the limit: a client may change the page size between pages, as Google's AIP-158 allows).
 */
function listingFingerprint(tenantKey: string, updatedSince: string | undefined): string {
  return createHash('sha256')
    .update(`${tenantKey}\n${updatedSince ?? ''}`, 'utf8')
    .digest('base64url')
    .slice(0, 22);
}

const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function encodePageToken(token: SequencePageToken | ControlNumberPageToken | UpdatedPageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function decodePageToken(token: string): Record<string, unknown> {
  const invalid = () => new InvalidPageTokenError('the page token was not issued for this listing');
  if (typeof token !== 'string' || token.length > MAX_PAGE_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid();
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
    return parsed as Record<string, unknown>;
  } catch {
    throw invalid();
  }
}

function checkPage(page: PageRequest): void {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > RECON_MAX_PAGE_LIMIT) {
    throw new RangeError(`a page limit must be an integer from 1 to ${RECON_MAX_PAGE_LIMIT}`);
  }
}

/**
 * Asks for one item more than the page holds, so the last page carries no token (a plain `Limit`
 * leaves a LastEvaluatedKey on a page that happens to end the listing, and the client would fetch
 * an empty page). When DynamoDB stops early (1 MB per query) its LastEvaluatedKey is used instead.
 */
function pageOf(answer: QueryCommandOutput, limit: number): { items: Item[]; last: Item | undefined } {
  const items = answer.Items ?? [];
  if (items.length > limit) {
    const kept = items.slice(0, limit);
    return { items: kept, last: kept[kept.length - 1] };
  }
  return { items, last: answer.LastEvaluatedKey };
}

// ----- the store

/** Cancellation codes of a TransactWriteItems, in the order of its items; undefined for other errors. */
function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if (Array.isArray(reasons) && reasons.length > 0) return reasons.map((reason) => reason.Code ?? 'None');
  // Some emulators give the codes in the message only: "... reasons [ConditionalCheckFailed, None]".
  const listed = /\[([^\]]*)\]/.exec(error.message)?.[1];
  return listed === undefined ? [] : listed.split(',').map((code) => code.trim());
}

/** {@link ReconStore} over DynamoDB; see the module comment for the layout. */
export class DynamoDbReconStore implements ReconStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #maxConflictAttempts: number;

  /** Runs one SDK call; a "not now" failure becomes a DependencyUnavailableError (503). */
  async #send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw dependencyError('DynamoDB', error);
    }
  }

  /**
   * @param options - the client, the table and the conflict retry budget
   */
  constructor(options: DynamoDbReconStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#maxConflictAttempts = options.maxConflictAttempts ?? 8;
  }

  async #get(pk: string, sk: string): Promise<Item | undefined> {
    const answer = await this.#send(() =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.#tableName,
          Key: { [RECON_PARTITION_KEY]: S(pk), [RECON_SORT_KEY]: S(sk) },
          // Read-your-writes: the workflow loads the latest right before its conditional write.
          ConsistentRead: true,
        }),
      ),
    );
    return answer.Item;
  }

  /**
   * The pointer is read first, then the sequence it names (sequence items never change, so the
   * pair is consistent). A pointer whose sequence has gone (a delete or TTL running at the same
   * moment) reads as no latest at all.
   *
   * @param tenant - from the caller's token
   * @param controlNumber - the control number
   * @returns the latest pointer and its sequence, or null
   */
  async getLatest(
    tenant: string,
    controlNumber: string,
  ): Promise<{ readonly pointer: LatestPointer; readonly item: StoredSequence } | null> {
    const pk = reconPartitionKey(tenant, controlNumber);
    const latest = await this.#get(pk, RECON_LATEST_SORT_KEY);
    if (latest === undefined) return null;
    checkOwner(latest, tenant, controlNumber);
    const pointer = pointerFromItem(latest);
    const item = await this.#get(pk, reconSequenceSortKey(pointer.sequence));
    if (item === undefined) return null;
    checkOwner(item, tenant, controlNumber);
    return { pointer, item: sequenceFromItem(item) };
  }

  /**
   * @param tenant - from the caller's token
   * @param controlNumber - the control number
   * @param sequence - the sequence
   * @returns the stored sequence, or null
   */
  async getSequence(tenant: string, controlNumber: string, sequence: number): Promise<StoredSequence | null> {
    const item = await this.#get(reconPartitionKey(tenant, controlNumber), reconSequenceSortKey(sequence));
    if (item === undefined) return null;
    checkOwner(item, tenant, controlNumber);
    return sequenceFromItem(item);
  }

  /**
   * @param tenant - from the caller's token
   * @param controlNumber - the control number
   * @param page - limit (1 to 1000) and the previous page's token
   * @returns stored sequences, newest first
   * @throws InvalidPageTokenError for a token of another listing
   */
  async listSequences(
    tenant: string,
    controlNumber: string,
    page: PageRequest,
  ): Promise<Page<StoredSequence>> {
    checkPage(page);
    const pk = reconPartitionKey(tenant, controlNumber);
    let start: Item | undefined;
    if (page.pageToken !== undefined) {
      const token = decodePageToken(page.pageToken);
      if (token.v !== 1 || token.k !== 's' || token.pk !== pk || typeof token.sk !== 'string') {
        throw new InvalidPageTokenError('the page token was not issued for this listing');
      }
      if (!SEQUENCE_SORT_KEY.test(token.sk)) throw new InvalidPageTokenError('the page token is damaged');
      start = { [RECON_PARTITION_KEY]: S(pk), [RECON_SORT_KEY]: S(token.sk) };
    }
    const answer = await this.#send(() =>
      this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': RECON_PARTITION_KEY, '#sk': RECON_SORT_KEY },
          ExpressionAttributeValues: { ':pk': S(pk), ':prefix': S(SEQUENCE_PREFIX) },
          ScanIndexForward: false,
          Limit: page.limit + 1,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      ),
    );
    const { items, last } = pageOf(answer, page.limit);
    const sk = last?.[RECON_SORT_KEY]?.S;
    return {
      items: items.map((item) => {
        checkOwner(item, tenant, controlNumber);
        return sequenceFromItem(item);
      }),
      ...(sk === undefined ? {} : { nextPageToken: encodePageToken({ v: 1, k: 's', pk, sk }) }),
    };
  }

  /**
   * One TransactWriteItems: Put the sequence item if absent, and Update the pointer under the
   * expected-latest condition, counting with `if_not_exists(count, 0) + 1` so the count needs no
   * read. Transactions cancelled for a conflict with another transaction are retried with jitter;
   * the SDK gives every attempt an idempotency token (ClientRequestToken), so its own network
   * retries of a write that did land do not turn into 'sequence-exists'.
   *
   * @param tenant - from the caller's token
   * @param controlNumber - the control number
   * @param item - the sequence to store (its `storedAt` becomes the pointer's `updatedAt`)
   * @param expectedLatest - the pointer's sequence as the caller read it; null for none
   * @param expiresAt - epoch seconds for DynamoDB TTL, set on both items
   * @returns 'written', or which condition failed (nothing written then)
   */
  async putSequence(
    tenant: string,
    controlNumber: string,
    item: StoredSequence,
    expectedLatest: number | null,
    expiresAt: number,
  ): Promise<PutOutcome> {
    const pk = reconPartitionKey(tenant, controlNumber);
    if (expectedLatest !== null) checkSequence(expectedLatest);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) {
      throw new RangeError('expiresAt must be a positive integer (epoch seconds)');
    }
    const names: Record<string, string> = {
      '#pk': RECON_PARTITION_KEY,
      '#seq': 'sequence',
      '#count': 'count',
      '#updatedAt': 'updatedAt',
      '#tenantKey': RECON_TENANT_INDEX_PARTITION_KEY,
      '#controlNumber': RECON_TENANT_INDEX_SORT_KEY,
      '#tenant': 'tenant',
      '#expiresAt': RECON_TTL_ATTRIBUTE,
      '#totals': 'totals',
    };
    const values: Item = {
      ':seq': N(item.sequence),
      ':zero': N(0),
      ':one': N(1),
      ':now': S(item.storedAt),
      ':tenantKey': S(reconTenantKey(tenant)),
      ':controlNumber': S(controlNumber),
      ':tenant': S(tenant),
      ':expiresAt': N(expiresAt),
      ':totals': totalsToAttribute(item.totals),
    };
    if (expectedLatest !== null) values[':expected'] = N(expectedLatest);
    const input: TransactWriteItemsCommandInput = {
      TransactItems: [
        {
          Put: {
            TableName: this.#tableName,
            Item: sequenceToItem(pk, tenant, controlNumber, item, expiresAt),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': RECON_PARTITION_KEY },
          },
        },
        {
          Update: {
            TableName: this.#tableName,
            Key: { [RECON_PARTITION_KEY]: S(pk), [RECON_SORT_KEY]: S(RECON_LATEST_SORT_KEY) },
            UpdateExpression:
              'SET #seq = :seq, #count = if_not_exists(#count, :zero) + :one, #updatedAt = :now, ' +
              '#tenantKey = :tenantKey, #controlNumber = :controlNumber, #tenant = :tenant, #expiresAt = :expiresAt, ' +
              '#totals = :totals',
            ConditionExpression: expectedLatest === null ? 'attribute_not_exists(#pk)' : '#seq = :expected',
            // DynamoDB refuses a name the expressions do not use: #pk only with attribute_not_exists.
            ExpressionAttributeNames:
              expectedLatest === null
                ? names
                : Object.fromEntries(Object.entries(names).filter(([n]) => n !== '#pk')),
            ExpressionAttributeValues: values,
          },
        },
      ],
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#send(() => this.#client.send(new TransactWriteItemsCommand(input)));
        return 'written';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        if (codes[0] === 'ConditionalCheckFailed') return 'sequence-exists';
        if (codes[1] === 'ConditionalCheckFailed') return 'latest-moved';
        if (codes.includes('TransactionConflict') && attempt < this.#maxConflictAttempts) {
          await backoff(attempt);
          continue;
        }
        // Still contended, or throttled: a retry later can succeed, nothing was written.
        if (
          codes.some(
            (code) =>
              code === 'TransactionConflict' ||
              code.startsWith('Throttling') ||
              code === 'ProvisionedThroughputExceeded',
          )
        ) {
          throw new DependencyUnavailableError('DynamoDB', THROTTLED_RETRY_AFTER_SECONDS, { cause: error });
        }
        throw error;
      }
    }
  }

  /** Every key of a partition, all pages. */
  async #keysOf(pk: string): Promise<Item[]> {
    const keys: Item[] = [];
    let start: Item | undefined;
    do {
      const answer = await this.#send(() =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: '#pk = :pk',
            // The sealed reference too: the objects of large sealed sequences go with their items.
            ProjectionExpression: '#pk, #sk, #ref',
            ExpressionAttributeNames: {
              '#pk': RECON_PARTITION_KEY,
              '#sk': RECON_SORT_KEY,
              '#ref': 'sealedRef',
            },
            ExpressionAttributeValues: { ':pk': S(pk) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      keys.push(...(answer.Items ?? []));
      start = answer.LastEvaluatedKey;
    } while (start !== undefined);
    return keys;
  }

  async #deleteKeys(keys: readonly Item[], tenant: string, controlNumber: string): Promise<void> {
    for (let offset = 0; offset < keys.length; offset += BATCH_WRITE_SIZE) {
      let pending: WriteRequest[] = keys
        .slice(offset, offset + BATCH_WRITE_SIZE)
        .map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 10) {
          throw new Error(
            `could not delete ${pending.length} items of tenant ${tenant}, control number ${controlNumber} ` +
              '(DynamoDB kept returning them unprocessed)',
          );
        }
        if (attempt > 1) await backoff(attempt);
        const answer = await this.#send(() =>
          this.#client.send(new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } })),
        );
        pending = answer.UnprocessedItems?.[this.#tableName] ?? [];
      }
    }
  }

  /**
   * Deletes the pointer and every sequence. Repeats until a query finds nothing, so a sequence a
   * concurrent write stored while the first pass ran is deleted too (a bounded number of passes).
   *
   * @param tenant - from the caller's token
   * @param controlNumber - the control number
   * @returns how many items were deleted (sequences plus the pointer) and the `sealedRef` of each
   * deleted sequence that has one
   */
  async deleteControlNumber(
    tenant: string,
    controlNumber: string,
  ): Promise<{ readonly deletedItems: number; readonly sealedRefs: readonly string[] }> {
    const pk = reconPartitionKey(tenant, controlNumber);
    let deleted = 0;
    const sealedRefs: string[] = [];
    for (let pass = 1; pass <= 5; pass++) {
      const items = await this.#keysOf(pk);
      if (items.length === 0) return { deletedItems: deleted, sealedRefs };
      for (const item of items) {
        const ref = item.sealedRef?.S;
        if (ref !== undefined) sealedRefs.push(ref);
      }
      const keys = items.map((item) => ({
        [RECON_PARTITION_KEY]: item[RECON_PARTITION_KEY] as AttributeValue,
        [RECON_SORT_KEY]: item[RECON_SORT_KEY] as AttributeValue,
      }));
      await this.#deleteKeys(keys, tenant, controlNumber);
      deleted += keys.length;
    }
    throw new Error(
      `tenant ${tenant}, control number ${controlNumber} still had items after 5 delete passes (writes keep arriving)`,
    );
  }

  /**
   * From the `byTenant` index, in control number order (UTF-8 byte order). Index reads are
   * eventually consistent: a pointer written a moment ago may be missing or one sequence behind.
   *
   * @param tenant - from the caller's token
   * @param page - limit (1 to 1000) and the previous page's token
   * @returns control numbers with their pointers
   * @throws InvalidPageTokenError for a token of another listing
   */
  async listControlNumbers(
    tenant: string,
    page: PageRequest,
  ): Promise<Page<{ readonly controlNumber: string; readonly pointer: LatestPointer }>> {
    checkPage(page);
    const tenantKey = reconTenantKey(tenant);
    let start: Item | undefined;
    if (page.pageToken !== undefined) {
      const token = decodePageToken(page.pageToken);
      if (token.v !== 1 || token.k !== 'c' || token.tk !== tenantKey || typeof token.cn !== 'string') {
        throw new InvalidPageTokenError('the page token was not issued for this listing');
      }
      let pk: string;
      try {
        pk = reconPartitionKey(tenant, token.cn);
      } catch {
        throw new InvalidPageTokenError('the page token is damaged');
      }
      // Rebuilt from the tenant, not taken from the token: a token cannot start in another tenant.
      start = {
        [RECON_TENANT_INDEX_PARTITION_KEY]: S(tenantKey),
        [RECON_TENANT_INDEX_SORT_KEY]: S(token.cn),
        [RECON_PARTITION_KEY]: S(pk),
        [RECON_SORT_KEY]: S(RECON_LATEST_SORT_KEY),
      };
    }
    const answer = await this.#send(() =>
      this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: RECON_TENANT_INDEX,
          KeyConditionExpression: '#tk = :tk',
          ExpressionAttributeNames: { '#tk': RECON_TENANT_INDEX_PARTITION_KEY },
          ExpressionAttributeValues: { ':tk': S(tenantKey) },
          Limit: page.limit + 1,
          ExclusiveStartKey: start,
        }),
      ),
    );
    const { items, last } = pageOf(answer, page.limit);
    const cn = last?.[RECON_TENANT_INDEX_SORT_KEY]?.S;
    return {
      items: items.map((item) => {
        checkOwner(item, tenant);
        return {
          controlNumber: readString(item, item, RECON_TENANT_INDEX_SORT_KEY),
          pointer: pointerFromItem(item),
        };
      }),
      ...(cn === undefined ? {} : { nextPageToken: encodePageToken({ v: 1, k: 'c', tk: tenantKey, cn }) }),
    };
  }

  /**
   * From the `byTenantUpdated` index, newest first. Index reads are eventually consistent: a Recon
   * stored a moment ago may be missing or one sequence behind, so a syncing client overlaps its
   * `updatedSince` by a few seconds. Pointers written before the index carried totals are read
   * with one GetItem of their latest sequence each.
   *
   * @param tenant - from the caller's token
   * @param request - `updatedSince` (inclusive), limit (1 to 1000) and the previous page's token
   * @returns the tenant's Recons with their latest totals
   * @throws InvalidPageTokenError for a token of another tenant or another `updatedSince`
   */
  async listUpdated(tenant: string, request: UpdatedReconsRequest): Promise<Page<ReconListingItem>> {
    checkPage(request);
    const { updatedSince } = request;
    if (updatedSince !== undefined && !ISO_UTC_MILLIS.test(updatedSince)) {
      throw new RangeError('updatedSince must be written as toISOString writes it (UTC, milliseconds)');
    }
    const tenantKey = reconTenantKey(tenant);
    const fingerprint = listingFingerprint(tenantKey, updatedSince);
    let start: Item | undefined;
    if (request.pageToken !== undefined) {
      const token = decodePageToken(request.pageToken);
      if (token.v !== 1 || token.k !== 'u' || token.tk !== tenantKey || token.q !== fingerprint) {
        throw new InvalidPageTokenError('the page token was not issued for this listing');
      }
      const prefix = `${tenantKey}#C#`;
      if (
        typeof token.u !== 'string' ||
        !ISO_UTC_MILLIS.test(token.u) ||
        typeof token.pk !== 'string' ||
        !token.pk.startsWith(prefix)
      ) {
        throw new InvalidPageTokenError('the page token is damaged');
      }
      let pk: string;
      try {
        pk = reconPartitionKey(tenant, decodeURIComponent(token.pk.slice(prefix.length)));
      } catch {
        throw new InvalidPageTokenError('the page token is damaged');
      }
      if (pk !== token.pk) throw new InvalidPageTokenError('the page token is damaged');
      // Rebuilt from the caller's tenant: whatever a token says, the query stays in that tenant.
      start = {
        [RECON_TENANT_INDEX_PARTITION_KEY]: S(tenantKey),
        [RECON_UPDATED_INDEX_SORT_KEY]: S(token.u),
        [RECON_PARTITION_KEY]: S(pk),
        [RECON_SORT_KEY]: S(RECON_LATEST_SORT_KEY),
      };
    }
    const values: Item = { ':tk': S(tenantKey) };
    if (updatedSince !== undefined) values[':since'] = S(updatedSince);
    const answer = await this.#send(() =>
      this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: RECON_UPDATED_INDEX,
          KeyConditionExpression:
            updatedSince === undefined ? '#tk = :tk' : '#tk = :tk AND #updatedAt >= :since',
          ExpressionAttributeNames: {
            '#tk': RECON_TENANT_INDEX_PARTITION_KEY,
            ...(updatedSince === undefined ? {} : { '#updatedAt': RECON_UPDATED_INDEX_SORT_KEY }),
          },
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: request.limit + 1,
          ExclusiveStartKey: start,
        }),
      ),
    );
    const { items, last } = pageOf(answer, request.limit);
    const listed = await Promise.all(
      items.map(async (item): Promise<ReconListingItem> => {
        checkOwner(item, tenant);
        const controlNumber = readString(item, item, 'controlNumber');
        const pointer = pointerFromItem(item);
        const totals =
          item.totals === undefined
            ? (await this.getSequence(tenant, controlNumber, pointer.sequence))?.totals
            : totalsFromAttribute(item);
        if (totals === undefined) throw corrupt(item, 'latest sequence');
        return {
          controlNumber,
          latestSequence: pointer.sequence,
          sequencesStored: pointer.count,
          totals,
          updatedAt: pointer.updatedAt,
        };
      }),
    );
    // From the index key (a LastEvaluatedKey holds keys only), never from projected attributes.
    const u = last?.[RECON_UPDATED_INDEX_SORT_KEY]?.S;
    const pk = last?.[RECON_PARTITION_KEY]?.S;
    return {
      items: listed,
      ...(u === undefined || pk === undefined
        ? {}
        : { nextPageToken: encodePageToken({ v: 1, k: 'u', tk: tenantKey, q: fingerprint, u, pk }) }),
    };
  }
}
