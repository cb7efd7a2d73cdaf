import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JURISDICTIONS_DIR,
  JurisdictionFileError,
  parseJurisdictionFile,
} from '../../../fee-data/jurisdictions/registry.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { VISIT_CATEGORIES } from '../../../lambdas/engine/bill/schema.js';
import type { Jurisdiction } from '../../../lambdas/engine/jurisdictions.js';
import { cents } from '../../../lambdas/engine/money.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { frequencyLimitRule, visitCategoriesOf } from '../../../lambdas/engine/rules/frequency-limits.js';
import type { RuleContext, RuleLine } from '../../../lambdas/engine/rules/types.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * California cannot price lines yet (no OMFS conversion factor is sourced), so priceBill never hands
 * the rules a California line. These tests call the rule directly with the California jurisdiction of
 * the sample index (fee-data/jurisdictions/CA.json: 24 visits a category per injury, Labor Code
 * § 4604.5(c)(1)). The line amounts below (50.00 a line) are test inputs, not fee figures.
 */
const index = sampleIndex();
const california = index.jurisdiction('CA') as Jurisdiction;
const LABOR_CODE = {
  citation: 'Labor Code § 4604.5(c)(1) and (2)(A)',
  url: 'https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=LAB&sectionNum=4604.5',
};

interface LineSpec {
  code: string;
  date: string;
  modifiers?: string[];
  priorAuthorization?: string;
  /** In cents; 5000 unless given (0: an earlier edit took it all). */
  amount?: number;
}

/** Rule lines from a list of specs, normalised as a bill would be (line numbers 1, 2, ...). */
function ruleLines(specs: LineSpec[]): RuleLine[] {
  const bill = normaliseBill({
    jurisdiction: 'CA',
    lines: specs.map((s) => ({
      code: s.code,
      dateOfService: s.date,
      charge: '80.00',
      ...(s.modifiers ? { modifiers: s.modifiers } : {}),
      ...(s.priorAuthorization ? { priorAuthorization: s.priorAuthorization } : {}),
    })),
  });
  return bill.lines.map((line, i) => {
    const amount = cents(specs[i]?.amount ?? 5000);
    return { line, unitAmount: amount, amount, units: 1, rvu: undefined, pePart: undefined };
  });
}

function ctx(
  priorVisits: RuleContext['bill']['priorVisits'] = {},
  j: Jurisdiction = california,
): RuleContext {
  return { index, jurisdiction: j, bill: { priorVisits, review: {} }, feeOf: () => undefined };
}

/** One physical therapy visit: two GP lines on the day. */
const ptVisit = (date: string, extra: Partial<LineSpec> = {}): LineSpec[] => [
  { code: '97110', modifiers: ['GP'], date, ...extra },
  { code: '97140', modifiers: ['GP'], date, ...extra },
];

describe('California frequency limits in the jurisdiction file', () => {
  it('holds 24 visits per injury for chiropractic, occupational and physical therapy, from 2004, citing § 4604.5', () => {
    expect(california.frequencyLimits).toEqual(
      ['chiropractic', 'occupationalTherapy', 'physicalTherapy'].map((category) => ({
        category,
        maxVisits: 24,
        per: 'injury',
        from: '2004-01-01',
        exemptWithAuthorization: true,
        source: LABOR_CODE,
      })),
    );
  });

  it('every jurisdiction limit and list cites a source with a link, and limits only known categories', () => {
    for (const j of index.jurisdictions()) {
      const sources = [
        ...(j.frequencyLimits ?? []).map((l) => l.source),
        ...Object.values(j.reviewLists ?? {}).map((l) => l.source),
      ];
      for (const s of sources) {
        expect(s.citation.length, j.id).toBeGreaterThan(10);
        expect(s.url, j.id).toMatch(/^https:\/\//);
      }
      for (const l of j.frequencyLimits ?? []) expect(VISIT_CATEGORIES).toContain(l.category);
    }
  });
});

describe('the jurisdiction schema for limits and lists', () => {
  const caJson = JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'CA.json'), 'utf8'));
  const parse = (change: object) => () =>
    parseJurisdictionFile('CA.json', JSON.stringify({ ...caJson, ...change }));
  const limit = caJson.frequencyLimits[0];

  it('rejects a limit without a link to its source', () => {
    expect(parse({ frequencyLimits: [{ ...limit, source: { citation: limit.source.citation } }] })).toThrow(
      JurisdictionFileError,
    );
  });

  it('rejects two limits of one category', () => {
    expect(parse({ frequencyLimits: [limit, limit] })).toThrow(/at most one limit a category/);
  });

  it('rejects a review list with a code that is not one and accepts a sourced one', () => {
    const source = { citation: 'Test list (not a real regulation)', url: 'https://example.org/test-list' };
    expect(
      parse({ reviewLists: { documentationRequired: { codes: ['ABC'], action: 'deny', source } } }),
    ).toThrow(/reviewLists\.documentationRequired\.codes\.0/);
    expect(
      parse({ reviewLists: { documentationRequired: { codes: ['99213'], action: 'flag', source } } })()
        .reviewLists?.documentationRequired?.codes,
    ).toEqual(['99213']);
  });
});

describe('visitCategoriesOf', () => {
  it.each([
    ['98940', [], ['chiropractic']],
    ['98942', [], ['chiropractic']],
    ['98943', [], ['chiropractic']],
    ['97110', ['GP'], ['physicalTherapy']],
    ['97530', ['GO'], ['occupationalTherapy']],
    ['97110', [], []],
    ['99213', [], []],
    ['98941', ['GP'], ['chiropractic', 'physicalTherapy']],
  ])('%s %j counts toward %j', (code, modifiers, expected) => {
    const [l] = ruleLines([{ code, modifiers, date: '2025-03-04' }]);
    expect(visitCategoriesOf((l as RuleLine).line)).toEqual(expected);
  });
});

describe('frequencyLimitRule', () => {
  it('applies in California to services from 2004-01-01 only, and not where no limit is held', () => {
    expect(frequencyLimitRule.appliesTo(california, '2003-12-31')).toBe(false);
    expect(frequencyLimitRule.appliesTo(california, '2004-01-01')).toBe(true);
    expect(
      frequencyLimitRule.appliesTo(index.jurisdiction('US-MEDICARE') as Jurisdiction, '2025-03-04'),
    ).toBe(false);
  });

  it('denies every line of the visits past 24 (20 prior + 6 in the bill: visits 25 and 26), CARC 119, citing the Labor Code', () => {
    // Prepare: six visit days, given out of date order, two lines each
    const lines = ruleLines(
      ['2025-03-14', '2025-03-03', '2025-03-05', '2025-03-07', '2025-03-10', '2025-03-12'].flatMap((d) =>
        ptVisit(d),
      ),
    );
    // Act
    const decisions = frequencyLimitRule.run(lines, ctx({ physicalTherapy: 20 }));
    // Assess: 03-03, 05, 07, 10 are visits 21-24; 03-12 is visit 25 (lines 11, 12), 03-14 visit 26 (lines 1, 2)
    expect(decisions.map((d) => [lines[d.lineIndex]?.line.lineNumber, d.decision, d.reduction])).toEqual([
      [11, 'denied', 5000],
      [12, 'denied', 5000],
      [1, 'denied', 5000],
      [2, 'denied', 5000],
    ]);
    expect(decisions[0]).toMatchObject({ reason: 'BR-FREQUENCY-LIMIT', regulation: LABOR_CODE });
    expect(decisions[0]?.message).toBe(
      'Line 11 (97110): physical therapy visit 25 of 24 allowed per injury (Labor Code § 4604.5(c)(1) and (2)(A)); 20 prior visits reported: denied.',
    );
    expect(decisions[2]?.message).toContain('visit 26 of 24');
  });

  it('counts from 0 when no history is sent: 24 visits in the bill are all paid, the 25th is not', () => {
    const days = Array.from({ length: 25 }, (_, i) => `2025-04-${String(i + 1).padStart(2, '0')}`);
    const lines = ruleLines(days.map((date) => ({ code: '98941', date })));
    const decisions = frequencyLimitRule.run(lines, ctx());
    expect(decisions.map((d) => [d.lineIndex, d.decision])).toEqual([[24, 'denied']]);
    expect(decisions[0]?.message).toBe(
      'Line 25 (98941): chiropractic visit 25 of 24 allowed per injury (Labor Code § 4604.5(c)(1) and (2)(A)); 0 prior visits reported: denied.',
    );
  });

  it('counts each category on its own', () => {
    const lines = ruleLines([
      { code: '97110', modifiers: ['GP'], date: '2025-03-04' },
      { code: '97530', modifiers: ['GO'], date: '2025-03-04' },
      { code: '98940', date: '2025-03-04' },
    ]);
    const decisions = frequencyLimitRule.run(lines, ctx({ physicalTherapy: 24, occupationalTherapy: 23 }));
    expect(decisions.map((d) => [d.lineIndex, d.decision])).toEqual([[0, 'denied']]);
  });

  it('leaves therapy lines without GP or GO alone (they show no discipline)', () => {
    const lines = ruleLines([{ code: '97110', date: '2025-03-04' }]);
    expect(frequencyLimitRule.run(lines, ctx({ physicalTherapy: 40 }))).toEqual([]);
  });

  it('pays and flags an authorised line past the limit, and counts its visit toward the limit', () => {
    // 23 prior: 03-04 (authorised) is visit 24; 03-05 (authorised) is 25, paid and flagged;
    // 03-06 (not authorised) is 26, denied: the authorised visits counted.
    const lines = ruleLines([
      ...ptVisit('2025-03-04', { priorAuthorization: 'PA-1' }),
      ...ptVisit('2025-03-05', { priorAuthorization: 'PA-1' }),
      ...ptVisit('2025-03-06'),
    ]);
    const decisions = frequencyLimitRule.run(lines, ctx({ physicalTherapy: 23 }));
    expect(decisions.map((d) => [d.lineIndex, d.decision, d.reduction])).toEqual([
      [2, 'flagged', 0],
      [3, 'flagged', 0],
      [4, 'denied', 5000],
      [5, 'denied', 5000],
    ]);
    expect(decisions[0]?.reason).toBeUndefined();
    expect(decisions[0]?.message).toBe(
      'Line 3 (97110): physical therapy visit 25 of 24 allowed per injury (Labor Code § 4604.5(c)(1) and (2)(A)); 23 prior visits reported: paid, as it carries a prior authorisation; flagged to confirm the authorisation covers visits beyond the limit.',
    );
  });

  it('on a day past the limit, denies the lines without authorisation and pays those with it', () => {
    const lines = ruleLines([
      { code: '97110', modifiers: ['GP'], date: '2025-03-04', priorAuthorization: 'PA-1' },
      { code: '97140', modifiers: ['GP'], date: '2025-03-04' },
    ]);
    const decisions = frequencyLimitRule.run(lines, ctx({ physicalTherapy: 24 }));
    expect(decisions.map((d) => [d.lineIndex, d.decision])).toEqual([
      [0, 'flagged'],
      [1, 'denied'],
    ]);
  });

  it('denies authorised lines too where the limit does not give way to authorisation', () => {
    const strict: Jurisdiction = {
      ...california,
      frequencyLimits: (california.frequencyLimits ?? []).map((l) => ({
        ...l,
        exemptWithAuthorization: false,
      })),
    };
    const lines = ruleLines([{ code: '98940', date: '2025-03-04', priorAuthorization: 'PA-1' }]);
    expect(frequencyLimitRule.run(lines, ctx({ chiropractic: 24 }, strict))).toMatchObject([
      { lineIndex: 0, decision: 'denied', reduction: 5000 },
    ]);
  });

  it('does not count a day whose lines earlier edits denied in full (nothing of it is paid)', () => {
    // 23 prior: 03-04 has nothing left to pay, so 03-05 is visit 24 and paid.
    const lines = ruleLines([
      { code: '98940', date: '2025-03-04', amount: 0 },
      { code: '98940', date: '2025-03-05' },
    ]);
    expect(frequencyLimitRule.run(lines, ctx({ chiropractic: 23 }))).toEqual([]);
  });

  it('denies a line that two limits reach (a CMT code with GP) once', () => {
    const lines = ruleLines([{ code: '98941', modifiers: ['GP'], date: '2025-03-04' }]);
    const decisions = frequencyLimitRule.run(lines, ctx({ chiropractic: 24, physicalTherapy: 24 }));
    expect(decisions.map((d) => [d.lineIndex, d.decision, d.reduction])).toEqual([[0, 'denied', 5000]]);
  });
});

describe('frequency limits through priceBill', () => {
  it('are not adopted on US-MEDICARE: 97110-GP is paid (28.79) even with 30 prior visits reported', () => {
    // 97110 in Delaware, 2025: 28.79 a unit (PPRRVU2025_Oct.csv line 12655, GPCI2025.csv line 40)
    const priced = priceBill(
      index,
      normaliseBill({
        jurisdiction: 'US-MEDICARE',
        serviceFacility: { zip: '19901' },
        priorVisits: { physicalTherapy: 30 },
        lines: [{ code: '97110', modifiers: ['GP'], dateOfService: '2025-03-04', charge: '40.00' }],
      }),
    );
    expect(priced.lines[0]).toMatchObject({ status: 'priced', allowed: '28.79' });
    expect(priced.lines[0]?.rules).toContainEqual({ rule: 'frequency-limits', decision: 'not-adopted' });
  });
});
