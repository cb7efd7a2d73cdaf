import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as v from 'valibot';
import { fieldErrorsOf } from '../../engine/bill/schema.js';
import { BillValidationError } from '../../engine/errors.js';
import { lookupFee } from '../../engine/fee-lookup.js';
import { loggableCodes, loggableJurisdiction } from '../../observability/logger.js';
import { openFeeIndex } from '../shared/fee-index.js';
import {
  httpErrors,
  jsonResponse,
  type LoggedContext,
  queryParameters,
  requestIdOf,
} from '../shared/http.js';
import { pathParameter } from '../shared/path-parameters.js';
import { FeeScheduleQuerySchema } from './schema.js';

const index = openFeeIndex();

/** GET /v1/fee-schedules/{jurisdiction}/{code}: one code's fee schedule amount with its explanation. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetFeeSchedule'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const parsed = v.safeParse(
      FeeScheduleQuerySchema,
      queryParameters(event, ['date', 'modifier', 'zip', 'locality', 'facility']),
    );
    if (!parsed.success)
      throw new BillValidationError('The query has fields we cannot accept.', fieldErrorsOf(parsed.issues));
    const query = parsed.output;
    const jurisdiction = pathParameter(event, 'jurisdiction');
    const code = pathParameter(event, 'code');
    // Only a jurisdiction we price and a well-formed code reach the log, never the raw parameter.
    const loggedJurisdiction = loggableJurisdiction(jurisdiction);
    context.logDetails = {
      ...(loggedJurisdiction === undefined ? {} : { jurisdiction: loggedJurisdiction }),
      codes: loggableCodes([code]),
    };
    const answer = lookupFee(index, {
      jurisdiction,
      code,
      ...(query.modifier === undefined ? {} : { modifier: query.modifier }),
      ...(query.date === undefined ? {} : { date: query.date }),
      ...(query.zip === undefined ? {} : { zip: query.zip }),
      ...(query.locality === undefined ? {} : { locality: query.locality }),
      facility: query.facility === 'true',
    });
    return jsonResponse(200, { requestId, ...answer }, requestId);
  });
