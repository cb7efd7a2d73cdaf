import { createHash } from 'node:crypto';
import type { PricedBill } from '../engine/priced-bill.js';
import { AMOUNT_NORMALISER_JS, normaliseTypedAmount } from './amount.js';
import type { TenantSmartBillSettings } from './contact.js';
import { type FragmentMeta, renderDetailsFragment } from './fragment.js';
import { MAX_UNLOCK_ATTEMPTS } from './gate.js';
import { documentHead } from './html.js';
import { SmartBillSealError, seal } from './seal.js';

const PAGE_TITLE = 'SmartBill: how a bill was paid';
/**
 * The SmartBill page: one self-contained HTML file. Before the viewer types the bill's total
 * charge it shows a title, one paragraph, a labelled input and a button; the bill's details are in
 * the page only as AES-256-GCM ciphertext under a random page key (seal.ts) that is not in the
 * page. The script sends the typed amount to the page's unlock endpoint (the same path with
 * `.unlock` for `.html`, under the same signed query string) and opens the details with WebCrypto
 * when it answers the key (gate.ts, docs/decisions/009-smartbill-online-gate.md).
 *
 * The Content-Security-Policy allows exactly the page's one inline script and one inline style
 * block, by SHA-256 hash (a static file in S3 cannot carry a fresh nonce), requests to its own
 * origin only (the unlock endpoint), and nothing else: no images, no fonts, no forms, no frames.
 * `frame-ancestors` cannot be set from a meta tag; the edge sends it with the other headers.
 */

/** Options of {@link renderSmartBill}. */
export interface RenderSmartBillOptions {
  /** The page's random 32-byte key (`newGate`); it is not written into the page. */
  readonly key: Uint8Array;
  /** Random, 12 bytes, fresh for every page. */
  readonly iv: Uint8Array;
  /** When the page was made (ISO 8601), shown inside the details. */
  readonly generatedAt: string;
  /** When the page's link stops working (ISO 8601), shown inside the details. */
  readonly expiresAt?: string;
  /** The pricing tenant's settings: the payer's contact where the bill gives none. */
  readonly tenant?: TenantSmartBillSettings;
}

/** The id of the element holding the sealed details (JSON). */
export const SEALED_ELEMENT_ID = 'smartbill-sealed';

/** Messages the page shows; exported so tests look for the same words. */
export const PAGE_MESSAGES = {
  mismatch: "That amount does not match this bill's total charge.",
  attemptsLeft: 'Tries left before this page locks: ',
  locked: `This page is locked after ${MAX_UNLOCK_ATTEMPTS} amounts that did not match. Ask the payer for a new link.`,
  revoked: 'The payer has withdrawn this page. Ask the payer for a new link.',
  expired: 'This link has expired. Ask the payer for a new link.',
  notFound: 'This page is not available. Ask the payer for a new link.',
  busy: 'Too many tries from this connection. Wait a minute and try again.',
  network: 'The amount could not be checked: the connection failed. Try again.',
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
ul.notices,ul.reasons{padding-left:1.2rem}
ul.reasons>li{margin-bottom:.5rem}
details#sb-technical{margin-top:2rem;border-top:2px solid var(--rule);padding-top:.5rem}
details#sb-technical>summary{font-weight:600;cursor:pointer;min-height:44px;padding:.5rem 0}
.unpriced{font-weight:600}
.questions{margin:1rem 0;padding:.75rem 1rem;border-left:4px solid var(--link);background:var(--head);overflow-wrap:anywhere}
.questions h3{margin-top:0}
ul.contact{padding-left:1.2rem;margin:.25rem 0 .5rem}
address{display:inline;font-style:normal}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.4rem}table.kv th{width:45%}}
@media print{
details#sb-technical>summary{display:none}
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
  async function sha256Hex(text) {
    var digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
    var hex = '';
    for (var i = 0; i < digest.length; i++) hex += (digest[i] < 16 ? '0' : '') + digest[i].toString(16);
    return hex;
  }
  function refusal(answer) {
    if (answer.status === 'mismatch') {
      return MESSAGES.mismatch + ' ' + MESSAGES.attemptsLeft + answer.attemptsLeft + '.';
    }
    if (answer.status === 'locked') return MESSAGES.locked;
    if (answer.status === 'revoked') return MESSAGES.revoked;
    if (answer.status === 'expired') return MESSAGES.expired;
    if (answer.status === 'format') return MESSAGES.format;
    if (answer.status === 'busy') return MESSAGES.busy;
    return MESSAGES.notFound;
  }
  async function open(amount) {
    var body = JSON.stringify({ amount: amount });
    var answer;
    try {
      // The unlock endpoint sits under the page's own signed query string. The body's SHA-256 is
      // what CloudFront's origin access control needs to sign a POST to a Lambda function URL.
      var response = await fetch(location.pathname.replace(/.html$/, '.unlock') + location.search, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-amz-content-sha256': await sha256Hex(body) },
        body: body,
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer'
      });
      answer = await response.json();
    } catch (e) {
      return { error: MESSAGES.network };
    }
    if (typeof answer.key !== 'string') return { error: refusal(answer), final: answer.status !== 'mismatch' && answer.status !== 'format' && answer.status !== 'busy' };
    var key = await subtle.importKey('raw', bytes(answer.key), { name: 'AES-GCM' }, false, ['decrypt']);
    var plain = await subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv) }, key, bytes(sealed.ciphertext));
    var stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return { html: await new Response(stream).text() };
  }
  function show(html) {
    details.innerHTML = html;
    details.hidden = false;
    gate.hidden = true;
    var print = document.getElementById('sb-print');
    if (print) print.addEventListener('click', function () { window.print(); });
    // A printed page shows the technical details too.
    window.addEventListener('beforeprint', function () {
      var technical = document.getElementById('sb-technical');
      if (technical) technical.open = true;
    });
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
        // A locked, withdrawn or expired page cannot be opened by another try: say so and stop.
        if (result.final) {
          input.disabled = true;
          button.disabled = true;
        }
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
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Renders the SmartBill page of a priced bill: the details sealed under the page's random key,
 * which the page does not hold (the unlock endpoint releases it for the bill's total charge).
 *
 * @param priced - the priced bill (the body of `POST /v1/bills/price`)
 * @param options - the page key and IV, and the page's dates
 * @returns the HTML file's text (UTF-8)
 * @throws SmartBillSealError for a key that is not 32 bytes or an IV that is not 12
 * @example
 * ```ts
 * const gate = newGate({ pageId, tenantId, totalCharge: priced.totals.billed, expiresAt });
 * const html = await renderSmartBill(priced, { key: gate.key, iv: freshIv(), generatedAt: new Date().toISOString() });
 * ```
 */
export async function renderSmartBill(priced: PricedBill, options: RenderSmartBillOptions): Promise<string> {
  if (normaliseTypedAmount(priced.totals.billed) === null) {
    throw new SmartBillSealError(`the bill's total charge "${priced.totals.billed}" is not an amount`);
  }
  const meta: FragmentMeta = {
    generatedAt: options.generatedAt,
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
  };
  const sealed = await seal(renderDetailsFragment(priced, meta), options.key, options.iv);
  // Base64 and fixed words only, but escape "<" anyway so the JSON can never end its element.
  const sealedJson = JSON.stringify(sealed).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
${documentHead(
  PAGE_TITLE,
  CSS,
  `<meta http-equiv="Content-Security-Policy" content="${PAGE_CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
`,
)}
<body>
<main>
<h1>SmartBill: how a bill was paid</h1>
<div id="gate">
<p>This page explains, line by line, how a workers’ compensation medical bill was priced and why any amount was withheld, with links to the rules behind each decision. To open it, enter the bill’s total charge as it appears on the bill. After ${MAX_UNLOCK_ATTEMPTS} amounts that do not match, the page locks and the payer must send a new link.</p>
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

/**
 * The page of a priced bill with its details open and no gate: what `wcbr smartbill FILE` writes
 * for the person who already holds the priced bill (a file opened from disk has no unlock endpoint).
 * Never stored or served: a served page is always the sealed one.
 *
 * @param priced - the priced bill
 * @param generatedAt - when the page was made (ISO 8601)
 * @returns the HTML file's text, with no script
 */
export function renderOpenSmartBill(priced: PricedBill, generatedAt: string): string {
  return `<!doctype html>
<html lang="en">
${documentHead(PAGE_TITLE, CSS)}
<body>
<main>
<h1>SmartBill: how a bill was paid</h1>
<div id="details">${renderDetailsFragment(priced, { generatedAt })}</div>
</main>
</body>
</html>
`;
}
