import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  freshSaltAndIv,
  MIN_PBKDF2_ITERATIONS,
  type SealedParams,
  SmartBillSealError,
  seal,
  unseal,
} from '../../../lambdas/smartbill/seal.js';

const salt = () => randomBytes(16);
const iv = () => randomBytes(12);

/** Opens a sealed text with WebCrypto exactly as the page's script does (Node has the same API). */
async function openLikeTheBrowser(sealed: SealedParams, amount: string): Promise<string> {
  const bytes = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
  const { subtle } = globalThis.crypto;
  const base = await subtle.importKey('raw', new TextEncoder().encode(amount), 'PBKDF2', false, [
    'deriveKey',
  ]);
  const key = await subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(sealed.salt), iterations: sealed.iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
  const plain = await subtle.decrypt(
    { name: 'AES-GCM', iv: bytes(sealed.iv) },
    key,
    bytes(sealed.ciphertext),
  );
  const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}

describe('seal', () => {
  describe('acceptance', () => {
    it('round-trips with node:crypto and with WebCrypto (the browser path)', async () => {
      // Prepare
      const text = '<p>Line 1: 99213 allowed 88.82 — “quoted” ünïcode</p>'.repeat(50);
      // Act
      const sealed = await seal(text, '2825.00', { salt: salt(), iv: iv() });
      // Assess
      expect(sealed).toMatchObject({
        v: 1,
        kdf: 'PBKDF2-SHA256',
        iterations: 600_000,
        cipher: 'AES-256-GCM',
        compression: 'deflate-raw',
      });
      expect(Buffer.from(sealed.salt, 'base64')).toHaveLength(16);
      expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
      expect(await unseal(sealed, '2825.00')).toBe(text);
      expect(await openLikeTheBrowser(sealed, '2825.00')).toBe(text);
    });

    it('uses more iterations when asked', async () => {
      const sealed = await seal('x', '1.00', { salt: salt(), iv: iv(), iterations: 700_000 });
      expect(sealed.iterations).toBe(700_000);
      expect(await unseal(sealed, '1.00')).toBe('x');
    });

    it('gives a different ciphertext for the same text and amount under a fresh salt and IV', async () => {
      const a = await seal('same', '10.00', freshSaltAndIv());
      const b = await seal('same', '10.00', freshSaltAndIv());
      expect(a.salt).not.toBe(b.salt);
      expect(a.iv).not.toBe(b.iv);
      expect(a.ciphertext).not.toBe(b.ciphertext);
    });
  });

  describe('rejection', () => {
    it.each([599_999, 100_000, 1000, 0, -1, 600_000.5, Number.NaN])(
      'refuses %d iterations',
      async (iterations) => {
        await expect(seal('x', '1.00', { salt: salt(), iv: iv(), iterations })).rejects.toThrow(
          SmartBillSealError,
        );
      },
    );

    it(`refuses to open a page that claims fewer than ${MIN_PBKDF2_ITERATIONS} iterations`, async () => {
      const sealed = await seal('x', '1.00', { salt: salt(), iv: iv() });
      await expect(unseal({ ...sealed, iterations: 1000 }, '1.00')).rejects.toThrow(SmartBillSealError);
    });

    it('refuses a salt under 16 bytes and an IV that is not 12 bytes', async () => {
      await expect(seal('x', '1.00', { salt: randomBytes(15), iv: iv() })).rejects.toThrow(/salt/);
      await expect(seal('x', '1.00', { salt: salt(), iv: randomBytes(16) })).rejects.toThrow(/IV/);
    });

    it('does not open with a wrong amount, or when one bit of the ciphertext changed', async () => {
      const sealed = await seal('secret details', '2825.00', { salt: salt(), iv: iv() });
      await expect(unseal(sealed, '2825.01')).rejects.toThrow();
      await expect(openLikeTheBrowser(sealed, '2825.01')).rejects.toThrow();
      const body = Buffer.from(sealed.ciphertext, 'base64');
      body[0] = (body[0] ?? 0) ^ 1;
      await expect(unseal({ ...sealed, ciphertext: body.toString('base64') }, '2825.00')).rejects.toThrow();
    });
  });
});

describe('freshSaltAndIv', () => {
  it('gives 16 random bytes of salt and 12 of IV, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const { salt: s, iv: v } = freshSaltAndIv();
      expect(s).toHaveLength(16);
      expect(v).toHaveLength(12);
      seen.add(Buffer.from(s).toString('hex'));
    }
    expect(seen.size).toBe(100);
  });
});
