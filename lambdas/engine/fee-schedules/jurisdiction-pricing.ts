import type { FeeIndex } from '../../fee-index/reader.js';
import { type Edition, editionFor, type Jurisdiction } from '../jurisdictions.js';
import { cents, formatCents, Money, roundToCents } from '../money.js';
import type { ExplanationStep } from '../priced-bill.js';
import { type RbrvsQuery, type RbrvsResult, rbrvsFee } from './rbrvs.js';

/**
 * Prices one line by its jurisdiction's method (fee-data/jurisdictions): Medicare itself, Medicare
 * in place of a schedule we do not hold (said on the line), a percentage of Medicare, or the
 * Medicare RBRVS with the state's conversion factors. Each adds a `jurisdiction` step naming the
 * edition and its sources.
 */

/** CPT ranges of the service categories states set conversion factors for (CPT section ranges). */
const CATEGORY_RANGES: readonly { readonly category: string; readonly from: number; readonly to: number }[] =
  [
    { category: 'anesthesia', from: 100, to: 1999 },
    { category: 'surgery', from: 10004, to: 69990 },
    { category: 'radiology', from: 70010, to: 79999 },
    { category: 'pathology', from: 80047, to: 89398 },
    { category: 'evaluation-management', from: 99202, to: 99499 },
    { category: 'medicine', from: 90281, to: 99607 },
  ];

/**
 * The CPT section of a code (numeric Category I codes only; HCPCS Level II and Category II/III
 * codes fall in "all").
 *
 * @param code - CPT or HCPCS code
 * @returns the category name used by jurisdiction factors
 */
export function serviceCategory(code: string): string {
  if (!/^\d{5}$/.test(code)) return 'all';
  const n = Number(code);
  return CATEGORY_RANGES.find((r) => n >= r.from && n <= r.to)?.category ?? 'all';
}

type Factor = NonNullable<Edition['factors']>[number];

function factorFor(edition: Edition, code: string, setting: 'facility' | 'non-facility'): Factor | undefined {
  const factors = edition.factors ?? [];
  const category = serviceCategory(code);
  const byName = (name: string) => factors.find((f) => f.category === name);
  return (
    (setting === 'facility' ? byName(`${category}-facility`) : undefined) ?? byName(category) ?? byName('all')
  );
}

function jurisdictionStep(j: Jurisdiction, edition: Edition | undefined, text: string): ExplanationStep {
  const source = edition?.sources[0];
  return {
    step: 'jurisdiction',
    text,
    inputs: {
      jurisdiction: j.id,
      method: j.billTypes.professional.method,
      ...(edition
        ? { edition: edition.id, effective: edition.effective, termination: edition.termination ?? 'open' }
        : {}),
    },
    ...(source ? { regulation: { citation: source.citation, url: source.url ?? '' } } : {}),
  };
}

function withStep(result: RbrvsResult, step: ExplanationStep, notices: readonly string[] = []): RbrvsResult {
  return { ...result, steps: [step, ...result.steps], notices: [...notices, ...result.notices] };
}

function unpriced(
  code: 'NO-EDITION' | 'NO-CONVERSION-FACTOR',
  message: string,
  step: ExplanationStep,
): RbrvsResult {
  return { kind: 'unpriced', reason: { code, message }, steps: [step], notices: [] };
}

/**
 * The fee for one line under a jurisdiction.
 *
 * @param index - the fee index
 * @param j - the jurisdiction
 * @param query - the line's code, modifiers, date, locality, setting
 * @returns the priced, zero or unpriced result with the jurisdiction's step first
 */
export function jurisdictionFee(index: FeeIndex, j: Jurisdiction, query: RbrvsQuery): RbrvsResult {
  const professional = j.billTypes.professional;
  const choice = editionFor(j, query.date);
  const edition = choice?.edition;
  const pastLatest = choice?.pastLatest
    ? [
        `${query.date} is more than a year after ${edition?.id} took effect; it is the latest ${j.name} edition we hold.`,
      ]
    : [];
  switch (professional.method) {
    case 'medicare':
      return rbrvsFee(index, query);
    case 'medicare-fallback': {
      const notice = `${j.name} (${j.id}): we hold no ${j.name} schedule (${professional.missing ?? 'its own fee schedule'}); this line is priced on the Medicare Physician Fee Schedule.`;
      return withStep(rbrvsFee(index, query), jurisdictionStep(j, edition, notice), [notice]);
    }
    case 'percent-of-medicare': {
      const factor = edition ? factorFor(edition, query.code, query.setting) : undefined;
      if (!edition || !factor) {
        return unpriced(
          edition ? 'NO-CONVERSION-FACTOR' : 'NO-EDITION',
          `${j.name} (${j.id}) has no ${edition ? 'Medicare multiplier' : 'edition'} we hold for ${query.date}.`,
          jurisdictionStep(j, edition, `${j.name}: percentage of Medicare.`),
        );
      }
      const medicare = rbrvsFee(index, query);
      if (medicare.kind !== 'priced')
        return withStep(medicare, jurisdictionStep(j, edition, `${j.name}: ${factor.value} × Medicare.`));
      const amount = roundToCents(new Money(medicare.unitAmount).times(factor.value).div(100));
      const step: ExplanationStep = {
        step: 'percent-of-medicare',
        text: `${j.name} pays ${new Money(factor.value).times(100).toString()}% of the Medicare amount: ${formatCents(medicare.unitAmount)} × ${factor.value} = ${formatCents(amount)} (rounded half up to cents).`,
        inputs: { medicareAmount: formatCents(medicare.unitAmount), multiplier: factor.value },
        result: formatCents(amount),
        regulation: { citation: factor.source.citation, url: factor.source.url ?? '' },
      };
      return {
        ...medicare,
        unitAmount: cents(amount),
        steps: [
          jurisdictionStep(
            j,
            edition,
            `${j.name} (${j.id}), edition ${edition.id}: a percentage of the Medicare Physician Fee Schedule.`,
          ),
          ...medicare.steps,
          step,
        ],
        notices: [...pastLatest, ...medicare.notices],
      };
    }
    case 'rbrvs-state-cf': {
      const step = jurisdictionStep(
        j,
        edition,
        `${j.name} (${j.id})${edition ? `, edition ${edition.id}` : ''}: Medicare RVUs × GPCI × ${j.name}'s conversion factor.`,
      );
      if (!edition) {
        return unpriced('NO-EDITION', `We hold no ${j.name} edition for ${query.date}.`, step);
      }
      const factor = factorFor(edition, query.code, query.setting);
      if (!factor) {
        return unpriced(
          'NO-CONVERSION-FACTOR',
          `We hold no ${j.name} conversion factor for ${edition.id} (${serviceCategory(query.code)}, ${query.setting}); we will not price it with another year's.`,
          step,
        );
      }
      const value = Math.round(Number(factor.value) * 10_000);
      const result = rbrvsFee(index, {
        ...query,
        conversionFactor: {
          value,
          description: `${j.name} ${edition.id} conversion factor (${factor.category}; ${factor.source.citation})`,
        },
      });
      return { ...withStep(result, step), notices: [...pastLatest, ...result.notices] };
    }
    case 'state-table':
      return unpriced(
        'NO-EDITION',
        `${j.name} prices from its own table, which this index does not hold yet.`,
        jurisdictionStep(j, edition, `${j.name} (${j.id}): state fee table.`),
      );
  }
}
