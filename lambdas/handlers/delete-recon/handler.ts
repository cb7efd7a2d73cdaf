import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { deleteRecon } from '../../app/recon/service.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { reconStoreFrom } from '../shared/recon-deps.js';
import { reconTarget } from '../shared/recon-request.js';

const store = reconStoreFrom();

/** DELETE /v1/recons/{controlNumber}: every sequence, the pointer and the encrypted data keys in them. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('DeleteRecon'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const { tenant, controlNumber } = reconTarget(event);
    const deleted = await deleteRecon(store, tenant, controlNumber);
    return jsonResponse(200, { requestId, ...deleted }, requestId);
  });
