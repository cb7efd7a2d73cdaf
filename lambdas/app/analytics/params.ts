import type { FieldError } from '../../engine/errors.js';

/**
 * Query parameters of the analytics routes, checked field by field: every bad parameter is named
 * in the 400 answer, and a parameter the route does not take is one of them (a typo such as
 * `groupby=` must not be answered as if it were absent).
 */

/** Query parameters as API Gateway and the local adapter give them (null when there are none). */
export type QueryParams = Readonly<Record<string, string | undefined>> | null | undefined;

/** A month of service: "2026-03". */
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A jurisdiction id: a state's two letters, or US-OWCP, US-MEDICARE. */
export const JURISDICTION_PATTERN = /^(?:[A-Z]{2}|US-[A-Z]{2,12})$/;

/**
 * The parameters of a request, each trimmed, with the unknown ones reported.
 *
 * @param params - the query parameters
 * @param known - the names the route takes
 * @param errors - where field errors are added
 * @returns the known parameters that are present and not empty
 */
export function knownParams(
  params: QueryParams,
  known: readonly string[],
  errors: FieldError[],
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(params ?? {})) {
    if (!known.includes(name)) {
      errors.push({
        field: name,
        errorMessage: `is not a parameter of this route (it takes ${known.join(', ')})`,
      });
      continue;
    }
    const value = raw?.trim();
    if (value) out[name] = value;
  }
  return out;
}

/**
 * A month's index (months since year 0), for ranges.
 *
 * @param month - "2026-03", already matched by MONTH_PATTERN
 * @returns year × 12 + month − 1
 */
export function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/**
 * The month of an index.
 *
 * @param index - from monthIndex
 * @returns "2026-03"
 */
export function monthOf(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}`;
}

/**
 * Checks and upper-cases an optional jurisdiction.
 *
 * @param value - as sent, or undefined
 * @param errors - where a field error is added
 * @returns the id, or null
 */
export function jurisdictionParam(value: string | undefined, errors: FieldError[]): string | null {
  if (value === undefined) return null;
  const id = value.toUpperCase();
  if (JURISDICTION_PATTERN.test(id)) return id;
  errors.push({
    field: 'jurisdiction',
    errorMessage: 'must be a jurisdiction id: a state code such as "AZ", or "US-OWCP", "US-MEDICARE"',
  });
  return null;
}
