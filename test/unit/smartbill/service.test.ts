import { describe, expect, it } from 'vitest';
import type {
  SmartBillLinker,
  SmartBillPublisher,
  SmartBillRenderJob,
  SmartBillStore,
} from '../../../lambdas/app/smartbill/ports.js';
import {
  linkSmartBill,
  renderAndStore,
  revokeSmartBill,
  type SmartBillLinkDependencies,
} from '../../../lambdas/app/smartbill/service.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { MemorySmartBillGateStore, unlockPage } from '../../../lambdas/smartbill/gate.js';
import { qrCodeSvg } from '../../../lambdas/smartbill/qr.js';
import { unseal } from '../../../lambdas/smartbill/seal.js';
import { PATIENT_STRINGS, testPricedBill } from './fixture.js';
import { pageParts } from './page-parts.js';

const KEY = 'smartbills/AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH.html';

/** A linker that signs nothing: it shows which key and expiry it was asked for. */
class RecordingLinker implements SmartBillLinker {
  readonly calls: { key: string; expiresAt: Date }[] = [];
  signedUrl(key: string, expiresAt: Date): string {
    this.calls.push({ key, expiresAt });
    return `https://smartbills.example.com/${key}?Expires=${expiresAt.getTime() / 1000}&Signature=s&Key-Pair-Id=K`;
  }
}

class RecordingPublisher implements SmartBillPublisher {
  readonly jobs: SmartBillRenderJob[] = [];
  async publish(job: SmartBillRenderJob): Promise<void> {
    this.jobs.push(job);
  }
}

function deps(
  overrides: Partial<SmartBillLinkDependencies> = {},
): SmartBillLinkDependencies & { linker: RecordingLinker; publisher: RecordingPublisher } {
  return {
    linker: new RecordingLinker(),
    publisher: new RecordingPublisher(),
    newKey: () => KEY,
    urlTtlDays: 30,
    now: () => new Date('2026-11-22T10:00:00.750Z'),
    ...overrides,
  } as SmartBillLinkDependencies & { linker: RecordingLinker; publisher: RecordingPublisher };
}

/** A store in memory, for the page the renderer makes. */
class MemoryStore implements Pick<SmartBillStore, 'putAt'> {
  readonly pages = new Map<string, string>();
  async putAt(key: string, html: string): Promise<void> {
    this.pages.set(key, html);
  }
}

describe('linkSmartBill', () => {
  const priced = testPricedBill();

  it('states an expiry of now + the lifetime floored to the second, the same instant the link was signed with', async () => {
    // Prepare: 10:00:00.750 + 30 days; a canned policy holds whole seconds, so .750 is dropped
    const d = deps();
    // Act
    const link = await linkSmartBill(d, priced);
    // Assess
    expect(link.expiresAt).toBe('2026-12-22T10:00:00.000Z');
    expect(d.linker.calls).toEqual([{ key: KEY, expiresAt: new Date('2026-12-22T10:00:00.000Z') }]);
    expect(link.url).toBe(d.linker.signedUrl(KEY, new Date(link.expiresAt)));
  });

  it('follows the configured lifetime (1 day)', async () => {
    const link = await linkSmartBill(deps({ urlTtlDays: 1 }), priced);
    expect(link.expiresAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('hands over one job under the key the link names, with the priced bill and both dates', async () => {
    const d = deps();
    const link = await linkSmartBill(d, priced);
    expect(d.publisher.jobs).toEqual([
      { key: KEY, priced, generatedAt: '2026-11-22T10:00:00.750Z', expiresAt: link.expiresAt, tenantId: '' },
    ]);
    expect(link.url).toContain(KEY);
  });

  it('asks for a new key for every bill', async () => {
    let n = 0;
    const d = deps({ newKey: () => `smartbills/${String(n++).padStart(32, 'k')}.html` });
    await linkSmartBill(d, priced);
    await linkSmartBill(d, priced);
    expect(d.publisher.jobs.map((j) => j.key)).toEqual([
      `smartbills/${'k'.repeat(31)}0.html`,
      `smartbills/${'k'.repeat(31)}1.html`,
    ]);
  });

  it('adds the QR code of the very link only when asked', async () => {
    const plain = await linkSmartBill(deps(), priced);
    const unasked = await linkSmartBill(deps(), priced, { qrCode: false });
    const asked = await linkSmartBill(deps(), priced, { qrCode: true });
    expect(plain).not.toHaveProperty('qrCodeSvg');
    expect(unasked).not.toHaveProperty('qrCodeSvg');
    expect(asked.qrCodeSvg).toBe(await qrCodeSvg(asked.url));
  });

  it('fails when the page cannot be handed over (the handler answers the priced bill with a notice)', async () => {
    const failing: SmartBillPublisher = { publish: () => Promise.reject(new Error('throttled')) };
    await expect(linkSmartBill(deps({ publisher: failing }), priced)).rejects.toThrow('throttled');
  });
});

describe('renderAndStore', () => {
  const priced: PricedBill = testPricedBill();
  const job: SmartBillRenderJob = {
    key: KEY,
    priced,
    generatedAt: '2026-11-22T10:00:00.750Z',
    expiresAt: '2026-12-22T10:00:00.000Z',
    tenantId: 'tenant-a',
  };
  const pageId = KEY.slice('smartbills/'.length, -'.html'.length);

  it('stores the gate record and the page; the page opens with the key the gate releases for the total charge', async () => {
    // Prepare: the bill's total charge is the sum of its line charges (examples/bills/imaging-and-therapy.json)
    const store = new MemoryStore();
    const gate = new MemorySmartBillGateStore();
    // Act
    const bytes = await renderAndStore({ store, gate }, job);
    // Assess
    expect([...store.pages.keys()]).toEqual([KEY]);
    const html = store.pages.get(KEY) ?? '';
    expect(bytes).toBe(Buffer.byteLength(html, 'utf8'));
    expect(gate.peek(pageId)).toMatchObject({
      tenantId: 'tenant-a',
      attempts: 0,
      revoked: false,
      expiresAt: 1_797_933_600,
    });
    const opened = await unlockPage(
      { store: gate, now: () => new Date('2026-11-23T00:00:00Z') },
      pageId,
      priced.totals.billed,
    );
    if (opened.status !== 'open') throw new Error(`not opened: ${opened.status}`);
    const details = await unseal(pageParts(html).sealed, opened.key);
    expect(details).toContain('2026-12-22T10:00:00.000Z');
    expect(details).toContain('2026-11-22T10:00:00.750Z');
    for (const s of PATIENT_STRINGS) {
      expect(html, s).not.toContain(s);
      expect(details, s).not.toContain(s);
    }
  });

  it('the stored page alone reveals nothing: no key, no amount, and a wrong key does not open it', async () => {
    const store = new MemoryStore();
    const gate = new MemorySmartBillGateStore();
    await renderAndStore({ store, gate }, job);
    const html = store.pages.get(KEY) ?? '';
    const key = gate.peek(pageId)?.key ?? '';
    expect(key).not.toBe('');
    expect(html).not.toContain(key);
    expect(html).not.toContain(Buffer.from(key, 'base64').toString('hex'));
    expect(html).not.toMatch(/2,?825\.00|658\.87/);
    await expect(unseal(pageParts(html).sealed, Buffer.alloc(32))).rejects.toThrow();
  });

  it('gives each rendering a fresh key and IV, so two pages of one bill share no ciphertext', async () => {
    const store = new MemoryStore();
    await renderAndStore({ store, gate: new MemorySmartBillGateStore() }, job);
    const first = pageParts(store.pages.get(KEY) ?? '').sealed;
    await renderAndStore({ store, gate: new MemorySmartBillGateStore() }, job);
    const second = pageParts(store.pages.get(KEY) ?? '').sealed;
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
  });

  it('passes a store failure on (Lambda then retries the event)', async () => {
    const store = { putAt: () => Promise.reject(new Error('SlowDown')) };
    await expect(renderAndStore({ store, gate: new MemorySmartBillGateStore() }, job)).rejects.toThrow(
      'SlowDown',
    );
  });
});

describe('revokeSmartBill', () => {
  const job: SmartBillRenderJob = {
    key: KEY,
    priced: testPricedBill(),
    generatedAt: '2026-11-22T10:00:00.750Z',
    expiresAt: '2026-12-22T10:00:00.000Z',
    tenantId: 'tenant-a',
  };
  const pageId = KEY.slice('smartbills/'.length, -'.html'.length);

  it('for the tenant that priced it: removes the key and replaces the page with a withdrawn notice', async () => {
    const store = new MemoryStore();
    const gate = new MemorySmartBillGateStore();
    await renderAndStore({ store, gate }, job);
    expect(await revokeSmartBill({ store, gate }, pageId, 'tenant-a')).toBe(true);
    expect(gate.peek(pageId)).toMatchObject({ revoked: true });
    expect(gate.peek(pageId)?.key).toBeUndefined();
    expect(store.pages.get(KEY)).toContain('This page was withdrawn');
  });

  it('for another tenant or a malformed id: false (404), and the page is untouched', async () => {
    const store = new MemoryStore();
    const gate = new MemorySmartBillGateStore();
    await renderAndStore({ store, gate }, job);
    const before = store.pages.get(KEY);
    expect(await revokeSmartBill({ store, gate }, pageId, 'tenant-b')).toBe(false);
    expect(await revokeSmartBill({ store, gate }, '../etc', 'tenant-a')).toBe(false);
    expect(store.pages.get(KEY)).toBe(before);
    expect(gate.peek(pageId)?.key).toBeDefined();
  });
});
