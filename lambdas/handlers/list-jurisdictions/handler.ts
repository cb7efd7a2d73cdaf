import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { summariseJurisdiction } from '../../engine/jurisdiction-summary.js';
import { openFeeIndex } from '../shared/fee-index.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';

const index = openFeeIndex();
const list = index.jurisdictions().map(summariseJurisdiction);

/** GET /v1/jurisdictions: every jurisdiction with its method, editions and sources. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('ListJurisdictions'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    return jsonResponse(200, { requestId, jurisdictions: list }, requestId);
  });
