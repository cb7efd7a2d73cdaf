import type { FeeIndex } from '../fee-index/reader.js';
import type { NormalisedBill } from './bill/normalise.js';
import type { ExplainLevel } from './explain.js';
import type { PricedBill } from './priced-bill.js';
import { assembleProfessionalBill } from './stages/assemble-professional.js';
import { lineAmount, priceProfessionalLines } from './stages/price-lines.js';
import { applyProfessionalRules } from './stages/rules.js';
import { lesserOfRegulation, selectProfessionalSchedule } from './stages/select-schedule.js';
import { resolveValues } from './stages/values.js';

/**
 * Prices a normalised professional bill through the engine's stages (lambdas/engine/stages,
 * docs/decisions/011-layout.md): select schedule (jurisdiction, locality of the ZIP on each date)
 * → price lines (fee schedule amount per line, status and bilateral bases) → values (external
 * values shared out, those set before the rules applied) → rules (bill review rules, values during
 * them) → assemble (lesser of billed, values after the rules, buckets, totals). Pure: the same bill
 * and index always give the same answer.
 *
 * @param index - the fee index
 * @param bill - from `normaliseBill` (the normalise stage)
 * @param explain - the answer's level: below `full` the stages skip text the answer drops (the
 *   result is then only fit for `summariseBill`/`amountsOnly`; use `priceRequest`)
 * @returns the priced bill
 * @throws BillValidationError when the bill cannot be priced at all (unknown jurisdiction or code, no ZIP)
 * @example priceBill(index, normaliseBill(json))
 */
export function priceBill(index: FeeIndex, bill: NormalisedBill, explain: ExplainLevel = 'full'): PricedBill {
  const schedule = selectProfessionalSchedule(index, bill);
  const { jurisdiction, work } = schedule;
  priceProfessionalLines(index, jurisdiction, work, explain !== 'full');
  const valueNotices = resolveValues(work, bill.externalValues, {
    hasAllowance: (item) => item.result.kind === 'priced',
    feeAmount: (item) => lineAmount(item).amount,
  });
  applyProfessionalRules(work, index, jurisdiction, bill);
  return assembleProfessionalBill(
    index,
    bill,
    schedule,
    lesserOfRegulation(jurisdiction),
    valueNotices,
    explain,
  );
}
