import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrCodeSvg } from '../../../lambdas/smartbill/qr.js';

const URL_ =
  'https://smartbills.example.com/b/6f1c2a9e4b7d4f0e9a3c1b2d5e6f7a8b.html?Expires=1798000000&Signature=abc~def_&Key-Pair-Id=K2JCJMDEHXQW5F';

describe('qrCodeSvg', () => {
  it('gives a labelled SVG of the link at error correction level M with a four-module quiet zone', async () => {
    // Prepare: the size of the symbol the qrcode package makes for this link at level M
    const { modules } = QRCode.create(URL_, { errorCorrectionLevel: 'M' });
    // Act
    const svg = await qrCodeSvg(URL_);
    // Assess
    expect(svg).toMatch(
      /^<svg role="img" aria-label="QR code of the SmartBill link" xmlns="http:\/\/www\.w3\.org\/2000\/svg" /,
    );
    expect(svg).toContain(`viewBox="0 0 ${modules.size + 8} ${modules.size + 8}"`);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|<image|href=/);
  });

  it('encodes at level M: the symbol is the size level M needs, not L, Q or H (all differ for this link)', async () => {
    const size = (level: 'L' | 'M' | 'Q' | 'H') =>
      QRCode.create(URL_, { errorCorrectionLevel: level }).modules.size;
    const m = size('M');
    expect(new Set([size('L'), m, size('Q'), size('H')]).size).toBe(4);
    expect(await qrCodeSvg(URL_)).toContain(`viewBox="0 0 ${m + 8} ${m + 8}"`);
  });

  it.each(['not a url', '/relative/path', 'javascript:alert(1)', 'ftp://example.com/x'])(
    'refuses %j',
    async (url) => {
      await expect(qrCodeSvg(url)).rejects.toThrow(TypeError);
    },
  );
});
