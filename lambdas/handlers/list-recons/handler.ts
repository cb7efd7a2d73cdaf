import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { listRecons } from '../../app/recon/service.js';
import {
  httpErrors,
  jsonResponse,
  type LoggedContext,
  ownParameter,
  requestIdOf,
  requireTenant,
} from '../shared/http.js';
import { reconStoreFrom } from '../shared/recon-deps.js';
import { pageFromQuery, updatedSinceFrom } from '../shared/recon-request.js';

const store = reconStoreFrom();

/** GET /v1/recons: the tenant's Recons, most recently updated first, for delta sync (clear data only). */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('ListRecons'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const updatedSince = updatedSinceFrom(ownParameter(event.queryStringParameters, 'updatedSince'));
    const page = pageFromQuery(event);
    const recons = await listRecons(store, tenant, { ...page, updatedSince });
    return jsonResponse(200, { requestId, ...recons }, requestId);
  });
