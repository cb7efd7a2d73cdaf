/**
 * The fee index header: a small JSON document (a few kB) at the start of the file naming every
 * edition, its source file and checksum, and where each table's records start. Only the header is
 * parsed at load; the records are read in place.
 */

export type DatasetKind = 'pfs-rvu' | 'gpci' | 'zip5' | 'locality-county' | 'opps-cap' | 'anesthesia-cf';

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
}

const DAY_MS = 86_400_000;

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date (UTC), or NaN when it is not a real calendar date.
 *
 * @param date - YYYY-MM-DD
 * @returns the day number
 */
export function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return Number.NaN;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d)
    return Number.NaN;
  return ms / DAY_MS;
}

/** YYYY-MM-DD of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
