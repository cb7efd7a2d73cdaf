import { randomBytes, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshIv, IV_BYTES, SmartBillSealError, seal, unseal } from '../../../lambdas/smartbill/seal.js';

/** What the page's script does with the key the unlock endpoint releases (WebCrypto, no KDF). */
async function openLikeTheBrowser(
  sealed: Awaited<ReturnType<typeof seal>>,
  key: Uint8Array,
): Promise<string> {
  const { subtle } = webcrypto;
  const aes = await subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['decrypt']);
  const plain = await subtle.decrypt(
    { name: 'AES-GCM', iv: Buffer.from(sealed.iv, 'base64') },
    aes,
    Buffer.from(sealed.ciphertext, 'base64'),
  );
  const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}

describe('seal', () => {
  describe('acceptance', () => {
    it('round-trips with node:crypto and with WebCrypto (the browser path)', async () => {
      const key = randomBytes(32);
      const text = '<p>details ✓</p>'.repeat(50);
      const sealed = await seal(text, key, freshIv());
      expect(sealed).toMatchObject({ v: 2, cipher: 'AES-256-GCM', compression: 'deflate-raw' });
      expect(await unseal(sealed, key)).toBe(text);
      expect(await unseal(sealed, key.toString('base64'))).toBe(text);
      expect(await openLikeTheBrowser(sealed, key)).toBe(text);
    });

    it('holds neither the key nor anything derived from an amount (no salt, no iterations)', async () => {
      const key = randomBytes(32);
      const sealed = await seal('x', key, freshIv());
      expect(Object.keys(sealed).sort()).toEqual(['cipher', 'ciphertext', 'compression', 'iv', 'v']);
      expect(JSON.stringify(sealed)).not.toContain(key.toString('base64'));
    });
  });

  describe('rejection', () => {
    it('refuses a key that is not 32 bytes and an IV that is not 12 bytes', async () => {
      await expect(seal('x', randomBytes(16), freshIv())).rejects.toThrow(SmartBillSealError);
      await expect(seal('x', randomBytes(32), randomBytes(IV_BYTES + 1))).rejects.toThrow(SmartBillSealError);
    });

    it('does not open with another key, or when one bit of the ciphertext changed', async () => {
      const key = randomBytes(32);
      const sealed = await seal('text', key, freshIv());
      await expect(unseal(sealed, randomBytes(32))).rejects.toThrow();
      const body = Buffer.from(sealed.ciphertext, 'base64');
      body[0] = (body[0] as number) ^ 1;
      await expect(unseal({ ...sealed, ciphertext: body.toString('base64') }, key)).rejects.toThrow();
    });
  });
});
