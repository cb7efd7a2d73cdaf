import { Aws, Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnTrail, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role.js';

const CLOUDTRAIL = new ServicePrincipal('cloudtrail.amazonaws.com');

/** ARN pattern of every trail of this account whose home region is this stack's region. */
const TRAILS_OF_THIS_ACCOUNT = `arn:${Aws.PARTITION}:cloudtrail:${Aws.REGION}:${Aws.ACCOUNT_ID}:trail/*`;

/** Properties of {@link AuditTrailStore}. */
export interface AuditTrailStoreProps {
  /**
   * How long trail log files (and the bucket's access logs) are kept, in days.
   *
   * @default 2192 (six years, the HIPAA documentation retention period, 45 CFR 164.316(b)(2))
   */
  readonly retentionDays?: number;
  /**
   * Days each log file is locked from delivery (S3 Object Lock, governance mode): it cannot be
   * overwritten or deleted before then except by a principal allowed
   * `s3:BypassGovernanceRetention`. At most `retentionDays`.
   *
   * @default 365
   */
  readonly objectLockDays?: number;
  /**
   * What happens to the key and buckets when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where the audit trail is kept: a customer-managed KMS key with rotation whose policy lets
 * CloudTrail encrypt for this account's trails, and a versioned, SSL-only, private S3 bucket
 * encrypted with it, with Object Lock (governance mode), server access logs and a lifecycle. Stateful: it lives in the stateful
 * stack, and the {@link AuditTrail} in the API stack writes to it.
 */
export class AuditTrailStore extends Construct {
  /** The bucket the trail delivers log files (and digest files) to. */
  public readonly bucket: Bucket;
  /** The key that encrypts the log files. */
  public readonly key: IKey;
  /** The bucket that receives the server access logs of {@link bucket}. */
  public readonly accessLogsBucket: Bucket;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - retention and removal
   */
  public constructor(scope: Construct, id: string, props: AuditTrailStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = Duration.days(props.retentionDays ?? 2192);
    const lockDays = props.objectLockDays ?? 365;
    if (lockDays > retention.toDays()) {
      throw new Error(
        `${this.node.path}: objectLockDays (${lockDays}) exceeds retentionDays (${retention.toDays()})`,
      );
    }

    const key = new Key(this, 'Key', {
      description: 'Encrypts the CloudTrail log files of the bill review API',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogs',
        principals: [CLOUDTRAIL],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'aws:SourceArn': TRAILS_OF_THIS_ACCOUNT },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${Aws.ACCOUNT_ID}:trail/*`,
          },
        },
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [CLOUDTRAIL],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': TRAILS_OF_THIS_ACCOUNT } },
      }),
    );
    this.key = key;

    // S3 server access log delivery accepts SSE-S3 destinations only (see the acknowledgement).
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          expiration: retention,
          noncurrentVersionExpiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });

    this.bucket = new Bucket(this, 'Resource', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'audit-trail/',
      // Write once: a log file cannot be overwritten or deleted while locked, even by an
      // administrator, unless granted s3:BypassGovernanceRetention (governance, not compliance,
      // mode so that a mistaken setting can still be corrected). Log file validation detects a
      // change; the lock prevents it.
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(lockDays)),
      lifecycleRules: [
        {
          expiration: retention,
          // A deleted or overwritten log file stays recoverable for a year (log file validation
          // reports the deletion through the digest files).
          noncurrentVersionExpiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
    // The trail lives in another stack and gets this bucket imported, so the statements CloudTrail
    // needs are written here, without a reference to the trail.
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AWSCloudTrailAclCheck',
        principals: [CLOUDTRAIL],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: { ArnLike: { 'aws:SourceArn': TRAILS_OF_THIS_ACCOUNT } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AWSCloudTrailWrite',
        principals: [CLOUDTRAIL],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' },
          ArnLike: { 'aws:SourceArn': TRAILS_OF_THIS_ACCOUNT },
        },
      }),
    );

    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason:
        'Destination of S3 server access logs, which S3 delivers only to buckets with SSE-S3 default encryption (SSE-KMS destinations are not supported). It holds access metadata of the trail bucket, no PHI.',
    });
    for (const bucket of [this.bucket, this.accessLogsBucket]) {
      Validations.of(bucket).acknowledge({
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Open item: cross-region replication of the audit buckets needs a destination bucket and key in another region and is not built yet. Meanwhile the bucket is versioned, retained on stack deletion, and log file validation detects any change or deletion.',
      });
    }
  }
}

/** Properties of {@link AuditTrail}. */
export interface AuditTrailProps {
  /** The bucket the trail writes to (from an {@link AuditTrailStore}, usually in another stack). */
  readonly bucket: IBucket;
  /** The key that encrypts the log files (the store's key). */
  readonly encryptionKey: IKey;
  /** Key that encrypts the CloudWatch Logs copy of the trail. */
  readonly logEncryptionKey: IKey;
  /**
   * Record the management events of every region and the global services (IAM, STS, CloudFront).
   * One trail per account does this (the home region's); the others record data events only, so
   * that management events are not paid for twice.
   *
   * @default true
   */
  readonly recordManagementEvents?: boolean;
  /**
   * How long the CloudWatch Logs copy is kept (the S3 copy follows the store's lifecycle).
   *
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The CloudTrail trail of one region: log file validation, KMS encryption, delivery to the audit
 * bucket and to CloudWatch Logs, management events (home region: all regions and global services),
 * and data events for the project's functions, buckets and tables, added with
 * {@link addLambdaDataEvents}, {@link addS3DataEvents} and {@link addDynamoDbDataEvents}.
 *
 * Every selector is an advanced event selector: DynamoDB data events exist only there, and a trail
 * takes either basic or advanced selectors, never both.
 */
export class AuditTrail extends Construct {
  /** The trail. */
  public readonly trail: Trail;
  /** The CloudWatch Logs copy of the trail. */
  public readonly logGroup: LogGroup;
  readonly #functionArns: string[] = [];
  readonly #objectArnPrefixes: string[] = [];
  readonly #tableArns: string[] = [];

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - where to deliver and what to record
   */
  public constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const management = props.recordManagementEvents ?? true;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logsRole = new ManagedPolicyRole(this, 'LogsRole', {
      assumedBy: CLOUDTRAIL,
      description: 'Lets CloudTrail deliver the trail to its log group',
    });
    this.logGroup.grantWrite(logsRole);

    this.trail = new Trail(this, 'Resource', {
      bucket: props.bucket,
      encryptionKey: props.encryptionKey,
      enableFileValidation: true,
      isMultiRegionTrail: management,
      includeGlobalServiceEvents: management,
    });
    // The L2 trail would create its CloudWatch Logs role with an inline policy; this one keeps its
    // permission in a managed policy like every other role of the project.
    const cfnTrail = this.trail.node.defaultChild as CfnTrail;
    cfnTrail.cloudWatchLogsLogGroupArn = this.logGroup.logGroupArn;
    cfnTrail.cloudWatchLogsRoleArn = logsRole.roleArn;
    cfnTrail.node.addDependency(logsRole);
    // The L2 writes an empty basic selector list; a trail takes one kind of selector only.
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
    // Reads and writes alike (no readOnly field). A selector without values would record every
    // resource of its type in the account, so each data selector is written only when it has some.
    cfnTrail.advancedEventSelectors = Lazy.any(
      {
        produce: (): CfnTrail.AdvancedEventSelectorProperty[] => [
          ...(management
            ? [
                {
                  name: 'Management events',
                  fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
                },
              ]
            : []),
          ...dataSelector('Invocations of the project functions', 'AWS::Lambda::Function', {
            equalTo: this.#functionArns,
          }),
          ...dataSelector('Object operations on the project buckets', 'AWS::S3::Object', {
            startsWith: this.#objectArnPrefixes,
          }),
          ...dataSelector('Item operations on the Recon table', 'AWS::DynamoDB::Table', {
            equalTo: this.#tableArns,
          }),
        ],
      },
      { omitEmptyArray: true },
    );
  }

  /**
   * Records the invocations (data events) of the given functions.
   *
   * @param functions - functions of this region (at most 250 per call)
   */
  public addLambdaDataEvents(functions: readonly IFunction[]): void {
    this.#functionArns.push(...functions.map((fn) => fn.functionArn));
  }

  /**
   * Records object-level operations (data events) on the given buckets. Never pass the audit
   * bucket or its access log bucket: each delivery would log itself.
   *
   * @param buckets - buckets of this region
   */
  public addS3DataEvents(buckets: readonly IBucket[]): void {
    this.#objectArnPrefixes.push(...buckets.map((bucket) => `${bucket.bucketArn}/`));
  }

  /**
   * Records item-level operations (data events: GetItem, Query, PutItem, TransactWriteItems…) on
   * the given tables: who read or changed which Recon, for the auditors of a table that holds PHI.
   *
   * @param tables - tables of this region
   */
  public addDynamoDbDataEvents(tables: readonly ITableV2[]): void {
    this.#tableArns.push(...tables.map((table) => table.tableArn));
  }
}

/** One advanced data event selector, or none when it has no resource to name. */
function dataSelector(
  name: string,
  resourceType: string,
  arns: { readonly equalTo?: readonly string[]; readonly startsWith?: readonly string[] },
): CfnTrail.AdvancedEventSelectorProperty[] {
  const values = arns.equalTo ?? arns.startsWith ?? [];
  if (values.length === 0) return [];
  return [
    {
      name,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [resourceType] },
        arns.equalTo === undefined
          ? { field: 'resources.ARN', startsWith: [...values] }
          : { field: 'resources.ARN', equalTo: [...values] },
      ],
    },
  ];
}
