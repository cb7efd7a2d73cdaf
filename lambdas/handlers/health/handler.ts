import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';

/** GET /v1/health: no authentication; says the API answers. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('Health'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    return jsonResponse(200, { status: 'ok', service: 'wc-bill-review', requestId }, requestId);
  });
