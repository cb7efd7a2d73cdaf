/**
 * Explanation levels (issue 17, § 1; lambdas/engine/explain.ts): `full` is today's answer, byte for
 * byte; `summary` and `none` say less and pay the same. No dollar figure here is expected from a
 * source: the tests compare the levels with one another and count references.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import {
  type AmountsPricedBill,
  answerAt,
  EXPLAIN_LEVELS,
  type PricedAnswer,
  type SummaryPricedBill,
  summariseBill,
} from '../../../lambdas/engine/explain.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { priceRequest } from '../../../lambdas/engine/price-request.js';
import { BUCKETS, type PricedBill } from '../../../lambdas/engine/priced-bill.js';
import {
  AmountsPricedBillSchema,
  PricedBillSchema,
  SummaryPricedBillSchema,
} from '../../../lambdas/engine/priced-bill-schema.js';
import { sampleIndex } from '../../support/fee-index.js';
import {
  EXAMPLE_BILLS,
  example,
  facilityBill,
  inpatientClaim,
  professionalBill,
} from '../../support/generated-bills.js';

const index = sampleIndex();

const EXAMPLES = EXAMPLE_BILLS;

/** Every amount and code of an answer, by line and for the bill, at whatever level: what must not change. */
function amountsOf(answer: PricedAnswer) {
  return {
    billType: answer.billType,
    jurisdiction: answer.jurisdiction.id,
    totals: answer.totals,
    lines: answer.lines.map((l) => ({
      lineNumber: l.lineNumber,
      code: l.code,
      modifiers: l.modifiers,
      units: l.units,
      billed: l.billed,
      status: l.status,
      allowed: l.allowed,
      withheld: l.withheld,
      // A lighter level names only the buckets that hold an amount: the others hold 0.00.
      buckets:
        l.buckets === null
          ? null
          : Object.fromEntries(BUCKETS.map((b) => [b, (l.buckets as Record<string, string>)[b] ?? '0.00'])),
      adjustments: l.adjustments.map((a) => [
        a.bucket,
        a.amount,
        a.internalCode,
        a.groupCode,
        a.carc,
        a.rarc,
        a.stateCode,
      ]),
      unpriced: l.unpriced?.code,
    })),
  };
}

function atEveryLevel(bill: unknown): [PricedBill, SummaryPricedBill, AmountsPricedBill] {
  const normalised = normaliseRequest(bill);
  return [
    priceRequest(index, normalised),
    priceRequest(index, normalised, { explain: 'summary' }),
    priceRequest(index, normalised, { explain: 'none' }),
  ];
}

describe('priceRequest: explanation levels', () => {
  it('answers full by default, the same bytes as priceBill and as explain=full', () => {
    for (const name of EXAMPLES) {
      const bill = normaliseRequest(example(name));
      const byDefault = JSON.stringify(priceRequest(index, bill));
      expect(JSON.stringify(priceRequest(index, bill, { explain: 'full' })), name).toBe(byDefault);
      expect(JSON.stringify(priceRequest(index, bill, {})), name).toBe(byDefault);
      if (bill.billType === 'professional')
        expect(JSON.stringify(priceBill(index, bill)), name).toBe(byDefault);
    }
  });

  it('answers each level in its own schema, and each lighter level is smaller', () => {
    for (const name of EXAMPLES) {
      const [full, summary, none] = atEveryLevel(example(name));
      expect(v.safeParse(PricedBillSchema, full).issues, name).toBeUndefined();
      expect(v.safeParse(SummaryPricedBillSchema, summary).issues, name).toBeUndefined();
      expect(v.safeParse(AmountsPricedBillSchema, none).issues, name).toBeUndefined();
      // A summary is not a full answer, nor the reverse (strict schemas tell them apart).
      expect(v.safeParse(PricedBillSchema, summary).success, name).toBe(false);
      expect(v.safeParse(SummaryPricedBillSchema, full).success, name).toBe(false);
      const sizes = [full, summary, none].map((a) => JSON.stringify(a).length);
      expect(sizes[1], name).toBeLessThan(sizes[0] as number);
      expect(sizes[2], name).toBeLessThan(sizes[1] as number);
    }
  });

  it('builds the same summary lean as from the full answer (the skipped text carried no reference)', () => {
    for (const name of EXAMPLES) {
      const bill = normaliseRequest(example(name));
      const full = priceRequest(index, bill);
      const lean = priceRequest(index, bill, { explain: 'summary' });
      const fromFull = summariseBill(full);
      expect(lean.lines, name).toEqual(fromFull.lines);
      expect(lean.references, name).toEqual(fromFull.references);
      expect(lean.totals, name).toEqual(fromFull.totals);
      expect(lean.editions, name).toEqual(fromFull.editions);
      // Only the sentence naming the rules that ran is left out: each line's trace says it.
      expect(
        fromFull.notices.filter((n) => !lean.notices.includes(n)),
        name,
      ).toHaveLength(1);
      expect(answerAt(full, 'none'), name).toEqual(priceRequest(index, bill, { explain: 'none' }));
      expect(answerAt(full, 'full'), name).toBe(full);
    }
  });

  it('gives every line its source rows and its rule trace by reference', () => {
    const [full, summary] = atEveryLevel(example('imaging-and-therapy.json'));
    summary.lines.forEach((line, i) => {
      const steps = (full.lines[i] as PricedBill['lines'][number]).explanation;
      const rows = steps.flatMap((s) => (s.source ? [`${s.source.edition}#${s.source.line}`] : []));
      expect(line.sources).toEqual([...new Set(rows)]);
      const trace = summary.references.rules[line.rules];
      expect(trace).toEqual(
        (full.lines[i] as PricedBill['lines'][number]).rules.map((r) => [r.rule, r.decision]),
      );
    });
    for (const line of summary.lines) {
      for (const a of line.adjustments) {
        if (a.regulation !== undefined) expect(summary.references.regulations[a.regulation]).toBeDefined();
      }
    }
  });
});

describe('summary references', () => {
  it('writes a regulation three lines cite once, and the three lines name the same id', () => {
    // Three office visits billed above the fee: each is cut to the fee (the lesser of billed, one
    // regulation), on three dates so that no rule touches them and their traces are the same.
    const bill = {
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: ['2025-03-04', '2025-03-11', '2025-03-18'].map((dateOfService) => ({
        code: '99213',
        dateOfService,
        charge: '900.00',
      })),
    };
    const [full, summary] = atEveryLevel(bill);
    const lesserOf = full.lines.map(
      (l) => l.adjustments.find((a) => a.internalCode === 'FS-MAX')?.regulation,
    );
    expect(lesserOf.every((r) => r !== undefined)).toBe(true);
    // In full, the regulation is written on every line that cites it.
    const citation = (lesserOf[0] as { citation: string }).citation;
    expect(JSON.stringify(full).split(citation).length - 1).toBeGreaterThanOrEqual(3);
    // In the summary, once.
    expect(JSON.stringify(summary).split(citation).length - 1).toBe(1);
    const ids = summary.lines.map((l) => l.adjustments.find((a) => a.internalCode === 'FS-MAX')?.regulation);
    expect(new Set(ids).size).toBe(1);
    const id = ids[0] as string;
    expect(summary.references.regulations[id]?.citation).toBe(citation);
    // The three traces are the same, so they are one reference too.
    expect(new Set(summary.lines.map((l) => l.rules)).size).toBe(1);
    expect(Object.keys(summary.references.rules)).toHaveLength(1);
  });

  it('keeps two different regulations apart', () => {
    // 99080 has status B (bundled): its zero cites the RVU file documentation, not the lesser of billed.
    const bill = {
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [
        { code: '99213', dateOfService: '2025-03-04', charge: '900.00' },
        { code: '99080', dateOfService: '2025-03-04', charge: '50.00' },
      ],
    };
    const summary = priceRequest(index, normaliseRequest(bill), { explain: 'summary' });
    const ids = summary.lines.map((l) => l.adjustments[0]?.regulation);
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBeDefined();
    expect(ids[0]).not.toBe(ids[1]);
    expect(Object.keys(summary.references.regulations)).toHaveLength(2);
  });
});

describe('the explain field of a bill', () => {
  it('takes the three levels in every bill shape, on the fast path and the schema path', () => {
    for (const name of EXAMPLES) {
      for (const explain of EXPLAIN_LEVELS) {
        expect(() => normaliseRequest({ ...example(name), explain }), `${name} ${explain}`).not.toThrow();
        // A field the fast reader does not know sends the bill down the schema path.
        expect(
          () => normaliseRequest({ ...example(name), explain, somethingElse: 1 }),
          `${name} ${explain}`,
        ).not.toThrow();
      }
    }
  });

  it('refuses another value with a 422 naming the field, in every bill shape', () => {
    for (const name of EXAMPLES) {
      for (const explain of ['verbose', 'FULL', '', 1, null]) {
        let error: unknown;
        try {
          normaliseRequest({ ...example(name), explain });
        } catch (e) {
          error = e;
        }
        expect(error, `${name} ${String(explain)}`).toBeInstanceOf(BillValidationError);
        expect((error as BillValidationError).errors.map((e) => e.field)).toContain('explain');
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The property: amounts and codes are the same at every level, on generated bills.
// ---------------------------------------------------------------------------------------------

/** Prices a generated bill at every level, or returns undefined when the bill is refused (at every level alike). */
function pricedAtEveryLevel(bill: unknown): [PricedBill, SummaryPricedBill, AmountsPricedBill] | undefined {
  try {
    return atEveryLevel(bill);
  } catch (error) {
    if (error instanceof BillValidationError) return undefined;
    throw error;
  }
}

describe('amounts across levels (property)', () => {
  for (const [kind, bills] of [
    ['professional bills with external values', professionalBill],
    ['outpatient and surgery-centre bills', facilityBill],
    ['inpatient claims', inpatientClaim],
  ] as const) {
    it(`are the same at full, summary and none: ${kind}`, () => {
      let priced = 0;
      fc.assert(
        fc.property(bills as fc.Arbitrary<unknown>, (bill) => {
          const answers = pricedAtEveryLevel(bill);
          if (answers === undefined) return;
          priced++;
          const [full, summary, none] = answers;
          expect(amountsOf(summary)).toEqual(amountsOf(full));
          expect(amountsOf(none)).toEqual(amountsOf(full));
          expect(v.safeParse(SummaryPricedBillSchema, summary).issues).toBeUndefined();
          expect(v.safeParse(AmountsPricedBillSchema, none).issues).toBeUndefined();
        }),
        { numRuns: 150 },
      );
      // Not vacuous: most generated bills are priced, not refused.
      expect(priced).toBeGreaterThan(75);
    });
  }
});
