import type { FeeIndex } from '../../fee-index/reader.js';
import { BillValidationError, type FieldError, NotFoundError } from '../errors.js';
import { facilityEditionFor, isCalendarDate, type Jurisdiction } from '../jurisdictions.js';
import type { ExplanationStep } from '../priced-bill.js';
import { ascRate } from './asc.js';
import { oppsRate } from './opps.js';
import type { FacilityRate, WageIndexUsed } from './types.js';

/** The facility settings `GET /v1/fee-schedules/{j}/{code}?setting=` answers. */
export const FACILITY_SETTINGS = ['outpatient', 'asc'] as const;
export type FacilitySetting = (typeof FACILITY_SETTINGS)[number];

/** What the methods answer for one code (a parameter so tests can give their own). */
export type FacilityRateOf = (
  index: FeeIndex,
  code: string,
  date: string,
  cbsa: string | undefined,
) => FacilityRate | undefined;

/** The OPPS and ASC rate look-ups of lambdas/engine/facility. */
export const FACILITY_RATES: Readonly<Record<FacilitySetting, FacilityRateOf>> = {
  outpatient: oppsRate,
  asc: ascRate,
};

export interface FacilityRateQuery {
  readonly jurisdiction: string;
  readonly code: string;
  readonly setting: FacilitySetting;
  /** YYYY-MM-DD; the caller gives today's date when the request named none (`dateDefaulted`). */
  readonly date: string;
  readonly dateDefaulted: boolean;
  readonly cbsa: string | undefined;
}

/** A facility rate as the API answers it (absent values are null, as in the rest of the answers). */
export interface FacilityRateAnswer {
  readonly jurisdiction: string;
  readonly code: string;
  readonly setting: FacilitySetting;
  readonly date: string;
  readonly dateDefaulted: boolean;
  readonly indicator: string;
  readonly apc: string | null;
  readonly nationalRate: string | null;
  readonly wageAdjusted: { readonly amount: string; readonly wageIndex: WageIndexUsed } | null;
  readonly edition: string;
  readonly explanation: readonly ExplanationStep[];
  readonly notices: readonly string[];
}

const SETTING_NAME: Readonly<Record<FacilitySetting, string>> = {
  outpatient: 'Medicare OPPS (Addendum B)',
  asc: 'Medicare ASC payment system (Addenda AA/BB)',
};

/**
 * What the jurisdiction's file says of the setting on the date, in a sentence after the notice, so
 * the rate is not read as the state's: its factors, the Medicare system it rests on when that is
 * not the setting's own (California's ASC bills on the OPPS), or that it is not priced on Medicare.
 */
function methodWords(j: Jurisdiction, setting: FacilitySetting, date: string): string {
  const rule = j.billTypes[setting];
  if (rule === undefined) return '';
  if (rule.method === 'unsupported') return ` It is not priced on Medicare: ${rule.missing ?? ''}`.trimEnd();
  const own = setting === 'asc' ? 'asc' : 'opps';
  const basis =
    rule.basis !== undefined && rule.basis !== own
      ? ` It pays them on the ${rule.basis === 'opps' ? 'OPPS' : rule.basis === 'asc' ? 'ASC' : 'IPPS'} rate, not this one.`
      : '';
  if (rule.method !== 'percent-of-medicare') return basis;
  const factors = facilityEditionFor(j, setting, date)?.edition.factors ?? [];
  const list = factors.map((f) => `${f.category} ${f.value} × (${f.source.citation})`).join('; ');
  return `${basis}${list === '' ? '' : ` Its factors on ${date}: ${list}.`}`;
}

/**
 * One code's facility rate: the OPPS status indicator, APC and national unadjusted rate, or the ASC
 * payment indicator and rate, wage-adjusted when a CBSA is named. The rate is Medicare's; a state
 * that pays a percentage of it says so in its jurisdiction file, which the answer points to.
 *
 * @param index - the fee index
 * @param query - jurisdiction, code, setting, date, CBSA
 * @param rates - the look-ups (tests give their own)
 * @returns the answer
 * @throws BillValidationError (422) for an unknown jurisdiction or a date that is not a date; NotFoundError (404) when no rate is held
 * @example lookupFacilityRate(index, { jurisdiction: 'US-MEDICARE', code: 'G0463', setting: 'outpatient', date: '2025-03-04', dateDefaulted: false, cbsa: undefined })
 */
export function lookupFacilityRate(
  index: FeeIndex,
  query: FacilityRateQuery,
  rates: Readonly<Record<FacilitySetting, FacilityRateOf>> = FACILITY_RATES,
): FacilityRateAnswer {
  const errors: FieldError[] = [];
  const j = index.jurisdiction(query.jurisdiction);
  if (j === undefined) {
    errors.push({
      field: 'jurisdiction',
      errorMessage: `${query.jurisdiction} is not a jurisdiction we know; use a state code, DC, US-OWCP or US-MEDICARE`,
    });
  }
  if (!isCalendarDate(query.date))
    errors.push({ field: 'date', errorMessage: 'must be a date as YYYY-MM-DD' });
  if (errors.length > 0) throw new BillValidationError('The query has fields we cannot accept.', errors);
  const rate = rates[query.setting](index, query.code, query.date, query.cbsa);
  if (rate === undefined) {
    throw new NotFoundError(
      `${query.code} has no ${SETTING_NAME[query.setting]} rate we hold on ${query.date}.`,
      [{ field: 'code', errorMessage: `no ${query.setting} rate held for ${query.code} on ${query.date}` }],
    );
  }
  const notices = [...rate.notes];
  if (query.dateDefaulted)
    notices.push(`No date was given: the rate in force on ${query.date} (today) is answered.`);
  if (j && j.id !== 'US-MEDICARE') {
    notices.push(
      `This is the ${SETTING_NAME[query.setting]} rate; ${j.name} (${j.id}) prices ${query.setting === 'asc' ? 'surgery-centre' : 'hospital outpatient'} bills by the method its jurisdiction file records (GET /v1/jurisdictions/${j.id}).${methodWords(j, query.setting, query.date)}`,
    );
  }
  return {
    jurisdiction: j?.id ?? query.jurisdiction,
    code: rate.code,
    setting: query.setting,
    date: query.date,
    dateDefaulted: query.dateDefaulted,
    indicator: rate.indicator,
    apc: rate.apc ?? null,
    nationalRate: rate.nationalRate,
    wageAdjusted: rate.wageAdjusted ?? null,
    edition: rate.edition,
    explanation: rate.steps,
    notices,
  };
}
