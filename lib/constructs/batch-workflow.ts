import { Aws, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  JsonPath,
  LogLevel,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FEE_INDEX_PATH_ENV, LAMBDA_FEE_INDEX_PATH } from '../../lambdas/handlers/shared/routes.js';
import { acknowledgeBatchObjects, type BatchDataStore, batchBucketName } from './batch-store.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { NodeFunction } from './node-function.js';

/**
 * Chunk functions running at once: the Distributed Map's MaxConcurrency and the chunk function's
 * reserved concurrency. 100 prices ~100 × 1,000 bills in the time one chunk takes (about a second),
 * so two million bills in well under ten minutes, while leaving the account's default 1,000
 * concurrent executions to the API (whose functions reserve their own).
 */
export const DEFAULT_BATCH_CONCURRENCY = 100;

/**
 * Share of chunks that may fail past their retries before the whole batch fails. A failed chunk's
 * lines become error rows (lambdas/app/batch/service.ts, lostChunk), so a batch is never cut short
 * by one bad part; past 5% something is wrong with the batch or the service, and the run stops.
 */
export const BATCH_TOLERATED_FAILURE_PERCENTAGE = 5;

/**
 * Memory of the chunk function: 1,769 MB is one full vCPU, and pricing is single-threaded CPU work,
 * so a bill costs the same GB-seconds at any size up to it and takes longest below it.
 */
export const CHUNK_MEMORY_MB = 1769;

/** Properties of {@link BatchWorkflow}. */
export interface BatchWorkflowProps {
  /** The stage name (the state machine's and the bucket's names). */
  readonly stage: string;
  /** The batch bucket, table and key (stateful stack). */
  readonly store: BatchDataStore;
  /** Key of the function and state machine log groups. */
  readonly logEncryptionKey: IKey;
  /** The fee index layer (the chunk function reads it). */
  readonly feeIndexLayer: ILayerVersion;
  /** Environment every batch function gets (retention). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Chunk functions at once.
   *
   * @default DEFAULT_BATCH_CONCURRENCY
   */
  readonly maxConcurrency?: number;
  /**
   * Log retention.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * Bulk repricing (docs/decisions/016-bulk-repricing.md): S3's "Object Created" event for a batch's
 * input (EventBridge) starts a STANDARD state machine: Split reads the input once and writes the
 * manifest of chunks; a Distributed Map reads the manifest (ItemReader) and prices each chunk in
 * an Express child workflow's Lambda (MaxConcurrency, ToleratedFailurePercentage, retries);
 * Assemble writes results.jsonl and summary.json and marks the batch done; any failure of the
 * batch as a whole marks it failed. No step's input or output holds a bill (only keys and counts),
 * and the state machine's logs never hold execution data.
 */
export class BatchWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: StateMachine;
  /** The step functions by name. */
  public readonly functions: ReadonlyMap<string, NodeFunction>;
  /** The Distributed Map state. */
  public readonly map: DistributedMap;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - store, keys, sizing
   */
  public constructor(scope: Construct, id: string, props: BatchWorkflowProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? DEFAULT_BATCH_CONCURRENCY;
    const step = (name: string, entry: string, role: 'split' | 'chunk' | 'assemble', extra: object) => {
      const fn = new NodeFunction(this, name, {
        entry,
        description: `Bulk repricing, step ${name}`,
        logEncryptionKey: props.logEncryptionKey,
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
        environment: { ...props.environment },
        ...extra,
      });
      for (const [key, value] of Object.entries(props.store.grantBatch(fn.function, role))) {
        fn.function.addEnvironment(key, value);
      }
      return fn;
    };
    const split = step('Split', 'lambdas/handlers/batch-steps/split.ts', 'split', {
      memorySize: 1024,
      timeout: Duration.minutes(15),
      reservedConcurrency: 10,
    });
    const chunk = step('Chunk', 'lambdas/handlers/batch-steps/chunk.ts', 'chunk', {
      memorySize: CHUNK_MEMORY_MB,
      timeout: Duration.minutes(5),
      reservedConcurrency: maxConcurrency,
      layers: [props.feeIndexLayer],
    });
    chunk.function.addEnvironment(FEE_INDEX_PATH_ENV, LAMBDA_FEE_INDEX_PATH);
    const assemble = step('Assemble', 'lambdas/handlers/batch-steps/assemble.ts', 'assemble', {
      memorySize: 1024,
      timeout: Duration.minutes(15),
      reservedConcurrency: 10,
    });
    this.functions = new Map([
      ['Split', split],
      ['Chunk', chunk],
      ['Assemble', assemble],
    ]);

    const retry = {
      errors: ['States.TaskFailed', 'Lambda.TooManyRequestsException'],
      maxAttempts: 3,
      interval: Duration.seconds(2),
      backoffRate: 2,
    };
    const splitState = new LambdaInvoke(this, 'SplitInput', {
      lambdaFunction: split.function,
      payloadResponseOnly: true,
      resultPath: '$.split',
      comment: 'Reads the input once, writes the manifest of chunks, marks the batch running',
    }).addRetry(retry);
    this.map = new DistributedMap(this, 'PriceChunks', {
      comment: 'Prices each chunk of the manifest in parallel; a bill that cannot be priced is a row',
      itemReader: new S3JsonItemReader({
        bucketNamePath: batchBucketName(props.stage),
        key: JsonPath.stringAt('$.split.manifestKey'),
      }),
      maxConcurrency,
      toleratedFailurePercentage: BATCH_TOLERATED_FAILURE_PERCENTAGE,
      mapExecutionType: StateMachineType.EXPRESS,
      label: 'PriceChunks',
      resultPath: JsonPath.DISCARD,
    });
    this.map.itemProcessor(
      new LambdaInvoke(this, 'PriceChunk', {
        lambdaFunction: chunk.function,
        payloadResponseOnly: true,
        comment: 'One chunk: reads its byte range, prices its lines, writes its part and tally',
      }).addRetry(retry),
    );
    const target = {
      tenantId: JsonPath.stringAt('$.split.tenantId'),
      batchId: JsonPath.stringAt('$.split.batchId'),
    };
    const assembleState = new LambdaInvoke(this, 'AssembleOutputs', {
      lambdaFunction: assemble.function,
      payload: TaskInput.fromObject(target),
      payloadResponseOnly: true,
      resultPath: JsonPath.DISCARD,
      comment: 'Writes results.jsonl and summary.json, marks the batch succeeded',
    }).addRetry(retry);
    const markFailed = new LambdaInvoke(this, 'MarkFailed', {
      lambdaFunction: assemble.function,
      payload: TaskInput.fromObject({ ...target, failure: JsonPath.objectAt('$.failure') }),
      payloadResponseOnly: true,
      resultPath: JsonPath.DISCARD,
    })
      .addRetry(retry)
      .next(
        new Fail(this, 'BatchFailed', {
          error: 'BatchFailed',
          cause: 'The batch could not be run as a whole',
        }),
      );
    this.map.addCatch(markFailed, { resultPath: '$.failure' });
    assembleState.addCatch(markFailed, { resultPath: '$.failure' });

    const definition = splitState.next(
      new Choice(this, 'IsBatchInput')
        .when(Condition.booleanEquals('$.split.skipped', true), new Succeed(this, 'NotABatchUpload'))
        .otherwise(this.map.next(assembleState).next(new Succeed(this, 'Done'))),
    );

    const logs = new LogGroup(this, 'Logs', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: 'Runs the bulk repricing workflow: its steps, its Distributed Map, its logs and traces',
    });
    const stateMachineName = `wcbr-${props.stage}-batches`;
    this.stateMachine = new StateMachine(this, 'Resource', {
      role,
      // Computed, as the bucket's: the role's grants on its own executions name it (below).
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      // Keys and counts only pass between states, but the input event names the object: no data.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'Bulk repricing: split, price chunks in a Distributed Map, assemble',
    });
    // The ItemReader reads the manifest only.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::${batchBucketName(props.stage)}/batches/*/work/manifest.json`],
      }),
    );
    acknowledgeBatchObjects(role, props.stage, ['work/manifest.json']);
    const stack = Stack.of(this);
    // CDK grants the Distributed Map's rights (start, describe, stop and redrive its own executions)
    // in an inline policy that names the machine by Ref; the machine has a computed name instead, so
    // the same statements go into the role's customer-managed policy without a dependency cycle
    // (the house keeps no inline policies: test/infra/api-stack.test.ts).
    this.stateMachine.node.tryRemoveChild('DistributedMapPolicy');
    const machineArn = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:${stateMachineName}`;
    const executionArn = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${stateMachineName}`;
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [machineArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [`${executionArn}:*`],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:RedriveExecution'],
        resources: [`${executionArn}/PriceChunks:*`],
      }),
    );
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}`;
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${executions}:*]`,
        reason:
          'The Distributed Map describes and stops executions of its own state machine, whose names are generated per upload; the wildcard is limited to executions of this state machine.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${executions}/PriceChunks:*]`,
        reason:
          "The Distributed Map redrives its child executions (one per chunk), whose names are generated; the wildcard is limited to the children of this state machine's PriceChunks map.",
      },
    );
    // LambdaInvoke grants each step function and its versions (`<arn>:*`); the ASL names the
    // unqualified functions.
    for (const fn of this.functions.values()) {
      const fnId = stack.getLogicalId(fn.function.node.defaultChild as CfnElement);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
        reason:
          "CDK's LambdaInvoke grant covers the step function's versions and aliases (`:*`) beside the function itself; the state machine invokes the unqualified function only, and no other function.",
      });
    }
    props.store.key.grantDecrypt(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing and the CloudWatch Logs delivery actions Step Functions logging needs have no resource-level permissions; invocation is limited to the three step functions.',
    });

    // The upload starts the run: S3 sends "Object Created" to EventBridge once the object is whole.
    const start = new ManagedPolicyRole(this, 'StartRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: 'Lets EventBridge start the bulk repricing workflow when a batch input is uploaded',
    });
    new Rule(this, 'InputUploaded', {
      description: 'A batch input was uploaded: start its run',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [batchBucketName(props.stage)] },
          object: { key: [{ wildcard: 'batches/*/input.jsonl' }] },
        },
      },
      targets: [new SfnStateMachine(this.stateMachine, { role: start })],
    });
  }
}
