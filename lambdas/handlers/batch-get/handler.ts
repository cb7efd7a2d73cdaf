import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { BATCH_ID_PATTERN } from '../../app/batch/ports.js';
import { getBatch } from '../../app/batch/service.js';
import { DependencyUnavailableError } from '../../app/dependency-errors.js';
import { NotFoundError } from '../../engine/errors.js';
import { batchRouteDepsFrom } from '../shared/batch-deps.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf, requireTenant } from '../shared/http.js';
import { pathParameter } from '../shared/path-parameters.js';

const deps = batchRouteDepsFrom();

/**
 * GET /v1/batches/{id}: the caller's batch (another tenant's id is 404, as an unknown one), its
 * state and progress, and signed links to results.jsonl and summary.json once it succeeded.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetBatch'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const id = pathParameter(event, 'id');
    // Any other id cannot be a batch: 404 as an unknown one, without a store read.
    if (!BATCH_ID_PATTERN.test(id))
      throw new NotFoundError('No batch with this id.', [{ field: 'id', errorMessage: 'no such batch' }]);
    if (deps === null) throw new DependencyUnavailableError('Batch store', 60);
    const status = await getBatch(deps, tenant, id);
    return jsonResponse(200, { requestId, ...status }, requestId);
  });
