import type { FeeIndex } from '../../fee-index/reader.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { cents, formatCents, formatScaled, Money, roundToCents } from '../money.js';
import type { ExplanationStep } from '../priced-bill.js';
import type { FeeResult } from './rbrvs.js';

/**
 * Drugs by NDC: the NADAC (National Average Drug Acquisition Cost) per unit of the week in force
 * on the date × the quantity, plus the jurisdiction's dispensing fee when its file states one.
 *
 * @param index - the fee index
 * @param j - the jurisdiction (for the dispensing fee)
 * @param drug - NDC and quantity
 * @param date - date of service
 * @returns the priced or unpriced result
 */
export function drugFee(
  index: FeeIndex,
  j: Jurisdiction,
  drug: { readonly ndc: string; readonly quantity: string },
  date: string,
): FeeResult {
  const choice = index.editionFor('nadac', date);
  if (!choice) {
    const held = index.editions('nadac').map((e) => e.label);
    return {
      kind: 'unpriced',
      reason: {
        code: 'NO-EDITION',
        message: `We hold no NADAC week for ${date} (we hold ${held.join(', ') || 'none'}).`,
      },
      steps: [],
      notices: [],
    };
  }
  const entry = index.nadac(drug.ndc, choice.edition);
  if (!entry) {
    const partial = choice.edition.complete
      ? ''
      : ` (we hold only a sample of that week's file, ${choice.edition.source.rows} NDCs)`;
    return {
      kind: 'unpriced',
      reason: {
        code: 'NOT-IN-EDITION',
        message: `NDC ${drug.ndc} is not in ${choice.edition.label}${partial}.`,
      },
      steps: [],
      notices: [],
    };
  }
  const perUnit = formatScaled(entry.perUnit, 5, 2);
  const cost = roundToCents(new Money(entry.perUnit).div(100_000).times(drug.quantity));
  const fee = j.drugDispensingFee;
  const dispensing = fee ? roundToCents(new Money(fee.value)) : cents(0);
  const total = cents(cost + dispensing);
  const steps: ExplanationStep[] = [
    {
      step: 'nadac',
      text: `${choice.edition.label}: NDC ${drug.ndc} costs ${perUnit} per ${entry.pricingUnit} (effective ${entry.effective}); × ${drug.quantity} = ${formatCents(cost)} (rounded half up to cents).`,
      inputs: {
        ndc: drug.ndc,
        week: choice.edition.label,
        perUnit,
        pricingUnit: entry.pricingUnit,
        quantity: drug.quantity,
      },
      result: formatCents(cost),
      source: { file: entry.edition.source.file, line: entry.line, edition: entry.edition.id },
      regulation: {
        citation: 'CMS National Average Drug Acquisition Cost (NADAC), weekly',
        url: 'https://data.medicaid.gov/dataset/nadac-national-average-drug-acquisition-cost',
      },
    },
  ];
  const notices: string[] = [];
  if (fee) {
    steps.push({
      step: 'dispensing-fee',
      text: `${j.name} dispensing fee ${formatCents(dispensing)}: ${formatCents(cost)} + ${formatCents(dispensing)} = ${formatCents(total)}.`,
      inputs: { dispensingFee: formatCents(dispensing) },
      result: formatCents(total),
      regulation: { citation: fee.source.citation, url: fee.source.url ?? '' },
    });
  } else {
    notices.push(`${j.name} (${j.id}): no dispensing fee is stated in the sources we hold; none is added.`);
  }
  if (choice.pastLatest)
    notices.push(`${date} is after ${choice.edition.label}, the latest NADAC week we hold.`);
  return {
    kind: 'priced',
    unitAmount: total,
    method: 'nadac',
    edition: entry.edition,
    editions: [entry.edition],
    steps,
    notices,
  };
}
