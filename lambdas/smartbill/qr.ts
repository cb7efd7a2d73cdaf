import QRCode from 'qrcode';

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
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.trim().replace('<svg ', '<svg role="img" aria-label="QR code of the SmartBill link" ');
}
