/**
 * The jurisdiction registry: one JSON file a jurisdiction in this folder (the 50 states, DC, US-OWCP,
 * US-MEDICARE), each validated by {@link JurisdictionSchema}. Loading reads the files once; the
 * look-ups are pure functions of the loaded list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { type Jurisdiction, JurisdictionSchema } from './schema.js';

/** This folder: where the jurisdiction files live. */
export const JURISDICTIONS_DIR = path.dirname(fileURLToPath(import.meta.url));

export type Edition = Jurisdiction['billTypes']['professional']['editions'][number];

/** A jurisdiction file that cannot be used, named with the file and the field at fault. */
export class JurisdictionFileError extends Error {
  override readonly name = 'JurisdictionFileError';

  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field === '' ? '' : `${field}: `}${detail}`);
  }
}

/**
 * Reads, validates and sorts every jurisdiction file of a folder.
 *
 * Besides the schema, each file's `id` must equal its file name (`AZ.json` holds `"id": "AZ"`), and
 * the editions of a bill type must be in order of effective date without overlapping, so that a date
 * of service selects one edition at most.
 *
 * @param dir - the folder of `<ID>.json` files; this folder by default
 * @returns the jurisdictions sorted by id
 * @throws JurisdictionFileError naming the file and the field when a file is not valid JSON, fails the
 *   schema, has an id other than its name, or has editions out of order or overlapping
 * @example const az = jurisdictionById(loadJurisdictions(), 'AZ');
 */
export function loadJurisdictions(dir: string = JURISDICTIONS_DIR): Jurisdiction[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const list = files.map((file) => parseJurisdictionFile(file, readFileSync(path.join(dir, file), 'utf8')));
  return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Validates the text of one jurisdiction file.
 *
 * @param file - the file name (`AZ.json`), used for the id check and in errors
 * @param text - the file's contents
 * @returns the jurisdiction
 * @throws JurisdictionFileError as {@link loadJurisdictions}
 */
export function parseJurisdictionFile(file: string, text: string): Jurisdiction {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JurisdictionFileError(file, '', `not valid JSON (${(err as Error).message})`);
  }
  const result = v.safeParse(JurisdictionSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    throw new JurisdictionFileError(file, v.getDotPath(issue) ?? '', issue.message);
  }
  const j = result.output;
  const expected = path.basename(file, '.json');
  if (j.id !== expected) {
    throw new JurisdictionFileError(file, 'id', `is "${j.id}" but the file is named for "${expected}"`);
  }
  checkEditions(file, 'billTypes.professional.editions', j.billTypes.professional.editions);
  return j;
}

/** Editions in order of effective date, each ending before the next begins. */
function checkEditions(file: string, field: string, editions: readonly Edition[]): void {
  const ids = new Set<string>();
  editions.forEach((e, i) => {
    const at = `${field}.${i}`;
    if (!isCalendarDate(e.effective))
      throw new JurisdictionFileError(file, `${at}.effective`, 'is not a date');
    if (e.termination !== null) {
      if (!isCalendarDate(e.termination))
        throw new JurisdictionFileError(file, `${at}.termination`, 'is not a date');
      if (e.termination < e.effective) {
        throw new JurisdictionFileError(file, `${at}.termination`, `ends before it begins (${e.effective})`);
      }
    }
    if (ids.has(e.id)) throw new JurisdictionFileError(file, `${at}.id`, `"${e.id}" is used twice`);
    ids.add(e.id);
    const previous = editions[i - 1];
    if (previous === undefined) return;
    if (e.effective <= previous.effective) {
      throw new JurisdictionFileError(
        file,
        `${at}.effective`,
        `is not after the previous edition (${previous.id})`,
      );
    }
    if (previous.termination !== null && previous.termination >= e.effective) {
      throw new JurisdictionFileError(
        file,
        `${at}.effective`,
        `overlaps ${previous.id}, which ends ${previous.termination}`,
      );
    }
  });
}

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
 * The professional edition in force on a date of service. An edition runs from its effective date to
 * its termination date; an edition with `termination: null` stays in force until the day before the
 * next edition, or without end when it is the last.
 *
 * @param j - the jurisdiction
 * @param date - the date of service, YYYY-MM-DD
 * @returns the edition and the pastLatest flag, or undefined when no edition covers the date (before
 *   the first edition, or after one that terminated with no successor)
 * @throws RangeError when `date` is not a calendar date in YYYY-MM-DD form
 * @example editionFor(tx, '2024-06-01')?.edition.id // 'TX-2024'
 */
export function editionFor(j: Jurisdiction, date: string): EditionChoice | undefined {
  if (!isCalendarDate(date)) throw new RangeError(`date must be a calendar date YYYY-MM-DD, not "${date}"`);
  const editions = j.billTypes.professional.editions;
  for (let i = editions.length - 1; i >= 0; i--) {
    const e = editions[i] as Edition;
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
function isCalendarDate(s: string): boolean {
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
