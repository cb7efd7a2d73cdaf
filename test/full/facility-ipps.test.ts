import { beforeAll, describe, expect, it } from 'vitest';
import { priceInpatientMedicare } from '../../lambdas/engine/facility/ipps.js';
import type { Facility, FacilityBill, FacilityLine } from '../../lambdas/engine/facility/types.js';
import { cents, formatCents } from '../../lambdas/engine/money.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * Inpatient stays on Medicare's IPPS (issue 16), on the full national index. Rows used:
 *   facility/ipps/drgstable-2026_FY2026_MSDRG_weights.csv (effective 20251001):
 *     line 384: 470, weight 1.9289, GMLOS 1.9, post-acute Y
 *     line 431: 521, weight 2.8702, GMLOS 6.0, post-acute Y, special pay Y
 *     line 753: 956, weight 3.7630, GMLOS 5.9, post-acute Y
 *     line 754: 957, weight 7.6199, GMLOS 10.1, no flags
 *   facility/ipps/ratex-2027_FY2027_IPPS_standardized_amounts.csv (read as FY2026):
 *     line 2: tab1,nat,1,04456.72,2295.89 (wage index > 1: 66.0% labor share)
 *     line 14: tab3,nat,1,04186.62,2565.99 (wage index <= 1: 62.0% labor share)
 *   facility/ipps/cms-pricer/cbsa-wage-index-2026.csv (effective 20251001):
 *     line 2: 01 ALABAMA, geographic 0.7393
 *     line 32: 31 NEW JERSEY, geographic 0.0000, imputed floor 1.1687
 *     line 34: 33 NEW YORK, geographic 1.3697
 *     line 96: 13820 Birmingham, AL, geographic 0.8255
 *     line 322: 35084 Newark, NJ, geographic 1.0800
 *     line 325: 35614 New York-Jersey City-White Plains, NY-NJ, geographic 1.2714
 *   mpfs-zip-locality/ZIP5_OCT2025.txt: line 422 AL 35233; line 26150 NY 10001; line 24791 NJ 07102
 *
 * The stay's payment is computed exactly and rounded once, half up, to cents (money.ts).
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 120_000);

function line(n: number, revenueCode: string, charge: string, code?: string): FacilityLine {
  return {
    index: n - 1,
    lineNumber: n,
    revenueCode,
    code,
    modifiers: [],
    units: 1,
    charge: cents(Math.round(Number(charge) * 100)),
    dateOfService: '2026-03-04',
    codeField: `lines[${n - 1}].code`,
  };
}

const LINES = [line(1, '0120', '3000.00'), line(2, '0360', '10000.00', '27447'), line(3, '0250', '7000.00')];
const BIRMINGHAM: Facility = { zip: '35233', cbsa: '13820' };
const NEW_YORK: Facility = { zip: '10001', cbsa: '35614' };

function stay(over: Partial<FacilityBill>): FacilityBill {
  return {
    billType: 'inpatient',
    jurisdiction: 'US-MEDICARE',
    typeOfBill: '0111',
    facility: BIRMINGHAM,
    admissionDate: '2026-03-02',
    dischargeDate: '2026-03-04',
    dischargeStatus: '01',
    drg: '470',
    diagnoses: [],
    lines: LINES,
    ...over,
  };
}

const total = (p: ReturnType<typeof priceInpatientMedicare>) =>
  formatCents(cents(p.lines.reduce((n, l) => n + (l.amount as number), 0)));

describe('IPPS: the same stay (MS-DRG 470) in two CBSAs', () => {
  it('Birmingham (wage index 0.8255, at or below 1): table 3, 62% labor share', () => {
    // Birmingham's geographic 0.8255 (line 96) is above Alabama's rural 0.7393 (line 2): no floor.
    // tab3 (line 14): 4186.62 × 0.8255 = 3456.054810; + 2565.99 = 6022.044810
    // × 1.9289 (line 384) = 6022.04481 + 5419.840329 + 120.4408962 + 48.17635848 + 5.419840329
    //   = 11615.922234009 → $11,615.92
    const priced = priceInpatientMedicare(index, stay({}));
    expect(total(priced)).toBe('11615.92');
    expect(priced.lines[0]?.wageIndex).toMatchObject({ value: '0.8255', cbsa: '13820', basis: 'geographic' });
    expect(priced.claimSteps.find((s) => s.step === 'ipps-standardized-amount')?.source?.line).toBe(14);
    // Split by charge 3,000 / 10,000 / 7,000 of 20,000 (our split): 1,161,592 cents × 0.15 =
    // 174,238.8; × 0.5 = 580,796; × 0.35 = 406,557.2 → whole cents 1,161,591, the last cent to the
    // largest remainder (0.8, line 1).
    expect(priced.lines.map((l) => formatCents(l.amount))).toEqual(['1742.39', '5807.96', '4065.57']);
    expect(priced.lines.every((l) => l.kind === 'paid' && l.method === 'ipps' && l.indicator === 'DRG')).toBe(
      true,
    );
    expect(priced.lines[0]?.notices.join(' ')).toMatch(/split is ours, not CMS/);
    expect(priced.editions).toEqual(['ipps-drg/FY2026', 'ipps-rates/FY2026', 'ipps-wage-index/FY2026']);
  });

  it('New York (geographic 1.2714 below the state rural 1.3697): rural floor, table 1, 66% labor share', () => {
    // 35614's geographic 1.2714 (line 325) < New York rural 1.3697 (line 34): the rural floor.
    // tab1 (line 2): 4456.72 × 1.3697 = 4456.72 + 1337.016 + 267.4032 + 40.11048 + 3.119704
    //   = 6104.369384; + 2295.89 = 8400.259384
    // × 1.9289 = 15960.4928296 + 242.7674962 = 16203.2603258 → $16,203.26
    const priced = priceInpatientMedicare(index, stay({ facility: NEW_YORK }));
    expect(total(priced)).toBe('16203.26');
    expect(priced.lines[0]?.wageIndex).toMatchObject({ value: '1.3697', cbsa: '33', basis: 'rural-floor' });
    expect(priced.lines[0]?.wageIndex?.why).toMatch(/Balanced Budget Act of 1997/);
  });

  it('Newark (all-urban New Jersey): the imputed floor 1.1687', () => {
    // 35084 geographic 1.0800 (line 322) < New Jersey's imputed floor 1.1687 (line 32).
    // tab1: 4456.72 × 0.1687 = 445.672 (0.1) + 267.4032 (0.06) + 35.65376 (0.008) + 3.119704 (0.0007)
    //   = 751.848664; 4456.72 × 1.1687 = 5208.568664; + 2295.89 = 7504.458664
    // × 1.9289 = 14258.4714616 (× 1.9) + 216.8788554 (× 0.0289) = 14475.350317 → $14,475.35
    const priced = priceInpatientMedicare(index, stay({ facility: { zip: '07102', cbsa: '35084' } }));
    expect(total(priced)).toBe('14475.35');
    expect(priced.lines[0]?.wageIndex).toMatchObject({ value: '1.1687', basis: 'imputed-floor' });
  });
});

describe('IPPS: reclassification named on the bill', () => {
  it('a Phoenix hospital reclassified to 35614 is paid on that area’s reclassified value 1.2345', () => {
    // 35614 reclassifiedWageIndex 1.2345 (line 325) > 1: tab1 (line 2).
    // 4456.72 × 0.2345 = 445.672 + 445.672 + 133.7016 + 17.82688 + 2.22836 = 1045.10084;
    // 4456.72 × 1.2345 = 5501.82084; + 2295.89 = 7797.71084;
    // × 1.9289 = 14815.650596 (× 1.9) + 225.353843 (× 0.0289) = 15041.004439 → $15,041.00
    const priced = priceInpatientMedicare(
      index,
      stay({ facility: { zip: '85004', cbsa: '38060', reclassifiedCbsa: '35614' } }),
    );
    expect(total(priced)).toBe('15041.00');
    expect(priced.lines[0]?.wageIndex).toMatchObject({
      value: '1.2345',
      cbsa: '35614',
      basis: 'reclassified',
    });
  });
});

describe('IPPS: transfers (42 CFR 412.4)', () => {
  it('post-acute transfer (status 03, SNF) of a post-acute DRG: per diem × (days + 1)', () => {
    // 956 (line 753): full = 3.7630 × 6022.04481 (Birmingham, above) = 22660.95462003;
    // 2 days (03-02 to 03-04); per diem = 22660.95462003 / 5.9 = 3840.839766; × 3 = 11522.519298
    // → $11,522.52, below the full payment.
    const priced = priceInpatientMedicare(index, stay({ drg: '956', dischargeStatus: '03' }));
    expect(total(priced)).toBe('11522.52');
    expect(priced.lines[0]?.reason?.internalCode).toBe('IPPS-TRANSFER');
    expect(priced.claimSteps.find((s) => s.step === 'ipps-transfer')?.regulation?.citation).toMatch(/412\.4/);
  });

  it('special payment DRG (521) to a rehabilitation facility (62): 50% of full + 50% of the per diem amount', () => {
    // 521 (line 431): full = 2.8702 × 6022.04481 = 17284.473014; per diem = 17284.473014 / 6.0
    // = 2880.745502; × 3 = 8642.236507; half of it 4321.118253 + half the full 8642.236507
    // = 12963.354760 → $12,963.35
    const priced = priceInpatientMedicare(index, stay({ drg: '521', dischargeStatus: '62' }));
    expect(total(priced)).toBe('12963.35');
  });

  it('acute transfer (02) pays the per diem for any DRG; a post-acute status on an unflagged DRG pays in full', () => {
    // 957 (line 754), New York: full = 7.6199 × 8400.259384 = 64009.136480; 3 days (03-01 to
    // 03-04); per diem = 64009.136480 / 10.1 = 6337.538265; × 4 = 25350.153061 → $25,350.15
    const acute = priceInpatientMedicare(
      index,
      stay({ drg: '957', facility: NEW_YORK, admissionDate: '2026-03-01', dischargeStatus: '02' }),
    );
    expect(total(acute)).toBe('25350.15');
    const full = priceInpatientMedicare(
      index,
      stay({ drg: '957', facility: NEW_YORK, admissionDate: '2026-03-01', dischargeStatus: '03' }),
    );
    // 64009.136480 → $64,009.14, the full payment.
    expect(total(full)).toBe('64009.14');
    expect(full.notices.join(' ')).toMatch(/not a post-acute transfer DRG/);
  });

  it('a transfer that reaches the full payment is capped there (470, GMLOS 1.9, 2 days)', () => {
    // per diem × 3 = 11615.922234 / 1.9 × 3 > 11615.922234: capped at $11,615.92, no reduction.
    const priced = priceInpatientMedicare(index, stay({ dischargeStatus: '03' }));
    expect(total(priced)).toBe('11615.92');
    expect(priced.lines[0]?.reason).toBeUndefined();
  });
});

describe('IPPS: what is not priced, and what is named', () => {
  it('a FY2025 discharge is unpriced: no FY2025 MS-DRG weights are held, and FY2026 weights are not used', () => {
    const priced = priceInpatientMedicare(
      index,
      stay({ admissionDate: '2025-06-08', dischargeDate: '2025-06-10' }),
    );
    expect(priced.lines.every((l) => l.kind === 'unpriced' && l.amount === 0)).toBe(true);
    expect(priced.lines[0]?.unpriced).toMatchObject({ code: 'NO-EDITION' });
    expect(priced.lines[0]?.unpriced?.message).toMatch(/FY2025 MS-DRG weights \(held: FY2026\)/);
  });

  it('a FY2027 discharge is unpriced: the pricer’s FY2027 wage index is a carry-forward and not held', () => {
    const priced = priceInpatientMedicare(
      index,
      stay({ admissionDate: '2026-10-02', dischargeDate: '2026-10-05' }),
    );
    expect(priced.lines[0]?.unpriced?.message).toMatch(/FY2027/);
    expect(index.editionById('ipps-wage-index/FY2026')?.notes.join(' ')).toMatch(
      /cbsa-wage-index-2027\.csv.*not imported/,
    );
  });

  it('a stay without a CBSA is unpriced and says why', () => {
    const priced = priceInpatientMedicare(index, stay({ facility: { zip: '35233' } }));
    expect(priced.lines[0]?.unpriced).toMatchObject({ code: 'NO-LOCALITY' });
    expect(priced.lines[0]?.unpriced?.message).toMatch(/no ZIP-to-CBSA crosswalk/);
  });

  it('names what the operating payment leaves out, how sure the FY2026 amounts are, and that we do not group', () => {
    const priced = priceInpatientMedicare(index, stay({}));
    const said = priced.notices.join(' ');
    expect(said).toMatch(/We do not group: MS-DRG 470 is the bill's/);
    expect(said).toMatch(/capital payment/);
    expect(said).toMatch(/412\.105/);
    expect(said).toMatch(/No cost-to-charge ratio/);
    expect(said).toMatch(/ratex-2027/);
    expect(said).toMatch(/\$6,752\.61/);
    expect(said).toMatch(/Table 1A–1D itself .* was not read/);
    const withRatio = priceInpatientMedicare(
      index,
      stay({ facility: { ...BIRMINGHAM, costToChargeRatio: '0.25' } }),
    );
    expect(withRatio.notices.join(' ')).toMatch(/\$40,397/);
  });

  it('a line without a charge is paid within the stay', () => {
    const priced = priceInpatientMedicare(index, stay({ lines: [...LINES, line(4, '0270', '0.00')] }));
    expect(priced.lines[3]).toMatchObject({ kind: 'packaged', amount: 0, packagedInto: 1 });
    expect(priced.lines[3]?.reason?.internalCode).toBe('IPPS-IN-STAY');
    expect(total(priced)).toBe('11615.92');
  });
});
