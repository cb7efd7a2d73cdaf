import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as v from 'valibot';
import { fieldErrorsOf } from '../../engine/bill/schema.js';
import { BillValidationError } from '../../engine/errors.js';
import { lookupFacilityRate } from '../../engine/facility/rate-lookup.js';
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

/**
 * GET /v1/fee-schedules/{jurisdiction}/{code}: one code's fee schedule amount with its explanation,
 * or with `setting=outpatient|asc` its Medicare facility rate.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetFeeSchedule'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const parsed = v.safeParse(
      FeeScheduleQuerySchema,
      queryParameters(event, ['date', 'modifier', 'zip', 'locality', 'facility', 'setting', 'cbsa']),
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
    if (query.setting !== undefined) {
      // The engine has no clock: a facility rate asked without a date is today's, and says so.
      const rate = lookupFacilityRate(index, {
        jurisdiction,
        code: code.trim().toUpperCase(),
        setting: query.setting,
        date: query.date ?? new Date().toISOString().slice(0, 10),
        dateDefaulted: query.date === undefined,
        cbsa: query.cbsa,
      });
      return jsonResponse(200, { requestId, ...rate }, requestId);
    }
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
