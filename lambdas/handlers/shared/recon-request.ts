import type { APIGatewayProxyEvent } from 'aws-lambda';
import { controlNumberFromPath, MAX_SEQUENCE } from '../../app/recon/submission.js';
import { BillValidationError } from '../../engine/errors.js';
import { BadRequestError, ownParameter, requireTenant } from './http.js';
import { pathParameter } from './path-parameters.js';

/** Default and largest page of a Recon listing. */
export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

/**
 * An ISO-8601 instant: a date, a time to the second with an optional fraction, and `Z` or an
 * offset (RFC 3339's `date-time`). A date alone or a local time names no instant and is refused.
 */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `updatedSince` of `GET /v1/recons`, as the store compares it: UTC with milliseconds. A finer
 * fraction is cut to the millisecond below, which can only list a Recon more, never one less.
 *
 * @param raw - the query parameter
 * @returns the instant in `toISOString` form, or undefined when absent
 * @throws BillValidationError (422) when it is not an ISO-8601 instant
 */
export function updatedSinceFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = ISO_INSTANT.exec(raw);
  const fraction = match?.[7] ?? '';
  // Date.parse takes at most milliseconds in the fraction; the rest is cut (never rounded up).
  const millis = match ? Date.parse(raw.replace(fraction, fraction.slice(0, 4))) : Number.NaN;
  const [year, month, day, hour, minute, second] = (match ?? []).slice(1, 7).map(Number);
  const valid =
    Number.isFinite(millis) &&
    month !== undefined &&
    day !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    // Date.parse rolls 2026-02-30 over to March: a day past the month's end is refused.
    day <= new Date(Date.UTC(year ?? 0, month, 0)).getUTCDate() &&
    (hour ?? 99) <= 23 &&
    (minute ?? 99) <= 59 &&
    (second ?? 99) <= 59;
  if (!valid) {
    throw new BillValidationError('updatedSince is not an ISO-8601 instant.', [
      {
        field: 'updatedSince',
        errorMessage: 'must be an ISO-8601 date and time with Z or an offset, e.g. 2026-12-07T09:30:00Z',
      },
    ]);
  }
  return new Date(millis).toISOString();
}

/**
 * The caller's tenant and the control number of a Recon route.
 *
 * @param event - the API Gateway event (claims of the verified token)
 * @returns tenant and control number
 * @throws ForbiddenError when the token names no tenant; BadRequestError for a bad control number
 */
export function reconTarget(event: APIGatewayProxyEvent): {
  readonly tenant: string;
  readonly controlNumber: string;
} {
  const tenant = requireTenant(event);
  const controlNumber = controlNumberFromPath(pathParameter(event, 'controlNumber'));
  if (controlNumber === null) {
    throw new BadRequestError('The control number cannot be one.', [
      {
        field: 'controlNumber',
        errorMessage: 'must be 1 to 64 letters, digits, dots, dashes or underscores',
      },
    ]);
  }
  return { tenant, controlNumber };
}

/**
 * The sequence of `/sequences/{sequence}`.
 *
 * @param raw - the path parameter, as the gateway decoded it ({@link pathParameter})
 * @returns the sequence
 * @throws BadRequestError when it is not one
 */
export function sequenceFromPath(raw: string): number {
  const value = /^[1-9]\d{0,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value > MAX_SEQUENCE) {
    throw new BadRequestError('The sequence cannot be one.', [
      { field: 'sequence', errorMessage: `must be a whole number from 1 to ${MAX_SEQUENCE}` },
    ]);
  }
  return value;
}

/**
 * `limit` and `pageToken` of a listing.
 *
 * @param event - the API Gateway event
 * @returns the page request
 * @throws BadRequestError for a limit out of range
 */
export function pageFromQuery(event: APIGatewayProxyEvent): {
  readonly limit: number;
  readonly pageToken?: string;
} {
  const rawLimit = ownParameter(event.queryStringParameters, 'limit');
  let limit = DEFAULT_PAGE_LIMIT;
  if (rawLimit !== undefined) {
    limit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
      throw new BadRequestError('The limit cannot be used.', [
        { field: 'limit', errorMessage: `must be a whole number from 1 to ${MAX_PAGE_LIMIT}` },
      ]);
    }
  }
  const pageToken = ownParameter(event.queryStringParameters, 'pageToken');
  return pageToken === undefined || pageToken === '' ? { limit } : { limit, pageToken };
}
