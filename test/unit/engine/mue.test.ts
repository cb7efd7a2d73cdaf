import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type Jurisdiction, JurisdictionSchema } from '../../../lambdas/domain/jurisdiction-schema.js';
import type { PricedLine } from '../../../lambdas/engine/priced-bill.js';
import { mueRule } from '../../../lambdas/engine/rules/mue.js';
import { lineOn, priceLines } from '../../support/bills.js';
import { sampleIndex } from '../../support/fee-index.js';
import { ruleContext, ruleLines } from '../../support/rules.js';

/*
 * MUEs from ncci/mue_practitioner_derived.csv (hcpcs, mue_value, mai, rationale):
 *   line 1018  "10060,1,2,Code Descriptor / CPT Instruction"   MAI 2 (date of service edit: policy)
 *   line 2591  "27447,1,2,CMS Policy"                          MAI 2
 *   line 10340 "99213,2,3,Clinical: Data"                      MAI 3 (date of service edit: clinical)
 *   line 10188 "97110,6,3,Clinical: Data"                      MAI 3
 * Fees: Delaware (ZIP 19901; GPCI2025.csv line 40: work 1.009, PE 0.992, MP 0.949), 2025, CF 32.3465
 * (PPRRVU2025_Oct.csv), rounded once, half up: [(work × 1.009) + (PE × 0.992) + (MP × 0.949)] × CF.
 *   99213 line 12807 (1.30, 1.35, 0.10): (1.3117 + 1.3392 + 0.0949) × 32.3465 = 2.7458 × 32.3465 = 88.817… → 88.82
 *   10060 line 1084 (1.22, 2.49, 0.13): (1.23098 + 2.47008 + 0.12337) × 32.3465 = 3.82443 × 32.3465 = 123.706… → 123.71
 *   27447 line 2773, facility (19.60, 15.30, 3.98): (19.7764 + 15.1776 + 3.77702) × 32.3465 = 38.73102 × 32.3465 = 1252.812… → 1252.81
 */
const index = sampleIndex();

const price = (lines: object[], jurisdiction = 'US-MEDICARE') => priceLines(index, lines, { jurisdiction });

const on = lineOn('2000.00');

const mueAdjustments = (line: PricedLine | undefined) =>
  line?.adjustments.filter((a) => a.internalCode === 'BR-MUE').map((a) => [a.groupCode, a.carc, a.amount]);

const mueTrace = (line: PricedLine | undefined) => line?.rules.find((r) => r.rule === 'mue');

describe('MUE: CMS denies, it does not pay up to the MUE', () => {
  describe('MAI 3 (date of service edit: clinical)', () => {
    it('denies every line of the code on the date when their units together exceed the MUE', () => {
      // 99213: 2 units on line 1 + 1 unit on line 2 = 3 > MUE 2 (line 10340): both lines denied whole,
      // 2 × 88.82 = 177.64 and 88.82, CARC 151 group CO; not 177.64 paid and one unit cut.
      const priced = price([on('99213', { units: 2 }), on('99213', { modifiers: ['25'] })]);
      expect(priced.lines.map((l) => [l.status, l.allowed])).toEqual([
        ['denied', '0.00'],
        ['denied', '0.00'],
      ]);
      expect(mueAdjustments(priced.lines[0])).toEqual([['CO', '151', '177.64']]);
      expect(mueAdjustments(priced.lines[1])).toEqual([['CO', '151', '88.82']]);
      const message = mueTrace(priced.lines[0])?.message ?? '';
      expect(message).toContain('3 units on 2025-03-04');
      expect(message).toContain('summed over line(s) 1, 2');
      expect(message).toContain('MUE of 2 per date of service (MAI 3, date of service edit: clinical)');
      expect(message).toContain('row 10340');
      expect(message).toMatch(/appeal with documentation of the medical necessity/);
      expect(priced.lines[0]?.adjustments.find((a) => a.carc === '151')?.rarc).toBe('N362');
    });

    it('pays both lines at the limit (1 + 1 units = MUE 2) and says no-change', () => {
      const priced = price([on('99213'), on('99213', { modifiers: ['25'] })]);
      expect(priced.lines.map((l) => l.allowed)).toEqual(['88.82', '88.82']);
      for (const line of priced.lines) {
        expect(mueTrace(line)).toEqual({ rule: 'mue', decision: 'no-change' });
        expect(mueAdjustments(line)).toEqual([]);
      }
    });

    it('does not sum the units of two providers: 2 units each, each within MUE 2', () => {
      const priced = price([
        on('99213', { units: 2, renderingProviderNpi: '1234567893' }),
        on('99213', { units: 2, modifiers: ['25'], renderingProviderNpi: '1245319599' }),
      ]);
      // 2 × 88.82 = 177.64 for each provider's line.
      expect(priced.lines.map((l) => [l.status, l.allowed])).toEqual([
        ['priced', '177.64'],
        ['priced', '177.64'],
      ]);
    });

    it('decides the same whatever the order of the lines', () => {
      const lines = [
        on('99213', { units: 2, lineNumber: 1 }),
        on('99213', { modifiers: ['25'], lineNumber: 2 }),
        on('99213', { lineNumber: 3, renderingProviderNpi: '1245319599' }),
      ];
      const forward = price(lines).lines;
      const backward = price([...lines].reverse()).lines;
      const byNumber = (ls: readonly PricedLine[]) =>
        Object.fromEntries(ls.map((l) => [l.lineNumber, [l.status, l.allowed, mueTrace(l)?.message]]));
      expect(byNumber(backward)).toEqual(byNumber(forward));
      // Lines 1 and 2 (3 units, one provider) are denied; line 3 (another provider, 1 unit) is paid.
      expect(byNumber(forward)[3]?.slice(0, 2)).toEqual(['priced', '88.82']);
    });
  });

  describe('MAI 2 (date of service edit: policy)', () => {
    it('denies both lines of 10060 (1 + 1 units > MUE 1), a modifier does not bypass it, and says it is not appealable', () => {
      const priced = price([on('10060'), on('10060', { modifiers: ['59'] })]);
      expect(priced.lines.map((l) => [l.status, l.allowed])).toEqual([
        ['denied', '0.00'],
        ['denied', '0.00'],
      ]);
      // Each line's whole fee schedule amount, 123.71, is the adjustment.
      expect(mueAdjustments(priced.lines[0])).toEqual([['CO', '151', '123.71']]);
      expect(mueAdjustments(priced.lines[1])).toEqual([['CO', '151', '123.71']]);
      const message = mueTrace(priced.lines[1])?.message ?? '';
      expect(message).toContain('MUE of 1 per date of service (MAI 2, date of service edit: policy)');
      expect(message).toContain('row 1018');
      expect(message).toContain('not paid on appeal for medical necessity');
    });

    it('pays one unit of 10060 (at the MUE) in full', () => {
      const [line] = price([on('10060')]).lines;
      expect(line).toMatchObject({ status: 'priced', allowed: '123.71' });
      expect(mueTrace(line)).toEqual({ rule: 'mue', decision: 'no-change' });
    });

    it('does not sum two providers: 10060 by each of two rendering providers is paid in full', () => {
      const priced = price([
        on('10060', { renderingProviderNpi: '1234567893' }),
        on('10060', { renderingProviderNpi: '1245319599' }),
      ]);
      expect(priced.lines.map((l) => [l.status, l.allowed])).toEqual([
        ['priced', '123.71'],
        ['priced', '123.71'],
      ]);
    });
  });

  describe("an assistant's or co-surgeon's line is another provider's", () => {
    const surgery = (extra: object = {}) =>
      on('27447', { placeOfService: '22', charge: '5000.00', ...extra });

    it("does not add the assistant's 27447-80 to the surgeon's 27447 (MUE 1, MAI 2), though the bill names no rendering NPI", () => {
      const priced = price([surgery(), surgery({ modifiers: ['80'] })]);
      expect(priced.lines.map((l) => mueAdjustments(l))).toEqual([[], []]);
      expect(priced.lines[0]).toMatchObject({ status: 'priced', allowed: '1252.81' });
      expect(priced.lines[1]?.status).toBe('priced');
      expect(mueTrace(priced.lines[1])?.message).toContain(
        'as assistant at surgery (modifier 80), counted apart from the surgeon',
      );
    });

    it("does not add a co-surgeon's 27447-62 to the surgeon's 27447", () => {
      const priced = price([surgery(), surgery({ modifiers: ['62'], documentation: ['op-report-2'] })]);
      expect(priced.lines.map((l) => mueAdjustments(l))).toEqual([[], []]);
      expect(mueTrace(priced.lines[1])?.message).toContain('as co-surgeon (modifier 62)');
    });

    it("still denies the assistant's own lines when they exceed the MUE: 27447-80 twice", () => {
      const priced = price([surgery(), surgery({ modifiers: ['80'] }), surgery({ modifiers: ['80', '59'] })]);
      expect(mueAdjustments(priced.lines[0])).toEqual([]);
      expect(priced.lines[1]?.status).toBe('denied');
      expect(priced.lines[2]?.status).toBe('denied');
      expect(mueTrace(priced.lines[1])?.message).toContain('summed over line(s) 2, 3');
    });
  });
});

describe('MUE: a jurisdiction whose source says it pays up to the MUE', () => {
  // The setting is the test's input (no jurisdiction file records it today); its source is made up
  // for the test and says so.
  const medicare = index.jurisdiction('US-MEDICARE') as Jurisdiction;
  const source = {
    citation: 'Test jurisdiction: pays units up to the MUE (an input of this test, not a state rule)',
    url: 'https://example.org/test-jurisdiction-mue',
  };
  const upTo = (value: boolean): Jurisdiction => ({
    ...medicare,
    id: 'XX',
    mue: { adopted: true, source: { citation: 'test' }, paysUpToLimit: { value, source } },
  });
  const run = (j: Jurisdiction, lines: object[], fees: string[]) => {
    const ls = ruleLines(lines, fees);
    return mueRule.run(ls, { ...ruleContext(index, 'US-MEDICARE'), jurisdiction: j });
  };

  it('takes only the units over a date of service MUE, from the highest-numbered line (99213: 1 + 2 units, MUE 2)', () => {
    const decisions = run(
      upTo(true),
      [on('99213'), on('99213', { units: 2, modifiers: ['25'] })],
      ['88.82', '88.82'],
    );
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      lineIndex: 1,
      decision: 'reduced',
      reduction: 8882,
      reason: 'BR-MUE',
    });
    expect(decisions[0]?.regulation).toEqual(source);
    expect(decisions[0]?.message).toContain('XX pays units up to the MUE');
  });

  it('takes the second line of 10060 (MAI 2, 1 + 1 units, MUE 1) and leaves the first', () => {
    const decisions = run(
      upTo(true),
      [on('10060'), on('10060', { modifiers: ['59'] })],
      ['123.71', '123.71'],
    );
    expect(decisions.map((d) => [d.lineIndex, d.decision, d.reduction])).toEqual([[1, 'denied', 12371]]);
  });

  it('with the setting false, denies as CMS does', () => {
    const decisions = run(
      upTo(false),
      [on('10060'), on('10060', { modifiers: ['59'] })],
      ['123.71', '123.71'],
    );
    expect(decisions.map((d) => [d.lineIndex, d.decision, d.reduction])).toEqual([
      [0, 'denied', 12371],
      [1, 'denied', 12371],
    ]);
  });

  it('is a sourced setting: the schema refuses it without a linked source', () => {
    const withSource = { ...medicare, mue: upTo(true).mue };
    expect(v.safeParse(JurisdictionSchema, withSource).success).toBe(true);
    const unlinked = {
      ...medicare,
      mue: {
        adopted: true,
        source: { citation: 'test' },
        paysUpToLimit: { value: true, source: { citation: 'a rule' } },
      },
    };
    expect(v.safeParse(JurisdictionSchema, unlinked).success).toBe(false);
  });
});
