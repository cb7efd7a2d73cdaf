/**
 * Issue 19, the AWS sink's share of a priced bill: the CPU the Firehose sink spends on one bill's
 * records (each line to its JSON record, the PutRecordBatch calls built; a client that answers at
 * once stands in for Firehose, so the network is not in it) beside pricing the same 10-line bill
 * in the same process, in alternating rounds so both see the same machine. The records are
 * synthetic (ten lines of the bench bill's shape: two adjustments and three rule decisions each):
 * the record builder is another part of the issue. Also the bytes of a JSON record, which Firehose
 * bills in 5 KB steps.
 */
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { FirehoseAnalyticsSink, firehoseLine } from '../lambdas/adapters/analytics-firehose.js';
import type { AnalyticsLineRecord } from '../lambdas/app/analytics/record.js';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import type { FeeIndex } from '../lambdas/fee-index/reader.js';

/** The measured figures. */
export interface AnalyticsAwsFigures {
  /** Microseconds to price the 10-line bill (median of rounds). */
  readonly priceMicros: number;
  /** Microseconds the sink spends on its ten records (median of rounds). */
  readonly sinkMicros: number;
  /** Bytes of one JSON record (with its newline). */
  readonly recordBytes: number;
}

function records(): AnalyticsLineRecord[] {
  return Array.from({ length: 10 }, (_, i) => ({
    tenant: 'bench-tenant',
    month: '2025-03',
    priced_on: '2026-12-07',
    jurisdiction: 'US-MEDICARE',
    bill_type: 'professional',
    code: String(99200 + i),
    modifiers: i % 3 === 0 ? '25' : '',
    place_of_service: '11',
    type_of_bill: null,
    zip3: '199',
    billing_npi: '1234567893',
    rendering_npi: null,
    units: 1,
    status: 'priced',
    unpriced_reason: null,
    billed_cents: 40_000,
    allowed_cents: 10_000 + i,
    fee_schedule_cents: 30_000 - i,
    bill_review_cents: 0,
    ppo_cents: 0,
    ur_cents: 0,
    negotiated_cents: 0,
    adjuster_cents: 0,
    customer_cents: 0,
    adjustments: [
      {
        bucket: 'feeSchedule',
        amount_cents: 29_000,
        group_code: 'CO',
        carc: '45',
        rarc: null,
        internal_code: 'FS-MAX',
        state_code: null,
      },
      {
        bucket: 'billReview',
        amount_cents: 1_000,
        group_code: 'CO',
        carc: '59',
        rarc: 'N390',
        internal_code: 'BR-NCCI-PTP',
        state_code: null,
      },
    ],
    rules: [
      { rule: 'BR-NCCI-PTP', decision: 'passed' },
      { rule: 'BR-MUE', decision: 'passed' },
      { rule: 'BR-MPPR', decision: 'reduced' },
    ],
    fee_method: 'rbrvs',
    edition: '2025',
    first_line: i === 0,
    bill_lines: 10,
    pricing_ms: 0.2,
  }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Measures the sink beside pricing.
 *
 * @param index - the fee index
 * @param bill - the bench's 10-line bill
 * @returns the figures
 */
export async function measureAnalyticsAwsSink(index: FeeIndex, bill: object): Promise<AnalyticsAwsFigures> {
  const client = {
    send: async () => ({ FailedPutCount: 0, RequestResponses: [] }),
  } as unknown as FirehoseClient;
  const sink = new FirehoseAnalyticsSink({ client, streamName: 'bench' });
  const recs = records();
  const body = JSON.stringify(bill);
  const perRound = 2_000;
  const price: number[] = [];
  const put: number[] = [];
  // Warm both paths (JIT, the SDK's lazy import).
  for (let i = 0; i < 500; i++) {
    priceRequest(index, normaliseRequest(JSON.parse(body)));
    await sink.put(recs);
  }
  for (let round = 0; round < 7; round++) {
    let start = performance.now();
    for (let i = 0; i < perRound; i++) priceRequest(index, normaliseRequest(JSON.parse(body)));
    price.push(((performance.now() - start) * 1000) / perRound);
    start = performance.now();
    for (let i = 0; i < perRound; i++) await sink.put(recs);
    put.push(((performance.now() - start) * 1000) / perRound);
  }
  return {
    priceMicros: median(price),
    sinkMicros: median(put),
    recordBytes: Math.round(recs.reduce((n, r) => n + Buffer.byteLength(firehoseLine(r)), 0) / recs.length),
  };
}
