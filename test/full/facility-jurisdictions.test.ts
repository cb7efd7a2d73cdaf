import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseFacilityBill } from '../../lambdas/engine/bill/normalise-facility.js';
import { priceFacilityBill } from '../../lambdas/engine/facility/price-facility-bill.js';
import type { PricedBill } from '../../lambdas/engine/priced-bill.js';
import { PricedBillSchema } from '../../lambdas/engine/priced-bill-schema.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * Facility bills of each kind of jurisdiction method (issue 16), normalised and priced on the full
 * national index as POST /v1/bills/price prices them. Every amount is worked by hand from these
 * rows of ../shared/reference-data (physical lines) and the jurisdiction file's factor:
 *
 * facility/opps/OPPS_Addendum_B_2025_January_derived.csv:
 *   line 1935: 20610, SI T, APC 5441, payment rate 295.19     line 4636: 36415, SI Q4
 *   line 11012: 97110, SI A (paid on another fee schedule)
 * facility/opps/cms-pricer/apc-rate-2025.csv line 526: 05441 T 20250101 000295.19
 * facility/opps/cms-pricer/cbsa-wage-index-2025.csv (cbsa, date, geographic, reclassified, imputed):
 *   line 125: 16740 Charlotte NC-SC 0.9185   line 35: 34 NORTH CAROLINA (rural) 0.8928
 *   line 282: 31084 Los Angeles CA 1.2423    line 6:  05 CALIFORNIA (rural) 1.4510
 *   line 70:  11260 Anchorage AK 1.1164      line 3:  02 ALASKA (rural) 1.0365
 * OPPS wage factor (42 CFR § 419.43(c), 60% labor share): 0.60 × WI + 0.40, the amount rounded
 * half up to cents once; a state's factor multiplies that Medicare amount and is rounded once.
 *
 * facility/asc/ASC_Addendum_AA_2026Q1_Jan.csv line 2218: 29881, A2, weight 29.2047, rate 1644.87
 * facility/asc/ASC_Addendum_BB_2026Q1_Jan.csv line 887: C1713, N1 (packaged, no rate)
 * facility/asc/ASC_wage_index_CY2026.csv line 224: 26420 Houston-Pasadena-The Woodlands TX 0.9729
 * ASC wage factor (42 CFR § 416.172(c), 50% labor share): 0.50 × WI + 0.50.
 *
 * facility/ipps/drgstable-2026_FY2026_MSDRG_weights.csv line 384: 470, weight 1.9289
 * facility/ipps/ratex-2027_FY2027_IPPS_standardized_amounts.csv (read as FY2026):
 *   line 14: tab3,nat,1,04186.62,2565.99 (wage index ≤ 1: 62% labor share)
 * facility/ipps/cms-pricer/cbsa-wage-index-2026.csv:
 *   line 142: 18140 Columbus OH 0.9063        line 37: 36 OHIO (rural) 0.8767
 *   line 96:  13820 Birmingham AL 0.8255      line 2:  01 ALABAMA (rural) 0.7393
 *
 * state-wc/GA/csv/Surgery.csv line 5353: 64483, APC 5443, OP MAR 2241.3, SI T
 * state-wc/GA/csv/Inpatient_Hospital.csv line 378: MS-DRG 470, FEE 18260.66
 *
 * Jurisdiction files (fee-data/jurisdictions): NC outpatient 2.00 (04 NCAC 10J .0103(c)(3)); TX ASC
 * 2.35 (28 TAC §134.402(f)(1)); CA ASC basis opps, surgery 1.22 (8 CCR § 9789.33(a)), lines as
 * 8 CCR § 9789.32(a) defines them; OH inpatient 1.181 (Ohio Adm. Code 4123-6-37.1(A)(1)(a)); FL
 * inpatient unsupported (per diem, Rule 69L-7.501, F.A.C.); GA state tables; AK medicare-fallback.
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 120_000);

function price(bill: Record<string, unknown>): PricedBill {
  const priced = priceFacilityBill(index, normaliseFacilityBill(bill));
  // Every answer is one the strict answer schema (and so /openapi.json) describes.
  expect(v.safeParse(PricedBillSchema, JSON.parse(JSON.stringify(priced))).issues).toBeUndefined();
  return priced;
}

const outpatient = (jurisdiction: string, cbsa: string, zip: string, lines: Record<string, unknown>[]) =>
  price({
    jurisdiction,
    billType: 'outpatient',
    typeOfBill: '0131',
    facility: { npi: '1234567893', zip, cbsa },
    lines: lines.map((l) => ({ dateOfService: '2025-03-04', ...l })),
  });

const stay = (jurisdiction: string, cbsa: string, zip: string, dischargeDate = '2026-03-04') =>
  price({
    jurisdiction,
    billType: 'inpatient',
    typeOfBill: '0111',
    facility: { npi: '1234567893', zip, cbsa },
    admissionDate: '2026-03-02',
    dischargeDate,
    dischargeStatus: '01',
    drg: '470',
    lines: [
      { revenueCode: '0120', units: 2, charge: '3000.00' },
      { revenueCode: '0360', code: '27447', dateOfService: '2026-03-02', charge: '10000.00' },
    ],
  });

describe('North Carolina outpatient: 2.00 × OPPS (04 NCAC 10J .0103(c)(3))', () => {
  it('pays the T procedure at 200% of its wage-adjusted APC rate and packages the Q4 lab', () => {
    const priced = outpatient('NC', '16740', '28204', [
      { revenueCode: '0450', code: '20610', charge: '2000.00' },
      { revenueCode: '0300', code: '36415', charge: '30.00' },
    ]);
    // Charlotte 0.9185 (line 125) is above North Carolina's rural 0.8928 (line 35): no floor.
    // 0.60 × 0.9185 + 0.40 = 0.9511; 295.19 × 0.9511 = 280.755209 → 280.76 (Medicare);
    // × 2.00 = 561.52.
    const [joint, lab] = priced.lines;
    expect(priced.jurisdiction.method).toBe('percent-of-medicare');
    expect(joint?.facility).toMatchObject({ indicator: 'T', apc: '5441', wageIndex: { value: '0.9185' } });
    expect(joint?.facility?.factor).toMatchObject({
      value: '2.00',
      category: 'all',
      edition: 'NC-OPPS-2025',
    });
    expect(joint?.facility?.factor?.source.citation).toMatch(/04 NCAC 10J \.0103/);
    expect(joint?.explanation.find((s) => s.step === 'state-factor')?.inputs).toMatchObject({
      medicareAmount: '280.76',
    });
    expect(joint?.allowed).toBe('561.52');
    // Q4 with a T on the claim (Addendum D1): packaged, nothing of its own.
    expect(lab).toMatchObject({ status: 'denied', allowed: '0.00' });
    expect(priced.totals).toMatchObject({ billed: '2030.00', allowed: '561.52', unpricedLines: 0 });
  });
});

describe('Texas ASC: 2.35 × the Medicare ASC rate (28 TAC §134.402(f)(1)), implants flagged', () => {
  it('pays the A2 procedure at 235% and flags the implant line under the implantables carve-out', () => {
    const priced = price({
      jurisdiction: 'TX',
      billType: 'asc',
      typeOfBill: '0831',
      facility: { npi: '1234567893', zip: '77030', cbsa: '26420' },
      lines: [
        { revenueCode: '0490', code: '29881', dateOfService: '2026-02-10', charge: '9000.00' },
        { revenueCode: '0278', code: 'C1713', dateOfService: '2026-02-10', charge: '900.00' },
      ],
    });
    // Houston 0.9729 (ASC wage index line 224): 0.50 × 0.9729 + 0.50 = 0.98645;
    // 1644.87 × 0.98645 = 1622.5820115 → 1622.58 (Medicare); × 2.35 = 3813.063 → 3813.06.
    const [knee, implant] = priced.lines;
    expect(knee?.facility).toMatchObject({ method: 'asc', indicator: 'A2' });
    expect(knee?.facility?.factor).toMatchObject({ value: '2.35', category: 'all', edition: 'TX-ASC-2026' });
    expect(knee?.allowed).toBe('3813.06');
    // The 153% of the implants-carved-out category needs a request for separate payment the bill
    // cannot make: not applied, and the line says so.
    expect(knee?.notices.join(' ')).toMatch(/implants-carved-out factor 1\.53 .* is not applied/);
    // C1713 is N1 (BB line 887) and reported under revenue code 0278: packaged as the method
    // says, and flagged under Texas's implantables carve-out with its source.
    expect(implant).toMatchObject({ status: 'denied', allowed: '0.00' });
    expect(implant?.notices.join(' ')).toMatch(
      /Flagged for review: line 2 reports an item of Texas's implantables carve-out \(Texas DWC, Ambulatory surgical center fee guideline FAQ/,
    );
    expect(priced.totals.allowed).toBe('3813.06');
  });
});

describe("California ASC: on the OPPS (the file's basis) × 1.22 for surgery (8 CCR § 9789.33(a))", () => {
  it('pays the surgical line at 122% of its OPPS amount and leaves the therapy line to the schedule that pays it', () => {
    const priced = price({
      jurisdiction: 'CA',
      billType: 'asc',
      typeOfBill: '0831',
      facility: { npi: '1234567893', zip: '90012', cbsa: '31084' },
      lines: [
        { revenueCode: '0490', code: '20610', dateOfService: '2025-03-04', charge: '2000.00' },
        { revenueCode: '0420', code: '97110', dateOfService: '2025-03-04', charge: '200.00' },
      ],
    });
    // Priced by the OPPS, not Medicare's ASC rates. Los Angeles 1.2423 (line 282) is below
    // California's rural 1.4510 (line 6): the rural floor pays 1.4510. 0.60 × 1.4510 + 0.40 =
    // 1.2706; 295.19 × 1.2706 = 375.068414 → 375.07 (Medicare); × 1.22 = 457.5854 → 457.59.
    const [joint, therapy] = priced.lines;
    expect(joint?.facility).toMatchObject({ method: 'opps', indicator: 'T', apc: '5441' });
    expect(joint?.facility?.wageIndex).toMatchObject({ value: '1.4510', basis: 'rural-floor' });
    expect(joint?.facility?.factor).toMatchObject({
      value: '1.22',
      category: 'surgery',
      edition: 'CA-ASC-2025',
    });
    expect(joint?.allowed).toBe('457.59');
    // 97110 is neither a surgical procedure (CPT 10021-69990) nor an emergency visit (99281-99285)
    // nor an item integral to them (§ 9789.32(a)): California does not pay it on this schedule.
    expect(therapy?.status).toBe('unpriced');
    expect(therapy?.unpriced?.message).toMatch(/California \(CA\) pays ambulatory surgery centre lines/);
    expect(therapy?.unpriced?.message).toMatch(/8 CCR § 9789\.32\(a\)/);
    expect(priced.totals).toMatchObject({ allowed: '457.59', unpricedBilled: '200.00' });
  });
});

describe('Ohio inpatient: 1.181 × IPPS (Ohio Adm. Code 4123-6-37.1(A)(1)(a))', () => {
  it('pays the stay at 118.1% of its MS-DRG payment, the factor of the edition in force at discharge', () => {
    const priced = stay('OH', '18140', '43215');
    // Columbus 0.9063 (line 142) is above Ohio's rural 0.8767 (line 37); ≤ 1: tab3 (line 14).
    // 4186.62 × 0.9063 = 3794.333706; + 2565.99 = 6360.323706; × 1.9289 (line 384)
    //   = 12268.4283965034 → 12268.43 (Medicare, the stay).
    // The method puts it on the lines by charge, 3,000 and 10,000 of 13,000: 1,226,843 cents
    // × 3/13 = 283,117.615…, × 10/13 = 943,725.384…; the last cent to the larger remainder:
    // 2831.18 and 9437.25. Each × 1.181, rounded once: 3343.62358 → 3343.62 and
    // 11145.39225 → 11145.39, 14489.01 together; but Ohio pays 1.181 × the stay's payment,
    // 1.181 × 12268.43 = 14489.01583 → 14489.02, rounded once. The cent between them goes to the
    // lines by largest remainder over their amounts (334,362 and 1,114,539 of 1,448,901: 0.23 and
    // 0.77 of a cent), so the second line takes it: 3343.62 and 11145.40.
    expect(priced.jurisdiction.method).toBe('percent-of-medicare');
    expect(
      priced.lines.map((l) => l.explanation.find((s) => s.step === 'state-factor')?.inputs?.medicareAmount),
    ).toEqual(['2831.18', '9437.25']);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['3343.62', '11145.40']);
    expect(priced.lines[0]?.facility?.factor).toMatchObject({ value: '1.181', edition: 'OH-IPPS-FY2026' });
    expect(priced.totals.allowed).toBe('14489.02');
  });

  it('takes the factor edition by the discharge date, not the line dates', () => {
    // Lines dated 2025-09-30 and a discharge on 2025-10-01: the FY2026 edition (from 2025-10-01).
    const priced = price({
      jurisdiction: 'OH',
      billType: 'inpatient',
      typeOfBill: '0111',
      facility: { npi: '1234567893', zip: '43215', cbsa: '18140' },
      admissionDate: '2025-09-29',
      dischargeDate: '2025-10-01',
      dischargeStatus: '01',
      drg: '470',
      lines: [{ revenueCode: '0360', code: '27447', dateOfService: '2025-09-30', charge: '10000.00' }],
    });
    expect(priced.lines[0]?.facility?.factor?.edition).toBe('OH-IPPS-FY2026');
  });
});

describe('Florida inpatient: unsupported (a per diem, Rule 69L-7.501, F.A.C.)', () => {
  it('leaves every line unpriced, naming what Florida does and the source, never priced on Medicare', () => {
    const priced = stay('FL', '33124', '33101');
    expect(priced.jurisdiction.method).toBe('unsupported');
    expect(priced.lines.map((l) => l.status)).toEqual(['unpriced', 'unpriced']);
    const message = priced.lines[0]?.unpriced?.message ?? '';
    expect(message).toMatch(
      /^Florida \(FL\) does not pay inpatient hospital bills on a multiple of a Medicare method/,
    );
    expect(message).toMatch(/per diem/);
    expect(message).toMatch(/Rule 69L-7\.501, F\.A\.C\..*https:\/\/www\.flrules\.org/);
    expect(priced.totals).toMatchObject({ allowed: '0.00', unpricedBilled: '13000.00' });
    expect(priced.lines.every((l) => l.feeSchedule === null || l.feeSchedule === undefined)).toBe(true);
  });
});

describe("Georgia: the state's own facility tables", () => {
  it('pays an outpatient T procedure at its OP MAR (Surgery.csv line 5353: 64483, 2241.3)', () => {
    const priced = outpatient('GA', '12054', '30303', [
      { revenueCode: '0360', code: '64483', charge: '3000.00' },
    ]);
    expect(priced.jurisdiction.method).toBe('state-table');
    expect(priced.lines[0]).toMatchObject({ status: 'priced', allowed: '2241.30' });
    expect(priced.lines[0]?.facility).toMatchObject({ method: 'state-table', indicator: 'T', apc: '5443' });
  });

  it('pays an inpatient stay its MS-DRG amount (Inpatient_Hospital.csv line 378: 470, 18260.66)', () => {
    const priced = price({
      jurisdiction: 'GA',
      billType: 'inpatient',
      typeOfBill: '0111',
      facility: { npi: '1234567893', zip: '30303', cbsa: '12054' },
      admissionDate: '2025-03-02',
      dischargeDate: '2025-03-04',
      dischargeStatus: '01',
      drg: '470',
      lines: [{ revenueCode: '0120', units: 2, charge: '3000.00' }],
    });
    expect(priced.lines[0]).toMatchObject({ status: 'priced', allowed: '18260.66' });
    expect(priced.totals.allowed).toBe('18260.66');
  });
});

describe('Alaska outpatient: medicare-fallback', () => {
  it('prices on the OPPS with a notice naming what we lack', () => {
    const priced = outpatient('AK', '11260', '99501', [
      { revenueCode: '0450', code: '20610', charge: '2000.00' },
    ]);
    // Anchorage 1.1164 (line 70) is above Alaska's rural 1.0365 (line 3): 0.60 × 1.1164 + 0.40 =
    // 1.06984; 295.19 × 1.06984 = 315.8060696 → 315.81, no factor.
    expect(priced.jurisdiction.method).toBe('medicare-fallback');
    expect(priced.lines[0]).toMatchObject({ status: 'priced', allowed: '315.81' });
    expect(priced.lines[0]?.facility?.factor).toBeNull();
    expect(priced.notices).toContain(
      "Alaska (AK): Alaska's own workers' compensation payment rule for hospital outpatient services is not in a source we read: every line is priced on Medicare's OPPS instead and says so; this hospital outpatient bill is priced on the Medicare Hospital Outpatient Prospective Payment System (OPPS).",
    );
  });
});

describe('US-MEDICARE inpatient', () => {
  it('pays the MS-DRG stay on the IPPS, no factor', () => {
    const priced = stay('US-MEDICARE', '13820', '35233');
    // Birmingham 0.8255 (line 96) above Alabama's rural 0.7393 (line 2); tab3 (line 14):
    // 4186.62 × 0.8255 = 3456.05481; + 2565.99 = 6022.04481; × 1.9289 = 11615.922234009 → 11615.92.
    expect(priced.jurisdiction.method).toBe('medicare');
    expect(priced.totals.allowed).toBe('11615.92');
    expect(priced.lines.every((l) => l.facility?.factor === null && l.facility?.method === 'ipps')).toBe(
      true,
    );
  });
});
