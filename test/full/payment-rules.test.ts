import { beforeAll, describe, expect, it } from 'vitest';
import { multipleProcedureRule } from '../../lambdas/engine/rules/multiple-procedure.js';
import type { FeeIndex, RvuEntry } from '../../lambdas/fee-index/reader.js';
import { billReviewOf, lineOn, priceLines } from '../support/bills.js';
import { nationalIndex } from '../support/national-index.js';
import { ruleContext, ruleLines } from '../support/rules.js';

/*
 * Payment rules on the full national index. Indicators from PPRRVU2025_Oct.csv (MULT PROC, BILAT,
 * ASST, CO, TEAM SURG, ENDO BASE; PRE/INTRA/POST OP):
 *   35301 line 4187: 090, 0.09/0.84/0.07, MULT 2, BILAT 1, ASST 2, CO 1, TEAM 0
 *   35201 line 4167 and 35261 line 4181: MULT 2
 *   43239 line 5012 and 43249 line 5022: MULT 3, ENDO BASE 43235 (line 5008)
 *   64483 line 6956: MULT 2, BILAT 1        72146 lines 7829–7831 and 72148 lines 7835–7837: MULT 4
 *   97110 line 12655 (PE 0.43) and 97140 line 12663 (PE 0.40): MULT 5
 * Fees: Delaware (ZIP 19901; GPCI2025.csv line 40: 1.009, 0.992, 0.949), 2025, CF 32.3465, rounded
 * half up: [(work × 1.009) + (PE × 0.992) + (MP × 0.949)] × 32.3465.
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

const price = (lines: object[]) => priceLines(index, lines);

const on = lineOn('3000.00');

const billReview = billReviewOf;

function rvu(code: string): RvuEntry {
  const edition = index.editionFor('pfs-rvu', '2025-03-04')?.edition;
  const row = edition && index.rvu(code, '', edition);
  if (!row) throw new Error(`no 2025 RVU row for ${code}`);
  return row;
}

describe('multiple surgery (MULT PROC 2)', () => {
  it('pays the CMS Claims Processing Manual example: 35301 at 100%, 35261 and 35201 at 50%', () => {
    // Medicare Claims Processing Manual, Chapter 12, § 40.6.2 example: 35301 $1,043.48 (100%),
    // 35201 $922.90 → $461.45, 35261 $1,010.60 → $505.30. The manual's fee amounts are the inputs.
    const lines = ruleLines(
      [on('35301'), on('35201'), on('35261')],
      ['1043.48', '922.90', '1010.60'],
      [{ rvu: rvu('35301') }, { rvu: rvu('35201') }, { rvu: rvu('35261') }],
    );
    expect(lines.map((l) => l.rvu?.multipleProcedure)).toEqual(['2', '2', '2']);
    const ctx = ruleContext(index, 'US-MEDICARE');
    const paid = (decisions: ReturnType<typeof multipleProcedureRule.run>, ls: typeof lines) =>
      Object.fromEntries(
        ls.map((l, i) => [
          l.line.code,
          (
            (l.amount - decisions.filter((d) => d.lineIndex === i).reduce((n, d) => n + d.reduction, 0)) /
            100
          ).toFixed(2),
        ]),
      );
    expect(paid(multipleProcedureRule.run(lines, ctx), lines)).toEqual({
      35301: '1043.48',
      35201: '461.45',
      35261: '505.30',
    });
    const reversed = [...lines].reverse();
    expect(paid(multipleProcedureRule.run(reversed, ctx), reversed)).toEqual({
      35301: '1043.48',
      35201: '461.45',
      35261: '505.30',
    });
  });

  it('counts each unit of a code as a procedure', () => {
    // Two units of 35201 at the manual's $922.90: the second unit at 50%, $461.45 withheld.
    const lines = ruleLines([on('35201', { units: 2 })], ['922.90'], [{ rvu: rvu('35201') }]);
    const decisions = multipleProcedureRule.run(lines, ruleContext(index, 'US-MEDICARE'));
    expect(decisions).toMatchObject([{ lineIndex: 0, reduction: 46145, reason: 'BR-MULTIPLE-PROCEDURE' }]);
    expect(decisions[0]?.message).toContain('one of its units ranks second of 2 procedures');
  });
});

describe('endoscopy families (MULT PROC 3)', () => {
  it('pays the highest in full and the other its fee less the base endoscopy', () => {
    // Non-facility: 43249 (2.67, 27.63, 0.34) = 984.16; 43239 (2.39, 8.36, 0.29) = 355.16; base 43235
    // (2.09, 6.18, 0.27) = 274.80. 43239 is paid 355.16 − 274.80 = 80.36 (274.80 withheld). 59 on
    // 43249 bypasses the NCCI edit 43239/43249 (indicator 1) so the payment rule shows.
    const priced = price([on('43239'), on('43249', { modifiers: ['59'] })]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['80.36', '984.16']);
    expect(billReview(priced.lines[0])).toEqual([['59', '274.80']]);
  });
});

describe('diagnostic imaging (MULT PROC 4)', () => {
  it('pays the second TC at 50% and the second PC at 95%', () => {
    // 72148 = 187.44 (TC 119.66, PC 67.78); 72146: TC (0.00, 3.70, 0.02) = 119.34, PC (1.48, 0.54,
    // 0.07) = 67.78, global 187.12. The second: 50% of 119.34 = 59.67 and 5% of 67.78 = 3.39 withheld.
    const priced = price([on('72148'), on('72146')]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['187.44', '124.06']);
    // Buckets: the fee schedule allowance 187.12, the bill review change -63.06; the bill's totals
    // repeat them: 187.44 + 187.12 = 374.56 and -63.06, which sum to the allowed 311.50.
    expect(priced.lines[1]?.buckets).toMatchObject({
      feeSchedule: '187.12',
      billReview: '-63.06',
      ppo: '0.00',
    });
    expect(priced.totals.buckets).toMatchObject({ feeSchedule: '374.56', billReview: '-63.06' });
    expect(priced.totals.allowed).toBe('311.50');
    expect(billReview(priced.lines[1])).toEqual([['59', '63.06']]);
  });
});

describe('therapy (MULT PROC 5)', () => {
  it('withholds half the practice expense of every unit after the one with the highest PE', () => {
    // PE part a unit: 97110 0.43 × 0.992 × 32.3465 = 13.80; 97140 0.40 × 0.992 × 32.3465 = 12.84.
    // 97110 × 3 = 86.37: units 2 and 3 lose 6.90 each; 97140 (27.18) loses 6.42.
    const priced = price([on('97110', { units: 3 }), on('97140', { modifiers: ['59'] })]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['72.57', '20.76']);
    expect(billReview(priced.lines[0])).toEqual([['59', '13.80']]);
    expect(billReview(priced.lines[1])).toEqual([['59', '6.42']]);
  });
});

describe('bilateral (BILAT SURG 1)', () => {
  it('prices modifier 50 at 150% of one side before the ranking', () => {
    const priced = price([on('64483', { modifiers: ['50'] })]);
    expect(priced.lines[0]).toMatchObject({ allowed: '352.59', feeSchedule: { amount: '352.59' } });
    expect(priced.lines[0]?.explanation.find((s) => s.step === 'bilateral')?.text).toContain(
      '235.06 × 150% = 352.59',
    );
  });

  it('pays RT and LT on two lines at 150% together, ranked as one procedure', () => {
    // 20610 (line 1644: 0.79, 1.04, 0.13; MULT 2, BILAT 1; MUE 2, MAI 3) = 63.15 a side; the second
    // side is paid 50%: 31.58, 31.57 withheld; the pair is one procedure, so no multiple surgery cut.
    const priced = price([on('20610', { modifiers: ['RT'] }), on('20610', { modifiers: ['LT'] })]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['63.15', '31.58']);
    expect(billReview(priced.lines[1])).toEqual([['59', '31.57']]);
  });
});

describe("the surgeon's role", () => {
  // 35301 facility (POS 22): (21.16 × 1.009 + 6.66 × 0.992 + 5.30 × 0.949) × 32.3465 = 1067.01.
  const surgeon = (modifiers: string[], extra: object = {}) =>
    price([on('35301', { modifiers, placeOfService: '22', charge: '5000.00', ...extra })]).lines[0];

  it('pays an assistant at surgery 16% (ASST SURG 2) and a non-physician assistant 13.6%', () => {
    expect(surgeon(['80'])?.allowed).toBe('170.72');
    expect(surgeon(['AS'])?.allowed).toBe('145.11');
    expect(billReview(surgeon(['80']))).toEqual([['45', '896.29']]);
  });

  it('pays a co-surgeon 62.5% only with documentation (CO SURG 1)', () => {
    const without = surgeon(['62']);
    expect(without?.allowed).toBe('0.00');
    expect(billReview(without)).toEqual([['252', '1067.01']]);
    expect(surgeon(['62'], { documentation: ['op-report-1'] })?.allowed).toBe('666.88');
  });

  it("ranks an assistant's line apart from the surgeon's, even with no NPI on the bill", () => {
    // The assistant bills his own line (Claims Processing Manual ch. 12 § 20.4.3): the surgeon's
    // 35301 is paid 1067.01 and the assistant's 35301-80 16% of it, 170.72, not 50% × 16% as the
    // second procedure of one session.
    const bill = price([
      on('35301', { placeOfService: '22', charge: '5000.00' }),
      on('35301', { modifiers: ['80'], placeOfService: '22', charge: '5000.00' }),
    ]);
    expect(bill.lines.map((l) => l.allowed)).toEqual(['1067.01', '170.72']);
  });

  it('does not pay team surgery where TEAM SURG is 0 (CARC 54)', () => {
    expect(billReview(surgeon(['66']))).toEqual([['54', '1067.01']]);
  });

  it('pays split care by the PRE, INTRA and POST OP shares', () => {
    // 54: 0.09 + 0.84 = 93% → 992.32; 55: 7% → 74.69; 56: 9% → 96.03.
    expect(surgeon(['54'])?.allowed).toBe('992.32');
    expect(surgeon(['55'])?.allowed).toBe('74.69');
    expect(surgeon(['56'])?.allowed).toBe('96.03');
  });
});
