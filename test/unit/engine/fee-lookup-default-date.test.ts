import { describe, expect, it } from 'vitest';
import { lookupFee } from '../../../lambdas/engine/fee-lookup.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * A fee question without a date is answered on the start of the latest edition holding the code in
 * the schedule it is priced on (issue 15, item 3). E0114 is not in the physician fee schedule's RVU
 * file: it is a DMEPOS item, so its default date is the start of the latest DMEPOS edition we hold,
 * January 2026. Before, the RVU editions were the only source of a default date and a DMEPOS code
 * had none: every jurisdiction pricing on Medicare answered 500.
 *
 * Row of the official file:
 *   DMEPOS26_JAN_full_states__repo_name_TexasRural.csv line 503: E0114,NU,,D,IN, … DE (NR) 67.26
 *   (column 22 of the header `HCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor,AL (NR),AL (R),…`);
 *   ZIP 19901 (Dover, Delaware) is not on DME_Rural_ZIP_Code_Quarter_1_2026.csv, so the (NR)
 *   column applies: 67.26 for one unit, nothing to compute.
 */
const index = sampleIndex();

describe('a fee question without a date', () => {
  it('dates a DMEPOS code by the latest DMEPOS edition and prices it there (E0114-NU in DE: 67.26)', () => {
    const answer = lookupFee(index, {
      jurisdiction: 'US-MEDICARE',
      code: 'E0114',
      modifier: 'NU',
      zip: '19901',
    });
    expect(answer).toMatchObject({
      status: 'priced',
      amount: '67.26',
      date: '2026-01-01',
      dateDefaulted: true,
      edition: 'dmepos/2026',
    });
    expect(answer.notices[0]).toContain('No date asked: priced on 2026-01-01');
  });

  it.each(['US-MEDICARE', 'CA', 'TX', 'HI', 'NY'])(
    'answers E0114 in %s without a date with an answer, not an error',
    (jurisdiction) => {
      const answer = lookupFee(index, { jurisdiction, code: 'E0114', zip: '19901' });
      expect(answer.dateDefaulted).toBe(true);
      expect(answer.date).toBe('2026-01-01');
      expect(['priced', 'denied', 'unpriced']).toContain(answer.status);
    },
  );

  it('keeps the RVU edition as the default of a code the physician fee schedule lists', () => {
    const answer = lookupFee(index, { jurisdiction: 'US-MEDICARE', code: '99213', zip: '19901' });
    expect(answer.dateDefaulted).toBe(true);
    expect(index.rvuEditionsOf('99213').map((e) => e.effective)).toContain(answer.date);
  });
});
