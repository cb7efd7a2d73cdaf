import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  Duration,
  Fn,
  RemovalPolicy,
  type RemovalPolicy as RemovalPolicyType,
  Size,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { DATA_PREFIX } from '../../lambdas/app/release/ports.js';
import { RELEASE_ENV } from '../../lambdas/handlers/shared/release-deps.js';
import { REPO_ROOT } from '../repo-root.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { LAMBDA_RUNTIME, NodeFunction } from './node-function.js';
import { LIVE_ALIAS, type PricingFunction } from './pricing-function.js';
import { privateBucket } from './private-bucket.js';

/**
 * Data releases in AWS (issue 20, docs/decisions/020-data-releases.md): the stage's data bucket
 * (stateful stack) and the release workflow with its canary deployment groups (API stack).
 */

/** The release workflow's definition (substitutions below), also run by the tests. */
export const RELEASE_DEFINITION = 'lambdas/workflows/release.asl.json';

/**
 * The data bucket's name, computed (as the batch and SmartBill buckets') so that the API stack's
 * grants and the command line name it without a cross-stack export.
 *
 * @param stage - the stage name
 * @param account - the account (default: the stack's)
 * @param region - the region (default: the stack's)
 * @returns the bucket name
 */
export function dataBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `wcbr-${stage}-data-${account}-${region}`;
}

/** The release workflow's state machine name: `wcbr release` finds it by this name. */
export const releaseStateMachineName = (stage: string): string => `wcbr-${stage}-data-release`;

/** The name of the released layer (every release is a version of it). */
export const releaseLayerName = (stage: string): string => `wcbr-${stage}-fee-index`;

/**
 * The SSM parameter that holds the layer version ARN of the release in production, or
 * {@link NO_DATA_RELEASE} before the first one: the API stack reads it at every deployment, so a
 * later `cdk deploy` keeps the released data instead of rolling it back to the synthesized layer.
 */
export const releaseLayerParameterName = (stage: string): string => `/wcbr/${stage}/data-release/layer`;

/** The parameter's value while no release was recorded: the functions use the layer CDK built. */
export const NO_DATA_RELEASE = 'none';

/** Properties of {@link DataReleaseStore}. */
export interface DataReleaseStoreProps {
  /** The stage name (part of the bucket's and the parameter's names). */
  readonly stage: string;
  /** Where S3 server access logs go. */
  readonly accessLogsBucket: IBucket;
  /**
   * What happens to the bucket, key and parameter when they leave the stack: supplied files are
   * the customer's licensed schedules and contracts, kept whatever the stack does.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicyType;
}

/**
 * The stage's data bucket (stateful stack): `official/` (the CMS and state files the index is built
 * from), `supplied/` (the customer's store, as `wcbr data add` writes it: their schedules and
 * contracts, NPIs and TINs of providers but no patient data) and `releases/` (each release's index,
 * layer archive, summary and record, and `current.json`). Versioned, SSE-KMS under its own key,
 * TLS only, public access blocked, access-logged; old versions are kept a year (a supplied file
 * replaced by mistake can be recovered). The parameter naming the release in production lives
 * here too, so the API stack can read it at deploy time.
 */
export class DataReleaseStore extends Construct {
  /** The data bucket. */
  public readonly bucket: Bucket;
  /** Encrypts its objects. */
  public readonly key: Key;
  /** The parameter naming the layer version of the release in production. */
  public readonly layerParameter: StringParameter;
  /** The stage name. */
  public readonly stage: string;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - stage, access logs, removal policy
   */
  public constructor(scope: Construct, id: string, props: DataReleaseStoreProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.stage = props.stage;
    this.key = new Key(this, 'Key', {
      description:
        'Encrypts the official and supplied fee schedule files and the data releases built from them',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    this.bucket = privateBucket(this, 'Resource', {
      bucketName: dataBucketName(props.stage),
      key: this.key,
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'data-bucket/' },
      lifecycleRules: [
        { id: 'ExpireOldVersions', noncurrentVersionExpiration: Duration.days(365) },
        { id: 'AbortUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      noReplicationReason:
        'The official files are public CMS and state files held again at will, the supplied files are copies the customer holds and uploads again, and every release is rebuilt from them by the workflow; versioning keeps replaced files for a year. Retained on stack deletion.',
    });
    this.layerParameter = new StringParameter(this, 'LayerParameter', {
      parameterName: releaseLayerParameterName(props.stage),
      stringValue: NO_DATA_RELEASE,
      description:
        'Layer version ARN of the data release in production (written by the release workflow), or "none": the API stack reads it at deploy time',
    });
    this.layerParameter.applyRemovalPolicy(removalPolicy);
  }

  /**
   * Grants a release step its part of the bucket, by the bucket's computed name (the step lives in
   * the API stack): `build` reads `official/` and `supplied/` (and lists them) and writes
   * `releases/`; `check` and `record` read and write `releases/`. The key is granted as SSE-KMS
   * needs it for those objects.
   *
   * @param grantee - the step's role
   * @param role - which step
   */
  public grantRelease(grantee: IGrantable & IConstruct, role: 'build' | 'check' | 'record'): void {
    const name = dataBucketName(this.stage);
    const objects = (prefix: string) => `arn:${Aws.PARTITION}:s3:::${name}/${prefix}*`;
    const reads = role === 'build' ? [DATA_PREFIX.official, DATA_PREFIX.supplied] : [DATA_PREFIX.releases];
    const statements = [
      new PolicyStatement({ actions: ['s3:GetObject'], resources: reads.map(objects) }),
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects(DATA_PREFIX.releases)] }),
    ];
    if (role === 'build') {
      statements.push(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [`arn:${Aws.PARTITION}:s3:::${name}`],
          conditions: { StringLike: { 's3:prefix': reads.map((prefix) => `${prefix}*`) } },
        }),
      );
    }
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
    // SSE-KMS: reading decrypts, writing asks for a data key (no re-encryption, no key admin).
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
    );
    Validations.of(grantee).acknowledge(
      ...[...new Set([...reads, DATA_PREFIX.releases])].map((prefix) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wcbr-${this.stage}-data-<AWS::AccountId>-<AWS::Region>/${prefix}*]`,
        reason:
          'A release step reads or writes the objects of its own prefixes of the data bucket: the official and supplied files by their file names, the releases by their generated release ids.',
      })),
    );
  }
}

/** Properties of {@link DataReleases}. */
export interface DataReleasesProps {
  /** The stage's data bucket and parameter (stateful stack). */
  readonly store: DataReleaseStore;
  /** The route functions that read the index: each moves through a canary of its `live` alias. */
  readonly canaryFunctions: ReadonlyMap<string, PricingFunction>;
  /** Functions that read the index and are invoked unqualified (workflow steps): moved directly. */
  readonly directFunctions: ReadonlyMap<string, IFunction>;
  /** p99 duration of one function, in ms, over which its canary rolls back. */
  readonly latencyP99Ms: number;
  /** Key of the step functions' and the state machine's log groups. */
  readonly logEncryptionKey: IKey;
  /**
   * Log retention.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** A function the workflow moves, as its Map state reads it. */
interface MoveTarget {
  readonly functionName: string;
  readonly application: string;
  readonly deploymentGroup: string;
}

/**
 * The release workflow (lambdas/workflows/release.asl.json): Build, Check, PublishLayerVersion, then
 * for each fee-index function its layer, a version and a CodeDeploy canary of its `live` alias
 * (LambdaCanary10Percent5Minutes, its own error and p99 alarms plus the API's, automatic rollback),
 * then Record. The deployment groups also make code deploys of those functions canaries.
 */
export class DataReleases extends Construct {
  /** The state machine. */
  public readonly stateMachine: StateMachine;
  /** The Build, Check and Record functions. */
  public readonly functions: ReadonlyMap<string, NodeFunction>;
  /** The CodeDeploy application of the canaries. */
  public readonly application: LambdaApplication;
  /** The deployment group of each canary function, by route id. */
  public readonly deploymentGroups: ReadonlyMap<string, LambdaDeploymentGroup>;
  /** The canary alarms of each function, by route id. */
  public readonly canaryAlarms: ReadonlyMap<string, readonly Alarm[]>;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - the store, the functions, the alarms, the logs' key
   */
  public constructor(scope: Construct, id: string, props: DataReleasesProps) {
    super(scope, id);
    const stage = props.store.stage;
    const stack = Stack.of(this);
    const bucketName = dataBucketName(stage);
    const environment = { [RELEASE_ENV.bucketName]: bucketName };
    const common = {
      logEncryptionKey: props.logEncryptionKey,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment,
      reservedConcurrency: 1,
    };
    // Sized for the national index: ~35 MB of official files in, the 2.1 million NCCI pairs held in
    // memory while the ~33 MB index is written, its archive beside it in /tmp.
    const build = new NodeFunction(this, 'Build', {
      ...common,
      entry: 'lambdas/handlers/release-steps/build-index.ts',
      description: 'Data release: builds the fee index from the official and supplied files',
      memorySize: 4096,
      timeout: Duration.minutes(15),
      ephemeralStorageSize: Size.gibibytes(2),
      bundleFiles: { dir: 'fee-data/jurisdictions', extension: '.json' },
    });
    const check = new NodeFunction(this, 'Check', {
      ...common,
      entry: 'lambdas/handlers/release-steps/check.ts',
      description: 'Data release: the full-size checks of the built index',
      memorySize: 3008,
      timeout: Duration.minutes(10),
      ephemeralStorageSize: Size.gibibytes(1),
    });
    const record = new NodeFunction(this, 'Record', {
      ...common,
      entry: 'lambdas/handlers/release-steps/record.ts',
      description: 'Data release: records the release in production and the one before it',
      memorySize: 256,
      timeout: Duration.minutes(1),
    });
    props.store.grantRelease(build.role, 'build');
    props.store.grantRelease(check.role, 'check');
    props.store.grantRelease(record.role, 'record');
    this.functions = new Map([
      ['Build', build],
      ['Check', check],
      ['Record', record],
    ]);

    this.application = new LambdaApplication(this, 'Application');
    // A plain role: CodeDeploy's own policy (below) is all it holds, so it has no policy of ours.
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'Lets CodeDeploy shift the live aliases of the fee-index functions and read their alarms',
    });
    Validations.of(deployRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CDK's LambdaDeploymentGroup always attaches CodeDeploy's own service-role policy for Lambda; the Limited variant only updates aliases, reads alarms and invokes hooks named CodeDeployHook_*.",
    });
    const groups = new Map<string, LambdaDeploymentGroup>();
    const canaryAlarms = new Map<string, Alarm[]>();
    const targets: MoveTarget[] = [];
    // The hot pricing route first: a release that breaks it stops before anything else moves.
    const canaries = [...props.canaryFunctions].sort(([a], [b]) =>
      a === 'PriceBill' ? -1 : b === 'PriceBill' ? 1 : a.localeCompare(b),
    );
    for (const [routeId, fn] of canaries) {
      this.refuseOtherLayers(fn.function);
      const period = Duration.minutes(1);
      const alarms = [
        new Alarm(this, `${routeId}CanaryErrors`, {
          alarmDescription: `${routeId} (live alias) invocations fail: a canary of its data or code rolls back. See README, Operations.`,
          metric: fn.alias.metricErrors({ statistic: 'Sum', period }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        new Alarm(this, `${routeId}CanaryLatencyP99`, {
          alarmDescription: `${routeId} (live alias) p99 duration is over the threshold: a canary of its data or code rolls back. See README, Operations.`,
          metric: fn.alias.metricDuration({ statistic: 'p99', period }),
          threshold: props.latencyP99Ms,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ];
      canaryAlarms.set(routeId, alarms);
      const group = new LambdaDeploymentGroup(this, `${routeId}Canary`, {
        application: this.application,
        alias: fn.alias,
        deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        alarms,
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
        role: deployRole,
      });
      groups.set(routeId, group);
      targets.push({
        functionName: fn.function.functionName,
        application: this.application.applicationName,
        deploymentGroup: group.deploymentGroupName,
      });
    }
    for (const fn of props.directFunctions.values()) {
      this.refuseOtherLayers(fn);
      targets.push({ functionName: fn.functionName, application: '', deploymentGroup: '' });
    }
    this.deploymentGroups = groups;
    this.canaryAlarms = canaryAlarms;

    const logs = new LogGroup(this, 'Logs', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description:
        'Runs the data release workflow: its steps, the layer, the functions, the canaries, the record',
    });
    const layerName = releaseLayerName(stage);
    const stateMachineName = releaseStateMachineName(stage);
    this.stateMachine = new StateMachine(this, 'Resource', {
      role,
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(readFileSync(join(REPO_ROOT, RELEASE_DEFINITION), 'utf8')),
      definitionSubstitutions: {
        BuildFunctionArn: build.function.functionArn,
        CheckFunctionArn: check.function.functionArn,
        RecordFunctionArn: record.function.functionArn,
        LayerName: layerName,
        DataBucketName: bucketName,
        Runtime: LAMBDA_RUNTIME.name,
        LiveAlias: LIVE_ALIAS,
        LayerParameterName: releaseLayerParameterName(stage),
        FunctionsBase64: Fn.base64(stack.toJsonString(targets)),
      },
      tracingEnabled: true,
      // The state holds release ids, ARNs and statuses only (no bill, no supplied figure).
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
      timeout: Duration.hours(6),
      comment: 'Data release: build, check, publish the layer, canary each function, record',
    });

    // Least privilege, by ARN: its three steps; its own layer; the functions it moves; their
    // deployment groups; the one parameter; the layer archives of the data bucket.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...this.functions.values()].map((fn) => fn.function.functionArn),
      }),
    );
    const layerArn = `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:layer:${layerName}`;
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:PublishLayerVersion'], resources: [layerArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:GetLayerVersion'], resources: [`${layerArn}:*`] }),
    );
    const moved = [...props.canaryFunctions.values()].map((fn) => fn.function.functionArn);
    const direct = [...props.directFunctions.values()].map((fn) => fn.functionArn);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:UpdateFunctionConfiguration', 'lambda:GetFunctionConfiguration'],
        resources: [...moved, ...direct],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:PublishVersion', 'lambda:GetAlias'],
        resources: [...moved, ...moved.map((arn) => `${arn}:${LIVE_ALIAS}`)],
      }),
    );
    const app = this.application.applicationName;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment'],
        resources: [...groups.values()].map((g) => g.deploymentGroupArn),
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'],
        resources: [`arn:${Aws.PARTITION}:codedeploy:${Aws.REGION}:${Aws.ACCOUNT_ID}:application:${app}`],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['codedeploy:GetDeploymentConfig'],
        resources: [
          `arn:${Aws.PARTITION}:codedeploy:${Aws.REGION}:${Aws.ACCOUNT_ID}:deploymentconfig:${LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES.deploymentConfigName}`,
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ssm:PutParameter'],
        // By its computed name: the parameter lives in the stateful stack, which exports nothing for it.
        resources: [
          `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${releaseLayerParameterName(stage)}`,
        ],
      }),
    );
    // PublishLayerVersion reads the archive from S3 with the caller's rights.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::${bucketName}/${DATA_PREFIX.releases}*/layer.zip`],
      }),
    );
    props.store.key.grantDecrypt(role);
    const layerRef = `arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:layer:${layerName}`;
    const acknowledgements = [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and the CloudWatch Logs delivery actions Step Functions logging needs have no resource-level permissions; every other action names its resources.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${layerRef}:*]`,
        reason:
          'The workflow reads versions of its own layer only (each release is a new version, numbered by Lambda).',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::wcbr-${stage}-data-<AWS::AccountId>-<AWS::Region>/${DATA_PREFIX.releases}*/layer.zip]`,
        reason:
          'PublishLayerVersion reads the layer archive of a release, named by its generated release id.',
      },
    ];
    Validations.of(role).acknowledge(...acknowledgements);
  }

  /**
   * Makes every canary also watch the API's alarms, and sends the canary alarms to the operational
   * alarms' topic. Called once the stack's operational alarms exist (they watch the release steps
   * for throttles, so they are made after this construct).
   *
   * @param apiAlarms - the API's 5xx-rate and p99-latency alarms
   * @param topic - the operational alarms' topic
   */
  public watchAlarms(apiAlarms: readonly IAlarm[], topic: ITopic): void {
    // By ARN: handing the alarm objects themselves to every group repeats their SNS actions once a
    // group in the synthesized template.
    const watched = apiAlarms.map((alarm, i) => Alarm.fromAlarmArn(this, `ApiAlarm${i}`, alarm.alarmArn));
    for (const group of this.deploymentGroups.values()) for (const alarm of watched) group.addAlarm(alarm);
    for (const alarm of [...this.canaryAlarms.values()].flat()) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
  }

  /**
   * The workflow gives a function the release's layer in place of its layers: a function with any
   * other layer would lose it, so it is refused at synth.
   */
  private refuseOtherLayers(fn: IFunction): void {
    const cfn = fn.node.defaultChild as CfnFunction | undefined;
    this.node.addValidation({
      validate: () => {
        const layers = cfn === undefined ? [] : (Stack.of(this).resolve(cfn.layers) as unknown[] | undefined);
        return (layers?.length ?? 0) > 1
          ? [`${fn.node.path} has layers besides the fee index: the release workflow would replace them`]
          : [];
      },
    });
  }
}
