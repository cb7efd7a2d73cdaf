/**
 * The 835 balances and says what the JSON answer says (issue 18, "Out"; decision 018), on bills
 * the engine prices on the sample index: generated professional, outpatient, surgery-centre and
 * inpatient bills, several to a request, to one or more payees, with and without payment details.
 * No dollar figure here is expected from a source: every amount is compared with the JSON answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import { priceRequest } from '../../../lambdas/engine/price-request.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { remittanceOfJsonBill } from '../../../lambdas/x12/payment.js';
import { write835 } from '../../../lambdas/x12/remit-835.js';
import type { PaymentDetails } from '../../../lambdas/x12/remittance-claim.js';
import { answerBalances, checkRemittance } from '../../support/check-835.js';
import { sampleIndex } from '../../support/fee-index.js';
import { facilityBill, inpatientClaim, professionalBill } from '../../support/generated-bills.js';

const index = sampleIndex();

/** Billing providers the generated bills are sent by: names with X12 delimiters among them. */
const PROVIDERS = [
  { npi: '1234567893', name: 'Bay Spine and Sports Rehab' },
  { npi: '1609948736', taxId: '123456789', name: 'SMITH*JONES~PA: ORTHO^' },
  { taxId: '987654321', name: 'Valley Clinic' },
];

const generatedBill = fc
  .tuple(
    fc.oneof(professionalBill, facilityBill, inpatientClaim) as fc.Arbitrary<Record<string, unknown>>,
    fc.nat(PROVIDERS.length - 1),
    fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  )
  .map(([bill, provider, billId]) =>
    // The institutional claim JSON names its providers its own way: it keeps its own.
    'claimInformation' in bill
      ? bill
      : { ...bill, billingProvider: PROVIDERS[provider], ...(billId === undefined ? {} : { billId }) },
  );

const payment: fc.Arbitrary<PaymentDetails | undefined> = fc.option(
  fc.record(
    {
      method: fc.constantFrom('ACH', 'CHK', 'FWT', 'BOP', 'NON'),
      traceNumber: fc.stringMatching(/^[A-Z0-9]{1,50}$/),
      date: fc.constantFrom('2026-03-04', '2026-12-07'),
      originatorId: fc.constant('1123456789'),
    },
    { requiredKeys: ['method', 'traceNumber', 'date'] },
  ),
  { nil: undefined },
);

function priced(bill: unknown): PricedBill | undefined {
  try {
    return priceRequest(index, normaliseRequest(bill));
  } catch (error) {
    if (error instanceof BillValidationError) return undefined;
    throw error;
  }
}

describe('write835 (property)', () => {
  it('balances and repeats every amount of the JSON answers, with and without payment details', () => {
    let claimsWritten = 0;
    let linesChecked = 0;
    let withPayment = 0;
    const statuses = new Set<string>();
    fc.assert(
      fc.property(fc.array(generatedBill, { minLength: 1, maxLength: 4 }), payment, (bills, pay) => {
        const claims = bills.flatMap((bill) => {
          const answer = priced(bill);
          return answer === undefined ? [] : [remittanceOfJsonBill(answer, 'req-prop')];
        });
        if (claims.length === 0) return;
        const options = {
          requestId: 'req-prop',
          at: new Date('2026-12-07T12:00:00Z'),
          sender: { qualifier: 'ZZ', id: 'WCBR' },
          receiver: { qualifier: 'ZZ', id: 'CLIENT' },
          interchangeControlNumber: 42,
          usage: 'T' as const,
          ...(pay === undefined ? {} : { payment: pay }),
        };
        // Every engine answer balances (billed − Σ adjustments = allowed = Σ buckets, on every
        // line): the property once found uncapped facility lines that did not (decision 018).
        for (const c of claims) expect(answerBalances(c.remittance.priced)).toBe(true);
        for (const c of claims) for (const l of c.remittance.priced.lines) statuses.add(l.status);
        const text = write835(claims, options);
        for (const segment of text.split('~\n')) expect(segment.split('*').length).toBeLessThanOrEqual(20);
        linesChecked += checkRemittance(text, claims, pay);
        claimsWritten += claims.length;
        if (pay !== undefined) withPayment++;
      }),
      { numRuns: 120 },
    );
    // Not vacuous: many claims and lines, both kinds of answer, and priced, denied and unpriced lines.
    expect(claimsWritten).toBeGreaterThan(150);
    expect(linesChecked).toBeGreaterThan(600);
    expect(withPayment).toBeGreaterThan(20);
    expect([...statuses].sort()).toEqual(['denied', 'priced', 'unpriced']);
    // Refusals are the exception the engine's defect makes, not the rule.
  });
});
