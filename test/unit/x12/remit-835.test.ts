/**
 * The 835 remittance (issue 18, "Out"; docs/decisions/018-x12-remittance-out.md). Bills are priced
 * by the engine on the sample index; no dollar figure here is expected from a source: amounts are
 * compared with the JSON answer they were written from, and segment order with the public 835
 * examples in test/fixtures/x12/ (SOURCES.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../fee-data/paths.js';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import { priceRequest } from '../../../lambdas/engine/price-request.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import {
  NAME_NOT_ON_BILL,
  PAYMENT_PARAMETERS,
  paymentDetailsFrom,
  remittanceOfJsonBill,
} from '../../../lambdas/x12/payment.js';
import {
  RemittanceBalanceError,
  type RemittanceInput,
  type RemittanceOptions,
  write835,
} from '../../../lambdas/x12/remit-835.js';
import type { RemittanceClaim, RemittanceParties } from '../../../lambdas/x12/remittance-claim.js';
import { answerBalances, checkRemittance } from '../../support/check-835.js';
import { sampleIndex } from '../../support/fee-index.js';
import { EXAMPLE_BILLS, example } from '../../support/generated-bills.js';
import { cents, read835 } from '../../support/read-835.js';

const index = sampleIndex();

const OPTIONS: RemittanceOptions = {
  requestId: 'req-0001',
  at: new Date('2026-12-07T12:34:56Z'),
  sender: { qualifier: 'ZZ', id: 'WCBR' },
  receiver: { qualifier: 'ZZ', id: 'CLEARINGHOUSE' },
  interchangeControlNumber: 17,
  usage: 'T',
};

function price(bill: unknown): PricedBill {
  return priceRequest(index, normaliseRequest(bill));
}

function fixture(name: string): string {
  return readFileSync(path.join(REPO_ROOT, 'test/fixtures/x12', name), 'utf8');
}

/** A bill with a priced line, a line raised by an external value, a denied line and an unpriced one. */
const MIXED_BILL = {
  billId: 'MIX-1',
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  billingProvider: { npi: '1234567893', name: 'Bay Spine and Sports Rehab' },
  lines: [
    { code: '99213', modifiers: ['25'], dateOfService: '2025-03-04', charge: '150.00' },
    {
      code: '99213',
      dateOfService: '2025-03-05',
      charge: '900.00',
      // An adjuster raising the allowance, with the reason the TR3's COB example gives a raise (OA 94).
      externalValues: [
        {
          bucket: 'adjuster',
          mode: 'add',
          amount: '15.00',
          source: 'adjuster',
          reason: { groupCode: 'OA', carc: '94' },
        },
      ],
    },
    { code: '99080', dateOfService: '2025-03-04', charge: '50.00' },
    { code: '99213', dateOfService: '2019-03-04', charge: '150.00' },
  ],
};

/** The segments of a set from BPR to the end, as `KEY` strings (tag, qualifier, CAS's loop). */
function keysOf(text: string): string[] {
  return read835(text).sets.flatMap((s) => [...s.keys]);
}

/** Consecutive repeats collapsed: a loop's order, not its length. */
function collapse(keys: readonly string[]): string[] {
  return keys.filter((k, i) => k !== keys[i - 1]);
}

describe('write835: the worked examples', () => {
  it('writes a mixed bill: paid, raised, denied and unpriced lines, each balanced', () => {
    const answer = price(MIXED_BILL);
    expect(answer.lines.map((l) => l.status)).toEqual(['priced', 'priced', 'denied', 'unpriced']);
    const claims = [remittanceOfJsonBill(answer, OPTIONS.requestId)];
    const text = write835(claims, OPTIONS);
    expect(checkRemittance(text, claims, undefined)).toBe(4);
    const [line1, raised, denied, unpriced] = read835(text).sets[0]?.claims[0]?.lines ?? [];
    expect(line1?.procedure).toEqual(['HC', '99213', '25']);
    // The raise is a negative amount under its own group and CARC.
    expect(raised?.cas.find((c) => c.carc === '94')).toEqual({ group: 'OA', carc: '94', amount: -1500 });
    expect(raised?.payment).toBeGreaterThan(0);
    // Denied: nothing paid, the whole charge under the JSON's reasons.
    expect(denied?.payment).toBe(0);
    expect(denied?.cas.map((c) => [c.group, c.carc])).toEqual([['CO', '97']]);
    // Unpriced: nothing paid, the whole charge pending further review (OA 133), no allowed amount.
    expect(unpriced?.payment).toBe(0);
    expect(unpriced?.cas).toEqual([{ group: 'OA', carc: '133', amount: 15000 }]);
    expect(unpriced?.allowed).toBeUndefined();
  });

  it('follows the segment order of the TR3 COB example (cob-contractural-adjustment.835)', () => {
    const sample = keysOf(fixture('cob-contractural-adjustment.835'));
    // An equivalent claim: one professional line paid by cheque, payer and payee with addresses,
    // payee by tax id (FI), the patient named with a member id.
    const answer = price({ ...MIXED_BILL, lines: [MIXED_BILL.lines[0]] });
    const remittance: RemittanceClaim = {
      patientControlNumber: 'PCN-1',
      claimNumber: 'WC-CLAIM-9',
      facilityCode: '11',
      frequencyCode: '1',
      patient: { lastName: 'DOE', firstName: 'JANE', memberId: 'M123' },
      priced: answer,
    };
    const parties: RemittanceParties = {
      payer: {
        name: 'EXAMPLE MUTUAL',
        address: { lines: ['1 MAIN ST'], city: 'DOVER', state: 'DE', zip: '19901' },
      },
      payee: {
        name: 'BAY SPINE',
        taxId: '123456789',
        address: { lines: ['2 HIGH ST'], city: 'DOVER', state: 'DE', zip: '19901' },
      },
    };
    const payment = {
      method: 'CHK',
      traceNumber: '0063158ABC',
      date: '2026-12-08',
      originatorId: '1123456789',
    } as const;
    const ours = keysOf(write835([{ remittance, parties }], { ...OPTIONS, payment }));
    const shared = (keys: readonly string[], other: readonly string[]) =>
      collapse(keys.filter((k) => other.includes(k)));
    expect(shared(ours, sample)).toEqual(shared(sample, ours));
    expect(shared(ours, sample)).toEqual([
      'BPR',
      'TRN',
      'DTM*405',
      'N1*PR',
      'N3',
      'N4',
      'N1*PE',
      'N3',
      'N4',
      'LX',
      'CLP',
      'NM1*QC',
      'SVC',
      'DTM*472',
      'CAS@2110',
      'AMT*B6',
    ]);
    // What the example does not show sits where the TR3 puts it: 2110 is SVC, DTM, CAS, REF
    // (6R before the provider ids the example's REF*1B is), AMT, QTY, LQ.
    expect(collapse(ours).slice(-5)).toEqual(['SVC', 'DTM*472', 'CAS@2110', 'REF*6R', 'AMT*B6']);
  });

  it('follows the segment order of the TR3 managed care example (managed-care.835): REF*TJ after the payee', () => {
    const sample = keysOf(fixture('managed-care.835'));
    const answer = price({ ...MIXED_BILL, lines: [MIXED_BILL.lines[0]] });
    const parties: RemittanceParties = {
      payer: {
        name: 'EXAMPLE MUTUAL',
        address: { lines: ['1 MAIN ST'], city: 'DOVER', state: 'DE', zip: '19901' },
      },
      payee: { name: 'BAY SPINE', npi: '1234567893', taxId: '123456789' },
    };
    const payment = { method: 'ACH', traceNumber: '7170066655', date: '2026-12-08' } as const;
    // Two claims, as the example has.
    const claims = ['PCN-1', 'PCN-2'].map((patientControlNumber) => ({
      remittance: { patientControlNumber, priced: answer },
      parties,
    }));
    const ours = keysOf(write835(claims, { ...OPTIONS, payment }));
    const shared = (keys: readonly string[], other: readonly string[]) =>
      collapse(keys.filter((k) => other.includes(k)));
    expect(shared(ours, sample)).toEqual(shared(sample, ours));
    expect(shared(ours, sample).slice(0, 9)).toEqual([
      'BPR',
      'TRN',
      'DTM*405',
      'N1*PR',
      'N3',
      'N4',
      'N1*PE',
      'REF*TJ',
      'LX',
    ]);
  });

  it('reads the public examples back as node-x12 does ours (parser, counts and our reader agree)', () => {
    for (const name of ['cob-contractural-adjustment.835', 'managed-care.835']) {
      const read = read835(fixture(name));
      for (const set of read.sets) expect(set.se01).toBe(String(set.segmentCount));
      expect(read.ge01).toBe(String(read.sets.length));
    }
    // The managed care example balances as ours must: CLP03 − CLP04 = Σ CAS (claim and lines).
    for (const claim of read835(fixture('managed-care.835')).sets[0]?.claims ?? []) {
      const cas = [...claim.cas, ...claim.lines.flatMap((l) => l.cas)];
      expect(claim.charge - claim.payment).toBe(cas.reduce((t, c) => t + c.amount, 0));
    }
  });

  it('writes a facility claim: statement dates, revenue codes in SVC04, NU for a line without HCPCS', () => {
    const answer = price(example('facility-inpatient-837i.json'));
    const claims = [remittanceOfJsonBill(answer, OPTIONS.requestId)];
    const text = write835(claims, OPTIONS);
    checkRemittance(text, claims, undefined);
    const claim = read835(text).sets[0]?.claims[0];
    expect(claim?.elements.slice(5, 9)).toEqual(['WC', `${OPTIONS.requestId}-1`, '11', '1']);
    const stay = answer.facility as NonNullable<PricedBill['facility']>;
    expect(claim?.dates).toEqual({
      '232': (stay.admissionDate as string).replaceAll('-', ''),
      '233': (stay.dischargeDate as string).replaceAll('-', ''),
    });
    const first = claim?.lines[0];
    expect(first?.procedure).toEqual(['NU', '0120']);
    expect(first?.revenueCode).toBe('');
    const second = claim?.lines[1];
    expect(second?.procedure[0]).toBe('HC');
    expect(second?.revenueCode).toBe(answer.lines[1]?.facility?.revenueCode);
  });

  it('writes a 999-line bill: every line, counts right, balanced', () => {
    const codes = ['99213', '97110', '97140', '72148', '20610'];
    const bill = {
      billId: 'BIG-999',
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: Array.from({ length: 999 }, (_, i) => ({
        code: codes[i % codes.length],
        dateOfService: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        charge: `${100 + (i % 400)}.00`,
      })),
    };
    const answer = price(bill);
    const claims = [remittanceOfJsonBill(answer, OPTIONS.requestId)];
    const payment = { method: 'ACH', traceNumber: 'EFT-999', date: '2026-12-08' } as const;
    const text = write835(claims, { ...OPTIONS, payment });
    expect(checkRemittance(text, claims, payment)).toBe(999);
    expect(read835(text).sets[0]?.claims[0]?.lines.map((l) => l.controlNumber)).toEqual(
      answer.lines.map((l) => String(l.lineNumber)),
    );
  });
});

describe('write835: the header, the sets and what travels in them', () => {
  it('answers review-only without payment details: BPR H 0.00 NON, a trace from the request id', () => {
    const claims = [remittanceOfJsonBill(price(MIXED_BILL), OPTIONS.requestId)];
    const set = read835(write835(claims, OPTIONS)).sets[0];
    expect(set?.bpr).toEqual([
      'H',
      '0.00',
      'C',
      'NON',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '20261207',
    ]);
    expect(set?.trn).toEqual(['1', 'req-0001-1']);
  });

  it('answers the payment: BPR I, the set total, method and date; TRN the trace and originator', () => {
    const claims = [remittanceOfJsonBill(price(MIXED_BILL), OPTIONS.requestId)];
    const payment = {
      method: 'CHK',
      traceNumber: '0012524965',
      date: '2026-12-09',
      originatorId: '1123456789',
    } as const;
    const text = write835(claims, { ...OPTIONS, payment });
    const set = read835(text).sets[0];
    expect(set?.bpr.slice(0, 4)).toEqual(['I', claims[0]?.remittance.priced.totals.allowed, 'C', 'CHK']);
    expect(set?.bpr[15]).toBe('20261209');
    expect(set?.trn).toEqual(['1', '0012524965', '1123456789']);
    checkRemittance(text, claims, payment);
  });

  it('writes one set per payee, claims in file order within each, totals per set', () => {
    const a = price(MIXED_BILL);
    const b = price({
      ...MIXED_BILL,
      billId: 'MIX-2',
      billingProvider: { npi: '1609948736', name: 'Valley Clinic' },
    });
    const c = price({ ...MIXED_BILL, billId: 'MIX-3' });
    const claims = [a, b, c].map((p) => remittanceOfJsonBill(p, OPTIONS.requestId));
    const payment = { method: 'ACH', traceNumber: 'T1', date: '2026-12-08' } as const;
    const text = write835(claims, { ...OPTIONS, payment });
    checkRemittance(text, claims, payment);
    const read = read835(text);
    expect(read.sets.map((s) => s.claims.map((c) => c.elements[0]))).toEqual([['MIX-1', 'MIX-3'], ['MIX-2']]);
    expect(read.sets.map((s) => s.controlNumber)).toEqual(['0001', '0002']);
    expect(read.sets.map((s) => s.payee.slice(1))).toEqual([
      ['Bay Spine and Sports Rehab', 'XX', '1234567893'],
      ['Valley Clinic', 'XX', '1609948736'],
    ]);
    // CLP07 without a claim number: our reference, the request id and the claim's place in the request.
    expect(read.sets.map((s) => s.claims.map((c) => c.elements[6]))).toEqual([
      ['req-0001-1', 'req-0001-3'],
      ['req-0001-2'],
    ]);
  });

  it('writes the patient the 837 named, and NM1*QC without a name for a JSON bill', () => {
    const answer = price(MIXED_BILL);
    const withPatient: RemittanceInput = {
      remittance: {
        patientControlNumber: 'PCN-7',
        claimNumber: 'WC-123',
        claimFilingIndicator: 'WC',
        patient: { lastName: 'DOE', firstName: 'JANE', middleName: 'Q', memberId: 'M-1' },
        priced: answer,
      },
      parties: remittanceOfJsonBill(answer, 'r').parties,
    };
    const json = remittanceOfJsonBill(answer, OPTIONS.requestId);
    const claims = read835(write835([withPatient, json], OPTIONS)).sets[0]?.claims ?? [];
    expect(claims[0]?.patient).toEqual(['QC', '1', 'DOE', 'JANE', 'Q', '', '', 'MI', 'M-1']);
    expect(claims[0]?.elements[6]).toBe('WC-123');
    expect(claims[1]?.patient).toEqual(['QC', '1']);
  });

  it('never lets a delimiter in a name or id break the file', () => {
    const answer = price(MIXED_BILL);
    const hostile = 'O*BRIEN~ST:JOHN^X\nY';
    const claims: RemittanceInput[] = [
      {
        remittance: {
          patientControlNumber: 'PCN*1~2',
          claimNumber: 'CLM:9^9',
          patient: { lastName: hostile, firstName: hostile, memberId: 'ID~*:^' },
          priced: answer,
        },
        parties: {
          payer: {
            name: hostile,
            id: 'P*1',
            address: { lines: [hostile], city: hostile, state: 'D~', zip: '1*' },
          },
          payee: { name: hostile, npi: '1234567893', taxId: '12*3' },
        },
      },
    ];
    const text = write835(claims, OPTIONS);
    checkRemittance(text, claims, undefined);
    const set = read835(text).sets[0];
    expect(set?.payer[1]).toBe('O BRIEN ST JOHN X Y');
    expect(set?.claims[0]?.elements[0]).toBe('PCN 1 2');
    expect(set?.claims[0]?.patient?.slice(2, 4)).toEqual(['O BRIEN ST JOHN X Y', 'O BRIEN ST JOHN X Y']);
    // Every segment has the elements we wrote: nothing split, nothing joined.
    expect(text.split('~\n').filter((s) => s !== '')).toHaveLength(
      (read835(text).interchange.functionalGroups[0]?.transactions[0]?.segments.length ?? 0) + 6,
    );
  });

  it('splits a group of more than six reasons into several CAS segments, summing repeats', () => {
    const answer = price({ ...MIXED_BILL, lines: [{ ...MIXED_BILL.lines[0], charge: '900.00' }] });
    const line = answer.lines[0] as PricedBill['lines'][number];
    const withheld = cents(line.billed) - cents(line.allowed as string);
    // Ten adjustments by hand (a test input, not a figure): eight CARCs in CO, one repeated, summing to what is withheld.
    const carcs = ['45', '59', '97', '236', '151', '18', '119', '197', '45', '59'];
    const each = Math.floor(withheld / carcs.length);
    const amounts = carcs.map((_, i) => (i === 0 ? withheld - each * (carcs.length - 1) : each));
    const adjustments = carcs.map((carc, i) => ({
      ...(line.adjustments[0] as PricedBill['lines'][number]['adjustments'][number]),
      carc,
      amount: ((amounts[i] as number) / 100).toFixed(2),
    }));
    const priced = { ...answer, lines: [{ ...line, adjustments }] };
    const claims = [remittanceOfJsonBill(priced, OPTIONS.requestId)];
    const text = write835(claims, OPTIONS);
    checkRemittance(text, claims, undefined);
    const cas = text.split('~\n').filter((s) => s.startsWith('CAS*'));
    expect(cas).toHaveLength(2);
    expect(cas[0]?.split('*')).toHaveLength(1 + 1 + 6 * 3 - 1); // six triplets, the last quantity dropped
    expect(cas[1]?.split('*').slice(0, 3)).toEqual(['CAS', 'CO', '119']);
  });

  it('refuses an answer whose adjustments do not add up to billed less allowed', () => {
    const answer = price(MIXED_BILL);
    const line = answer.lines[0] as PricedBill['lines'][number];
    const broken = {
      ...answer,
      lines: [{ ...line, adjustments: line.adjustments.map((a) => ({ ...a, amount: '0.01' })) }],
    };
    expect(() => write835([remittanceOfJsonBill(broken, 'r')], OPTIONS)).toThrow(RemittanceBalanceError);
    expect(() => write835([remittanceOfJsonBill(broken, 'r')], OPTIONS)).toThrow(/claim 1, line 1/);
  });
});

describe('an uncapped facility line reduced by a rule (decision 018, "What the property found")', () => {
  // A surgery-centre line is paid on the ASC rate without the lesser of billed. With a charge below
  // the fee schedule amount and a rule reducing it (2 units: the multiple procedure reduction), the
  // engine charged the negative FS-MAX as billed − payable, counting the rule's reduction twice.
  // It is now billed − fee schedule amount, at the fee schedule stage: the figures below are the
  // identities every priced line owes (billed − Σ adjustments = allowed = Σ buckets), not amounts.
  const bill = { ...example('facility-asc.json'), jurisdiction: 'US-MEDICARE' } as Record<string, unknown>;
  const lines = bill.lines as Record<string, unknown>[];
  const asc = { ...bill, lines: [{ ...lines[0], charge: '100.00', units: 2 }] };

  it('balances, and its 835 is written', () => {
    const answer = price(asc);
    expect(answerBalances(answer)).toBe(true);
    const line = answer.lines[0] as PricedBill['lines'][number];
    const fsMax = line.adjustments.find((a) => a.internalCode === 'FS-MAX');
    const fee = line.feeSchedule?.amount as string;
    // The negative fee schedule adjustment is billed less the fee schedule amount, exactly.
    expect(Number(fsMax?.amount)).toBeCloseTo(100 - Number(fee), 2);
    expect(line.adjustments.some((a) => a.bucket === 'billReview' && Number(a.amount) > 0)).toBe(true);
    expect(() => write835([remittanceOfJsonBill(answer, 'r')], OPTIONS)).not.toThrow();
  });
});

describe('paymentDetailsFrom', () => {
  it('answers undefined without payment parameters (review-only), whatever else the query holds', () => {
    expect(paymentDetailsFrom(undefined)).toBeUndefined();
    expect(paymentDetailsFrom(null)).toBeUndefined();
    expect(paymentDetailsFrom({ explain: 'summary' })).toBeUndefined();
  });

  it('reads method, trace, date and originator', () => {
    expect(
      paymentDetailsFrom({
        paymentMethod: 'ACH',
        paymentTrace: 'EFT 2026-0001',
        paymentDate: '2024-02-29',
        paymentOriginator: '1123456789',
      }),
    ).toEqual({
      method: 'ACH',
      traceNumber: 'EFT 2026-0001',
      date: '2024-02-29',
      originatorId: '1123456789',
    });
    expect(
      paymentDetailsFrom({ paymentMethod: 'NON', paymentTrace: 'X', paymentDate: '2026-01-01' }),
    ).toEqual({
      method: 'NON',
      traceNumber: 'X',
      date: '2026-01-01',
    });
  });

  it.each([
    [{ paymentMethod: 'WIRE', paymentTrace: 'T', paymentDate: '2026-01-01' }, ['paymentMethod']],
    [{ paymentMethod: 'ach', paymentTrace: 'T', paymentDate: '2026-01-01' }, ['paymentMethod']],
    [{ paymentMethod: 'CHK', paymentTrace: 'A*B', paymentDate: '2026-01-01' }, ['paymentTrace']],
    [{ paymentMethod: 'CHK', paymentTrace: 'A~B', paymentDate: '2026-01-01' }, ['paymentTrace']],
    [{ paymentMethod: 'CHK', paymentTrace: '', paymentDate: '2026-01-01' }, ['paymentTrace']],
    [{ paymentMethod: 'CHK', paymentTrace: 'x'.repeat(51), paymentDate: '2026-01-01' }, ['paymentTrace']],
    [{ paymentMethod: 'CHK', paymentTrace: 'A\nB', paymentDate: '2026-01-01' }, ['paymentTrace']],
    [{ paymentMethod: 'CHK', paymentTrace: 'T', paymentDate: '2026-02-30' }, ['paymentDate']],
    [{ paymentMethod: 'CHK', paymentTrace: 'T', paymentDate: '20260101' }, ['paymentDate']],
    [
      { paymentMethod: 'CHK', paymentTrace: 'T', paymentDate: '2026-01-01', paymentOriginator: '123' },
      ['paymentOriginator'],
    ],
    [
      { paymentMethod: 'CHK', paymentTrace: 'T', paymentDate: '2026-01-01', paymentOriginator: '2123456789' },
      ['paymentOriginator'],
    ],
    [{ paymentTrace: 'T' }, ['paymentMethod', 'paymentDate']],
    [{ paymentOriginator: '1123456789' }, ['paymentMethod', 'paymentTrace', 'paymentDate']],
    [
      { paymentMethod: 'X', paymentTrace: '^', paymentDate: 'x', paymentOriginator: 'y' },
      ['paymentMethod', 'paymentTrace', 'paymentDate', 'paymentOriginator'],
    ],
  ])('refuses %j with a field error for each bad parameter (422)', (query, fields) => {
    let error: unknown;
    try {
      paymentDetailsFrom(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BillValidationError);
    expect((error as BillValidationError).errors.map((e) => e.field)).toEqual(fields);
  });
});

describe('paymentDetailsFrom (fuzz)', () => {
  it('answers details or a 422 naming only payment parameters, never another error', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('ACH', 'CHK', '2026-02-28', '1123456789'),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            paymentMethod: value,
            paymentTrace: value,
            paymentDate: value,
            paymentOriginator: value,
            explain: value,
          },
          { requiredKeys: [] },
        ),
        (query) => {
          try {
            const details = paymentDetailsFrom(query);
            if (details !== undefined) expect(details.traceNumber).toBe(query.paymentTrace);
          } catch (error) {
            expect(error).toBeInstanceOf(BillValidationError);
            for (const e of (error as BillValidationError).errors)
              expect(PAYMENT_PARAMETERS as readonly string[]).toContain(e.field);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('remittanceOfJsonBill', () => {
  it('takes CLP01 from billId, else from the request id, and the payee from the billing provider', () => {
    const answer = price(MIXED_BILL);
    const { remittance, parties } = remittanceOfJsonBill(answer, 'req-9');
    expect(remittance.patientControlNumber).toBe('MIX-1');
    expect(remittance.claimFilingIndicator).toBe('WC');
    expect(remittance.facilityCode).toBe('11');
    expect(remittance.frequencyCode).toBeUndefined();
    expect(remittance.patient).toBeUndefined();
    expect(parties).toEqual({
      payer: { name: NAME_NOT_ON_BILL },
      payee: { name: 'Bay Spine and Sports Rehab', npi: '1234567893' },
    });
    const { billId: _, ...withoutId } = MIXED_BILL;
    expect(remittanceOfJsonBill(price(withoutId), 'req-9').remittance.patientControlNumber).toBe('req-9');
  });

  it('takes the facility type and frequency from the type of bill, the payer from the bill', () => {
    const answer = price(example('facility-outpatient.json'));
    const { remittance, parties } = remittanceOfJsonBill(answer, 'req-9');
    expect([remittance.facilityCode, remittance.frequencyCode]).toEqual(['13', '1']);
    expect(parties.payer.name).toBe('Example Mutual Insurance');
    expect(parties.payee.npi).toBe('1234567893');
  });

  it('parses back with node-x12 for every example bill', () => {
    for (const name of EXAMPLE_BILLS) {
      const claims = [remittanceOfJsonBill(price(example(name)), OPTIONS.requestId)];
      const text = write835(claims, OPTIONS);
      expect(() => new X12Parser(true).parse(text), name).not.toThrow();
      checkRemittance(text, claims, undefined);
    }
  });
});
