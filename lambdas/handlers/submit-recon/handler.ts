import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_SYNC_RECON_ANSWER_BYTES, submitRecon } from '../../app/recon/submit.js';
import {
  httpErrors,
  type LoggedContext,
  requestIdOf,
  requireJsonContentType,
  tokenClaimsOf,
} from '../shared/http.js';
import { reconBodiesFrom, reconOversizedAnswersFrom, reconWorkflowFrom } from '../shared/recon-deps.js';

// Built once per container: the body store and the answer store on the Recon bodies bucket, and
// the Express state machine this function starts.
const bodies = reconBodiesFrom();
const answers = reconOversizedAnswersFrom();
const runWorkflow = reconWorkflowFrom();

/**
 * POST /v1/recons in AWS (issue 17, § 2): the Recon front step (app/recon/submit.ts) behind a
 * Lambda proxy integration. The body goes to the Recon body store, the workflow runs with the
 * request id and the verified claims only, and the answer comes back inline or, when larger than a
 * synchronous answer may be, as a 303 to a signed link. Locally lambdas/local/recon-route.ts runs
 * the same front step in front of the same ASL.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('SubmitRecon'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const body = event.body ?? '';
    // The method's request model validates application/json bodies only: any other media type is
    // refused here (415), as API Gateway's former direct integration (passthrough NEVER) did.
    if (body !== '') requireJsonContentType(event.headers);
    return submitRecon(
      { bodies, answers, runWorkflow, maxAnswerBytes: MAX_SYNC_RECON_ANSWER_BYTES },
      {
        requestId,
        claims: tokenClaimsOf(event) ?? {},
        body: event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
      },
    );
  });
