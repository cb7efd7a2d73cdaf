import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { normaliseTypedAmount } from '../../../lambdas/smartbill/amount.js';
import { renderDetailsFragment } from '../../../lambdas/smartbill/fragment.js';
import { newGate } from '../../../lambdas/smartbill/gate.js';
import {
  PAGE_CONTENT_SECURITY_POLICY,
  PAGE_MESSAGES,
  renderSmartBill,
} from '../../../lambdas/smartbill/render.js';
import { freshIv, SmartBillSealError, unseal } from '../../../lambdas/smartbill/seal.js';
import { AMOUNT_CASES } from './amount-cases.js';
import { PATIENT_STRINGS, TEST_PATIENT, testBillInput, testPricedBill } from './fixture.js';
import { leaves, type PageParts, pageParts } from './page-parts.js';

const GENERATED_AT = '2026-11-22T10:00:00.000Z';
const EXPIRES_AT = '2026-12-22T10:00:00.000Z';

const priced = testPricedBill();
let html: string;
let parts: PageParts;
let fragment: string;
let pageKey: Uint8Array;

/** A page key and gate of the tests' bill (total charge 2825.00, from its example's charges). */
function gateOfTestBill() {
  return newGate({
    pageId: 'P'.repeat(32),
    tenantId: 'tenant-a',
    totalCharge: priced.totals.billed,
    expiresAt: new Date(EXPIRES_AT),
  });
}

/** Whether `text` contains `value` as a whole number (not inside a longer one). */
function containsNumber(text: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\d.,])${escaped}(?!\\d)`).test(text);
}

beforeAll(async () => {
  pageKey = gateOfTestBill().key;
  html = await renderSmartBill(priced, {
    key: pageKey,
    iv: freshIv(),
    generatedAt: GENERATED_AT,
    expiresAt: EXPIRES_AT,
  });
  parts = pageParts(html);
  fragment = await unseal(parts.sealed, pageKey);
});

describe('renderSmartBill', () => {
  describe('before the amount is entered nothing about the bill can be read', () => {
    it('holds no amount or other number with decimals from the priced bill, anywhere (ciphertext included)', () => {
      // Prepare: every decimal number in the priced JSON, amounts, RVUs, GPCIs and factors alike
      const numbers = [...new Set(leaves(priced).map((l) => l.text))].filter((t) => /^-?\d+\.\d+$/.test(t));
      expect(numbers).toEqual(expect.arrayContaining(['2825.00', '658.87', '77.55', '0.00']));
      // Assess
      expect(numbers.filter((n) => containsNumber(html, n))).toEqual([]);
    });

    it('holds no code, date, jurisdiction, edition, file name, NPI, ZIP, id or message outside the ciphertext', () => {
      // The shell's own words that are also a status or a step name; nothing else may match.
      const vocabulary = new Set(['priced', 'unpriced', 'rules']);
      const texts = leaves(priced).filter((l) => l.text.length >= 5 && !vocabulary.has(l.text));
      expect(texts.map((t) => t.text)).toEqual(
        expect.arrayContaining([
          '97110',
          '2025-06-10',
          'US-MEDICARE',
          'PPRRVU2025_Oct.csv',
          '1234567893',
          '94105',
        ]),
      );
      expect(texts.filter((t) => parts.shell.includes(t.text))).toEqual([]);
      expect(parts.shell).not.toContain('EXAMPLE-1002');
    });

    it('carries the details only as base64 ciphertext and its IV: no key, no salt, nothing to test a guess with', () => {
      expect(Object.keys(parts.sealed).sort()).toEqual(['cipher', 'ciphertext', 'compression', 'iv', 'v']);
      expect(parts.sealed).toMatchObject({ v: 2, cipher: 'AES-256-GCM' });
      for (const key of ['iv', 'ciphertext'] as const) {
        expect(parts.sealed[key]).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      }
      const keyText = Buffer.from(pageKey);
      for (const form of [
        keyText.toString('base64'),
        keyText.toString('base64url'),
        keyText.toString('hex'),
      ]) {
        expect(html).not.toContain(form);
      }
    });

    it('shows only a title, a paragraph, a labelled input and a button; the details element is empty', () => {
      expect(parts.shell.match(/<h1>/g)).toHaveLength(1);
      expect(parts.shell).toMatch(/<label for="amount">[^<]+<\/label>/);
      expect(parts.shell).toContain('<input id="amount"');
      expect(parts.shell).toMatch(/<button type="submit"[^>]*>Show the bill<\/button>/);
      expect(parts.shell).toContain('<div id="details" hidden></div>');
      expect(parts.shell).not.toMatch(/<table|<h2|<h3/);
    });
  });

  describe('the page carries no patient identifiers, not even inside the ciphertext', () => {
    it('the input bill had them; the priced bill, the page and the decrypted details do not', () => {
      // Prepare: the test bill really carries the identifiers (as fields the schema ignores)
      const input = JSON.stringify(testBillInput());
      for (const s of Object.values(TEST_PATIENT)) expect(input).toContain(s);
      // Assess
      const pricedJson = JSON.stringify(priced);
      for (const s of PATIENT_STRINGS) {
        expect(pricedJson).not.toContain(s);
        expect(html).not.toContain(s);
        expect(fragment).not.toContain(s);
      }
    });

    it('leaves out the bill id (it may hold a claim number) and the service facility name', () => {
      expect(fragment).not.toContain('EXAMPLE-1002');
      expect(fragment).not.toContain('Bay Spine');
    });
  });

  describe('the details open only with the page key, which the page does not hold', () => {
    it('opens with the key and with no other', async () => {
      expect(await unseal(parts.sealed, pageKey)).toBe(fragment);
      await expect(unseal(parts.sealed, gateOfTestBill().key)).rejects.toThrow();
    });

    it('the amount the gate checks is the bill total, in every accepted form (the unlock test checks the rest)', () => {
      for (const typed of AMOUNT_CASES.filter(([, n]) => n === '2825.00')
        .map(([t]) => t)
        .concat(['$2,825.00', '2,825'])) {
        expect(normaliseTypedAmount(typed)).toBe(normaliseTypedAmount(priced.totals.billed));
      }
    });
  });

  describe('the details read first in plain words (issue 15: for the provider who reads it)', () => {
    const plain = () => fragment.slice(0, fragment.indexOf('<details id="sb-technical">'));

    it('open with the totals and every line billed and allowed, dates as people write them', () => {
      expect(plain()).toContain('This bill charged $<data value="2825.00">2,825.00</data> for 11 services');
      expect(plain()).toContain(
        'from <time datetime="2019-05-01">May 1, 2019</time> to <time datetime="2025-06-12">June 12, 2025</time>',
      );
      expect(plain()).toContain('The amount allowed is <strong>$<data value="658.87">658.87</data></strong>');
      expect(plain().match(/<tr>/g)?.length).toBe(priced.lines.length + 1);
      expect(plain()).not.toMatch(/\d{4}-\d{2}-\d{2}<|>\d{4}-\d{2}-\d{2}/);
    });

    it('give each reduction its reason and regulation link, and say how to question it', () => {
      const line6 = priced.lines[5];
      const reduction = line6?.adjustments.find((a) => a.regulation !== undefined && a.amount !== '0.00');
      expect(reduction).toBeDefined();
      expect(plain()).toContain(`<a href="${reduction?.regulation?.url}" rel="noreferrer noopener">`);
      // Issue 15 asked for the payer's contact and how to dispute: with none configured the section
      // says to contact the payer named on the bill (the contact itself: contact.test.ts).
      expect(plain()).toContain('<h3 id="sb-questions">Questions or disagree?</h3>');
      expect(plain()).toContain('Contact the payer named on the bill, who reviewed this bill');
    });

    it('keep internal identifiers (method ids, edition ids, rule ids, input names) behind the disclosure', () => {
      for (const raw of [
        'rbrvs',
        'medicare<',
        'pfs-rvu/',
        'pctcIndicator',
        'BR-MULTIPLE-PROCEDURE',
        'workRvu',
      ]) {
        expect(plain(), raw).not.toContain(raw);
      }
      expect(fragment).toMatch(/<details id="sb-technical"><summary>Technical details[^<]*<\/summary>/);
      expect(fragment).toContain('pfs-rvu/2025');
    });
  });

  describe('the details', () => {
    it('show the summary: jurisdiction, method, editions with files, totals by bucket, line counts, dates', () => {
      expect(fragment).toContain('US-MEDICARE: Medicare Physician Fee Schedule');
      expect(fragment).toContain('<th scope="row">Billing method</th><td>medicare</td>');
      expect(priced.dates).toMatchObject({ firstService: '2019-05-01', lastService: '2025-06-12' });
      expect(fragment).toContain('<th scope="row">Dates of service</th><td>2019-05-01 to 2025-06-12</td>');
      for (const e of priced.editions) {
        expect(fragment).toContain(`<td>${e.file}</td>`);
        expect(fragment).toContain(e.id);
      }
      expect(fragment).toContain('<td data-field="billed"><data value="2825.00">2,825.00</data></td>');
      expect(fragment).toContain('<td data-field="allowed"><data value="658.87">658.87</data></td>');
      expect(fragment).toContain('<td data-field="withheld"><data value="2016.13">2,016.13</data></td>');
      expect(fragment).toContain(
        '<th scope="row">PPO</th><td class="num"><data value="-12.13">-12.13</data></td>',
      );
      expect(fragment).toContain('11 (7 priced, 3 denied, 1 not priced)');
      expect(fragment).toContain(GENERATED_AT);
      expect(fragment).toContain(EXPIRES_AT);
    });

    it('show every line with its allowed amount exactly as the JSON has it', () => {
      const sections = fragment.split('<section class="line"').slice(1);
      expect(sections).toHaveLength(priced.lines.length);
      priced.lines.forEach((line, i) => {
        const section = sections[i] ?? '';
        expect(section).toContain(`<h3 id="sb-line-${i + 1}-title">Line ${line.lineNumber}: ${line.code}`);
        const allowed = line.allowed === null ? 'Not priced' : `<data value="${line.allowed}">`;
        expect(section).toContain(`<td data-field="allowed">${allowed}`);
      });
    });

    it('show each explanation step with its inputs, result and the official file and line it read', () => {
      const line6 = fragment.split('<section class="line"')[6] ?? '';
      expect(line6).toContain('Inputs of step 3 (relative-values), line 6');
      expect(line6).toContain('<th scope="row">workRvu</th><td>0.45</td>');
      expect(line6).toContain('Read from: PPRRVU2025_Oct.csv, line 12655 (edition pfs-rvu/2025)');
      expect(line6).toContain('Result: <strong>35.72</strong>');
    });

    it('show every adjustment with its codes and the regulation as a live link', () => {
      const line6 = fragment.split('<section class="line"')[6] ?? '';
      expect(line6).toContain('<td data-field="internalCode">BR-MULTIPLE-PROCEDURE</td>');
      expect(line6).toContain('<td data-field="carc">59</td>');
      expect(line6).toContain('<td data-field="groupCode">CO</td>');
      expect(line6).toContain('<td data-field="rarc">None</td>');
      expect(line6).toContain(
        '<a href="https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c12.pdf" rel="noreferrer noopener">Medicare Claims Processing Manual, Chapter 12',
      );
      const line5 = fragment.split('<section class="line"')[5] ?? '';
      expect(line5).toContain('<td data-field="source">PPO contract 7</td>');
    });

    it('show the rules that looked at each line, the ones that made no change included', () => {
      const line6 = fragment.split('<section class="line"')[6] ?? '';
      expect(line6).toContain('<th scope="row">Duplicate lines</th><td>No change</td>');
      expect(line6).toContain('<th scope="row">Multiple procedure payment reductions</th><td>Reduced</td>');
      expect(line6).toContain('<td>Not adopted by this jurisdiction</td>');
    });

    it('say why an unpriced line has no amount', () => {
      const line11 = fragment.split('<section class="line"')[11] ?? '';
      const reason = priced.lines[10]?.unpriced;
      expect(reason?.code).toBe('NO-EDITION');
      expect(line11).toContain(`Not priced (NO-EDITION): ${reason?.message.replaceAll("'", '&#39;')}`);
    });

    it('give every table a caption and header cells, and headings in order (h2, h3 per line, h4)', () => {
      const tables = fragment.match(/<table[\s\S]*?<\/table>/g) ?? [];
      expect(tables.length).toBeGreaterThan(priced.lines.length * 3);
      for (const t of tables) {
        expect(t).toMatch(/^<table[^>]*><caption>[^<]+<\/caption>/);
        expect(t).toMatch(/<th scope="(row|col)"/);
      }
      const levels = [...fragment.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
      expect(levels[0]).toBe(2);
      // lines + bill notices + "Questions or disagree?"
      expect(levels.filter((l) => l === 3)).toHaveLength(priced.lines.length + 2);
      levels.forEach((level, i) => {
        if (i > 0) expect(level - (levels[i - 1] ?? 1)).toBeLessThanOrEqual(1);
      });
      expect(fragment).not.toContain('<h1');
    });
  });

  describe('values are escaped and only http(s) addresses become links', () => {
    it('escapes markup in any value and does not link a javascript: address', () => {
      // Prepare: a priced bill whose texts try to inject markup
      const [first, ...rest] = priced.lines;
      if (!first) throw new Error('no line');
      const hostile: PricedBill = {
        ...priced,
        notices: ['<img src=x onerror=alert(1)>'],
        lines: [
          {
            ...first,
            code: '<b>X',
            adjustments: first.adjustments.map((a) => ({
              ...a,
              message: '</table><script>alert(1)</script>',
              regulation: { citation: '"quoted" & <cited>', url: 'javascript:alert(1)' },
            })),
          },
          ...rest,
        ],
      };
      // Act
      const out = renderDetailsFragment(hostile, { generatedAt: '<now>' });
      // Assess
      expect(out).not.toMatch(/<img|<script|<b>|<now>|javascript:|<cited>/);
      expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(out).toContain('&lt;/table&gt;&lt;script&gt;');
      expect(out).toContain('&quot;quoted&quot; &amp; &lt;cited&gt;');
    });
  });

  describe('is one self-contained file under a strict Content-Security-Policy', () => {
    it('allows exactly its one inline script and one style block, by hash, and nothing else', () => {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
      const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
      expect(csp).toBe(PAGE_CONTENT_SECURITY_POLICY); // the edge may send the same policy as a header
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain(`script-src ${hash(parts.script)};`);
      expect(csp).toContain(`style-src ${hash(parts.style)};`);
      // connect-src 'self': the page's one request is its own unlock endpoint.
      for (const d of ["img-src 'none'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'"]) {
        expect(csp).toContain(d);
      }
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    });

    it('loads nothing from elsewhere: no src, no link, no url(), no @import, no inline handlers or styles', () => {
      expect(html.match(/<script\b/g)).toHaveLength(2); // the sealed JSON and the one script
      expect(html).not.toMatch(/\ssrc=|<link\b|<img\b|<iframe\b|url\(|@import|\sstyle=|\son[a-z]+=/i);
      expect(parts.shell).not.toMatch(/\shref=/);
      expect(fragment).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=|\ssrc=/i);
      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toContain('@media print');
      expect(html).toContain('<meta name="referrer" content="no-referrer">');
    });

    it('names the refusal message the issue asks for, in an alert region', () => {
      expect(PAGE_MESSAGES.mismatch).toBe("That amount does not match this bill's total charge.");
      expect(parts.shell).toContain('<p id="gate-error" role="alert" aria-live="assertive"></p>');
    });
  });

  describe('rejection', () => {
    it('refuses a key that is not 32 bytes and an IV that is not 12', async () => {
      await expect(
        renderSmartBill(priced, { key: new Uint8Array(16), iv: freshIv(), generatedAt: GENERATED_AT }),
      ).rejects.toThrow(SmartBillSealError);
      await expect(
        renderSmartBill(priced, { key: pageKey, iv: new Uint8Array(8), generatedAt: GENERATED_AT }),
      ).rejects.toThrow(/IV/);
    });
  });

  it('gives every page its own key, IV and ciphertext', async () => {
    const key = gateOfTestBill().key;
    const again = pageParts(
      await renderSmartBill(priced, { key, iv: freshIv(), generatedAt: GENERATED_AT, expiresAt: EXPIRES_AT }),
    );
    expect(again.sealed.iv).not.toBe(parts.sealed.iv);
    expect(again.sealed.ciphertext).not.toBe(parts.sealed.ciphertext);
    expect(await unseal(again.sealed, key)).toBe(fragment);
    await expect(unseal(again.sealed, pageKey)).rejects.toThrow();
  });
});
