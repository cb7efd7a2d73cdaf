import { describe, expect, it } from 'vitest';
import {
  REASON_CODES,
  reasonCodeCatalogue,
  stateCodeOf,
} from '../../../lambdas/engine/adjustments/reason-codes.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndexWith } from '../../support/fee-index.js';

describe('the reason code catalogue', () => {
  const catalogue = reasonCodeCatalogue();

  it('lists every internal code once, sorted, each with its group code, CARC and source', () => {
    expect(catalogue.map((c) => c.internalCode)).toEqual(Object.keys(REASON_CODES).sort());
    for (const c of catalogue) {
      expect(c.carc, c.internalCode).toMatch(/^\d{1,3}$/);
      expect(['CO', 'PR', 'OA', 'PI']).toContain(c.groupCode);
      if (c.rarc !== undefined) expect(c.rarc, c.internalCode).toMatch(/^[MN]A?\d{1,3}$/);
      expect(c.mappingSource, c.internalCode).toMatch(/X12 CARC list: \d+/);
      expect(c.text.length, c.internalCode).toBeGreaterThan(10);
    }
  });

  it('maps the bill review edits to the X12 codes their rules name', () => {
    const byCode = Object.fromEntries(catalogue.map((c) => [c.internalCode, c]));
    expect(byCode['BR-DUPLICATE']).toMatchObject({ carc: '18' });
    expect(byCode['BR-NCCI-PTP']).toMatchObject({ carc: '236' });
    expect(byCode['BR-MUE']).toMatchObject({ carc: '151' });
    expect(byCode['BR-GLOBAL-SURGERY']).toMatchObject({ carc: '97', rarc: 'M144' });
    expect(byCode['BR-MULTIPLE-PROCEDURE']).toMatchObject({ carc: '59' });
    expect(byCode['BR-AUTH-MISSING']).toMatchObject({ carc: '197' });
    expect(byCode['BR-DOCUMENTATION-MISSING']).toMatchObject({ carc: '252', rarc: 'M127' });
    expect(byCode['BR-FREQUENCY-LIMIT']).toMatchObject({ carc: '119' });
  });
});

describe('state reason codes', () => {
  it('maps FS-MAX to the California DWC code G1, with its source, and nothing else to a state code', () => {
    expect(stateCodeOf('FS-MAX', 'CA')).toBe('G1');
    expect(REASON_CODES['FS-MAX'].stateCodes.CA).toMatchObject({
      code: 'G1',
      issue: "Provider's charge exceeds fee schedule allowance",
      source: {
        citation: expect.stringContaining('DWC Bill Adjustment Reason Code / CARC / RARC Matrix Crosswalk'),
        url: expect.stringMatching(/^https:\/\//),
      },
    });
    expect(stateCodeOf('FS-MAX', 'FL')).toBeUndefined();
    for (const code of Object.keys(REASON_CODES) as (keyof typeof REASON_CODES)[]) {
      if (code !== 'FS-MAX') expect(stateCodeOf(code, 'CA'), code).toBeUndefined();
    }
  });

  /*
   * California has no sourced OMFS conversion factor, so its lines do not price; the CF of 50 below
   * is a test input (not a fact about California) that lets a CA line reach the FS-MAX adjustment.
   * 99213, PPRRVU2025_Oct.csv line 12807: work 1.30, non-facility PE 1.35, MP 0.10.
   * ZIP5_OCT2025.txt line 4035: 94105 → 01112/05; GPCI2025.csv line 24: 01112 CA 05 1.088 / 1.419 / 0.445.
   * (1.30×1.088 + 1.35×1.419 + 0.10×0.445) = 3.37455 × 50 = 168.7275 → 168.73; billed 200.00 → 31.27.
   */
  it('a California FS-MAX adjustment carries the DWC code G1; a Florida one carries none', () => {
    const index = sampleIndexWith((j) =>
      j.id !== 'CA'
        ? j
        : {
            ...j,
            billTypes: {
              professional: {
                ...j.billTypes.professional,
                editions: j.billTypes.professional.editions.map((e) => ({
                  ...e,
                  factors: [
                    {
                      category: 'all',
                      value: '50',
                      source: { citation: 'test input: not a California OMFS conversion factor' },
                    },
                  ],
                })),
              },
            },
          },
    );
    const visit = (jurisdiction: string, zip: string) =>
      priceBill(
        index,
        normaliseBill({
          jurisdiction,
          serviceFacility: { zip },
          lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00' }],
        }),
      ).lines[0];
    const ca = visit('CA', '94105');
    expect(ca).toMatchObject({ status: 'priced', allowed: '168.73' });
    expect(ca?.adjustments).toEqual([
      expect.objectContaining({ internalCode: 'FS-MAX', carc: '45', stateCode: 'G1', amount: '31.27' }),
    ]);
    const fl = visit('FL', '33101');
    expect(fl?.adjustments[0]).toMatchObject({ internalCode: 'FS-MAX' });
    expect(fl?.adjustments[0]).not.toHaveProperty('stateCode');
  });
});
