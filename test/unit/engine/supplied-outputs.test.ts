import { describe, expect, it } from 'vitest';
import { billRemittance } from '../../../lambdas/app/x12/answers.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { renderOpenSmartBill } from '../../../lambdas/smartbill/render.js';
import { ppoContract90, suppliedEdition, suppliedIndex } from '../../support/supplied-index.js';

/*
 * What a line priced on the customer's figures looks like outside the JSON answer (issue 20): the
 * SmartBill page says who supplied them, and the 835 is what it would be without the new fields.
 * The table amount and the contract's 90% are SUPPLIED INPUTS of this test.
 */
const ID = 'payer-fl-table-2025';
const index = suppliedIndex({
  editions: [{ jurisdiction: 'FL', edition: suppliedEdition(ID, 'fee-table', '2025-01-01', '2025-12-31') }],
  tables: [
    {
      jurisdiction: 'FL',
      editionId: `state-table/${ID}`,
      partition: `FL:supplied:${ID}`,
      effective: '2025-01-01',
      rows: [{ code: '99213', nonFacility: '88.00', facility: '61.00' }],
    },
  ],
  contracts: [ppoContract90('acme')],
});
const priced = priceBill(
  index,
  normaliseBill({
    jurisdiction: 'FL',
    serviceFacility: { zip: '33101' },
    billingProvider: { npi: '1234567893' },
    lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00', placeOfService: '11' }],
  }),
  'full',
  { tenant: 'acme' },
);

describe('a line priced on figures the customer supplied', () => {
  it('names both supplied files on the line', () => {
    expect(priced.lines[0]?.supplied?.map((s) => [s.id, s.kind])).toEqual([
      [ID, 'fee-table'],
      ['acme-ppo-2025', 'contract'],
    ]);
  });

  it('says on the SmartBill page whose figures they are', () => {
    const html = renderOpenSmartBill(priced, '2026-12-07T12:00:00.000Z');
    expect(html).toContain('Priced with figures the payer supplied, not values we publish');
    expect(html).toContain(`fee table ${ID} supplied by ops@payer.example on 2026-12-01`);
    expect(html).toContain('contract acme-ppo-2025 supplied by ops@payer.example');
  });

  it('leaves the 835 as it would be without the supplied and release fields', () => {
    const options = {
      requestId: 'req-835-1',
      explain: 'full' as const,
      at: new Date('2026-12-07T12:00:00Z'),
    };
    const plain: PricedBill = {
      ...priced,
      dataRelease: 'unreleased',
      lines: priced.lines.map(({ supplied: _, ...line }) => line),
    };
    expect(billRemittance(priced, options)).toBe(billRemittance(plain, options));
    expect(billRemittance(priced, options)).toContain('CAS*CO*45*');
  });
});
