import { beforeAll, describe, expect, it } from 'vitest';
import { oppsRate, priceOutpatientMedicare } from '../../lambdas/engine/facility/opps.js';
import type {
  Facility,
  FacilityBill,
  FacilityLine,
  FacilityPricing,
} from '../../lambdas/engine/facility/types.js';
import { cents } from '../../lambdas/engine/money.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * Hospital outpatient claims priced on the Medicare OPPS from the official files in
 * ../shared/reference-data/facility/opps (SOURCES.md § 11a, 11e). Date of service 2025-03-04.
 *
 * OPPS_Addendum_B_2025_January_derived.csv (HCPCS, SI, APC, payment rate):
 *   line 3064  27447  J1  5115  12866.82      line 3526  29881  J1  5113  3244.61
 *   line 3527  29882  J1  5113  3244.61       line 1935  20610  T   5441  295.19
 *   line 7211  64483  T   5443  890.29        line 7932  73562  Q1  5521  88.05
 *   line 10942 96372  Q1  5692  71.17         line 14276 G0463  J2  5012  128.87
 *   line 15550 J1100  N                       line 4636  36415  Q4
 *   line 8423  80053  Q4                      line 11012 97110  A
 *   line 2251  22558  C                       line 2     0001F  E1
 *   line 15738 J2002  K   0795  0.003 (per unit)
 * cms-pricer/apc-rate-2025.csv (APC, SI, effective, rate):
 *   line 463 05115 J1 20250101 012866.82   line 462 05114 J1 20250101 007143.73
 *   line 528 05443 T  20250101 000890.29   line 526 05441 T  20250101 000295.19
 *   line 546 05521 S  20250101 000088.05   line 431 05012 V  20250101 000128.87
 *   line 573 05692 S  20250101 000071.17
 * CY2025_FinalRule_Addendum_D1_status_indicators.10242024.txt: Q1 is packaged "if billed on the same
 * claim" as an S, T or V service; Q2 with a T; Q4 with J1, J2, S, T, V, Q1, Q2 or Q3, else CLFS.
 * CY2025_FinalRule_Addendum_J_CAPC_complexity_adjustments.11132024.txt line 131:
 *   29882 J1 5113 + 29881 J1 5113 → 2988B, APC 5114.
 * cms-pricer/cbsa-wage-index-2025.csv (cbsa, geographic, reclassified, imputed floor):
 *   line 347 38060 1.0163 0.9969 0.0000 Phoenix-Mesa-Chandler AZ
 *   line 4   03    1.1097 0.9976 0.0000 ARIZONA (rural)
 * The Phoenix hospital (ZIP 85004, AZ in ZIP5_OCT2025.txt line 1862) is paid on Arizona's rural
 * floor, 1.1097 > 1.0163 (BBA 1997 § 4410). Its wage factor is 0.60 × 1.1097 + 0.40 = 1.06582
 * (42 CFR § 419.43(c)); every amount below is rate × 1.06582 (× the discount), rounded half up
 * to the cent once.
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 120_000);

const PHOENIX: Facility = { zip: '85004', cbsa: '38060' };

function lines(specs: readonly (string | Partial<FacilityLine>)[]): FacilityLine[] {
  return specs.map((spec, i) => ({
    index: i,
    lineNumber: i + 1,
    revenueCode: '0360',
    code: undefined,
    modifiers: [],
    units: 1,
    charge: cents(100_000_00),
    dateOfService: '2025-03-04',
    codeField: `lines[${i}].procedureCode`,
    ...(typeof spec === 'string' ? { code: spec } : spec),
  }));
}

function price(
  specs: readonly (string | Partial<FacilityLine>)[],
  facility: Facility = PHOENIX,
): FacilityPricing {
  const bill: FacilityBill = {
    billType: 'outpatient',
    jurisdiction: 'US-MEDICARE',
    facility,
    diagnoses: [],
    lines: lines(specs),
  };
  return priceOutpatientMedicare(index, bill);
}

describe('priceOutpatientMedicare: comprehensive APC (J1)', () => {
  it('pays the J1 procedure once and packages the rest of the claim into it', () => {
    const priced = price(['27447', 'J1100', '96372', '36415', '97110']);
    const [knee, drug, injection, lab, therapy] = priced.lines;
    // 12866.82 × 1.06582 = 13713.7140924 → 13713.71
    expect(knee).toMatchObject({
      kind: 'paid',
      amount: 1371371,
      indicator: 'J1',
      apc: '5115',
      method: 'opps',
    });
    expect(knee?.wageIndex).toMatchObject({ value: '1.1097', basis: 'rural-floor', cbsa: '03' });
    expect(knee?.steps.find((s) => s.step === 'status-indicator')?.source).toEqual({
      file: 'OPPS_Addendum_B_2025_January_derived.csv',
      line: 3064,
      edition: 'opps-addendum-b/2025',
    });
    expect(knee?.steps.find((s) => s.step === 'opps-rate')?.source?.line).toBe(463);
    for (const line of [drug, injection, lab, therapy]) {
      expect(line).toMatchObject({ kind: 'packaged', amount: 0, packagedInto: 1 });
      expect(line?.reason?.internalCode).toBe('OPPS-PACKAGED');
    }
    expect(priced.claimSteps[0]?.text).toContain('line 1 (27447, APC 5115)');
  });

  it('moves the payment to the complexity-adjusted APC when an Addendum J pair is on the claim', () => {
    // Addendum J line 131: 29882 + 29881 → APC 5114, 7143.73 × 1.06582 = 7613.9303086 → 7613.93
    const priced = price(['29881', '29882']);
    const paid = priced.lines.filter((l) => l.kind === 'paid');
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ amount: 761393, apc: '5114' });
    expect(priced.lines.find((l) => l.kind === 'packaged')?.packagedInto).toBe(
      paid[0] === priced.lines[0] ? 1 : 2,
    );
    const step = paid[0]?.steps.find((s) => s.step === 'complexity-adjustment');
    expect(step?.source?.line).toBe(131);
  });
});

describe('priceOutpatientMedicare: status indicator T', () => {
  it('pays the highest-paying T procedure in full and the other at 50%', () => {
    const priced = price(['20610', '64483', 'J1100']);
    // 64483: 890.29 × 1.06582 = 948.8888878 → 948.89
    expect(priced.lines[1]).toMatchObject({ kind: 'paid', amount: 94889, apc: '5443' });
    // 20610: 295.19 × 1.06582 × 0.50 = 157.3097029 → 157.31
    expect(priced.lines[0]).toMatchObject({ kind: 'paid', amount: 15731, apc: '5441' });
    expect(priced.lines[0]?.reason?.internalCode).toBe('OPPS-MULTIPLE-PROCEDURE');
    // J1100 (N) is packaged into the highest-paying line of the date.
    expect(priced.lines[2]).toMatchObject({ kind: 'packaged', packagedInto: 2 });
  });

  it('pays a procedure discontinued before anesthesia (73) at 50%, and one discontinued after it (74) in full', () => {
    // 890.29 × 1.06582 × 0.50 = 474.44444390 → 474.44
    const discontinued = price([{ code: '64483', modifiers: ['73'] }]);
    expect(discontinued.lines[0]).toMatchObject({ kind: 'paid', amount: 47444 });
    expect(discontinued.lines[0]?.reason?.internalCode).toBe('OPPS-DISCONTINUED');
    expect(price([{ code: '64483', modifiers: ['74'] }]).lines[0]).toMatchObject({ amount: 94889 });
  });

  it('pays a terminated procedure once whatever its units, and at T × D (25%) when it is not the highest', () => {
    // IOCE discounting formulas 3 (T/U) and 6 (TD/U), per unit: the line pays T or T × D in all.
    expect(price([{ code: '64483', modifiers: ['73'], units: 2 }]).lines[0]).toMatchObject({ amount: 47444 });
    // 20610-73 after 64483: 295.19 × 1.06582 × 0.25 = 78.65485145 → 78.65
    const priced = price(['64483', { code: '20610', modifiers: ['73'] }]);
    expect(priced.lines[0]).toMatchObject({ amount: 94889 });
    expect(priced.lines[1]).toMatchObject({ amount: 7865 });
  });
});

describe('priceOutpatientMedicare: conditional packaging', () => {
  it('packages a Q1 line when a J2 (paid as V), S, T or V service is on the same claim, even on another date', () => {
    const priced = price(['73562', { code: 'G0463', dateOfService: '2025-03-05' }]);
    expect(priced.lines[0]).toMatchObject({ kind: 'packaged', indicator: 'Q1', packagedInto: 2 });
    // G0463 (J2, APC 5012 V): 128.87 × 1.06582 = 137.3522234 → 137.35
    expect(priced.lines[1]).toMatchObject({ kind: 'paid', amount: 13735 });
  });

  it('pays Q1 lines at their APCs when no S, T or V service is on the claim', () => {
    // 73562: APC 5521, 88.05 × 1.06582 = 93.8454510 → 93.85
    // 96372: APC 5692 (apc-rate-2025.csv line 573: 000071.17), 71.17 × 1.06582 = 75.8544094 → 75.85
    const priced = price(['73562', '96372']);
    expect(priced.lines[0]).toMatchObject({ kind: 'paid', amount: 9385, apc: '5521', indicator: 'Q1' });
    expect(priced.lines[1]).toMatchObject({ kind: 'paid', amount: 7585, apc: '5692', indicator: 'Q1' });
  });

  it('pays laboratory tests (Q4) on the clinical laboratory fee schedule when only lab is billed', () => {
    // CLFS_2025_Q4V1.csv line 557: 36415 rate 00009.09; line 566: 80053 rate 00010.56.
    const priced = price(['36415', '80053']);
    expect(priced.lines[0]).toMatchObject({ kind: 'paid', method: 'clfs', amount: 909 });
    expect(priced.lines[1]).toMatchObject({ kind: 'paid', method: 'clfs', amount: 1056 });
    expect(priced.lines[0]?.steps.find((s) => s.step === 'clfs')?.source?.line).toBe(557);
  });

  it('packages a Q4 laboratory test when the claim has an APC-paid service', () => {
    const priced = price(['36415', '73562']);
    expect(priced.lines[0]).toMatchObject({ kind: 'packaged', packagedInto: 2 });
    expect(priced.lines[1]).toMatchObject({ kind: 'paid', amount: 9385 });
  });
});

describe('priceOutpatientMedicare: other schedules and lines that pay nothing', () => {
  it('pays therapy (status A) on the physician fee schedule, non-facility, at the hospital ZIP', () => {
    // PPRRVU2025_Oct.csv line 12655: 97110 work 0.45, non-facility PE 0.43, MP 0.01, CF 32.3465;
    // GPCI2025.csv line 6: 03102 00 ARIZONA 1, 0.975, 0.854.
    // (0.45 × 1 + 0.43 × 0.975 + 0.01 × 0.854) × 32.3465 = 0.87779 × 32.3465 = 28.393434… → 28.39
    const priced = price([{ code: '97110', revenueCode: '0420', modifiers: ['GP'] }]);
    expect(priced.lines[0]).toMatchObject({ kind: 'paid', method: 'rbrvs', amount: 2839, indicator: 'A' });
  });

  it('does not pay an inpatient-only procedure (C) or a non-covered code (E1)', () => {
    const priced = price(['22558', '0001F']);
    expect(priced.lines[0]).toMatchObject({ kind: 'not-payable', amount: 0, indicator: 'C' });
    expect(priced.lines[0]?.reason?.internalCode).toBe('OPPS-INPATIENT-ONLY');
    expect(priced.lines[1]).toMatchObject({ kind: 'not-payable', indicator: 'E1' });
    expect(priced.lines[1]?.reason?.internalCode).toBe('OPPS-NOT-PAYABLE');
  });

  it('pays a drug (K) per unit at its Addendum B rate without wage adjustment', () => {
    // J2002: 0.003 × 1000 units = 3.00
    const priced = price([{ code: 'J2002', units: 1000 }, '96372']);
    expect(priced.lines[0]).toMatchObject({
      kind: 'paid',
      amount: 300,
      indicator: 'K',
      wageIndex: undefined,
    });
  });
});

describe('priceOutpatientMedicare: what it will not guess', () => {
  it('leaves APC lines unpriced when the bill names no CBSA, and says to send facility.cbsa', () => {
    const priced = price(['G0463'], { zip: '85004' });
    expect(priced.lines[0]?.kind).toBe('unpriced');
    expect(priced.lines[0]?.unpriced?.message).toContain('facility.cbsa');
  });

  it('does not lend 2025 assignments to a 2026 date of service (no CY2026 Addendum B is held)', () => {
    const priced = price([{ code: 'G0463', dateOfService: '2026-02-02' }]);
    expect(priced.lines[0]).toMatchObject({ kind: 'unpriced' });
    expect(priced.lines[0]?.unpriced?.code).toBe('NO-EDITION');
  });

  it('says there is no outlier payment without a cost-to-charge ratio', () => {
    expect(price(['G0463']).notices.join(' ')).toContain('without outlier payments');
  });
});

describe('priceOutpatientMedicare: which wage index', () => {
  it('applies the imputed floor of an all-urban state (New Jersey)', () => {
    // cbsa-wage-index-2025.csv line 322: 35084 Newark NJ 1.0873; line 32: 31 NEW JERSEY imputed 1.1548.
    // 128.87 × (0.60 × 1.1548 + 0.40) = 140.8394456 → 140.84
    const priced = price(['G0463'], { zip: '07102', cbsa: '35084' });
    expect(priced.lines[0]).toMatchObject({ amount: 14084 });
    expect(priced.lines[0]?.wageIndex).toMatchObject({ value: '1.1548', basis: 'imputed-floor' });
  });

  it('applies a reclassification the bill names', () => {
    // line 325: 35614 New York-Jersey City-White Plains, reclassified 1.2657 (> Arizona's floor 1.1097).
    // 128.87 × (0.60 × 1.2657 + 0.40) = 149.4144554 → 149.41
    const priced = price(['G0463'], { ...PHOENIX, reclassifiedCbsa: '35614' });
    expect(priced.lines[0]).toMatchObject({ amount: 14941 });
    expect(priced.lines[0]?.wageIndex).toMatchObject({
      value: '1.2657',
      basis: 'reclassified',
      cbsa: '35614',
    });
  });

  it('applies the rural floor of California to Anaheim', () => {
    // line 69: 11244 Anaheim 1.1852; line 6: 05 CALIFORNIA 1.4510.
    // 128.87 × (0.60 × 1.4510 + 0.40) = 163.742222 → 163.74
    const priced = price(['G0463'], { zip: '92801', cbsa: '11244' });
    expect(priced.lines[0]).toMatchObject({ amount: 16374 });
    expect(priced.lines[0]?.wageIndex?.basis).toBe('rural-floor');
  });
});

describe('oppsRate', () => {
  it('answers the national rate and the wage-adjusted rate of a CBSA', () => {
    const rate = oppsRate(index, 'G0463', '2025-03-04', '38060');
    expect(rate).toMatchObject({ indicator: 'J2', apc: '5012', nationalRate: '128.87' });
    expect(rate?.wageAdjusted?.amount).toBe('137.35');
  });

  it('has no rate for a packaged code, and nothing for a code no edition lists', () => {
    expect(oppsRate(index, 'J1100', '2025-03-04', undefined)?.nationalRate).toBeNull();
    expect(oppsRate(index, 'G0463', '2026-03-04', undefined)).toBeUndefined();
  });
});
