import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { kpisOf, parseKpiRequest } from '../../app/analytics/kpis.js';
import { analyticsReaderFrom } from '../shared/analytics-reader-deps.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf, requireTenant } from '../shared/http.js';

/** The query side, built on first use (Athena's client in AWS, DuckDB locally). */
const reader = analyticsReaderFrom(process.env);

/**
 * GET /v1/analytics/kpis: the caller's tenant's bill review KPIs over months of service, from the
 * analytics records of its priced bills (issue 19, docs/decisions/019-analytics.md). The tenant
 * comes from the token only: no parameter reaches another tenant's partitions.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetAnalyticsKpis'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const request = parseKpiRequest(event.queryStringParameters, tenant);
    const { runner } = await reader();
    return jsonResponse(200, { requestId, ...(await kpisOf(runner, request)) }, requestId);
  });
