import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type TokenClaims, tenantOf } from '../../app/tenant.js';
import { ForbiddenError } from './http.js';

/**
 * The caller's tenant on a batch route: from the verified token only.
 *
 * @param event - the API Gateway event
 * @returns the tenant id
 * @throws ForbiddenError when the token names no tenant
 */
export function batchTenant(event: APIGatewayProxyEvent): string {
  const claims = (event.requestContext?.authorizer as { claims?: TokenClaims } | null | undefined)?.claims;
  const tenant = tenantOf(claims);
  if (tenant === null) {
    throw new ForbiddenError(
      'The token names no tenant: a person needs exactly one tenant-<id> group, a machine client is its own tenant.',
    );
  }
  return tenant;
}
