import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/observability/powertools.js';
import { AnalyticsStore } from '../constructs/analytics.js';
import { AuditTrailStore } from '../constructs/audit-trail.js';
import { Auth } from '../constructs/auth.js';
import { BatchDataStore } from '../constructs/batch-store.js';
import { DataReleaseStore } from '../constructs/data-releases.js';
import { ReconDataStore } from '../constructs/data-store.js';
import { LogEncryptionKey } from '../constructs/log-encryption-key.js';
import { OversizedAnswers, oversizedAnswersBucketName } from '../constructs/oversized-answers.js';
import { SmartBillSite, smartBillBucketName } from '../constructs/smartbill-site.js';
import { DEFAULT_ANALYTICS_RETENTION_DAYS } from '../stages/stage-config.js';

/** Properties of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** Prefix of the Cognito domain (token endpoint). */
  readonly cognitoDomainPrefix: string;
  /** Retention of CloudTrail log files in S3, in days. */
  readonly auditLogRetentionDays: number;
  /** Days each CloudTrail log file is locked (Object Lock, governance mode). */
  readonly auditObjectLockDays: number;
  /** Retention of the trigger function's logs. */
  readonly logRetention: RetentionDays;
  /** The longest Recon retention of the stage, in days: the lifecycle of large sealed sequences. */
  readonly reconSealedRetentionDays?: number;
  /** Days bulk repricing inputs, outputs and records are kept: the Recon retention. */
  readonly batchRetentionDays: number;
  /**
   * Days analytics line records are kept (`analytics.retentionDays`).
   *
   * @default DEFAULT_ANALYTICS_RETENTION_DAYS (lib/stages/stage-config.ts)
   */
  readonly analyticsRetentionDays?: number;
  /** SmartBill: the signing key pair's public part and the pages' retention in days. */
  readonly smartBill: {
    readonly stage: string;
    readonly publicKeyPem: string;
    readonly retentionDays: number;
    /** A CLOUDFRONT-scope web ACL made in us-east-1 (stacks elsewhere cannot make one). */
    readonly webAclArn?: string;
    /** The pages' domain and its ACM certificate (us-east-1). */
    readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  };
}

/**
 * What one region keeps when everything else is redeployed: the log and audit keys, the audit
 * bucket, the user pool with its clients, and the Recon table with its keys, and the SmartBill bucket with its distribution. Every resource is retained on deletion, the stack has
 * termination protection, and test/infra/stateful-stack.test.ts pins the logical ids so that a
 * refactoring cannot replace them by accident.
 */
export class StatefulStack extends Stack {
  /** Key of every CloudWatch Logs log group of the region. */
  public readonly logKey: LogEncryptionKey;
  /** The audit bucket and its key. */
  public readonly auditStore: AuditTrailStore;
  /** The user pool, its clients and the pre-token-generation trigger. */
  public readonly auth: Auth;
  /** The Recon table and its two keys (the only PHI the product stores). */
  public readonly reconStore: ReconDataStore;
  /** The SmartBill bucket, its key and the signed-URL distribution. */
  public readonly smartBillSite: SmartBillSite;
  /** Bulk repricing: the batch bucket, table and key. */
  public readonly batchStore: BatchDataStore;
  /** Encrypts the dead-letter queues (a render event holds a priced bill and a page key). */
  public readonly deadLetterKey: Key;
  /** Answers too large for one response, kept a day behind signed links (decision 014). */
  public readonly oversizedAnswers: OversizedAnswers;
  /** Analytics (issue 19): the bucket, Glue table, delivery stream and Athena workgroup. */
  public readonly analytics: AnalyticsStore;
  /** Data releases (issue 20): the official and supplied files, the releases, the parameter naming the current one. */
  public readonly dataReleases: DataReleaseStore;

  /**
   * @param scope - the app
   * @param id - stack id (also its name)
   * @param props - stage settings of this region
   */
  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { terminationProtection: true, ...props });

    this.logKey = new LogEncryptionKey(this, 'LogKey', { removalPolicy: RemovalPolicy.RETAIN });
    this.auditStore = new AuditTrailStore(this, 'AuditStore', {
      retentionDays: props.auditLogRetentionDays,
      objectLockDays: props.auditObjectLockDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.auth = new Auth(this, 'Auth', {
      domainPrefix: props.cognitoDomainPrefix,
      logEncryptionKey: this.logKey.key,
      logRetention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.deadLetterKey = new Key(this, 'DeadLetterKey', {
      description: 'Encrypts the dead-letter queues of the bill review API',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.reconStore = new ReconDataStore(this, 'ReconStore', {
      removalPolicy: RemovalPolicy.RETAIN,
      stage: props.smartBill.stage,
      accessLogsBucket: this.auditStore.accessLogsBucket,
      ...(props.reconSealedRetentionDays === undefined
        ? {}
        : { sealedRetentionDays: props.reconSealedRetentionDays }),
    });
    this.oversizedAnswers = new OversizedAnswers(this, 'OversizedAnswers', {
      bucketName: oversizedAnswersBucketName(props.smartBill.stage),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.smartBillSite = new SmartBillSite(this, 'SmartBill', {
      publicKeyPem: props.smartBill.publicKeyPem,
      retentionDays: props.smartBill.retentionDays,
      bucketName: smartBillBucketName(props.smartBill.stage),
      removalPolicy: RemovalPolicy.RETAIN,
      unlock: { logEncryptionKey: this.logKey.key, logRetention: props.logRetention },
      ...(props.smartBill.webAclArn === undefined ? {} : { webAclArn: props.smartBill.webAclArn }),
      ...(props.smartBill.customDomain === undefined
        ? {}
        : {
            customDomain: {
              domainName: props.smartBill.customDomain.domainName,
              certificate: Certificate.fromCertificateArn(
                this,
                'SmartBillCertificate',
                props.smartBill.customDomain.certificateArn,
              ),
            },
          }),
    });

    this.batchStore = new BatchDataStore(this, 'BatchStore', {
      stage: props.smartBill.stage,
      retentionDays: props.batchRetentionDays,
      accessLogsBucket: this.smartBillSite.accessLogsBucket,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.analytics = new AnalyticsStore(this, 'Analytics', {
      stage: props.smartBill.stage,
      retentionDays: props.analyticsRetentionDays ?? DEFAULT_ANALYTICS_RETENTION_DAYS,
      accessLogsBucket: this.smartBillSite.accessLogsBucket,
      logEncryptionKey: this.logKey.key,
      logRetention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.dataReleases = new DataReleaseStore(this, 'DataReleases', {
      stage: props.smartBill.stage,
      accessLogsBucket: this.smartBillSite.accessLogsBucket,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The same Powertools service and namespace as the API stack's functions (which set theirs in
    // api-stack.ts), so the trigger's and the unlock endpoint's logs and metrics carry the stage too.
    for (const fn of [this.auth.preTokenGeneration.function, this.smartBillSite.unlockFunction?.function]) {
      fn?.addEnvironment('POWERTOOLS_SERVICE_NAME', `${SERVICE_NAME}-${props.smartBill.stage}`);
      fn?.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
    }

    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'MachineClientId', { value: this.auth.machineClient.userPoolClientId });
    new CfnOutput(this, 'PeopleClientId', { value: this.auth.peopleClient.userPoolClientId });
    new CfnOutput(this, 'TokenEndpoint', { value: this.auth.tokenEndpoint });
    new CfnOutput(this, 'AuditBucketName', { value: this.auditStore.bucket.bucketName });
    new CfnOutput(this, 'ReconTableName', { value: this.reconStore.table.tableName });
    new CfnOutput(this, 'BatchBucketName', { value: this.batchStore.bucket.bucketName });
    new CfnOutput(this, 'AnalyticsBucketName', { value: this.analytics.bucket.bucketName });
    new CfnOutput(this, 'AnalyticsWorkgroup', { value: this.analytics.workgroupName });
    new CfnOutput(this, 'DataBucketName', { value: this.dataReleases.bucket.bucketName });
    new CfnOutput(this, 'SmartBillDomain', { value: this.smartBillSite.domainName });
    new CfnOutput(this, 'SmartBillKeyPairId', { value: this.smartBillSite.publicKey.publicKeyId });
  }
}
