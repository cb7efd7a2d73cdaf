import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../../lambdas/engine/adjustments/reason-codes.js';
import { normaliseFacilityBill } from '../../../lambdas/engine/bill/normalise-facility.js';
import {
  FACILITY_METHODS,
  type FacilityMethods,
  methodReason,
  priceFacilityBill,
} from '../../../lambdas/engine/facility/price-facility-bill.js';
import type { FacilityLinePrice, FacilityPricing } from '../../../lambdas/engine/facility/types.js';
import type { Cents } from '../../../lambdas/engine/money.js';
import { PricedBillSchema } from '../../../lambdas/engine/priced-bill-schema.js';
import type { FeeIndex } from '../../../lambdas/fee-index/reader.js';
import { sampleIndex, sampleIndexWith } from '../../support/fee-index.js';

/*
 * The orchestration of a facility bill, tested with a test double for the method (the real OPPS,
 * ASC and IPPS methods are built and tested in their own branches). The double answers what the
 * method would for each line at the national unadjusted rate of the official CMS row named beside
 * it, so that every expected figure below is worked by hand from that row:
 *
 *   ../shared/reference-data/facility/opps/OPPS_Addendum_B_2025_January_derived.csv (CY2025 OPPS
 *   Addendum B, January 2025), physical lines:
 *     3526: 29881, SI J1, APC 5113, payment rate 3244.61
 *     1935: 20610, SI T,  APC 5441, payment rate 295.19
 *     4636: 36415, SI Q4 (no APC, no rate)
 *    14276: G0463, SI J2, APC 5012, payment rate 128.87
 *
 * Wage adjustment is the method's business (not this test's): the double pays national rates.
 */

const EDITION = 'opps-addendum-b/2025';

function paid(amount: number, indicator: string, apc: string, unitAmount = amount): FacilityLinePrice {
  return {
    kind: 'paid',
    amount: amount as Cents,
    unitAmount: unitAmount as Cents,
    method: 'opps',
    edition: EDITION,
    indicator,
    apc,
    wageIndex: undefined,
    packagedInto: undefined,
    reason: undefined,
    unpriced: undefined,
    steps: [{ step: 'apc-rate', text: `APC ${apc} national unadjusted rate.` }],
    notices: [],
  };
}

function packaged(indicator: string, into: number): FacilityLinePrice {
  return {
    ...paid(0, indicator, ''),
    kind: 'packaged',
    apc: undefined,
    packagedInto: into,
  };
}

/** A method double: the same answer for any bill of the test's line count. */
function methods(lines: FacilityLinePrice[], claimNotices: string[] = []): FacilityMethods {
  const pricing: FacilityPricing = { lines, claimSteps: [], notices: claimNotices, editions: [] };
  return {
    outpatient: () => pricing,
    asc: () => pricing,
    inpatient: () => pricing,
    stateTable: () => pricing,
  };
}

const facility = { zip: '30303', npi: '1234567893' };

function outpatient(
  jurisdiction: string,
  lines: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
) {
  return normaliseFacilityBill({
    jurisdiction,
    billType: 'outpatient',
    typeOfBill: '0131',
    facility,
    lines: lines.map((l) => ({ dateOfService: '2025-03-04', ...l })),
    ...extra,
  });
}

let index: FeeIndex;
beforeAll(() => {
  index = sampleIndex();
});

describe('priceFacilityBill: a comprehensive APC claim', () => {
  // Prepare: 29881 (J1) is paid its APC; every other line of the claim is packaged into it.
  const bill = () =>
    outpatient('US-MEDICARE', [
      { revenueCode: '0360', code: '29881', charge: '5000.00' },
      { revenueCode: '0360', code: '20610', charge: '400.00' },
      { revenueCode: '0300', code: '36415', charge: '30.00' },
      { revenueCode: '0510', code: 'G0463', charge: '300.00' },
    ]);
  const double = methods([
    paid(324461, 'J1', '5113'),
    packaged('T', 1),
    packaged('Q4', 1),
    packaged('J2', 1),
  ]);

  it('pays the J1 line at the lesser of billed and its APC rate, and packages the rest with CARC 97', () => {
    const priced = priceFacilityBill(index, bill(), double);
    const [primary, ...rest] = priced.lines;
    // Line 3526: 3,244.61 < billed 5,000.00, so 3,244.61 is allowed and 1,755.39 withheld (CARC 45).
    expect(primary?.allowed).toBe('3244.61');
    expect(primary?.adjustments.map((a) => [a.internalCode, a.carc, a.amount])).toEqual([
      ['FS-MAX', '45', '1755.39'],
    ]);
    expect(primary?.feeSchedule).toMatchObject({ method: 'opps', amount: '3244.61', setting: 'facility' });
    expect(primary?.facility).toMatchObject({ revenueCode: '0360', indicator: 'J1', apc: '5113' });
    for (const line of rest) {
      expect(line.status).toBe('denied');
      expect(line.allowed).toBe('0.00');
      expect(line.adjustments[0]).toMatchObject({
        internalCode: 'FS-STATUS-BUNDLED',
        carc: '97',
        groupCode: 'CO',
      });
      expect(line.facility?.packagedInto).toBe(1);
    }
    // Billed 5,000 + 400 + 30 + 300 = 5,730.00; allowed 3,244.61; withheld 2,485.39.
    expect(priced.totals).toMatchObject({ billed: '5730.00', allowed: '3244.61', withheld: '2485.39' });
    expect(priced.totals.buckets.feeSchedule).toBe('3244.61');
    expect(priced.billType).toBe('outpatient');
    expect(priced.facility).toMatchObject({ typeOfBill: '0131', drg: null, method: 'medicare' });
  });

  it('answers what the strict answer schema (and so the OpenAPI document) describes', () => {
    const priced = priceFacilityBill(index, bill(), double);
    expect(v.safeParse(PricedBillSchema, JSON.parse(JSON.stringify(priced))).issues).toBeUndefined();
  });

  it('says on every line which rules it skipped and why', () => {
    const priced = priceFacilityBill(index, bill(), double);
    for (const line of priced.lines) {
      const skipped = line.rules.filter((r) => r.decision === 'not-adopted').map((r) => r.rule);
      expect(skipped).toEqual(['ncci-ptp', 'mue', 'professional-policies']);
    }
    expect(priced.lines[0]?.rules.map((r) => r.rule)).toEqual([
      'duplicates',
      'prior-authorization',
      'documentation',
      'ncci-ptp',
      'mue',
      'professional-policies',
    ]);
    expect(priced.notices[0]).toMatch(/NCCI hospital PTP edits and MUE facility values \(not held\)/);
  });
});

describe('priceFacilityBill: a method reduction', () => {
  it('shows a second T procedure at half its rate as a reduction with its own reason code', () => {
    // Line 1935: 20610 T, APC 5441, 295.19. Two T procedures: the highest paid in full, the other
    // at 50% (42 CFR § 419.44(a)): 295.19 / 2 = 147.595, which the method rounds half up to 147.60.
    const bill = outpatient('US-MEDICARE', [
      { revenueCode: '0450', code: '20610', modifiers: ['RT'], charge: '400.00' },
      { revenueCode: '0450', code: '20610', modifiers: ['LT'], charge: '400.00' },
    ]);
    const second: FacilityLinePrice = {
      ...paid(14760, 'T', '5441', 29519),
      reason: { internalCode: 'BR-MULTIPLE-PROCEDURE', message: 'Second T procedure: 50% of 295.19.' },
    };
    const priced = priceFacilityBill(index, bill, methods([paid(29519, 'T', '5441'), second]));
    const line = priced.lines[1];
    // 400.00 − 295.19 = 104.81 above the rate (CARC 45); 295.19 − 147.60 = 147.59 the discount (CARC 59).
    expect(line?.adjustments.map((a) => [a.internalCode, a.carc, a.bucket, a.amount])).toEqual([
      ['FS-MAX', '45', 'feeSchedule', '104.81'],
      ['BR-MULTIPLE-PROCEDURE', '59', 'billReview', '147.59'],
    ]);
    expect(line?.allowed).toBe('147.60');
    expect(line?.rules[0]).toMatchObject({ rule: 'facility-method', decision: 'reduced' });
    // Same code and date with other modifiers: flagged as a suspected duplicate, not reduced.
    expect(line?.rules.find((r) => r.rule === 'duplicates')?.decision).toBe('flagged');
    // 295.19 + 147.60 = 442.79.
    expect(priced.totals.allowed).toBe('442.79');
  });

  it('treats an internal code the catalogue lacks as a programming error', () => {
    expect(() => methodReason('OPPS-NOT-A-CODE')).toThrow(/not in REASON_CODES/);
    const bill = outpatient('US-MEDICARE', [{ revenueCode: '0450', code: '20610', charge: '400.00' }]);
    const bad = { ...packaged('N', 1), reason: { internalCode: 'OPPS-NOT-A-CODE', message: 'x' } };
    expect(() => priceFacilityBill(index, bill, methods([bad]))).toThrow(/not in REASON_CODES/);
    expect(Object.keys(REASON_CODES)).toContain('FS-STATUS-BUNDLED');
  });
});

describe('priceFacilityBill: the jurisdiction method', () => {
  it("prices a state's percentage of Medicare and names the factor and its source on the line", () => {
    // The 200% factor is a MADE-UP INPUT of this test, not a Texas rule: Texas's hospital
    // percentages (28 TAC §134.403(f)) were not read in any source, and TX.json prices outpatient
    // bills on Medicare with a notice. Line 14276: G0463 J2, APC 5012, 128.87; 2.00 × 128.87 = 257.74.
    const tx = sampleIndexWith((j) =>
      j.id === 'TX'
        ? ({
            ...j,
            billTypes: {
              ...j.billTypes,
              outpatient: {
                method: 'percent-of-medicare',
                basis: 'opps',
                editions: [
                  {
                    id: 'TX-OP-TEST',
                    effective: '2018-03-01',
                    termination: null,
                    effectiveStated: true,
                    factors: [
                      {
                        category: 'all',
                        value: '2.00',
                        source: {
                          citation: 'made-up test input (no source)',
                          url: 'https://example.invalid/made-up-test-input',
                        },
                      },
                    ],
                    sources: [],
                  },
                ],
              },
            },
          } as typeof j)
        : j,
    );
    const bill = outpatient('TX', [{ revenueCode: '0510', code: 'G0463', charge: '300.00' }]);
    const priced = priceFacilityBill(tx, bill, methods([paid(12887, 'J2', '5012')]));
    const line = priced.lines[0];
    expect(line?.feeSchedule?.amount).toBe('257.74');
    expect(line?.allowed).toBe('257.74');
    expect(line?.facility?.factor).toMatchObject({ value: '2.00', edition: 'TX-OP-TEST' });
    expect(line?.explanation.some((s) => s.step === 'state-factor' && s.result === '257.74')).toBe(true);
    expect(priced.jurisdiction.method).toBe('percent-of-medicare');
  });

  it("prices on Medicare with a notice naming what the state's file says we lack (TX outpatient)", () => {
    // TX.json billTypes.outpatient: medicare-fallback, basis opps, with its `missing` text.
    const bill = outpatient('TX', [{ revenueCode: '0510', code: 'G0463', charge: '300.00' }]);
    const priced = priceFacilityBill(index, bill, methods([paid(12887, 'J2', '5012')]));
    expect(priced.jurisdiction.method).toBe('medicare-fallback');
    const notice = priced.notices.find((n) => n.startsWith('Texas (TX): '));
    expect(notice).toMatch(/28 TAC §134\.403/);
    expect(notice).toMatch(
      /; this hospital outpatient bill is priced on the Medicare Hospital Outpatient Prospective Payment System \(OPPS\)\.$/,
    );
    // Line 14276: 128.87 < 300.00.
    expect(priced.lines[0]?.allowed).toBe('128.87');
  });

  it('leaves every line of an unsupported method unpriced, never calling a Medicare method (FL outpatient)', () => {
    const never = (): FacilityPricing => {
      throw new Error('an unsupported method must not be priced on Medicare');
    };
    const bill = outpatient('FL', [{ revenueCode: '0510', code: 'G0463', charge: '300.00' }]);
    const priced = priceFacilityBill(index, bill, {
      outpatient: never,
      asc: never,
      inpatient: never,
      stateTable: never,
    });
    expect(priced.jurisdiction.method).toBe('unsupported');
    expect(priced.lines[0]?.status).toBe('unpriced');
    expect(priced.lines[0]?.unpriced?.message).toMatch(
      /^Florida \(FL\) does not pay hospital outpatient bills/,
    );
  });

  it("prices a California ASC bill by the OPPS method (the file's basis), not the ASC method", () => {
    const calls: string[] = [];
    const pricing: FacilityPricing = {
      lines: [paid(12887, 'T', '5441')],
      claimSteps: [],
      notices: [],
      editions: [],
    };
    const spy = (name: string) => () => {
      calls.push(name);
      return pricing;
    };
    const bill = normaliseFacilityBill({
      jurisdiction: 'CA',
      billType: 'asc',
      typeOfBill: '0831',
      facility,
      lines: [{ revenueCode: '0490', code: '20610', dateOfService: '2025-03-04', charge: '300.00' }],
    });
    priceFacilityBill(index, bill, {
      outpatient: spy('outpatient'),
      asc: spy('asc'),
      inpatient: spy('inpatient'),
      stateTable: spy('stateTable'),
    });
    expect(calls).toEqual(['outpatient']);
  });

  it('refuses an unknown jurisdiction with a field error', () => {
    const bill = outpatient('ZZ', [{ revenueCode: '0510', code: 'G0463', charge: '300.00' }]);
    expect(() => priceFacilityBill(index, bill, methods([paid(12887, 'J2', '5012')]))).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'jurisdiction' })] }),
    );
  });
});

describe('priceFacilityBill: factor categories and carve-outs as the files define them', () => {
  // OPPS_Addendum_B_2025_January_derived.csv line 1935: 20610, T, APC 5441, 295.19; line 12495:
  // C9482, K, APC 9482, 22.78. CA.json outpatient CA-OPPS-2025: surgery 1.22 (8 CCR § 9789.33(a)).
  const ca = (codes: string[]) =>
    normaliseFacilityBill({
      jurisdiction: 'CA',
      billType: 'outpatient',
      typeOfBill: '0131',
      facility,
      lines: codes.map((code) => ({
        revenueCode: code === '20610' ? '0360' : '0636',
        code,
        dateOfService: '2025-03-04',
        charge: '1000.00',
      })),
    });

  it('applies California surgery factor to a K drug furnished with a surgical procedure (§ 9789.32(a)(2))', () => {
    const priced = priceFacilityBill(
      index,
      ca(['20610', 'C9482']),
      methods([paid(29519, 'T', '5441'), paid(2278, 'K', '9482')]),
    );
    // 1.22 × 295.19 = 360.1318 → 360.13; 1.22 × 22.78 = 27.7916 → 27.79.
    expect(priced.lines.map((l) => l.allowed)).toEqual(['360.13', '27.79']);
    expect(priced.lines.map((l) => l.facility?.factor?.category)).toEqual(['surgery', 'surgery']);
  });

  it('leaves a K drug without a surgical procedure or emergency visit on the claim unpriced', () => {
    const priced = priceFacilityBill(index, ca(['C9482']), methods([paid(2278, 'K', '9482')]));
    expect(priced.lines[0]?.status).toBe('unpriced');
    expect(priced.lines[0]?.unpriced?.code).toBe('NOT-IN-EDITION');
    expect(priced.lines[0]?.unpriced?.message).toMatch(/CPT 10021-69990/);
  });

  it('leaves an implant line unpriced under a carve-out that always applies (a made-up input: Texas asks for a request)', () => {
    const always = sampleIndexWith((j) => {
      const asc = j.billTypes.asc;
      if (j.id !== 'TX' || asc === undefined) return j;
      return {
        ...j,
        billTypes: {
          ...j.billTypes,
          asc: { ...asc, carveOuts: (asc.carveOuts ?? []).map((c) => ({ ...c, when: 'always' as const })) },
        },
      };
    });
    const bill = normaliseFacilityBill({
      jurisdiction: 'TX',
      billType: 'asc',
      typeOfBill: '0831',
      facility,
      lines: [{ revenueCode: '0278', code: 'L8699', dateOfService: '2025-03-04', charge: '900.00' }],
    });
    const priced = priceFacilityBill(always, bill, methods([paid(50000, 'J7', '')]));
    expect(priced.lines[0]?.status).toBe('unpriced');
    expect(priced.lines[0]?.unpriced?.message).toMatch(
      /^Texas \(TX\) pays implantables apart from the facility method/,
    );
  });
});

describe('priceFacilityBill: the lesser of billed', () => {
  const line = [{ revenueCode: '0360', code: '29881', charge: '3000.00' }];

  it('pays a Medicare facility rate above the billed charge (the OPPS pays the APC rate, 42 CFR § 419.32)', () => {
    // Line 3526: 3,244.61 on a charge of 3,000.00: allowed 3,244.61, withheld −244.61, shown as a
    // negative fee schedule adjustment so that billed less the adjustments is allowed.
    const priced = priceFacilityBill(
      index,
      outpatient('US-MEDICARE', line),
      methods([paid(324461, 'J1', '5113')]),
    );
    const [l] = priced.lines;
    expect(l).toMatchObject({ allowed: '3244.61', withheld: '-244.61' });
    expect(l?.adjustments.map((a) => [a.internalCode, a.bucket, a.amount])).toEqual([
      ['FS-MAX', 'feeSchedule', '-244.61'],
    ]);
    expect(l?.buckets?.feeSchedule).toBe('3244.61');
    expect(l?.explanation.at(-1)?.step).toBe('no-lesser-of');
    expect(priced.totals).toMatchObject({ allowed: '3244.61', withheld: '-244.61' });
    expect(v.safeParse(PricedBillSchema, JSON.parse(JSON.stringify(priced))).issues).toBeUndefined();
  });

  it('pays the lesser of billed where the jurisdiction says so (Delaware, 19 Del. C. § 2322B(3))', () => {
    const priced = priceFacilityBill(index, outpatient('DE', line), methods([paid(324461, 'J1', '5113')]));
    expect(priced.lines[0]).toMatchObject({ allowed: '3000.00', withheld: '0.00' });
    expect(priced.lines[0]?.explanation.at(-1)).toMatchObject({ step: 'lesser-of', result: '3000.00' });
  });
});

describe('priceFacilityBill: rules and values on facility lines', () => {
  it('applies the review lists and a PPO value after the rules as on professional lines', () => {
    // Line 14276: G0463 128.87; the PPO takes 10% of it: 12.887 → 12.89 (half up), allowed 115.98.
    const bill = outpatient(
      'US-MEDICARE',
      [
        {
          revenueCode: '0510',
          code: 'G0463',
          charge: '300.00',
          externalValues: [
            {
              bucket: 'ppo',
              mode: 'add',
              percent: '-10',
              source: 'PPO contract 7',
              reason: { groupCode: 'CO', carc: '131' },
            },
          ],
        },
      ],
      { review: { documentationRequired: { codes: ['G0463'], action: 'flag' } } },
    );
    const priced = priceFacilityBill(index, bill, methods([paid(12887, 'J2', '5012')]));
    const line = priced.lines[0];
    expect(line?.rules.find((r) => r.rule === 'documentation')?.decision).toBe('flagged');
    expect(line?.buckets).toMatchObject({ feeSchedule: '128.87', ppo: '-12.89' });
    expect(line?.allowed).toBe('115.98');
  });

  it('denies an exact duplicate line (same revenue code, code, date, units) with CARC 18', () => {
    const bill = outpatient('US-MEDICARE', [
      { revenueCode: '0510', code: 'G0463', charge: '300.00' },
      { revenueCode: '0510', code: 'G0463', charge: '300.00' },
    ]);
    const priced = priceFacilityBill(
      index,
      bill,
      methods([paid(12887, 'J2', '5012'), paid(12887, 'J2', '5012')]),
    );
    expect(priced.lines[1]?.status).toBe('denied');
    expect(priced.lines[1]?.adjustments.map((a) => a.carc)).toContain('18');
  });
});

describe('priceFacilityBill with the real methods', () => {
  it('answers an inpatient stay with its DRG, stay and the words on grouping; a FY2025 discharge is unpriced, saying which tables are held', () => {
    const bill = normaliseFacilityBill({
      jurisdiction: 'US-MEDICARE',
      billType: 'inpatient',
      typeOfBill: '0111',
      facility,
      admissionDate: '2025-03-02',
      dischargeDate: '2025-03-05',
      dischargeStatus: '01',
      drg: '470',
      diagnoses: ['M17.11'],
      lines: [
        { revenueCode: '0120', units: 3, charge: '6000.00' },
        { revenueCode: '0360', code: '27447', charge: '30000.00', dateOfService: '2025-03-02' },
      ],
    });
    const priced = priceFacilityBill(index, bill, FACILITY_METHODS);
    expect(priced.facility).toMatchObject({
      drg: '470',
      admissionDate: '2025-03-02',
      dischargeDate: '2025-03-05',
      dischargeStatus: '01',
      diagnoses: ['M1711'],
    });
    expect(priced.facility?.grouping).toMatch(/MS-DRG 470 is the bill's, as billed: we do not group/);
    expect(priced.dates).toMatchObject({ firstService: '2025-03-02', lastService: '2025-03-05' });
    // A FY2025 discharge: only the FY2026 IPPS tables are held, and a stay is not priced on
    // another year's.
    expect(priced.lines.map((l) => l.status)).toEqual(['unpriced', 'unpriced']);
    expect(priced.lines[0]?.unpriced?.message).toMatch(/^Discharged 2025-03-05, in FY2025/);
    expect(priced.lines[0]?.dateOfService).toBe('2025-03-05');
    expect(priced.totals).toMatchObject({ billed: '36000.00', unpricedBilled: '36000.00', allowed: '0.00' });
    expect(v.safeParse(PricedBillSchema, JSON.parse(JSON.stringify(priced))).issues).toBeUndefined();
  });
});
