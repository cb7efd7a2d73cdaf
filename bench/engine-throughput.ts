import { readFileSync } from 'node:fs';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';

/**
 * Engine throughput, run from an esbuild bundle as the Lambda runs it (bench/run.ts bundles this
 * file and runs it in a fresh process): prints the median bills per second of five rounds.
 * argv: index file, bill JSON file (a professional bill or a facility claim: the route's own path,
 * normaliseRequest → priceRequest), rounds of how many bills (default 20,000).
 */
const [indexFile, billFile, perRound] = process.argv.slice(2) as [string, string, string | undefined];
const index = FeeIndex.fromBytes(readFileSync(indexFile));
const bill: unknown = JSON.parse(readFileSync(billFile, 'utf8'));
for (let i = 0; i < 5000; i++) priceRequest(index, normaliseRequest(bill));
const rounds: number[] = [];
for (let r = 0; r < 5; r++) {
  const n = Number(perRound ?? 20_000);
  const start = performance.now();
  for (let i = 0; i < n; i++) priceRequest(index, normaliseRequest(bill));
  rounds.push(n / ((performance.now() - start) / 1000));
}
rounds.sort((a, b) => a - b);
process.stdout.write(String(Math.round(rounds[2] as number)));
