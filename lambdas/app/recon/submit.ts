import type { APIGatewayProxyResult } from 'aws-lambda';
import type { OversizedAnswerStore } from '../answers/oversized-store.js';
import {
  MAX_INLINE_RESPONSE_BYTES,
  proxyResultFits,
  refuseUnanswerableBill,
} from '../answers/size-policy.js';
import { errorResult, ForbiddenError, jsonResponse } from '../answers.js';
import { DependencyUnavailableError } from '../dependency-errors.js';
import { type TokenClaims, tenantOf } from '../tenant.js';
import { type ReconBodyStore, reconBodyKeys } from './ports.js';
import type { ReconWorkflowInput, WorkflowResponse } from './service.js';

/**
 * The Recon front step (issue 17, § 2): what stands between the HTTP request and the workflow, so
 * that neither the execution input nor its output has to hold a bill. It stores the body as sent
 * (the `request` intermediate), starts the workflow with the request id and the claims only, reads
 * the answer the workflow left (in its output, or as the `answer` intermediate), answers it, or
 * stores it and answers 303 See Other to a signed link when it is larger than a synchronous answer
 * may be; and deletes the submission's intermediates when it is done, whatever happened.
 */

/** What the front step needs. */
export interface ReconFrontDependencies {
  readonly bodies: ReconBodyStore;
  readonly answers: OversizedAnswerStore;
  /** Runs one execution to its end (StartSyncExecution in AWS; aws-local-stepfunctions locally). */
  readonly runWorkflow: (input: ReconWorkflowInput) => Promise<WorkflowResponse>;
  /** The largest answer sent as the HTTP body; a larger one is stored and linked (303). */
  readonly maxAnswerBytes: number;
}

/**
 * The largest synchronous Recon answer: Lambda returns at most 6 MB (6,291,456 bytes) from a
 * synchronous invocation, counting the proxy result around the body, whose JSON escaping adds a
 * tenth or so; 5,000,000 leaves room for it. The local route uses the same, so that a bill answered
 * with 303 locally is answered with 303 in AWS.
 */
export const MAX_SYNC_RECON_ANSWER_BYTES = 5_000_000;

/**
 * Whether a Recon answer is sent as the HTTP body: its body at most `maxAnswerBytes` (as locally),
 * and its proxy result within `maxInlineBytes` as Lambda serialises it (the size policy's exact
 * count, app/answers/size-policy.ts), which guards an answer whose escaping would pass Lambda's
 * 6 MB with a body under the limit. Shared by the front step and `GET
 * /v1/recons/{controlNumber}/sequences/{n}`, so both answer the same bodies the same way.
 *
 * @param answer - the proxy result that would be sent
 * @param maxAnswerBytes - the largest body ({@link MAX_SYNC_RECON_ANSWER_BYTES} outside tests)
 * @param maxInlineBytes - the largest proxy result (default {@link MAX_INLINE_RESPONSE_BYTES})
 * @returns true when it fits
 */
export function reconAnswerFits(
  answer: APIGatewayProxyResult,
  maxAnswerBytes: number,
  maxInlineBytes: number = MAX_INLINE_RESPONSE_BYTES,
): boolean {
  return Buffer.byteLength(answer.body, 'utf8') <= maxAnswerBytes && proxyResultFits(answer, maxInlineBytes);
}

/**
 * A Recon answer too large to send: stored whole for the tenant (the Recon bodies bucket's
 * `answers/` prefix, under the Recon bodies key) and answered 303 See Other, `Location` the signed
 * link, with the small body `ReconAnswerLink` of the OpenAPI document.
 *
 * @param answers - the oversized-answer store on the Recon bodies bucket
 * @param input - the caller's tenant, the request id and the answer that would have been sent
 * @returns the 303
 */
export async function answerByLink(
  answers: OversizedAnswerStore,
  input: { readonly tenant: string; readonly requestId: string; readonly answer: APIGatewayProxyResult },
): Promise<APIGatewayProxyResult> {
  const { tenant, requestId, answer } = input;
  const link = await answers.store({
    tenantId: tenant,
    requestId,
    body: answer.body,
    contentType: 'application/json',
  });
  const seeOther = jsonResponse(
    303,
    {
      requestId,
      answerStatus: answer.statusCode,
      location: link.url,
      expiresAt: link.expiresAt,
      bytes: link.bytes,
    },
    requestId,
  );
  return { ...seeOther, headers: { ...seeOther.headers, location: link.url } };
}

/** A failed execution (after its retries): answered as the generic 500 with the request id. */
export class ReconExecutionError extends Error {
  override readonly name = 'ReconExecutionError';
}

/**
 * One submission, front to back.
 *
 * @param deps - body store, answer store, the workflow, the size limit
 * @param request - the request id, the verified claims and the body as sent
 * @returns the HTTP answer (status, headers, body)
 */
export async function submitRecon(
  deps: ReconFrontDependencies,
  request: { readonly requestId: string; readonly claims: TokenClaims; readonly body: Uint8Array },
): Promise<APIGatewayProxyResult> {
  const { requestId, claims } = request;
  const tenant = tenantOf(claims);
  if (tenant === null) {
    // Nothing is stored for a caller without a tenant: the key of the body would name none.
    return errorResult(
      new ForbiddenError(
        'The token names no tenant: a person needs exactly one tenant-<id> group, a machine client is its own tenant.',
      ),
      requestId,
    );
  }
  try {
    // The price route's 413 for a bill one request cannot price (more than 999 lines), before
    // anything is stored or priced. The Recon body is the bill itself with the Recon fields beside
    // its `lines` (or `claimInformation.serviceLines`). A body that is not JSON goes on: the
    // workflow's first task answers it 400 as before.
    refuseUnanswerableBill(parsedOrNull(request.body));
  } catch (error) {
    return errorResult(error, requestId);
  }
  try {
    await deps.bodies.put(reconBodyKeys.work(tenant, requestId, 'request'), request.body);
    let output: WorkflowResponse;
    try {
      output = await deps.runWorkflow({ requestId, claims });
    } catch (error) {
      // The workflow could not run for now (throttled, timed out, unreachable): 503 with Retry-After
      // below, like the other dependencies; a failed execution is ours: the generic 500.
      if (error instanceof DependencyUnavailableError) throw error;
      return errorResult(new ReconExecutionError((error as Error).name, { cause: error }), requestId);
    }
    let body = output.body;
    if (output.bodyKey !== undefined) {
      const stored = await deps.bodies.get(output.bodyKey);
      if (stored === null) throw new Error(`the answer of request ${requestId} is missing`);
      body = Buffer.from(stored).toString('utf8');
    }
    const inline = jsonResponse(output.statusCode, null, requestId);
    const answer: APIGatewayProxyResult = {
      ...inline,
      headers: {
        ...inline.headers,
        ...(output.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(output.retryAfterSeconds) }),
      },
      body,
    };
    if (!reconAnswerFits(answer, deps.maxAnswerBytes)) {
      return await answerByLink(deps.answers, { tenant, requestId, answer });
    }
    return answer;
  } catch (error) {
    // The body store unavailable (503 with Retry-After), or a bug (500): never the bill.
    return errorResult(error, requestId);
  } finally {
    // The intermediates hold the bill: gone as soon as the answer is out (the lifecycle is the net).
    await deps.bodies.delete(reconBodyKeys.allWork(tenant, requestId)).catch(() => undefined);
  }
}

/** The body as JSON, or null when it is none (the workflow says why). */
function parsedOrNull(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return null;
  }
}
