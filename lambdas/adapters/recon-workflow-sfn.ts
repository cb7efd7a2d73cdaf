/**
 * The Recon workflow in AWS: one synchronous execution of the Express state machine
 * (StartSyncExecution), whose input holds the request id and the claims only (the body is in the
 * Recon body store), mapped to the workflow's answer or to an error the front step answers
 * (app/recon/submit.ts): "not now" (throttled, timed out, unreachable) is a
 * {@link DependencyUnavailableError} (503 with Retry-After), anything else is the generic 500.
 */
import type { SFNClient, StartSyncExecutionCommandOutput } from '@aws-sdk/client-sfn';
import {
  DependencyUnavailableError,
  dependencyError,
  UNREACHABLE_RETRY_AFTER_SECONDS,
} from '../app/dependency-errors.js';
import type { ReconWorkflowInput, WorkflowResponse } from '../app/recon/service.js';
import { awsSdk } from './aws-sdk.js';

/** An execution that ended otherwise than with the workflow's answer (after its own retries). */
export class ReconWorkflowFailedError extends Error {
  override readonly name = 'ReconWorkflowFailedError';
}

/**
 * What an execution's name may be (Step Functions: 1 to 80 of these). API Gateway's request ids
 * are UUIDs, which fit; naming the execution after the request ties its history to the access log.
 */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Options of {@link sfnReconWorkflow}. */
export interface SfnReconWorkflowOptions {
  /** Built once at module scope by the handler, with a request timeout above the workflow's. */
  readonly client: SFNClient;
  /** The Express state machine. */
  readonly stateMachineArn: string;
}

function workflowResponse(output: string | undefined): WorkflowResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output ?? '');
  } catch {
    throw new ReconWorkflowFailedError('the execution output is not JSON');
  }
  const answer = parsed as Partial<WorkflowResponse> | null;
  if (
    answer === null ||
    typeof answer !== 'object' ||
    typeof answer.statusCode !== 'number' ||
    typeof answer.body !== 'string' ||
    (answer.bodyKey !== undefined && typeof answer.bodyKey !== 'string') ||
    (answer.retryAfterSeconds !== undefined && typeof answer.retryAfterSeconds !== 'number')
  ) {
    throw new ReconWorkflowFailedError('the execution output is not a workflow answer');
  }
  return answer as WorkflowResponse;
}

/**
 * Runs the Recon workflow in AWS, one synchronous execution a call.
 *
 * @param options - client and state machine
 * @returns the front step's `runWorkflow`
 */
export function sfnReconWorkflow(
  options: SfnReconWorkflowOptions,
): (input: ReconWorkflowInput) => Promise<WorkflowResponse> {
  return async (input) => {
    const { StartSyncExecutionCommand } = awsSdk.sfn();
    let result: StartSyncExecutionCommandOutput;
    try {
      result = await options.client.send(
        new StartSyncExecutionCommand({
          stateMachineArn: options.stateMachineArn,
          ...(EXECUTION_NAME.test(input.requestId) ? { name: input.requestId } : {}),
          // Keys and claims only: never the body (it may be any size and holds PHI).
          input: JSON.stringify({ requestId: input.requestId, claims: input.claims }),
        }),
      );
    } catch (error) {
      // Throttled or unreachable: a DependencyUnavailableError; refused (access, a wrong ARN): as is.
      throw dependencyError('Recon workflow', error);
    }
    switch (result.status) {
      case 'SUCCEEDED':
        return workflowResponse(result.output);
      case 'TIMED_OUT':
        // The execution's own timeout (TimeoutSeconds in the ASL): the tasks did not answer in time.
        throw new DependencyUnavailableError('Recon workflow', UNREACHABLE_RETRY_AFTER_SECONDS, {
          cause: new ReconWorkflowFailedError('the execution timed out'),
        });
      default:
        // FAILED (a task failed after its retries; its error names it, never the cause's data).
        throw new ReconWorkflowFailedError(`the execution ended ${result.status ?? 'without a status'}`, {
          cause: result.error,
        });
    }
  };
}
