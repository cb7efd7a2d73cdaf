import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { lookupFee } from '../../../lambdas/engine/fee-lookup.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Rows of the official files:
 *   CLFS_2025_Q4V1.csv: 36415 rate 00009.09 (effective 2025-10-01); PUF_CLFS_CY2026_Q3V1.csv: 36415 00009.34
 *   DMEPOS26_JAN_full_states__repo_name_TexasRural.csv line 503: E0114 NU, DE (NR) 67.26;
 *     line 504: E0114 RR, DE (NR) 12.21; line 5: A4221, SD (NR) 25.87, SD (R) 28.8
 *   DME_Rural_ZIP_Code_Quarter_1_2026.csv line 8814: SD 57002 RURAL; ZIP5_OCT2025.txt: 57002 → 03402/02
 */
const index = sampleIndex();

const fee = (code: string, zip: string, date: string, modifier?: string) =>
  lookupFee(index, { jurisdiction: 'US-MEDICARE', code, zip, date, ...(modifier ? { modifier } : {}) });

describe('codes the physician fee schedule does not pay', () => {
  it('prices a lab code (status X on the PFS) on the clinical lab fee schedule of the date', () => {
    expect(fee('36415', '19901', '2025-11-03')).toMatchObject({ amount: '9.09', edition: 'clfs/2025' });
    expect(fee('36415', '19901', '2026-08-03')).toMatchObject({ amount: '9.34', edition: 'clfs/2026' });
  });

  it('prices DMEPOS by state with the purchase/rental modifier, and asks for one when the fee depends on it', () => {
    expect(fee('E0114', '19901', '2026-02-02', 'NU')).toMatchObject({
      amount: '67.26',
      edition: 'dmepos/2026',
    });
    expect(fee('E0114', '19901', '2026-02-02', 'RR').amount).toBe('12.21');
    expect(fee('E0114', '19901', '2026-02-02')).toMatchObject({ status: 'unpriced', amount: null });
  });

  it('pays the rural DMEPOS fee for a ZIP on the rural ZIP list (A4221 in South Dakota: 28.80, not 25.87)', () => {
    const rural = fee('A4221', '57002', '2026-02-02');
    expect(rural.amount).toBe('28.80');
    expect(rural.explanation.find((s) => s.step === 'dmepos')?.text).toContain('rural ZIP list, line 8814');
  });

  it('prices lab and DME lines of a bill in a Medicare-fallback state, with the lesser of billed', () => {
    const priced = priceBill(
      index,
      normaliseBill({
        jurisdiction: 'DE',
        serviceFacility: { zip: '19901' },
        lines: [
          { code: '36415', dateOfService: '2025-11-03', charge: '25.00' },
          { code: 'E0114', modifiers: ['RR'], dateOfService: '2026-02-02', charge: '10.00' },
        ],
      }),
    );
    expect(priced.lines.map((l) => [l.feeSchedule?.method, l.allowed])).toEqual([
      ['clfs', '9.09'],
      ['dmepos', '10.00'],
    ]);
  });
});
