import { beforeAll, describe, expect, it } from 'vitest';
import { ascRate, priceAscMedicare } from '../../lambdas/engine/facility/asc.js';
import type { FacilityBill, FacilityLine } from '../../lambdas/engine/facility/types.js';
import { type Cents, cents } from '../../lambdas/engine/money.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * The Medicare ASC method on the national index, every figure worked by hand from these rows
 * (facility/asc/ of the reference data; physical lines):
 *
 *   ASC_Addendum_AA_2026Q1_Jan.csv line 2218: 29881,,…,Y,A2,29.2047,"$1,644.87 "
 *   ASC_Addendum_AA_2026Q1_Jan.csv line 4117: 64483,,…,Y,A2,8.6202,$485.51
 *   ASC_Addendum_AA_2026Q1_Jan.csv line 1759: 27447,,…,Y,J8,166.7760,"$9,393.16 "
 *   ASC_Addendum_FF_2026Q1_Jan.csv line 1759: 27447,,…,J8,5115,45.89%,"$12,665.27",44.17%,"$5,594.25"
 *   ASC_Addendum_BB_2026Q1_Jan.csv line 432:  77002,,…,,N1,,,
 *   ASC_Addendum_BB_2026Q1_Jan.csv line 1531: J1885,***,…,,K2,,$0.33,
 *   ASC_Addendum_EE_2026Q1_Jan.csv line 108:  20999 (excluded from ASC payment)
 *   ASC_Addendum_AA_2025Q4_Oct.csv line 1881: 29881,,…,Y,A2,28.767,"$1,579.16"
 *   ASC_Addendum_AA_2025Q4_Oct.csv line 613:  20610,,…,Y,P3,,$33.64
 *   ASC_wage_index_CY2026.csv line 346: 38060,"Phoenix-Mesa-Chandler, AZ",1.0117
 *   ASC_wage_index_CY2026.csv line 2:   01,ALABAMA,0.6367
 *   ASC_wage_index_CY2025.txt line 375: 38060 "Phoenix-Mesa-Chandler, AZ" 1.0443
 *   ASC_wage_index_CY2025.txt lines 2–3: 01 ALABAMA 0.6471 and 01 ALABAMA 0.7158 (the same area twice)
 *   mpfs-rvu/PPRRVU2025_Oct.csv line 1644: 20610 non-facility PE RVU 1.04, CF 32.3465
 *
 * Wage adjustment (42 CFR 416.172(c), 50% labor share): rate × (0.50 × WI + 0.50), rounded half up
 * to cents once; a J8 device portion is added unadjusted. Phoenix 2026: 0.50 × 1.0117 + 0.50 = 1.00585.
 *   29881: 1644.87 × 1.00585 = 1654.4924895 → 1654.49
 *   64483:  485.51 × 1.00585 =  488.3502335 →  488.35; second procedure at 50%: 244.175 → 244.18
 *   27447: 5594.25 + (9393.16 − 5594.25) × 1.00585 = 5594.25 + 3821.1336235 → 5594.25 + 3821.13 = 9415.38
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

let lineNumber = 0;
function line(
  code: string | undefined,
  date: string,
  options: { units?: number; modifiers?: string[]; charge?: number } = {},
) {
  lineNumber++;
  return {
    index: lineNumber - 1,
    lineNumber,
    revenueCode: '0490',
    code,
    modifiers: options.modifiers ?? [],
    units: options.units ?? 1,
    charge: cents(options.charge ?? 500_000),
    dateOfService: date,
    codeField: `lines[${lineNumber - 1}].code`,
  } satisfies FacilityLine;
}

function bill(lines: FacilityLine[], cbsa: string | null = '38060'): FacilityBill {
  const renumbered = lines.map((l, i) => ({ ...l, index: i, lineNumber: i + 1 }));
  return {
    billType: 'asc',
    jurisdiction: 'US-MEDICARE',
    facility: cbsa === null ? { zip: '85004' } : { zip: '85004', cbsa },
    diagnoses: [],
    lines: renumbered,
  };
}

const JAN = '2026-02-10';
const OCT = '2025-11-03';

describe('priceAscMedicare: two A2 procedures, a packaged N1 line and a K2 drug (January 2026, Phoenix)', () => {
  const priced = () =>
    priceAscMedicare(
      index,
      bill([line('64483', JAN), line('29881', JAN), line('77002', JAN), line('J1885', JAN, { units: 10 })]),
    );

  it('pays the highest procedure in full and the other at 50%, wage-adjusted at the 50% labor share', () => {
    const [inj, knee] = priced().lines;
    // 29881: 1654.49 (line 2218 × Phoenix 1.00585); the highest, so 100%.
    expect(knee).toMatchObject({ kind: 'paid', amount: 165449, unitAmount: 165449, indicator: 'A2' });
    expect(knee?.reason).toBeUndefined();
    // 64483: 488.35 (line 4117 × 1.00585) at 50% = 244.175 → 244.18.
    expect(inj).toMatchObject({ kind: 'paid', amount: 24418, unitAmount: 48835, indicator: 'A2' });
    expect(inj?.reason?.internalCode).toBe('ASC-MULTIPLE-PROCEDURE');
    expect(knee?.wageIndex).toMatchObject({
      value: '1.0117',
      cbsa: '38060',
      basis: 'asc',
      edition: 'asc-wage-index/2026',
    });
  });

  it('cites the addendum and wage index rows it priced from', () => {
    const knee = priced().lines[1];
    expect(knee?.edition).toBe('asc-aa/2026');
    expect(knee?.steps.map((s) => s.source).filter(Boolean)).toEqual([
      { file: 'ASC_Addendum_AA_2026Q1_Jan.csv', line: 2218, edition: 'asc-aa/2026' },
      { file: 'ASC_wage_index_CY2026.csv', line: 346, edition: 'asc-wage-index/2026' },
    ]);
    expect(knee?.steps.find((s) => s.step === 'asc-wage-adjustment')?.result).toBe('1654.49');
  });

  it('packages the N1 line into the procedure paid in full, and pays the K2 drug per unit without wage adjustment', () => {
    const [, , guidance, drug] = priced().lines;
    expect(guidance).toMatchObject({ kind: 'packaged', amount: 0, indicator: 'N1', packagedInto: 2 });
    expect(guidance?.reason?.internalCode).toBe('ASC-PACKAGED');
    expect(guidance?.steps[0]?.source).toEqual({
      file: 'ASC_Addendum_BB_2026Q1_Jan.csv',
      line: 432,
      edition: 'asc-bb/2026',
    });
    // J1885 line 1531: $0.33 a unit × 10 = 3.30, the same in every CBSA.
    expect(drug).toMatchObject({
      kind: 'paid',
      amount: 330,
      unitAmount: 33,
      indicator: 'K2',
      wageIndex: undefined,
    });
  });

  it('ranks procedures by the lower of billed charge and payment (ch. 14, § 40.5)', () => {
    // 29881 billed $400.00 ranks at min(1654.49, 400.00) = 400.00, under 64483 billed $5,000.00,
    // ranked at min(488.35, 5000.00) = 488.35:
    // 64483 in full, 488.35; 29881 at 50%, 1654.49 × 0.5 = 827.245 → 827.25.
    const [knee, inj] = priceAscMedicare(
      index,
      bill([line('29881', JAN, { charge: 40_000 }), line('64483', JAN)]),
    ).lines;
    expect(inj).toMatchObject({ kind: 'paid', amount: 48835 });
    expect(knee).toMatchObject({ kind: 'paid', amount: 82725 });
    expect(knee?.reason?.internalCode).toBe('ASC-MULTIPLE-PROCEDURE');
  });

  it('does not double a line for modifier 50 (not recognised for ASC payment), and says so', () => {
    const [inj] = priceAscMedicare(index, bill([line('64483', JAN, { modifiers: ['50'] })])).lines;
    expect(inj).toMatchObject({ kind: 'paid', amount: 48835 });
    expect(inj?.notices.join(' ')).toContain('Modifier 50 is not recognised for ASC payment');
  });

  it('says so when a date is after the last quarter held (priced on January 2026)', () => {
    const [later] = priceAscMedicare(index, bill([line('29881', '2026-05-04')])).lines;
    expect(later).toMatchObject({ kind: 'paid', amount: 165449, edition: 'asc-aa/2026' });
    expect(later?.notices.join(' ')).toContain('after the last ASC quarter we hold');
  });

  it('counts each unit of a line as a procedure: 64483 × 2 alone is 488.35 + 244.18', () => {
    const [inj] = priceAscMedicare(index, bill([line('64483', JAN, { units: 2 })])).lines;
    expect(inj).toMatchObject({ kind: 'paid', amount: 73253 });
  });
});

describe('priceAscMedicare: device-intensive (J8) and discontinued procedures', () => {
  it('keeps the Addendum FF device portion out of the wage adjustment', () => {
    const [tka] = priceAscMedicare(index, bill([line('27447', JAN)])).lines;
    // 5594.25 + (9393.16 − 5594.25) × 1.00585 = 5594.25 + 3821.13 = 9415.38
    expect(tka).toMatchObject({ kind: 'paid', amount: 941538, indicator: 'J8', apc: '5115' });
    expect(tka?.steps.find((s) => s.step === 'asc-device-portion')?.source).toEqual({
      file: 'ASC_Addendum_FF_2026Q1_Jan.csv',
      line: 1759,
      edition: 'asc-ff/2026',
    });
  });

  it('pays modifier 73 at 50% (a J8 procedure without its device portion), 74 in full, and no further discount on 73', () => {
    const priced = priceAscMedicare(
      index,
      bill([
        line('27447', JAN, { modifiers: ['73'] }),
        line('29881', JAN, { modifiers: ['73'] }),
        line('64483', JAN, { modifiers: ['74'] }),
      ]),
    ).lines;
    // 27447-73: (9415.38 − 5594.25) × 50% = 3821.13 × 0.5 = 1910.565 → 1910.57
    expect(priced[0]).toMatchObject({ kind: 'paid', amount: 191057 });
    expect(priced[0]?.reason?.internalCode).toBe('ASC-REDUCED');
    // 29881-73: 1654.49 × 50% = 827.245 → 827.25
    expect(priced[1]).toMatchObject({ kind: 'paid', amount: 82725 });
    // 64483-74: 488.35 in full, the only procedure left subject to the discount.
    expect(priced[2]).toMatchObject({ kind: 'paid', amount: 48835 });
  });
});

describe('priceAscMedicare: what an ASC is not paid for, and what we do not guess', () => {
  it('does not pay a code on Addendum EE', () => {
    const [unlisted] = priceAscMedicare(index, bill([line('20999', JAN)])).lines;
    expect(unlisted).toMatchObject({ kind: 'not-payable', amount: 0 });
    expect(unlisted?.reason?.internalCode).toBe('ASC-EXCLUDED');
    expect(unlisted?.steps[0]?.source).toEqual({
      file: 'ASC_Addendum_EE_2026Q1_Jan.csv',
      line: 108,
      edition: 'asc-ee/2026',
    });
  });

  it('prices each line on the edition of its date: 29881 in November 2025 and in February 2026', () => {
    const [nov, feb] = priceAscMedicare(
      index,
      bill([line('29881', OCT), line('29881', JAN, { modifiers: ['59'] })]),
    ).lines;
    // October 2025 line 1881: 1579.16 × (0.50 × 1.0443 + 0.50) = 1579.16 × 1.02215 = 1614.138394 → 1614.14
    expect(nov).toMatchObject({ kind: 'paid', amount: 161414, edition: 'asc-aa/2025' });
    expect(nov?.wageIndex).toMatchObject({ value: '1.0443', edition: 'asc-wage-index/2025' });
    // January 2026: 1654.49; a different date, so a different session, and no discount.
    expect(feb).toMatchObject({ kind: 'paid', amount: 165449, edition: 'asc-aa/2026' });
  });

  it('leaves a date before October 2025 unpriced: not in an edition we hold', () => {
    const [early] = priceAscMedicare(index, bill([line('29881', '2025-09-30')])).lines;
    expect(early).toMatchObject({ kind: 'unpriced', unpriced: { code: 'NO-EDITION' } });
    expect(early?.unpriced?.message).toContain('not in an edition we hold');
  });

  it('refuses an area the CY2025 file lists twice with different values, and prices it in 2026', () => {
    const [nov, feb] = priceAscMedicare(index, bill([line('29881', OCT), line('29881', JAN)], '01')).lines;
    expect(nov).toMatchObject({ kind: 'unpriced', unpriced: { code: 'NO-LOCALITY' } });
    expect(nov?.unpriced?.message).toContain('0.6471 on ASC_wage_index_CY2025.txt line 2');
    expect(nov?.unpriced?.message).toContain('0.7158 on ASC_wage_index_CY2025.txt line 3');
    // 2026, Alabama rural 0.6367: 1644.87 × (0.50 × 0.6367 + 0.50) = 1644.87 × 0.81835 = 1346.0793645 → 1346.08
    expect(feb).toMatchObject({ kind: 'paid', amount: 134608 });
  });

  it('without facility.cbsa leaves procedures unpriced, asking for it, and still pays the drug', () => {
    const pricing = priceAscMedicare(index, bill([line('29881', JAN), line('J1885', JAN)], null));
    expect(pricing.lines[0]).toMatchObject({ kind: 'unpriced', unpriced: { code: 'NO-LOCALITY' } });
    expect(pricing.lines[0]?.unpriced?.message).toContain('send facility.cbsa');
    expect(pricing.lines[1]).toMatchObject({ kind: 'paid', amount: 33 });
    expect(pricing.notices.join(' ')).toContain('facility.cbsa');
  });
});

describe('the ASC sections of the national index', () => {
  it('hold both quarters of each addendum and both wage index years, dated as decision 004 says', () => {
    // Data rows (physical lines minus title, copyright, empty, header and trailing rows), counted in
    // the files: AA 4,201 + 4,821; BB 2,534 + 2,504 (January 2026 repeats 90684, kept once);
    // EE 2,109 + 1,557; FF 4,201 + 4,821; wage index 503 + 486.
    expect(index.counts()).toMatchObject({
      'asc-aa': 4201 + 4821,
      'asc-bb': 2534 + 2504,
      'asc-ee': 2109 + 1557,
      'asc-ff': 4201 + 4821,
      'asc-wage-index': 503 + 486,
    });
    expect(index.editions('asc-aa').map((e) => [e.id, e.effective, e.termination])).toEqual([
      ['asc-aa/2025', '2025-10-01', '2025-12-31'],
      ['asc-aa/2026', '2026-01-01', null],
    ]);
  });
});

describe('ascRate: the fee-schedule route', () => {
  it('answers the national rate and the wage-adjusted rate of a CBSA', () => {
    const rate = ascRate(index, '29881', JAN, '38060');
    expect(rate).toMatchObject({
      setting: 'asc',
      indicator: 'A2',
      apc: '5113',
      nationalRate: '1644.87',
      edition: 'asc-aa/2026',
    });
    expect(rate?.wageAdjusted?.amount).toBe('1654.49');
    expect(ascRate(index, '29881', JAN, undefined)?.wageAdjusted).toBeUndefined();
  });

  it('the P3 rate is the PFS non-facility PE amount, the lesser of the two (42 CFR 416.171(d))', () => {
    // PPRRVU2025_Oct.csv line 1644: 20610 non-facility PE RVU 1.04 × CF 32.3465 = 33.64036 → 33.64,
    // the rate October 2025 AA line 613 prints (the standard rate, from APC 5441's OPPS $295.22 on
    // FF line 614, is far higher).
    const rate = ascRate(index, '20610', OCT, undefined);
    expect(rate).toMatchObject({ indicator: 'P3', nationalRate: '33.64' });
    const rvu = index.rvu('20610', '', index.editionFor('pfs-rvu', OCT)?.edition as never);
    expect(rvu).toMatchObject({ nonFacilityPeRvu: 104, conversionFactor: 323465, line: 1644 });
    const product = (rvu?.nonFacilityPeRvu ?? 0) * (rvu?.conversionFactor ?? 0); // × 10⁻⁶ dollars
    expect(Math.round(product / 10_000) as Cents).toBe(3364);
  });
});
