import { readFileSync } from 'node:fs';
import { interchangeAnswer, interchangeRemittance } from '../lambdas/app/x12/answers.js';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';
import { build837 } from '../test/support/x12-837.js';
import { median } from './stats.js';

/** What the X12 section measures, each a median over rounds of the whole file. */
export interface X12Run {
  readonly claims: number;
  readonly linesPerClaim: number;
  /** The JSON path, bill by bill as the route takes them: JSON.parse, normalise, price, JSON.stringify. */
  readonly jsonClaimsPerSecond: number;
  /** The X12 path: read the 837, every claim normalised and priced, the 835 written. */
  readonly x12ClaimsPerSecond: number;
  /** The 837 answered as JSON (full explanations) instead, for comparison. */
  readonly x12JsonClaimsPerSecond: number;
  readonly x12Bytes: number;
  readonly remittanceBytes: number;
}

/**
 * Issue 18's bench: a 100-claim 837P of 10-line claims, parsed, priced and answered as an 835
 * (`interchangeRemittance`, what the price route runs for `Content-Type` and `Accept:
 * application/edi-x12`), beside the JSON path for the same bills: each bill's JSON parsed,
 * normalised, priced and its full answer serialised, as the route does for a JSON request. Both in
 * this process, alternating round by round so that a busy host slows both alike.
 *
 * @param indexFile - the national index
 * @param bill - a 10-line professional bill (the bench's own)
 * @param claims - how many claims in the file (100)
 * @returns claims per second each way, and the file sizes
 */
export function benchX12(indexFile: string, bill: { lines: readonly unknown[] }, claims = 100): X12Run {
  const index = FeeIndex.fromBytes(readFileSync(indexFile));
  const bills = Array.from({ length: claims }, (_, i) => ({ ...bill, billId: `BENCH-${i + 1}` }));
  const bodies = bills.map((b) => JSON.stringify(b));
  const text = build837(bills as never, { state: 'DE' });
  const options = {
    requestId: 'bench',
    explain: 'full' as const,
    jurisdiction: 'US-MEDICARE',
    at: new Date(),
    payment: { method: 'ACH' as const, traceNumber: 'BENCH-1', date: '2026-12-07' },
  };
  const json: number[] = [];
  const x12: number[] = [];
  const x12Json: number[] = [];
  let remittanceBytes = 0;
  let bytes = 0;
  for (let round = 0; round < 25; round++) {
    let start = performance.now();
    for (const body of bodies) {
      bytes += JSON.stringify({
        requestId: 'bench',
        ...priceRequest(index, normaliseRequest(JSON.parse(body))),
      }).length;
    }
    json.push(performance.now() - start);
    start = performance.now();
    const remitted = interchangeRemittance(index, text, options);
    x12.push(performance.now() - start);
    if (remitted.priced.length !== claims) {
      throw new Error(`the 835 remits ${remitted.priced.length} of ${claims} claims`);
    }
    remittanceBytes = remitted.x12.length;
    start = performance.now();
    bytes += JSON.stringify(interchangeAnswer(index, text, options)).length;
    x12Json.push(performance.now() - start);
  }
  if (bytes === 0) throw new Error('nothing was serialised');
  // The first rounds warm the JIT: the median of the last 20.
  const rate = (values: number[]) => (claims * 1000) / median(values.slice(5));
  return {
    claims,
    linesPerClaim: bill.lines.length,
    jsonClaimsPerSecond: rate(json),
    x12ClaimsPerSecond: rate(x12),
    x12JsonClaimsPerSecond: rate(x12Json),
    x12Bytes: text.length,
    remittanceBytes,
  };
}
