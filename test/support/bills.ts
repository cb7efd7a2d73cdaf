import { normaliseBill } from '../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../lambdas/engine/price-bill.js';
import type { PricedBill, PricedLine } from '../../lambdas/engine/priced-bill.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';

/**
 * The shapes the rule tests on the national index share: lines of one date of service (March 4,
 * 2025, so the 2025 editions price them) with a charge the test chooses (above the fee, so the fee
 * decides), priced at a ZIP (Delaware's 19901 unless a test needs another locality).
 */

/**
 * The lines of the bench's ten-line professional bill (codes common on workers' comp bills), with
 * units and modifiers: bench/run.ts's `tenLineBill()` and the 999-line bill (large-bill.ts) build on
 * them.
 */
export const TEN_LINE_CODES: readonly {
  readonly code: string;
  readonly units?: number;
  readonly modifiers?: string[];
}[] = [
  { code: '99213' },
  { code: '97110', units: 3 },
  { code: '97140', units: 2 },
  { code: '97530', units: 2 },
  { code: '72148', modifiers: ['26'] },
  { code: '72148', modifiers: ['TC'] },
  { code: '20610' },
  { code: '64483' },
  { code: '98940' },
  { code: '99080' },
];

/**
 * A line maker for a charge: `lineOn('3000.00')('27447', { modifiers: ['50'] })`.
 *
 * @param charge - the billed charge of every line it makes
 * @returns a function of the code and any other fields (which win over the defaults)
 */
export function lineOn(charge: string): (code: string, extra?: object) => object {
  return (code, extra = {}) => ({ code, dateOfService: '2025-03-04', charge, ...extra });
}

/**
 * A bill of the lines, normalised and priced.
 *
 * @param index - the fee index
 * @param lines - the bill's lines
 * @param where - the jurisdiction (US-MEDICARE) and the service facility's ZIP (19901, Delaware)
 */
export function priceLines(
  index: FeeIndex,
  lines: object[],
  { jurisdiction = 'US-MEDICARE', zip = '19901' }: { jurisdiction?: string; zip?: string } = {},
): PricedBill {
  return priceBill(index, normaliseBill({ jurisdiction, serviceFacility: { zip }, lines }));
}

/** A line's bill review adjustments as [CARC, amount] pairs. */
export function billReviewOf(line: PricedLine | undefined): string[][] | undefined {
  return line?.adjustments.filter((a) => a.bucket === 'billReview').map((a) => [a.carc, a.amount]);
}
