import { createHash } from 'node:crypto';
import type { PricedBill } from '../engine/priced-bill.js';
import { AMOUNT_NORMALISER_JS, normaliseTypedAmount } from './amount.js';
import { type FragmentMeta, renderDetailsFragment } from './fragment.js';
import { DEFAULT_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS, SmartBillSealError, seal } from './seal.js';

/**
 * The SmartBill page: one self-contained HTML file. Before the viewer types the bill's total
 * charge it shows a title, one paragraph, a labelled input and a button; the bill's details are in
 * the page only as AES-256-GCM ciphertext (seal.ts), opened in the browser with WebCrypto.
 *
 * The Content-Security-Policy allows exactly the page's one inline script and one inline style
 * block, by SHA-256 hash (a static file in S3 cannot carry a fresh nonce), and nothing else: no
 * network requests, no images, no fonts, no forms, no frames. `frame-ancestors` cannot be set from
 * a meta tag; the edge (CloudFront response headers policy) should send it with the other headers.
 */

/** Options of {@link renderSmartBill}. */
export interface RenderSmartBillOptions {
  /** Random, at least 16 bytes, fresh for every page (`crypto.getRandomValues`). */
  readonly salt: Uint8Array;
  /** Random, 12 bytes, fresh for every page. */
  readonly iv: Uint8Array;
  /** PBKDF2 iterations. @default 600_000 (fewer are refused) */
  readonly iterations?: number;
  /** When the page was made (ISO 8601), shown inside the details. */
  readonly generatedAt: string;
  /** When the page's link stops working (ISO 8601), shown inside the details. */
  readonly expiresAt?: string;
}

/** The id of the element holding the sealed details (JSON). */
export const SEALED_ELEMENT_ID = 'smartbill-sealed';

/** Messages the page shows; exported so tests look for the same words. */
export const PAGE_MESSAGES = {
  mismatch: "That amount does not match this bill's total charge.",
  format: 'Enter the total charge in dollars and cents, for example 1,234.56 or $1,234.56.',
  unsupported:
    'This browser cannot open the page: it needs a current browser and a secure (https) connection.',
  checking: 'Checking the amount…',
} as const;

const CSS = `
:root{color-scheme:light;--text:#1b1b1b;--muted:#4a4a4a;--link:#0a4fa8;--rule:#b9c1cc;--head:#eef2f7;--error:#a4000f}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--text);background:#fff}
main{max-width:62rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid var(--rule)}
h3{font-size:1.2rem;margin:0 0 .5rem}
h4{font-size:1rem;margin:1.2rem 0 .5rem}
p{margin:.5rem 0}
a{color:var(--link);text-decoration:underline;overflow-wrap:anywhere}
:focus-visible{outline:3px solid var(--link);outline-offset:2px}
label{display:block;font-weight:600}
.hint,.meta{color:var(--muted)}
.hint{margin:.25rem 0 .5rem}
input{display:block;font:inherit;font-size:1.2rem;width:100%;max-width:18rem;padding:.5rem .6rem;border:2px solid #595959;border-radius:4px;color:var(--text);background:#fff}
input[aria-invalid="true"]{border-color:var(--error)}
button{font:inherit;font-weight:600;min-height:44px;margin:.75rem 0;padding:.5rem 1.1rem;border:2px solid var(--link);border-radius:4px;color:#fff;background:var(--link);cursor:pointer}
button:disabled{cursor:progress}
.meta button{margin:0 0 0 .5rem;min-height:36px;padding:.2rem .8rem}
#gate-error{color:var(--error);font-weight:600}
#gate-error:empty,#gate-status:empty{display:none}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--rule);padding:.35rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
thead th,tbody th{background:var(--head)}
table.kv th{width:38%}
.num{text-align:right;white-space:nowrap}
.table-scroll{overflow-x:auto;margin:.5rem 0 1rem}
.table-scroll table{margin:0;min-width:44rem}
.table-scroll th,.table-scroll td{overflow-wrap:normal}
.line{border-top:3px solid var(--rule);margin-top:2rem;padding-top:1rem}
ol.steps{padding-left:1.5rem}
ol.steps>li{margin-bottom:1rem}
ol.steps table{width:auto;min-width:60%}
ul.notices{padding-left:1.2rem}
.unpriced{font-weight:600}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.4rem}table.kv th{width:45%}}
@media print{
body{font-size:10pt}
main{max-width:none;padding:0}
#gate,.no-print{display:none!important}
a{color:#000}
a[href^="http"]::after{content:" <" attr(href) ">";font-size:.85em;overflow-wrap:anywhere}
.table-scroll{overflow:visible}
.table-scroll table{min-width:0}
h2,h3,h4,caption{break-after:avoid}
tr,.step,.adjustment{break-inside:avoid}
thead{display:table-header-group}
.line{break-before:auto}
}
`.trim();

/** The page's one script: the amount's normaliser (shared grammar, amount.ts) and the gate. */
const SCRIPT = `'use strict';
${AMOUNT_NORMALISER_JS}
(function () {
  var MESSAGES = ${JSON.stringify(PAGE_MESSAGES)};
  var form = document.getElementById('gate-form');
  var input = document.getElementById('amount');
  var button = document.getElementById('gate-submit');
  var status = document.getElementById('gate-status');
  var error = document.getElementById('gate-error');
  var gate = document.getElementById('gate');
  var details = document.getElementById('details');
  var sealed = JSON.parse(document.getElementById(${JSON.stringify(SEALED_ELEMENT_ID)}).textContent);
  var subtle = window.crypto && window.crypto.subtle;
  var busy = false;
  function bytes(base64) {
    var text = atob(base64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  function refuse(message) {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  async function keyFor(amount) {
    var base = await subtle.importKey('raw', new TextEncoder().encode(amount), 'PBKDF2', false, ['deriveKey']);
    return subtle.deriveKey(
      { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(sealed.salt), iterations: sealed.iterations },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['decrypt']
    );
  }
  async function open(amount) {
    var key;
    try {
      key = await keyFor(amount);
    } catch (e) {
      return { error: MESSAGES.unsupported };
    }
    try {
      var plain = await subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv) }, key, bytes(sealed.ciphertext));
    } catch (e) {
      return { error: MESSAGES.mismatch };
    }
    var stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return { html: await new Response(stream).text() };
  }
  function show(html) {
    details.innerHTML = html;
    details.hidden = false;
    gate.hidden = true;
    var print = document.getElementById('sb-print');
    if (print) print.addEventListener('click', function () { window.print(); });
    var heading = details.querySelector('h2');
    if (heading) heading.focus();
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    var amount = normaliseTypedAmount(input.value);
    if (amount === null) return refuse(MESSAGES.format);
    if (!subtle || typeof DecompressionStream !== 'function') return refuse(MESSAGES.unsupported);
    busy = true;
    button.disabled = true;
    status.textContent = MESSAGES.checking;
    open(amount)
      .catch(function () {
        return { error: MESSAGES.unsupported };
      })
      .then(function (result) {
        busy = false;
        button.disabled = false;
        status.textContent = '';
        if (result.html !== undefined) show(result.html);
        else refuse(result.error);
      });
  });
})();
`;

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content-Security-Policy (also in its `<meta>` tag). The script and style are the same
 * on every page, so their hashes are constants: the edge can send this policy as a response header
 * too, adding `frame-ancestors 'none'`, which only works as a header.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256Source(SCRIPT)}`,
  `style-src ${sha256Source(CSS)}`,
  "img-src 'none'",
  "font-src 'none'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Renders the SmartBill page of a priced bill: the details sealed under the bill's total charge.
 * The caller supplies fresh random salt and IV for every page (the same amount under the same
 * salt would give the same key on every page).
 *
 * @param priced - the priced bill (the body of `POST /v1/bills/price`)
 * @param options - salt, IV, iterations (at least 600,000) and the page's dates
 * @returns the HTML file's text (UTF-8)
 * @throws SmartBillSealError for fewer than 600,000 iterations, a short salt, a wrong-size IV or a
 *   total charge that is not an amount
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * const html = await renderSmartBill(priceBill(index, normaliseBill(json)), {
 *   salt: randomBytes(16),
 *   iv: randomBytes(12),
 *   generatedAt: new Date().toISOString(),
 * });
 * ```
 */
export async function renderSmartBill(priced: PricedBill, options: RenderSmartBillOptions): Promise<string> {
  const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < MIN_PBKDF2_ITERATIONS) {
    throw new SmartBillSealError(
      `PBKDF2 iterations must be a whole number of at least ${MIN_PBKDF2_ITERATIONS}; got ${iterations}`,
    );
  }
  const secret = normaliseTypedAmount(priced.totals.billed);
  if (secret === null) {
    throw new SmartBillSealError(`the bill's total charge "${priced.totals.billed}" is not an amount`);
  }
  const meta: FragmentMeta = {
    generatedAt: options.generatedAt,
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  };
  const sealed = await seal(renderDetailsFragment(priced, meta), secret, {
    salt: options.salt,
    iv: options.iv,
    iterations,
  });
  // Base64 and fixed words only, but escape "<" anyway so the JSON can never end its element.
  const sealedJson = JSON.stringify(sealed).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow, noarchive">
<title>SmartBill: how a bill was paid</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>SmartBill: how a bill was paid</h1>
<div id="gate">
<p>This page explains, line by line, how a workers’ compensation medical bill was priced and why any amount was withheld, with links to the rules behind each decision. To open it, enter the bill’s total charge as it appears on the bill.</p>
<form id="gate-form" novalidate>
<label for="amount">Total charge on the bill (US dollars)</label>
<p class="hint" id="amount-hint">For example 1,234.56 or $1,234.56.</p>
<input id="amount" type="text" inputmode="decimal" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="amount-hint">
<button type="submit" id="gate-submit">Show the bill</button>
<p id="gate-status" role="status" aria-live="polite"></p>
<p id="gate-error" role="alert" aria-live="assertive"></p>
</form>
<noscript><p>Opening this page needs JavaScript.</p></noscript>
</div>
<div id="details" hidden></div>
</main>
<script type="application/json" id="${SEALED_ELEMENT_ID}">${sealedJson}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
