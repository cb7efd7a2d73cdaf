/**
 * The SmartBill part of the local stack (issue 7, item 4; issue 15, item 1): s3rver as the page
 * bucket, DynamoDB Local with the gate table (page keys, attempts, revocation: decision 009), the
 * local signing key pair (the stand-in for the key pair whose public part CDK puts in the trusted
 * key group), and the local edge, which serves a page and its unlock endpoint only for a URL
 * signed with that key, checked as CloudFront checks it. It answers the environment the pricing handler reads: the same variables
 * CDK sets, with the local key file instead of the Secrets Manager secret and no renderer function
 * (pages are rendered in the background of the API process).
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbSmartBillGateStore, ensureGateTable } from '../adapters/smartbill-gate-dynamodb.js';
import { S3SmartBillStore } from '../adapters/smartbill-store-s3.js';
import { SMARTBILL_ENV } from '../handlers/shared/smartbill-deps.js';
import {
  LOCAL_TENANT_SETTINGS,
  parseTenantSettings,
  SMARTBILL_TENANTS_ENV,
  type TenantSmartBillSettings,
  tenantSettingsEnvironment,
} from '../smartbill/contact.js';
import {
  type EdgeDecision,
  LOCAL_SIGNING_KEY_FILE,
  loadOrCreateLocalSigningKey,
  startLocalEdge,
} from './edge.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type RunningEmulator,
  startDynamoDbLocal,
} from './emulators/dynamodb-local.js';
import { S3RVER_CREDENTIALS, S3RVER_REGION, s3rverClient, startS3rver } from './emulators/s3rver.js';

/** Where the local gate table (DynamoDB Local's files) lives in the state directory. */
export const SMARTBILL_GATE_DIR = 'smartbills-gate';
/** The local page bucket's name. */
export const LOCAL_SMARTBILL_BUCKET = 'wcbr-smartbills';

/** The local gate table's name (page keys, attempts, revocation: decision 009). */
export const LOCAL_SMARTBILL_GATE_TABLE = 'wcbr-smartbill-gate';

/** Options of {@link startSmartBillBackends}. */
export interface SmartBillBackendOptions {
  /** The local stack's state directory: pages under `smartbills-s3/`, their gate under `smartbills-gate/`, the signing key file. */
  readonly stateDir: string;
  /** Loopback port of the edge (default 0, a free one). */
  readonly edgePort?: number | undefined;
  /** Days a link is valid (default: the handler's, 30). */
  readonly urlTtlDays?: number | undefined;
  /**
   * Each tenant's SmartBill settings, as `stages.<name>.smartBill.tenants` in cdk.json (default
   * {@link LOCAL_TENANT_SETTINGS}: the dev user's tenant with a made-up payer's contact).
   */
  readonly tenants?: Readonly<Record<string, TenantSmartBillSettings>> | undefined;
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
  /** The gate store on DynamoDB Local (tests read records back through it). */
  readonly gate: DynamoDbSmartBillGateStore;
  readonly gateEndpoint: string;
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
  const [s3, dynamo] = await Promise.all([
    startS3rver({ directory: join(options.stateDir, 'smartbills-s3'), buckets: [LOCAL_SMARTBILL_BUCKET] }),
    // The gate's store, as in AWS a DynamoDB table (the unlock endpoint's attempts must be atomic),
    // on disk beside the pages: a page kept across a restart must keep its key and its attempts.
    startDynamoDbLocal({ port: 0, dbPath: join(options.stateDir, SMARTBILL_GATE_DIR) }).catch(
      (error: unknown) => error as Error,
    ),
  ]);
  if (dynamo instanceof Error) {
    await s3.stop();
    throw dynamo;
  }
  const client = s3rverClient(s3.endpoint);
  const store = new S3SmartBillStore({ client, bucketName: LOCAL_SMARTBILL_BUCKET });
  const dynamoClient = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  const gate = new DynamoDbSmartBillGateStore({
    client: dynamoClient,
    tableName: LOCAL_SMARTBILL_GATE_TABLE,
  });
  const stopAll = async (emulator: RunningEmulator): Promise<void> => {
    client.destroy();
    dynamoClient.destroy();
    await Promise.all([s3.stop(), emulator.stop()]);
  };
  let edge: Awaited<ReturnType<typeof startLocalEdge>>;
  try {
    await ensureGateTable(dynamoClient, LOCAL_SMARTBILL_GATE_TABLE);
    edge = await startLocalEdge({
      store,
      gate,
      publicKeys: new Map([[key.keyPairId, key.publicKeyPem]]),
      port: options.edgePort ?? 0,
      ...(options.onEdgeDecision ? { onDecision: options.onEdgeDecision } : {}),
    });
  } catch (error) {
    await stopAll(dynamo);
    throw error;
  }
  const environment: Record<string, string> = {
    AWS_REGION: S3RVER_REGION,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // DynamoDB Local takes any credentials; these open nothing in AWS.
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    // s3rver takes only its own fixed access key; they open nothing in AWS.
    [SMARTBILL_ENV.s3AccessKeyId]: S3RVER_CREDENTIALS.accessKeyId,
    [SMARTBILL_ENV.s3SecretAccessKey]: S3RVER_CREDENTIALS.secretAccessKey,
    [SMARTBILL_ENV.baseUrl]: edge.url,
    [SMARTBILL_ENV.keyPairId]: key.keyPairId,
    [SMARTBILL_ENV.signingKeyFile]: join(options.stateDir, LOCAL_SIGNING_KEY_FILE),
    [SMARTBILL_ENV.bucketName]: LOCAL_SMARTBILL_BUCKET,
    [SMARTBILL_ENV.s3Endpoint]: s3.endpoint,
    [SMARTBILL_ENV.gateTable]: LOCAL_SMARTBILL_GATE_TABLE,
    [SMARTBILL_ENV.gateEndpoint]: dynamo.endpoint,
    ...(options.urlTtlDays === undefined ? {} : { [SMARTBILL_ENV.urlTtlDays]: String(options.urlTtlDays) }),
    // Checked as synth checks cdk.json's, so a bad local setting fails here, not on the first page.
    [SMARTBILL_TENANTS_ENV]: tenantSettingsEnvironment(
      parseTenantSettings(options.tenants ?? LOCAL_TENANT_SETTINGS),
    ),
  };
  return {
    environment,
    edgeUrl: edge.url,
    s3Endpoint: s3.endpoint,
    store,
    gate,
    gateEndpoint: dynamo.endpoint,
    stop: async () => {
      await edge.stop();
      await stopAll(dynamo);
    },
  };
}
