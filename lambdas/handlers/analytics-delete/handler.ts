import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { analyticsReaderFrom } from '../shared/analytics-reader-deps.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf, requireTenant } from '../shared/http.js';

const reader = analyticsReaderFrom(process.env);

/** Told with every deletion: what the one call cannot reach. */
export const DELETE_NOTICE =
  'Records of bills priced in the last few minutes may still be in the delivery buffer and land after this call; call it again after 15 minutes to remove them. The peers snapshot drops your lines at its next build.';

/**
 * DELETE /v1/analytics: every analytics record of the caller's tenant, in one call (issue 19).
 * To keep no new ones, the tenant's `analytics.tenants.<id>.enabled: false` in cdk.json, or
 * `"analytics": false` on each bill.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('DeleteAnalytics'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const { tenants } = await reader();
    const { objectsDeleted } = await tenants.deleteTenant(tenant);
    return jsonResponse(200, { requestId, tenant, objectsDeleted, notice: DELETE_NOTICE }, requestId);
  });
