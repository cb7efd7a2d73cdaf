import type { DataRelease } from '../domain/supplied.js';
/**
 * The fee index header: a small JSON document (tens of kB) at the start of the file naming every
 * edition, its source file and checksum, and where each table's records start. Only the header is
 * parsed at load; the records are read in place.
 */

export type DatasetKind =
  | 'pfs-rvu'
  | 'gpci'
  | 'zip5'
  | 'locality-county'
  | 'opps-cap'
  | 'anesthesia-cf'
  | 'state-table'
  | 'state-anesthesia'
  | 'clfs'
  | 'dmepos'
  | 'dme-rural-zip'
  | 'nadac'
  | 'mue'
  | 'ncci-ptp'
  // Inpatient (IPPS) and a state's facility tables (issue 16; layouts in facility-ipps.ts).
  | 'ipps-drg'
  | 'ipps-rates'
  | 'ipps-wage-index'
  | 'state-drg'
  | 'state-facility'
  // OPPS (hospital outpatient): lambdas/fee-index/facility-opps-schema.ts
  | 'opps-addendum-b'
  | 'opps-apc-rate'
  | 'opps-wage-index'
  | 'opps-out-migration'
  | 'opps-capc-complexity'
  // ASC (issue 16): Addenda AA, BB, EE, FF and the ASC wage index.
  | 'asc-aa'
  | 'asc-bb'
  | 'asc-ee'
  | 'asc-ff'
  | 'asc-wage-index';

export interface EditionSource {
  readonly file: string;
  readonly sha256: string;
  readonly rows: number;
  readonly release?: string;
}

export interface EditionInfo {
  /** Position in `editions`; records refer to their edition by this number. */
  readonly index: number;
  /** Stable id, e.g. "pfs-rvu/2025". */
  readonly id: string;
  readonly dataset: DatasetKind;
  readonly year: number;
  readonly label: string;
  /** First date of service the edition prices (YYYY-MM-DD). */
  readonly effective: string;
  /** Last date of service, or null while no later edition is held (in force until the next one). */
  readonly termination: string | null;
  /** False when only an excerpt of the official file is held. */
  readonly complete: boolean;
  /** True when the index holds a sample of the official file's codes (fee-data/sample). */
  readonly sampled: boolean;
  readonly source: EditionSource;
  readonly notes: readonly string[];
}

export interface SectionInfo {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly recordSize: number;
  readonly count: number;
}

export interface IndexHeader {
  readonly format: 'wcbr-fee-index';
  readonly version: number;
  /** 'official' when built from official files, 'sample' when from fee-data/sample. */
  readonly builtFrom: 'official' | 'sample';
  readonly editions: readonly EditionInfo[];
  readonly sections: readonly SectionInfo[];
  readonly strings: { readonly offset: number; readonly length: number; readonly count: number };
  /** SHA-256 of every byte after the header (hex); `verifyFeeIndex` checks it. */
  readonly bodySha256: string;
  /**
   * The data release this index is (issue 20): its id, when it was built, and every supplied file
   * in it. Absent from indexes built before releases were named.
   */
  readonly release?: DataRelease;
}

const DAY_MS = 86_400_000;

function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    value = value * 10 + c;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date, or NaN when it is not a real calendar date.
 * Computed arithmetically (Howard Hinnant's days-from-civil), without a Date object, because the
 * engine converts every line's date of service.
 *
 * @param date - YYYY-MM-DD
 * @returns the day number
 */
export function dayNumber(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Number.NaN;
  const y = digitsAt(date, 0, 4);
  const m = digitsAt(date, 5, 2);
  const d = digitsAt(date, 8, 2);
  if (Number.isNaN(y) || Number.isNaN(m) || Number.isNaN(d) || m < 1 || m > 12 || d < 1) return Number.NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] as number))) return Number.NaN;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yearOfEra = yy - era * 400;
  const dayOfYear = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** YYYY-MM-DD of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
