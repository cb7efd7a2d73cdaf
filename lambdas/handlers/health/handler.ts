import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { createHealthCheck, dataReleaseFrom, probesFrom } from './dependencies.js';

const check = createHealthCheck(probesFrom(process.env));
const dataRelease = dataReleaseFrom(process.env);

/**
 * GET /v1/health: no authentication; says the API answers and how each dependency does (fee
 * index, DynamoDB, KMS, SmartBill store): statuses only, no data, and the data release its fee
 * index is (`dataRelease`, issue 20). Always 200 while the function
 * runs: `status` is `degraded` when a configured dependency does not answer, so a monitor reads
 * the body, and pricing (which needs none of them but the index) is not taken out of rotation
 * because Recon's table is down.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('Health'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const report = await check();
    return jsonResponse(
      200,
      { ...report, dataRelease: dataRelease(), service: 'wc-bill-review', requestId },
      requestId,
    );
  });
