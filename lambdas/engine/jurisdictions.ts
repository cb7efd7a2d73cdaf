import type { Jurisdiction } from '../domain/jurisdiction-schema.js';

/**
 * Pure look-ups over the jurisdiction registry (the files themselves are read by
 * fee-data/jurisdictions/registry.ts at build time and travel inside the fee index).
 */

export type { Jurisdiction };
export type Edition = Jurisdiction['billTypes']['professional']['editions'][number];

/**
 * A jurisdiction by id (`"AZ"`, `"US-OWCP"`), case and surrounding spaces ignored.
 *
 * @param list - the loaded jurisdictions
 * @param id - the jurisdiction asked for
 * @returns the jurisdiction, or undefined when there is none with that id
 */
export function jurisdictionById(list: readonly Jurisdiction[], id: string): Jurisdiction | undefined {
  const wanted = id.trim().toUpperCase();
  return list.find((j) => j.id === wanted);
}

/** The edition a date of service falls in, and whether that stretched it past its year. */
export interface EditionChoice {
  readonly edition: Edition;
  /**
   * The edition has no termination and the date is twelve months or more after its effective date:
   * it is still the edition in force (no later one is held), but the line should say it was priced on
   * the latest edition we hold. For a January 1 edition this is "a date after the edition's year",
   * as in the fee index.
   */
  readonly pastLatest: boolean;
}

/**
 * The professional edition in force on a date of service. A supplied edition (the customer's, issue
 * 20) whose effective date to termination date (none: without end) holds the date comes first; else
 * an official edition runs from its effective date to its termination date, and one with
 * `termination: null` stays in force until the day before the next edition, or without end when it
 * is the last.
 *
 * @param j - the jurisdiction
 * @param date - the date of service, YYYY-MM-DD
 * @returns the edition and the pastLatest flag, or undefined when no edition covers the date (before
 *   the first edition, or after one that terminated with no successor)
 * @throws RangeError when `date` is not a calendar date in YYYY-MM-DD form
 * @example editionFor(tx, '2024-06-01')?.edition.id // 'TX-2024'
 */
export function editionFor(j: Jurisdiction, date: string): EditionChoice | undefined {
  const professional = j.billTypes.professional;
  // A customer's edition in force on the date wins (issue 20, docs/supplied-data): the index build
  // refuses overlaps among supplied editions and, unless the file supersedes it, with an official
  // edition that carries values, so the first one covering the date is the only one.
  if (professional.supplied !== undefined && isCalendarDate(date)) {
    const own = professional.supplied.find(
      (e) => date >= e.effective && (e.termination === null || date <= e.termination),
    );
    if (own !== undefined) return { edition: own, pastLatest: false };
  }
  return editionIn(professional.editions, date);
}

/** A facility bill type of a jurisdiction file (lambdas/domain/jurisdiction-schema.ts, FacilityBillTypeSchema). */
export type FacilityMethod = NonNullable<Jurisdiction['billTypes']['outpatient']>;
export type FacilityEdition = FacilityMethod['editions'][number];

/** The facility edition in force on a date, with the bill type's method it belongs to. */
export interface FacilityEditionChoice {
  readonly method: FacilityMethod;
  readonly edition: FacilityEdition;
  readonly pastLatest: boolean;
}

/**
 * The facility edition in force on a date of service (outpatient and ASC lines) or of discharge
 * (inpatient stays), chosen as {@link editionFor} chooses a professional one. The method comes with
 * it: an `unsupported` method has no edition, and a caller says what is `missing` instead.
 *
 * @param j - the jurisdiction
 * @param billType - outpatient, asc or inpatient
 * @param date - YYYY-MM-DD
 * @returns the method and edition, or undefined when the file records no such bill type or no
 *   edition covers the date
 * @throws RangeError when `date` is not a calendar date in YYYY-MM-DD form
 * @example facilityEditionFor(nc, 'inpatient', '2025-11-03')?.edition.id // 'NC-IPPS-FY2026'
 */
export function facilityEditionFor(
  j: Jurisdiction,
  billType: 'outpatient' | 'asc' | 'inpatient',
  date: string,
): FacilityEditionChoice | undefined {
  const method = j.billTypes[billType];
  if (method === undefined) {
    if (!isCalendarDate(date)) throw new RangeError(`date must be a calendar date YYYY-MM-DD, not "${date}"`);
    return undefined;
  }
  const choice = editionIn(method.editions, date);
  return choice === undefined
    ? undefined
    : { method, edition: choice.edition, pastLatest: choice.pastLatest };
}

/** The edition of a dated list in force on a date (see {@link editionFor}). */
function editionIn<E extends Pick<Edition, 'effective' | 'termination'>>(
  editions: readonly E[],
  date: string,
): { edition: E; pastLatest: boolean } | undefined {
  if (!isCalendarDate(date)) throw new RangeError(`date must be a calendar date YYYY-MM-DD, not "${date}"`);
  for (let i = editions.length - 1; i >= 0; i--) {
    const e = editions[i] as E;
    if (date < e.effective) continue;
    const next = editions[i + 1];
    const inForce =
      e.termination !== null ? date <= e.termination : next === undefined || date < next.effective;
    if (!inForce) return undefined;
    return { edition: e, pastLatest: e.termination === null && date >= addOneYear(e.effective) };
  }
  return undefined;
}

/** YYYY-MM-DD naming a real day (2024-02-29 yes, 2025-02-29 no). ISO strings compare in date order. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // a leap year: February has 29
  if (day > daysInMonth) return false;
  return month !== 2 || day !== 29 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
}

/** The same day a year later (February 29 becomes March 1), as YYYY-MM-DD. */
function addOneYear(date: string): string {
  const year = Number(date.slice(0, 4)) + 1;
  const rest = date.slice(5) === '02-29' ? '03-01' : date.slice(5);
  return `${String(year).padStart(4, '0')}-${rest}`;
}
