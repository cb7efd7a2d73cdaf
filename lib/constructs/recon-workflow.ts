import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RECON_ENV } from '../../lambdas/handlers/shared/recon-deps.js';
import {
  FEE_INDEX_PATH_ENV,
  LAMBDA_FEE_INDEX_PATH,
  type RouteDefinition,
} from '../../lambdas/handlers/shared/routes.js';
import { REPO_ROOT } from '../repo-root.js';
import type { ReconDataStore } from './data-store.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { NodeFunction } from './node-function.js';
import type { SmartBillRenderer } from './smartbill-renderer.js';

/** Properties of {@link ReconWorkflow}. */
export interface ReconWorkflowProps {
  /** The workflow route of the route table (its ASL file and tasks). */
  readonly route: RouteDefinition;
  /** The Recon table and keys (stateful stack). */
  readonly dataStore: ReconDataStore;
  /** Key of the function and state machine log groups. */
  readonly logEncryptionKey: IKey;
  /** The fee index layer (the price task reads it). */
  readonly feeIndexLayer: ILayerVersion;
  /** Links SmartBill pages for the tasks that answer a priced sequence (their `smartBill`). */
  readonly smartBillRenderer?: SmartBillRenderer;
  /** Environment every Recon function gets (retention settings). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Memory of the task functions, in MB.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency of each task function.
   *
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * Log retention.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * `POST /v1/recons`: an Express state machine whose definition is the ASL file of the route table
 * (the same file the local stack runs), one function per task with exactly the Recon access its task
 * needs, and the front function API Gateway invokes (Lambda proxy): it stores the body, starts the
 * execution synchronously (StartSyncExecution) with keys and claims only, maps its output to the
 * HTTP answer and deletes the intermediates (issue 17, § 2). Execution logs carry no execution
 * data: the state holds PHI.
 */
export class ReconWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: StateMachine;
  /** Task functions by state name. */
  public readonly functions: ReadonlyMap<string, NodeFunction>;
  /** The route id it serves. */
  public readonly route: string;
  /** The front function: what API Gateway invokes for the route (Lambda proxy). */
  public readonly front: NodeFunction;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - route, data store, sizing
   */
  public constructor(scope: Construct, id: string, props: ReconWorkflowProps) {
    super(scope, id);
    const workflow = props.route.workflow;
    if (!workflow) throw new Error(`${this.node.path}: route ${props.route.id} has no workflow`);

    this.route = props.route.id;
    const functions = new Map<string, NodeFunction>();
    const substitutions: Record<string, string> = {};
    for (const task of workflow.tasks) {
      const fn = new NodeFunction(this, task.state, {
        entry: task.entry,
        description: `${props.route.method} ${props.route.path}, task ${task.state}`,
        logEncryptionKey: props.logEncryptionKey,
        ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
        ...(props.reservedConcurrency === undefined
          ? {}
          : { reservedConcurrency: props.reservedConcurrency }),
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
        ...(task.usesFeeIndex ? { layers: [props.feeIndexLayer] } : {}),
        environment: {
          ...props.environment,
          ...(task.usesFeeIndex ? { [FEE_INDEX_PATH_ENV]: LAMBDA_FEE_INDEX_PATH } : {}),
        },
      });
      if (task.recon) {
        for (const [name, value] of Object.entries(props.dataStore.grantRecon(fn.function, task.recon))) {
          fn.function.addEnvironment(name, value);
        }
      }
      if (task.smartBill) props.smartBillRenderer?.linkFrom(fn.function);
      if (task.reconBodies) {
        const environment = props.dataStore.grantReconBodies(fn.function, task.reconBodies);
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      }
      functions.set(task.state, fn);
      substitutions[task.substitution] = fn.function.functionArn;
    }
    this.functions = functions;

    const logs = new LogGroup(this, 'Logs', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machineRole = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: 'Runs the Recon workflow: invokes its task functions, writes its logs and traces',
    });
    this.stateMachine = new StateMachine(this, 'Resource', {
      role: machineRole,
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromString(readFileSync(join(REPO_ROOT, workflow.definition), 'utf8')),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      // ALL events, but never the execution data: inputs and outputs hold the bill as sent.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'Recon: price, load latest, delta, transactional write, respond',
    });
    // The ASL names the unqualified functions: invoking them is all the machine may do with them.
    machineRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...functions.values()].map((fn) => fn.function.functionArn),
      }),
    );
    Validations.of(machineRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments and related) and the CloudWatch Logs delivery actions Step Functions logging needs (logs:CreateLogDelivery and related) have no resource-level permissions; invocation is limited to the four task functions.',
    });

    // API Gateway's integration gives up after 29 s; the execution's own timeout (25 s) is inside it.
    this.front = new NodeFunction(this, 'Front', {
      entry: workflow.front.entry,
      description: `${props.route.method} ${props.route.path}: stores the body, runs the workflow, answers`,
      logEncryptionKey: props.logEncryptionKey,
      timeout: Duration.seconds(29),
      ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment: {
        ...props.environment,
        [RECON_ENV.stateMachineArn]: this.stateMachine.stateMachineArn,
      },
    });
    for (const [name, value] of Object.entries(
      props.dataStore.grantReconBodies(this.front.function, workflow.front.reconBodies),
    )) {
      this.front.function.addEnvironment(name, value);
    }
    // Starting this state machine synchronously is all the front function may do with Step Functions.
    this.front.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartSyncExecution'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
  }
}
