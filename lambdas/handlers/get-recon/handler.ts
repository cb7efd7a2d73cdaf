import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getRecon } from '../../app/recon/service.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { reconStoreFrom } from '../shared/recon-deps.js';
import { pageFromQuery, reconTarget } from '../shared/recon-request.js';

const store = reconStoreFrom();

/** GET /v1/recons/{controlNumber}: the latest sequence with totals and the stored sequences, paged. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetRecon'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const { tenant, controlNumber } = reconTarget(event);
    const recon = await getRecon(store, tenant, controlNumber, pageFromQuery(event));
    return jsonResponse(200, { requestId, ...recon }, requestId);
  });
