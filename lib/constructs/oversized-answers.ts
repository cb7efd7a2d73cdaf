import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import {
  OVERSIZED_ANSWER_KEY_PREFIX,
  OVERSIZED_ANSWER_RETENTION_DAYS,
} from '../../lambdas/app/answers/oversized-store.js';
import { ANSWER_SIZE_ENV } from '../../lambdas/handlers/shared/answer-size-deps.js';
import { privateBucket } from './private-bucket.js';

/**
 * The answers bucket's name of a stage in the deploying account and region:
 * `wcbr-<stage>-answers-<account>-<region>`. A name the API stack can compute lets it grant the
 * pricing function without a cross-stack export of the bucket (as the SmartBill bucket's).
 *
 * @param stage - the stage name
 * @param account - default the deploying account (a pseudo parameter)
 * @param region - default the deploying region (a pseudo parameter)
 * @returns the name
 */
export function oversizedAnswersBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `wcbr-${stage}-answers-${account}-${region}`;
}

/**
 * Lets the pricing function store answers and sign links to them: `s3:PutObject` and
 * `s3:GetObject` on the answers prefix only (a presigned GET is authorised as its signer, so a
 * reader gets exactly this), `kms:GenerateDataKey` to write and `kms:Decrypt` to read under
 * SSE-KMS. No list, no delete: the lifecycle rule deletes.
 *
 * @param grantee - the pricing function (its role carries the policy)
 * @param stage - the stage, whose answers bucket ({@link oversizedAnswersBucketName}) is granted
 * @param key - the bucket's key ({@link OversizedAnswers.key})
 * @returns the environment the function reads (bucket and key)
 */
export function grantOversizedAnswers(
  grantee: IGrantable & IConstruct & { readonly role?: IRole | undefined },
  stage: string,
  key: IKey,
): Readonly<Record<string, string>> {
  const bucketName = oversizedAnswersBucketName(stage);
  const stack = Stack.of(grantee);
  Grant.addToPrincipal({
    grantee,
    actions: ['s3:PutObject', 's3:GetObject'],
    resourceArns: [`arn:${stack.partition}:s3:::${bucketName}/${OVERSIZED_ANSWER_KEY_PREFIX}*`],
  });
  key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const shown = oversizedAnswersBucketName(stage, '<AWS::AccountId>', '<AWS::Region>');
  Validations.of(grantee.role ?? grantee).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${shown}/${OVERSIZED_ANSWER_KEY_PREFIX}*]`,
    reason:
      'Stores answers too large for one response under keys made per request (answers/<tenant>/<request id>.json) and signs GET links to them: s3:PutObject and s3:GetObject on the answers/ prefix of the answers bucket only (no list, no delete), the narrowest grant that lets a writer create objects whose names are not known in advance.',
  });
  return { [ANSWER_SIZE_ENV.bucketName]: bucketName, [ANSWER_SIZE_ENV.kmsKeyId]: key.keyArn };
}

/** Properties of {@link OversizedAnswers}. */
export interface OversizedAnswersProps {
  /**
   * The bucket's name ({@link oversizedAnswersBucketName}), so the API stack can grant by name.
   *
   * @default a name CloudFormation generates
   */
  readonly bucketName?: string;
  /**
   * Days a stored answer is kept (lifecycle expiry; its link works 15 minutes).
   *
   * @default OVERSIZED_ANSWER_RETENTION_DAYS (1)
   */
  readonly retentionDays?: number;
  /**
   * Days the server access logs are kept.
   *
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
  /**
   * What happens to the key and buckets when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where answers too large for one synchronous response are kept (issue 17, § 2; decision 014): a
 * private, versioned, SSL-only bucket encrypted with its own customer-managed key (yearly
 * rotation), whose objects (current and noncurrent) expire after a day, with server access logs in
 * an SSE-S3 log bucket. Readers never reach it directly: the pricing function stores an answer and
 * signs a 15-minute GET link with its own role, so the grant below is all the access there is.
 */
export class OversizedAnswers extends Construct {
  /** The bucket. */
  public readonly bucket: Bucket;
  /** The key that encrypts the answers (used by no other data). */
  public readonly key: Key;
  /** The bucket of its server access logs. */
  public readonly accessLogsBucket: Bucket;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - retention and removal
   */
  public constructor(scope: Construct, id: string, props: OversizedAnswersProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = Duration.days(props.retentionDays ?? OVERSIZED_ANSWER_RETENTION_DAYS);

    // Its own key: a link is signed with the pricing function's role, which therefore needs
    // kms:Decrypt on it; on this key that opens stored answers only, not Recon data or SmartBill pages.
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the oversized answers of the bill review API (stored for a day)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
    });

    // S3 server access logs go only to SSE-S3 buckets.
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          expiration: Duration.days(props.accessLogRetentionDays ?? 365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
    Validations.of(this.accessLogsBucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'Destination of S3 server access logs, which S3 delivers only to buckets with SSE-S3 default encryption. It holds request metadata of the answers bucket (keys name a tenant and a request id), no answer content.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Access logs of answers kept for a day, in the region of the answers they describe: a replica would outlive what it is about. Versioned and retained on stack deletion.',
      },
    );

    this.bucket = privateBucket(this, 'Resource', {
      bucketName: props.bucketName,
      key: this.key,
      accessLogs: { bucket: this.accessLogsBucket, prefix: 'answers-bucket/' },
      lifecycleRules: [
        {
          id: 'ExpireAnswers',
          expiration: retention,
          // A stored answer must not live on as a noncurrent version past its retention either.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      noReplicationReason:
        'Stored answers are derived data kept for a day (pricing the bill again answers it again); a replica in another region would double the copies of what an answer holds with no recovery need. Versioned, KMS-encrypted, retained on stack deletion.',
    });
  }
}
