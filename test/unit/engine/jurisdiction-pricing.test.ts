import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { lookupFee } from '../../../lambdas/engine/fee-lookup.js';
import { serviceCategory } from '../../../lambdas/engine/fee-schedules/jurisdiction-pricing.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Rows of the official files (see price-bill.test.ts for 99213's RVU row, PPRRVU2025_Oct.csv line 12807):
 *   ZIP5_OCT2025.txt line 7366: 33101 → 09102/04;  GPCI2025.csv line 42: 09102 FL 04 MIAMI 1 / 1.027 / 2.5
 *   ZIP5_OCT2025.txt line 9349: 96813 → 01212/01;  GPCI2025.csv line 46: 01212 HI 01 "HAWAII, GUAM" 1 / 1.149 / 0.561
 * Jurisdiction files: fee-data/jurisdictions/FL.json (medicare-fallback), HI.json (110% of Medicare,
 * HRS § 386-21(c)), TX.json (28 TAC § 134.203; CFs for 2024 only), CA.json (no OMFS CF held).
 */
const index = sampleIndex();

function visit(jurisdiction: string, zip: string, date = '2025-03-04') {
  return priceBill(
    index,
    normaliseBill({
      jurisdiction,
      serviceFacility: { zip },
      lines: [{ code: '99213', dateOfService: date, charge: '200.00' }],
    }),
  );
}

describe('pricing by jurisdiction', () => {
  it('prices a state without its own schedule on Medicare and says so on the line (Florida)', () => {
    // (1.30×1 + 1.35×1.027 + 0.10×2.5) = 2.93645 × 32.3465 = 94.9838… → 94.98
    const priced = visit('FL', '33101');
    expect(priced.jurisdiction).toMatchObject({ id: 'FL', method: 'medicare-fallback' });
    const [line] = priced.lines;
    expect(line?.allowed).toBe('94.98');
    expect(line?.notices[0]).toMatch(
      /Florida \(FL\): we hold no Florida schedule .*priced on the Medicare Physician Fee Schedule/,
    );
    expect(line?.explanation.find((s) => s.step === 'jurisdiction')).toMatchObject({
      inputs: { jurisdiction: 'FL', method: 'medicare-fallback' },
    });
  });

  it('pays 110% of Medicare in Hawaii: 94.04 × 1.10 = 103.444 → 103.44', () => {
    // Medicare: (1.30×1 + 1.35×1.149 + 0.10×0.561) = 2.90725 × 32.3465 = 94.0394 → 94.04
    const [line] = visit('HI', '96813').lines;
    expect(line?.allowed).toBe('103.44');
    expect(line?.explanation.find((s) => s.step === 'percent-of-medicare')?.inputs).toEqual({
      medicareAmount: '94.04',
      multiplier: '1.10',
    });
  });

  it('does not price Texas where we hold no DWC conversion factor for the year, nor California without an OMFS factor', () => {
    expect(visit('TX', '77002').lines[0]).toMatchObject({
      status: 'unpriced',
      unpriced: { code: 'NO-CONVERSION-FACTOR' },
    });
    expect(visit('CA', '94105').lines[0]).toMatchObject({
      status: 'unpriced',
      unpriced: { code: 'NO-CONVERSION-FACTOR' },
    });
  });

  it('does not price Texas 2024 (CF $67.81 held) without the 2024 Medicare RVUs it needs', () => {
    expect(visit('TX', '77002', '2024-06-03').lines[0]).toMatchObject({
      status: 'unpriced',
      unpriced: { code: 'NO-EDITION' },
    });
  });

  it('rejects an unknown jurisdiction by field, and looks fees up for any jurisdiction id', () => {
    expect(() => visit('XX', '19901')).toThrow(/cannot be priced/);
    expect(
      lookupFee(index, { jurisdiction: 'fl', code: '99213', date: '2025-03-04', zip: '33101' }),
    ).toMatchObject({
      amount: '94.98',
      jurisdiction: 'FL',
    });
  });

  it('places codes in their CPT sections for category conversion factors', () => {
    expect(
      ['00100', '27447', '72148', '80053', '99213', '97110', 'G0283', '0001F'].map(serviceCategory),
    ).toEqual([
      'anesthesia',
      'surgery',
      'radiology',
      'pathology',
      'evaluation-management',
      'medicine',
      'all',
      'all',
    ]);
  });
});
