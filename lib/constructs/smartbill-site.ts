import { createPublicKey } from 'node:crypto';
import { Annotations, Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  Distribution,
  type GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  KeyGroup,
  PriceClass,
  PublicKey,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType, type IFunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { GATE_TABLE_SCHEMA } from '../../lambdas/adapters/smartbill-gate-dynamodb.js';
import {
  DEFAULT_SMARTBILL_RETENTION_DAYS,
  DEFAULT_SMARTBILL_URL_TTL_DAYS,
  SMARTBILL_CACHE_CONTROL,
  SMARTBILL_CONTENT_SECURITY_POLICY,
  SMARTBILL_KEY_PREFIX,
} from '../../lambdas/app/smartbill/ports.js';
import { UNLOCK_RATE_LIMIT } from '../../lambdas/app/smartbill/unlock.js';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
import { NodeFunction } from './node-function.js';
import { privateBucket } from './private-bucket.js';

/** The unlock function's handler module (decision 009). */
export const SMARTBILL_UNLOCK_ENTRY = 'lambdas/handlers/unlock-smartbill/handler.ts';

/**
 * How long a signed SmartBill URL is valid unless the stage says otherwise (issue 7: 30 days). The
 * construct does not use it: the pricing Lambda signs, so pass it to the function's environment.
 */
export const DEFAULT_SIGNED_URL_TTL = Duration.days(DEFAULT_SMARTBILL_URL_TTL_DAYS);

/** Properties of {@link SmartBillSite}. */
export interface SmartBillSiteProps {
  /**
   * The public part of the CloudFront signing key pair, PEM (`-----BEGIN PUBLIC KEY-----`, RSA 2048),
   * read from configuration by the stage. The private part stays in Secrets Manager; a private key
   * passed here is refused at synth.
   */
  readonly publicKeyPem: string;
  /**
   * Key that encrypts the pages (SSE-KMS). A key passed in must be a `Key` of the same stack, so that
   * the CloudFront statement can be added to its policy.
   *
   * @default a new customer-managed key with yearly rotation
   */
  readonly encryptionKey?: IKey;
  /**
   * Days a page is kept (lifecycle expiry of the current version).
   *
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Days an expired or overwritten page's data is kept as a noncurrent version before S3 removes it.
   *
   * @default 1
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Bucket that receives the S3 server access logs of the page bucket and the CloudFront standard
   * logs. CloudFront standard logging needs ACLs, so a bucket passed in must have
   * `ObjectOwnership.OBJECT_WRITER` or `BUCKET_OWNER_PREFERRED`.
   *
   * @default a new SSE-S3 bucket
   */
  readonly accessLogsBucket?: IBucket;
  /**
   * Days the access logs are kept, when the construct creates their bucket.
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
  /**
   * Edge locations that serve the pages.
   *
   * @default PriceClass.PRICE_CLASS_100 (North America and Europe)
   */
  readonly priceClass?: PriceClass;
  /**
   * Countries allowed or denied at the edge.
   *
   * @default none (acknowledged: see the AwsSolutions-CFR1 reason)
   */
  readonly geoRestriction?: GeoRestriction;
  /**
   * ARN of a WAFv2 web ACL (scope CLOUDFRONT, created in us-east-1) in front of the distribution.
   *
   * @default none (acknowledged: see the AwsSolutions-CFR2 reason)
   */
  readonly webAclArn?: string;
  /**
   * An alternate domain for the pages, with its ACM certificate (us-east-1). With it the viewer
   * policy is TLSv1.2_2021.
   *
   * @default the distribution's `*.cloudfront.net` domain and certificate
   */
  readonly customDomain?: { readonly domainName: string; readonly certificate: ICertificate };
  /**
   * The distribution's id, once it exists. The key policy statement CloudFront needs must name
   * every distribution of the account on the first deployment (the key cannot refer to a
   * distribution that refers to a bucket that refers to the key); with this id a deny statement
   * narrows it to this distribution, as the CloudFront documentation's policy does.
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#create-oac-overview-s3
   *
   * @default none: any distribution of this account may use the key through S3 (the bucket
   * policy still admits this distribution only)
   */
  readonly distributionId?: string;
  /**
   * The page bucket's name. A name the writers can compute ({@link smartBillBucketName}) lets a
   * stack in another deployment unit grant `s3:PutObject` on the page prefix without a cross-stack
   * export of the bucket.
   *
   * @default a name CloudFormation generates
   */
  readonly bucketName?: string;
  /**
   * The unlock endpoint's function (decision 009): its log key and retention. Without it the site
   * has no unlock behaviour (a construct test of the bucket and distribution alone).
   *
   * @default none
   */
  readonly unlock?: { readonly logEncryptionKey: IKey; readonly logRetention: RetentionDays };
  /**
   * Create a CLOUDFRONT-scope web ACL for the distribution (rate limit on unlock requests per client
   * address, AWS managed common rules). Such a web ACL exists only in us-east-1: a stack in another
   * region must pass `webAclArn` of one made there instead.
   *
   * @default true when the stack is in us-east-1 and no webAclArn is given
   */
  readonly createWebAcl?: boolean;
}

/**
 * The page bucket's name of a stage in the deploying account and region:
 * `wcbr-<stage>-smartbills-<account>-<region>` (S3 names are global, hence account and region).
 *
 * @param stage - the stage name (lower-case letters and digits)
 * @param account - default the deploying account (a CloudFormation pseudo parameter)
 * @param region - default the deploying region (a CloudFormation pseudo parameter)
 * @returns the name
 */
export function smartBillBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `wcbr-${stage}-smartbills-${account}-${region}`;
}

/**
 * Lets a principal write SmartBill pages: `s3:PutObject` on the page prefix only (no read, list or
 * delete), and `kms:GenerateDataKey` on the key, which is all SSE-KMS needs for a single-part
 * upload (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms).
 *
 * @param grantee - the principal that stores pages
 * @param bucket - the page bucket
 * @param key - the key that encrypts the pages
 * @returns the S3 grant
 */
export function grantSmartBillPut(grantee: IGrantable, bucket: IBucket, key: IKey): Grant {
  const put = Grant.addToPrincipal({
    grantee,
    actions: ['s3:PutObject'],
    resourceArns: [bucket.arnForObjects(`${SMARTBILL_KEY_PREFIX}*`)],
  });
  key.grant(grantee, 'kms:GenerateDataKey');
  return put;
}

/**
 * Where SmartBill pages are kept and how they reach a browser (issue 7, item 3): a private,
 * versioned, SSL-only S3 bucket encrypted with a customer-managed KMS key, whose pages expire after
 * the retention; a CloudFront distribution that reads it through origin access control and serves
 * a page only for a URL signed with the key pair in its trusted key group, never caches it, and
 * adds security headers; server access logs and CloudFront logs in a log bucket.
 */
export class SmartBillSite extends Construct {
  /** The page bucket. */
  public readonly bucket: Bucket;
  /** The key that encrypts the pages. */
  public readonly key: IKey;
  /** The distribution; its domain name is the signer's base URL (`https://<domainName>`). */
  public readonly distribution: Distribution;
  /** The public key of the trusted key group; its `publicKeyId` is the signed URLs' `Key-Pair-Id`. */
  public readonly publicKey: PublicKey;
  /** The trusted key group. */
  public readonly keyGroup: KeyGroup;
  /** The bucket of the access logs (created here unless passed in). */
  public readonly accessLogsBucket: IBucket;
  /** The domain viewers use: the alternate domain when given, else the distribution's. */
  public readonly domainName: string;
  /** The gate: one item per page (its key, attempts, revocation), TTL at the link's expiry. */
  public readonly gateTable: Table;
  /** The unlock function and its URL (when `unlock` is set). */
  public readonly unlockFunction?: NodeFunction;
  public readonly unlockUrl?: IFunctionUrl;
  /** The web ACL the construct created, if it did. */
  public readonly webAcl?: CfnWebACL;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - public key, retention and delivery options
   */
  public constructor(scope: Construct, id: string, props: SmartBillSiteProps) {
    super(scope, id);
    assertPublicKeyPem(props.publicKeyPem);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.key =
      props.encryptionKey ??
      new Key(this, 'Key', {
        description: 'Encrypts the SmartBill pages of the bill review API',
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy,
      });

    if (props.accessLogsBucket === undefined) {
      // S3 server access logs go only to SSE-S3 buckets, and CloudFront standard logs need ACLs
      // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html).
      const logs = new Bucket(this, 'AccessLogs', {
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.OBJECT_WRITER,
        lifecycleRules: [
          {
            expiration: Duration.days(props.accessLogRetentionDays ?? 365),
            noncurrentVersionExpiration: Duration.days(30),
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
        removalPolicy,
      });
      Validations.of(logs).acknowledge(
        {
          id: 'HIPAA.Security-S3DefaultEncryptionKMS',
          reason:
            'Destination of S3 server access logs, which S3 delivers only to buckets with SSE-S3 default encryption (SSE-KMS destinations are not supported). It holds request metadata of the SmartBill bucket, no page content and no signed query string (the distribution writes no access logs, and none reaches S3).',
        },
        {
          id: 'HIPAA.Security-S3BucketReplicationEnabled',
          reason:
            'Access logs of short-lived SmartBill pages, in the same region as the pages they describe: a replica would outlive the pages it is about. Versioned and retained on stack deletion.',
        },
      );
      this.accessLogsBucket = logs;
    } else {
      this.accessLogsBucket = props.accessLogsBucket;
    }

    const retention = props.retentionDays ?? DEFAULT_SMARTBILL_RETENTION_DAYS;
    this.bucket = privateBucket(this, 'Resource', {
      bucketName: props.bucketName,
      key: this.key,
      accessLogs: { bucket: this.accessLogsBucket, prefix: 'smartbill-bucket/' },
      lifecycleRules: [
        {
          id: 'ExpirePages',
          expiration: Duration.days(retention),
          // Versioning keeps an overwritten or expired page recoverable for a short while only: a
          // page past its retention must not live on as a noncurrent version.
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays ?? 1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      noReplicationReason:
        'SmartBill pages are derived data (pricing the bill again renders a new page and link) and expire after the retention; a replica in another region would double the copies of what a page holds without a recovery need. Versioned, KMS-encrypted, retained on stack deletion.',
    });

    // The gate's own small table (decision 009): page keys are key material, kept apart from the
    // Recon table's PHI and readable only by the renderer (write), the unlock function (update) and
    // the revoke function (update). Encrypted at rest under this site's customer-managed key; TTL
    // deletes a record some time after its link expired (the code refuses it from the expiry second).
    this.gateTable = new Table(this, 'Gate', {
      partitionKey: { name: GATE_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: GATE_TABLE_SCHEMA.ttlAttribute,
      // No point-in-time recovery and no backup: a restore would bring back page keys that a
      // revocation removed (crypto-shredding must hold).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    const noRestore =
      'The SmartBill gate holds page keys and attempt counts only; revoking a page deletes its key, which a backup or point-in-time restore would bring back. A lost record costs a new link (price the bill again), never data.';
    Validations.of(this.gateTable).acknowledge(
      { id: 'HIPAA.Security-DynamoDBInBackupPlan', reason: noRestore },
      { id: 'HIPAA.Security-DynamoDBPITREnabled', reason: noRestore },
      { id: 'AwsSolutions-DDB3', reason: noRestore },
    );

    let unlockOrigin: ReturnType<typeof FunctionUrlOrigin.withOriginAccessControl> | undefined;
    if (props.unlock !== undefined) {
      const unlock = new NodeFunction(this, 'Unlock', {
        entry: SMARTBILL_UNLOCK_ENTRY,
        description:
          'SmartBill unlock endpoint: checks the bill total, counts attempts, releases the page key',
        logEncryptionKey: props.unlock.logEncryptionKey,
        logRetention: props.unlock.logRetention,
        memorySize: 256,
        timeout: Duration.seconds(5),
        environment: { [SMARTBILL_ENV.gateTable]: this.gateTable.tableName },
      });
      this.gateTable.grant(unlock.function, 'dynamodb:UpdateItem');
      this.key.grant(unlock.function, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
      // IAM auth: only CloudFront's origin access control (signed for this distribution) may call it.
      this.unlockUrl = unlock.function.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
      unlockOrigin = FunctionUrlOrigin.withOriginAccessControl(this.unlockUrl);
      this.unlockFunction = unlock;
    }

    this.publicKey = new PublicKey(this, 'PublicKey', {
      encodedKey: props.publicKeyPem,
      comment: 'Verifies SmartBill signed URLs; the private key is in Secrets Manager',
    });
    this.keyGroup = new KeyGroup(this, 'KeyGroup', {
      items: [this.publicKey],
      comment: 'Signers of SmartBill URLs',
    });

    const responseHeaders = new ResponseHeadersPolicy(this, 'ResponseHeaders', {
      comment: 'SmartBill pages: no caching, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: SMARTBILL_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          // Also on each object; repeated here so that no origin response can make a browser keep a page.
          { header: 'Cache-Control', value: SMARTBILL_CACHE_CONTROL, override: true },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
      // S3 would tell the viewer which KMS key encrypts the page and its version id.
      removeHeaders: [
        'x-amz-server-side-encryption',
        'x-amz-server-side-encryption-aws-kms-key-id',
        'x-amz-server-side-encryption-bucket-key-enabled',
        'x-amz-version-id',
      ],
    });

    const inUsEast1 = Stack.of(this).region === 'us-east-1';
    if (props.webAclArn === undefined && (props.createWebAcl ?? inUsEast1)) {
      if (!inUsEast1) {
        throw new Error(
          'SmartBillSite: a CLOUDFRONT-scope web ACL can only be created in us-east-1; pass webAclArn',
        );
      }
      this.webAcl = smartBillWebAcl(this);
    }
    const webAclArn = props.webAclArn ?? this.webAcl?.attrArn;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'SmartBill pages (signed URLs only)',
      defaultBehavior: {
        // Reads the bucket as the CloudFront service principal, for this distribution only (the
        // bucket policy names its ARN); no other path into the bucket exists.
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        // https only: a redirect would first send the signed URL in clear text (issue 15, item 7).
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        // A request without a valid signature from the key group is refused at the edge (403).
        trustedKeyGroups: [this.keyGroup],
        // Nothing is cached, and no query string, header or cookie reaches S3: CloudFront checks the
        // signature parameters itself.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: responseHeaders,
        // CachingDisabled does not put Accept-Encoding in the cache key, so CloudFront could not compress.
        compress: false,
      },
      ...(unlockOrigin === undefined
        ? {}
        : {
            additionalBehaviors: {
              // The page's unlock endpoint, under the same signature (a custom policy over
              // smartbills/<id>.*): POST only reaches the function, through origin access control.
              [`${SMARTBILL_KEY_PREFIX}*.unlock`]: {
                origin: unlockOrigin,
                viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
                allowedMethods: AllowedMethods.ALLOW_ALL,
                trustedKeyGroups: [this.keyGroup],
                cachePolicy: CachePolicy.CACHING_DISABLED,
                responseHeadersPolicy: responseHeaders,
                compress: false,
              },
            },
          }),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      // No CloudFront access logs (issue 15, item 7): a standard log line keeps the viewer's query
      // string, which here is a working signed URL, and the log format that can leave it out (v2
      // delivery) must be made in us-east-1 while a stage's distributions live in every region.
      // Page reads stay on record without the signature: S3 server access logs of the bucket (no
      // query string reaches S3: CachingDisabled forwards none) and CloudTrail data events on the
      // bucket; unlock attempts in the unlock function's log, by page and outcome.
      enableLogging: false,
      ...(props.geoRestriction === undefined ? {} : { geoRestriction: props.geoRestriction }),
      ...(webAclArn === undefined ? {} : { webAclId: webAclArn }),
      ...(props.customDomain === undefined
        ? {}
        : {
            domainNames: [props.customDomain.domainName],
            certificate: props.customDomain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }),
    });
    this.domainName = props.customDomain?.domainName ?? this.distribution.distributionDomainName;

    // withOriginAccessControl adds to the key policy an Allow for cloudfront.amazonaws.com with
    // `AWS:SourceArn` = any distribution of this account (it cannot name this one: see the
    // `distributionId` prop). With the id known, a Deny narrows it to this distribution.
    // CDK warns about that wildcard on the key's parent (this construct, or the owner of a key passed in).
    const keyOwner = this.key.node.scope ?? this;
    if (props.distributionId === undefined) {
      Annotations.of(keyOwner).acknowledgeWarning(
        '@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
        'Known: the key policy names every distribution of the account until the `distributionId` prop is set after the first deployment; the bucket policy admits this distribution only.',
      );
    } else {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: 'DenyOtherCloudFrontDistributions',
          effect: Effect.DENY,
          principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
          actions: ['kms:*'],
          resources: ['*'],
          conditions: {
            StringNotEquals: {
              'AWS:SourceArn': `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${props.distributionId}`,
            },
          },
        }),
      );
      Annotations.of(keyOwner).acknowledgeWarning(
        '@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
        'The deny statement DenyOtherCloudFrontDistributions limits the key to this distribution.',
      );
    }

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        "CloudFront access logs would keep each viewer's query string, here a working signed URL (issue 15, item 7), and the log delivery that can leave it out must be made in us-east-1 while a stage's distributions are in every region. Page reads are recorded without the signature by the bucket's S3 server access logs (CachingDisabled forwards no query string to S3) and CloudTrail data events; unlock attempts by the unlock function's log.",
    });
    if (props.geoRestriction === undefined) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR1',
        reason:
          'A SmartBill link is opened by providers, adjusters and injured workers wherever they are (travel, cross-border care); every page needs a valid signature and the bill total, so a country list would refuse legitimate viewers without protecting the page. Set geoRestriction to restrict.',
      });
    }
    if (webAclArn === undefined) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'This stack is outside us-east-1, where a CLOUDFRONT-scope web ACL cannot be made, and the stage names none (smartBill.webAclArn). Every request without a valid signature is refused by CloudFront before any origin, and the unlock function counts 5 attempts per page and limits each client per instance; set smartBill.webAclArn for the per-client limit across instances.',
      });
    }
    if (props.customDomain === undefined) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses its *.cloudfront.net domain and certificate, for which CloudFront fixes the security policy (TLSv1 minimum, TLS 1.2/1.3 negotiated by current browsers) and no minimum can be set; a custom domain with its certificate gets TLSv1.2_2021.',
      });
    }
  }

  /**
   * Lets the grantee write pages ({@link grantSmartBillPut}).
   *
   * @param grantee - the principal that stores pages
   * @returns the S3 grant
   */
  public grantPut(grantee: IGrantable): Grant {
    return grantSmartBillPut(grantee, this.bucket, this.key);
  }
}

/**
 * Refuses at synth anything but an RSA public key PEM (a private key in configuration would be
 * a leak the stack must not deploy). A token (value resolved at deploy time) is let through.
 *
 * @param pem - the configured public key
 */
/**
 * The distribution's web ACL: a rate-based rule on unlock requests per client address (the
 * attempt limit per page holds anyway; this stops one client trying many pages), and AWS's
 * common rule set. CLOUDFRONT scope, so the stack must be in us-east-1.
 *
 * @param scope - the site
 * @returns the web ACL
 */
function smartBillWebAcl(scope: Construct): CfnWebACL {
  const visibility = (name: string) => ({
    cloudWatchMetricsEnabled: true,
    metricName: name,
    sampledRequestsEnabled: false,
  });
  const acl = new CfnWebACL(scope, 'WebAcl', {
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    visibilityConfig: visibility('SmartBillWebAcl'),
    rules: [
      {
        name: 'UnlockRatePerClient',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            // WAF counts over the window; the local edge's limit is the same rate per minute.
            limit: UNLOCK_RATE_LIMIT * 5,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            scopeDownStatement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'ENDS_WITH',
                searchString: '.unlock',
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          },
        },
        visibilityConfig: visibility('SmartBillUnlockRate'),
      },
      {
        name: 'AwsCommonRules',
        priority: 1,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
        visibilityConfig: visibility('SmartBillCommonRules'),
      },
    ],
  });
  Validations.of(acl).acknowledge({
    id: 'HIPAA.Security-WAFv2LoggingEnabled',
    reason:
      'A WAF log records each request with its query string, which for this distribution is a working signed SmartBill link; the rules publish CloudWatch metrics (blocked unlock requests per rule) without keeping the links.',
  });
  return acl;
}

function assertPublicKeyPem(pem: string): void {
  if (Token.isUnresolved(pem)) return;
  if (/PRIVATE KEY/.test(pem)) {
    throw new Error('SmartBillSite: publicKeyPem holds a private key; configure the public part only');
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new Error('SmartBillSite: publicKeyPem must be a "-----BEGIN PUBLIC KEY-----" PEM');
  }
  let type: string | undefined;
  try {
    type = createPublicKey(pem).asymmetricKeyType;
  } catch {
    throw new Error('SmartBillSite: publicKeyPem is not a readable public key');
  }
  if (type !== 'rsa')
    throw new Error(`SmartBillSite: publicKeyPem is a ${type} key; CloudFront needs RSA 2048`);
}
