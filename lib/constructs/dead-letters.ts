import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The dead-letter queue of an asynchronously invoked function (the SmartBill renderer, the
 * analytics peers' builder): encrypted (the stage's dead-letter key, else SQS-managed KMS), TLS
 * only, messages kept two weeks for an operator to read and redrive.
 *
 * @param scope - the construct that owns the function
 * @param key - the stage's dead-letter key, when it has one
 * @returns the queue (construct id `DeadLetters`)
 */
export function deadLetterQueue(scope: Construct, key: IKey | undefined): Queue {
  return new Queue(scope, 'DeadLetters', {
    ...(key === undefined
      ? { encryption: QueueEncryption.KMS_MANAGED }
      : { encryption: QueueEncryption.KMS, encryptionMasterKey: key }),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}
