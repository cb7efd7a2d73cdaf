/**
 * Customer-supplied data end to end (issue 20), as an operator and a claims administrator meet it:
 * files checked and added to the store, an index built from the sample plus the store, the local
 * API started on it, bills priced with a dev user's token (tenant `local`), and the data release
 * named on the answer and on `GET /v1/health`.
 *
 * Every supplied figure here is an INPUT of this test standing for what a customer would supply
 * (factors, table amounts, contract percentage): none is a claim about a state's schedule.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndexFromDirectory } from '../../fee-data/load-datasets.js';
import { SAMPLE_DIR } from '../../fee-data/paths.js';
import { addSupplied } from '../../fee-data/supplied/store.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { cfFile, contractFile, NPI_A, NPI_B, tableFile, writeFile } from '../support/supplied.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';

/** What these tests read of a priced answer (the whole is checked against /openapi.json). */
interface Answer {
  readonly dataRelease: string;
  readonly lines: readonly {
    readonly allowed: string;
    readonly feeSchedule: { readonly unitAmount: string; readonly method: string };
    readonly buckets: Record<string, string>;
    readonly supplied: readonly { readonly id: string; readonly kind: string; readonly suppliedBy: string }[];
    readonly adjustments: readonly { readonly bucket: string; readonly source?: string }[];
  }[];
}

let stack: LocalStack;
let token: string;
let releaseId: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-e2e-supplied-'));
  const store = path.join(dir, 'store');
  const files = [
    // Texas 2025: TX-2025 holds no factor, so this fills it (no conflict). SUPPLIED INPUT: 70.00.
    writeFile(dir, 'tx-cf.json', cfFile()),
    // New York prices on the Medicare fallback: a table of its own wins. SUPPLIED INPUT: 99213 $90.00.
    writeFile(dir, 'ny-table.json', tableFile()),
    // The dev user's tenant is `local`: 90% of the state fee schedule for NPI A only.
    writeFile(dir, 'ppo.json', contractFile({ tenant: 'local', jurisdictions: ['TX'] })),
  ];
  const added = addSupplied(store, files, { by: 'e2e operator', now: new Date('2026-12-07T10:00:00Z') });
  expect(added.ok).toBe(true);
  const indexFile = path.join(dir, 'fee-index.bin');
  const report = buildIndexFromDirectory(SAMPLE_DIR, indexFile, { supplied: store });
  releaseId = report.release;
  stack = await startTestStack({
    stateDir: path.join(dir, 'state'),
    feeIndexPath: indexFile,
    recon: false,
    smartBill: false,
    batch: false,
    analytics: false,
  });
  token = await stack.token('user');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function price(bill: unknown) {
  const response = await fetch(`${stack.url}/v1/bills/price`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(bill),
  });
  const body = (await response.json()) as Record<string, unknown>;
  expectDocumented('POST', '/v1/bills/price', response.status, body);
  return { status: response.status, body: body as unknown as Answer };
}

const texasBill = (npi: string) => ({
  jurisdiction: 'TX',
  serviceFacility: { zip: '77002' },
  lines: [
    {
      code: '99213',
      dateOfService: '2025-06-02',
      charge: '300.00',
      placeOfService: '11',
      renderingProviderNpi: npi,
    },
  ],
});

describe('supplied editions and contracts through the API', () => {
  it('prices a Texas line on the supplied factor and applies the tenant contract for NPI A', async () => {
    // mpfs-rvu/PPRRVU2025_Oct.csv line 12807 (99213: work 1.30, non-facility PE 1.35, MP 0.10) and
    // mpfs-gpci-locality/GPCI2025.csv line 102 (04412-18 Houston: 1.014, 1.003, 1.409; ZIP 77002 by
    // ZIP5_OCT2025.txt line 36532): 1.3182 + 1.35405 + 0.1409 = 2.81315 adjusted RVUs.
    // × the supplied 70.00 = 196.9205 → 196.92 (rounded once, half up, as rbrvs.ts does).
    // The contract pays 90% of that: 177.228 → 177.23, so the PPO bucket holds -19.69.
    const { status, body } = await price(texasBill(NPI_A));
    expect(status).toBe(200);
    expect(body.dataRelease).toBe(releaseId);
    const line = body.lines[0] as Answer['lines'][number];
    expect(line.feeSchedule.unitAmount).toBe('196.92');
    expect(line.allowed).toBe('177.23');
    expect(line.buckets.ppo).toBe('-19.69');
    expect(line.supplied.map((s) => [s.id, s.suppliedBy])).toEqual([
      ['test-tx-cf-2025', 'e2e operator'],
      ['test-ppo-90', 'e2e operator'],
    ]);
    const ppo = line.adjustments.find((a) => a.bucket === 'ppo');
    expect(JSON.stringify(ppo)).toMatch(/test-ppo-90/);
  });

  it('leaves the contract off a line from NPI B (the factor still applies)', async () => {
    const { body } = await price(texasBill(NPI_B));
    const line = body.lines[0] as Answer['lines'][number];
    expect(line.allowed).toBe('196.92');
    expect(line.buckets.ppo).toBe('0.00');
    expect(line.supplied.map((s) => s.id)).toEqual(['test-tx-cf-2025']);
  });

  it('prices a New York line from the supplied table, not on Medicare', async () => {
    const { body } = await price({
      jurisdiction: 'NY',
      serviceFacility: { zip: '10001' },
      lines: [{ code: '99213', dateOfService: '2026-02-02', charge: '150.00', placeOfService: '11' }],
    });
    const line = body.lines[0] as Answer['lines'][number];
    expect(line.feeSchedule.unitAmount).toBe('90.00');
    expect(line.feeSchedule.method).toBe('state-table');
    expect(line.supplied[0]).toMatchObject({
      id: 'test-ny-table',
      kind: 'fee-table',
      suppliedBy: 'e2e operator',
    });
  });

  it('names the same data release on GET /v1/health', async () => {
    const response = await fetch(`${stack.url}/v1/health`);
    const body = (await response.json()) as Record<string, unknown>;
    expectDocumented('GET', '/v1/health', response.status, body);
    expect(body.dataRelease).toMatchObject({ id: releaseId });
  });
});

describe('the jurisdiction routes show what the customer supplied', () => {
  async function get(pathName: string) {
    const response = await fetch(`${stack.url}${pathName}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expectDocumented('GET', pathName, response.status, body);
    return { status: response.status, body };
  }

  it('GET /v1/jurisdictions lists Texas with its supplied edition, who supplied it and their source', async () => {
    const { status, body } = await get('/v1/jurisdictions');
    expect(status).toBe(200);
    const tx = (body.jurisdictions as { id: string; supplied?: unknown[] }[]).find((j) => j.id === 'TX');
    expect(tx?.supplied).toEqual([
      {
        id: 'test-tx-cf-2025',
        method: 'rbrvs-state-cf',
        effective: '2025-01-01',
        termination: '2025-12-31',
        supplied: expect.objectContaining({ kind: 'conversion-factors', suppliedBy: 'e2e operator' }),
      },
    ]);
  });

  it('GET /v1/jurisdictions/TX answers as its document says', async () => {
    const { status } = await get('/v1/jurisdictions/TX');
    expect(status).toBe(200);
  });
});
