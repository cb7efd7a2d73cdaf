import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { benchmarksOf, parseBenchmarkRequest } from '../../app/analytics/benchmarks.js';
import { analyticsReaderFrom } from '../shared/analytics-reader-deps.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf, requireTenant } from '../shared/http.js';

const reader = analyticsReaderFrom(process.env);

/**
 * GET /v1/analytics/benchmarks: the distribution of billed and allowed amounts per unit of one code
 * across every tenant, published only where at least 11 lines from at least 3 tenants stand behind
 * it, and the caller's own distribution always (issue 19).
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetAnalyticsBenchmarks'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const request = parseBenchmarkRequest(event.queryStringParameters ?? {}, tenant);
    const { runner, tenants } = await reader();
    return jsonResponse(200, { requestId, ...(await benchmarksOf(runner, tenants, request)) }, requestId);
  });
