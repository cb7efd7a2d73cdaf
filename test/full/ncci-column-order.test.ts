import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceDataDir } from '../../fee-data/paths.js';
import { normaliseBill } from '../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../lambdas/engine/price-bill.js';
import { inferColumnOrder } from '../../lambdas/engine/rules/ncci-order.js';
import { ncciPtpRule } from '../../lambdas/engine/rules/ncci-ptp.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';
import { ruleContext, ruleLines } from '../support/rules.js';

/*
 * Issue 14, item 1: the undated table (ncci/ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz,
 * line numbers of the unzipped file, header = line 1) files every pair under its lexically lower
 * code. CMS lists the other code first for these five pairs; the rows and their indicators:
 *   line  798872  20610,27447,1,Standards of medical/surgical practice      (CMS: 27447 over 20610)
 *   line 1485861  43235,43239,0,CPT Separate procedure definition           (CMS: 43239 over 43235)
 *   line 1338115  36000,36556,1,Standards of medical/surgical practice      (CMS: 36556 over 36000)
 *   line 1137358  29870,29880,1,CPT Separate procedure definition           (CMS: 29880 over 29870)
 *   line 1558956  45378,45380,0,CPT Separate procedure definition           (CMS: 45380 over 45378)
 *
 * Fees: Delaware, ZIP 19901 (carrier 12102 locality 01, GPCI2025.csv line 40: work 1.009, PE 0.992,
 * MP 0.949), 2025, CF 32.3465, from PPRRVU2025_Oct.csv (work, non-facility PE, facility PE, MP;
 * total non-facility, total facility):
 *   27447 line 2773  (19.60, 15.30 NA, 15.30, 3.98; 38.88, 38.88)
 *     facility: 19.60×1.009 + 15.30×0.992 + 3.98×0.949 = 19.7764 + 15.1776 + 3.77702 = 38.73102
 *               × 32.3465 = 1252.8129 → 1252.81
 *   20610 line 1644  (0.79, 1.04, 0.44, 0.13; 1.96, 1.36)
 *     facility: 0.79711 + 0.43648 + 0.12337 = 1.35696 × 32.3465 = 43.8929 → 43.89
 *   29880 line 3234  (7.39, 8.40 NA, 8.40, 1.47; 17.26, 17.26)
 *     facility: 7.45651 + 8.3328 + 1.39503 = 17.18434 × 32.3465 = 555.8533 → 555.85
 *   29870 line 3226  (5.19, 10.76, 6.56, 1.01; 16.96, 12.76)
 *     facility: 5.23671 + 6.50752 + 0.95849 = 12.70272 × 32.3465 = 410.8885 → 410.89
 *   43239 line 5012  (2.39, 8.36, 1.42, 0.29; 11.04, 4.10)
 *     non-facility: 2.41151 + 8.29312 + 0.27521 = 10.97984 × 32.3465 = 355.1594 → 355.16
 *   43235 line 5008  (2.09, 6.18, 1.29, 0.27; 8.54, 3.65)
 *     non-facility: 2.10881 + 6.13056 + 0.25623 = 8.4956 × 32.3465 = 274.8029 → 274.80
 *   45380 line 5360  (3.56, 8.79, 1.93, 0.47; 12.82, 5.96)
 *     non-facility: 3.59204 + 8.71968 + 0.44603 = 12.75775 × 32.3465 = 412.6686 → 412.67
 *   45378 line 5357  (3.26, 6.44, 1.79, 0.43; 10.13, 5.48)
 *     non-facility: 3.28934 + 6.38848 + 0.40807 = 10.08589 × 32.3465 = 326.2432 → 326.24
 *   36556 line 4379  (1.75, 4.25, 0.52, 0.22; 6.22, 2.49)
 *     non-facility: 1.76575 + 4.216 + 0.20878 = 6.19053 × 32.3465 = 200.2420 → 200.24
 *   36000 line 4304  status B (bundled: Medicare pays nothing for it separately, whatever the edits)
 * When a bypass lets both lines through, the second procedure is paid at 50% (MULT PROC 2, Claims
 * Processing Manual ch. 12 § 40.6), one rounding half up: 20610 43.89 × 50% = 21.945 → 21.95;
 * 29870 410.89 × 50% = 205.445 → 205.45.
 */

let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

const price = (lines: object[], placeOfService: string) =>
  priceBill(
    index,
    normaliseBill({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, placeOfService, lines }),
  );

const line = (code: string, modifiers: string[] = []) => ({
  code,
  modifiers,
  dateOfService: '2025-03-04',
  charge: '5000.00',
});

interface Pair {
  readonly column1: string;
  readonly column2: string;
  readonly indicator: 0 | 1;
  readonly placeOfService: string;
  readonly setting: string;
  /** Fee of the column 1 line, worked above. */
  readonly fee1: string;
  /** Fee of the column 2 line (the denial's amount), worked above. */
  readonly fee2: string;
  /** The column 2 line's allowance when a bypass lets it through (50%, worked above). */
  readonly bypassed2?: string;
}

const PAIRS: readonly Pair[] = [
  {
    column1: '27447',
    column2: '20610',
    indicator: 1,
    placeOfService: '22',
    setting: 'facility',
    fee1: '1252.81',
    fee2: '43.89',
    bypassed2: '21.95',
  },
  {
    column1: '29880',
    column2: '29870',
    indicator: 1,
    placeOfService: '22',
    setting: 'facility',
    fee1: '555.85',
    fee2: '410.89',
    bypassed2: '205.45',
  },
  {
    column1: '43239',
    column2: '43235',
    indicator: 0,
    placeOfService: '11',
    setting: 'non-facility',
    fee1: '355.16',
    fee2: '274.80',
  },
  {
    column1: '45380',
    column2: '45378',
    indicator: 0,
    placeOfService: '11',
    setting: 'non-facility',
    fee1: '412.67',
    fee2: '326.24',
  },
];

/** Lines in the given order; returns [column 1 line, column 2 line] of the priced bill. */
function pricePair(p: Pair, column2First: boolean, mod1: string[] = [], mod2: string[] = []) {
  const c1 = line(p.column1, mod1);
  const c2 = line(p.column2, mod2);
  const priced = price(column2First ? [c2, c1] : [c1, c2], p.placeOfService);
  const byCode = (code: string) => priced.lines.find((l) => l.code === code);
  return [byCode(p.column1), byCode(p.column2)] as const;
}

describe('NCCI column order of pairs only the undated table holds (issue 14, item 1)', () => {
  describe.each(PAIRS)('$column1 over $column2 (indicator $indicator)', (p) => {
    it.each([false, true])(
      'pays column 1 its fee and denies the component (CARC 236), column 2 first: %s',
      (column2First) => {
        const [first, second] = pricePair(p, column2First);
        expect(first?.allowed).toBe(p.fee1);
        expect(first?.status).not.toBe('denied');
        expect(second?.allowed).toBe('0.00');
        expect(second?.status).toBe('denied');
        expect(second?.adjustments.at(-1)).toMatchObject({ carc: '236', amount: p.fee2 });
        const trace = second?.rules.find((r) => r.rule === 'ncci-ptp');
        expect(trace?.decision).toBe('denied');
        expect(trace?.message).toContain(`NCCI PTP edit ${p.column1}/${p.column2}`);
        expect(trace?.message).toContain(`column order inferred: ${p.column2} total ${p.setting} RVU`);
        expect(trace?.message).toContain("the undated table's order is not CMS's");
        expect(first?.rules.find((r) => r.rule === 'ncci-ptp')?.decision).toBe('no-change');
      },
    );

    if (p.indicator === 1) {
      it.each([
        ['59 on the component', [], ['59']],
        ['XS on the comprehensive code', ['XS'], []],
      ])('lets a bypass modifier through (%s), and says the order was inferred', (_, mod1, mod2) => {
        for (const column2First of [false, true]) {
          const [first, second] = pricePair(p, column2First, mod1, mod2);
          expect(first?.allowed).toBe(p.fee1);
          expect(second?.allowed).toBe(p.bypassed2);
          const trace = second?.rules.find((r) => r.rule === 'ncci-ptp');
          expect(trace?.decision).toBe('no-change');
          expect(trace?.message).toContain('is bypassed');
          expect(trace?.message).toContain('column order inferred');
        }
      });
    } else {
      it('cannot be bypassed: indicator 0 denies the component even with 59 or XS', () => {
        for (const column2First of [false, true]) {
          const [first, second] = pricePair(p, column2First, ['XS'], ['59']);
          expect(first?.allowed).toBe(p.fee1);
          expect(second?.allowed).toBe('0.00');
          expect(second?.adjustments.at(-1)).toMatchObject({ carc: '236', amount: p.fee2 });
        }
      });
    }
  });

  describe('36556 over 36000 (indicator 1)', () => {
    it('pays 36556 its fee; 36000 is status B, not paid separately before any edit', () => {
      for (const lines of [
        [line('36556'), line('36000')],
        [line('36000'), line('36556')],
      ]) {
        const priced = price(lines, '11');
        const central = priced.lines.find((l) => l.code === '36556');
        expect(central?.allowed).toBe('200.24');
        expect(central?.rules.find((r) => r.rule === 'ncci-ptp')?.decision).toBe('no-change');
        expect(priced.lines.find((l) => l.code === '36000')?.allowed).toBe('0.00');
      }
    });

    // The rule on its own, with amounts as the test's inputs (36000 would be priced 29.91 were it not
    // status B: 0.18×1.009 + 0.73×0.992 + 0.02×0.949 = 0.92476 × 32.3465 = 29.9127), so that the
    // order the rule infers is what is checked.
    const lines = (order: 'forward' | 'reverse', modifiers: string[] = []) => {
      const a = { code: '36556', dateOfService: '2025-03-04', charge: '500.00' };
      const b = { code: '36000', dateOfService: '2025-03-04', charge: '100.00', modifiers };
      return order === 'forward'
        ? { rl: ruleLines([a, b], ['200.24', '29.91']), denied: 1 }
        : { rl: ruleLines([b, a], ['29.91', '200.24']), denied: 0 };
    };

    it.each(['forward', 'reverse'] as const)('denies 36000, never 36556 (%s)', (order) => {
      const { rl, denied } = lines(order);
      const decisions = ncciPtpRule.run(rl, ruleContext(index, 'US-MEDICARE'));
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({ lineIndex: denied, decision: 'denied', reduction: 2991 });
      expect(decisions[0]?.message).toContain('NCCI PTP edit 36556/36000');
      expect(decisions[0]?.message).toContain(
        'column order inferred: 36000 total non-facility RVU 0.93 < 36556 6.22',
      );
    });

    it('lets 59 on 36000 bypass it', () => {
      const { rl, denied } = lines('reverse', ['59']);
      const decisions = ncciPtpRule.run(rl, ruleContext(index, 'US-MEDICARE'));
      expect(decisions).toEqual([
        expect.objectContaining({ lineIndex: denied, decision: 'no-change', reduction: 0 }),
      ]);
    });
  });

  it('reads the setting of the line: facility PE for place of service 22, non-facility for 11', () => {
    const facility = pricePair(PAIRS[0] as Pair, false)[1]?.rules.find((r) => r.rule === 'ncci-ptp');
    expect(facility?.message).toContain('20610 total facility RVU 1.36 < 27447 38.88');
    const office = price([line('27447'), line('20610')], '11').lines[1]?.rules.find(
      (r) => r.rule === 'ncci-ptp',
    );
    expect(office?.message).toContain('20610 total non-facility RVU 1.96 < 27447 38.88');
  });

  it('puts an E/M visit in column 2 of a procedure (29881 line 1139352: 29881,99214,1)', () => {
    for (const reverse of [false, true]) {
      const lines = [line('29881'), line('99214')];
      const priced = price(reverse ? lines.reverse() : lines, '11');
      const visit = priced.lines.find((l) => l.code === '99214');
      expect(visit?.allowed).toBe('0.00');
      expect(visit?.rules.find((r) => r.rule === 'ncci-ptp')?.message).toContain(
        '99214 is an evaluation and management service reported with 29881, so it is column 2',
      );
    }
  });
});

describe('where RVUs cannot order a pair, and the anesthesia rationales', () => {
  // Undated table line 2007938: 80048,82565,1,Laboratory panel. Both are status X without RVUs in
  // PPRRVU2025_Oct.csv (lines 9405 and 9977); CLFS_2025_Q4V1.csv line 562: 80048 8.46, line 1096:
  // 82565 5.12. The panel is the comprehensive code (CMS: 80048 over 82565).
  it('compares the fee schedule amounts the lines were priced at, and says so', () => {
    for (const reverse of [false, true]) {
      const lines = [line('80048'), line('82565')];
      const priced = price(reverse ? lines.reverse() : lines, '11');
      const panel = priced.lines.find((l) => l.code === '80048');
      const creatinine = priced.lines.find((l) => l.code === '82565');
      expect(panel?.allowed).toBe('8.46');
      expect(creatinine?.adjustments.at(-1)).toMatchObject({ carc: '236', amount: '5.12' });
      const message = creatinine?.rules.find((r) => r.rule === 'ncci-ptp')?.message;
      expect(message).toContain('80048 has no RVUs in RVU25D (October 2025 release) (status X, line 9405)');
      expect(message).toContain('82565 $5.12 < 80048 $8.46');
    }
  });

  it('falls to a fixed, stated tie-break when the amounts are equal too', () => {
    const lines = ruleLines(
      [
        { code: '82565', dateOfService: '2025-03-04', charge: '20.00' },
        { code: '80048', dateOfService: '2025-03-04', charge: '20.00' },
      ],
      ['5.00', '5.00'],
    );
    const decisions = ncciPtpRule.run(lines, ruleContext(index, 'US-MEDICARE'));
    expect(decisions).toEqual([expect.objectContaining({ lineIndex: 0, decision: 'denied' })]);
    expect(decisions[0]?.message).toContain('82565, the code that sorts higher, is taken as column 2');
  });

  // Amounts are the test's inputs: the order the rule infers is what is checked.
  it.each([
    // Undated line 50231: 00670,36600,1,Standard preparation/monitoring services for anesthesia.
    // 00670 has no RVUs (status J, PPRRVU line 99); 36600 has (line 4411): the rationale decides.
    ['00670', '36600', '36600', 'the anesthesia code 00670 is column 1'],
    // Undated line 416293: 11042,64483,0,Anesthesia service included in surgical procedure.
    // By RVUs 64483 (7.30) would be column 1 over 11042 (3.87); the rationale puts the block second.
    ['11042', '64483', '64483', 'the anesthesia service 64483 is column 2 of the procedure 11042'],
  ])('orders %s and %s by the anesthesia rationale, denying %s', (a, b, denied, words) => {
    for (const reverse of [false, true]) {
      const bill = [
        { code: a, dateOfService: '2025-03-04', charge: '900.00' },
        { code: b, dateOfService: '2025-03-04', charge: '900.00' },
      ];
      const lines = ruleLines(reverse ? bill.reverse() : bill, ['300.00', '400.00']);
      const decisions = ncciPtpRule.run(lines, ruleContext(index, 'US-MEDICARE'));
      expect(decisions).toHaveLength(1);
      expect(lines[decisions[0]?.lineIndex as number]?.line.code).toBe(denied);
      expect(decisions[0]?.message).toContain(words);
    }
  });
});

describe("the inference against CMS's own order in the dated excerpt (ccipra-v322r0-f1)", () => {
  /*
   * Every row of ncci/raw_format_excerpts/ccipra-v322r0-f1.SUBSET_of_excerpt.txt whose pair the
   * undated table also holds (92 of its 100 rows), inferred for a 2025 date in the office setting
   * with no line amounts (so a pair whose codes have no RVUs in PPRRVU2025_Oct.csv stays undecided:
   * 0001A, 0001M and 0001U have no row there, and 0591T–0593T, G0008–G0010, G0463, 80050 and the
   * lab codes have rows without RVUs). 45 rows are 0001A against an E/M code (99202–99497):
   * the E/M is column 2 in CMS's file, as inferred. 0001A against 36591, 96160 and 96523 and the
   * G codes, 0001M and 0001U rows have no RVUs on one side: undecided. None disagrees.
   */
  it('agrees on every row it can decide, and says which it cannot', () => {
    const path = join(
      referenceDataDir(),
      'ncci',
      'raw_format_excerpts',
      'ccipra-v322r0-f1.SUBSET_of_excerpt.txt',
    );
    const undated = index.editions('ncci-ptp').find((e) => e.id.includes('derived'));
    if (!undated) throw new Error('no undated PTP edition in the national index');
    const tally = { agree: 0, disagree: [] as string[], undecided: 0 };
    for (const row of readFileSync(path, 'latin1').split(/\r?\n/).slice(6)) {
      const [column1, column2] = row.split('\t');
      if (!column1 || !column2) continue;
      const [lo, hi] = column1 < column2 ? [column1, column2] : [column2, column1];
      const edit = index.ptpEdit(undated, lo, hi);
      if (!edit) continue;
      const order = inferColumnOrder(
        index,
        edit.rationale,
        '2025-03-04',
        { code: column1, placeOfService: '11' },
        { code: column2, placeOfService: '11' },
      );
      if (!order) tally.undecided++;
      else if (order.column1 === column1 && order.column2 === column2) tally.agree++;
      else tally.disagree.push(`${column1}/${column2}`);
    }
    expect(tally).toEqual({ agree: 45, disagree: [], undecided: 47 });
  });
});
