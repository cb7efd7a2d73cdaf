import { describe, expect, it } from 'vitest';
import { REGULATIONS } from '../../../lambdas/engine/adjustments/reason-codes.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import type { Jurisdiction } from '../../../lambdas/engine/jurisdictions.js';
import { cents } from '../../../lambdas/engine/money.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { documentationRule, priorAuthorizationRule } from '../../../lambdas/engine/rules/review-lists.js';
import type { RuleContext, RuleLine } from '../../../lambdas/engine/rules/types.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Amounts from the official rows (price-bill.test.ts works them by hand): 99213 in Delaware, 2025,
 * PPRRVU2025_Oct.csv line 12807 with GPCI2025.csv line 40: 88.82; 97110 (line 12655): 28.79 a unit.
 */
const index = sampleIndex();

const bill = (lines: object[], extra: object = {}) =>
  priceBill(
    index,
    normaliseBill({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, ...extra, lines }),
  );

const visit = { code: '99213', dateOfService: '2025-03-04', charge: '150.00' };

function validationErrorOf(input: object): BillValidationError {
  try {
    normaliseBill(input);
  } catch (err) {
    if (err instanceof BillValidationError) return err;
    throw err;
  }
  throw new Error('normaliseBill accepted the bill');
}

describe('prior authorisation list', () => {
  const review = { review: { priorAuthorizationRequired: { codes: ['99213'], action: 'deny' } } };

  it("denies a line on the customer's deny list without priorAuthorization: CARC 197, billReview bucket, 88.82", () => {
    // Prepare / Act
    const [line] = bill([visit], review).lines;
    // Assess: 150.00 billed = 61.18 over the fee (CARC 45) + 88.82 denied for want of authorisation
    expect(line).toMatchObject({ status: 'denied', allowed: '0.00', withheld: '150.00' });
    expect(line?.adjustments.map((a) => [a.bucket, a.carc, a.amount])).toEqual([
      ['feeSchedule', '45', '61.18'],
      ['billReview', '197', '88.82'],
    ]);
    const denial = line?.adjustments[1];
    expect(denial).toMatchObject({ internalCode: 'BR-AUTH-MISSING', groupCode: 'CO' });
    expect(denial?.message).toBe(
      "Line 1: 99213 needs prior authorisation (the customer's list) and has none: denied.",
    );
    expect(denial?.regulation).toEqual(REGULATIONS.priorAuthorization);
    expect(line?.rules).toContainEqual({
      rule: 'prior-authorization',
      decision: 'denied',
      message: denial?.message,
    });
  });

  it('flags without reducing when the list says flag', () => {
    const [line] = bill([visit], {
      review: { priorAuthorizationRequired: { codes: ['99213'], action: 'flag' } },
    }).lines;
    expect(line).toMatchObject({ status: 'priced', allowed: '88.82' });
    expect(line?.adjustments.map((a) => a.carc)).toEqual(['45']);
    expect(line?.rules).toContainEqual({
      rule: 'prior-authorization',
      decision: 'flagged',
      message:
        "Line 1: 99213 needs prior authorisation (the customer's list) and has none: flagged for review, not reduced.",
    });
  });

  it('pays a line that carries its authorisation', () => {
    const [line] = bill([{ ...visit, priorAuthorization: 'PA-1' }], review).lines;
    expect(line).toMatchObject({ status: 'priced', allowed: '88.82' });
    expect(line?.rules).toContainEqual({ rule: 'prior-authorization', decision: 'no-change' });
  });

  it('leaves codes not on the list alone (97110, 2 units: 57.58 less 6.90 of therapy reduction)', () => {
    const priced = bill(
      [visit, { code: '97110', dateOfService: '2025-03-04', charge: '80.00', units: 2 }],
      review,
    );
    expect(priced.lines.map((l) => [l.status, l.allowed])).toEqual([
      ['denied', '0.00'],
      ['priced', '50.68'],
    ]);
  });

  it('runs with no list at all, and changes nothing', () => {
    const [line] = bill([visit]).lines;
    expect(line).toMatchObject({ status: 'priced', allowed: '88.82' });
    expect(line?.rules).toContainEqual({ rule: 'prior-authorization', decision: 'no-change' });
    expect(line?.rules).toContainEqual({ rule: 'documentation', decision: 'no-change' });
  });
});

describe('documentation list', () => {
  it('denies a line with no documentation attached: CARC 252 with RARC M127, 88.82', () => {
    const [line] = bill([visit], {
      review: { documentationRequired: { codes: ['99213'], action: 'deny' } },
    }).lines;
    expect(line).toMatchObject({ status: 'denied', allowed: '0.00' });
    expect(line?.adjustments[1]).toMatchObject({
      bucket: 'billReview',
      internalCode: 'BR-DOCUMENTATION-MISSING',
      carc: '252',
      rarc: 'M127',
      amount: '88.82',
      message: "Line 1: 99213 needs documentation (the customer's list) and has none: denied.",
      regulation: REGULATIONS.documentation,
    });
  });

  it('flags when the list says flag, and pays a line with a document attached', () => {
    const priced = bill(
      [
        { ...visit, lineNumber: 1 },
        { ...visit, lineNumber: 2, dateOfService: '2025-03-05', documentation: ['report-17'] },
      ],
      { review: { documentationRequired: { codes: ['99213'], action: 'flag' } } },
    );
    expect(priced.lines.map((l) => [l.status, l.allowed])).toEqual([
      ['priced', '88.82'],
      ['priced', '88.82'],
    ]);
    expect(priced.lines[0]?.rules).toContainEqual(
      expect.objectContaining({ rule: 'documentation', decision: 'flagged' }),
    );
    expect(priced.lines[1]?.rules).toContainEqual({ rule: 'documentation', decision: 'no-change' });
  });

  it('applies both lists: a line missing both is denied once, by the authorisation rule that runs first', () => {
    const [line] = bill([visit], {
      review: {
        priorAuthorizationRequired: { codes: ['99213'], action: 'deny' },
        documentationRequired: { codes: ['99213'], action: 'deny' },
      },
    }).lines;
    // The documentation rule sees 0.00 left: it still records the denial, with nothing more to take.
    expect(line?.adjustments.map((a) => [a.carc, a.amount])).toEqual([
      ['45', '61.18'],
      ['197', '88.82'],
    ]);
    expect(line?.rules.filter((r) => r.decision === 'denied').map((r) => r.rule)).toEqual([
      'prior-authorization',
      'documentation',
    ]);
  });
});

describe('review lists are validated as field errors', () => {
  it("rejects an action other than deny or flag, naming the field (action 'maybe')", () => {
    const err = validationErrorOf({
      jurisdiction: 'US-MEDICARE',
      review: { priorAuthorizationRequired: { codes: ['99213'], action: 'maybe' } },
      lines: [visit],
    });
    expect(err.errors).toContainEqual({
      field: 'review.priorAuthorizationRequired.action',
      errorMessage: 'must be "deny" or "flag"',
    });
  });

  it("rejects a code that is not a five-character code ('ABC'), naming its position", () => {
    const err = validationErrorOf({
      jurisdiction: 'US-MEDICARE',
      review: { documentationRequired: { codes: ['99213', 'ABC'], action: 'deny' } },
      lines: [visit],
    });
    expect(err.errors).toEqual([
      {
        field: 'review.documentationRequired.codes[1]',
        errorMessage: 'must be a five-character CPT or HCPCS code',
      },
    ]);
  });

  it('rejects a list the API does not know', () => {
    const err = validationErrorOf({
      jurisdiction: 'US-MEDICARE',
      review: { referralRequired: { codes: ['99213'], action: 'deny' } },
      lines: [visit],
    });
    expect(err.errors.map((e) => e.field)).toEqual(['review.referralRequired']);
  });
});

describe("the jurisdiction's lists (rules run directly)", () => {
  /*
   * No jurisdiction file holds a review list yet (none is sourced), so these tests give US-MEDICARE
   * one: the list, its citation and the line amounts below are test inputs, not facts or fee figures.
   */
  const medicare = index.jurisdiction('US-MEDICARE') as Jurisdiction;
  const source = { citation: 'Test list (not a real regulation)', url: 'https://example.org/test-list' };
  const withLists = (action: 'deny' | 'flag'): Jurisdiction => ({
    ...medicare,
    reviewLists: { priorAuthorizationRequired: { codes: ['99213'], action, source } },
  });
  const line: RuleLine = {
    line: normaliseBill({ jurisdiction: 'US-MEDICARE', lines: [visit] }).lines[0] as RuleLine['line'],
    unitAmount: cents(10000),
    amount: cents(10000),
    units: 1,
    rvu: undefined,
    pePart: undefined,
  };
  const ctx = (j: Jurisdiction, review: RuleContext['bill']['review'] = {}): RuleContext => ({
    index,
    jurisdiction: j,
    bill: { priorVisits: {}, review },
    feeOf: () => undefined,
  });

  it("denies on the jurisdiction's list and cites the jurisdiction's source", () => {
    expect(priorAuthorizationRule.run([line], ctx(withLists('deny')))).toEqual([
      {
        lineIndex: 0,
        decision: 'denied',
        reduction: 10000,
        reason: 'BR-AUTH-MISSING',
        message:
          "Line 1: 99213 needs prior authorisation (the US-MEDICARE jurisdiction's list) and has none: denied.",
        regulation: source,
      },
    ]);
  });

  it('denies when either list denies; names both lists; cites the customer default when only it denies', () => {
    const [d] = priorAuthorizationRule.run(
      [line],
      ctx(withLists('flag'), { priorAuthorizationRequired: { codes: ['99213'], action: 'deny' } }),
    );
    expect(d).toMatchObject({ decision: 'denied', reduction: 10000 });
    expect(d?.message).toContain("(the US-MEDICARE jurisdiction's list and the customer's list)");
    expect(d?.regulation).toBeUndefined();
  });

  it("is not touched by the other rule's list", () => {
    expect(documentationRule.run([line], ctx(withLists('deny')))).toEqual([]);
  });
});
