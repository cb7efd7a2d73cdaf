/**
 * Analytics through the local stack (issue 19): priced bills leave one record per line under
 * `<state>/analytics/lines/tenant=<id>/month=<YYYY-MM>/` (Parquet, compacted from the spool as
 * Firehose would), the KPI route answers the caller's tenant's figures from them in DuckDB, the
 * benchmark route publishes peers only from 11 lines of 3 tenants, `"compare": true` reads the
 * peers' snapshot, opting out (per bill, per tenant) keeps nothing, deleting is one call, and no
 * record holds PHI. Expected figures are the priced answers' own totals (an identity: the records
 * are the answers' lines), never numbers taken from the analytics code.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { totpCode } from '../../lambdas/local/tokens.js';
import { PHI, phiIn, pricedBillWithPhi } from '../support/phi-requests.js';
import { ARTIFACTS, launchChromium } from './support/browser.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';
import { personClaims, signWithStackKey } from './support/tokens.js';

let stack: LocalStack;
let stateDir: string;

const OFF_TENANT = 'analytics-off-co';

function tokenFor(tenant: string, groups: readonly string[] = ['analytics-viewers', 'analytics-stewards']) {
  return signWithStackKey(stack, personClaims(stack, [`tenant-${tenant}`, 'bill-reviewers', ...groups]));
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON answers
type Json = Record<string, any>;

async function call(method: string, pathName: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${stack.url}${pathName}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = { status: response.status, body: (await response.json()) as Json };
  expectDocumented(method, pathName, answer.status, answer.body);
  return answer;
}

/** A 2025 bill on the sample index: 99213 (PPRRVU 2025) at ZIP 19901, and a second code. */
function bill(charges: readonly string[], extra: object = {}) {
  return {
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    renderingProvider: { npi: '1234567893' },
    lines: charges.map((charge) => ({ code: '99213', dateOfService: '2025-03-04', charge })),
    ...extra,
  };
}

async function price(token: string, body: object) {
  const answer = await call('POST', '/v1/bills/price', token, body);
  expect(answer.status).toBe(200);
  return answer.body;
}

const cents = (money: string) => Math.round(Number(money) * 100);

async function kpis(token: string, query = 'from=2025-01&to=2025-12') {
  return call('GET', `/v1/analytics/kpis?${query}`, token);
}

/** Every stored record of the state directory, read back with DuckDB, as JSON text. */
async function storedRecordsText(): Promise<string> {
  const lines = path.join(stateDir, 'analytics', 'lines');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_parquet('${lines}/**/*.parquet', hive_partitioning = true, union_by_name = true)`,
    );
    return JSON.stringify(reader.getRowObjectsJson());
  } finally {
    connection.closeSync();
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-analytics-'));
  stack = await startTestStack({
    stateDir,
    analytics: {
      offTenants: [OFF_TENANT],
      // As npm start keeps them (cdk.json's dev stage): a record's age counts from when it was
      // written, so the 2025 services priced here stay (by month of service they would be gone).
      retentionDays: 90,
      // The sample index prices 2025 bills: the peers' snapshot covers the twelve months to 2025-12.
      now: () => new Date('2026-01-10T00:00:00Z'),
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('analytics through the local stack', () => {
  it("keeps a record per line with no PHI, and the KPIs are the tenant's priced totals", async () => {
    const token = tokenFor('kpi-co');
    const answers = [
      await price(token, pricedBillWithPhi('CN-1')),
      await price(token, bill(['150.00', '90.00'])),
      await price(token, bill(['400.00'], { jurisdiction: 'AZ' })),
    ];
    await stack.analytics?.flush();
    const { status, body } = await kpis(token, 'from=2025-01&to=2025-12&groupBy=jurisdiction');
    expect(status).toBe(200);
    const billed = answers.reduce((n, a) => n + cents(a.totals.billed) - cents(a.totals.unpricedBilled), 0);
    const allowed = answers.reduce((n, a) => n + cents(a.totals.allowed), 0);
    expect(body.totals.bills).toBe(3);
    expect(body.totals.lines).toBe(4);
    expect(cents(body.totals.billed)).toBe(billed);
    expect(cents(body.totals.allowed)).toBe(allowed);
    expect(cents(body.totals.savings)).toBe(billed - allowed);
    expect(body.groups.map((g: Json) => g.key).sort()).toEqual(['AZ', 'US-MEDICARE']);
    expect(body.query.engine).toBe('duckdb');

    const stored = await storedRecordsText();
    expect(stored).toContain('99213');
    expect(phiIn(stored)).toEqual([]);
    expect(stored).not.toContain('CN-1');
    // The spool is JSON text: nothing there either (it is empty once compacted, but check what is left).
    const spool = path.join(stateDir, 'analytics', 'spool');
    for (const file of readdirSync(spool))
      expect(phiIn(readFileSync(path.join(spool, file), 'utf8'))).toEqual([]);
    expect(stored).not.toContain(PHI.name);
  });

  it('publishes peers only from 11 lines of 3 tenants, and always answers the tenant its own', async () => {
    const [a, b, c] = ['bench-a', 'bench-b', 'bench-c'].map((t) => tokenFor(t));
    await price(a as string, bill(['100.00', '110.00', '120.00', '130.00', '140.00', '150.00']));
    await price(b as string, bill(['160.00', '170.00', '180.00', '190.00', '200.00']));
    await stack.analytics?.flush();
    // Peers here: kpi-co (3 lines of 99213), bench-a (6) and bench-b (5) are 3 tenants and 14 lines in
    // US-MEDICARE; AZ has one tenant and one line.
    const az = await call('GET', '/v1/analytics/benchmarks?code=99213&jurisdiction=AZ', c);
    expect(az.status).toBe(200);
    expect(az.body.peers.published).toBe(false);
    expect(az.body.peers.reason).toMatch(/at least 11 lines from at least 3 tenants/);
    expect(az.body.own).toBeNull();

    await price(c as string, bill(['210.00']));
    await stack.analytics?.flush();
    const published = await call('GET', '/v1/analytics/benchmarks?code=99213&jurisdiction=US-MEDICARE', c);
    expect(published.status).toBe(200);
    expect(published.body.peers).toMatchObject({ published: true });
    expect(published.body.peers.tenants).toBeGreaterThanOrEqual(3);
    expect(published.body.peers.lines).toBeGreaterThanOrEqual(11);
    const p = published.body.peers.billed;
    expect(Number(p.p10)).toBeLessThanOrEqual(Number(p.p50));
    expect(Number(p.p50)).toBeLessThanOrEqual(Number(p.p90));
    // One line of its own is answered to the tenant, whatever the threshold.
    expect(published.body.own).toMatchObject({ lines: 1, billed: { p50: '210.00' } });
  });

  it('compares each line with its peers when the bill asks, and says why when it cannot', async () => {
    await stack.analytics?.rebuildPeers();
    const token = tokenFor('compare-co');
    const answer = await price(token, {
      ...bill(['500.00']),
      compare: true,
      lines: [
        { code: '99213', dateOfService: '2025-03-04', charge: '500.00' },
        { code: '99214', dateOfService: '2025-03-04', charge: '50.00' },
      ],
    });
    const [high, unknown] = answer.lines as Json[];
    expect(high?.comparison.percentile).toBeGreaterThanOrEqual(95);
    expect(high?.comparison.peers.tenants).toBeGreaterThanOrEqual(3);
    expect(unknown?.comparison.percentile).toBeNull();
    expect(unknown?.comparison.reason).toEqual(expect.any(String));
    const plain = await price(token, bill(['90.00']));
    expect(plain.lines[0].comparison).toBeUndefined();
  });

  it('keeps nothing for a bill that says "analytics": false or a tenant that turned it off', async () => {
    const token = tokenFor('quiet-bill-co');
    await price(token, bill(['99.00'], { analytics: false }));
    const off = tokenFor(OFF_TENANT);
    await price(off, bill(['98.00']));
    await stack.analytics?.flush();
    expect((await kpis(token)).body.totals.lines).toBe(0);
    expect((await kpis(off)).body.totals.lines).toBe(0);
    expect(readdirSync(path.join(stateDir, 'analytics', 'lines'))).not.toContain(`tenant=${OFF_TENANT}`);
  });

  it("deletes a tenant's records in one call, and nobody else's", async () => {
    const token = tokenFor('kpi-co');
    const deleted = await call('DELETE', '/v1/analytics', token);
    expect(deleted.status).toBe(200);
    expect(deleted.body.objectsDeleted).toBeGreaterThan(0);
    expect((await kpis(token)).body.totals.lines).toBe(0);
    expect((await kpis(tokenFor('bench-a'))).body.totals.lines).toBe(6);
  });

  it("charts the signed-in reader's own KPIs on the KPI page, as the KPI route answers them", async () => {
    // The dev user (tenant "local", in analytics-viewers) prices bills with its own signed-in token.
    const token = await stack.token('user');
    await price(token, bill(['150.00', '95.00']));
    await price(token, bill(['400.00'], { jurisdiction: 'AZ' }));
    await price(token, bill(['120.00'], { jurisdiction: 'NC' }));
    await stack.analytics?.flush();
    const direct = (await kpis(token, 'from=2025-01&to=2025-12&groupBy=month')).body;
    expect(direct.totals.bills).toBe(3);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${stack.url}/analytics`);
      await page.getByLabel('Email').fill(stack.state.devUser.email);
      await page.getByLabel('Password').fill(stack.state.devUser.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByLabel('Code from your authenticator app')
        .fill(totpCode(stack.state.devUser.totpSecret));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.locator('#kpis:not([hidden])').waitFor();
      await page.getByLabel('From month').fill('2025-01');
      await page.getByLabel('To month').fill('2025-12');
      await page.getByRole('button', { name: 'Show' }).click();
      const shown = page.locator('#totals dd[data-field="billed"] data');
      await expect.poll(() => shown.getAttribute('value'), { timeout: 15_000 }).toBe(direct.totals.billed);
      for (const field of ['bills', 'lines', 'allowed', 'savings'] as const) {
        const value = await page.locator(`#totals dd[data-field="${field}"] data`).getAttribute('value');
        expect(value, field).toBe(String(direct.totals[field]));
      }
      expect(await page.locator('svg#chart-month g.month').count()).toBe(direct.groups.length);
      expect(problems).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'analytics-page-priced.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('refuses callers without the analytics scope or a tenant, and bad parameters field by field', async () => {
    expect((await kpis(tokenFor('kpi-co', []))).status).toBe(403);
    expect((await kpis('')).status).toBe(401);
    const bad = await kpis(tokenFor('kpi-co'), 'from=2025-13&to=2025-12&groupBy=weekday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field).sort()).toEqual(['from', 'groupBy']);
    const noCode = await call('GET', '/v1/analytics/benchmarks?zip3=19', tokenFor('kpi-co'));
    expect(noCode.status).toBe(400);
    expect(noCode.body.errors.map((e: Json) => e.field).sort()).toEqual(['code', 'zip3']);
  });
});
