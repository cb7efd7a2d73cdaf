/**
 * Whose Recons a caller may touch: the tenant comes from the verified access token only, never from
 * the request, so no id a caller sends can reach another tenant's items.
 *
 * - A machine client (client credentials: no `username` claim) is one tenant's integration; its
 *   tenant is its app client id.
 * - A person (a `username` claim) belongs to exactly one `tenant-<id>` user group; none or several
 *   is refused, and so is an empty `username`, so a user never falls back to the shared people
 *   client's id.
 */
import { TENANT_ID } from '../domain/tenant-id.js';

/** The prefix of the user groups that name a person's tenant. */
export const TENANT_GROUP_PREFIX = 'tenant-';

/** Tenant ids' pattern, in domain/ so that fee-data's contract checks read the same one. */
export { TENANT_ID };

/** The claims API Gateway's Cognito authorizer passes (strings; groups comma-joined). */
export type TokenClaims = Readonly<Record<string, string | undefined>>;

/**
 * The caller's tenant.
 *
 * @param claims - `requestContext.authorizer.claims` of a verified access token
 * @returns the tenant id, or null when the token names none (answered 403)
 */
export function tenantOf(claims: TokenClaims | null | undefined): string | null {
  if (!claims) return null;
  // Any `username` claim, even an empty one, makes the token a person's: an empty one used to fall
  // through to the client id, the shared people client's, whose tenant every person would share.
  if (Object.hasOwn(claims, 'username') && claims.username !== undefined) {
    if (claims.username.trim() === '') return null;
    const groups = (claims['cognito:groups'] ?? '')
      .split(',')
      .map((group) => group.trim())
      .filter((group) => group.startsWith(TENANT_GROUP_PREFIX));
    if (groups.length !== 1) return null;
    const tenant = (groups[0] as string).slice(TENANT_GROUP_PREFIX.length);
    return TENANT_ID.test(tenant) ? tenant : null;
  }
  const clientId = claims.client_id;
  return clientId !== undefined && TENANT_ID.test(clientId) ? clientId : null;
}
