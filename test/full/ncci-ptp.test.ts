import { beforeAll, describe, expect, it } from 'vitest';
import { ncciPtpRule } from '../../lambdas/engine/rules/ncci-ptp.js';
import type { RuleLine } from '../../lambdas/engine/rules/types.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { priceLines } from '../support/bills.js';
import { nationalIndex } from '../support/national-index.js';
import { ruleContext, ruleLines } from '../support/rules.js';

/*
 * NCCI PTP on the full 2,140,693 pairs. Edits cited from
 * ncci/ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz (line numbers of the unzipped file):
 *   line 2123115  97140,97530,1  (mutually exclusive; modifier indicator 1)
 *   line 1974544  72148,72149,0  (modifier indicator 0; HCPCS/CPT procedure code definition)
 * The undated table lists the lexically lower code first, which is not CMS's order: the rule infers
 * the order (lambdas/engine/rules/ncci-order.ts), and these tests were changed with issue 14 where
 * they had read the file's order as CMS's (72148 is column 2 of 72149, not the other way).
 * and from the dated CMS excerpt ncci/raw_format_excerpts/ccipra-v322r0-f1.SUBSET_of_excerpt.txt:
 *   line 16  0001A 99202 effective 20220101 deleted 20231231, indicator 1 (the undated file, line 30,
 *            still lists 0001A,99202 without dates)
 *   line 12  0001A 90473 effective 20220101 deleted 20220101, indicator 9
 * Fee schedule amounts, Delaware (ZIP 19901, carrier 12102 locality 01, GPCI2025.csv line 40:
 * 1.009, 0.992, 0.949), 2025, non-facility, CF 32.3465, from PPRRVU2025_Oct.csv:
 *   97140 line 12663 (0.43, 0.40, 0.01): 27.18     97530 line 12685 (0.44, 0.62, 0.01): 34.56
 *   72148 line 7835 (1.48, 4.25, 0.09): 187.44     72149 line 7838 (1.78, 6.32, 0.13): 264.88
 */
/**
 * Both therapy lines paid on one day by one provider: the therapy reduction (MULT PROC 5) takes half
 * the practice expense of 97140 (0.40 × 0.992 × 32.3465 = 12.84; 6.42), as 97530's is higher.
 */
const BOTH_PAID = ['20.76', '34.56'];

let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

const price = (lines: object[], jurisdiction = 'US-MEDICARE') => priceLines(index, lines, { jurisdiction });

const visit = (code: string, extra: object = {}) => ({
  code,
  dateOfService: '2025-03-04',
  charge: '300.00',
  ...extra,
});

describe('NCCI procedure-to-procedure edits on the full table', () => {
  it('denies the column 2 line of an indicator 1 edit billed without a bypass modifier (CARC 236)', () => {
    const priced = price([visit('97140'), visit('97530')]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['27.18', '0.00']);
    expect(priced.lines[1]?.status).toBe('denied');
    expect(priced.lines[1]?.adjustments.map((a) => [a.bucket, a.carc, a.groupCode, a.amount])).toEqual([
      ['feeSchedule', '45', 'CO', '265.44'],
      ['billReview', '236', 'CO', '34.56'],
    ]);
    const trace = priced.lines[1]?.rules.find((r) => r.rule === 'ncci-ptp');
    expect(trace?.decision).toBe('denied');
    expect(trace?.message).toContain('97140/97530');
    expect(trace?.message).toContain('Mutually exclusive procedures');
    expect(trace?.message).toContain('undated');
    // Mutually exclusive: the higher work RVU is column 2 (97530 0.44 > 97140 0.43), not file order.
    expect(trace?.message).toContain('column order inferred: mutually exclusive edit');
    expect(trace?.message).toContain('97530 work RVU 0.44 > 97140 0.43');
    expect(priced.lines[1]?.adjustments[1]?.regulation?.citation).toContain(
      'National Correct Coding Initiative',
    );
  });

  it.each(['59', 'XU', 'XS'])('lets modifier %s bypass an indicator 1 edit, and says so', (modifier) => {
    const priced = price([visit('97140'), visit('97530', { modifiers: [modifier] })]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(BOTH_PAID);
    const trace = priced.lines[1]?.rules.find((r) => r.rule === 'ncci-ptp');
    expect(trace).toMatchObject({ decision: 'no-change' });
    expect(trace?.message).toContain(`modifier ${modifier}`);
  });

  it('accepts the bypass modifier on the column 1 line too', () => {
    const priced = price([visit('97140', { modifiers: ['59'] }), visit('97530')]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(BOTH_PAID);
  });

  it('never bypasses an indicator 0 edit, whatever the modifier', () => {
    // The undated table lists 72148 first; the order is inferred: 72148 total non-facility RVU
    // 1.48 + 4.25 + 0.09 = 5.82 < 72149 1.78 + 6.32 + 0.13 = 8.23, so 72148 is column 2.
    const priced = price([
      visit('72148', { charge: '900.00', modifiers: ['59'] }),
      visit('72149', { charge: '900.00' }),
    ]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['0.00', '264.88']);
    expect(priced.lines[0]?.adjustments.at(-1)).toMatchObject({ carc: '236', amount: '187.44' });
    expect(priced.lines[0]?.rules.find((r) => r.rule === 'ncci-ptp')?.message).toContain(
      'column order inferred: 72148 total non-facility RVU 5.82 < 72149 8.23',
    );
  });

  it('pays both when the same anatomic modifier is on both lines (same site), and not otherwise', () => {
    const same = price([visit('97140', { modifiers: ['RT'] }), visit('97530', { modifiers: ['RT'] })]);
    expect(same.lines.map((l) => l.allowed)).toEqual(['27.18', '0.00']);
    const sides = price([visit('97140', { modifiers: ['RT'] }), visit('97530', { modifiers: ['LT'] })]);
    expect(sides.lines.map((l) => l.allowed)).toEqual(BOTH_PAID);
  });

  it('applies only between lines of the same date and the same provider', () => {
    const days = price([visit('97140'), visit('97530', { dateOfService: '2025-03-05' })]);
    expect(days.lines.map((l) => l.allowed)).toEqual(['27.18', '34.56']);
    const providers = price([
      visit('97140', { renderingProviderNpi: '1234567893' }),
      visit('97530', { renderingProviderNpi: '1245319599' }),
    ]);
    expect(providers.lines.map((l) => l.allowed)).toEqual(['27.18', '34.56']);
  });

  it('gives the same answer whatever the order of the lines', () => {
    const lines = [
      visit('72149', { lineNumber: 1, charge: '900.00' }),
      visit('97530', { lineNumber: 2 }),
      visit('72148', { lineNumber: 3, charge: '900.00' }),
      visit('97140', { lineNumber: 4 }),
    ];
    const byNumber = (p: ReturnType<typeof price>) =>
      Object.fromEntries(p.lines.map((l) => [l.lineNumber, l.allowed]));
    const forward = byNumber(price(lines));
    expect(forward).toEqual({ 1: '264.88', 2: '0.00', 3: '0.00', 4: '27.18' });
    expect(byNumber(price([...lines].reverse()))).toEqual(forward);
  });

  it('does not run where the jurisdiction has not adopted NCCI (Delaware: not known)', () => {
    const priced = price([visit('97140'), visit('97530')], 'DE');
    expect(priced.lines[1]?.rules).toContainEqual({ rule: 'ncci-ptp', decision: 'not-adopted' });
  });
});

describe('dated CMS edits decide over the undated table', () => {
  // Amounts here are the test's inputs: the rule's choice of edit is what is checked.
  const pair = (date: string) =>
    ruleLines(
      [
        { code: '0001A', dateOfService: date, charge: '50.00' },
        { code: '99202', dateOfService: date, charge: '120.00' },
      ],
      ['40.00', '70.00'],
    );

  it('denies inside the dated edit’s effective and deletion dates', () => {
    const decisions = ncciPtpRule.run(pair('2023-06-01'), ruleContext(index, 'US-MEDICARE'));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      lineIndex: 1,
      decision: 'denied',
      reduction: 7000,
      reason: 'BR-NCCI-PTP',
    });
    expect(decisions[0]?.message).toContain('effective 2022-01-01, deleted after 2023-12-31');
  });

  it('finds the dated edit whichever line comes first, and keeps its order (99202 is column 2)', () => {
    const [a, b] = pair('2023-06-01');
    const decisions = ncciPtpRule.run([b, a] as RuleLine[], ruleContext(index, 'US-MEDICARE'));
    expect(decisions).toEqual([
      expect.objectContaining({ lineIndex: 0, decision: 'denied', reduction: 7000 }),
    ]);
    expect(decisions[0]?.message).toContain('NCCI PTP edit 0001A/99202');
    expect(decisions[0]?.message).not.toContain('column order inferred');
  });

  it('does not deny after the dated deletion, although the undated table still lists the pair', () => {
    const undated = index.editions('ncci-ptp').find((e) => e.id.includes('derived'));
    expect(undated && index.ptpEdit(undated, '0001A', '99202')).toMatchObject({ modifierIndicator: 1 });
    expect(ncciPtpRule.run(pair('2024-03-01'), ruleContext(index, 'US-MEDICARE'))).toEqual([]);
  });

  it('ignores an indicator 9 edit (not applicable)', () => {
    const lines = ruleLines(
      [
        { code: '0001A', dateOfService: '2022-01-01', charge: '50.00' },
        { code: '90473', dateOfService: '2022-01-01', charge: '50.00' },
      ],
      ['40.00', '20.00'],
    );
    expect(ncciPtpRule.run(lines, ruleContext(index, 'US-MEDICARE'))).toEqual([]);
  });
});
