import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';
import { suppliedEdition, suppliedIndex } from '../../support/supplied-index.js';

/*
 * A fee table a customer supplies for Florida (issue 20), a state we otherwise price on the Medicare
 * fallback (fee-data/jurisdictions/FL.json). Every amount in TABLE is a SUPPLIED INPUT of this test,
 * not a claim about Florida's schedule. ZIPs (mpfs-zip-locality/ZIP5_OCT2025.txt, in the sample):
 * 33101 Miami, not rural (line 7366); 32007, rural indicator R (fee-data/sample zip5 line 6679).
 */
const ID = 'payer-fl-table-2025';
const TABLE = [
  { code: '99213', nonFacility: '88.00', facility: '61.00', rural: '92.00' },
  { code: '73721', nonFacility: '250.00', facility: '240.00' },
  { code: '73721', modifier: '26', nonFacility: '60.00', facility: '60.00' },
  { code: '73721', modifier: 'TC', nonFacility: '190.00' },
  { code: 'WC001', byReport: true },
];
const withTable = suppliedIndex({
  editions: [{ jurisdiction: 'FL', edition: suppliedEdition(ID, 'fee-table', '2025-03-01', '2025-12-31') }],
  tables: [
    {
      jurisdiction: 'FL',
      editionId: `state-table/${ID}`,
      partition: `FL:supplied:${ID}`,
      effective: '2025-03-01',
      rows: TABLE,
    },
  ],
});

function line(
  code: string,
  options: { zip?: string; pos?: string; modifiers?: string[]; date?: string; index?: typeof withTable } = {},
) {
  const priced = priceBill(
    options.index ?? withTable,
    normaliseBill({
      jurisdiction: 'FL',
      serviceFacility: { zip: options.zip ?? '33101' },
      lines: [
        {
          code,
          dateOfService: options.date ?? '2025-03-04',
          charge: '500.00',
          placeOfService: options.pos ?? '11',
          ...(options.modifiers ? { modifiers: options.modifiers } : {}),
        },
      ],
    }),
  );
  return priced.lines[0];
}

describe('a fee table the customer supplied for a Medicare-fallback state', () => {
  it('prices a listed code from the table by setting, and the rural amount in a rural ZIP', () => {
    expect(line('99213')?.allowed).toBe('88.00');
    expect(line('99213', { pos: '22' })?.allowed).toBe('61.00');
    expect(line('99213', { zip: '32007' })?.allowed).toBe('92.00');
    expect(line('99213', { zip: '32007', pos: '22' })?.allowed).toBe('92.00');
    const rural = line('99213', { zip: '32007' });
    expect(rural?.explanation.find((s) => s.step === 'state-table')?.inputs).toMatchObject({
      column: 'rural',
    });
  });

  it('prices the professional (26) and technical (TC) components from their own rows', () => {
    expect(line('73721')?.allowed).toBe('250.00');
    expect(line('73721', { modifiers: ['26'] })?.allowed).toBe('60.00');
    expect(line('73721', { modifiers: ['TC'] })?.allowed).toBe('190.00');
    // The TC row has no facility amount: not priced rather than guessed.
    expect(line('73721', { modifiers: ['TC'], pos: '22' })).toMatchObject({
      status: 'unpriced',
      unpriced: { code: 'BY-REPORT' },
    });
  });

  it('leaves a by-report row unpriced, and knows a code only the supplied table lists', () => {
    expect(line('WC001')).toMatchObject({ status: 'unpriced', unpriced: { code: 'BY-REPORT' } });
    expect(() => line('WC001', { index: sampleIndex() })).toThrow(/cannot be priced/);
  });

  it('does not fall back on Medicare for a code the table lacks: unpriced, naming the table', () => {
    const missing = line('99214');
    expect(missing).toMatchObject({ status: 'unpriced', unpriced: { code: 'NOT-IN-EDITION' } });
    expect(missing?.unpriced?.message).toContain(`not in the supplied table ${ID}`);
    expect(missing?.explanation.some((s) => s.source?.edition.startsWith('pfs-rvu'))).toBe(false);
    // Without the table, Florida prices the same line on Medicare, and says so.
    expect(line('99214', { index: sampleIndex() })).toMatchObject({
      status: 'priced',
      feeSchedule: { method: 'rbrvs' },
    });
  });

  it('names the supplied table and its supplier on the line, never Medicare', () => {
    const priced = line('99213');
    expect(priced?.feeSchedule).toMatchObject({
      method: 'state-table',
      edition: `state-table/${ID}`,
      locality: null,
    });
    expect(priced?.supplied).toEqual([
      expect.objectContaining({ id: ID, kind: 'fee-table', suppliedBy: 'ops@payer.example' }),
    ]);
    expect(priced?.notices.join(' ')).not.toMatch(/Medicare/);
    expect(priced?.notices[0]).toMatch(
      /^fee table payer-fl-table-2025 set this line's fee schedule amount: supplied by ops@payer\.example/,
    );
    expect(priced?.explanation.find((s) => s.step === 'state-table')).toMatchObject({
      source: { file: `${ID}.csv`, line: 2, edition: `state-table/${ID}` },
      regulation: { citation: expect.stringContaining("the customer's source") },
    });
  });

  it('leaves a date outside the table on the Medicare fallback', () => {
    const outside = line('99213', { date: '2025-02-03' });
    expect(outside?.feeSchedule?.method).toBe('rbrvs');
    expect(outside?.supplied).toBeUndefined();
  });
});
