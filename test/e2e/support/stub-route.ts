import { type RouteDefinition, SCOPES } from '../../../lambdas/handlers/shared/routes.js';

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

const ECHO_CLAIMS = 'test/e2e/support/handlers/echo-claims.ts';

/** The price and fee-schedule paths, each answered by a stub that echoes the caller's claims. */
export const ECHO_ROUTES: readonly RouteDefinition[] = [
  stub('StubPrice', 'POST', '/v1/bills/price', ECHO_CLAIMS, [SCOPES.billsPrice]),
  stub('StubFeeSchedule', 'GET', '/v1/fee-schedules/{jurisdiction}/{code}', ECHO_CLAIMS, [
    SCOPES.feeSchedulesRead,
  ]),
];
