/**
 * Records for the analytics query tests: generated bills priced on the sample index for several
 * tenants (real records, whatever the engine answers), and hand-made records for the threshold
 * cases. No dollar figure here is an expectation: the tests compare the queries' answers with sums
 * computed in plain TypeScript over the same records.
 */

import fc from 'fast-check';
import type { AnalyticsLineRecord } from '../../../lambdas/app/analytics/record.js';
import { analyticsRecordsOf } from '../../../lambdas/app/analytics/records.js';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import { priceFacilityBill } from '../../../lambdas/engine/facility/price-facility-bill.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { analyticsRecord } from '../../support/analytics-records.js';
import { sampleIndex } from '../../support/fee-index.js';
import { facilityBill, professionalBill } from '../../support/generated-bills.js';

/** Rendering NPIs with valid check digits, so provider KPIs have several providers. */
export const NPIS = ['1234567893', '1245319599', '1003000126', '1972545448'] as const;

/**
 * Generated bills priced for each tenant: the same generator, a different seed per tenant.
 *
 * @param tenants - tenant ids
 * @param billsPerTenant - bills generated for each (refused bills are skipped)
 * @returns the records of every priced bill
 */
export function generatedRecords(tenants: readonly string[], billsPerTenant: number): AnalyticsLineRecord[] {
  const index = sampleIndex();
  const out: AnalyticsLineRecord[] = [];
  tenants.forEach((tenant, t) => {
    const bills = fc.sample(
      fc.oneof({ arbitrary: professionalBill, weight: 4 }, facilityBill as fc.Arbitrary<unknown>),
      {
        seed: 1900 + t,
        numRuns: billsPerTenant,
      },
    );
    bills.forEach((bill, b) => {
      try {
        const normalised = normaliseRequest(bill);
        const priced =
          normalised.billType === 'professional'
            ? priceBill(index, normalised, 'none')
            : priceFacilityBill(index, normalised, undefined, 'none');
        const npi = NPIS[(b + t) % NPIS.length];
        out.push(
          ...analyticsRecordsOf(priced, {
            tenant,
            pricedAt: new Date(Date.UTC(2026, 11, 7)),
            pricingMs: 1 + ((b * 7) % 13),
            renderingNpis: priced.lines.map((_, i) => (i % 3 === 2 ? undefined : npi)),
          }),
        );
      } catch (error) {
        if (!(error instanceof BillValidationError)) throw error;
      }
    });
  });
  return out;
}

/**
 * A hand-made record: a priced professional line of 99213 in AZ, one unit, one bill.
 *
 * @param overrides - the fields a case changes
 * @returns the record
 */
export function syntheticRecord(overrides: Partial<AnalyticsLineRecord>): AnalyticsLineRecord {
  return analyticsRecord({
    priced_on: '2026-12-07',
    jurisdiction: 'AZ',
    zip3: '850',
    billed_cents: 10_000,
    allowed_cents: 8_000,
    fee_schedule_cents: 8_000,
    adjustments: [
      {
        bucket: 'feeSchedule',
        amount_cents: 2_000,
        group_code: 'CO',
        carc: '45',
        rarc: null,
        internal_code: 'FS-MAX',
        state_code: null,
      },
    ],
    rules: [],
    fee_method: 'state-table',
    edition: 'az/2026',
    pricing_ms: 2,
    tenant: 't1',
    month: '2026-02',
    ...overrides,
  });
}
