import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of {@link LogEncryptionKey}. */
export interface LogEncryptionKeyProps {
  /**
   * What happens to the key when it leaves the stack. Logs encrypted with a deleted key are lost,
   * so the key outlives the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The customer-managed KMS key that encrypts every CloudWatch Logs log group of one region
 * (function logs, API access and execution logs, WAF logs, the trail's log copy). Its key policy
 * lets the regional CloudWatch Logs service use it only for log groups of this account and region.
 */
export class LogEncryptionKey extends Construct {
  /** The key; pass it as `encryptionKey` of a `LogGroup` in this account and region. */
  public readonly key: IKey;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - options
   */
  public constructor(scope: Construct, id: string, props: LogEncryptionKeyProps = {}) {
    super(scope, id);
    const key = new Key(this, 'Resource', {
      description: 'Encrypts the CloudWatch Logs log groups of the bill review API',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    this.key = key;
  }
}
