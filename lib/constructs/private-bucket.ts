import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** What differs between the buckets that hold customer data or what is derived from it. */
export interface PrivateBucketProps {
  /** A computed name (functions in the other stack grant by it), or CloudFormation's. */
  readonly bucketName?: string | undefined;
  /** The customer-managed key of this data: objects are SSE-KMS with an S3 bucket key. */
  readonly key: IKey;
  /** Where server access logs go, under which prefix (none: the caller says why). */
  readonly accessLogs?: { readonly bucket: IBucket; readonly prefix: string } | undefined;
  /** The expiry rules of the data; expired-object delete markers are removed after them. */
  readonly lifecycleRules: readonly LifecycleRule[];
  readonly removalPolicy: RemovalPolicy;
  /** Why the bucket is not replicated to another region (HIPAA.Security-S3BucketReplicationEnabled). */
  readonly noReplicationReason: string;
}

/**
 * The one shape of the buckets that keep SmartBill pages, Recon bodies, stored answers and batches
 * (issues 14–17): private (public access blocked, owner-enforced objects), SSE-KMS under the
 * data's own key, TLS 1.2 or later only, versioned, access-logged, expiring by the data's rules,
 * not replicated for the reason given. Kept in one place so that a change to that posture reaches
 * every such bucket.
 *
 * @param scope - the construct the bucket belongs to
 * @param id - its construct id (kept from before, so logical ids do not move)
 * @param props - what differs
 * @returns the bucket
 * @example privateBucket(this, 'Resource', { key, lifecycleRules: [...], removalPolicy, noReplicationReason: '…' })
 */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): Bucket {
  const bucket = new Bucket(scope, id, {
    ...(props.bucketName === undefined ? {} : { bucketName: props.bucketName }),
    encryption: BucketEncryption.KMS,
    encryptionKey: props.key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    ...(props.accessLogs === undefined
      ? {}
      : { serverAccessLogsBucket: props.accessLogs.bucket, serverAccessLogsPrefix: props.accessLogs.prefix }),
    lifecycleRules: [
      ...props.lifecycleRules,
      // The delete markers that expiry leaves behind, once their noncurrent versions are gone.
      { id: 'RemoveDeleteMarkers', expiredObjectDeleteMarker: true },
    ],
    removalPolicy: props.removalPolicy,
  });
  Validations.of(bucket).acknowledge({
    id: 'HIPAA.Security-S3BucketReplicationEnabled',
    reason: props.noReplicationReason,
  });
  return bucket;
}
