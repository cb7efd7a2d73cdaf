import { describe, expect, it } from 'vitest';
import { answerUnlock, UNLOCK_RATE_LIMIT, UnlockRateLimiter } from '../../../lambdas/app/smartbill/unlock.js';
import {
  MAX_UNLOCK_ATTEMPTS,
  MemorySmartBillGateStore,
  newGate,
  unlockPage,
} from '../../../lambdas/smartbill/gate.js';
import { AMOUNT_CASES } from './amount-cases.js';

/**
 * The online gate (issue 15, item 1): the amount check, the attempt limit and lock, revocation by
 * the tenant that priced the bill only, expiry, and the per-client rate limit. The total charge is
 * the one the tests' bill states ("13667.23", the AMOUNT_CASES table's own example).
 */

const PAGE = `${'A'.repeat(31)}b`;
const TOTAL = '13667.23';
const NOW = new Date('2026-12-07T05:00:00Z');
const EXPIRES = new Date('2027-01-06T05:00:00Z');

async function gated(): Promise<{ store: MemorySmartBillGateStore; key: string }> {
  const store = new MemorySmartBillGateStore();
  const gate = newGate({ pageId: PAGE, tenantId: 'tenant-a', totalCharge: TOTAL, expiresAt: EXPIRES });
  await store.create(gate.record);
  return { store, key: Buffer.from(gate.key).toString('base64') };
}

const at = (now: Date) => () => now;

describe('newGate', () => {
  it('makes a fresh 32-byte key per page and stores no amount, only its MAC under the key', () => {
    const one = newGate({ pageId: PAGE, tenantId: 't', totalCharge: TOTAL, expiresAt: EXPIRES });
    const two = newGate({ pageId: PAGE, tenantId: 't', totalCharge: TOTAL, expiresAt: EXPIRES });
    expect(one.key).toHaveLength(32);
    expect(Buffer.from(one.key).equals(Buffer.from(two.key))).toBe(false);
    expect(one.record.amountMac).not.toBe(two.record.amountMac);
    expect(JSON.stringify(one.record)).not.toMatch(/13,?667/);
    expect(one.record).toMatchObject({ attempts: 0, revoked: false, expiresAt: EXPIRES.getTime() / 1000 });
  });

  it('refuses a total charge that is not an amount', () => {
    expect(() => newGate({ pageId: PAGE, tenantId: 't', totalCharge: 'abc', expiresAt: EXPIRES })).toThrow(
      /not an amount/,
    );
  });
});

describe('unlockPage', () => {
  describe('the amount check', () => {
    it.each(AMOUNT_CASES.filter(([, n]) => n === TOTAL))('releases the key for %j', async (typed) => {
      const { store, key } = await gated();
      expect(await unlockPage({ store, now: at(NOW) }, PAGE, typed)).toEqual({ status: 'open', key });
    });

    it('refuses a near miss and says how many tries are left', async () => {
      const { store } = await gated();
      expect(await unlockPage({ store, now: at(NOW) }, PAGE, '13667.24')).toEqual({
        status: 'mismatch',
        attemptsLeft: MAX_UNLOCK_ATTEMPTS - 1,
      });
    });

    it.each(AMOUNT_CASES.filter(([, n]) => n === null))(
      'answers format for %j and takes no attempt (it cannot be the total)',
      async (typed) => {
        const { store } = await gated();
        expect(await unlockPage({ store, now: at(NOW) }, PAGE, typed)).toEqual({ status: 'format' });
        expect(store.peek(PAGE)?.attempts).toBe(0);
      },
    );
  });

  describe('the attempt limit', () => {
    it(`locks after ${MAX_UNLOCK_ATTEMPTS} wrong amounts; then even the right one is refused`, async () => {
      const { store } = await gated();
      const answers = [];
      for (let i = 1; i <= MAX_UNLOCK_ATTEMPTS; i += 1) {
        answers.push(await unlockPage({ store, now: at(NOW) }, PAGE, `${i}.00`));
      }
      expect(answers.map((a) => a.status)).toEqual([
        ...Array(MAX_UNLOCK_ATTEMPTS - 1).fill('mismatch'),
        'locked',
      ]);
      expect(await unlockPage({ store, now: at(NOW) }, PAGE, TOTAL)).toEqual({ status: 'locked' });
    });

    it('compares at most the limit however many guesses arrive at once', async () => {
      const { store } = await gated();
      const guesses = Array.from({ length: 50 }, (_, i) => `${i + 1}.00`);
      const answers = await Promise.all(guesses.map((g) => unlockPage({ store, now: at(NOW) }, PAGE, g)));
      expect(answers.filter((a) => a.status === 'mismatch')).toHaveLength(MAX_UNLOCK_ATTEMPTS - 1);
      expect(answers.filter((a) => a.status === 'locked')).toHaveLength(50 - (MAX_UNLOCK_ATTEMPTS - 1));
    });

    it('gives the attempts back after the right amount (a typo earlier does not count later)', async () => {
      const { store } = await gated();
      await unlockPage({ store, now: at(NOW) }, PAGE, '1.00');
      await unlockPage({ store, now: at(NOW) }, PAGE, TOTAL);
      expect(store.peek(PAGE)?.attempts).toBe(0);
    });
  });

  describe('revocation and expiry', () => {
    it('revokes for the tenant that priced the bill and removes the key; the page answers revoked', async () => {
      const { store } = await gated();
      expect(await store.revoke(PAGE, 'tenant-a')).toBe(true);
      expect(store.peek(PAGE)?.key).toBeUndefined();
      expect(store.peek(PAGE)?.amountMac).toBeUndefined();
      expect(await unlockPage({ store, now: at(NOW) }, PAGE, TOTAL)).toEqual({ status: 'revoked' });
    });

    it('refuses another tenant, and a page priced with no tenant cannot be revoked by an empty one', async () => {
      const { store } = await gated();
      expect(await store.revoke(PAGE, 'tenant-b')).toBe(false);
      expect(store.peek(PAGE)?.key).toBeDefined();
      const orphan = newGate({
        pageId: 'C'.repeat(32),
        tenantId: '',
        totalCharge: TOTAL,
        expiresAt: EXPIRES,
      });
      await store.create(orphan.record);
      expect(await store.revoke('C'.repeat(32), '')).toBe(false);
    });

    it('answers expired from the expiry second on, not-found for an unknown or malformed id', async () => {
      const { store } = await gated();
      expect(await unlockPage({ store, now: at(EXPIRES) }, PAGE, TOTAL)).toEqual({ status: 'expired' });
      expect(await unlockPage({ store, now: at(NOW) }, 'Z'.repeat(32), TOTAL)).toEqual({
        status: 'not-found',
      });
      expect(await unlockPage({ store, now: at(NOW) }, '../x', TOTAL)).toEqual({ status: 'not-found' });
    });
  });
});

describe('answerUnlock', () => {
  const body = (amount: unknown) => JSON.stringify({ amount });

  it('answers 200 with the key, 403 with the tries left, 400 for a body that is not an amount', async () => {
    const { store, key } = await gated();
    const deps = { store, now: at(NOW), limiter: new UnlockRateLimiter() };
    const wrong = await answerUnlock(deps, { pageId: PAGE, client: 'c', body: body('1.00') });
    expect([wrong.statusCode, JSON.parse(wrong.body)]).toEqual([
      403,
      { status: 'mismatch', attemptsLeft: 4 },
    ]);
    for (const bad of ['not json', body(13667.23), '{}', `{"amount":"${'9'.repeat(2000)}"}`]) {
      expect((await answerUnlock(deps, { pageId: PAGE, client: 'c', body: bad })).statusCode).toBe(400);
    }
    const right = await answerUnlock(deps, { pageId: PAGE, client: 'c', body: body('$13,667.23') });
    expect([right.statusCode, JSON.parse(right.body)]).toEqual([200, { status: 'open', key }]);
    expect(right.headers['cache-control']).toMatch(/no-store/);
  });

  it('answers 423 locked, 410 revoked, 404 unknown', async () => {
    const { store } = await gated();
    const deps = { store, now: at(NOW), limiter: new UnlockRateLimiter() };
    for (let i = 0; i < MAX_UNLOCK_ATTEMPTS; i += 1) {
      await answerUnlock(deps, { pageId: PAGE, client: 'c', body: body('1.00') });
    }
    expect((await answerUnlock(deps, { pageId: PAGE, client: 'c', body: body(TOTAL) })).statusCode).toBe(423);
    const other = await gated();
    await other.store.revoke(PAGE, 'tenant-a');
    const revoked = await answerUnlock(
      { ...deps, store: other.store },
      { pageId: PAGE, client: 'c', body: body(TOTAL) },
    );
    expect(revoked.statusCode).toBe(410);
    expect(
      (await answerUnlock(deps, { pageId: 'Q'.repeat(32), client: 'c', body: body(TOTAL) })).statusCode,
    ).toBe(404);
  });

  it(`limits each client to ${UNLOCK_RATE_LIMIT} requests a minute (429 with Retry-After); others are not held up`, async () => {
    const { store } = await gated();
    let clock = NOW.getTime();
    const deps = { store, now: () => new Date(clock), limiter: new UnlockRateLimiter() };
    const statuses: number[] = [];
    for (let i = 0; i <= UNLOCK_RATE_LIMIT; i += 1) {
      statuses.push(
        (await answerUnlock(deps, { pageId: 'Q'.repeat(32), client: 'x', body: body(TOTAL) })).statusCode,
      );
    }
    expect(statuses.slice(0, UNLOCK_RATE_LIMIT).every((s) => s === 404)).toBe(true);
    const limited = await answerUnlock(deps, { pageId: PAGE, client: 'x', body: body(TOTAL) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await answerUnlock(deps, { pageId: PAGE, client: 'y', body: body(TOTAL) })).statusCode).toBe(200);
    clock += 60_000;
    expect((await answerUnlock(deps, { pageId: PAGE, client: 'x', body: body(TOTAL) })).statusCode).toBe(200);
  });
});
