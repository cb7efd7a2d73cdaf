import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '../../engine/errors.js';
import { openFeeIndex } from '../shared/fee-index.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { pathParameter } from '../shared/path-parameters.js';

const index = openFeeIndex();

/** GET /v1/jurisdictions/{id}: one jurisdiction file, whole. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetJurisdiction'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const id = pathParameter(event, 'id');
    const jurisdiction = index.jurisdiction(id);
    if (!jurisdiction) {
      throw new NotFoundError(`No jurisdiction ${id}.`, [
        {
          field: 'id',
          errorMessage: 'use a state code, DC, US-OWCP or US-MEDICARE (GET /v1/jurisdictions lists them)',
        },
      ]);
    }
    return jsonResponse(200, { requestId, jurisdiction }, requestId);
  });
