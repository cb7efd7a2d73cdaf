import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getSequence } from '../../app/recon/service.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { pathParameter } from '../shared/path-parameters.js';
import { reconDependencies } from '../shared/recon-deps.js';
import { reconTarget, sequenceFromPath } from '../shared/recon-request.js';

const deps = reconDependencies();

/** GET /v1/recons/{controlNumber}/sequences/{sequence}: one stored sequence, decrypted. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetReconSequence'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const { tenant, controlNumber } = reconTarget(event);
    const sequence = sequenceFromPath(pathParameter(event, 'sequence'));
    const stored = await getSequence(deps, tenant, controlNumber, sequence);
    return jsonResponse(200, { requestId, ...stored }, requestId);
  });
