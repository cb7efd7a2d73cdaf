import { dayNumber } from '../fee-index/header.js';
import type { FeeIndex } from '../fee-index/reader.js';
import { REASON_CODES } from './adjustments/reason-codes.js';
import { BillValidationError, type FieldError, NotFoundError } from './errors.js';
import { jurisdictionFee, knownCode } from './fee-schedules/jurisdiction-pricing.js';
import { localityOfZip } from './fee-schedules/locality.js';
import { heldRanges, type Locality } from './fee-schedules/rbrvs.js';
import { editionFor } from './jurisdictions.js';
import { formatCents } from './money.js';
import type { ExplanationStep, UnpricedReason } from './priced-bill.js';

/** One fee schedule question: the flags of `wcbr fee` and the query of `GET /v1/fee-schedules`. */
export interface FeeQuery {
  readonly jurisdiction: string;
  readonly code: string;
  readonly modifier?: string;
  /** YYYY-MM-DD; without it, the latest edition holding the code. */
  readonly date?: string;
  readonly zip?: string;
  /** "CARRIER-LOCALITY", e.g. "12102-01". */
  readonly locality?: string;
  readonly facility?: boolean;
}

export interface FeeAnswer {
  /** Fee schedule amount for one unit; null when the code has no amount we can give. */
  readonly amount: string | null;
  readonly status: 'priced' | 'denied' | 'unpriced';
  readonly jurisdiction: string;
  readonly code: string;
  readonly modifier: string;
  readonly date: string;
  /** True when no date was asked and the latest edition holding the code was used. */
  readonly dateDefaulted: boolean;
  readonly setting: 'facility' | 'non-facility';
  readonly locality: { readonly carrier: string; readonly locality: string; readonly name?: string };
  readonly edition?: string;
  readonly reason?: { readonly internalCode: string; readonly carc: string; readonly message: string };
  readonly unpriced?: UnpricedReason;
  readonly explanation: readonly ExplanationStep[];
  readonly notices: readonly string[];
}

/**
 * Answers one fee schedule question with the same computation that prices bills.
 *
 * @param index - the fee index
 * @param query - jurisdiction, code, modifier, date, zip or locality, facility
 * @returns the amount with its explanation
 * @throws BillValidationError (422) for a query that cannot be answered as asked; NotFoundError (404) for an unknown code
 * @example lookupFee(index, { jurisdiction: 'US-MEDICARE', code: '99213', date: '2025-03-04', zip: '19901' })
 */
export function lookupFee(index: FeeIndex, query: FeeQuery): FeeAnswer {
  const errors: FieldError[] = [];
  const registered = index.jurisdiction(query.jurisdiction);
  const jurisdiction = registered?.id ?? query.jurisdiction.trim().toUpperCase();
  if (registered === undefined) {
    errors.push({
      field: 'jurisdiction',
      errorMessage: `${query.jurisdiction} is not a jurisdiction we know; use a state code, DC, US-OWCP or US-MEDICARE`,
    });
  }
  const code = query.code.trim().toUpperCase();
  if (!/^[A-Z0-9]{5}$/.test(code))
    errors.push({ field: 'code', errorMessage: 'must be a five-character CPT or HCPCS code' });
  const modifier = (query.modifier ?? '').trim().toUpperCase();
  if (modifier !== '' && !/^[A-Z0-9]{2}$/.test(modifier))
    errors.push({ field: 'modifier', errorMessage: 'must be a two-character modifier' });
  if (query.date !== undefined && Number.isNaN(dayNumber(query.date))) {
    errors.push({ field: 'date', errorMessage: `${query.date} is not a date as YYYY-MM-DD` });
  }
  if ((query.zip === undefined) === (query.locality === undefined)) {
    errors.push({
      field: 'zip',
      errorMessage: 'give either zip or locality (CARRIER-LOCALITY, e.g. 12102-01)',
    });
  }
  if (query.zip !== undefined && !/^\d{5}$/.test(query.zip))
    errors.push({ field: 'zip', errorMessage: 'must be five digits' });
  if (query.locality !== undefined && !/^\d{5}-\d{2}$/.test(query.locality)) {
    errors.push({ field: 'locality', errorMessage: 'must be CARRIER-LOCALITY, e.g. 12102-01' });
  }
  if (errors.length > 0) throw new BillValidationError('The fee query cannot be answered as asked.', errors);

  const j = registered as NonNullable<typeof registered>;
  const editions = index.rvuEditionsOf(code);
  if (!knownCode(index, j, code)) {
    throw new NotFoundError(`${code} is not a code in any fee schedule edition we hold.`, [
      { field: 'code', errorMessage: `${code} is not in any edition we hold` },
    ]);
  }
  const dateDefaulted = query.date === undefined;
  const stateTable = j.billTypes.professional.method === 'state-table';
  const date = query.date ?? defaultDate(index, j, code, editions);
  if (!editionFor(j, date)) {
    const held = heldRanges(j.billTypes.professional.editions);
    throw new BillValidationError('The date is outside every edition we hold.', [
      { field: 'date', errorMessage: `we hold no ${j.name} edition for ${date}; we hold ${held}` },
    ]);
  }
  if (!stateTable && !index.editionFor('pfs-rvu', date)) {
    const held = heldRanges(index.editions('pfs-rvu'));
    throw new BillValidationError('The date is outside every edition we hold.', [
      {
        field: 'date',
        errorMessage: `${j.name} prices on Medicare relative values, and we hold none for ${date} (we hold ${held})`,
      },
    ]);
  }

  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  let locality: Locality;
  let rural = false;
  let place: { zip?: string; state?: string } = {};
  if (query.zip !== undefined) {
    const placed = localityOfZip(index, query.zip, date);
    if (placed.kind !== 'found')
      throw new BillValidationError('The ZIP cannot be placed.', [
        { field: 'zip', errorMessage: placed.message },
      ]);
    steps.push(placed.step);
    if (placed.notice) notices.push(placed.notice);
    locality = { carrier: placed.entry.carrier, locality: placed.entry.locality };
    rural = placed.entry.ruralIndicator !== '';
    place = { zip: placed.entry.zip, state: placed.entry.state };
  } else {
    const [carrier, loc] = (query.locality as string).split('-') as [string, string];
    locality = { carrier, locality: loc };
    const gpciEdition = index.editionFor('gpci', date);
    if (gpciEdition && !index.gpci(carrier, loc, gpciEdition.edition)) {
      throw new BillValidationError('Unknown locality.', [
        {
          field: 'locality',
          errorMessage: `${gpciEdition.edition.label} has no carrier ${carrier} locality ${loc}`,
        },
      ]);
    }
  }
  const setting = query.facility ? 'facility' : 'non-facility';
  const result = jurisdictionFee(index, j, {
    code,
    modifiers: modifier ? [modifier] : [],
    date,
    locality,
    setting,
    rural,
    ...place,
  });
  steps.push(...result.steps);
  notices.push(...result.notices);
  if (dateDefaulted)
    notices.unshift(`No date asked: priced on ${date}, the start of the latest edition holding ${code}.`);
  const base = {
    jurisdiction,
    code,
    modifier,
    date,
    dateDefaulted,
    setting,
    explanation: steps,
    notices,
  } as const;
  if (result.kind === 'priced') {
    return {
      amount: formatCents(result.unitAmount),
      status: 'priced',
      ...base,
      locality: { ...locality, ...(result.locality ? { name: result.locality.name } : {}) },
      edition: result.edition.id,
    };
  }
  if (result.kind === 'zero') {
    const reason = REASON_CODES[result.reason];
    return {
      amount: '0.00',
      status: 'denied',
      ...base,
      locality,
      ...(result.rvu ? { edition: result.rvu.edition.id } : {}),
      reason: { internalCode: reason.internalCode, carc: reason.carc, message: result.message },
    };
  }
  return {
    amount: null,
    status: 'unpriced',
    ...base,
    locality,
    ...(result.rvu ? { edition: result.rvu.edition.id } : {}),
    unpriced: result.reason,
  };
}

/**
 * The date a fee question without one is answered on: the start of the latest edition that holds
 * the code in the schedule it is priced on. A state table's latest edition; else the latest RVU
 * edition holding the code; else, for a code the physician fee schedule does not list (DMEPOS
 * items such as E0114, lab codes), the latest edition of the DMEPOS or lab schedule listing it.
 * Without the last case a DMEPOS code had no date at all and the question failed (issue 15, item 3).
 *
 * @param index - the fee index
 * @param j - the jurisdiction
 * @param code - the upper-cased code, known to some edition ({@link knownCode})
 * @param rvuEditions - the RVU editions holding the code, oldest first
 * @returns YYYY-MM-DD
 */
function defaultDate(
  index: FeeIndex,
  j: NonNullable<ReturnType<FeeIndex['jurisdiction']>>,
  code: string,
  rvuEditions: readonly { readonly effective: string }[],
): string {
  if (j.billTypes.professional.method === 'state-table') {
    return j.billTypes.professional.editions.at(-1)?.effective as string;
  }
  const latestRvu = rvuEditions.at(-1)?.effective;
  if (latestRvu !== undefined) return latestRvu;
  // ISO dates order as strings; the edition of the latest start wins whichever schedule it is in.
  const starts = index.labOrDmeEditionsOf(code).map((e) => e.effective);
  return starts.reduce((latest, start) => (start > latest ? start : latest), starts[0] as string);
}
