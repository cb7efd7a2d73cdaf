import { describe, expect, it } from 'vitest';
import { REASON_CODES, reasonCodeCatalogue } from '../../../lambdas/engine/adjustments/reason-codes.js';

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
