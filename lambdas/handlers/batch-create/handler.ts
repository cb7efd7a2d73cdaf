import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as v from 'valibot';
import { createBatch } from '../../app/batch/service.js';
import { DependencyUnavailableError } from '../../app/dependency-errors.js';
import { BillValidationError } from '../../engine/errors.js';
import { batchRouteDepsFrom } from '../shared/batch-deps.js';
import {
  httpErrors,
  jsonBody,
  jsonResponse,
  type LoggedContext,
  type ParsedBodyEvent,
  requestIdOf,
  requireTenant,
} from '../shared/http.js';
import { CreateBatchInputSchema } from './schema.js';

const deps = batchRouteDepsFrom();

/**
 * POST /v1/batches: a batch awaiting its input (tenant-scoped), and a signed link to PUT the file of
 * bills to; the upload starts the run (docs/decisions/016-bulk-repricing.md).
 */
export const handler = middy<ParsedBodyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('CreateBatch'))
  .use(jsonBody())
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const parsed = v.safeParse(CreateBatchInputSchema, event.parsedBody ?? {});
    if (!parsed.success) {
      throw new BillValidationError(
        'The batch request cannot be accepted.',
        parsed.issues.map((issue) => ({
          field: v.getDotPath(issue) ?? 'body',
          errorMessage: issue.message,
        })),
      );
    }
    if (deps === null) throw new DependencyUnavailableError('Batch store', 60);
    const created = await createBatch(deps, tenant, parsed.output);
    return jsonResponse(201, { requestId, ...created }, requestId);
  });
