import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseBill } from '../../lambdas/engine/bill/normalise.js';
import type { Jurisdiction } from '../../lambdas/engine/jurisdictions.js';
import { priceBill } from '../../lambdas/engine/price-bill.js';
import type { PricedLine } from '../../lambdas/engine/priced-bill.js';
import { multipleProcedureRule } from '../../lambdas/engine/rules/multiple-procedure.js';
import { surgeonsRule } from '../../lambdas/engine/rules/surgeons.js';
import type { RuleContext, RuleLine } from '../../lambdas/engine/rules/types.js';
import type { FeeIndex, RvuEntry } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';
import { ruleLines } from '../support/rules.js';

/*
 * Which Medicare policies a state adopts decides what its bills get (issue 14, item 8), on the full
 * national index. Rows used (codes and numbers only):
 *   PPRRVU2025_Oct.csv line 3235: 29881, GLOB DAYS 090, MULT PROC 3, BILAT SURG 1, ENDO BASE 29870
 *   PPRRVU2025_Oct.csv line 12808: 99214, GLOB DAYS XXX
 *   state-wc/GA/csv/Surgery.csv line 2049: 29881, PROF MAR 2111.51
 *   state-wc/GA/csv/Evaluation_and_Management.csv line 10: 99214, PROF MAR 226.57
 *   state-wc/AL/AL_2024_db_import_alabama_PDF_extracted.csv line 2033: 29881, rate 3426.77
 *   state-wc/AL/AL_2024_db_import_alabama_PDF_extracted.csv lines 9206-9210: 99214, rate 109.83
 *   PPRRVU2025_Oct.csv line 3235 (29881): work 7.03, facility PE 8.22, MP 1.39; line 12808 (99214):
 *     work 1.92, non-facility PE 1.80, MP 0.15; CF 32.3465
 *   ZIP5_OCT2025.txt line 31296: PA 15213, locality 99; GPCI2025.csv line 90: PA 99 (Rest of
 *     Pennsylvania) 1.000, 0.927, 0.925
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

function price(jurisdiction: string, zip: string, lines: object[]) {
  return priceBill(index, normaliseBill({ jurisdiction, serviceFacility: { zip }, lines }));
}

const traceOf = (line: PricedLine | undefined, rule: string) => line?.rules.find((r) => r.rule === rule);

describe('Georgia: a surgery and a visit on the same day', () => {
  // 29881 (GLOB DAYS 090) and 99214-25 by the same provider on 2025-03-04.
  const bill = [
    { code: '29881', dateOfService: '2025-03-04', charge: '5000.00' },
    { code: '99214', modifiers: ['25'], dateOfService: '2025-03-04', charge: '400.00' },
  ];

  it("pays the visit in full: Georgia's recorded sources adopt no global surgery rule", () => {
    const priced = price('GA', '30303', bill);
    const [surgery, visit] = priced.lines;
    // GA Surgery.csv line 2049: 2111.51 < 5000.00 billed; E&M line 10: 226.57 < 400.00 billed.
    expect(surgery?.allowed).toBe('2111.51');
    expect(visit?.allowed).toBe('226.57');
    expect(traceOf(visit, 'global-surgery')?.decision).toBe('not-adopted');
    expect(
      priced.notices.some((n) => /Not applied \(not adopted by GA.*Global surgery/.test(n)),
      priced.notices.join('\n'),
    ).toBe(true);
    // What GA's file records and why: the ground rules are sold by FAIR Health and were not read.
    const ga = index.jurisdiction('GA');
    expect(ga?.policies).toBeUndefined();
    expect(ga?.paymentPolicies ?? null).toBeNull();
    expect(ga?.notes?.join(' ')).toMatch(/FAIR Health.*not read.*unknown, and none is applied/);
  });

  it('denies the same visit as US-MEDICARE, whose file adopts the global surgery rule (ch. 12 § 40.1)', () => {
    // 25 does not take a visit out of a 090 surgery's package on its day (§ 40.2.A.4: 57 does).
    const visit = price('US-MEDICARE', '19901', bill).lines[1];
    expect(traceOf(visit, 'global-surgery')?.decision).toBe('denied');
    expect(visit?.allowed).toBe('0.00');
    expect(visit?.adjustments.find((a) => a.internalCode === 'BR-GLOBAL-SURGERY')?.carc).toBe('97');
  });
});

describe("Alabama's own numbers (Ala. Admin. Code r. 480-5-5-.15)", () => {
  it('pays a bilateral 29881-50 at 180% of the unilateral allowance, (2)(c), citing the rule', () => {
    const line = price('AL', '35203', [
      { code: '29881', modifiers: ['50'], dateOfService: '2025-03-04', charge: '9000.00' },
    ]).lines[0];
    // AL row line 2033: 3426.77 for one side; BILAT SURG 1 (PPRRVU line 3235) takes the state's
    // 180%: 3426.77 × 1.80 = 6168.186, rounded half up once: 6168.19 (< 9000.00 billed).
    expect(line?.allowed).toBe('6168.19');
    const step = line?.explanation.find((s) => s.step === 'bilateral');
    expect(step?.result).toBe('6168.19');
    expect(step?.regulation?.citation).toMatch(/480-5-5-\.15.*\(2\)\(c\)/);
    expect(step?.regulation?.url).toMatch(/^https:\/\//);
  });

  it('gives a 090 surgery six follow-up weeks, (1): a visit 42 days after is included, 43 days after is paid', () => {
    const priced = price('AL', '35203', [
      { code: '29881', dateOfService: '2025-03-04', charge: '5000.00' },
      { code: '99214', dateOfService: '2025-04-15', charge: '200.00' },
      { code: '99214', dateOfService: '2025-04-16', charge: '200.00' },
    ]);
    const [, inside, after] = priced.lines;
    // 2025-03-04 + 42 days = 2025-04-15 (27 days to the end of March, 15 in April).
    expect(inside?.allowed).toBe('0.00');
    const denial = inside?.adjustments.find((a) => a.internalCode === 'BR-GLOBAL-SURGERY');
    expect(denial?.message).toMatch(/42-day global period.*AL's period for GLOB DAYS 090: 42 days/);
    expect(denial?.regulation?.citation).toMatch(/480-5-5-\.15.*six weeks/);
    // Medicare's 90 days would take this one too; Alabama's rule pays it: AL rows 9206-9210, 109.83.
    expect(after?.allowed).toBe('109.83');
    expect(traceOf(after, 'global-surgery')?.decision).toBe('no-change');
  });

  it('pays a visit the day before a 090 surgery, (1): services before surgery are paid fee for service', () => {
    const priced = price('AL', '35203', [
      { code: '99214', dateOfService: '2025-03-03', charge: '200.00' },
      { code: '29881', dateOfService: '2025-03-04', charge: '5000.00' },
    ]);
    expect(priced.lines[0]?.allowed).toBe('109.83');
    const medicare = price('US-MEDICARE', '19901', [
      { code: '99214', dateOfService: '2025-03-03', charge: '200.00' },
      { code: '29881', dateOfService: '2025-03-04', charge: '5000.00' },
    ]);
    // Medicare's 090 period starts the day before (§ 40.1): without 57 the visit is included.
    expect(traceOf(medicare.lines[0], 'global-surgery')?.decision).toBe('denied');
  });
});

describe("a state's own surgeon and multiple surgery percentages reach the line, with the state's clause", () => {
  // No state read sets its own assistant, co-surgeon or multiple surgery percentage, so these use
  // US-MEDICARE with state numbers added by the test (the numbers and the clause are the test's
  // input, not a fact about any state). 35301 (PPRRVU2025_Oct.csv line 4187: ASST SURG 2, CO SURG 1,
  // MULT PROC 2) in a facility in Delaware (GPCI2025.csv line 40: 1.009, 0.992, 0.949), 2025 CF
  // 32.3465: (21.16 × 1.009 + 6.66 × 0.992 + 5.30 × 0.949) × 32.3465 = 1067.01.
  const source = {
    citation: 'Test clause, not a state rule',
    url: 'https://example.org/test-clause',
    section: '(9)',
  };
  const context = (policies: Jurisdiction['policies']): RuleContext => {
    const medicare = index.jurisdiction('US-MEDICARE') as Jurisdiction;
    return {
      index,
      jurisdiction: { ...medicare, policies },
      bill: { priorVisits: {}, review: {} },
      feeOf: () => undefined,
    };
  };
  const rvu = (code: string): RvuEntry => {
    const edition = index.editionFor('pfs-rvu', '2025-03-04')?.edition;
    const row = edition && index.rvu(code, '', edition);
    if (!row) throw new Error(`no 2025 RVU row for ${code}`);
    return row;
  };
  const paid = (l: RuleLine, reduction: number | undefined) =>
    ((l.amount - (reduction ?? 0)) / 100).toFixed(2);

  it('pays an assistant (80) and a documented co-surgeon (62) at the state percentages', () => {
    const ctx = context({
      surgeons: {
        adopted: true,
        source,
        parameters: { assistantPercent: { value: '20', source }, coSurgeonPercent: { value: '50', source } },
      },
    });
    const lines = ruleLines(
      [
        { code: '35301', modifiers: ['80'], dateOfService: '2025-03-04', charge: '5000.00' },
        {
          code: '35301',
          modifiers: ['62'],
          dateOfService: '2025-03-04',
          charge: '5000.00',
          documentation: ['op-1'],
        },
      ],
      ['1067.01', '1067.01'],
      [{ rvu: rvu('35301') }, { rvu: rvu('35301') }],
    );
    const decisions = surgeonsRule.run(lines, ctx);
    // 1067.01 × 20% = 213.402 → 213.40; 1067.01 × 50% = 533.505 → 533.51 (half up, once).
    expect(decisions.map((d) => paid(lines[d.lineIndex] as RuleLine, d.reduction))).toEqual([
      '213.40',
      '533.51',
    ]);
    for (const d of decisions) {
      expect(d.regulation).toEqual({ citation: 'Test clause, not a state rule, (9)', url: source.url });
      expect(d.message).toMatch(/the state's rate, Test clause/);
    }
    // Without state numbers, Medicare's: 16% (170.72) and 62.5% (666.88), as test/full/payment-rules.
    const medicare = surgeonsRule.run(lines, context(undefined));
    expect(medicare.map((d) => paid(lines[d.lineIndex] as RuleLine, d.reduction))).toEqual([
      '170.72',
      '666.88',
    ]);
  });

  it('pays procedures after the highest at the state multiple surgery percentage', () => {
    // Claims Processing Manual ch. 12 § 40.6.2 example amounts (the test's inputs): 35301 1043.48,
    // 35201 922.90, 35261 1010.60; at a state 25%: 35261 1010.60 × 25% = 252.65, 35201 922.90 × 25%
    // = 230.725 → 230.73.
    const ctx = context({
      'multiple-procedure': {
        adopted: true,
        source,
        parameters: { multipleSurgeryPercent: { value: '25', source } },
      },
    });
    const on = (code: string) => ({ code, dateOfService: '2025-03-04', charge: '3000.00' });
    const lines = ruleLines(
      [on('35301'), on('35201'), on('35261')],
      ['1043.48', '922.90', '1010.60'],
      [{ rvu: rvu('35301') }, { rvu: rvu('35201') }, { rvu: rvu('35261') }],
    );
    const decisions = multipleProcedureRule.run(lines, ctx);
    const byCode = Object.fromEntries(
      decisions.map((d) => [
        (lines[d.lineIndex] as RuleLine).line.code,
        paid(lines[d.lineIndex] as RuleLine, d.reduction),
      ]),
    );
    expect(byCode).toEqual({ '35201': '230.73', '35261': '252.65' });
    expect(decisions[0]?.message).toMatch(
      /paid at 25% \(multiple surgery, Test clause, not a state rule, \(9\)\)/,
    );
  });
});

describe('Pennsylvania: the same bill priced on Medicare fees without Medicare payment rules', () => {
  // PA has no schedule of its own in our data (medicare-fallback) and its ground rules read adopt none
  // of Medicare's policies (34 Pa. Code §127.101 and §127.106 read; §§127.103-127.104 not): the lines
  // are priced on the Medicare rows, but Medicare's global surgery rule does not take the visit.
  const bill = [
    { code: '29881', placeOfService: '22', dateOfService: '2025-03-04', charge: '5000.00' },
    { code: '99214', modifiers: ['25'], placeOfService: '11', dateOfService: '2025-03-04', charge: '400.00' },
  ];

  it('pays the visit at its Medicare amount, the trace saying global surgery is not adopted by PA', () => {
    const priced = price('PA', '15213', bill);
    const [surgery, visit] = priced.lines;
    // 29881 facility: (7.03 × 1.000 + 8.22 × 0.927 + 1.39 × 0.925) × 32.3465 = 15.93569 × 32.3465
    // = 515.4638 → 515.46. 99214 non-facility: (1.92 × 1.000 + 1.80 × 0.927 + 0.15 × 0.925) × 32.3465
    // = 3.72735 × 32.3465 = 120.5667 → 120.57. Both under the charges billed.
    expect(surgery?.allowed).toBe('515.46');
    expect(visit?.allowed).toBe('120.57');
    expect(traceOf(visit, 'global-surgery')?.decision).toBe('not-adopted');
    expect(
      priced.notices.some((n) => /Not applied \(not adopted by PA.*Global surgery/.test(n)),
      priced.notices.join('\n'),
    ).toBe(true);
    expect(index.jurisdiction('PA')?.notes?.join(' ')).toMatch(/second reading.*§127\.101.*§127\.106/);
  });

  it('denies the same visit as US-MEDICARE in the same locality: the difference is the adoption, not the fee', () => {
    const priced = price('US-MEDICARE', '15213', bill);
    expect(priced.lines[0]?.allowed).toBe('515.46');
    const visit = priced.lines[1];
    expect(traceOf(visit, 'global-surgery')?.decision).toBe('denied');
    expect(visit?.allowed).toBe('0.00');
  });
});
