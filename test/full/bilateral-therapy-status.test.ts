import { beforeAll, describe, expect, it } from 'vitest';
import type { PricedBill, PricedLine } from '../../lambdas/engine/priced-bill.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { billReviewOf, lineOn, priceLines } from '../support/bills.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * Issue 14, items 3–5, on the full national index (US-MEDICARE, 2025-03-04, place of service 11,
 * non-facility). Every figure is worked from these rows, CF 32.3465 (PPRRVU2025_Oct.csv), rounded
 * half up once: [(work × work GPCI) + (PE × PE GPCI) + (MP × MP GPCI)] × 32.3465.
 *
 * GPCI2025.csv (work, PE, MP):
 *   line 40  12102 01 DELAWARE (ZIP 19901)                       1.009, 0.992, 0.949
 *   line 23  01182 72 SAN DIEGO-CHULA VISTA-CARLSBAD (ZIP 92101) 1.028, 1.191, 0.572
 *   line 7   07102 13 ARKANSAS (ZIP 72201)                       1,     0.86,  0.518
 * PPRRVU2025_Oct.csv (status, work, non-facility PE, MP; MULT PROC, BILAT SURG):
 *   line 12646 97026  R, 0.06, 0.14, 0.01; MULT 5
 *   line 12685 97530  A, 0.44, 0.62, 0.01; MULT 5
 *   line 12655 97110  A, 0.45, 0.43, 0.01; MULT 5
 *   line 12663 97140  A, 0.43, 0.40, 0.01; MULT 5
 *   line 1644  20610  A, 0.79, 1.04, 0.13; MULT 2, BILAT 1
 *   line 1540  19105  A, 3.69, 60.78, 0.94; MULT 2, BILAT 1
 *   line 1132  11010  A, 4.19, 8.35, 0.74; MULT 2, BILAT 2
 *   line 1093  10120  A, 1.22, 3.18, 0.15; MULT 2, BILAT 0
 *   line 1639  20600  A, 0.66, 0.88, 0.08; MULT 2, BILAT 1
 *   line 7964  73200  A, 1.00, 3.83, 0.06; MULT 4, BILAT 3; OPPS PE 3.63, OPPS MP 0.06
 *   line 1438  15824  R, 0.00, 0.00, 0.00
 * OPPSCAP_Oct2025.csv line 3889: 73200,,A,12102,01,150.96,150.96.
 * MUE (mue_practitioner_derived.csv): 20610 2, 19105 2, 11010 2, 10120 3, 20600 6, 73200 2,
 * 97530/97110/97140 6, so no line below is cut by its MUE. NCCI: 97140/97530 is a pair with modifier
 * indicator 1, so 97140 carries 59; none of the other pairs billed together is in the PTP table.
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

const price = (zip: string, lines: object[]): PricedBill => priceLines(index, lines, { zip });

const on = lineOn('3000.00');

const billReview = billReviewOf;

const step = (line: PricedLine | undefined, name: string) =>
  line?.explanation.filter((s) => s.step === name).map((s) => s.text) ?? [];

describe('therapy (MULT PROC 5): the reduced unit is one price, rounded once', () => {
  it('San Diego: 97530 × 2, 97110, 97140 each reduced by the full less the reduced unit price', () => {
    // 97530: (0.44 × 1.028) + (0.62 × 1.191) + (0.01 × 0.572) = 0.45232 + 0.73842 + 0.00572 =
    //   1.19646 × 32.3465 = 38.7012934 → 38.70; reduced: 0.45232 + (0.5 × 0.73842 = 0.36921) +
    //   0.00572 = 0.82725 × 32.3465 = 26.7586421 → 26.76; withheld 38.70 − 26.76 = 11.94
    //   (rounding twice gave 0.73842 × 32.3465 = 23.8853 → 23.89, half 11.945 → 11.95).
    // 97110: 0.46260 + 0.51213 + 0.00572 = 0.98045 × 32.3465 = 31.7141259 → 31.71; reduced
    //   0.46260 + 0.256065 + 0.00572 = 0.724385 × 32.3465 = 23.4313194 → 23.43; withheld 8.28
    //   (twice: 16.5656 → 16.57, half 8.285 → 8.29).
    // 97140: 0.44204 + 0.47640 + 0.00572 = 0.92416 × 32.3465 = 29.8933414 → 29.89; reduced
    //   0.44204 + 0.23820 + 0.00572 = 0.68596 × 32.3465 = 22.1884051 → 22.19; withheld 7.70
    //   (twice: 15.4099 → 15.41, half 7.705 → 7.71).
    // 97530 has the highest PE (0.62), so its first unit is paid in full; its second unit, 97110
    // and 97140 are paid the reduced price.
    const priced = price('92101', [
      on('97530', { units: 2 }),
      on('97110'),
      on('97140', { modifiers: ['59'] }),
    ]);
    expect(priced.lines.map((l) => l.feeSchedule?.unitAmount)).toEqual(['38.70', '31.71', '29.89']);
    expect(billReview(priced.lines[0])).toEqual([['59', '11.94']]);
    expect(billReview(priced.lines[1])).toEqual([['59', '8.28']]);
    expect(billReview(priced.lines[2])).toEqual([['59', '7.70']]);
    // 77.40 − 11.94 = 65.46; 31.71 − 8.28 = 23.43; 29.89 − 7.70 = 22.19.
    expect(priced.lines.map((l) => l.allowed)).toEqual(['65.46', '23.43', '22.19']);
    expect(priced.lines[1]?.adjustments[1]?.message).toContain(
      'paid at its reduced unit price 23.43 ([(work RVU × work GPCI) + (50% × PE RVU × PE GPCI) + (MP RVU × MP GPCI)] × CF, rounded once), so 31.71 − 23.43 = 8.28 withheld a reduced unit',
    );
  });

  it('Arkansas: 97110 × 2 and 97140, where one rounding withholds a cent more on one and less on the other', () => {
    // 97110: (0.45 × 1) + (0.43 × 0.86) + (0.01 × 0.518) = 0.45 + 0.3698 + 0.00518 = 0.82498 ×
    //   32.3465 = 26.6852156 → 26.69; reduced 0.45 + 0.1849 + 0.00518 = 0.64008 × 32.3465 =
    //   20.7043477 → 20.70; withheld 5.99 (twice: 0.3698 × 32.3465 = 11.9617 → 11.96, half 5.98).
    // 97140: 0.43 + 0.344 + 0.00518 = 0.77918 × 32.3465 = 25.2037459 → 25.20; reduced 0.43 + 0.172
    //   + 0.00518 = 0.60718 × 32.3465 = 19.6401479 → 19.64; withheld 5.56 (twice: 11.1272 → 11.13,
    //   half 5.565 → 5.57).
    const lines = [on('97110', { units: 2 }), on('97140', { modifiers: ['59'] })];
    for (const order of [lines, [...lines].reverse()]) {
      const priced = price('72201', order);
      const byCode = Object.fromEntries(priced.lines.map((l) => [l.code, l]));
      expect(billReview(byCode['97110'])).toEqual([['59', '5.99']]);
      expect(billReview(byCode['97140'])).toEqual([['59', '5.56']]);
      // 2 × 26.69 − 5.99 = 47.39; 25.20 − 5.56 = 19.64.
      expect([byCode['97110']?.allowed, byCode['97140']?.allowed]).toEqual(['47.39', '19.64']);
    }
  });

  it('still pays the lesser of billed and the reduced amount', () => {
    // Arkansas 97140 reduced to 19.64 above; billed 15.00 is lower, so 15.00 is paid.
    const priced = price('72201', [on('97110'), on('97140', { modifiers: ['59'], charge: '15.00' })]);
    expect(priced.lines[1]?.allowed).toBe('15.00');
  });
});

describe('status R (restricted coverage)', () => {
  it('prices 97026 in Delaware from its RVUs at $6.76, with a notice that coverage is restricted', () => {
    // (0.06 × 1.009) + (0.14 × 0.992) + (0.01 × 0.949) = 0.06054 + 0.13888 + 0.00949 = 0.20891 ×
    // 32.3465 = 6.7575073 → 6.76, the amount CMS's 2025 Delaware payment file lists (issue 14).
    const priced = price('19901', [on('97026')]);
    expect(priced.lines[0]).toMatchObject({
      status: 'priced',
      allowed: '6.76',
      feeSchedule: { amount: '6.76' },
    });
    expect(priced.lines[0]?.notices.join(' ')).toContain('97026 has status R');
    expect(priced.lines[0]?.notices.join(' ')).toContain('Special coverage instructions apply');
  });

  it('pays the lesser of billed and the status R amount', () => {
    expect(price('19901', [on('97026', { charge: '5.00' })]).lines[0]?.allowed).toBe('5.00');
  });

  it('leaves a status R code without RVUs unpriced, with its reason', () => {
    const line = price('19901', [on('15824')]).lines[0];
    expect(line?.status).toBe('unpriced');
    expect(line?.unpriced?.code).toBe('RESTRICTED');
    expect(line?.unpriced?.message).toContain('publishes no non-facility RVUs');
  });
});

describe('bilateral read from the units (BILAT SURG 1, 2, 3)', () => {
  it('prices 2 units of 20610 (indicator 1) at 150% of one side and ranks them as one procedure', () => {
    // 20610: (0.79 × 1.009) + (1.04 × 0.992) + (0.13 × 0.949) = 0.79711 + 1.03168 + 0.12337 =
    //   1.95216 × 32.3465 = 63.1455434 → 63.15 a side; both sides 63.15 × 150% = 94.725 → 94.73.
    // 19105: 3.72321 + 60.29376 + 0.89206 = 64.90903 × 32.3465 = 2099.5799389 → 2099.58, ranked
    //   first; the bilateral 20610 is the second procedure, paid at 50%: 94.73 × 50% = 47.365 →
    //   47.37, 47.36 withheld. (Ranked as two units it would lose 31.57 twice, 63.14.)
    const lines = [on('19105'), on('20610', { units: 2 })];
    for (const order of [lines, [...lines].reverse()]) {
      const priced = price('19901', order);
      const line = priced.lines.find((l) => l.code === '20610');
      expect(line?.feeSchedule?.amount).toBe('94.73');
      expect(step(line, 'bilateral')[0]).toContain('Read as bilateral from its units');
      expect(step(line, 'bilateral')[0]).toContain('63.15 × 150% = 94.73');
      expect(billReview(line)).toEqual([['59', '47.36']]);
      expect(line?.allowed).toBe('47.37');
      expect(line?.rules.find((r) => r.rule === 'multiple-procedure')?.message).toContain(
        'the bilateral procedure ranks second of 2 procedures',
      );
      expect(priced.lines.find((l) => l.code === '19105')?.allowed).toBe('2099.58');
    }
  });

  it('reads RT and LT on one line as both sides, whatever its units', () => {
    for (const units of [1, 2]) {
      const line = price('19901', [on('20610', { modifiers: ['RT', 'LT'], units })]).lines[0];
      expect(line?.allowed).toBe('94.73');
      expect(step(line, 'bilateral')[0]).toContain('RT and LT on one line');
    }
  });

  it('pays 2 units of 11010 (indicator 2) at 100% of one: the fee already covers both sides', () => {
    // 11010: 4.22771 + 8.28320 + 0.70226 = 13.21317 × 32.3465 = 427.3998034 → 427.40.
    const line = price('19901', [on('11010', { units: 2 })]).lines[0];
    expect(line).toMatchObject({ allowed: '427.40', feeSchedule: { amount: '427.40' } });
    expect(billReview(line)).toEqual([]);
  });

  it('pays 2 units of 73200 (indicator 3) at 200% of the OPPS-capped side, as one procedure', () => {
    // 73200: 1.009 + 3.79936 + 0.05694 = 4.8653 × 32.3465 = 157.3754265 → 157.38; OPPS cap:
    //   1.009 + (3.63 × 0.992 = 3.60096) + 0.05694 = 4.6669 × 32.3465 = 150.9568 → 150.96, which
    //   OPPSCAP_Oct2025.csv line 3889 also gives; both sides 150.96 × 200% = 301.92, and as one
    //   procedure no imaging reduction applies.
    const line = price('19901', [on('73200', { units: 2 })]).lines[0];
    expect(line).toMatchObject({
      allowed: '301.92',
      feeSchedule: { unitAmount: '150.96', amount: '301.92' },
    });
    expect(step(line, 'opps-cap')).toHaveLength(1);
    expect(billReview(line)).toEqual([]);
    // Lesser of billed: 250.00 is below 301.92.
    expect(price('19901', [on('73200', { units: 2, charge: '250.00' })]).lines[0]?.allowed).toBe('250.00');
  });

  it('does not read 2 units of an indicator 0 code as bilateral, and says the documentation is silent', () => {
    // 10120: 1.23098 + 3.15456 + 0.14235 = 4.52789 × 32.3465 = 146.4613939 → 146.46 a unit; two
    // procedures: the second at 50%, 73.23 withheld; 292.92 − 73.23 = 219.69.
    const line = price('19901', [on('10120', { units: 2 })]).lines[0];
    expect(line?.allowed).toBe('219.69');
    expect(step(line, 'bilateral')[0]).toContain('is silent on units');
  });

  it('does not read 3 units as bilateral: each unit is its own procedure', () => {
    // 20600: 0.66594 + 0.87296 + 0.07592 = 1.61482 × 32.3465 = 52.2337751 → 52.23; units 2 and 3
    // at 50%: 26.11 withheld each (52.23 − 26.12); 156.69 − 52.22 = 104.47.
    const line = price('19901', [on('20600', { units: 3 })]).lines[0];
    expect(line?.allowed).toBe('104.47');
    expect(step(line, 'bilateral')[0]).toContain('is silent on more');
  });

  it('does not read 2 units with RT only as bilateral', () => {
    // Two services on the right: 63.15 each, the second at 50% (31.57 withheld).
    const line = price('19901', [on('20610', { modifiers: ['RT'], units: 2 })]).lines[0];
    expect(line?.feeSchedule?.amount).toBe('126.30');
    expect(billReview(line)).toEqual([['59', '31.57']]);
    expect(step(line, 'bilateral')[0]).toContain('with RT only');
  });
});
