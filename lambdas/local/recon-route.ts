/**
 * `POST /v1/recons` locally: what API Gateway's StartSyncExecution integration does in AWS (see
 * lib/constructs/recon-workflow.ts). It builds the execution input the request template builds
 * (request id, the body base64, the authorizer's claims), runs the Recon workflow, and maps the
 * output as the response template does: the workflow's `{statusCode, body}`, or a generic 500 with
 * the request id when the execution fails.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { WorkflowResponse } from '../app/recon/service.js';
import { errorResult, jsonResponse, requireJsonContentType } from '../handlers/shared/http.js';
import { ROUTES } from '../handlers/shared/routes.js';
import { RuntimeConfigError, runtimeModeFrom } from '../handlers/shared/runtime-mode.js';
import { loggableRequestId, logRequest } from '../observability/logger.js';
import { createLocalWorkflow, type LocalWorkflow } from './recon-workflow.js';

// In AWS, API Gateway starts the state machine itself; this stand-in must never serve there.
if (runtimeModeFrom(process.env) === 'aws') {
  throw new RuntimeConfigError(
    'lambdas/local/recon-route.ts is the local stand-in for the Recon workflow integration and is refused when WCBR_MODE=aws',
  );
}

const reconWorkflow = ROUTES.find((r) => r.id === 'SubmitRecon')?.workflow;
if (!reconWorkflow) throw new Error('the route table has no SubmitRecon workflow');
const definition = reconWorkflow;
let workflow: Promise<LocalWorkflow> | undefined;

/** The execution failed after its retries: API Gateway's response template answers 500. */
class ReconExecutionError extends Error {
  override readonly name = 'ReconExecutionError';
}

/**
 * The local stand-in for the API Gateway → Step Functions integration.
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
      // API Gateway's mapping template for application/json with passthrough NEVER: any other
      // media type is 415 before the workflow starts (lib/constructs/recon-workflow.ts).
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
  const input = {
    requestId,
    body: event.isBase64Encoded ? body : Buffer.from(body, 'utf8').toString('base64'),
    claims: (event.requestContext?.authorizer as { claims?: unknown } | null | undefined)?.claims ?? {},
  };
  let result: APIGatewayProxyResult;
  try {
    const output = (await (await workflow)(input)) as WorkflowResponse;
    const answer = jsonResponse(output.statusCode, null, requestId);
    // The response template sets Retry-After from the same field (lib/constructs/recon-workflow.ts).
    result = {
      ...answer,
      headers: {
        ...answer.headers,
        ...(output.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(output.retryAfterSeconds) }),
      },
      body: output.body,
    };
  } catch (error) {
    result = errorResult(new ReconExecutionError((error as Error).name), requestId);
  }
  logRequest({
    requestId: loggableRequestId(requestId),
    route: 'SubmitRecon',
    statusCode: result.statusCode,
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
  });
  return result;
}
