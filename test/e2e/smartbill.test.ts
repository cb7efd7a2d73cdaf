/**
 * SmartBill through the local stack, as `npm start` runs it (issue 7): a bill priced over HTTP
 * answers a signed link; the page is rendered in the background, stored in s3rver and served only
 * by the local edge, which checks the signature with the key group's public key as CloudFront
 * does. Chromium opens the link from the priced answer, is refused a wrong amount and shows every
 * line's allowed amount equal to the JSON's for the right one.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontUrlSigner } from '../../lambdas/adapters/cloudfront-url-signer.js';
import { DEFAULT_SMARTBILL_URL_TTL_DAYS, SMARTBILL_KEY_PATTERN } from '../../lambdas/app/smartbill/ports.js';
import { LOCAL_SIGNING_KEY_FILE, type LocalSigningKey } from '../../lambdas/local/edge.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { LOCAL_TENANT_SETTINGS } from '../../lambdas/smartbill/contact.js';
import { PAGE_MESSAGES } from '../../lambdas/smartbill/render.js';
import { PATIENT_STRINGS, testBillInput } from '../unit/smartbill/fixture.js';
import { ARTIFACTS, enterAmount, launchChromium, shownAllowedAmounts } from './support/browser.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';

interface PricedAnswer {
  readonly totals: { readonly billed: string; readonly allowed: string };
  readonly lines: ReadonlyArray<{
    readonly lineNumber: number;
    readonly allowed: string | null;
    readonly billed: string;
  }>;
  readonly notices: readonly string[];
  readonly smartBill?: { readonly url: string; readonly expiresAt: string; readonly qrCodeSvg?: string };
}

let stack: LocalStack;
let token: string;
let browser: Browser;
let stateDir: string;

async function price(
  body: unknown,
): Promise<{ status: number; body: PricedAnswer & Record<string, unknown> }> {
  const response = await fetch(`${stack.url}/v1/bills/price`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as PricedAnswer & Record<string, unknown>;
  // The answer with its smartBill link is one /openapi.json declares.
  expectDocumented('POST', '/v1/bills/price', response.status, answer);
  return { status: response.status, body: answer };
}

/** Fetches a link until the page is stored (it is rendered after the answer), at most 20 s. */
async function fetchWhenStored(url: string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(url);
    if (response.status !== 404 || Date.now() > deadline) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Policy {
  readonly Statement: ReadonlyArray<{
    readonly Resource: string;
    readonly Condition: { readonly DateLessThan: { readonly 'AWS:EpochTime': number } };
  }>;
}

/** The custom policy a link carries (CloudFront's URL-safe base64 of its JSON). */
function policyOf(link: string): Policy {
  const raw = new URL(link).searchParams.get('Policy') ?? '';
  const standard = raw.replace(/[-_~]/g, (c) => (c === '-' ? '+' : c === '_' ? '=' : '/'));
  return JSON.parse(Buffer.from(standard, 'base64').toString('utf8')) as Policy;
}

/** The same policy, changed, in CloudFront's URL-safe base64. */
function encodePolicy(policy: Policy): string {
  return Buffer.from(JSON.stringify(policy))
    .toString('base64')
    .replace(/[+=/]/g, (c) => (c === '+' ? '-' : c === '=' ? '_' : '~'));
}

function keyOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-smartbill-e2e-'));
  stack = await startTestStack({
    stateDir,
    smartBill: { edgePort: 0 },
  });
  token = await stack.token('user');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('SmartBill through the local stack', () => {
  let answer: PricedAnswer;
  let link: string;

  beforeAll(async () => {
    const priced = await price({ ...testBillInput(), billReference: 'EOR-LOCAL-1', qrCode: true });
    expect(priced.status).toBe(200);
    answer = priced.body;
    link = answer.smartBill?.url ?? '';
  });

  it('answers a signed link on the edge, its expiry 30 days out, and a QR code when asked', async () => {
    expect(answer.smartBill).toBeDefined();
    const url = new URL(link);
    expect(url.origin).toBe(stack.smartBill?.edgeUrl);
    expect(keyOf(link)).toMatch(SMARTBILL_KEY_PATTERN);
    // A custom policy over smartbills/<id>.*: the page and its unlock endpoint (decision 009).
    expect([...url.searchParams.keys()].sort()).toEqual(['Key-Pair-Id', 'Policy', 'Signature']);
    const policy = policyOf(link);
    const expiresAt = Date.parse(answer.smartBill?.expiresAt ?? '');
    expect(policy.Statement[0]?.Condition.DateLessThan['AWS:EpochTime']).toBe(expiresAt / 1000);
    expect(policy.Statement[0]?.Resource).toBe(`${url.origin}${url.pathname.replace(/\.html$/, '.*')}`);
    const days = (expiresAt - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(DEFAULT_SMARTBILL_URL_TTL_DAYS - 0.01);
    expect(days).toBeLessThanOrEqual(DEFAULT_SMARTBILL_URL_TTL_DAYS);
    expect(answer.smartBill?.qrCodeSvg).toMatch(
      /^<svg role="img" aria-label="QR code of the SmartBill link" /,
    );

    // Without "qrCode": no QR code; each bill its own page.
    const plain = await price(testBillInput());
    expect(plain.body.smartBill?.qrCodeSvg).toBeUndefined();
    expect(keyOf(plain.body.smartBill?.url ?? '')).not.toBe(keyOf(link));
  });

  it('refuses a qrCode that is not true or false, field by field', async () => {
    const refused = await price({ ...testBillInput(), qrCode: 'yes' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'qrCode', errorMessage: 'must be true or false' }),
      ]),
    );
  });

  it('stores a page with none of the patient identifiers and no amount in plain text', async () => {
    const served = await fetchWhenStored(link);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(served.headers.get('cache-control')).toBe('private, no-store, max-age=0');
    const html = await served.text();
    const stored = await stack.smartBill?.store.get(keyOf(link));
    expect(stored).toBe(html);
    for (const identifier of PATIENT_STRINGS) expect(html).not.toContain(identifier);
    const amounts = new Set([
      answer.totals.billed,
      answer.totals.allowed,
      ...answer.lines.flatMap((l) => [l.billed, ...(l.allowed === null ? [] : [l.allowed])]),
    ]);
    for (const amount of amounts) expect(html, amount).not.toContain(amount);
  });

  it('refuses tampered, expired and unsigned links with 403 and a page that says what to do', async () => {
    await fetchWhenStored(link);
    const url = new URL(link);
    const status = async (href: string) => {
      const response = await fetch(href);
      await response.arrayBuffer();
      return response.status;
    };
    expect(await status(link)).toBe(200);

    const unsigned = `${url.origin}${url.pathname}`;
    expect(await status(unsigned)).toBe(403);

    const signature = url.searchParams.get('Signature') ?? '';
    const flipped = new URL(link);
    flipped.searchParams.set('Signature', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    expect(await status(flipped.href)).toBe(403);

    const later = new URL(link);
    const policy = policyOf(link);
    const lengthened = {
      Statement: [
        {
          ...policy.Statement[0],
          Condition: {
            DateLessThan: {
              'AWS:EpochTime': (policy.Statement[0]?.Condition.DateLessThan['AWS:EpochTime'] ?? 0) + 86_400,
            },
          },
        },
      ],
    } as Policy;
    later.searchParams.set('Policy', encodePolicy(lengthened));
    expect(await status(later.href)).toBe(403);
    const wildcard = new URL(link);
    wildcard.searchParams.set(
      'Policy',
      encodePolicy({ Statement: [{ ...lengthened.Statement[0], Resource: '*' }] } as Policy),
    );
    expect(await status(wildcard.href)).toBe(403);
    const refused = await fetch(unsigned);
    expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await refused.text()).toContain('This link is not valid');

    const otherPage = new URL(link);
    otherPage.pathname = `/smartbills/${'A'.repeat(32)}.html`;
    expect(await status(otherPage.href)).toBe(403);

    // Signed with the stack's own key, correctly, but already expired.
    const key = JSON.parse(
      readFileSync(path.join(stateDir, LOCAL_SIGNING_KEY_FILE), 'utf8'),
    ) as LocalSigningKey;
    const signer = new CloudFrontUrlSigner({
      baseUrl: url.origin,
      keyPairId: key.keyPairId,
      privateKeyPem: key.privateKeyPem,
    });
    expect(await status(signer.signedUrl(keyOf(link), new Date(Date.now() + 60_000)))).toBe(200);
    expect(await status(signer.signedUrl(keyOf(link), new Date(Date.now() - 1_000)))).toBe(403);
  });

  it('opens in Chromium from the priced answer: nothing shown, a wrong amount refused, every line as the JSON', async () => {
    await fetchWhenStored(link);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);

    const before = await page.locator('body').innerText();
    for (const amount of [answer.totals.billed, answer.totals.allowed]) expect(before).not.toContain(amount);
    expect(await page.locator('#details').isHidden()).toBe(true);

    await enterAmount(page, '1.00');
    expect(await page.getByRole('alert').innerText()).toContain(PAGE_MESSAGES.mismatch);
    expect(await page.locator('#details').innerHTML()).toBe('');

    const typed = `$${Number(answer.totals.billed).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    await enterAmount(page, typed);
    expect(await page.locator('#details').isVisible()).toBe(true);
    // The bill's reference and the local sample tenant's payer contact (the dev user's tenant is
    // "local"; lambdas/smartbill/contact.ts), as `npm start` shows them.
    const questions = await page.locator('section.questions').innerText();
    expect(questions).toContain('Bill reference: EOR-LOCAL-1');
    expect(questions).toContain(LOCAL_TENANT_SETTINGS.local?.email);
    expect(questions).toContain('Time allowed: 90 days');
    // Amounts in plain words first; the line-by-line technical details behind their disclosure.
    await page.locator('#sb-technical > summary').click();
    const shown = await shownAllowedAmounts(page);
    expect(shown.map((s) => s.value)).toEqual(answer.lines.map((l) => l.allowed));
    const revealed = await page.locator('body').innerText();
    for (const identifier of PATIENT_STRINGS) expect(revealed).not.toContain(identifier);
    await page.screenshot({ path: path.join(ARTIFACTS, 'smartbill-signed-url.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('unlocks over HTTP under the same link (the gate in DynamoDB Local), counting wrong amounts', async () => {
    const priced = await price(testBillInput());
    const own = priced.body.smartBill?.url ?? '';
    await fetchWhenStored(own);
    const unlockUrl = own.replace('.html?', '.unlock?');
    const post = async (amount: string) => {
      const response = await fetch(unlockUrl, { method: 'POST', body: JSON.stringify({ amount }) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await post('1.00')).toEqual({ status: 403, body: { status: 'mismatch', attemptsLeft: 4 } });
    const right = await post(priced.body.totals.billed);
    expect(right.status).toBe(200);
    expect(typeof right.body.key).toBe('string');
    // Unsigned: refused before the amount is looked at.
    expect(
      (await fetch(unlockUrl.slice(0, unlockUrl.indexOf('?')), { method: 'POST', body: '{}' })).status,
    ).toBe(403);
  });

  // Another tenant's 404 is in test/handlers/render-smartbill.test.ts: the local user and machine
  // client share the local tenant.
  it('DELETE /v1/smartbills/{id}: the tenant that priced it withdraws the page; the link then says so', async () => {
    const priced = await price(testBillInput());
    const own = priced.body.smartBill?.url ?? '';
    await fetchWhenStored(own);
    const id = keyOf(own).slice('smartbills/'.length, -'.html'.length);
    const revoke = async (bearer: string) => {
      const response = await fetch(`${stack.url}/v1/smartbills/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${bearer}` },
      });
      const body = (await response.json()) as Record<string, unknown>;
      expectDocumented('DELETE', '/v1/smartbills/{id}', response.status, body);
      return { status: response.status, body };
    };
    expect((await fetchWhenStored(own)).status).toBe(200);
    const done = await revoke(token);
    expect(done).toMatchObject({ status: 200, body: { id, revoked: true } });
    const withdrawn = await fetch(own);
    expect(await withdrawn.text()).toContain('This page was withdrawn');
    const unlocked = await fetch(own.replace('.html?', '.unlock?'), {
      method: 'POST',
      body: JSON.stringify({ amount: priced.body.totals.billed }),
    });
    expect(unlocked.status).toBe(410);
    // DELETE is idempotent: withdrawing it again answers the same.
    expect((await revoke(token)).status).toBe(200);
  });
});
