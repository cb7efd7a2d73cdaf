import { readFileSync } from 'node:fs';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { type ExplainLevel, isExplainLevel } from '../lambdas/engine/explain.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';
import { median } from './stats.js';

/**
 * Engine throughput, run from an esbuild bundle as the Lambda runs it (bench/run.ts bundles this
 * file and runs it in a fresh process).
 * argv: index file, bill JSON file (a professional bill or a facility claim: the route's own path,
 * normaliseRequest → priceRequest), rounds of how many bills (default 20,000), then either
 * - nothing, or an explain level and optionally "serialize" (JSON.stringify of each answer too):
 *   prints the median bills per second of five rounds; or
 * - "compare" and two levels: engine + serializing at each level, in alternating rounds in this one
 *   process so that both see the same machine (issue 17, target 4(a)); prints a JSON object with the
 *   median bills per second of each and the median of the rounds' ratios (second / first).
 */
const [indexFile, billFile, perRound, mode, a, b] = process.argv.slice(2) as [
  string,
  string,
  string | undefined,
  string | undefined,
  string | undefined,
  string | undefined,
];
const index = FeeIndex.fromBytes(readFileSync(indexFile));
const bill: unknown = JSON.parse(readFileSync(billFile, 'utf8'));
const n = Number(perRound ?? 20_000);
let bytes = 0;

function level(value: string | undefined): ExplainLevel {
  const explain = value ?? 'full';
  if (!isExplainLevel(explain)) throw new Error(`unknown explain level ${explain}`);
  return explain;
}

function once(explain: ExplainLevel, serialize: boolean): void {
  const answer = priceRequest(index, normaliseRequest(bill), { explain });
  // Summed so that the serialization is not optimised away.
  if (serialize) bytes += JSON.stringify(answer).length;
}

/** Bills per second over one round of `count` bills. */
function round(explain: ExplainLevel, serialize: boolean, count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) once(explain, serialize);
  return count / ((performance.now() - start) / 1000);
}

if (mode === 'compare') {
  const first = level(a);
  const second = level(b);
  for (let i = 0; i < 5000; i++) {
    once(first, true);
    once(second, true);
  }
  // Eleven short alternating rounds: a burst of load elsewhere lands on both sides of a ratio.
  const perSide = Math.max(500, Math.round(n / 10));
  const rates: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  for (let r = 0; r < 11; r++) {
    const x = round(first, true, perSide);
    const y = round(second, true, perSide);
    rates[0].push(x);
    rates[1].push(y);
    ratios.push(y / x);
  }
  process.stdout.write(
    JSON.stringify({
      first: Math.round(median(rates[0])),
      second: Math.round(median(rates[1])),
      ratio: Math.round(median(ratios) * 100) / 100,
      bytes: bytes > 0,
    }),
  );
} else {
  const explain = level(mode);
  const serialize = a === 'serialize';
  for (let i = 0; i < 5000; i++) once(explain, serialize);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) rounds.push(round(explain, serialize, n));
  process.stdout.write(String(Math.round(median(rounds))));
}
