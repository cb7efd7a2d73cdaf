import type { RouteDefinition } from '../../../lambdas/handlers/shared/routes.js';

/** A route of the local adapter served by a stub handler module (no fee index, not hot). */
export function stub(
  id: string,
  method: RouteDefinition['method'],
  path: string,
  entry: string,
  scopes: RouteDefinition['scopes'],
): RouteDefinition {
  return { id, method, path, entry, scopes, usesFeeIndex: false, hot: false, summary: id };
}
