import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * state-wc/AZ/csv/Anesthesia.csv line 184: 01400, base 4, "RBRVS Rate at CF $61" 244 (AZ CF $61,
 * fee-data/jurisdictions/AZ.json); state-wc/GA/csv/Anesthesia.csv line 181: 1400 (01400), base 4;
 * GA anesthesia CF $43.82 (fee-data/jurisdictions/GA.json, the Georgia board's page).
 */
const index = sampleIndex();

function anesthesia(jurisdiction: string, zip: string, minutes?: number) {
  return priceBill(
    index,
    normaliseBill({
      jurisdiction,
      serviceFacility: { zip },
      lines: [
        {
          code: '01400',
          dateOfService: '2024-06-03',
          charge: '2000.00',
          placeOfService: '22',
          ...(minutes === undefined ? {} : { anesthesiaMinutes: minutes }),
        },
      ],
    }),
  ).lines[0];
}

describe('anesthesia under a state table', () => {
  it("pays base units × the state CF with no time: Arizona 01400, 4 × 61 = 244.00 (the file's own rate)", () => {
    expect(anesthesia('AZ', '85001', 0)).toMatchObject({
      allowed: '244.00',
      feeSchedule: { method: 'anesthesia' },
    });
  });

  it('adds a time unit per 15 minutes: Arizona 01400 for 60 minutes, (4 + 4) × 61 = 488.00', () => {
    expect(anesthesia('AZ', '85001', 60)?.allowed).toBe('488.00');
  });

  it("uses Georgia's anesthesia CF: 01400 for 45 minutes, (4 + 3) × 43.82 = 306.74", () => {
    expect(anesthesia('GA', '30301', 45)?.allowed).toBe('306.74');
  });

  it('asks for the time instead of guessing it', () => {
    expect(anesthesia('AZ', '85001')).toMatchObject({ status: 'unpriced' });
  });
});

describe('anesthesia on Medicare', () => {
  it('is unpriced without CMS base units, naming the locality CF it holds (Delaware 20.36, ANES2025.csv line 38)', () => {
    const [line] = priceBill(
      index,
      normaliseBill({
        jurisdiction: 'US-MEDICARE',
        serviceFacility: { zip: '19901' },
        lines: [{ code: '01400', dateOfService: '2025-03-04', charge: '2000.00', anesthesiaMinutes: 60 }],
      }),
    ).lines;
    expect(line).toMatchObject({ status: 'unpriced', unpriced: { code: 'ANESTHESIA' } });
    expect(line?.unpriced?.message).toContain('20.36 (ANES2025.csv line 38)');
  });
});
