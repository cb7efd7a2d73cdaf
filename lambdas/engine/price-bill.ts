import type { FeeIndex } from '../fee-index/reader.js';
import type { NormalisedBill } from './bill/normalise.js';
import { type ContractLineResult, contractValues } from './contracts.js';
import type { ExplainLevel } from './explain.js';
import { settingOf } from './fee-schedules/place-of-service.js';
import type { PricedBill } from './priced-bill.js';
import { assembleProfessionalBill } from './stages/assemble-professional.js';
import { lineAmount, priceProfessionalLines } from './stages/price-lines.js';
import type { ProfessionalWork } from './stages/professional-work.js';
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
 * @param options - `{ tenant }`: the tenant's contracts apply (none without a tenant)
 * @returns the priced bill
 * @throws BillValidationError when the bill cannot be priced at all (unknown jurisdiction or code, no ZIP)
 * @example priceBill(index, normaliseBill(json))
 */
export function priceBill(
  index: FeeIndex,
  bill: NormalisedBill,
  explain: ExplainLevel = 'full',
  options?: ProfessionalPriceOptions,
): PricedBill {
  const schedule = selectProfessionalSchedule(index, bill);
  const { jurisdiction, work } = schedule;
  priceProfessionalLines(index, jurisdiction, work, explain !== 'full');
  const contracts = tenantContracts(index, jurisdiction.id, bill, work, options?.tenant);
  const valueNotices = resolveValues(
    work,
    bill.externalValues,
    {
      hasAllowance: (item) => item.result.kind === 'priced',
      feeAmount: (item) => lineAmount(item).amount,
    },
    contracts?.map((c) => c.values),
  );
  applyProfessionalRules(work, index, jurisdiction, bill);
  return assembleProfessionalBill(
    index,
    bill,
    schedule,
    lesserOfRegulation(jurisdiction),
    valueNotices,
    explain,
    contracts?.map((c) => c.notices),
  );
}

/** Options of a professional pricing beyond the explanation level. */
export interface ProfessionalPriceOptions {
  /**
   * The tenant the bill is priced for (the token's, the batch's, the Recon's): its contracts
   * (issue 20) apply to matching lines. None: no contract applies.
   */
  readonly tenant?: string;
}

/** The tenant's contracts' values and notices per line, or undefined when no contract can apply. */
function tenantContracts(
  index: FeeIndex,
  jurisdiction: string,
  bill: NormalisedBill,
  work: readonly ProfessionalWork[],
  tenant: string | undefined,
): ContractLineResult[] | undefined {
  if (tenant === undefined) return undefined;
  const contracts = index.contracts();
  if (!contracts.some((c) => c.tenant === tenant)) return undefined;
  return contractValues(
    index,
    contracts,
    {
      tenant,
      jurisdiction,
      billingProvider: bill.parties.billingProvider,
      billValues: bill.externalValues,
    },
    work.map(({ line, query }) => ({
      lineNumber: line.lineNumber,
      code: line.code,
      modifiers: line.modifiers,
      dateOfService: line.dateOfService,
      units: line.units,
      provider: line.provider,
      externalValues: line.externalValues,
      setting: query?.setting ?? settingOf(line.placeOfService),
      rural: query?.rural ?? false,
    })),
  );
}
