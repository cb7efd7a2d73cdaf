import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { SuppliedContract } from '../../../lambdas/domain/supplied.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { priceRequest } from '../../../lambdas/engine/price-request.js';
import {
  AmountsPricedBillSchema,
  PricedBillSchema,
  SummaryPricedBillSchema,
} from '../../../lambdas/engine/priced-bill-schema.js';
import { provenance, suppliedIndex } from '../../support/supplied-index.js';

const SCHEMAS = { full: PricedBillSchema, summary: SummaryPricedBillSchema, none: AmountsPricedBillSchema };

/*
 * Network contracts a customer supplies (issue 20): tenant "acme" holds a PPO contract at 90% of the
 * state fee schedule with the provider of NPI A, and a negotiated table. The percentage, the table
 * amount (80.00) and the NPIs are SUPPLIED INPUTS of this test (NPIs chosen to pass the Luhn check).
 * The allowance they act on is Florida's Medicare fallback for 99213 in Miami, 94.98
 * (test/unit/engine/jurisdiction-pricing.test.ts: PPRRVU2025_Oct.csv line 12807, GPCI2025.csv line 42:
 * (1.30×1 + 1.35×1.027 + 0.10×2.5) = 2.93645 × 32.3465 = 94.98).
 */
const NPI_A = '1234567893';
const NPI_B = '1999999992';
const TIN = '123456789';

function contract(
  id: string,
  bucket: 'ppo' | 'negotiated',
  terms: SuppliedContract['terms'],
): SuppliedContract {
  return {
    id,
    name: `Acme ${bucket} agreement`,
    tenant: 'acme',
    providers: { npis: [NPI_A], tins: [TIN] },
    bucket,
    jurisdictions: ['FL'],
    effective: '2025-01-01',
    termination: '2025-12-31',
    terms,
    reason: { groupCode: 'CO', carc: '45', internalCode: `CONTRACT-${bucket.toUpperCase()}` },
    provenance: provenance(id, 'contract'),
  };
}

const PPO = contract('acme-ppo-2025', 'ppo', { kind: 'percent-of-allowance', percent: '90' });
const TABLE_ID = 'state-table/contract-acme-neg-2025';
const NEGOTIATED = contract('acme-neg-2025', 'negotiated', { kind: 'table', edition: TABLE_ID });
const index = suppliedIndex({
  contracts: [PPO],
});
const tableIndex = suppliedIndex({
  contracts: [NEGOTIATED],
  tables: [
    {
      jurisdiction: 'FL',
      editionId: TABLE_ID,
      partition: 'FL:supplied:contract-acme-neg-2025',
      effective: '2025-01-01',
      rows: [{ code: '99213', nonFacility: '80.00', facility: '70.00' }],
    },
  ],
});

function bill(
  options: {
    npi?: string;
    taxId?: string;
    code?: string;
    values?: unknown[];
    jurisdiction?: string;
    zip?: string;
  } = {},
) {
  return normaliseBill({
    jurisdiction: options.jurisdiction ?? 'FL',
    serviceFacility: { zip: options.zip ?? '33101' },
    billingProvider: { npi: options.npi ?? NPI_A, ...(options.taxId ? { taxId: options.taxId } : {}) },
    lines: [
      {
        code: options.code ?? '99213',
        dateOfService: '2025-03-04',
        charge: '200.00',
        placeOfService: '11',
        ...(options.values ? { externalValues: options.values } : {}),
      },
    ],
  });
}

describe('a contract at 90% of the state fee schedule', () => {
  it('fills the PPO bucket with −10% of the allowance on a bill from NPI A priced for its tenant', () => {
    const [line] = priceBill(index, bill(), 'full', { tenant: 'acme' }).lines;
    // 94.98 × 90% = 85.482 → 85.48; the PPO bucket holds 85.48 − 94.98 = −9.50.
    expect(line?.buckets).toMatchObject({ feeSchedule: '94.98', ppo: '-9.50' });
    expect(line?.allowed).toBe('85.48');
    expect(line?.adjustments.find((a) => a.bucket === 'ppo')).toMatchObject({
      amount: '9.50',
      groupCode: 'CO',
      carc: '45',
      internalCode: 'CONTRACT-PPO',
      source: 'contract acme-ppo-2025 (Acme ppo agreement)',
    });
    expect(line?.supplied).toEqual([expect.objectContaining({ id: 'acme-ppo-2025', kind: 'contract' })]);
    expect(
      line?.notices.some((n) => /^contract acme-ppo-2025 set the PPO value .*the customer's figure/.test(n)),
    ).toBe(true);
    expect(line?.explanation.find((s) => s.step === 'external-value')).toMatchObject({
      inputs: { bucket: 'ppo', suppliedId: 'acme-ppo-2025', suppliedBy: 'ops@payer.example' },
      regulation: { citation: expect.stringContaining("the customer's source") },
    });
  });

  it('matches the billing provider by tax id too', () => {
    const [line] = priceBill(index, bill({ npi: NPI_B, taxId: TIN }), 'full', { tenant: 'acme' }).lines;
    expect(line?.buckets?.ppo).toBe('-9.50');
  });

  it('leaves the bill unchanged from NPI B, for another tenant, or with no tenant', () => {
    const none = priceBill(index, bill());
    expect(none.lines[0]?.buckets?.ppo).toBe('0.00');
    expect(none.lines[0]?.allowed).toBe('94.98');
    expect(none.lines[0]?.supplied).toBeUndefined();
    expect(priceBill(index, bill(), 'full', { tenant: 'other' })).toEqual(none);
    const fromB = priceBill(index, bill({ npi: NPI_B }), 'full', { tenant: 'acme' });
    expect(fromB).toEqual(priceBill(index, bill({ npi: NPI_B })));
    expect(fromB.lines[0]?.buckets?.ppo).toBe('0.00');
  });

  it('does not apply outside its jurisdictions', () => {
    const ga = priceBill(index, bill({ jurisdiction: 'GA', zip: '30303' }), 'full', { tenant: 'acme' });
    expect(ga.lines[0]?.buckets?.ppo).toBe('0.00');
  });

  it("gives way to the bill's own PPO value, and the line says so", () => {
    const own = {
      bucket: 'ppo',
      mode: 'add',
      percent: '-5',
      source: 'PPO network repricing',
      reason: { groupCode: 'CO', carc: '45' },
    };
    const withTenant = priceBill(index, bill({ values: [own] }), 'full', { tenant: 'acme' });
    const without = priceBill(index, bill({ values: [own] }));
    // 94.98 × −5% = −4.749 → −4.75: the bill's own value, alone.
    expect(withTenant.lines[0]?.buckets).toEqual(without.lines[0]?.buckets);
    expect(withTenant.lines[0]?.buckets?.ppo).toBe('-4.75');
    expect(withTenant.lines[0]?.supplied).toBeUndefined();
    expect(withTenant.lines[0]?.notices.join(' ')).toMatch(
      /bill's own PPO value .* wins over contract acme-ppo-2025/,
    );
  });

  it('is not applied on a line the fee schedule cannot price: nothing to take a percentage of', () => {
    // Texas 2025: no conversion factor held (fee-data/jurisdictions/TX.json), so the line is unpriced.
    const c = { ...PPO, jurisdictions: [] };
    const tx = priceBill(
      suppliedIndex({ contracts: [c] }),
      bill({ jurisdiction: 'TX', zip: '77002' }),
      'full',
      {
        tenant: 'acme',
      },
    );
    expect(tx.lines[0]).toMatchObject({ status: 'unpriced', buckets: null });
    expect(tx.lines[0]?.supplied).toBeUndefined();
    expect(tx.lines[0]?.notices.join(' ')).toMatch(
      /no fee schedule allowance, so contracts\[acme-ppo-2025\] could not be applied/,
    );
  });

  it('names the contract at every explanation level', () => {
    for (const explain of ['full', 'summary', 'none'] as const) {
      const answer = priceRequest(index, bill(), { explain, tenant: 'acme' });
      expect(answer.lines[0]?.supplied?.[0]).toMatchObject({ id: 'acme-ppo-2025', kind: 'contract' });
      // The answer, with its supplied line field, is what the OpenAPI document's schema describes.
      expect(v.safeParse(SCHEMAS[explain], answer).success).toBe(true);
    }
  });
});

describe('a contract with its own table', () => {
  it('replaces the negotiated bucket with the table amount for the setting', () => {
    const [line] = priceBill(tableIndex, bill(), 'full', { tenant: 'acme' }).lines;
    // 80.00 (supplied) in place of 94.98: the negotiated bucket holds −14.98.
    expect(line?.allowed).toBe('80.00');
    expect(line?.buckets).toMatchObject({ feeSchedule: '94.98', negotiated: '-14.98' });
    expect(line?.adjustments.find((a) => a.bucket === 'negotiated')).toMatchObject({
      internalCode: 'CONTRACT-NEGOTIATED',
      source: 'contract acme-neg-2025 (Acme negotiated agreement)',
    });
  });

  it('is not applied to a code its table lacks, and the line says so', () => {
    const [line] = priceBill(tableIndex, bill({ code: '99214' }), 'full', { tenant: 'acme' }).lines;
    expect(line?.buckets?.negotiated).toBe('0.00');
    expect(line?.supplied).toBeUndefined();
    expect(line?.notices.join(' ')).toMatch(
      /contract acme-neg-2025 .* is not applied: its table .* has no row for 99214/,
    );
  });
});
