/**
 * `POST /v1/recons` locally: the Recon front step (app/recon/submit.ts) in front of the Recon
 * workflow run by aws-local-stepfunctions. The body goes to the body store (s3rver) before the
 * execution, whose input holds the request id and the authorizer's claims only; the answer comes
 * back from the output or the body store, and one larger than a synchronous answer may be is
 * stored and answered with 303 See Other to a signed link. A failed execution is the generic 500
 * with the request id.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { WorkflowResponse } from '../app/recon/service.js';
import { MAX_SYNC_RECON_ANSWER_BYTES, submitRecon } from '../app/recon/submit.js';
import { errorResult, requireJsonContentType, tokenClaimsOf } from '../handlers/shared/http.js';
import { reconBodiesFrom, reconOversizedAnswersFrom } from '../handlers/shared/recon-deps.js';
import { ROUTES } from '../handlers/shared/routes.js';
import { RuntimeConfigError, runtimeModeFrom } from '../handlers/shared/runtime-mode.js';
import { loggableRequestId, logRequest } from '../observability/logger.js';
import { createLocalWorkflow, type LocalWorkflow } from './recon-workflow.js';

// In AWS the front function (lambdas/handlers/submit-recon) starts the state machine; this local
// stand-in, which runs the ASL in process, must never serve there.
if (runtimeModeFrom(process.env) === 'aws') {
  throw new RuntimeConfigError(
    'lambdas/local/recon-route.ts is the local stand-in for the Recon workflow integration and is refused when WCBR_MODE=aws',
  );
}

const reconWorkflow = ROUTES.find((r) => r.id === 'SubmitRecon')?.workflow;
if (!reconWorkflow) throw new Error('the route table has no SubmitRecon workflow');
const definition = reconWorkflow;
let workflow: Promise<LocalWorkflow> | undefined;

const bodies = reconBodiesFrom();
const answers = reconOversizedAnswersFrom();

/**
 * The local stand-in for the Recon front step in front of the workflow.
 *
 * @param event - the REST proxy event the local adapter built
 * @param context - the Lambda-like context
 * @returns the HTTP answer
 */
export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId ?? context.awsRequestId;
  const started = performance.now();
  const body = event.body ?? '';
  if (body !== '') {
    try {
      // API Gateway's mapping for application/json: any other media type is 415 before anything.
      requireJsonContentType(event.headers);
    } catch (error) {
      return errorResult(error, requestId);
    }
  }
  // A failed set-up is not kept: the next request tries again (a rejected promise kept here would
  // answer 500 until the stack restarts).
  workflow ??= createLocalWorkflow(definition).catch((error: unknown) => {
    workflow = undefined;
    throw error;
  });
  const running = workflow;
  const result = await submitRecon(
    {
      bodies,
      answers,
      runWorkflow: async (input) => (await (await running)(input)) as WorkflowResponse,
      maxAnswerBytes: MAX_SYNC_RECON_ANSWER_BYTES,
    },
    {
      requestId,
      claims: tokenClaimsOf(event) ?? {},
      body: event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    },
  );
  logRequest({
    requestId: loggableRequestId(requestId),
    route: 'SubmitRecon',
    statusCode: result.statusCode,
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
  });
  return result;
}
