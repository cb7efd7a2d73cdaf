import type { AnalyticsLineRecord } from '../../lambdas/app/analytics/record.js';

/**
 * A line record literal for the analytics adapters' tests: every column set, amounts in whole cents
 * (made-up figures: these tests compare what went in with what came out, never a fee), overridden
 * field by field. Not built by the pricing engine: the engine-to-record mapping is tested on its own.
 *
 * @param overrides - the fields a test cares about
 * @returns the record
 */
export function analyticsRecord(overrides: Partial<AnalyticsLineRecord> = {}): AnalyticsLineRecord {
  return {
    tenant: 'acme',
    month: '2026-03',
    priced_on: '2026-04-02',
    jurisdiction: 'US-MEDICARE',
    bill_type: 'professional',
    code: '99213',
    modifiers: '',
    place_of_service: '11',
    type_of_bill: null,
    zip3: '199',
    billing_npi: '1234567893',
    rendering_npi: null,
    units: 1,
    status: 'priced',
    unpriced_reason: null,
    billed_cents: 20_000,
    allowed_cents: 9_000,
    fee_schedule_cents: 11_000,
    bill_review_cents: 0,
    ppo_cents: 0,
    ur_cents: 0,
    negotiated_cents: 0,
    adjuster_cents: 0,
    customer_cents: 0,
    adjustments: [
      {
        bucket: 'feeSchedule',
        amount_cents: 11_000,
        group_code: 'CO',
        carc: '45',
        rarc: null,
        internal_code: 'FS-MAX',
        state_code: null,
      },
    ],
    rules: [{ rule: 'ncci-ptp', decision: 'reduced' }],
    fee_method: 'rbrvs',
    edition: '2026',
    first_line: true,
    bill_lines: 1,
    pricing_ms: 0.42,
    ...overrides,
  };
}

/**
 * The records of one bill: `lines` records, the first one `first_line`, each with its own code.
 *
 * @param lines - how many lines
 * @param overrides - fields every record shares (tenant, month…)
 * @returns the records
 */
export function analyticsBill(
  lines: number,
  overrides: Partial<AnalyticsLineRecord> = {},
): AnalyticsLineRecord[] {
  const codes = ['99213', '97110', '97140', '20610', '72148', '99203', '97530', '96372', '73721', '64483'];
  return Array.from({ length: lines }, (_, i) =>
    analyticsRecord({
      code: codes[i % codes.length] as string,
      first_line: i === 0,
      bill_lines: lines,
      billed_cents: 10_000 + i * 100,
      allowed_cents: 6_000 + i * 50,
      ...overrides,
    }),
  );
}
