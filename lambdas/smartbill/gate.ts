import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { normaliseTypedAmount } from './amount.js';

/**
 * The SmartBill's online gate (docs/decisions/009-smartbill-online-gate.md): a page's details are
 * encrypted under a random per-page key that is kept only in the gate's store, never beside the
 * page. The recipient types the bill's total charge; {@link unlockPage} compares it and only then
 * hands out the key. Every comparison first takes one of {@link MAX_UNLOCK_ATTEMPTS} attempts
 * atomically in the store, so concurrent guesses cannot exceed the limit; a right amount gives the
 * attempts back. Revocation removes the key (crypto-shredding: no copy of the page opens again).
 */

/** Wrong amounts a page accepts before it locks for good (issue 15: "for example 5"). */
export const MAX_UNLOCK_ATTEMPTS = 5;

/** Bytes of a page key (AES-256). */
export const PAGE_KEY_BYTES = 32;

/** A page id: 32 base64url characters (24 random bytes), the middle of its object key. */
export const PAGE_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** What the gate keeps about one page. */
export interface GateRecord {
  readonly pageId: string;
  /** The tenant that priced the bill: only it may revoke the page. */
  readonly tenantId: string;
  /** The page key, base64; absent once revoked. */
  readonly key?: string;
  /** HMAC-SHA256 under the page key of the normalised total charge, base64 (no amount in the store). */
  readonly amountMac?: string;
  /** Attempts taken and not given back (a right amount gives them back). */
  readonly attempts: number;
  readonly revoked: boolean;
  /** Epoch seconds: the link's expiry; the store's TTL deletes the record some time after it. */
  readonly expiresAt: number;
}

/** Why a page cannot be opened now. */
export type GateRefusal = 'not-found' | 'revoked' | 'locked' | 'expired';

/** Where gate records live: a DynamoDB table in AWS and locally (DynamoDB Local); memory in unit tests. */
export interface SmartBillGateStore {
  /**
   * Stores a new page's record.
   *
   * @param record - the record (attempts 0, not revoked)
   */
  create(record: GateRecord): Promise<void>;
  /**
   * Takes one attempt atomically: only while the record exists, is not revoked, has fewer than
   * `max` attempts and has not expired.
   *
   * @param pageId - the page
   * @param max - the attempt limit
   * @param nowEpoch - epoch seconds now
   * @returns the record after the attempt was taken, or why none could be
   */
  takeAttempt(pageId: string, max: number, nowEpoch: number): Promise<GateRecord | GateRefusal>;
  /**
   * Gives the attempts back after a right amount.
   *
   * @param pageId - the page
   */
  resetAttempts(pageId: string): Promise<void>;
  /**
   * Revokes a page and removes its key, only for the tenant that made it.
   *
   * @param pageId - the page
   * @param tenantId - the caller's tenant
   * @returns false when no page of that tenant has that id (the caller answers 404 either way)
   */
  revoke(pageId: string, tenantId: string): Promise<boolean>;
}

/** A new page key and the record that guards it. */
export interface NewGate {
  readonly key: Uint8Array;
  readonly record: GateRecord;
}

/**
 * The MAC the gate compares: HMAC-SHA256 of the normalised amount under the page key, so the store
 * holds no amount and the comparison is of fixed-length values (constant time).
 *
 * @param key - the page key
 * @param normalisedAmount - for example "13667.23"
 * @returns 32 bytes
 */
export function amountMac(key: Uint8Array, normalisedAmount: string): Buffer {
  return createHmac('sha256', key).update(`smartbill-amount:${normalisedAmount}`, 'utf8').digest();
}

/** The bill's total charge is not an amount: no page can be made for it. */
export class SmartBillGateError extends Error {
  override readonly name = 'SmartBillGateError';
}

/**
 * Makes a page's key and gate record: one random draw and one HMAC, microseconds (no key
 * stretching: the online attempt limit, not the cost of a guess, protects the amount).
 *
 * @param options - page id, tenant, the bill's total charge as the priced bill states it, expiry
 * @returns the key to encrypt the page with and the record to store
 * @throws SmartBillGateError when the total charge is not an amount
 */
export function newGate(options: {
  readonly pageId: string;
  readonly tenantId: string;
  readonly totalCharge: string;
  readonly expiresAt: Date;
}): NewGate {
  const normalised = normaliseTypedAmount(options.totalCharge);
  if (normalised === null) {
    throw new SmartBillGateError(`the bill's total charge "${options.totalCharge}" is not an amount`);
  }
  const key = randomBytes(PAGE_KEY_BYTES);
  return {
    key,
    record: {
      pageId: options.pageId,
      tenantId: options.tenantId,
      key: key.toString('base64'),
      amountMac: amountMac(key, normalised).toString('base64'),
      attempts: 0,
      revoked: false,
      expiresAt: Math.floor(options.expiresAt.getTime() / 1000),
    },
  };
}

/** The answer of {@link unlockPage}. */
export type UnlockOutcome =
  | { readonly status: 'open'; readonly key: string }
  | { readonly status: 'format' }
  | { readonly status: 'mismatch'; readonly attemptsLeft: number }
  | { readonly status: GateRefusal };

/**
 * Checks a typed amount against a page's gate and releases the key for the right one.
 *
 * A malformed amount costs no attempt (it cannot be the total). Every well-formed amount takes an
 * attempt before it is compared, so at most {@link MAX_UNLOCK_ATTEMPTS} wrong amounts are ever
 * compared, however many arrive at once; the sixth and later answer `locked`.
 *
 * @param deps - the store and the clock
 * @param pageId - the page's id
 * @param typed - the amount as typed
 * @returns open with the key, or why not
 */
export async function unlockPage(
  deps: { readonly store: SmartBillGateStore; readonly now: () => Date },
  pageId: string,
  typed: string,
): Promise<UnlockOutcome> {
  if (!PAGE_ID_PATTERN.test(pageId)) return { status: 'not-found' };
  const normalised = normaliseTypedAmount(typed);
  if (normalised === null) return { status: 'format' };
  const taken = await deps.store.takeAttempt(
    pageId,
    MAX_UNLOCK_ATTEMPTS,
    Math.floor(deps.now().getTime() / 1000),
  );
  if (typeof taken === 'string') return { status: taken };
  if (taken.key === undefined || taken.amountMac === undefined) return { status: 'revoked' };
  const key = Buffer.from(taken.key, 'base64');
  const expected = Buffer.from(taken.amountMac, 'base64');
  const actual = amountMac(key, normalised);
  if (expected.length === actual.length && timingSafeEqual(expected, actual)) {
    await deps.store.resetAttempts(pageId);
    return { status: 'open', key: taken.key };
  }
  const left = MAX_UNLOCK_ATTEMPTS - taken.attempts;
  return left > 0 ? { status: 'mismatch', attemptsLeft: left } : { status: 'locked' };
}

/**
 * A gate store in memory: for unit tests and single-process tools. Same semantics as the DynamoDB
 * adapter (conditional updates), which the adapter test checks against DynamoDB Local.
 */
export class MemorySmartBillGateStore implements SmartBillGateStore {
  readonly #records = new Map<string, GateRecord>();

  /** @param record - see {@link SmartBillGateStore.create} */
  public create(record: GateRecord): Promise<void> {
    if (this.#records.has(record.pageId)) return Promise.reject(new Error('page id already used'));
    this.#records.set(record.pageId, record);
    return Promise.resolve();
  }

  /**
   * @param pageId - see {@link SmartBillGateStore.takeAttempt}
   * @param max - the attempt limit
   * @param nowEpoch - epoch seconds now
   * @returns the record or the refusal
   */
  public takeAttempt(pageId: string, max: number, nowEpoch: number): Promise<GateRecord | GateRefusal> {
    const record = this.#records.get(pageId);
    const refusal = gateRefusal(record, max, nowEpoch);
    if (refusal !== null || record === undefined) return Promise.resolve(refusal ?? 'not-found');
    const next = { ...record, attempts: record.attempts + 1 };
    this.#records.set(pageId, next);
    return Promise.resolve(next);
  }

  /** @param pageId - see {@link SmartBillGateStore.resetAttempts} */
  public resetAttempts(pageId: string): Promise<void> {
    const record = this.#records.get(pageId);
    if (record !== undefined) this.#records.set(pageId, { ...record, attempts: 0 });
    return Promise.resolve();
  }

  /**
   * @param pageId - see {@link SmartBillGateStore.revoke}
   * @param tenantId - the caller's tenant
   * @returns whether the page was the tenant's
   */
  public revoke(pageId: string, tenantId: string): Promise<boolean> {
    const record = this.#records.get(pageId);
    if (record === undefined || tenantId === '' || record.tenantId !== tenantId)
      return Promise.resolve(false);
    const { key: _key, amountMac: _mac, ...rest } = record;
    this.#records.set(pageId, { ...rest, revoked: true });
    return Promise.resolve(true);
  }

  /**
   * The stored record, for tests.
   *
   * @param pageId - the page
   * @returns the record or undefined
   */
  public peek(pageId: string): GateRecord | undefined {
    return this.#records.get(pageId);
  }
}

/**
 * Why a record cannot take an attempt, in the order a person should hear it (revoked before
 * expired before locked), or null when it can.
 *
 * @param record - the stored record, if any
 * @param max - the attempt limit
 * @param nowEpoch - epoch seconds now
 * @returns the refusal or null
 */
export function gateRefusal(
  record: GateRecord | undefined,
  max: number,
  nowEpoch: number,
): GateRefusal | null {
  if (record === undefined) return 'not-found';
  if (record.revoked) return 'revoked';
  if (nowEpoch >= record.expiresAt) return 'expired';
  if (record.attempts >= max) return 'locked';
  return null;
}
