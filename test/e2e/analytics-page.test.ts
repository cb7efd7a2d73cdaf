import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiAnswer } from '../../lambdas/app/analytics/answers.js';
import { ANALYTICS_PAGE_MESSAGES } from '../../lambdas/app/analytics/page/render.js';
import { GROUP_SCOPES, ROUTES, type RouteDefinition } from '../../lambdas/handlers/shared/routes.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { cognitoClient, totpCode } from '../../lambdas/local/tokens.js';
import { ARTIFACTS, launchChromium } from './support/browser.js';
import { KPI_FIXTURE_STATUS_ENV } from './support/handlers/kpi-fixture.js';
import { startTestStack } from './support/stack.js';

/*
 * The KPI page in Chromium against the local stack: the page served by the real handler, the
 * reader signed in through its form against cognito-local (password, then the TOTP code: the
 * browser's own fetch calls, CORS preflight included), the local authorizer checking the reader's
 * analytics:read scope. The KPI route is answered by a stub with a fixture KpiAnswer
 * (support/handlers/kpi-fixture.ts) until the lead's route is merged; the page's figures are
 * compared with the answers the browser received, whatever they are.
 */

const ANALYTICS_GROUP = 'analytics-viewers';
let stateDir: string;
let stack: LocalStack;
let browser: Browser;

function route(id: string): RouteDefinition {
  const found = ROUTES.find((r) => r.id === id);
  if (found === undefined) throw new Error(`no route ${id}`);
  return found;
}

/** The dev user in or out of the analytics group (the local authorizer maps groups to scopes). */
async function analyticsMember(member: boolean): Promise<void> {
  const client = cognitoClient(stack.state.cognito.endpoint);
  try {
    const base = { UserPoolId: stack.state.userPoolId, Username: stack.state.devUser.email };
    // Out of every analytics group, whichever the bootstrap gave (cognito-local's
    // AdminListGroupsForUser lists nothing for a user signed in by email, so no listing here).
    for (const GroupName of Object.keys(GROUP_SCOPES).filter((g) => g.startsWith('analytics-'))) {
      await client.send(new AdminRemoveUserFromGroupCommand({ ...base, GroupName }));
    }
    if (member) await client.send(new AdminAddUserToGroupCommand({ ...base, GroupName: ANALYTICS_GROUP }));
  } finally {
    client.destroy();
  }
}

interface Opened {
  readonly page: Page;
  readonly problems: string[];
  readonly requested: string[];
  readonly kpis: Map<string, KpiAnswer>;
  /** Answers of 400 and above: the Cognito operation (x-amz-target) or the path, and the status. */
  readonly failed: string[];
}

async function open(context: BrowserContext): Promise<Opened> {
  const page = await context.newPage();
  const problems: string[] = [];
  const requested: string[] = [];
  const kpis = new Map<string, KpiAnswer>();
  const failed: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Refused to/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => requested.push(request.url()));
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400) {
      const target = response.request().headers()['x-amz-target']?.split('.').pop();
      failed.push(`${target ?? url.pathname} ${response.status()}`);
    }
    if (url.pathname === '/v1/analytics/kpis' && response.status() === 200) {
      kpis.set(url.searchParams.get('groupBy') ?? '', (await response.json()) as KpiAnswer);
    }
  });
  const response = await page.goto(`${stack.url}/analytics`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  return { page, problems, requested, kpis, failed };
}

/** Password, then the TOTP code, through the page's forms. */
async function signIn(page: Page, password = stack.state.devUser.password): Promise<void> {
  await page.getByLabel('Email').fill(stack.state.devUser.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#code-form:not([hidden]), #signin-error:not(:empty)').first().waitFor();
  if (await page.locator('#code-form').isHidden()) return;
  await page.getByLabel('Code from your authenticator app').fill(totpCode(stack.state.devUser.totpSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('#kpis:not([hidden]), #signin-error:not(:empty)').first().waitFor();
}

async function waitForKpis(page: Page): Promise<void> {
  await page.locator('#results h2, #kpi-error:not(:empty)').first().waitFor({ timeout: 15_000 });
}

/** Every row of a KPI table: the row key and each cell's machine value. */
async function tableRows(page: Page, name: string): Promise<Array<Record<string, string>>> {
  // Browser JavaScript in a string: the project's TypeScript has no DOM library.
  return (await page.evaluate(`[...document.querySelectorAll('table[data-kpi="${name}"] tbody tr')]
    .filter((row) => row.querySelector('th[scope="row"]') !== null)
    .map((row) => {
      const out = { key: row.querySelector('th[scope="row"]').getAttribute('data-value') };
      for (const cell of row.querySelectorAll('td[data-field]')) {
        out[cell.getAttribute('data-field')] = cell.querySelector('data').getAttribute('value');
      }
      return out;
    })`)) as Array<Record<string, string>>;
}

function expected<T extends object>(
  rows: readonly T[],
  fields: readonly (keyof T)[],
  key: keyof T = 'key' as keyof T,
) {
  return rows.map((row) => {
    const out: Record<string, string> = { key: String(row[key]) };
    for (const f of fields) out[String(f)] = row[f] === null ? '' : String(row[f]);
    return out;
  });
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'wcbr-analytics-page-'));
  stack = await startTestStack({
    stateDir,
    answers: false,
    handlerThreads: 0,
    // The analytics routes are served only with analytics on (the KPI route here is the fixture).
    analytics: {},
    routes: [
      route('AnalyticsPage'),
      { ...route('GetAnalyticsKpis'), entry: 'test/e2e/support/handlers/kpi-fixture.ts' },
    ],
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  delete process.env[KPI_FIXTURE_STATUS_ENV];
  await browser?.close();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('the KPI page in Chromium', () => {
  it('signs in with password and TOTP, draws the KPIs the route answered, and asks nothing of another origin', async () => {
    await analyticsMember(true);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const { page, problems, requested, kpis, failed } = await open(context);

    // Before sign-in: the password form and nothing else.
    expect(await page.locator('#kpis').isHidden()).toBe(true);
    expect(await page.locator('#code-form').isHidden()).toBe(true);
    expect(await page.getByLabel('Email').isVisible()).toBe(true);
    await signIn(page);
    await waitForKpis(page);
    expect(await page.locator('#kpi-error').innerText()).toBe('');
    expect([...kpis.keys()].sort()).toEqual(['jurisdiction', 'month', 'reason']);
    const byMonth = kpis.get('month') as KpiAnswer;
    const byJurisdiction = kpis.get('jurisdiction') as KpiAnswer;
    const byReason = kpis.get('reason') as KpiAnswer;

    // The totals.
    const totals = await page.$$eval('#totals dd', (dds) =>
      Object.fromEntries(
        dds.map((dd) => [dd.getAttribute('data-field'), dd.querySelector('data')?.getAttribute('value')]),
      ),
    );
    const t = byMonth.totals;
    expect(totals).toEqual({
      bills: String(t.bills),
      lines: String(t.lines),
      billed: t.billed,
      allowed: t.allowed,
      savings: t.savings,
      savingsRate: t.savingsRate ?? '',
      unpricedLines: String(t.unpricedLines),
      unpricedBilled: t.unpricedBilled,
    });
    // Money is shown as money: the billed total with a dollar sign and separators.
    const shownBilled = await page.locator('#totals dd[data-field="billed"]').innerText();
    expect(shownBilled).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(shownBilled.replace(/[$,]/g, '')).toBe(t.billed);

    // Every table equals its part of the answers.
    const groupFields = ['bills', 'lines', 'billed', 'allowed', 'savings', 'savingsRate'] as const;
    expect(await tableRows(page, 'month')).toEqual(expected(byMonth.groups ?? [], groupFields));
    expect(await tableRows(page, 'jurisdiction')).toEqual(expected(byJurisdiction.groups ?? [], groupFields));
    expect(await tableRows(page, 'reason')).toEqual(expected(byReason.groups ?? [], groupFields));
    for (const name of ['reductionsByReason', 'reductionsByBucket', 'reductionsByRule'] as const) {
      expect(await tableRows(page, name), name).toEqual(expected(byMonth[name], ['lines', 'amount']));
    }
    expect(await tableRows(page, 'topCodesByBilled')).toEqual(
      expected(byMonth.topCodes.byBilled, ['lines', 'billed', 'savings']),
    );
    expect(await tableRows(page, 'topProvidersBySavings')).toEqual(
      expected(byMonth.topProviders.bySavings, ['lines', 'billed', 'savings']),
    );
    expect(await tableRows(page, 'unpriced')).toEqual(
      expected(byMonth.unpriced, ['lines', 'billed'], 'reason'),
    );

    // The charts: one bar or month a row, each with a title.
    const charts = await page.$$eval('svg[role="img"]', (svgs) =>
      svgs.map((s) => ({
        id: s.id,
        title: s.querySelector('title')?.textContent,
        marks: s.querySelectorAll('g.bar, g.month, circle.point').length,
      })),
    );
    const rated = (byMonth.groups ?? []).filter((g) => g.savingsRate !== null).length;
    expect(charts).toEqual([
      { id: 'chart-month', title: 'Billed and allowed by month', marks: (byMonth.groups ?? []).length },
      { id: 'chart-rate', title: 'Savings rate by month', marks: rated },
      {
        id: 'chart-jurisdiction-savings',
        title: 'Savings by jurisdiction',
        marks: (byJurisdiction.groups ?? []).length,
      },
      {
        id: 'chart-jurisdiction-billed',
        title: 'Billed by jurisdiction',
        marks: (byJurisdiction.groups ?? []).length,
      },
      { id: 'chart-reason', title: 'Withheld by reason code', marks: byMonth.reductionsByReason.length },
      { id: 'chart-bucket', title: 'Withheld by bucket', marks: byMonth.reductionsByBucket.length },
      { id: 'chart-unpriced', title: 'Unpriced lines by why', marks: byMonth.unpriced.length },
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'analytics-page.png'), fullPage: true });

    // The range picker asks for the months chosen.
    await page.getByLabel('From month').fill('2026-01');
    await page.getByLabel('To month').fill('2026-03');
    kpis.clear();
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => kpis.size).toBe(3);
    await page.locator('table[data-kpi="month"] tbody tr').nth(2).waitFor();
    expect((await tableRows(page, 'month')).map((r) => r.key)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(requested.filter((u) => u.includes('from=2026-01&to=2026-03')).length).toBe(3);

    // The tokens are in the page's memory only.
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await context.cookies()).toEqual([]);

    // Requests: the page, the KPI route and Cognito, nothing else.
    const origins = new Set(requested.map((u) => new URL(u).origin));
    expect(origins).toEqual(
      new Set([new URL(stack.url).origin, new URL(stack.state.cognito.endpoint).origin]),
    );
    expect(requested.filter((u) => u.startsWith(stack.state.cognito.endpoint)).length).toBe(2);

    // Sign-out forgets the reader and shows the form again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('#signin-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.signedOut);
    expect(await page.locator('#results').innerHTML()).toBe('');
    expect(await page.locator('#kpis').isHidden()).toBe(true);
    // The sign-out revoked the refresh token: Cognito does that; cognito-local refuses it (400)
    // because it keeps no refresh token issued after an MFA challenge. Nothing else failed.
    await expect.poll(() => failed.length).toBe(1);
    expect(failed).toEqual(['RevokeToken 400']);
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await context.close();
  });

  it('says in words what went wrong: wrong password, wrong code, 403, 503 and 401', async () => {
    const context = await browser.newContext();
    const { page, problems } = await open(context);

    await signIn(page, 'not-the-password-1A!');
    expect(await page.getByRole('alert').first().innerText()).toBe(ANALYTICS_PAGE_MESSAGES.badPassword);

    await page.getByLabel('Password').fill(stack.state.devUser.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#code-form:not([hidden])').waitFor();
    await page.getByLabel('Code from your authenticator app').fill('12345');
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.locator('#signin-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.codeFormat);
    const wrong = totpCode(stack.state.devUser.totpSecret, Date.now() - 3_600_000);
    await page.getByLabel('Code from your authenticator app').fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('#signin-error:not(:empty)').waitFor();
    await expect.poll(() => page.locator('#signin-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.badCode);
    await page.reload();

    // Signed in without the analytics group: the authorizer's 403, in words.
    await analyticsMember(false);
    await signIn(page);
    await expect.poll(() => page.locator('#kpi-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.forbidden);
    expect(await page.locator('#results').innerHTML()).toBe('');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await analyticsMember(true);

    await signIn(page);
    await waitForKpis(page);
    process.env[KPI_FIXTURE_STATUS_ENV] = '503';
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('#kpi-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.unavailable);
    expect(await page.locator('#results').innerHTML()).toBe('');

    // A 200 that is not a KpiAnswer is said in words, nothing half drawn.
    process.env[KPI_FIXTURE_STATUS_ENV] = 'malformed';
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('#kpi-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.shape);
    expect(await page.locator('#results').innerHTML()).toBe('');

    // A 401 (an expired token) sends the reader back to the sign-in form.
    process.env[KPI_FIXTURE_STATUS_ENV] = '401';
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#signin:not([hidden])').waitFor();
    expect(await page.locator('#signin-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.unauthorised);
    delete process.env[KPI_FIXTURE_STATUS_ENV];

    // A range that ends before it starts is refused before any request.
    await signIn(page);
    await waitForKpis(page);
    await page.getByLabel('From month').fill('2026-05');
    await page.getByLabel('To month').fill('2026-02');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await page.locator('#kpi-error').innerText()).toBe(ANALYTICS_PAGE_MESSAGES.range);

    // The browser reports the 4xx/5xx answers as console errors; nothing else may appear.
    expect(problems.filter((p) => !/status of (400|401|403|503)/.test(p))).toEqual([]);
    await context.close();
  });

  it('fits a 360 px phone and passes the accessibility checks we can make without axe', async () => {
    await analyticsMember(true);
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    const { page, problems } = await open(context);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await signIn(page);
    await waitForKpis(page);
    const report = (await page.evaluate(`(() => {
      const issues = [];
      for (const c of document.querySelectorAll('input')) {
        if (c.labels.length === 0 && !c.getAttribute('aria-label')) issues.push('unlabelled ' + c.id);
      }
      for (const t of document.querySelectorAll('table')) {
        if (!t.caption || !t.caption.textContent.trim()) issues.push('table without caption');
        for (const th of t.querySelectorAll('th')) if (!['row', 'col'].includes(th.getAttribute('scope'))) issues.push('th without scope');
      }
      for (const s of document.querySelectorAll('svg')) {
        if (s.getAttribute('role') !== 'img' || !s.querySelector('title') || !s.getAttribute('aria-labelledby')) issues.push('svg without a name ' + s.id);
      }
      if (document.querySelectorAll('h1').length !== 1) issues.push('not one h1');
      const widest = Math.max(...[...document.querySelectorAll('main *')].filter((e) => !e.closest('.scroll')).map((e) => e.getBoundingClientRect().right));
      return { issues, overflow: document.documentElement.scrollWidth - window.innerWidth, widest, tables: document.querySelectorAll('table').length };
    })()`)) as { issues: string[]; overflow: number; widest: number; tables: number };
    expect(report.issues).toEqual([]);
    expect(report.tables).toBeGreaterThanOrEqual(10);
    expect(report.overflow).toBeLessThanOrEqual(0);
    expect(report.widest).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(ARTIFACTS, 'analytics-page-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
