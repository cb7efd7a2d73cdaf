/**
 * The Recon workflow run locally: the same ASL file CDK deploys, executed by aws-local-stepfunctions,
 * each Task state calling the same task module its Lambda function runs. The local handler of a
 * `lambda:invoke` Task gets `{FunctionName, Payload}` and answers `{Payload}`, as Lambda does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import type { WorkflowRoute } from '../handlers/shared/routes.js';
import { REPO_ROOT } from './paths.js';

// aws-local-stepfunctions uses Promise.withResolvers, which Node 20 lacks (Node 22 has it).
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  promiseStatics.withResolvers = <T>() => {
    let resolveFn!: (value: T | PromiseLike<T>) => void;
    let rejectFn!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolveFn = res;
      rejectFn = rej;
    });
    return { promise, resolve: resolveFn, reject: rejectFn };
  };
}

/** A task function: the state in, the state out (what the Lambda handler does). */
export type TaskFunction = (input: unknown) => Promise<unknown>;

/** Options of {@link createLocalWorkflow}. */
export interface LocalWorkflowOptions {
  /**
   * Task functions by state name; default: the `handler` export of each task's module. Tests wrap
   * them to inject failures.
   */
  readonly tasks?: Readonly<Record<string, TaskFunction>>;
  /** Milliseconds between retries (the ASL says seconds; tests and the local stack need not wait). */
  readonly retryIntervalMs?: number;
}

/** Runs one execution and resolves with its output, or rejects when the execution fails. */
export type LocalWorkflow = (input: unknown) => Promise<unknown>;

/**
 * Loads every task module of a workflow route (their module-scope set-up runs now, as a Lambda
 * init would).
 *
 * @param workflow - the route's workflow
 * @returns the task functions by state name
 */
export async function loadWorkflowTasks(workflow: WorkflowRoute): Promise<Record<string, TaskFunction>> {
  const tasks: Record<string, TaskFunction> = {};
  for (const task of workflow.tasks) {
    const module = (await import(pathToFileURL(resolve(REPO_ROOT, task.entry)).href)) as {
      handler?: unknown;
    };
    if (typeof module.handler !== 'function')
      throw new Error(`${task.entry} does not export a function named handler`);
    tasks[task.state] = module.handler as TaskFunction;
  }
  return tasks;
}

/**
 * The workflow of a route, ready to run.
 *
 * @param workflow - the route's workflow (its ASL file and tasks)
 * @param options - task functions and retry interval
 * @returns a function that runs one execution
 */
export async function createLocalWorkflow(
  workflow: WorkflowRoute,
  options: LocalWorkflowOptions = {},
): Promise<LocalWorkflow> {
  const definition = JSON.parse(readFileSync(resolve(REPO_ROOT, workflow.definition), 'utf8'));
  const tasks = options.tasks ?? (await loadWorkflowTasks(workflow));
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const task of workflow.tasks) {
    const run = tasks[task.state];
    if (!run) throw new Error(`no local function for the ${task.state} task`);
    handlers[task.state] = async (input) => ({ Payload: await run((input as { Payload: unknown }).Payload) });
    retryIntervalOverrides[task.state] = options.retryIntervalMs ?? 0;
  }
  return async (input) => {
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
    });
    return execution.result;
  };
}
