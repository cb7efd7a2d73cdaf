import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  RECON_PARTITION_KEY,
  RECON_SORT_KEY,
  RECON_TENANT_INDEX,
  RECON_TENANT_INDEX_NON_KEY_ATTRIBUTES,
  RECON_TENANT_INDEX_PARTITION_KEY,
  RECON_TENANT_INDEX_SORT_KEY,
  RECON_TTL_ATTRIBUTE,
  RECON_UPDATED_INDEX,
  RECON_UPDATED_INDEX_NON_KEY_ATTRIBUTES,
  RECON_UPDATED_INDEX_SORT_KEY,
} from '../../lambdas/adapters/recon-store-dynamodb.js';
import { OVERSIZED_ANSWER_KEY_PREFIX } from '../../lambdas/app/answers/oversized-store.js';
import { RECON_SEALED_PREFIX, RECON_WORK_PREFIX } from '../../lambdas/app/recon/ports.js';
import { RECON_ENV } from '../../lambdas/handlers/shared/recon-deps.js';
import type { ReconAccess, ReconBodyAccess } from '../../lambdas/handlers/shared/routes.js';
import { privateBucket } from './private-bucket.js';

/** Properties of {@link ReconDataStore}. */
export interface ReconDataStoreProps {
  /**
   * What happens to the table and its keys when they leave the stack: Recons are PHI a customer
   * must keep for years, so by default they outlive any stack change.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The stage: names the bodies bucket ({@link reconBodiesBucketName}), so that the API stack's
   * functions are granted its prefixes by name, without a cross-stack export per grant.
   *
   * @default 'dev'
   */
  readonly stage?: string;
  /** Where the bodies bucket's S3 server access logs go (the audit store's access log bucket). */
  readonly accessLogsBucket?: IBucket;
  /**
   * Days the ciphertext of a large stored sequence is kept: the longest Recon retention of the
   * stage (its item, which holds the data key, expires by DynamoDB TTL; after that the object
   * cannot be decrypted, and the lifecycle removes it).
   *
   * @default 36500 (the longest retention a stage may set)
   */
  readonly sealedRetentionDays?: number;
}

/**
 * Days the intermediates of a submission and the stored oversized answers are kept when nothing
 * deleted them: S3 lifecycle expires objects by whole days, so one day is the shortest it can do.
 * The front step deletes the intermediates as soon as its answer is out, and an oversized answer's
 * link works 15 minutes; the rule only catches what a crash left behind.
 */
export const RECON_WORK_RETENTION_DAYS = 1;

/**
 * The Recon bodies bucket's name, one per stage, account and region (as the SmartBill bucket's).
 *
 * @param stage - the stage name
 * @param account - default the stack's account
 * @param region - default the stack's region
 * @returns the bucket name
 */
export function reconBodiesBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `wcbr-${stage}-recon-bodies-${account}-${region}`;
}

/**
 * Where Recons live: one DynamoDB table (tenant + control number partition, sequence sort key, the
 * latest pointer beside the sequences, a sparse tenant index for the export, TTL on `expiresAt` for
 * each tenant's retention) with point-in-time recovery and deletion protection, encrypted with a
 * customer-managed KMS key; and a second customer-managed key that only encrypts the data keys of
 * the application's envelope encryption of PHI (the bill as sent, the priced bill, the delta). Two
 * keys so that reading the table's clear totals never implies being able to read PHI.
 */
export class ReconDataStore extends Construct {
  /** The Recon table. */
  public readonly table: ITableV2;
  /** Encrypts the table at rest (DynamoDB server-side encryption). */
  public readonly tableKey: Key;
  /** Encrypts the data keys of the PHI envelopes (GenerateDataKey/Decrypt with the Recon's context). */
  public readonly phiKey: Key;
  /**
   * Recon bodies (issue 17): the intermediates of a submission between workflow states (the bill
   * as sent: PHI), answers too large to send, and the ciphertext of sequences too large for an item.
   */
  public readonly bodiesBucket: Bucket;
  /** Encrypts the bodies bucket (SSE-KMS, bucket keys). */
  public readonly bodiesKey: Key;
  readonly #stage: string;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - options
   */
  public constructor(scope: Construct, id: string, props: ReconDataStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.tableKey = new Key(this, 'TableKey', {
      description: 'Encrypts the Recon table at rest',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    this.phiKey = new Key(this, 'PhiKey', {
      description:
        'Encrypts the data keys that envelope-encrypt Recon PHI (tenant, control number and sequence as context)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    this.bodiesKey = new Key(this, 'BodiesKey', {
      description:
        'Encrypts the Recon bodies bucket (bills between workflow states, large answers and sequences)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });
    this.#stage = props.stage ?? 'dev';
    this.bodiesBucket = privateBucket(this, 'Bodies', {
      bucketName: reconBodiesBucketName(this.#stage),
      key: this.bodiesKey,
      accessLogs:
        props.accessLogsBucket === undefined
          ? undefined
          : { bucket: props.accessLogsBucket, prefix: 'recon-bodies/' },
      lifecycleRules: [
        {
          id: 'ExpireIntermediates',
          prefix: RECON_WORK_PREFIX,
          expiration: Duration.days(RECON_WORK_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'ExpireOversizedAnswers',
          prefix: OVERSIZED_ANSWER_KEY_PREFIX,
          expiration: Duration.days(RECON_WORK_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'ExpireSealed',
          prefix: RECON_SEALED_PREFIX,
          expiration: Duration.days(props.sealedRetentionDays ?? 36_500),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      noReplicationReason:
        'Intermediates live for the seconds of a request and at most a day; the stored ciphertext of large sequences cannot be opened without its data key, which lives in the Recon table (point-in-time recovery). A replica would add copies of PHI without a recovery need. Versioned, KMS-encrypted, retained on stack deletion.',
    });
    this.table = new TableV2(this, 'Resource', {
      partitionKey: { name: RECON_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: RECON_SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.tableKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: RECON_TTL_ATTRIBUTE,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: RECON_TENANT_INDEX,
          partitionKey: { name: RECON_TENANT_INDEX_PARTITION_KEY, type: AttributeType.STRING },
          sortKey: { name: RECON_TENANT_INDEX_SORT_KEY, type: AttributeType.STRING },
          // The index lists control numbers with their pointers; it never holds sealed PHI.
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...RECON_TENANT_INDEX_NON_KEY_ATTRIBUTES],
        },
        {
          // GET /v1/recons (delta sync): pointers by time of their last change. Keys are the tenant
          // and a timestamp; the projection is clear data (control number, sequence, count, totals).
          indexName: RECON_UPDATED_INDEX,
          partitionKey: { name: RECON_TENANT_INDEX_PARTITION_KEY, type: AttributeType.STRING },
          sortKey: { name: RECON_UPDATED_INDEX_SORT_KEY, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...RECON_UPDATED_INDEX_NON_KEY_ATTRIBUTES],
        },
      ],
    });
  }

  /**
   * What the health function needs to say whether the table and the PHI key answer: their names,
   * and describe-only grants (DescribeTable on the table, DescribeKey on the key). No item is read
   * and the key is never used to encrypt or decrypt.
   *
   * @param grantee - the health function's role
   * @returns the environment variables to set
   */
  public grantHealthProbe(grantee: IGrantable): Record<string, string> {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [this.table.tableArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:DescribeKey'], resources: [this.phiKey.keyArn] }),
    );
    return { [RECON_ENV.tableName]: this.table.tableName, [RECON_ENV.kmsKeyId]: this.phiKey.keyArn };
  }

  /**
   * What a Recon function needs of the bodies bucket: its name and key in the environment, and IAM
   * on the prefixes of its access only (see {@link ReconBodyAccess}).
   *
   * @param grantee - the function's role
   * @param access - what it does with the bucket
   * @returns the environment variables to set
   */
  public grantReconBodies(fn: IFunction, access: readonly ReconBodyAccess[]): Record<string, string> {
    const stack = Stack.of(fn);
    const name = reconBodiesBucketName(this.#stage);
    const arn = `arn:${stack.partition}:s3:::${name}`;
    // The same ARN as cdk-nag prints it (pseudo parameters as <AWS::…>), to acknowledge the prefix.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const nagArn = `arn:${partition}:s3:::${reconBodiesBucketName(this.#stage, '<AWS::AccountId>', '<AWS::Region>')}`;
    const statements: { actions: string[]; prefix: string }[] = [];
    if (access.includes('work')) {
      statements.push({ actions: ['s3:GetObject', 's3:PutObject'], prefix: RECON_WORK_PREFIX });
    }
    if (access.includes('delete-work')) {
      statements.push({ actions: ['s3:DeleteObject'], prefix: RECON_WORK_PREFIX });
    }
    if (access.includes('answers')) {
      // A presigned GET is authorised as its signer: the front function may read what it stored.
      statements.push({ actions: ['s3:GetObject', 's3:PutObject'], prefix: OVERSIZED_ANSWER_KEY_PREFIX });
    }
    if (access.includes('read-sealed'))
      statements.push({ actions: ['s3:GetObject'], prefix: RECON_SEALED_PREFIX });
    if (access.includes('write-sealed')) {
      statements.push({ actions: ['s3:PutObject', 's3:DeleteObject'], prefix: RECON_SEALED_PREFIX });
    } else if (access.includes('delete-sealed')) {
      statements.push({ actions: ['s3:DeleteObject'], prefix: RECON_SEALED_PREFIX });
    }
    for (const { actions, prefix } of statements) {
      fn.addToRolePolicy(new PolicyStatement({ actions, resources: [`${arn}/${prefix}*`] }));
    }
    for (const prefix of new Set(statements.map((statement) => statement.prefix))) {
      Validations.of(fn.role ?? fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArn}/${prefix}*]`,
        reason:
          'Recon bodies live under keys made per request (tenant, request id) or per write: object actions on one prefix of the Recon bodies bucket only, the narrowest grant that reaches keys not known in advance; no list.',
      });
    }
    const writes = access.includes('work') || access.includes('write-sealed') || access.includes('answers');
    const reads = writes || access.includes('read-sealed');
    // Deleting an object needs no key: a function that only deletes (DELETE of a Recon) gets none.
    if (!reads) return { [RECON_ENV.bodiesBucket]: name };
    this.bodiesKey.grant(fn, ...(writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']));
    return {
      [RECON_ENV.bodiesBucket]: name,
      [RECON_ENV.bodiesKmsKeyId]: this.bodiesKey.keyArn,
    };
  }

  /**
   * What a Recon function needs: the table name (and the PHI key where it may use it) in its
   * environment, and IAM for its access level. `list` may read items but never use the PHI key;
   * `read` may read items and decrypt data keys; `write` also writes and generates data keys;
   * `delete` may query and delete items but never decrypt. PHI key use is limited to requests whose
   * encryption context names a tenant, a control number and a sequence.
   *
   * @param grantee - the function's role
   * @param access - list, read, write or delete
   * @returns the environment variables to set
   */
  public grantRecon(grantee: IGrantable, access: ReconAccess): Record<string, string> {
    const kmsActions =
      access === 'write' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : access === 'read' ? ['kms:Decrypt'] : [];
    // Named actions on the table itself (no wildcard): the functions never read the tenant index,
    // which only the export uses. `list` may also query the delta-sync index (clear data only).
    const tableActions = {
      list: ['dynamodb:GetItem', 'dynamodb:Query'],
      read: ['dynamodb:GetItem', 'dynamodb:Query'],
      write: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ],
      delete: ['dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    }[access];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: tableActions, resources: [this.table.tableArn] }),
    );
    if (access === 'list') {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${this.table.tableArn}/index/${RECON_UPDATED_INDEX}`],
        }),
      );
    }
    this.tableKey.grant(
      grantee,
      ...(access === 'write'
        ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']
        : ['kms:Decrypt', 'kms:DescribeKey']),
    );
    if (kmsActions.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: kmsActions,
          resources: [this.phiKey.keyArn],
          conditions: {
            'ForAllValues:StringEquals': {
              'kms:EncryptionContextKeys': ['tenant', 'controlNumber', 'sequence'],
            },
            Null: { 'kms:EncryptionContextKeys': 'false' },
          },
        }),
      );
    }
    return {
      [RECON_ENV.tableName]: this.table.tableName,
      ...(kmsActions.length === 0 ? {} : { [RECON_ENV.kmsKeyId]: this.phiKey.keyArn }),
    };
  }
}
