import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SMARTBILL_RENDERER_ENTRY } from '../../lambdas/handlers/shared/routes.js';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
import {
  parseTenantSettings,
  SMARTBILL_TENANTS_ENV,
  type TenantSmartBillSettings,
  tenantSettingsEnvironment,
} from '../../lambdas/smartbill/contact.js';
import { deadLetterQueue } from './dead-letters.js';
import { NodeFunction } from './node-function.js';
import { grantSmartBillPut, type SmartBillSite, smartBillBucketName } from './smartbill-site.js';

/** Properties of {@link SmartBillRenderer}. */
export interface SmartBillRendererProps {
  /** The page bucket, its key and the distribution (stateful stack). */
  readonly site: SmartBillSite;
  /**
   * The stage: the page bucket's name follows from it (`smartBillBucketName`), so the writers'
   * grant names the bucket without a cross-stack export and its acknowledged wildcard is known.
   */
  readonly stage: string;
  /**
   * Name of the Secrets Manager secret that holds the signing key's private part (PEM, or JSON with
   * `privateKey`). The operator creates it (`wcbr smartbill keys` prints how); the stack only reads it.
   */
  readonly signingKeySecretName: string;
  /** Days a signed link is valid. */
  readonly urlTtlDays: number;
  /**
   * Each tenant's payer contact for its pages, to the renderer and the pricing function (which
   * renders a page too large to hand over) as `SMARTBILL_TENANTS`. @default {} (none)
   */
  readonly tenants?: Readonly<Record<string, TenantSmartBillSettings>>;
  /** Key of the log groups. */
  readonly logEncryptionKey: IKey;
  /** Retention of the renderer's logs. */
  readonly logRetention: RetentionDays;
  /** Concurrent renders at most (reserved concurrency). */
  readonly reservedConcurrency: number;
  /**
   * Customer-managed key of the dead-letter queue.
   *
   * @default - the AWS managed key alias/aws/sqs
   */
  readonly deadLetterKey?: IKey;
}

/**
 * The SmartBill renderer function (invoked asynchronously, one event a page, with a dead-letter
 * queue for a page that still fails after Lambda's two retries) and what a pricing function needs
 * to link pages: {@link linkFrom} gives it the environment, the right to invoke the renderer, to
 * read the signing key secret, and to store a page itself when it is too large to hand over.
 */
export class SmartBillRenderer extends Construct {
  /** The renderer. */
  public readonly renderer: NodeFunction;
  /** Where render events go after the retries fail. */
  public readonly deadLetterQueue: Queue;
  /** The page bucket, imported by name. */
  public readonly pages: IBucket;
  /** The signing key secret (read by pricing functions only). */
  public readonly signingKey: ISecret;
  readonly #props: SmartBillRendererProps;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - site, signing key secret and sizing
   */
  public constructor(scope: Construct, id: string, props: SmartBillRendererProps) {
    super(scope, id);
    this.#props = props;
    this.signingKey = Secret.fromSecretNameV2(this, 'SigningKey', props.signingKeySecretName);
    this.pages = Bucket.fromBucketName(this, 'Pages', smartBillBucketName(props.stage));
    // The events hold priced bills (no patient data) and a page key: encrypted, kept two weeks.
    this.deadLetterQueue = deadLetterQueue(this, props.deadLetterKey);
    this.renderer = new NodeFunction(this, 'Function', {
      entry: SMARTBILL_RENDERER_ENTRY,
      description: 'Renders and stores SmartBill pages (invoked asynchronously by the pricing function)',
      logEncryptionKey: props.logEncryptionKey,
      // Sized for decision 008's PBKDF2 (a full vCPU); since decision 009 a 50-line page takes ~15 ms
      // of CPU, so this can come down once measured in Lambda.
      memorySize: 1769,
      timeout: Duration.seconds(30),
      reservedConcurrency: props.reservedConcurrency,
      logRetention: props.logRetention,
      deadLetterQueue: this.deadLetterQueue,
      environment: this.#storeEnvironment(),
    });
    // Lambda sends to the queue with the function's role: SSE-KMS needs these two on the key.
    props.deadLetterKey?.grant(this.renderer.function, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.renderer.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });
    this.#grantPut(this.renderer.function);
    this.#grantGate(this.renderer.function, 'dynamodb:PutItem');
  }

  /** The page bucket's ARN as cdk-nag prints it: pseudo parameters as `<AWS::…>`. */
  #pagesArnAsNagShowsIt(): string {
    const stack = Stack.of(this);
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const bucket = smartBillBucketName(this.#props.stage, '<AWS::AccountId>', '<AWS::Region>');
    return `arn:${partition}:s3:::${bucket}`;
  }

  #grantPut(fn: IFunction): void {
    grantSmartBillPut(fn, this.pages, this.#props.site.key);
    // arnForObjects('smartbills/*') is the narrowest grant that lets a writer create new pages.
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.#pagesArnAsNagShowsIt()}/smartbills/*]`,
      reason:
        'Writes new SmartBill pages under random keys: s3:PutObject on the smartbills/ prefix of the page bucket only (no read, list or delete), the narrowest grant that lets a writer create objects whose names are not known in advance.',
    });
  }

  /** The gate table, one action, and its key (the table is encrypted under the site's key). */
  #grantGate(fn: IFunction, action: 'dynamodb:PutItem' | 'dynamodb:UpdateItem'): void {
    const { site } = this.#props;
    site.gateTable.grant(fn, action);
    site.key.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  }

  /**
   * Lets a function revoke pages (`DELETE /v1/smartbills/{id}`): update gate records, replace pages.
   *
   * @param fn - the revoke function
   */
  public revokeFrom(fn: IFunction & { addEnvironment(name: string, value: string): unknown }): void {
    this.#grantPut(fn);
    this.#grantGate(fn, 'dynamodb:UpdateItem');
    for (const [name, value] of Object.entries(this.#storeEnvironment())) fn.addEnvironment(name, value);
  }

  #storeEnvironment(): Record<string, string> {
    const { tenants } = this.#props;
    return {
      [SMARTBILL_ENV.gateTable]: this.#props.site.gateTable.tableName,
      [SMARTBILL_ENV.bucketName]: this.pages.bucketName,
      [SMARTBILL_ENV.kmsKeyId]: this.#props.site.key.keyArn,
      // Checked again here (stage-config checked cdk.json): a construct used directly gets the same limits.
      ...(tenants === undefined || Object.keys(tenants).length === 0
        ? {}
        : { [SMARTBILL_TENANTS_ENV]: tenantSettingsEnvironment(parseTenantSettings(tenants)) }),
    };
  }

  /**
   * Lets a pricing function link SmartBill pages.
   *
   * @param fn - the pricing function (unqualified)
   */
  public linkFrom(fn: IFunction & { addEnvironment(name: string, value: string): unknown }): void {
    const { site } = this.#props;
    this.signingKey.grantRead(fn);
    // The unqualified function only (grantInvoke would add every version and alias, `:*`).
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.renderer.function.functionArn],
    });
    // A page too large for an asynchronous event is rendered and stored by the pricing function.
    this.#grantPut(fn);
    this.#grantGate(fn, 'dynamodb:PutItem');
    const environment = {
      ...this.#storeEnvironment(),
      [SMARTBILL_ENV.baseUrl]: `https://${site.domainName}`,
      [SMARTBILL_ENV.keyPairId]: site.publicKey.publicKeyId,
      [SMARTBILL_ENV.signingKeySecretId]: this.#props.signingKeySecretName,
      [SMARTBILL_ENV.urlTtlDays]: String(this.#props.urlTtlDays),
      [SMARTBILL_ENV.rendererFunction]: this.renderer.function.functionName,
    };
    for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);
  }
}
