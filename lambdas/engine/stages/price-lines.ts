import type { FeeIndex, RvuEntry } from '../../fee-index/reader.js';
import { drugFee } from '../fee-schedules/drugs.js';
import { jurisdictionFee } from '../fee-schedules/jurisdiction-pricing.js';
import { settingOf } from '../fee-schedules/place-of-service.js';
import { noMedicareEdition } from '../fee-schedules/rbrvs.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { type Cents, cents } from '../money.js';
import { bilateralBasis } from '../rules/bilateral.js';
import { adoptsPaymentPolicies, adoptsPolicy, stateNumber } from '../rules/payment-policy.js';
import type { ProfessionalWork } from './professional-work.js';

/**
 * The price-lines stage of a professional bill: each line's fee schedule amount on the edition
 * and locality of its date of service (RBRVS, a state's table, anesthesia, DMEPOS, CLFS, drugs),
 * then the status and bilateral bases that decide what the rules act on.
 */

/**
 * Prices every professional line: the fee per line, the injection status rule and the bilateral
 * payment basis. Sets `result`, `query` and `bilateral` on the working lines.
 *
 * @param index - the fee index
 * @param j - the bill's jurisdiction
 * @param work - the working lines from `selectProfessionalSchedule`
 * @param lean - the answer will not show the steps' words (explain below full): see `RbrvsQuery.lean`
 */
export function priceProfessionalLines(
  index: FeeIndex,
  j: Jurisdiction,
  work: ProfessionalWork[],
  lean = false,
): void {
  for (const item of work) {
    const { line, placement } = item;
    if (placement.kind !== 'found') {
      item.result = {
        kind: 'unpriced',
        reason: index.editionFor('pfs-rvu', line.dateOfService)
          ? {
              code: placement.kind === 'no-edition' ? 'NO-EDITION' : 'NO-LOCALITY',
              message: placement.message,
            }
          : noMedicareEdition(index, line.dateOfService),
        steps: [],
        notices: [],
      };
      continue;
    }
    if (line.drug) {
      item.result = drugFee(index, j, line.drug, line.dateOfService);
      continue;
    }
    item.query = {
      code: line.code,
      modifiers: line.modifiers,
      date: line.dateOfService,
      locality: { carrier: placement.entry.carrier, locality: placement.entry.locality },
      setting: settingOf(line.placeOfService),
      rural: placement.entry.ruralIndicator !== '',
      zip: placement.entry.zip,
      state: placement.entry.state,
      anesthesiaMinutes: line.anesthesiaMinutes,
      lean,
    };
    item.result = jurisdictionFee(index, j, item.query);
  }
  applyInjectionStatus(work);
  applyBilateralBasis(work, index, j);
}

/**
 * Status T (injections): paid only when no other service payable under the fee schedule is billed
 * on the same date by the same provider (RVU file documentation, Attachment A).
 */
function applyInjectionStatus(work: ProfessionalWork[]): void {
  for (const item of work) {
    const result = item.result;
    if (result.kind !== 'priced' || result.pfsStatus !== 'T') continue;
    // The lowest-numbered such line is named, so the answer does not depend on the order of lines.
    const other = work
      .filter(
        (o) =>
          o !== item &&
          // "any other services payable under the PFS": active codes, and carrier-priced or
          // restricted codes, which the PFS pays by report.
          (o.result.kind === 'priced'
            ? o.result.pfsStatus === 'A' || o.result.pfsStatus === 'R'
            : o.result.kind === 'unpriced' &&
              (o.result.rvu?.status === 'C' || o.result.rvu?.status === 'R')) &&
          o.line.day === item.line.day &&
          o.line.provider === item.line.provider,
      )
      .sort((a, b) => a.line.lineNumber - b.line.lineNumber)[0];
    if (other) {
      item.result = {
        kind: 'zero',
        reason: 'FS-STATUS-INJECTION',
        message: `${item.line.code} has status T: line ${other.line.lineNumber} (${other.line.code}) is payable under the fee schedule on the same date by the same provider, so the injection is bundled into it.`,
        steps: result.steps,
        notices: result.notices,
      };
    }
  }
}

/**
 * Lines that report both sides (modifier 50, RT and LT on one line, 2 units of a BILAT SURG 1–3
 * code) are priced for both sides before the rules (Medicare Claims Processing Manual, Chapter 12,
 * § 40.7), where the jurisdiction applies Medicare's bilateral policy.
 */
function applyBilateralBasis(work: ProfessionalWork[], index: FeeIndex, j: Jurisdiction): void {
  for (const item of work) {
    const result = item.result;
    if (result.kind !== 'priced') continue;
    const { modifiers, units } = item.line;
    if (units < 2 && !modifiers.includes('50') && !modifiers.includes('LT')) continue;
    if (!adoptsPolicy(j, 'bilateral', item.line.dateOfService)) continue;
    const rvu = policyIndicators(index, j, item);
    if (!rvu) continue;
    const basis = bilateralBasis(
      rvu,
      result.unitAmount,
      modifiers,
      units,
      stateNumber(j, 'bilateral', 'bilateralPercent', item.line.dateOfService),
    );
    if (basis?.kind === 'both-sides') item.bilateral = basis;
    else if (basis) item.result = { ...result, steps: [...result.steps, basis.step] };
  }
}

/**
 * The Medicare RVU row whose payment policy indicators (GLOB DAYS, MULT PROC, BILAT SURG, ASST/CO/TEAM
 * SURG) the rules read for a line. A line the physician fee schedule priced carries its own; a line a
 * state's own table priced carries none, so where the state adopts one of Medicare's payment policies
 * on the date the row of the Medicare edition for that date is looked up: the state rules refer to
 * Medicare's indicators (Ala. Admin. Code r. 480-5-5-.15(1): "codes which have been assigned a 90-day
 * global period by Medicare"). Elsewhere nothing changes.
 *
 * @param index - the fee index
 * @param j - the bill's jurisdiction
 * @param item - a priced professional line
 * @returns the RVU row, or undefined when the line has none to read
 */
export function policyIndicators(
  index: FeeIndex,
  j: Jurisdiction,
  item: ProfessionalWork,
): RvuEntry | undefined {
  const result = item.result;
  if (result.kind !== 'priced') return undefined;
  if (result.rvu || !adoptsPaymentPolicies(j, item.line.dateOfService)) return result.rvu;
  // A state-table line's look-up is made once: the bilateral basis and the rules both ask.
  if (item.indicators === undefined) {
    const edition = index.editionFor('pfs-rvu', item.line.dateOfService)?.edition;
    item.indicators = (edition && index.rvu(item.line.code, '', edition)) ?? null;
  }
  return item.indicators ?? undefined;
}

/**
 * Units the amount counts and the fee schedule amount for the line (anesthesia and drugs: one).
 *
 * @param item - a professional line
 * @returns the units and the amount, in cents (0 for a line not priced)
 */
/** Facility methods whose amount is for all the line's units already (facility/types.ts FacilityLinePrice). */
export const FACILITY_FEE_METHODS: ReadonlySet<string> = new Set(['opps', 'asc', 'ipps']);

export function lineAmount(item: ProfessionalWork): { units: number; amount: Cents } {
  const result = item.result;
  if (result.kind !== 'priced') return { units: item.line.units, amount: cents(0) };
  if (item.bilateral) return { units: 1, amount: item.before?.amount ?? item.bilateral.amount };
  const wholeLine =
    result.method === 'anesthesia' || result.method === 'nadac' || FACILITY_FEE_METHODS.has(result.method);
  const units = wholeLine ? 1 : item.line.units;
  return { units, amount: item.before?.amount ?? cents(result.unitAmount * units) };
}
