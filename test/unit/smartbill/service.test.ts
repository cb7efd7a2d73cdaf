import { describe, expect, it } from 'vitest';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import type {
  SmartBillLinker,
  SmartBillPublisher,
  SmartBillRenderJob,
  SmartBillStore,
} from '../../../lambdas/handlers/shared/smartbill-ports.js';
import {
  linkSmartBill,
  renderAndStore,
  type SmartBillLinkDependencies,
} from '../../../lambdas/handlers/shared/smartbill-service.js';
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
      { key: KEY, priced, generatedAt: '2026-11-22T10:00:00.750Z', expiresAt: link.expiresAt },
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
  };

  it('stores the page under the job key, says its size, and the page opens with the total charge', async () => {
    // Prepare: the bill's total charge is the sum of its line charges (examples/bills/imaging-and-therapy.json)
    const store = new MemoryStore();
    // Act
    const bytes = await renderAndStore(store, job);
    // Assess
    expect([...store.pages.keys()]).toEqual([KEY]);
    const html = store.pages.get(KEY) ?? '';
    expect(bytes).toBe(Buffer.byteLength(html, 'utf8'));
    const details = await unseal(pageParts(html).sealed, priced.totals.billed);
    expect(details).toContain('2026-12-22T10:00:00.000Z');
    expect(details).toContain('2026-11-22T10:00:00.750Z');
    for (const s of PATIENT_STRINGS) {
      expect(html, s).not.toContain(s);
      expect(details, s).not.toContain(s);
    }
  });

  it('seals each rendering with a fresh salt and IV, so two pages of one bill share no ciphertext', async () => {
    const store = new MemoryStore();
    await renderAndStore(store, job);
    const first = pageParts(store.pages.get(KEY) ?? '').sealed;
    await renderAndStore(store, job);
    const second = pageParts(store.pages.get(KEY) ?? '').sealed;
    expect(second.salt).not.toBe(first.salt);
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
  });

  it('passes a store failure on (Lambda then retries the event)', async () => {
    const store = { putAt: () => Promise.reject(new Error('SlowDown')) };
    await expect(renderAndStore(store, job)).rejects.toThrow('SlowDown');
  });
});
