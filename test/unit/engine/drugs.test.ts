import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * NADAC_asof_2026-04-29_SAMPLE_first_rows.csv line 9: NDC 00904756160, 0.06444 per EA, effective
 * 04/22/2026, as of 04/29/2026. Florida's file states no dispensing fee (drugDispensingFee null), so
 * none is added there; Texas's states $4.00 per prescription (TX.json, 28 TAC §134.503(c)(1)).
 */
const index = sampleIndex();

function drugBill(date: string, ndc = '00904756160', quantity = '60', jurisdiction = 'FL', zip = '33101') {
  return priceBill(
    index,
    normaliseBill({
      jurisdiction,
      serviceFacility: { zip },
      lines: [{ code: 'J3490', dateOfService: date, charge: '20.00', drug: { ndc, quantity } }],
    }),
  ).lines[0];
}

describe('drugs by NDC', () => {
  it('prices NADAC per unit × quantity and names the week: 0.06444 × 60 = 3.8664 → 3.87', () => {
    const line = drugBill('2026-05-04');
    expect(line).toMatchObject({
      status: 'priced',
      allowed: '3.87',
      feeSchedule: { method: 'nadac', edition: 'nadac/2026' },
    });
    expect(line?.explanation.find((s) => s.step === 'nadac')?.inputs).toMatchObject({
      week: 'NADAC as of 2026-04-29',
      perUnit: '0.06444',
      quantity: '60',
    });
    expect(line?.notices.some((n) => n.includes('no dispensing fee is stated'))).toBe(true);
  });

  it("adds Texas's $4.00 dispensing fee per prescription: 3.87 + 4.00 = 7.87", () => {
    // 0.06444 × 60 = 3.8664 → 3.87 (NADAC), + $4.00 (28 TAC §134.503(c)(1)(A)-(B)) = 7.87.
    const line = drugBill('2026-05-04', '00904756160', '60', 'TX', '77002');
    expect(line).toMatchObject({ status: 'priced', allowed: '7.87', feeSchedule: { method: 'nadac' } });
    expect(line?.explanation.find((s) => s.step === 'dispensing-fee')).toMatchObject({
      inputs: { dispensingFee: '4.00' },
      result: '7.87',
      regulation: { citation: expect.stringContaining('28 TAC §134.503') },
    });
    expect(line?.notices.some((n) => n.includes('no dispensing fee is stated'))).toBe(false);
  });

  it('does not price a date before the week we hold, nor an NDC the sample week lacks', () => {
    expect(drugBill('2026-01-05')).toMatchObject({ status: 'unpriced', unpriced: { code: 'NO-EDITION' } });
    expect(drugBill('2026-05-04', '12345678901')).toMatchObject({
      status: 'unpriced',
      unpriced: { code: 'NOT-IN-EDITION' },
    });
  });

  it('rejects an NDC that is not 11 digits and a quantity with more than three decimals', () => {
    expect(() => drugBill('2026-05-04', '0904-7561-60')).toThrow(/fields we cannot accept/);
    expect(() => drugBill('2026-05-04', '00904756160', '1.2345')).toThrow(/fields we cannot accept/);
  });
});
