import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../fee-data/paths.js';
import { normaliseBill, normaliseBillBySchema } from '../../../lambdas/engine/bill/normalise.js';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import {
  LOCAL_TENANT_SETTINGS,
  MAX_TENANT_SETTINGS_BYTES,
  parseTenantSettings,
  shownContact,
  TenantSettingsError,
  tenantSettingsFrom,
} from '../../../lambdas/smartbill/contact.js';
import { renderDetailsFragment } from '../../../lambdas/smartbill/fragment.js';
import { renderOpenSmartBill } from '../../../lambdas/smartbill/render.js';
import { testBillInput, testPricedBill } from './fixture.js';

/**
 * Issue 15, item 1: the page shows the bill's own reference and the payer's contact and appeal
 * instructions, from the bill or the tenant's settings (the bill's win, field by field), escaped;
 * the reference is declared non-PHI and refused when it looks like PHI.
 */

const META = { generatedAt: '2026-11-22T10:00:00.000Z' };

/** The "Questions or disagree?" section of a fragment. */
function questionsOf(fragment: string): string {
  const start = fragment.indexOf('<section class="questions"');
  expect(start).toBeGreaterThan(-1);
  return fragment.slice(start, fragment.indexOf('</section>', start) + '</section>'.length);
}

function withPayer(payer: PricedBill['parties']['payer'], billReference?: string): PricedBill {
  const priced = testPricedBill();
  return {
    ...priced,
    ...(billReference === undefined ? {} : { billReference }),
    parties: { ...priced.parties, ...(payer === undefined ? {} : { payer }) },
  };
}

function fieldErrors(input: unknown): readonly { field: string; errorMessage: string }[] {
  try {
    normaliseBill(input);
  } catch (error) {
    if (error instanceof BillValidationError) return error.errors;
    throw error;
  }
  return [];
}

describe('the "Questions or disagree?" section', () => {
  it('with nothing configured says to contact the payer named on the bill, after the totals and before the lines', () => {
    const bare = testPricedBill();
    const fragment = renderDetailsFragment({ ...bare, parties: {} }, META);
    const section = questionsOf(fragment);
    expect(section).toContain('Contact the payer named on the bill, who reviewed this bill');
    expect(section).not.toContain('Bill reference');
    // After the sentence with the totals, before the table of lines.
    expect(fragment.indexOf('This bill charged')).toBeLessThan(fragment.indexOf(section));
    expect(fragment.indexOf(section)).toBeLessThan(fragment.indexOf('Each line: billed and allowed'));
  });

  it("shows the tenant's contact, the appeal instructions with their days and the appeal link", () => {
    const fragment = renderDetailsFragment(withPayer(undefined, 'EOR 2026/0412'), {
      ...META,
      tenant: LOCAL_TENANT_SETTINGS.local,
    });
    const section = questionsOf(fragment);
    expect(section).toContain('Bill reference: <strong data-field="billReference">EOR 2026/0412</strong>');
    expect(section).toContain('Contact Example Mutual Insurance (local sample):');
    expect(section).toContain('<a href="tel:+15550100">+1 555-0100 ext 42</a>');
    expect(section).toContain('<a href="mailto:bill-review@example.com">bill-review@example.com</a>');
    expect(section).toContain(
      '<address>Example Mutual, Bill Review Appeals<br>PO Box 100<br>Springfield, IL 62701</address>',
    );
    // "Within 90 days of this notice, …": the days the text states, said on their own.
    expect(section).toContain('Time allowed: <strong>90 days</strong>');
    expect(section).toContain('Within 90 days of this notice, send a written request');
    expect(section).toContain('<a href="https://example.com/appeals" rel="noreferrer noopener">');
  });

  it("takes each field the bill gives over the tenant's, field by field", () => {
    const priced = withPayer({
      name: 'Bill Payer Mutual',
      contact: { phone: '(555) 010-0199', appealInstructions: 'Write within 30 calendar days.' },
    });
    const contact = shownContact(priced.parties.payer, LOCAL_TENANT_SETTINGS.local);
    expect(contact).toEqual({
      payerName: 'Bill Payer Mutual',
      phone: '(555) 010-0199',
      email: 'bill-review@example.com',
      mailingAddress: LOCAL_TENANT_SETTINGS.local?.mailingAddress,
      appealInstructions: 'Write within 30 calendar days.',
      appealUrl: 'https://example.com/appeals',
    });
    const section = questionsOf(
      renderDetailsFragment(priced, { ...META, tenant: LOCAL_TENANT_SETTINGS.local }),
    );
    expect(section).toContain('Contact Bill Payer Mutual:');
    expect(section).toContain('(555) 010-0199');
    expect(section).not.toContain('555-0100');
    expect(section).toContain('Time allowed: <strong>30 calendar days</strong>');
  });

  it('escapes markup in every field, and links only tel:, mailto: and https addresses', () => {
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const priced = withPayer(
      {
        name: `Payer ${markup}`,
        contact: {
          phone: `555 0100 ${markup}`,
          email: `a${markup}@example.com`,
          mailingAddress: `PO Box 1\n${markup}`,
          appealInstructions: `Within 60 days ${markup}`,
          appealUrl: `https://example.com/"><script>alert(3)</script>`,
        },
      },
      `REF ${markup}`,
    );
    const tenant = {
      payerName: markup,
      phone: markup,
      email: markup,
      appealInstructions: markup,
      appealUrl: markup,
    };
    for (const fragment of [
      renderDetailsFragment(priced, { ...META, tenant }),
      renderDetailsFragment(withPayer({}), { ...META, tenant }),
      renderOpenSmartBill(priced, META.generatedAt),
    ]) {
      const section = questionsOf(fragment);
      expect(section).not.toMatch(/<script|<img|onerror=alert\(2\)>/);
      expect(section).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      for (const [, href] of section.matchAll(/href="([^"]*)"/g)) {
        expect(href).toMatch(/^(tel:[0-9+]*|mailto:|https:\/\/)/);
      }
    }
    // A tenant's appeal address that is not https is shown as no link at all.
    expect(questionsOf(renderDetailsFragment(withPayer({}), { ...META, tenant }))).not.toContain(
      'appeal page',
    );
  });
});

describe('billReference: declared non-PHI, refused when it looks like PHI (422 naming the field)', () => {
  const bill = (billReference: unknown) => ({ ...testBillInput(), billReference });

  it('is taken when it is a short reference, and reaches the priced bill trimmed', () => {
    expect(fieldErrors(bill('  EOR-2026-0412 '))).toEqual([]);
    expect(normaliseBill(bill('  EOR-2026-0412 ')).billReference).toBe('EOR-2026-0412');
    expect(normaliseBillBySchema(bill('  EOR-2026-0412 ')).billReference).toBe('EOR-2026-0412');
  });

  it.each([
    ['an SSN with dashes', '518-44-7093', /Social Security/],
    ['an SSN without', 'REF 518447093', /Social Security/],
    ['an ISO date', 'DOB 1971-08-23', /date/],
    ['a US date', '08/23/1971', /date/],
    ['a compact date', 'X19710823', /date/],
    ['a compact US date', '08231971', /date/],
    ['a ten-digit member number', 'M 4417220901', /9 or more digits/],
    ['markup', '<b>1</b>', /letters, digits/],
    ['31 characters', 'A'.repeat(31), /at most 30/],
    ['a number', 12345, /must be text/],
  ])('refuses %s', (_what, value, message) => {
    const errors = fieldErrors(bill(value));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe('billReference');
    expect(errors[0]?.errorMessage).toMatch(message);
  });
});

describe('billReference on every bill shape (the claim JSON takes it at the top level; CLM01 is not mapped)', () => {
  const example = (file: string): Record<string, unknown> =>
    JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', 'bills', file), 'utf8')) as Record<
      string,
      unknown
    >;

  it.each([
    'claim-837p.json',
    'facility-outpatient.json',
    'facility-asc.json',
    'facility-inpatient-837i.json',
  ])('%s: taken when clean, 422 naming billReference when SSN-shaped', (file) => {
    expect(normaliseRequest({ ...example(file), billReference: 'EOR-9' }).billReference).toBe('EOR-9');
    let errors: readonly { field: string }[] = [];
    try {
      normaliseRequest({ ...example(file), billReference: '518-44-7093' });
    } catch (error) {
      if (error instanceof BillValidationError) errors = error.errors;
      else throw error;
    }
    expect(errors.map((e) => e.field)).toEqual(['billReference']);
  });
});

describe('payer.contact on a bill', () => {
  const bill = (contact: unknown) => ({ ...testBillInput(), payer: { name: 'Payer', contact } });

  it('is taken when every field is well-formed, and reaches the priced bill', () => {
    const contact = {
      phone: '+1 (555) 010-0100 x12',
      email: 'appeals@example.com',
      appealInstructions: 'Within 90 days, in writing.',
      appealUrl: 'https://example.com/appeal',
    };
    expect(normaliseBill(bill(contact)).parties.payer).toEqual({ name: 'Payer', contact });
  });

  it.each([
    ['an http appeal URL', { appealUrl: 'http://example.com/appeal' }, 'payer.contact.appealUrl', /https/],
    ['a javascript: URL', { appealUrl: 'javascript:alert(1)' }, 'payer.contact.appealUrl', /https/],
    ['a phone with letters', { phone: 'call us' }, 'payer.contact.phone', /phone number/],
    ['an email without @', { email: 'appeals.example.com' }, 'payer.contact.email', /email/],
    [
      'instructions too long',
      { appealInstructions: 'x'.repeat(1001) },
      'payer.contact.appealInstructions',
      /1000/,
    ],
    ['an unknown field', { fax: '555 0100' }, 'payer.contact.fax', /only/],
  ])('refuses %s, naming the field', (_what, contact, field, message) => {
    const errors = fieldErrors(bill(contact));
    expect(errors.map((e) => e.field)).toContain(field);
    expect(errors.find((e) => e.field === field)?.errorMessage).toMatch(message);
  });
});

describe("a tenant's settings", () => {
  it('are read from SMARTBILL_TENANTS, and none when it is unset', () => {
    expect(tenantSettingsFrom({}).size).toBe(0);
    const settings = tenantSettingsFrom({ SMARTBILL_TENANTS: JSON.stringify(LOCAL_TENANT_SETTINGS) });
    expect(settings.get('local')?.phone).toBe('+1 555-0100 ext 42');
  });

  it.each([
    ['a bad tenant id', { 'tenant a': {} }, /tenant id/],
    ['an http URL', { a: { appealUrl: 'http://example.com' } }, /a\.appealUrl must be an https URL/],
    ['an unknown field', { a: { fax: '1' } }, /only/],
    [
      'too many bytes',
      { a: { appealInstructions: 'x'.repeat(1000) }, b: { appealInstructions: 'y'.repeat(1000) } },
      /2000/,
    ],
  ])('refuse %s', (_what, value, message) => {
    expect(() => parseTenantSettings(value)).toThrow(TenantSettingsError);
    expect(() => parseTenantSettings(value)).toThrow(message);
  });

  it('refuse an environment value that is not JSON', () => {
    expect(() => tenantSettingsFrom({ SMARTBILL_TENANTS: '{' })).toThrow(/not JSON/);
    expect(MAX_TENANT_SETTINGS_BYTES).toBe(2000);
  });
});
