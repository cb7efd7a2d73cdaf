/**
 * The SmartBill part of the local stack (issue 7, item 4): s3rver as the page bucket, the local
 * signing key pair (the stand-in for the key pair whose public part CDK puts in the trusted key
 * group), and the local edge, which serves a page only for a URL signed with that key, checked as
 * CloudFront checks it. It answers the environment the pricing handler reads: the same variables
 * CDK sets, with the local key file instead of the Secrets Manager secret and no renderer function
 * (pages are rendered in the background of the API process).
 */
import { join } from 'node:path';
import { S3SmartBillStore } from '../adapters/smartbill-store-s3.js';
import { SMARTBILL_ENV } from '../handlers/shared/smartbill-deps.js';
import {
  type EdgeDecision,
  LOCAL_SIGNING_KEY_FILE,
  loadOrCreateLocalSigningKey,
  startLocalEdge,
} from './edge.js';
import { S3RVER_CREDENTIALS, S3RVER_REGION, s3rverClient, startS3rver } from './emulators/s3rver.js';

/** The local page bucket's name. */
export const LOCAL_SMARTBILL_BUCKET = 'wcbr-smartbills';

/** Options of {@link startSmartBillBackends}. */
export interface SmartBillBackendOptions {
  /** The local stack's state directory: pages under `smartbills-s3/`, the signing key file. */
  readonly stateDir: string;
  /** Loopback port of the edge (default 0, a free one). */
  readonly edgePort?: number | undefined;
  /** Days a link is valid (default: the handler's, 30). */
  readonly urlTtlDays?: number | undefined;
  /** Told the outcome of every edge request (metadata only). */
  readonly onEdgeDecision?: ((decision: EdgeDecision) => void) | undefined;
}

/** The running SmartBill backends. */
export interface SmartBillBackends {
  /** Environment for the pricing handler (set before its module loads). */
  readonly environment: Readonly<Record<string, string>>;
  /** The edge's base URL (what signed links start with). */
  readonly edgeUrl: string;
  readonly s3Endpoint: string;
  /** The page store on s3rver (tests read pages back through it). */
  readonly store: S3SmartBillStore;
  stop(): Promise<void>;
}

/**
 * Starts s3rver with the page bucket and the local edge in front of it.
 *
 * @param options - state directory, edge port, link lifetime
 * @returns the environment, the edge URL and a stop function
 */
export async function startSmartBillBackends(options: SmartBillBackendOptions): Promise<SmartBillBackends> {
  const key = await loadOrCreateLocalSigningKey(options.stateDir);
  const s3 = await startS3rver({
    directory: join(options.stateDir, 'smartbills-s3'),
    buckets: [LOCAL_SMARTBILL_BUCKET],
  });
  const client = s3rverClient(s3.endpoint);
  const store = new S3SmartBillStore({ client, bucketName: LOCAL_SMARTBILL_BUCKET });
  let edge: Awaited<ReturnType<typeof startLocalEdge>>;
  try {
    edge = await startLocalEdge({
      store,
      publicKeys: new Map([[key.keyPairId, key.publicKeyPem]]),
      port: options.edgePort ?? 0,
      ...(options.onEdgeDecision ? { onDecision: options.onEdgeDecision } : {}),
    });
  } catch (error) {
    client.destroy();
    await s3.stop();
    throw error;
  }
  const environment: Record<string, string> = {
    AWS_REGION: S3RVER_REGION,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // s3rver takes only its own fixed access key; they open nothing in AWS.
    [SMARTBILL_ENV.s3AccessKeyId]: S3RVER_CREDENTIALS.accessKeyId,
    [SMARTBILL_ENV.s3SecretAccessKey]: S3RVER_CREDENTIALS.secretAccessKey,
    [SMARTBILL_ENV.baseUrl]: edge.url,
    [SMARTBILL_ENV.keyPairId]: key.keyPairId,
    [SMARTBILL_ENV.signingKeyFile]: join(options.stateDir, LOCAL_SIGNING_KEY_FILE),
    [SMARTBILL_ENV.bucketName]: LOCAL_SMARTBILL_BUCKET,
    [SMARTBILL_ENV.s3Endpoint]: s3.endpoint,
    ...(options.urlTtlDays === undefined ? {} : { [SMARTBILL_ENV.urlTtlDays]: String(options.urlTtlDays) }),
  };
  return {
    environment,
    edgeUrl: edge.url,
    s3Endpoint: s3.endpoint,
    store,
    stop: async () => {
      await edge.stop();
      client.destroy();
      await s3.stop();
    },
  };
}
