import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { deleteRecon } from '../../app/recon/service.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { reconBodiesFrom, reconStoreFrom } from '../shared/recon-deps.js';
import { reconTarget } from '../shared/recon-request.js';

// The table, and the body store for the objects of large sealed sequences (delete only, no key).
const deps = { store: reconStoreFrom(), bodies: reconBodiesFrom() };

/**
 * DELETE /v1/recons/{controlNumber}: every sequence, the pointer and the encrypted data keys in them,
 * and the objects of large sealed sequences.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('DeleteRecon'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const { tenant, controlNumber } = reconTarget(event);
    const deleted = await deleteRecon(deps, tenant, controlNumber, requestId);
    return jsonResponse(200, { requestId, ...deleted }, requestId);
  });
