import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import { parseSignedCents } from '../../../lambdas/engine/money.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import type { PricedLine } from '../../../lambdas/engine/priced-bill.js';
import { sampleIndex, sampleIndexWith } from '../../support/fee-index.js';

/*
 * The examples of the external values paragraphs of ../shared/seeds/000_ded1df985f5b4492.txt, each
 * worked by hand. Fee schedule amounts (Delaware, ZIP 19901, 2025, non-facility, CF 32.3465;
 * GPCI2025.csv line 40: 1.009, 0.992, 0.949), from PPRRVU2025_Oct.csv:
 *   99213 line 12807 (1.30, 1.35, 0.10) = 88.82      20610 line 1644 (0.79, 1.04, 0.13) = 63.15
 *   64483 line 6956 (1.90, 5.24, 0.16) = 235.06
 */
const index = sampleIndex();
const reason = { groupCode: 'CO', carc: '45' };

const price = (bill: object) =>
  priceBill(
    index,
    normaliseBill({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, ...bill }),
  );

const visit = (extra: object = {}) => ({
  code: '99213',
  dateOfService: '2025-03-04',
  charge: '150.00',
  ...extra,
});

const buckets = (line: PricedLine | undefined) =>
  Object.fromEntries(Object.entries(line?.buckets ?? {}).filter(([, v]) => v !== '0.00'));

const sumOfBuckets = (line: PricedLine | undefined) =>
  Object.values(line?.buckets ?? {}).reduce((n, v) => n + parseSignedCents(v), 0);

describe('external values (the seed examples)', () => {
  it('"the state fee schedule is $100 and a 10% discount after the fee schedule allowance"', () => {
    // The fee schedule value is set to 100.00 before the rules; the 10% PPO discount after them is
    // 10% of 100.00 = 10.00: allowed 90.00. Billed 150.00 − 100.00 = 50.00 withheld in the fee
    // schedule bucket under the customer's reason; 10.00 in ppo.
    const [line] = price({
      lines: [
        visit({
          externalValues: [
            {
              bucket: 'feeSchedule',
              mode: 'replace',
              amount: '100.00',
              when: 'before',
              source: 'state fee',
              reason,
            },
            {
              bucket: 'ppo',
              mode: 'add',
              percent: '-10',
              source: 'PPO contract 7',
              reason: { groupCode: 'CO', carc: '131' },
            },
          ],
        }),
      ],
    }).lines;
    expect(line).toMatchObject({ status: 'priced', allowed: '90.00', withheld: '60.00' });
    expect(buckets(line)).toEqual({ feeSchedule: '100.00', ppo: '-10.00' });
    expect(line?.adjustments.map((a) => [a.bucket, a.carc, a.amount, a.source])).toEqual([
      ['feeSchedule', '45', '50.00', 'state fee'],
      ['ppo', '131', '10.00', 'PPO contract 7'],
    ]);
  });

  it('"a multiple surgery discount that still applies to a replaced value"', () => {
    // 64483's fee schedule value is replaced by 500.00 before the rules; the multiple procedure rule
    // ranks it first (500.00 > 63.15), so 20610 is paid at 50%: 63.15 − 31.58 = 31.57 withheld.
    const lines = price({
      lines: [
        { code: '20610', dateOfService: '2025-03-04', charge: '300.00' },
        {
          code: '64483',
          modifiers: ['59'],
          dateOfService: '2025-03-04',
          charge: '900.00',
          externalValues: [
            {
              bucket: 'feeSchedule',
              mode: 'replace',
              amount: '500.00',
              when: 'before',
              source: 'negotiated rate',
              reason,
            },
          ],
        },
      ],
    }).lines;
    expect(lines.map((l) => l.allowed)).toEqual(['31.58', '500.00']);
    expect(lines[0]?.adjustments.find((a) => a.bucket === 'billReview')).toMatchObject({
      carc: '59',
      amount: '31.57',
    });
  });

  it('"pay $100 into the UR bucket and no reduction in any other bucket"', () => {
    const [line] = price({
      lines: [
        visit({
          externalValues: [
            { bucket: 'ur', mode: 'single', amount: '100.00', source: 'UR decision 12', reason },
          ],
        }),
      ],
    }).lines;
    expect(line).toMatchObject({ status: 'priced', allowed: '100.00' });
    expect(buckets(line)).toEqual({ ur: '100.00' });
    expect(line?.rules).toEqual([
      expect.objectContaining({ decision: 'no-change', message: expect.stringContaining('Not run') }),
    ]);
  });

  it('"set the bill review allowance to $100 and also apply a 10% discount, each with its own reason code"', () => {
    // After the fee schedule (88.82) the bill review allowance is set to 100.00 (+11.18), then 10%
    // of 100.00 comes off (−10.00): allowed 90.00; the bill review bucket holds +1.18.
    const [line] = price({
      lines: [
        visit({
          externalValues: [
            {
              bucket: 'billReview',
              mode: 'replace',
              amount: '100.00',
              source: 'bill review vendor',
              reason: { groupCode: 'OA', carc: '94', internalCode: 'BR-VENDOR' },
            },
            {
              bucket: 'billReview',
              mode: 'add',
              percent: '-10',
              source: 'bill review vendor',
              reason: { groupCode: 'CO', carc: '45', internalCode: 'BR-DISCOUNT' },
            },
          ],
        }),
      ],
    }).lines;
    expect(line?.allowed).toBe('90.00');
    expect(buckets(line)).toEqual({ feeSchedule: '88.82', billReview: '1.18' });
    expect(
      line?.adjustments.filter((a) => a.bucket === 'billReview').map((a) => [a.internalCode, a.amount]),
    ).toEqual([
      ['BR-VENDOR', '-11.18'],
      ['BR-DISCOUNT', '10.00'],
    ]);
  });

  it('applies a value during the rules, just before the rule it names', () => {
    // 97110 × 6 = 6 × 28.79 = 172.74 (billed 300.00: 127.26 over the fee schedule), at its MUE of 6
    // (MAI 3, mue_practitioner_derived.csv line 10188), which runs first and takes nothing. Then
    // the customer's 10% off, during the multiple-procedure rule: 10% of 172.74 = 17.27 → 155.47.
    // Then the therapy reduction: half the practice expense (13.80 / 2 = 6.90) of units 2–6, 34.50
    // → 120.97.
    const [line] = price({
      lines: [
        {
          code: '97110',
          units: 6,
          dateOfService: '2025-03-04',
          charge: '300.00',
          externalValues: [
            {
              bucket: 'billReview',
              mode: 'add',
              percent: '-10',
              when: 'during',
              rule: 'multiple-procedure',
              source: 'customer program',
              reason: { groupCode: 'CO', carc: '45', internalCode: 'CUST-10' },
            },
          ],
        },
      ],
    }).lines;
    expect(line?.allowed).toBe('120.97');
    expect(line?.adjustments.map((a) => [a.internalCode, a.amount])).toEqual([
      ['FS-MAX', '127.26'],
      ['CUST-10', '17.27'],
      ['BR-MULTIPLE-PROCEDURE', '34.50'],
    ]);
    expect(line?.rules.map((r) => r.rule)).toContain('external-value');
  });

  it('overrides the fee schedule: the rules do not run on the line, and the override may exceed billed', () => {
    // 99213 and 20610 on one day: NCCI edit 20610/99213 (indicator 1) would deny 99213; overridden
    // at 160.00 (above its 150.00 charge, as the override says), nothing touches it.
    const lines = price({
      lines: [
        { code: '20610', dateOfService: '2025-03-04', charge: '300.00' },
        visit({
          externalValues: [
            { bucket: 'feeSchedule', mode: 'override', amount: '160.00', source: 'adjuster', reason },
          ],
        }),
      ],
    }).lines;
    expect(lines[1]).toMatchObject({ status: 'priced', allowed: '160.00', withheld: '-10.00' });
    expect(buckets(lines[1])).toEqual({ feeSchedule: '160.00' });
  });

  it('prices an unpriced line by override, and says a discount cannot apply to a line without an allowance', () => {
    // 64999 is carrier priced (status C): unpriced, until an override prices it at 80% of billed.
    const priced = price({
      lines: [
        {
          code: '64999',
          dateOfService: '2025-03-04',
          charge: '500.00',
          externalValues: [
            { bucket: 'negotiated', mode: 'override', percent: '80', source: 'by report', reason },
          ],
        },
        {
          code: '64999',
          lineNumber: 2,
          dateOfService: '2025-03-05',
          charge: '500.00',
          externalValues: [{ bucket: 'ppo', mode: 'add', percent: '-10', source: 'PPO', reason }],
        },
      ],
    });
    expect(priced.lines[0]).toMatchObject({ status: 'priced', allowed: '400.00', feeSchedule: null });
    expect(buckets(priced.lines[0])).toEqual({ negotiated: '400.00' });
    expect(priced.lines[1]?.status).toBe('unpriced');
    expect(priced.lines[1]?.notices.join(' ')).toContain('no fee schedule allowance');
  });

  it('distributes a bill-level amount over the lines by billed charge, exact to the cent', () => {
    // 10.00 off over charges 150.00 and 300.00: 3.33 and 6.67 (largest remainder: 3.333… and 6.666…).
    const priced = price({
      externalValues: [{ bucket: 'ppo', mode: 'add', amount: '-10.00', source: 'PPO bill discount', reason }],
      lines: [visit(), visit({ code: '99214', charge: '300.00', renderingProviderNpi: '1245319599' })],
    });
    expect(priced.lines.map((l) => l.buckets?.ppo)).toEqual(['-3.33', '-6.67']);
    expect(priced.totals.buckets.ppo).toBe('-10.00');
    for (const l of priced.lines) expect(sumOfBuckets(l)).toBe(parseSignedCents(l.allowed ?? '0'));
  });

  it('never takes a line below zero or, without an override, above billed', () => {
    const [below] = price({
      lines: [
        visit({ externalValues: [{ bucket: 'ppo', mode: 'add', amount: '-500.00', source: 'PPO', reason }] }),
      ],
    }).lines;
    expect(below?.allowed).toBe('0.00');
    const [above] = price({
      lines: [
        visit({
          externalValues: [{ bucket: 'customer', mode: 'add', amount: '500.00', source: 'goodwill', reason }],
        }),
      ],
    }).lines;
    expect(above?.allowed).toBe('150.00');
    expect(above?.explanation.at(-1)?.text).toContain('cannot exceed billed 150.00');
  });
});

describe('impossible or conflicting instructions (422, field named)', () => {
  const errorsOf = (bill: object) => {
    try {
      normaliseBill({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, ...bill });
    } catch (error) {
      if (error instanceof BillValidationError) return error.errors;
      throw error;
    }
    return [];
  };
  const v = (extra: object) => ({
    bucket: 'ppo',
    mode: 'add',
    amount: '-5.00',
    source: 's',
    reason,
    ...extra,
  });

  it('two overrides of one line, from the line and the bill', () => {
    expect(
      errorsOf({
        externalValues: [v({ mode: 'override', amount: '50.00', bucket: 'feeSchedule' })],
        lines: [visit({ externalValues: [v({ mode: 'override', amount: '60.00', bucket: 'feeSchedule' })] })],
      }),
    ).toEqual([
      expect.objectContaining({
        field: 'externalValues[0]',
        errorMessage: expect.stringContaining('two overrides'),
      }),
    ]);
  });

  it('a single value with another value on its line', () => {
    expect(
      errorsOf({ lines: [visit({ externalValues: [v({ mode: 'single', amount: '50.00' }), v({})] })] }),
    ).toEqual([expect.objectContaining({ field: 'lines[0].externalValues[1]' })]);
  });

  it('a percentage over 100, an amount and a percent together, a negative replacement, before on ppo', () => {
    expect(
      errorsOf({ lines: [visit({ externalValues: [v({ amount: undefined, percent: '-150' })] })] }),
    ).toEqual([
      {
        field: 'lines[0].externalValues[0].percent',
        errorMessage: 'a percentage over 100 cannot be applied',
      },
    ]);
    expect(errorsOf({ lines: [visit({ externalValues: [v({ percent: '10' })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0]',
    );
    expect(errorsOf({ lines: [visit({ externalValues: [v({ mode: 'replace' })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0].amount',
    );
    expect(errorsOf({ lines: [visit({ externalValues: [v({ when: 'before' })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0].when',
    );
  });

  it('a bill-level value for a line the bill does not have, and two replacements of one bucket', () => {
    expect(errorsOf({ externalValues: [v({ lineNumbers: [1, 7] })], lines: [visit()] })).toEqual([
      { field: 'externalValues[0].lineNumbers[1]', errorMessage: 'line 7 is not on this bill' },
    ]);
    expect(
      errorsOf({
        lines: [
          visit({
            externalValues: [v({ mode: 'replace', amount: '5.00' }), v({ mode: 'replace', amount: '6.00' })],
          }),
        ],
      }),
    ).toEqual([expect.objectContaining({ field: 'lines[0].externalValues[1]' })]);
  });

  it('during needs a rule that exists, and only on the fee schedule or bill review bucket', () => {
    expect(errorsOf({ lines: [visit({ externalValues: [v({ when: 'during' })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0].when',
    );
    expect(
      errorsOf({
        lines: [
          visit({ externalValues: [v({ bucket: 'billReview', when: 'during', rule: 'no-such-rule' })] }),
        ],
      }),
    ).toEqual([expect.objectContaining({ field: 'lines[0].externalValues[0].rule' })]);
    expect(errorsOf({ lines: [visit({ externalValues: [v({ rule: 'mue' })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0].rule',
    );
  });

  it('bad shapes are field errors from the schema', () => {
    expect(errorsOf({ lines: [visit({ externalValues: [v({ bucket: 'vendor' })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0].bucket',
    );
    expect(errorsOf({ lines: [visit({ externalValues: [v({ reason: { carc: '45' } })] })] })[0]?.field).toBe(
      'lines[0].externalValues[0].reason.groupCode',
    );
  });
});

describe('a jurisdiction that forbids a PPO to pay below the fee schedule', () => {
  it('limits a PPO discount to the fee schedule allowance and says why; other buckets are not limited', () => {
    // Test input: US-MEDICARE made to forbid it on professional bills (California's rule, 8 CCR
    // § 9789.30(d), is for medical-legal bills, which we do not price yet).
    const strict = sampleIndexWith((j) =>
      j.id === 'US-MEDICARE'
        ? { ...j, ppoBelowFeeSchedule: { forbiddenFor: ['professional'], source: { citation: 'test rule' } } }
        : j,
    );
    const bill = (bucket: string) =>
      priceBill(
        strict,
        normaliseBill({
          jurisdiction: 'US-MEDICARE',
          serviceFacility: { zip: '19901' },
          lines: [
            visit({ externalValues: [{ bucket, mode: 'add', percent: '-10', source: 'network', reason }] }),
          ],
        }),
      ).lines[0];
    // 99213: 88.82; a 10% PPO discount would be 8.88, but the PPO may not go below 88.82.
    const ppo = bill('ppo');
    expect(ppo?.allowed).toBe('88.82');
    expect(ppo?.explanation.at(-1)?.text).toContain('may not pay below the fee schedule allowance 88.82');
    // The same discount in the customer bucket is not a PPO's: 88.82 − 8.88 = 79.94.
    expect(bill('customer')?.allowed).toBe('79.94');
  });
});

describe('everything an explanation of review needs', () => {
  it('repeats the payer and providers, and the dates, without another call', () => {
    const priced = price({
      payer: { name: 'Acme Insurance', id: 'ACME-1' },
      receivedDate: '2025-03-20',
      billingProvider: { npi: '1234567893', taxId: '123456789', name: 'Dover Clinic', zip: '19901' },
      lines: [visit(), visit({ dateOfService: '2025-03-11', code: '99214' })],
    });
    expect(priced.parties).toEqual({
      payer: { name: 'Acme Insurance', id: 'ACME-1' },
      billingProvider: { npi: '1234567893', taxId: '123456789', name: 'Dover Clinic', zip: '19901' },
      serviceFacility: { zip: '19901' },
    });
    expect(priced.dates).toEqual({
      firstService: '2025-03-04',
      lastService: '2025-03-11',
      received: '2025-03-20',
    });
  });
});
