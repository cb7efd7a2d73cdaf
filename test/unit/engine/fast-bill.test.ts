import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { FAST_BILL_KEYS, FAST_LINE_KEYS, fastParseBill } from '../../../lambdas/engine/bill/fast-bill.js';
import { normaliseBill, normaliseBillBySchema } from '../../../lambdas/engine/bill/normalise.js';
import { BillLineSchema, BillSchema } from '../../../lambdas/engine/bill/schema.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';

/*
 * The fast path must accept only what the schema accepts and give the same bill; whatever it does
 * not take goes to the schema. Random bills, well formed and broken field by field.
 */
/** Mostly valid values, sometimes a broken one, rarely anything at all. */
function mostly<T>(valid: fc.Arbitrary<T>, broken: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 30 },
    { arbitrary: broken, weight: 1 },
    { arbitrary: fc.anything(), weight: 1 },
  );
}
const text = (valid: string[], broken: string[]) =>
  mostly(fc.constantFrom(...valid), fc.constantFrom(...broken));
const maybe = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined });

const lineArb = fc.record(
  {
    lineNumber: maybe(mostly(fc.integer({ min: 1, max: 9999 }), fc.constantFrom(0, 10_000, 1.5))),
    code: text(['99213', ' 97110 ', 'g0168', '72148'], ['9921', 'ABCDE1', '']),
    modifiers: maybe(
      mostly(
        fc.array(text(['25', 'rt', ' 59'], ['LTX', '']), { maxLength: 4 }),
        fc.constant(['25', '59', 'RT', 'LT', 'XU']),
      ),
    ),
    dateOfService: text(['2025-03-04', '2025-02-30', '2026-01-01'], ['20250304', '2025-3-4']),
    units: maybe(mostly(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom(0, 100_000, Number.NaN, 2.5))),
    charge: text(['150.00', '150', '150.5', '0.01'], ['1.234', '-1.00', '1234567890', '150.']),
    placeOfService: maybe(text(['11', '22'], ['2', 'AB'])),
    renderingProviderNpi: maybe(text(['1234567893', '1245319599'], ['12345678901'])),
    anesthesiaMinutes: maybe(mostly(fc.integer({ min: 0, max: 2880 }), fc.constantFrom(-1, 2881, 1.5))),
    drug: maybe(
      mostly(
        fc.record({
          ndc: text(['00002143380'], ['123']),
          quantity: text(['30', '2.5'], ['1.2345', '1234567']),
        }),
        fc.constant({ ndc: '00002143380' }),
      ),
    ),
    priorAuthorization: maybe(text(['PA-1', ' PA-2 '], ['  ', 'x'.repeat(51)])),
    documentation: maybe(
      mostly(
        fc.array(text(['report-1', ' note '], [' ', 'x'.repeat(101)]), { maxLength: 3 }),
        fc.constant(Array(21).fill('a')),
      ),
    ),
    extra: maybe(fc.anything()),
  },
  { requiredKeys: ['code', 'dateOfService', 'charge'] },
);

const party = mostly(
  fc.record(
    {
      npi: maybe(text(['1234567893'], ['12345678901'])),
      zip: maybe(text(['19901', '19901-1234', '199011234'], ['1990', '19901-12'])),
      name: maybe(fc.string({ maxLength: 20 })),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom(null, [], 'x'),
);

const reviewList = mostly(
  fc.record({
    codes: fc.array(text(['99213', ' 97110'], ['abc']), { maxLength: 3 }),
    action: text(['deny', 'flag'], ['maybe']),
  }),
  fc.constant({ codes: [] }),
);

const billArb = fc.record(
  {
    billId: maybe(mostly(fc.string({ maxLength: 64 }), fc.constant('x'.repeat(65)))),
    jurisdiction: text(['US-MEDICARE', ' de ', 'CA'], ['x', '']),
    billType: maybe(text(['professional'], ['institutional'])),
    placeOfService: maybe(text(['11'], ['1'])),
    serviceFacility: maybe(party),
    billingProvider: maybe(party),
    priorVisits: maybe(
      mostly(
        fc.record(
          {
            physicalTherapy: maybe(
              mostly(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(-1, 1.5, 10_000)),
            ),
            chiropractic: maybe(fc.integer({ min: 0, max: 30 })),
          },
          { requiredKeys: [] },
        ),
        fc.constant({ acupuncture: 3 }),
      ),
    ),
    review: maybe(
      mostly(
        fc.record(
          { priorAuthorizationRequired: maybe(reviewList), documentationRequired: maybe(reviewList) },
          { requiredKeys: [] },
        ),
        fc.constant({ other: { codes: [], action: 'deny' } }),
      ),
    ),
    qrCode: maybe(mostly(fc.boolean(), fc.constantFrom('yes', 1, null))),
    lines: mostly(fc.array(lineArb, { minLength: 1, maxLength: 4 }), fc.constantFrom([], 'none')),
  },
  { requiredKeys: ['jurisdiction', 'lines'] },
);

/** JSON as a client sends it: no undefined values. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

function outcome(normalise: (input: unknown) => unknown, input: unknown): unknown {
  try {
    return { bill: normalise(input) };
  } catch (error) {
    if (error instanceof BillValidationError) return { errors: error.errors };
    throw error;
  }
}

describe('the fast path of the bill schema', () => {
  it('accepts only what the schema accepts, gives the same bill, and leaves the rest to the schema', () => {
    let fast = 0;
    fc.assert(
      fc.property(billArb, (raw) => {
        const input = asJson(raw);
        const parsed = fastParseBill(input);
        const schema = v.safeParse(BillSchema, input);
        if (parsed !== undefined) {
          fast++;
          expect(schema.success).toBe(true);
        }
        if (!schema.success) expect(parsed).toBeUndefined();
        expect(outcome(normaliseBill, input)).toEqual(outcome(normaliseBillBySchema, input));
      }),
      { numRuns: 3000 },
    );
    // The generators must reach the fast path often enough for the check to mean something.
    expect(fast).toBeGreaterThan(100);
  });

  it('knows every field of the schema (a new field cannot be dropped by the fast path)', () => {
    const billEntries = (BillSchema.pipe[0] as { entries: object }).entries;
    expect([...FAST_BILL_KEYS].sort()).toEqual(Object.keys(billEntries).sort());
    expect([...FAST_LINE_KEYS].sort()).toEqual(Object.keys(BillLineSchema.entries).sort());
  });

  it('leaves bills with external values to the schema', () => {
    const value = {
      bucket: 'ppo',
      mode: 'add',
      percent: '-10',
      source: 'PPO contract',
      reason: { groupCode: 'CO', carc: '45' },
    };
    const line = { code: '99213', dateOfService: '2025-03-04', charge: '150.00' };
    expect(fastParseBill({ jurisdiction: 'DE', lines: [line], externalValues: [value] })).toBeUndefined();
    expect(
      fastParseBill({ jurisdiction: 'DE', lines: [{ ...line, externalValues: [value] }] }),
    ).toBeUndefined();
  });

  it('takes a typical bill', () => {
    const bill = {
      jurisdiction: ' us-medicare ',
      serviceFacility: { zip: '19901' },
      lines: [{ code: ' 99213', modifiers: ['25 '], dateOfService: '2025-03-04', charge: '150.5' }],
    };
    expect(fastParseBill(bill)).toEqual({
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [{ code: '99213', modifiers: ['25'], dateOfService: '2025-03-04', charge: '150.5' }],
    });
  });
});
