import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket, CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import {
  BATCH_PARTITION_KEY,
  BATCH_SORT_KEY,
  BATCH_TTL_ATTRIBUTE,
} from '../../lambdas/adapters/batch-dynamodb.js';
import { BATCH_ENV } from '../../lambdas/handlers/shared/batch-deps.js';
import { privateBucket } from './private-bucket.js';

/**
 * The batch bucket's name, computed (as the SmartBill bucket's) so that the API stack's grants name
 * it without a cross-stack export and their acknowledged wildcards are known.
 *
 * @param stage - the stage name
 * @param account - the account (default: the stack's)
 * @param region - the region (default: the stack's)
 * @returns the bucket name
 */
export function batchBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `wcbr-${stage}-batches-${account}-${region}`;
}

/** Properties of {@link BatchDataStore}. */
export interface BatchDataStoreProps {
  /** The stage name (part of the bucket's name). */
  readonly stage: string;
  /** Days batch records and objects are kept: the stage's Recon retention (`reconRetentionDays`). */
  readonly retentionDays: number;
  /** Where S3 server access logs of the batch bucket go (the SmartBill site's access log bucket). */
  readonly accessLogsBucket: IBucket;
  /**
   * What happens to the bucket, table and key when they leave the stack: batch inputs are the
   * customer's bills (PHI), kept for the retention whatever the stack does.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Work files (manifest, chunk parts and tallies) are gone a week after the batch: results hold them. */
export const BATCH_WORK_RETENTION_DAYS = 7;

/**
 * Where bulk repricing keeps its data (docs/decisions/016-bulk-repricing.md): a bucket for inputs,
 * work files and outputs under `batches/<tenant>/<batch>/`, SSE-KMS by default with a
 * customer-managed key (so a presigned upload is encrypted without the client sending headers),
 * versioned, TLS only, access-logged, with lifecycle rules that keep objects for the Recon retention
 * and work files a week, and EventBridge notifications on (the upload starts the run); and a table
 * of batch records (tenant partition, batch sort key, TTL on `expiresAt` for the same retention),
 * encrypted with the same key, with point-in-time recovery.
 */
export class BatchDataStore extends Construct {
  /** The batch bucket. */
  public readonly bucket: Bucket;
  /** The batch table. */
  public readonly table: ITableV2;
  /** Encrypts the bucket's objects and the table. */
  public readonly key: Key;
  readonly #stage: string;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - retention, access logs, removal policy
   */
  public constructor(scope: Construct, id: string, props: BatchDataStoreProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new Key(this, 'Key', {
      description: 'Encrypts bulk repricing inputs, outputs and batch records',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    this.#stage = props.stage;
    this.bucket = privateBucket(this, 'Resource', {
      bucketName: batchBucketName(props.stage),
      key: this.key,
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'batch-bucket/' },
      lifecycleRules: [
        {
          id: 'ExpireBatches',
          prefix: 'batches/',
          expiration: Duration.days(props.retentionDays),
          // An overwritten input must not outlive its batch as a noncurrent version.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      noReplicationReason:
        'Batch inputs are copies of bills the customer holds and uploads again at will, and the outputs are derived (running the batch again writes them): a replica in another region would double the copies of PHI without a recovery need. Versioned, KMS-encrypted, retained on stack deletion.',
    });
    // EventBridge notifications on the bucket itself (CloudFormation's NotificationConfiguration),
    // not through `eventBridgeEnabled`, which adds a custom resource and its own Lambda function.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: BATCH_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: BATCH_SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: BATCH_TTL_ATTRIBUTE,
      removalPolicy,
    });
  }

  /**
   * What a batch function needs, by role: `create` writes records and signs upload links (PutObject
   * on inputs), `read` reads records and signs result links (GetObject on outputs), `split` reads
   * inputs and writes manifests, `chunk` reads inputs and writes parts, `assemble` reads work files
   * and writes outputs. A presigned URL carries the signer's rights, so each role signs only what it
   * may do itself; the key is granted as S3's SSE-KMS needs it for those objects.
   *
   * @param grantee - the function's role
   * @param role - what it does
   * @returns the environment variables to set
   */
  public grantBatch(
    grantee: IGrantable & IConstruct,
    role: 'create' | 'read' | 'split' | 'chunk' | 'assemble',
  ): Record<string, string> {
    const tableActions = {
      create: ['dynamodb:PutItem'],
      read: ['dynamodb:GetItem'],
      split: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      chunk: ['dynamodb:UpdateItem'],
      assemble: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    }[role];
    const s3: ReadonlyArray<{ actions: string[]; objects: string[] }> = {
      create: [{ actions: ['s3:PutObject'], objects: ['input.jsonl'] }],
      read: [{ actions: ['s3:GetObject'], objects: ['results.jsonl', 'summary.json'] }],
      split: [
        { actions: ['s3:GetObject'], objects: ['input.jsonl'] },
        { actions: ['s3:PutObject'], objects: ['work/*'] },
      ],
      chunk: [
        { actions: ['s3:GetObject'], objects: ['input.jsonl'] },
        { actions: ['s3:PutObject'], objects: ['work/*'] },
      ],
      assemble: [
        { actions: ['s3:GetObject', 's3:PutObject'], objects: ['work/*'] },
        { actions: ['s3:PutObject', 's3:AbortMultipartUpload'], objects: ['results.jsonl', 'summary.json'] },
      ],
    }[role];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: tableActions, resources: [this.table.tableArn] }),
    );
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${batchBucketName(this.#stage)}`;
    for (const statement of s3) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: statement.actions,
          resources: statement.objects.map((o) => `${bucketArn}/batches/*/${o}`),
        }),
      );
    }
    // Reading an SSE-KMS object needs Decrypt, writing one GenerateDataKey (and the table both).
    this.key.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    const target = (grantee as { role?: IConstruct }).role ?? grantee;
    acknowledgeBatchObjects(
      target,
      this.#stage,
      s3.flatMap((st) => st.objects),
    );
    return {
      [BATCH_ENV.tableName]: this.table.tableName,
      [BATCH_ENV.bucketName]: batchBucketName(this.#stage),
    };
  }
}

/**
 * Acknowledges the wildcard of batch object grants: batch ids are random (and tenants many), so a
 * grant on one kind of object of every batch (a wildcard for tenant and batch) is the narrowest that names
 * objects whose keys are not known in advance.
 *
 * @param scope - the role (or the construct that holds it)
 * @param stage - the stage (the bucket's name)
 * @param objects - the object names granted
 */
export function acknowledgeBatchObjects(scope: IConstruct, stage: string, objects: readonly string[]): void {
  // The grants name the partition with Aws.PARTITION, which cdk-nag shows as <AWS::Partition>.
  const partition = '<AWS::Partition>';
  const bucket = batchBucketName(stage, '<AWS::AccountId>', '<AWS::Region>');
  for (const object of new Set(objects)) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${bucket}/batches/*/${object}]`,
      reason:
        'Batch ids are random and made per request: a grant on one kind of object (input, work file, result) of every batch of the bucket is the narrowest that names objects whose keys are not known in advance. No list or delete.',
    });
  }
}
