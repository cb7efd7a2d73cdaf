import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontUrlSigner } from '../../lambdas/adapters/cloudfront-url-signer.js';
import { newSmartBillKey } from '../../lambdas/adapters/smartbill-store-s3.js';
import { pageIdOfKey } from '../../lambdas/app/smartbill/ports.js';
import type { PricedBill } from '../../lambdas/engine/priced-bill.js';
import { type RunningLocalEdge, startLocalEdge } from '../../lambdas/local/edge.js';
import { LOCAL_TENANT_SETTINGS } from '../../lambdas/smartbill/contact.js';
import { MAX_UNLOCK_ATTEMPTS, MemorySmartBillGateStore, newGate } from '../../lambdas/smartbill/gate.js';
import { PAGE_MESSAGES, renderSmartBill } from '../../lambdas/smartbill/render.js';
import { freshIv } from '../../lambdas/smartbill/seal.js';
import { AMOUNT_CASES } from '../unit/smartbill/amount-cases.js';
import { PATIENT_STRINGS, testPricedBill } from '../unit/smartbill/fixture.js';
import { leaves } from '../unit/smartbill/page-parts.js';
import { ARTIFACTS, enterAmount as enter, launchChromium, shownAllowedAmounts } from './support/browser.js';

/*
 * The SmartBill page in a real browser: Debian's Chromium driven by playwright-core, the page
 * served by the local edge on 127.0.0.1 (a secure context, as the CloudFront https URL is, so
 * WebCrypto is there) under a signed link, its unlock endpoint answered by the edge from a gate
 * store in memory (the e2e test through the local stack uses DynamoDB Local).
 */

const TOTAL = '2825.00';

/**
 * The tests' bill with its own reference and a payer phone of its own (issue 15: the page shows the
 * bill's reference and the payer's contact); the rest of the contact comes from the tenant's
 * settings, here the local stack's sample tenant.
 */
const priced: PricedBill = {
  ...testPricedBill(),
  billReference: 'EOR-2026-0412',
  parties: {
    ...testPricedBill().parties,
    payer: { name: 'Bill Payer Mutual', contact: { phone: '(555) 010-0199' } },
  },
};
const TENANT = LOCAL_TENANT_SETTINGS.local;
let edge: RunningLocalEdge;
let browser: Browser;
let pageUrl: string;
let lockUrl: string;
const requested: string[] = [];
const pages = new Map<string, string>();
const gate = new MemorySmartBillGateStore();
const EXPIRES = new Date(Date.now() + 86_400_000);

/** The bill's details that must not be readable before the amount: codes, amounts, dates, ids. */
const secrets = [
  ...new Set(
    leaves(priced)
      .map((l) => l.text)
      .filter(
        (t) => /^-?\d+\.\d{2}$/.test(t) || (t.length >= 5 && !['priced', 'unpriced', 'rules'].includes(t)),
      ),
  ),
];

async function openPage(context: BrowserContext, url = pageUrl): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Refused to/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => requested.push(request.url()));
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/**
 * The accessibility checks we can make without axe, run in the page once the details are shown.
 * Browser JavaScript in a string: the project's TypeScript has no DOM library.
 */
const AUDIT = String.raw`(() => {
  const issues = [];
  // Every form control has a label.
  for (const c of document.querySelectorAll('input, select, textarea')) {
    if (c.labels.length === 0 && !c.getAttribute('aria-label')) issues.push('unlabelled ' + c.id);
  }
  // Every table has a caption and header cells with a scope.
  const tables = Array.from(document.querySelectorAll('table'));
  for (const t of tables) {
    const name = t.caption ? t.caption.textContent.trim() : '';
    if (!name) issues.push('table without caption');
    const ths = Array.from(t.querySelectorAll('th'));
    if (ths.length === 0) issues.push('table without th: ' + name);
    if (ths.some((th) => !['row', 'col'].includes(th.getAttribute('scope')))) issues.push('th without scope: ' + name);
  }
  // One h1, and headings never skip a level.
  const levels = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((h) => Number(h.tagName[1]));
  if (levels.filter((l) => l === 1).length !== 1) issues.push('not exactly one h1');
  levels.forEach((l, i) => {
    if (i > 0 && l > levels[i - 1] + 1) issues.push('heading jumps from h' + levels[i - 1] + ' to h' + l);
  });
  // No images of any kind.
  if (document.querySelectorAll('img, svg, canvas, picture, object, embed, iframe').length > 0) issues.push('image');
  // Buttons and links have names.
  for (const el of document.querySelectorAll('a, button')) {
    if (!el.innerText.trim()) issues.push('unnamed ' + el.tagName);
  }
  // Text contrast at least 4.5:1 (WCAG 2 relative luminance) against the background behind it.
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lin = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] !== 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let checked = 0;
  let lowest = 21;
  const texts = 'h1, h2, h3, h4, p, li, th, td, caption, a, button, label, data, strong';
  for (const e of document.querySelectorAll(texts)) {
    if (!e.innerText.trim() || e.offsetParent === null) continue;
    const fg = luminance(rgb(getComputedStyle(e).color));
    const bg = luminance(background(e));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    checked++;
    lowest = Math.min(lowest, ratio);
    if (ratio < 4.5) issues.push('contrast ' + ratio.toFixed(2) + ' on ' + e.tagName + ' ' + e.innerText.slice(0, 30));
  }
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  return { issues, tables: tables.length, checked, lowest, overflow, headings: levels.length };
})()`;

interface AuditReport {
  readonly issues: string[];
  readonly tables: number;
  readonly checked: number;
  readonly lowest: number;
  readonly overflow: number;
  readonly headings: number;
}

async function activeId(page: Page): Promise<unknown> {
  return page.evaluate('document.activeElement && document.activeElement.id');
}

/** Renders and stores one page of the test bill with its gate record; returns its signed link. */
async function publish(signer: CloudFrontUrlSigner): Promise<string> {
  const key = newSmartBillKey();
  const made = newGate({
    pageId: pageIdOfKey(key),
    tenantId: 'tenant-a',
    totalCharge: priced.totals.billed,
    expiresAt: EXPIRES,
  });
  await gate.create(made.record);
  pages.set(
    key,
    await renderSmartBill(priced, {
      key: made.key,
      iv: freshIv(),
      generatedAt: '2026-11-22T10:00:00.000Z',
      expiresAt: EXPIRES.toISOString(),
      ...(TENANT === undefined ? {} : { tenant: TENANT }),
    }),
  );
  return signer.signedUrl(key, EXPIRES);
}

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  edge = await startLocalEdge({
    store: { get: async (key) => pages.get(key) ?? null },
    gate,
    publicKeys: new Map([['KTESTPAGE0001', publicKey.export({ type: 'spki', format: 'pem' }).toString()]]),
  });
  const signer = new CloudFrontUrlSigner({
    baseUrl: edge.url,
    keyPairId: 'KTESTPAGE0001',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  pageUrl = await publish(signer);
  lockUrl = await publish(signer);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await edge?.stop();
});

describe('the SmartBill page in Chromium', () => {
  it('shows nothing of the bill, refuses a wrong amount, then shows every line for the right one', async () => {
    expect(priced.totals.billed).toBe(TOTAL); // the amounts typed below are forms of it
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const { page, problems } = await openPage(context);

    // Before the amount: a title, a paragraph, a labelled input and a button, nothing else.
    const visible = await page.locator('body').innerText();
    const domText = String(
      await page.evaluate(`(() => {
        const clone = document.body.cloneNode(true);
        clone.querySelector('#smartbill-sealed')?.remove();
        return clone.textContent;
      })()`),
    );
    const aria = await page.locator('body').ariaSnapshot();
    const fullText = await page.content();
    for (const secret of secrets) {
      expect(visible, secret).not.toContain(secret);
      expect(domText, secret).not.toContain(secret);
      expect(aria, secret).not.toContain(secret);
      if (/^-?\d+\.\d{2}$/.test(secret)) expect(fullText, secret).not.toContain(secret); // not even in base64
    }
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('h2, h3, table, a').count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Total charge on the bill' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Show the bill' }).isVisible()).toBe(true);
    expect(await page.locator('#details').isHidden()).toBe(true);

    // Not an amount: the page asks for dollars and cents at once.
    await enter(page, 'abc');
    expect(await page.locator('#gate-error').innerText()).toBe(PAGE_MESSAGES.format);

    // A wrong amount: the refusal, in an alert, and nothing revealed.
    await enter(page, '$2,825.01');
    expect(await page.getByRole('alert').innerText()).toBe(
      `That amount does not match this bill's total charge. ${PAGE_MESSAGES.attemptsLeft}${MAX_UNLOCK_ATTEMPTS - 1}.`,
    );
    expect(await page.locator('#details').isHidden()).toBe(true);
    expect(await page.locator('#details').innerHTML()).toBe('');
    expect(await page.getByLabel('Total charge on the bill').getAttribute('aria-invalid')).toBe('true');
    expect(await activeId(page)).toBe('amount');

    // The right amount, typed as the bill prints it.
    await enter(page, '$2,825.00');
    expect(await page.locator('#details').isVisible()).toBe(true);
    expect(await page.locator('#gate').isHidden()).toBe(true);
    expect(await activeId(page)).toBe('sb-summary');
    // What a provider sees first: the totals in a sentence, then each line; the rest is behind a disclosure.
    expect(await page.locator('#sb-summary + p').innerText()).toMatch(
      /^This bill charged \$2,825\.00 for 11 services/,
    );
    expect(await page.locator('#sb-technical').getAttribute('open')).toBeNull();
    // Then "Questions or disagree?": the bill's reference, the payer's contact (the bill's phone,
    // the tenant's email, address and appeal instructions), the days they allow and the appeal link;
    // before the table of lines.
    const questions = page.locator('section.questions');
    expect(await questions.isVisible()).toBe(true);
    expect(await questions.getByRole('heading', { level: 3 }).innerText()).toBe('Questions or disagree?');
    const said = await questions.innerText();
    expect(said).toContain('Bill reference: EOR-2026-0412');
    expect(said).toContain('Contact Bill Payer Mutual:');
    expect(said).toContain('Time allowed: 90 days');
    expect(said).toContain(TENANT?.appealInstructions);
    expect(await questions.getByRole('link', { name: '(555) 010-0199' }).getAttribute('href')).toBe(
      'tel:5550100199',
    );
    expect(await questions.getByRole('link', { name: 'bill-review@example.com' }).getAttribute('href')).toBe(
      'mailto:bill-review@example.com',
    );
    expect(await questions.getByRole('link', { name: "The payer's appeal page" }).getAttribute('href')).toBe(
      TENANT?.appealUrl,
    );
    const order = (await page.evaluate(`(() => {
      const q = document.querySelector('section.questions');
      const lines = document.querySelector('#details table');
      return Boolean(q.compareDocumentPosition(lines) & Node.DOCUMENT_POSITION_FOLLOWING);
    })()`)) as boolean;
    expect(order).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'smartbill.png'), fullPage: true });
    await page.locator('#sb-technical > summary').click();

    // Every line's allowed amount equals the JSON's.
    const shown = await shownAllowedAmounts(page);
    expect(shown).toHaveLength(priced.lines.length);
    priced.lines.forEach((line, i) => {
      expect(shown[i]?.value, `line ${line.lineNumber}`).toBe(line.allowed);
      if (line.allowed === null) expect(shown[i]?.text).toBe('Not priced');
    });
    const totalAllowed = await page.locator('td[data-field="allowed"] data').first().getAttribute('value');
    expect(totalAllowed).toBe(priced.totals.allowed);

    // Regulation links are live links with their addresses.
    for (const [i, line] of priced.lines.entries()) {
      const hrefs = await page
        .locator(`#sb-line-${i + 1} td[data-field="regulation"] a`)
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toEqual(line.adjustments.filter((a) => a.regulation).map((a) => a.regulation?.url));
    }
    expect(await page.locator('a[href^="https://www.ecfr.gov/"]').count()).toBeGreaterThan(5);
    // The rules that made no change are shown too.
    expect(await page.locator('#sb-line-6 td', { hasText: /^No change$/ }).count()).toBeGreaterThan(5);

    // No patient identifier on the revealed page either.
    const revealed = await page.locator('body').innerText();
    for (const s of PATIENT_STRINGS) expect(revealed).not.toContain(s);

    // Printing hides the form and the print button.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#sb-print').isHidden()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    await page.screenshot({ path: path.join(ARTIFACTS, 'smartbill-technical.png'), fullPage: true });
    // The wrong amount's 403 is reported by the browser as a console error; nothing else may appear.
    expect(problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    // The page asked for nothing but itself and its unlock endpoint (no scripts, fonts or images).
    expect(new Set(requested)).toEqual(new Set([pageUrl, pageUrl.replace('.html?', '.unlock?')]));
    await context.close();
  });

  it(`locks after ${MAX_UNLOCK_ATTEMPTS} wrong amounts, says so, and then refuses the right one`, async () => {
    const context = await browser.newContext();
    const { page, problems } = await openPage(context, lockUrl);
    expect(await page.locator('#gate').innerText()).toContain(`After ${MAX_UNLOCK_ATTEMPTS} amounts`);
    for (let i = 1; i <= MAX_UNLOCK_ATTEMPTS; i += 1) await enter(page, `${i}.00`);
    expect(await page.getByRole('alert').innerText()).toBe(PAGE_MESSAGES.locked);
    expect(await page.getByLabel('Total charge on the bill').isDisabled()).toBe(true);
    const reopened = await openPage(context, lockUrl);
    await enter(reopened.page, TOTAL);
    expect(await reopened.page.getByRole('alert').innerText()).toBe(PAGE_MESSAGES.locked);
    expect(await reopened.page.locator('#details').isHidden()).toBe(true);
    // The browser reports the refusals' 4xx answers as console errors; nothing else may appear.
    expect(problems.filter((p) => !/status of 40[0-9]|status of 423/.test(p))).toEqual([]);
    await context.close();
  });

  it('normalises typed amounts in the page exactly as the server does (the shared table)', async () => {
    const context = await browser.newContext();
    const { page } = await openPage(context);
    // normaliseTypedAmount is a function declaration in the page's classic script: a global.
    const typed = JSON.stringify(AMOUNT_CASES.map(([t]) => t));
    const results = await page.evaluate(`${typed}.map((t) => normaliseTypedAmount(t))`);
    expect(results).toEqual(AMOUNT_CASES.map(([, normalised]) => normalised));
    await context.close();
  });

  it('passes the accessibility checks we can make without axe, and fits a phone', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    const { page, problems } = await openPage(context);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    // Focus is visible on the input when reached with the keyboard.
    await page.keyboard.press('Tab');
    const focus = (await page.evaluate(`(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.id, outline: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
    })()`)) as { id: string; outline: string; width: number };
    expect(focus).toMatchObject({ id: 'amount' });
    expect(focus.outline).not.toBe('none');
    expect(focus.width).toBeGreaterThanOrEqual(2);

    await enter(page, ' 2825.00 ');
    expect(await page.locator('#details').isVisible()).toBe(true);
    // The phone layout as a provider first sees it (issue 15: no sideways scrolling at 360 px).
    const plainOverflow = Number(
      await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
    );
    expect(plainOverflow).toBeLessThanOrEqual(0);
    // The contact section fits the phone too: no element of it wider than the screen.
    const widest = Number(
      await page.evaluate(
        `Math.max(...[...document.querySelectorAll('section.questions, section.questions *')].map((e) => e.getBoundingClientRect().right))`,
      ),
    );
    expect(widest).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(ARTIFACTS, 'smartbill-phone.png'), fullPage: true });
    await page.locator('#sb-technical > summary').click();

    const report = (await page.evaluate(AUDIT)) as AuditReport;
    expect(report.issues).toEqual([]);
    expect(report.tables).toBeGreaterThan(priced.lines.length * 3);
    expect(report.checked).toBeGreaterThan(100);
    expect(report.lowest).toBeGreaterThanOrEqual(4.5);
    // Readable on a phone: nothing wider than the screen (the wide table scrolls inside its region).
    expect(report.overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
