import { beforeAll, describe, expect, it } from 'vitest';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import { mueRule } from '../../lambdas/engine/rules/mue.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { lineOn } from '../support/bills.js';
import { nationalIndex } from '../support/national-index.js';
import { ruleContext, ruleLines } from '../support/rules.js';

/*
 * MUEs on the full national index, rule by rule (the sample holds no MAI 1 code).
 *   ncci/mue_practitioner_derived.csv line 12465: "G0514,1,1,Clinical: CMS Workgroup" (MUE 1, MAI 1)
 *   ncci/raw_format_excerpts/MCR_MUE_PractitionerServices_Eff_07-01-2026.SUBSET_of_excerpt.csv:
 *     "0009U,2,3 Date of Service Edit: Clinical,Nature of Analyte" (the dated CMS file, from 2026-07-01)
 * G0514 in Delaware, 2025 (PPRRVU2025_Oct.csv line 15055: work 1.17, PE 0.64, MP 0.07; GPCI2025.csv
 * line 40: 1.009, 0.992, 0.949; CF 32.3465): (1.18053 + 0.63488 + 0.06643) × 32.3465 = 1.88184 ×
 * 32.3465 = 60.870… → 60.87 a unit. The rule is called alone, so no other edit (add-on codes) acts.
 */
let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

const on = lineOn('500.00');

const run = (lines: object[], fees: string[], jurisdiction?: Jurisdiction) => {
  const ctx = ruleContext(index, 'US-MEDICARE');
  return mueRule.run(ruleLines(lines, fees), jurisdiction ? { ...ctx, jurisdiction } : ctx);
};

describe('MUE, MAI 1 (line edit): G0514, MUE 1', () => {
  it('denies the whole line whose units exceed the MUE, not the units over it', () => {
    const decisions = run([on('G0514', { units: 2 })], ['60.87']);
    // 2 × 60.87 = 121.74: the line's whole amount, not one unit (60.87).
    expect(decisions.map((d) => [d.lineIndex, d.decision, d.reduction, d.reason])).toEqual([
      [0, 'denied', 12174, 'BR-MUE'],
    ]);
    expect(decisions[0]?.message).toContain(
      '2 units on line 1 exceed the MUE of 1 per line (MAI 1, line edit)',
    );
    expect(decisions[0]?.message).toContain('row 12465');
    expect(decisions[0]?.message).toContain('reported on separate lines');
  });

  it('pays a line at the MUE', () => {
    expect(run([on('G0514')], ['60.87'])).toEqual([]);
  });

  it('adjudicates each line apart: 1 unit on each of two lines is within a line MUE of 1', () => {
    expect(run([on('G0514'), on('G0514', { modifiers: ['76'] })], ['60.87', '60.87'])).toEqual([]);
  });

  it('where a jurisdiction pays up to the MUE, takes only the units over it (3 units: 2 × 60.87 = 121.74)', () => {
    const medicare = index.jurisdiction('US-MEDICARE') as Jurisdiction;
    const source = {
      citation: 'Test jurisdiction: pays units up to the MUE (an input of this test, not a state rule)',
      url: 'https://example.org/test-jurisdiction-mue',
    };
    const j: Jurisdiction = {
      ...medicare,
      id: 'XX',
      mue: { adopted: true, source: { citation: 'test' }, paysUpToLimit: { value: true, source } },
    };
    const decisions = run([on('G0514', { units: 3 })], ['60.87'], j);
    expect(decisions.map((d) => [d.decision, d.reduction])).toEqual([['reduced', 12174]]);
  });
});

describe('MUE, a dated CMS file (July 2026) decides on its dates: 0009U, MUE 2, MAI 3', () => {
  it('denies both lines when 2 + 1 units exceed 2 on one date, naming the CMS file', () => {
    const lines = [
      on('0009U', { units: 2, dateOfService: '2026-08-03' }),
      on('0009U', { modifiers: ['91'], dateOfService: '2026-08-03' }),
    ];
    // The fees are the test's inputs: the decision takes each line's whole amount.
    const decisions = run(lines, ['10.00', '10.00']);
    expect(decisions.map((d) => [d.lineIndex, d.decision, d.reduction])).toEqual([
      [0, 'denied', 2000],
      [1, 'denied', 1000],
    ]);
    const edition = index.editionById('mue/cms-2026');
    expect(edition).toBeDefined();
    expect(decisions[0]?.message).toContain(edition?.label);
    expect(decisions[0]?.message).toContain('MAI 3, date of service edit: clinical');
  });
});
