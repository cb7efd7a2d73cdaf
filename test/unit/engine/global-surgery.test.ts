import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { cents } from '../../../lambdas/engine/money.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { globalSurgeryRule } from '../../../lambdas/engine/rules/global-surgery.js';
import type { RuleContext, RuleLine } from '../../../lambdas/engine/rules/types.js';
import type { RvuEntry } from '../../../lambdas/fee-index/reader.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * GLOB DAYS from the 2025 PFS Relative Value File, October release
 * (reference-data/mpfs-rvu/PPRRVU2025_Oct.csv; the sample's pfs-rvu-2025 is made from it):
 *   line 3235   29881  GLOB DAYS 090
 *   line 1084   10060  GLOB DAYS 010
 *   line 14869  G0168  GLOB DAYS 000
 *   line 1957   22552  GLOB DAYS ZZZ
 *   line 1708   20999  GLOB DAYS YYY (status C, so the engine leaves it unpriced: called directly below)
 *   line 12807  99213  GLOB DAYS XXX
 * The visit's amount is its own fee schedule amount, as the engine prices it when nothing bundles
 * it: 99213 in Delaware, 2025 = (1.30×1.009 + 1.35×0.992 + 0.10×0.949) × 32.3465 = 88.82
 * (price-bill.test.ts). The same-day 000 case uses G0168, not 20610 (line 1644, also 000): NCCI PTP
 * edit 20610/99213 (modifier indicator 1) denies a same-day 99213 before this rule runs, and the
 * NCCI sample has no G0168/99213 edit.
 */
const index = sampleIndex();
const VISIT = '88.82';
const SURGEON = '1234567893';

const bill = (lines: object[], jurisdiction = 'US-MEDICARE') =>
  priceBill(
    index,
    normaliseBill({
      jurisdiction,
      serviceFacility: { zip: '19901' },
      renderingProvider: { npi: SURGEON },
      lines,
    }),
  );

const surgery = (code: string, dateOfService: string, modifiers: string[] = []) => ({
  code,
  modifiers,
  dateOfService,
  charge: '2000.00',
});
const visit = (dateOfService: string, modifiers: string[] = [], extra: object = {}) => ({
  code: '99213',
  modifiers,
  dateOfService,
  charge: '150.00',
  ...extra,
});

type Priced = ReturnType<typeof bill>;

function expectDenied(priced: Priced, at: number, message: string[] = []): void {
  const line = priced.lines[at];
  expect(line).toMatchObject({ allowed: '0.00', status: 'denied' });
  expect(line?.adjustments).toContainEqual(
    expect.objectContaining({ bucket: 'billReview', carc: '97', rarc: 'M144', amount: VISIT }),
  );
  const trace = line?.rules.find((r) => r.rule === 'global-surgery');
  expect(trace).toMatchObject({ rule: 'global-surgery', decision: 'denied' });
  for (const part of message) expect(trace?.message).toContain(part);
}

function expectPaid(priced: Priced, at: number): void {
  const line = priced.lines[at];
  expect(line).toMatchObject({ allowed: VISIT, status: 'priced' });
  expect(line?.rules).toContainEqual({ rule: 'global-surgery', decision: 'no-change' });
}

describe('global surgery rule', () => {
  describe('major surgery (GLOB DAYS 090)', () => {
    it('denies a visit by the surgeon 30 days after surgery (CARC 97, RARC M144, bill review bucket)', () => {
      const priced = bill([surgery('29881', '2025-03-04'), visit('2025-04-03')]);
      expectDenied(priced, 1, [
        'Line 2 (99213, 2025-04-03)',
        'line 1 (29881, 2025-03-04)',
        '30 days after surgery',
        'GLOB DAYS 090, 2025-03-03 to 2025-06-02',
      ]);
      // 150.00 billed: 61.18 over the fee schedule (CARC 45) + 88.82 in the surgery's global period
      expect(priced.lines[1]?.adjustments.map((a) => [a.bucket, a.carc, a.amount])).toEqual([
        ['feeSchedule', '45', '61.18'],
        ['billReview', '97', '88.82'],
      ]);
      expect(priced.lines[0]?.rules).toContainEqual({ rule: 'global-surgery', decision: 'no-change' });
    });

    it.each([['24'], ['79']])(
      'pays a postoperative visit billed with modifier %s (unrelated to the surgery)',
      (m) => {
        expectPaid(bill([surgery('29881', '2025-03-04'), visit('2025-04-03', [m])]), 1);
      },
    );

    it('ends the period 90 days after the day of surgery', () => {
      const priced = bill([surgery('29881', '2025-03-04'), visit('2025-06-02'), visit('2025-06-03')]);
      expectDenied(priced, 1, ['90 days after surgery']);
      expectPaid(priced, 2);
    });

    it('denies a visit the day before surgery, and pays it with modifier 57 (decision for surgery)', () => {
      const without = bill([surgery('29881', '2025-03-04'), visit('2025-03-03')]);
      expectDenied(without, 1, ['the day before surgery', 'modifier 57']);
      expectPaid(bill([surgery('29881', '2025-03-04'), visit('2025-03-03', ['57'])]), 1);
      // two days before is outside the period
      expectPaid(bill([surgery('29881', '2025-03-04'), visit('2025-03-02')]), 1);
    });

    it('pays a visit on the day of surgery with 57, and denies it with 25 (§ 40.2.A.4: 57, not 25)', () => {
      expectPaid(bill([surgery('29881', '2025-03-04'), visit('2025-03-04', ['57'])]), 1);
      expectDenied(bill([surgery('29881', '2025-03-04'), visit('2025-03-04', ['25'])]), 1, [
        'the day of surgery',
      ]);
    });
  });

  describe('minor procedures (GLOB DAYS 010 and 000)', () => {
    it('pays a visit the day before a 010 procedure (no preoperative day)', () => {
      expectPaid(bill([surgery('10060', '2025-03-04'), visit('2025-03-03')]), 1);
    });

    it('denies a visit 10 days after a 010 procedure and pays one on day 11', () => {
      const priced = bill([surgery('10060', '2025-03-04'), visit('2025-03-14'), visit('2025-03-15')]);
      expectDenied(priced, 1, ['10 days after surgery', 'GLOB DAYS 010, 2025-03-04 to 2025-03-14']);
      expectPaid(priced, 2);
    });

    it('denies a visit on the day of a 000 procedure, and pays it with modifier 25', () => {
      expectDenied(bill([surgery('G0168', '2025-03-04'), visit('2025-03-04')]), 1, [
        'line 1 (G0168, 2025-03-04)',
        'GLOB DAYS 000, 2025-03-04 to 2025-03-04',
        'modifier 25',
      ]);
      expectPaid(bill([surgery('G0168', '2025-03-04'), visit('2025-03-04', ['25'])]), 1);
      expectPaid(bill([surgery('G0168', '2025-03-04'), visit('2025-03-05')]), 1);
    });

    it('does not take modifier 57 on the day of a minor procedure (§ 40.2.A.4)', () => {
      // NCCI PTP 10060/99213 is bypassed by 57; the global surgery rule still bundles the visit.
      expectDenied(bill([surgery('10060', '2025-03-04'), visit('2025-03-04', ['57'])]), 1);
      expectPaid(bill([surgery('10060', '2025-03-04'), visit('2025-03-04', ['25'])]), 1);
    });
  });

  describe('which surgeries open a period', () => {
    it('pays a visit by another provider (renderingProviderNpi) inside the period', () => {
      const priced = bill([
        surgery('29881', '2025-03-04'),
        visit('2025-04-03', [], { renderingProviderNpi: '1245319599' }),
      ]);
      expectPaid(priced, 1);
    });

    it('opens no period for an add-on code (ZZZ)', () => {
      expectPaid(bill([surgery('22552', '2025-03-04'), visit('2025-04-03')]), 1);
    });

    it('opens no postoperative period for a surgery billed as surgical care only (54)', () => {
      const priced = bill([surgery('29881', '2025-03-04', ['54']), visit('2025-04-03'), visit('2025-03-03')]);
      expectPaid(priced, 1);
      expectDenied(priced, 2, ['the day before surgery', 'GLOB DAYS 090, 2025-03-03 to 2025-03-04']);
    });

    it('names the lowest-numbered surgery, and allows the same per line in either order', () => {
      const lines = [
        { lineNumber: 1, ...surgery('29881', '2025-03-04') },
        { lineNumber: 2, ...surgery('10060', '2025-03-20') },
        { lineNumber: 3, ...visit('2025-03-25') },
        { lineNumber: 4, ...visit('2025-03-26', ['24']) },
        { lineNumber: 5, ...visit('2025-07-01') },
      ];
      const forward = bill(lines);
      const reverse = bill([...lines].reverse());
      const allowed = (p: Priced) => Object.fromEntries(p.lines.map((l) => [l.lineNumber, l.allowed]));
      expect(allowed(reverse)).toEqual(allowed(forward));
      expect(allowed(forward)).toMatchObject({ 3: '0.00', 4: VISIT, 5: VISIT });
      for (const p of [forward, reverse]) {
        const line3 = p.lines.find((l) => l.lineNumber === 3);
        expect(line3?.rules.find((r) => r.rule === 'global-surgery')?.message).toContain(
          'line 1 (29881, 2025-03-04)',
        );
      }
    });
  });

  it('is not applied where the jurisdiction has not adopted the payment policies (Delaware), and says so', () => {
    const priced = bill([surgery('29881', '2025-03-04'), visit('2025-04-03')], 'DE');
    expect(priced.lines[1]).toMatchObject({ allowed: VISIT, status: 'priced' });
    expect(priced.lines[1]?.rules).toContainEqual({ rule: 'global-surgery', decision: 'not-adopted' });
  });

  describe('called directly', () => {
    const edition = index.editionFor('pfs-rvu', '2025-03-04')?.edition;
    const rvuOf = (code: string): RvuEntry => {
      const entry = edition && index.rvu(code, '', edition);
      if (!entry) throw new Error(`no 2025 RVU row for ${code} in the sample`);
      return entry;
    };
    const ctx = {} as RuleContext;
    // Amounts are inputs here (the rule's reduction is the visit's amount, whatever it is).
    const ruleLines = (lines: object[], rvus: (RvuEntry | undefined)[]): RuleLine[] =>
      normaliseBill({ jurisdiction: 'US-MEDICARE', lines }).lines.map((line, i) => ({
        line,
        unitAmount: cents(10_000),
        amount: cents(10_000),
        units: 1,
        rvu: rvus[i],
        pePart: undefined,
      }));

    it('flags, without reducing, a visit after a procedure whose period the payer sets (YYY)', () => {
      expect(rvuOf('20999').globalDays).toBe('YYY');
      const lines = ruleLines(
        [surgery('20999', '2025-03-04'), visit('2025-04-03')],
        [rvuOf('20999'), rvuOf('99213')],
      );
      const [decision, ...rest] = globalSurgeryRule.run(lines, ctx);
      expect(rest).toEqual([]);
      expect(decision).toMatchObject({ lineIndex: 1, decision: 'flagged', reduction: 0 });
      expect(decision?.reason).toBeUndefined();
      expect(decision?.message).toContain('GLOB DAYS YYY');
    });

    it('leaves a YYY visit billed with 24 alone', () => {
      const lines = ruleLines(
        [surgery('20999', '2025-03-04'), visit('2025-04-03', ['24'])],
        [rvuOf('20999'), rvuOf('99213')],
      );
      expect(globalSurgeryRule.run(lines, ctx)).toEqual([]);
    });

    it('never lets an E/M line open a period, whatever its GLOB DAYS', () => {
      const em = { ...rvuOf('99213'), globalDays: '090' };
      const lines = ruleLines([visit('2025-03-04'), visit('2025-03-05', ['25'])], [em, em]);
      expect(globalSurgeryRule.run(lines, ctx)).toEqual([]);
    });
  });
});
