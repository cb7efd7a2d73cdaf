import type { APIGatewayProxyEvent } from 'aws-lambda';
import { controlNumberFromPath, MAX_SEQUENCE } from '../../app/recon/submission.js';
import { type TokenClaims, tenantOf } from '../../app/tenant.js';
import { BadRequestError, ForbiddenError, ownParameter } from './http.js';
import { pathParameter } from './path-parameters.js';

/** Default and largest page of a Recon listing. */
export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

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
  const claims = (event.requestContext?.authorizer as { claims?: TokenClaims } | null | undefined)?.claims;
  const tenant = tenantOf(claims);
  if (tenant === null) {
    throw new ForbiddenError(
      'The token names no tenant: a person needs exactly one tenant-<id> group, a machine client is its own tenant.',
    );
  }
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
