import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { reasonCodeCatalogue } from '../../engine/adjustments/reason-codes.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';

const reasonCodes = reasonCodeCatalogue();

/** GET /v1/reason-codes: every internal reason code with its CARC, group code, RARC and source. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('ListReasonCodes'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    return jsonResponse(200, { requestId, reasonCodes }, requestId);
  });
