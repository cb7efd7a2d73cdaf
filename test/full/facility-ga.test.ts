import { beforeAll, describe, expect, it } from 'vitest';
import { priceStateFacilityTable } from '../../lambdas/engine/facility/state-table.js';
import type { FacilityBill, FacilityBillType, FacilityLine } from '../../lambdas/engine/facility/types.js';
import { cents, formatCents } from '../../lambdas/engine/money.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * Georgia's facility tables (issue 16), on the full national index. Rows of state-wc/GA/csv used
 * (codes and numbers only; columns APC, OP MAR, SI, ASC MAR, PI):
 *   Inpatient_Hospital.csv line 378: MS-DRG 470, FEE 18260.66; line 767: 999, NA
 *   Surgery.csv line 5353: 64483, 5443, 2241.3, T, 2091.84, A2
 *   Surgery.csv line 458: 20610, 5441, 728.3, T, 679.74, P3
 *   Surgery.csv line 2049: 29881, 5113, 7498.41, J1, 6998.38, A2
 *   Surgery.csv line 137: 12002, 5051, 492.29, Q1, 0, N1
 *   Surgery.csv line 2013: 29826, -, 0, N, 0, N1
 *   Surgery.csv line 773: 22554, 5115, 17424.12, J1, 16262.19, J8
 *   Surgery.csv line 27: 11004, -, 0, C, 0, C5
 *   General_Medicine.csv line 1370: 96372, 5692, 173.22, Q1, 0, (none)
 *   Outpatient.csv line 214: G0463, 5012, 325.05, J2, 0, (none)
 *   Evaluation_and_Management.csv line 9: 99213, -, 0, B, 0, (none)
 *   Physical_Medicine.csv line 18: 97110, -, 0, A, 0, (none)
 *   Radiology.csv line 338: 72148-TC, 5523, 602.54, Q3, 562.36, Z3 (the global row, line 336, has none)
 * The GA edition is dated 2024-04-01 (fee-data/jurisdictions/GA.json); dates of service are in 2025.
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 120_000);

let next = 0;
function line(
  revenueCode: string,
  code: string | undefined,
  charge: string,
  more: Partial<FacilityLine> = {},
): FacilityLine {
  const n = next++;
  return {
    index: n,
    lineNumber: n + 1,
    revenueCode,
    code,
    modifiers: [],
    units: 1,
    charge: cents(Math.round(Number(charge) * 100)),
    dateOfService: '2025-03-04',
    codeField: `lines[${n}].code`,
    ...more,
  };
}

function bill(
  billType: FacilityBillType,
  make: () => FacilityLine[],
  over: Partial<FacilityBill> = {},
): FacilityBill {
  next = 0;
  return {
    billType,
    jurisdiction: 'GA',
    facility: { zip: '30303' },
    diagnoses: [],
    lines: make(),
    ...over,
  };
}

const amounts = (p: ReturnType<typeof priceStateFacilityTable>) => p.lines.map((l) => formatCents(l.amount));

describe('Georgia inpatient: the MS-DRG amount pays the stay', () => {
  const stay = (drg: string, charges: string[]) =>
    bill('inpatient', () => charges.map((c, i) => line(i === 0 ? '0120' : '0360', undefined, c)), {
      drg,
      admissionDate: '2025-03-02',
      dischargeDate: '2025-03-04',
      dischargeStatus: '01',
    });

  it('MS-DRG 470 is paid 18,260.66 (line 378), put on the lines by charge', () => {
    // 1,826,066 cents over 4,000 and 16,000 of 20,000: 365,213.2 and 1,460,852.8 → whole 365,213 +
    // 1,460,852 = 1,826,065; the last cent to the larger remainder (0.8, line 2).
    const priced = priceStateFacilityTable(index, 'GA', stay('470', ['4000.00', '16000.00']));
    expect(amounts(priced)).toEqual(['3652.13', '14608.53']);
    expect(priced.lines[0]).toMatchObject({ kind: 'paid', method: 'state-table', indicator: 'DRG' });
    expect(priced.claimSteps[0]?.source).toMatchObject({ file: 'Inpatient_Hospital.csv', line: 378 });
    expect(priced.editions).toEqual(['state-drg/GA-2024']);
    expect(priced.notices.join(' ')).toMatch(/We do not group/);
  });

  it('a stay whose charges pass the $60,000 outlier threshold is priced at the MS-DRG amount and says so', () => {
    const priced = priceStateFacilityTable(index, 'GA', stay('470', ['20000.00', '45000.00']));
    expect(formatCents(cents(priced.lines.reduce((n, l) => n + (l.amount as number), 0)))).toBe('18260.66');
    expect(priced.notices.join(' ')).toMatch(/outlier threshold of 60000\.00/);
  });

  it('MS-DRG 999 ("NA", line 767) is unpriced', () => {
    const priced = priceStateFacilityTable(index, 'GA', stay('999', ['1000.00']));
    expect(priced.lines[0]).toMatchObject({ kind: 'unpriced', unpriced: { code: 'NOT-IN-EDITION' } });
    expect(priced.lines[0]?.unpriced?.message).toMatch(/NA.*line 767/);
  });
});

describe('Georgia outpatient: OP MAR per unit by status indicator', () => {
  it('two T procedures and a Q1 injection on the same date', () => {
    // 64483 T 2241.30 is the highest T: 100%. 20610 T 728.30: 50% = 364.15 (42 CFR 419.44(a)).
    // 96372 Q1 173.22: packaged, a T procedure is on the same date.
    const priced = priceStateFacilityTable(
      index,
      'GA',
      bill('outpatient', () => [
        line('0360', '20610', '900.00'),
        line('0360', '64483', '3000.00'),
        line('0510', '96372', '100.00'),
      ]),
    );
    expect(amounts(priced)).toEqual(['364.15', '2241.30', '0.00']);
    expect(priced.lines[0]?.reason?.internalCode).toBe('FAC-STATE-REDUCED');
    expect(priced.lines[1]?.steps[0]?.source).toMatchObject({ file: 'Surgery.csv', line: 5353 });
    expect(priced.lines[2]).toMatchObject({ kind: 'packaged', indicator: 'Q1' });
  });

  it('a J1 procedure pays once for the claim and packages the rest; implants and revenue-code-only lines', () => {
    // 29881 J1 7498.41 (line 2049) pays; 12002 (Q1) and G0463 (J2) are packaged into it; the
    // pharmacy line without a code is packaged; the implant line (0278) is unpriced.
    const priced = priceStateFacilityTable(
      index,
      'GA',
      bill('outpatient', () => [
        line('0360', '29881', '12000.00'),
        line('0360', '12002', '600.00'),
        line('0250', undefined, '300.00'),
        line('0278', 'C1713', '2500.00'),
        line('0510', 'G0463', '400.00'),
      ]),
    );
    expect(amounts(priced)).toEqual(['7498.41', '0.00', '0.00', '0.00', '0.00']);
    expect(priced.lines.map((l) => l.kind)).toEqual(['paid', 'packaged', 'packaged', 'unpriced', 'packaged']);
    expect(priced.lines[1]?.packagedInto).toBe(1);
    expect(priced.lines[4]?.packagedInto).toBe(1);
    expect(priced.lines[3]?.unpriced?.message).toMatch(/implants separately/);
    expect(priced.lines[0]).toMatchObject({ indicator: 'J1', apc: '5113' });
  });

  it('status C, B and A pay nothing here; a technical component row prices the facility part', () => {
    // 11004 SI C: inpatient only. 99213 SI B. 97110 SI A, OP MAR 0: unpriced.
    // 72148 has no OP MAR on its global row; its TC row (Radiology.csv line 338) has 602.54.
    const priced = priceStateFacilityTable(
      index,
      'GA',
      bill('outpatient', () => [
        line('0360', '11004', '500.00'),
        line('0510', '99213', '200.00'),
        line('0420', '97110', '150.00'),
        line('0610', '72148', '2000.00'),
      ]),
    );
    expect(priced.lines.map((l) => l.kind)).toEqual(['not-payable', 'not-payable', 'unpriced', 'paid']);
    expect(priced.lines[0]?.reason).toMatchObject({ internalCode: 'FAC-STATE-NOT-PAYABLE' });
    expect(priced.lines[0]?.reason?.message).toMatch(/inpatient only/);
    expect(formatCents(priced.lines[3]?.amount ?? cents(0))).toBe('602.54');
    expect(priced.lines[3]?.steps[0]?.source).toMatchObject({ file: 'Radiology.csv', line: 338 });
  });

  it('a code with no row is unpriced under Rule 203', () => {
    const priced = priceStateFacilityTable(
      index,
      'GA',
      bill('outpatient', () => [line('0300', '80053', '90.00')]),
    );
    expect(priced.lines[0]?.kind).toBe('unpriced');
  });
});

describe('Georgia surgery centre: ASC MAR per unit by payment indicator', () => {
  it('two A2 procedures (the second at 50%), an N1 line packaged, a J8 procedure not discounted', () => {
    // 29881 A2 6998.38 (highest A2): 100%. 64483 A2 2091.84: 50% = 1045.92 (42 CFR 416.172(d)).
    // 29826 N1: packaged. 22554 J8 16262.19: no discount (the device portion is not held).
    const priced = priceStateFacilityTable(
      index,
      'GA',
      bill('asc', () => [
        line('0490', '64483', '2500.00'),
        line('0490', '29881', '9000.00'),
        line('0490', '29826', '1000.00'),
        line('0490', '22554', '30000.00'),
      ]),
    );
    expect(amounts(priced)).toEqual(['1045.92', '6998.38', '0.00', '16262.19']);
    expect(priced.lines[2]).toMatchObject({ kind: 'packaged', indicator: 'N1' });
    expect(priced.lines[3]?.notices.join(' ')).toMatch(/device-intensive/);
  });

  it('a code without an ASC payment indicator is not on the ASC list: unpriced', () => {
    // 96372: ASC MAR 0, no PI (General_Medicine.csv line 1370).
    const priced = priceStateFacilityTable(
      index,
      'GA',
      bill('asc', () => [line('0490', '96372', '50.00')]),
    );
    expect(priced.lines[0]?.unpriced?.message).toMatch(/not on Georgia's surgery-centre list/);
  });
});
