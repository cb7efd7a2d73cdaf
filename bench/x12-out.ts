import { readFileSync } from 'node:fs';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import type { PricedBill } from '../lambdas/engine/priced-bill.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';
import { remittanceOfJsonBill } from '../lambdas/x12/payment.js';
import { write835 } from '../lambdas/x12/remit-835.js';

/** What the 835 section measures, each a median over rounds of the whole file. */
export interface X12OutRun {
  readonly claims: number;
  /** Price + JSON answer (JSON.stringify of each priced bill): the reference path. */
  readonly jsonClaimsPerSecond: number;
  /** Price + one 835 interchange for all the claims. */
  readonly x12ClaimsPerSecond: number;
  /** The answer-writing step alone: JSON.stringify of the 100 answers, and write835 of them. */
  readonly stringifyMs: number;
  readonly write835Ms: number;
  readonly jsonBytes: number;
  readonly x12Bytes: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Issue 18's bench, the answer side: a 100-claim file of 10-line claims priced and answered as JSON
 * and as an 835, in the same process and run, alternating so that a busy host slows both alike.
 *
 * @param indexFile - the national index
 * @param bill - a 10-line bill (the bench's own)
 * @param claims - how many claims in the file (100)
 * @returns claims per second each way and the writing steps alone
 */
export function benchX12Out(indexFile: string, bill: object, claims = 100): X12OutRun {
  const index = FeeIndex.fromBytes(readFileSync(indexFile));
  const bodies = Array.from({ length: claims }, (_, i) =>
    JSON.stringify({ ...bill, billId: `BENCH-${i + 1}` }),
  );
  const options = {
    requestId: 'bench',
    at: new Date(),
    sender: { qualifier: 'ZZ', id: 'WCBR' },
    receiver: { qualifier: 'ZZ', id: 'BENCH' },
    interchangeControlNumber: 1,
    usage: 'T' as const,
    payment: { method: 'ACH' as const, traceNumber: 'BENCH-1', date: '2026-12-07' },
  };
  const price = (): PricedBill[] => bodies.map((b) => priceRequest(index, normaliseRequest(JSON.parse(b))));
  const json: number[] = [];
  const x12: number[] = [];
  const stringify: number[] = [];
  const write: number[] = [];
  let jsonBytes = 0;
  let x12Bytes = 0;
  for (let round = 0; round < 25; round++) {
    let start = performance.now();
    const a = price();
    const mid = performance.now();
    jsonBytes = a.reduce((n, p) => n + JSON.stringify({ requestId: 'bench', ...p }).length, 0);
    const end = performance.now();
    json.push(end - start);
    stringify.push(end - mid);
    start = performance.now();
    const b = price();
    const priced = performance.now();
    const text = write835(
      b.map((p) => remittanceOfJsonBill(p, 'bench')),
      options,
    );
    const done = performance.now();
    x12Bytes = text.length;
    x12.push(done - start);
    write.push(done - priced);
  }
  // The first rounds warm the JIT: the median of the last 20.
  const settled = (values: number[]) => median(values.slice(5));
  return {
    claims,
    jsonClaimsPerSecond: (claims * 1000) / settled(json),
    x12ClaimsPerSecond: (claims * 1000) / settled(x12),
    stringifyMs: settled(stringify),
    write835Ms: settled(write),
    jsonBytes,
    x12Bytes,
  };
}
