/** HTML building blocks for the SmartBill: every value goes through `escapeHtml`. */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes a value for HTML text and for a quoted attribute value.
 *
 * @param value - any text (numbers are converted)
 * @returns the text with `& < > " '` replaced by character references
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * A link to an http(s) address, or the text alone when the address is not one (a `javascript:`
 * address in a regulation would otherwise run in the page). `rel=noreferrer` keeps the signed page
 * URL out of the regulation site's logs.
 *
 * @param url - the address
 * @param text - the link text
 * @returns the `<a>` element, or the escaped text
 */
export function link(url: string, text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return escapeHtml(text);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return escapeHtml(text);
  return `<a href="${escapeHtml(parsed.href)}" rel="noreferrer noopener">${escapeHtml(text)}</a>`;
}

/**
 * A money amount as the page shows it ("1,234.50"), inside a `<data>` element whose `value` is the
 * API's string ("1234.50"), so a reader sees separators and a program reads the exact amount.
 *
 * @param amount - money as the API writes it ("-1234.50")
 * @returns the `<data>` element
 */
export function money(amount: string): string {
  const negative = amount.startsWith('-');
  const [dollars = '', cents] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = dollars.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const shown = `${negative ? '-' : ''}${grouped}${cents === undefined ? '' : `.${cents}`}`;
  return `<data value="${escapeHtml(amount)}">${escapeHtml(shown)}</data>`;
}

/**
 * The head every SmartBill document shares: UTF-8, a phone's viewport, no indexing or archiving,
 * its title and its inline style; `extra` meta elements (the sealed page's content security policy
 * and referrer policy) come before the robots line.
 *
 * @param title - the document's title (trusted text: ours, not the bill's)
 * @param style - the inline CSS
 * @param extra - further `<meta>` lines, each ending in a newline
 * @returns the `<head>` element
 */
export function documentHead(title: string, style: string, extra = ''): string {
  return `<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${extra}<meta name="robots" content="noindex, nofollow, noarchive">
<title>${title}</title>
<style>${style}</style>
</head>`;
}
