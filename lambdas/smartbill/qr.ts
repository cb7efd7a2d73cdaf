/**
 * The QR library, imported on the first QR code (few answers ask for one): bundled, its body and
 * the PNG encoder it brings (with zlib and streams) would otherwise run at every cold start of the
 * pricing function (issue 17, 4(d)). esbuild turns this `import()` of a bundled CommonJS module
 * into a call of its wrapper, so nothing is loaded from disk.
 */
let library: Promise<typeof import('qrcode')> | undefined;

/**
 * An SVG QR code of a SmartBill link, for the priced bill's `smartBill.qrCodeSvg`. Error
 * correction level M (about 15% of the code can be damaged and it still reads), the default quiet
 * zone of four modules. The SVG is labelled (`role="img"`, `aria-label`) so a screen reader says
 * what it is rather than reading paths.
 *
 * @param url - the absolute http(s) address the code should open
 * @returns the SVG document as text
 * @throws TypeError when `url` is not an absolute http(s) address
 * @example const svg = await qrCodeSvg('https://smartbills.example.com/b/3f9c…?Expires=…')
 */
export async function qrCodeSvg(url: string): Promise<string> {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new TypeError('a SmartBill QR code needs an absolute http(s) address');
  }
  library ??= import('qrcode').then((module) => module.default);
  const QRCode = await library;
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.trim().replace('<svg ', '<svg role="img" aria-label="QR code of the SmartBill link" ');
}
