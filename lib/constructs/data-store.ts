import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
import { RECON_ENV } from '../../lambdas/handlers/shared/recon-deps.js';
import type { ReconAccess } from '../../lambdas/handlers/shared/routes.js';

/** Properties of {@link ReconDataStore}. */
export interface ReconDataStoreProps {
  /**
   * What happens to the table and its keys when they leave the stack: Recons are PHI a customer
   * must keep for years, so by default they outlive any stack change.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
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
