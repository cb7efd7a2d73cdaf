import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, LogStream, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { ANALYTICS_RECORDS_DROPPED_METRIC } from '../../lambdas/adapters/analytics-firehose.js';
import {
  ANALYTICS_COLUMNS,
  type ColumnType,
  LINES_TABLE,
  PARTITION_COLUMNS,
} from '../../lambdas/app/analytics/record.js';
import {
  ANALYTICS_ENV,
  LINES_PREFIX,
  PEER_SNAPSHOT_KEY,
} from '../../lambdas/handlers/shared/analytics-env.js';
import { ANALYTICS_PEERS_ENTRY } from '../../lambdas/handlers/shared/routes.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/observability/powertools.js';
import { deadLetterQueue } from './dead-letters.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { NodeFunction } from './node-function.js';
import { privateBucket } from './private-bucket.js';

/** Where Athena writes query results in the analytics bucket (kept a day: the answer has them). */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
/** Where Firehose writes records it could not convert or partition (no PHI: the records hold none). */
export const FIREHOSE_ERRORS_PREFIX = 'errors/';

/**
 * Firehose's buffer before it writes a file: 64 MiB or 300 s, whichever comes first. 64 MiB is the
 * least Firehose accepts with dynamic partitioning or format conversion, and the larger the buffer
 * the fewer and larger the Parquet files (Athena reads fewer objects per query). 300 s bounds how
 * late a priced bill shows in the KPIs, and how long records may still land after a tenant's
 * DELETE; at 900 s (the maximum) a busy tenant-month would get 3× fewer files but appear 15
 * minutes late. Each active partition (tenant × month) is its own buffer, so a partition writes at
 * most 288 files a day, and most far fewer.
 */
export const FIREHOSE_BUFFERING = { sizeInMBs: 64, intervalInSeconds: 300 } as const;

/**
 * Most bytes one Athena query may scan before the workgroup cancels it: 10 GiB, five cents at
 * Athena's $5 a terabyte. A KPI query of one tenant's year reads a few columns of a few hundred MB
 * of Parquet; a runaway query (an unfiltered join, a missing tenant filter) is stopped, not billed.
 */
export const ATHENA_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

/** The JQ expression that gives Firehose the partition keys of a record. */
export const PARTITION_QUERY = `{${PARTITION_COLUMNS.map((c) => `${c}:.${c}`).join(',')}}`;

/** The S3 prefix Firehose writes each record under: the Hive partitions of the Glue table. */
export const FIREHOSE_PREFIX = `${LINES_PREFIX}${PARTITION_COLUMNS.map((c) => `${c}=!{partitionKeyFromQuery:${c}}`).join('/')}/`;

/**
 * A column type as Hive DDL writes it (Glue's table schema, which Firehose's Parquet conversion
 * and Athena both read).
 *
 * @param type - the record's column type
 * @returns the Hive type, `array<struct<…>>` for a list of structs
 */
export function hiveType(type: ColumnType): string {
  if (typeof type === 'string') return type;
  return `array<struct<${type.list.map(([name, field]) => `${name}:${field}`).join(',')}>>`;
}

/** The Glue table's data columns (every column but the partition keys), in order. */
export function glueColumns(): CfnTable.ColumnProperty[] {
  const partitions: readonly string[] = PARTITION_COLUMNS;
  return ANALYTICS_COLUMNS.filter(([name]) => !partitions.includes(name)).map(([name, type]) => ({
    name,
    type: hiveType(type),
  }));
}

/**
 * The analytics bucket's name, computed (as the batch bucket's) so that the API stack's grants name
 * it without a cross-stack export and their acknowledged wildcards are known.
 *
 * @param stage - the stage name
 * @param account - the account (default: the stack's)
 * @param region - the region (default: the stack's)
 * @returns the bucket name
 */
export function analyticsBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `wcbr-${stage}-analytics-${account}-${region}`;
}

/** The Glue database's name (lower-case letters, digits and underscores, as Athena wants it). */
export function analyticsDatabaseName(stage: string): string {
  return `wcbr_${stage}_analytics`;
}

/** The Athena workgroup's name (one per stage and region; names are per region). */
export function analyticsWorkgroupName(stage: string): string {
  return `wcbr-${stage}-analytics`;
}

/** What a function does with analytics (the route table's `analytics`), plus the peers' builder. */
export type AnalyticsAccess = 'write' | 'read' | 'delete' | 'peers';

/** Properties of {@link AnalyticsStore}. */
export interface AnalyticsStoreProps {
  /** The stage name (part of the bucket, database and workgroup names). */
  readonly stage: string;
  /** Days a line record's file is kept (`analytics.retentionDays`). */
  readonly retentionDays: number;
  /** Where S3 server access logs of the bucket go. */
  readonly accessLogsBucket: IBucket;
  /** Key of the delivery stream's log group. */
  readonly logEncryptionKey: IKey;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where analytics records live in AWS (issue 19): a bucket (customer-managed key, TLS only,
 * versioned, access-logged) whose `lines/` expire after the stage's retention; the Glue database
 * and `lines` table built from {@link ANALYTICS_COLUMNS}, Parquet, partitioned by tenant and month
 * with partition projection (tenant injected, month a date from 2000-01 to now), so no crawler and
 * no partition list; a Kinesis Data Firehose delivery stream (Direct PUT, encrypted with the key)
 * that converts each JSON record to Parquet with the table's schema and writes it under
 * `lines/tenant=<t>/month=<m>/` by dynamic partitioning; and an Athena workgroup (engine 3, results
 * encrypted under `athena-results/`, a bytes-scanned limit per query) that every query runs in.
 */
export class AnalyticsStore extends Construct {
  /** The analytics bucket. */
  public readonly bucket: Bucket;
  /** Encrypts the bucket, the stream and the query results. */
  public readonly key: Key;
  /** The Glue database and the lines table. */
  public readonly database: CfnDatabase;
  public readonly table: CfnTable;
  /** The Firehose delivery stream. */
  public readonly deliveryStream: CfnDeliveryStream;
  /** The role Firehose delivers with. */
  public readonly deliveryRole: ManagedPolicyRole;
  /** The stream's error log group. */
  public readonly deliveryLogGroup: LogGroup;
  /** The Athena workgroup. */
  public readonly workgroup: CfnWorkGroup;
  /** The stage's names. */
  public readonly bucketName: string;
  public readonly databaseName: string;
  public readonly workgroupName: string;
  /** Days a line record is kept. */
  public readonly retentionDays: number;
  readonly #stage: string;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - stage, retention, logs
   */
  public constructor(scope: Construct, id: string, props: AnalyticsStoreProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);
    this.#stage = props.stage;
    this.retentionDays = props.retentionDays;
    this.bucketName = analyticsBucketName(props.stage);
    this.databaseName = analyticsDatabaseName(props.stage);
    this.workgroupName = analyticsWorkgroupName(props.stage);

    this.key = new Key(this, 'Key', {
      description: 'Encrypts analytics records (no PHI), their delivery stream and query results',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    this.bucket = privateBucket(this, 'Resource', {
      bucketName: this.bucketName,
      key: this.key,
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'analytics-bucket/' },
      lifecycleRules: [
        {
          id: 'ExpireLines',
          prefix: LINES_PREFIX,
          expiration: Duration.days(props.retentionDays),
          // A deleted tenant's or expired file must not linger as a noncurrent version.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'ExpireQueryResults',
          prefix: ATHENA_RESULTS_PREFIX,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'ExpireDeliveryErrors',
          prefix: FIREHOSE_ERRORS_PREFIX,
          expiration: Duration.days(14),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // peers/latest.json is replaced daily: its old versions go after a day.
        { id: 'ExpireOldSnapshots', prefix: 'peers/', noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy,
      noReplicationReason:
        'Analytics records are aggregates without PHI, derived from priced bills; losing a region loses KPIs of that region, not records anyone must keep, and a replica would double what a tenant DELETE must remove.',
    });

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'Analytics of priced bills (issue 19): aggregate line records, no PHI',
      },
    });
    const bucketUrl = `s3://${this.bucketName}/`;
    this.table = new CfnTable(this, 'LinesTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: LINES_TABLE,
        description: 'One record per line of every priced bill; see lambdas/app/analytics/record.ts',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: PARTITION_COLUMNS.map((name) => ({ name, type: 'string' })),
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          // Partition projection: Athena computes the partitions from these rules instead of
          // reading them from Glue, so Firehose's new prefixes need no crawler or ALTER TABLE.
          // Tenants are `injected`: every query names its tenants (`tenant = ?` or `IN (...)`).
          'projection.enabled': 'true',
          'projection.tenant.type': 'injected',
          'projection.month.type': 'date',
          'projection.month.format': 'yyyy-MM',
          'projection.month.range': '2000-01,NOW',
          'projection.month.interval': '1',
          'projection.month.interval.unit': 'MONTHS',
          'storage.location.template': `${bucketUrl}${LINES_PREFIX}tenant=\${tenant}/month=\${month}/`,
        },
        storageDescriptor: {
          columns: glueColumns(),
          location: `${bucketUrl}${LINES_PREFIX}`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            parameters: { 'serialization.format': '1' },
          },
        },
      },
    });
    this.table.addDependency(this.database);

    this.deliveryLogGroup = new LogGroup(this, 'DeliveryLogs', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const deliveryLogStream = new LogStream(this, 'DeliveryLogStream', {
      logGroup: this.deliveryLogGroup,
      logStreamName: 'S3Delivery',
    });
    this.deliveryRole = new ManagedPolicyRole(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': stack.account } },
      }),
      description: 'Firehose delivers analytics records to the analytics bucket as Parquet',
    });
    this.#grantDelivery();

    this.deliveryStream = new CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: {
        keyType: 'CUSTOMER_MANAGED_CMK',
        keyArn: this.key.keyArn,
      },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.deliveryRole.roleArn,
        prefix: FIREHOSE_PREFIX,
        errorOutputPrefix: `${FIREHOSE_ERRORS_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        bufferingHints: { ...FIREHOSE_BUFFERING },
        // Parquet compresses its pages itself (Snappy below); Firehose must not compress the file again.
        compressionFormat: 'UNCOMPRESSED',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: this.key.keyArn } },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.deliveryLogGroup.logGroupName,
          logStreamName: deliveryLogStream.logStreamName,
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
          schemaConfiguration: {
            catalogId: stack.account,
            databaseName: this.databaseName,
            tableName: LINES_TABLE,
            region: stack.region,
            roleArn: this.deliveryRole.roleArn,
            versionId: 'LATEST',
          },
        },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: PARTITION_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
      },
    });
    // The stream checks its role and the table when it is created.
    this.deliveryStream.node.addDependency(this.deliveryRole, this.table);

    this.workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workgroupName,
      description: 'Analytics queries of the bill review API (KPIs, benchmarks, peers)',
      state: 'ENABLED',
      recursiveDeleteOption: false,
      workGroupConfiguration: {
        // Callers cannot point results elsewhere, skip encryption or lift the scan limit.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `${bucketUrl}${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.key.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });
    this.workgroup.applyRemovalPolicy(removalPolicy);
  }

  /** ARNs of the catalogue, database and table (Glue authorises each level). */
  #glueArns(): string[] {
    const arn = (resource: string) => `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    return [
      arn('catalog'),
      arn(`database/${this.databaseName}`),
      arn(`table/${this.databaseName}/${LINES_TABLE}`),
    ];
  }

  /** The bucket's ARN, by its computed name (no export from the stateful stack). */
  #bucketArn(): string {
    return `arn:${Aws.PARTITION}:s3:::${this.bucketName}`;
  }

  /** Firehose's role: write the two prefixes, read the table's schema, log its errors. */
  #grantDelivery(): void {
    const role = this.deliveryRole;
    const bucketArn = this.#bucketArn();
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [`${bucketArn}/${LINES_PREFIX}*`, `${bucketArn}/${FIREHOSE_ERRORS_PREFIX}*`],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: this.#glueArns(),
      }),
    );
    this.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.deliveryLogGroup.grantWrite(role);
    acknowledgeAnalyticsObjects(role, this.#stage, [`${LINES_PREFIX}*`, `${FIREHOSE_ERRORS_PREFIX}*`]);
  }

  /**
   * What a function needs, by its access: `write` (the price route) puts records on the stream and
   * reads the peers' snapshot; `read` (the KPI and benchmark routes) runs queries in the workgroup,
   * reads the table's schema and `lines/`, lists the tenants, and writes and reads query results;
   * `delete` lists and deletes every version under `lines/tenant=*`; `peers` (the scheduled
   * builder) reads as `read` does and writes the snapshot. The tenant is the token's, which IAM
   * cannot see: the delete grant covers every tenant's prefix, and the handler names the caller's.
   *
   * @param grantee - the function
   * @param access - what it does
   * @param offTenants - tenants that turned analytics off (`ANALYTICS_OFF_TENANTS`)
   * @returns the environment variables to set (lambdas/handlers/shared/analytics-env.ts)
   */
  public grantAnalytics(
    grantee: IGrantable & IConstruct,
    access: AnalyticsAccess,
    offTenants: string,
  ): Record<string, string> {
    const add = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions, resources, ...(conditions === undefined ? {} : { conditions }) }),
      );
    const bucketArn = this.#bucketArn();
    const wildcards: string[] = [];
    const environment: Record<string, string> = {
      [ANALYTICS_ENV.bucket]: this.bucketName,
      [ANALYTICS_ENV.offTenants]: offTenants,
      [ANALYTICS_ENV.retentionDays]: String(this.retentionDays),
    };
    if (access === 'write') {
      add(['firehose:PutRecordBatch'], [this.deliveryStream.attrArn]);
      add(['s3:GetObject'], [`${bucketArn}/${PEER_SNAPSHOT_KEY}`]);
      this.key.grant(grantee, 'kms:Decrypt');
      environment[ANALYTICS_ENV.stream] = this.deliveryStream.ref;
    }
    if (access === 'read' || access === 'peers') {
      add(
        [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        [`arn:${Aws.PARTITION}:athena:${Aws.REGION}:${Aws.ACCOUNT_ID}:workgroup/${this.workgroupName}`],
      );
      add(['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'], this.#glueArns());
      add(['s3:GetBucketLocation'], [bucketArn]);
      // Athena lists the partitions' prefixes and the results; the tenant list is a LIST of lines/.
      add(['s3:ListBucket'], [bucketArn], {
        StringLike: { 's3:prefix': [`${LINES_PREFIX}*`, `${ATHENA_RESULTS_PREFIX}*`] },
      });
      add(['s3:GetObject'], [`${bucketArn}/${LINES_PREFIX}*`]);
      add(
        ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        [`${bucketArn}/${ATHENA_RESULTS_PREFIX}*`],
      );
      this.key.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey');
      wildcards.push(`${LINES_PREFIX}*`, `${ATHENA_RESULTS_PREFIX}*`);
      environment[ANALYTICS_ENV.database] = this.databaseName;
      environment[ANALYTICS_ENV.workgroup] = this.workgroupName;
    }
    if (access === 'peers') {
      add(['s3:PutObject'], [`${bucketArn}/${PEER_SNAPSHOT_KEY}`]);
    }
    if (access === 'delete') {
      add(['s3:ListBucket', 's3:ListBucketVersions'], [bucketArn], {
        StringLike: { 's3:prefix': [`${LINES_PREFIX}tenant=*`] },
      });
      add(['s3:DeleteObject', 's3:DeleteObjectVersion'], [`${bucketArn}/${LINES_PREFIX}tenant=*`]);
      wildcards.push(`${LINES_PREFIX}tenant=*`);
    }
    const target = (grantee as { role?: IConstruct }).role ?? grantee;
    acknowledgeAnalyticsObjects(target, this.#stage, wildcards);
    return environment;
  }
}

/**
 * Acknowledges the wildcards of analytics object grants: Firehose names its files (and Athena its
 * results) at run time, under prefixes that are the narrowest names of them.
 *
 * @param scope - the role (or the construct that holds it)
 * @param stage - the stage (the bucket's name)
 * @param prefixes - the object patterns granted
 */
function acknowledgeAnalyticsObjects(scope: IConstruct, stage: string, prefixes: readonly string[]): void {
  const bucket = analyticsBucketName(stage, '<AWS::AccountId>', '<AWS::Region>');
  for (const prefix of new Set(prefixes)) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/${prefix}]`,
      reason:
        'Firehose names each Parquet file (and Athena each result file) when it writes it, under the partition or results prefix: the prefix is the narrowest name of those objects. The records hold no PHI; a tenant is chosen by the handler from the token, which IAM cannot see.',
    });
  }
}

/** Properties of {@link AnalyticsPeersSchedule}. */
export interface AnalyticsPeersScheduleProps {
  /** The store whose snapshot it builds. */
  readonly store: AnalyticsStore;
  /** Tenants that turned analytics off. */
  readonly offTenants: string;
  readonly logEncryptionKey: IKey;
  readonly logRetention?: RetentionDays;
  /** Encrypts the dead-letter queue of its scheduled invocations. */
  readonly deadLetterKey?: IKey;
}

/**
 * The peers' snapshot builder (`ANALYTICS_PEERS_ENTRY`): a function that runs one query over all
 * tenants' last twelve complete months and writes `peers/latest.json`, invoked daily by an
 * EventBridge rule at 03:15 UTC (after the night's bills have landed). EventBridge invokes it
 * asynchronously, so it has a dead-letter queue and two retries.
 */
export class AnalyticsPeersSchedule extends Construct {
  public readonly builder: NodeFunction;
  public readonly rule: Rule;
  public readonly deadLetterQueue: Queue;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - store, keys
   */
  public constructor(scope: Construct, id: string, props: AnalyticsPeersScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, props.deadLetterKey);
    this.builder = new NodeFunction(this, 'Builder', {
      entry: ANALYTICS_PEERS_ENTRY,
      description: "Builds the peers' snapshot (peers/latest.json) from the analytics table",
      logEncryptionKey: props.logEncryptionKey,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      // One Athena query over a year of every tenant's lines, then a PUT.
      timeout: Duration.minutes(5),
      memorySize: 512,
      reservedConcurrency: 1,
      deadLetterQueue: this.deadLetterQueue,
    });
    props.deadLetterKey?.grant(this.builder.function, 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const [name, value] of Object.entries(
      props.store.grantAnalytics(this.builder.function, 'peers', props.offTenants),
    )) {
      this.builder.function.addEnvironment(name, value);
    }
    this.builder.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    this.rule = new Rule(this, 'Daily', {
      description: "Builds the analytics peers' snapshot once a day",
      schedule: Schedule.cron({ minute: '15', hour: '3' }),
      targets: [new LambdaTarget(this.builder.function)],
    });
  }
}

/** Properties of {@link AnalyticsAlarms}. */
export interface AnalyticsAlarmsProps {
  readonly store: AnalyticsStore;
  /** The stage (Powertools' service dimension is `wc-bill-review-<stage>`). */
  readonly stage: string;
  /** Where the alarms go (the operational alarms' topic). */
  readonly topic: ITopic;
  /** @default 5 minutes */
  readonly period?: Duration;
}

/**
 * Alarms of the analytics pipeline: Firehose failed to deliver to S3 (`DeliveryToS3.Success`
 * below 1) or to convert records to Parquet (`FailedConversion.Records`), and the pricing
 * functions dropped records the stream did not take ({@link ANALYTICS_RECORDS_DROPPED_METRIC}).
 */
export class AnalyticsAlarms extends Construct {
  public readonly alarms: ReadonlyMap<string, Alarm>;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - store, stage, topic
   */
  public constructor(scope: Construct, id: string, props: AnalyticsAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const stream = { DeliveryStreamName: props.store.deliveryStream.ref };
    const firehose = (metricName: string, statistic: string) =>
      new Metric({ namespace: 'AWS/Firehose', metricName, dimensionsMap: stream, statistic, period });
    const alarms = new Map<string, Alarm>([
      [
        'AnalyticsDeliveryFailed',
        new Alarm(this, 'DeliveryFailed', {
          alarmDescription:
            'Firehose could not write analytics records to S3 (or convert them to Parquet): KPIs miss bills until it recovers; see the delivery log group and errors/ in the analytics bucket.',
          metric: new MathExpression({
            // Success is the share of records delivered; a failed conversion is its own count.
            expression: 'IF(success < 1 OR conversion > 0, 1, 0)',
            usingMetrics: {
              success: firehose('DeliveryToS3.Success', 'Average'),
              conversion: firehose('FailedConversion.Records', 'Sum'),
            },
            period,
            label: 'Analytics delivery failing',
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ],
      [
        'AnalyticsRecordsDropped',
        new Alarm(this, 'RecordsDropped', {
          alarmDescription:
            'Pricing functions dropped analytics records the delivery stream did not take after one retry (throttled or unavailable): KPIs undercount.',
          metric: new Metric({
            namespace: METRICS_NAMESPACE,
            metricName: ANALYTICS_RECORDS_DROPPED_METRIC,
            dimensionsMap: { service: `${SERVICE_NAME}-${props.stage}` },
            statistic: 'Sum',
            period,
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ],
    ]);
    for (const alarm of alarms.values()) {
      alarm.addAlarmAction(new SnsAction(props.topic));
      alarm.addOkAction(new SnsAction(props.topic));
    }
    this.alarms = alarms;
  }
}
