import { readFileSync } from 'node:fs';
import { awsSdk } from '../../adapters/aws-sdk.js';
import {
  assertRsaPrivateKeyPem,
  CloudFrontUrlSigner,
  loadSigningKeyFromSecretsManager,
} from '../../adapters/cloudfront-url-signer.js';
import { DynamoDbSmartBillGateStore } from '../../adapters/smartbill-gate-dynamodb.js';
import { BackgroundSmartBillPublisher } from '../../adapters/smartbill-publisher-background.js';
import { LambdaSmartBillPublisher } from '../../adapters/smartbill-publisher-lambda.js';
import { newSmartBillKey, S3SmartBillStore } from '../../adapters/smartbill-store-s3.js';
import { DependencyUnavailableError, UNREACHABLE_RETRY_AFTER_SECONDS } from '../../app/dependency-errors.js';
import {
  DEFAULT_SMARTBILL_URL_TTL_DAYS,
  MAX_SMARTBILL_URL_TTL_DAYS,
  type SmartBillLinker,
  type SmartBillPublisher,
  type SmartBillRenderJob,
} from '../../app/smartbill/ports.js';
import { linkSmartBill, renderAndStore, type SmartBillLink } from '../../app/smartbill/service.js';
import type { PricedBill } from '../../engine/priced-bill.js';
import { logFailure } from '../../observability/logger.js';
import { recordSmartBillRendererFailure } from '../../observability/powertools.js';
import { type TenantSettings, tenantSettingsFrom } from '../../smartbill/contact.js';
import { refuseLocalFallback, runtimeModeFrom } from './runtime-mode.js';

/**
 * The SmartBill composition root of the pricing handler and the renderer function: adapters built
 * once per process from the environment CDK (or the local stack) sets.
 *
 * The SDK clients are made from adapters/aws-sdk.ts's loaders, never from a static import of an
 * `@aws-sdk/*` package: the pricing function imports this module, and its cold start should pay
 * for the fee index only (issue 17, 4(d)). Its links check their settings at init and make their
 * clients on the first bill (smartBillLinksFrom); the renderer, unlock and revoke functions build
 * their stores at init as before.
 */

/** Environment variables the SmartBill code reads. */
export const SMARTBILL_ENV = {
  /** Where pages are served: the distribution's `https://…` or the local edge. Unset: no SmartBill. */
  baseUrl: 'SMARTBILL_BASE_URL',
  /** The CloudFront public key id of the trusted key group (the signed URLs' `Key-Pair-Id`). */
  keyPairId: 'SMARTBILL_KEY_PAIR_ID',
  /** The Secrets Manager secret (name or ARN) that holds the signing key's private part (AWS). */
  signingKeySecretId: 'SMARTBILL_SIGNING_KEY_SECRET_ID',
  /** Instead of the secret: the local signing key file (`npm start`; JSON with `privateKeyPem`). */
  signingKeyFile: 'SMARTBILL_SIGNING_KEY_FILE',
  /** The gate table (page keys, attempts, revocation): the renderer, unlock and revoke functions. */
  gateTable: 'SMARTBILL_GATE_TABLE',
  /** Local DynamoDB endpoint of the gate table (DynamoDB Local); unset in AWS. */
  gateEndpoint: 'SMARTBILL_GATE_ENDPOINT',
  /** Days a link is valid (default 30). */
  urlTtlDays: 'SMARTBILL_URL_TTL_DAYS',
  /** The renderer function (AWS). Unset: pages are rendered in the background of this process. */
  rendererFunction: 'SMARTBILL_RENDERER_FUNCTION',
  /** The page bucket and its key (renderer; pricing function for pages too large to hand over). */
  bucketName: 'SMARTBILL_BUCKET',
  kmsKeyId: 'SMARTBILL_KMS_KEY_ID',
  /** Local S3 endpoint (s3rver) and the credentials it takes; unset in AWS (the role signs). */
  s3Endpoint: 'WCBR_S3_ENDPOINT',
  s3AccessKeyId: 'WCBR_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'WCBR_S3_SECRET_ACCESS_KEY',
} as const;

/** A SmartBill setting missing or unusable: the function cannot start. */
export class SmartBillConfigError extends Error {
  override readonly name = 'SmartBillConfigError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new SmartBillConfigError(`${name} is not set`);
  return value;
}

function urlTtlDays(env: NodeJS.ProcessEnv): number {
  const raw = env[SMARTBILL_ENV.urlTtlDays];
  if (raw === undefined || raw === '') return DEFAULT_SMARTBILL_URL_TTL_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_SMARTBILL_URL_TTL_DAYS) {
    throw new SmartBillConfigError(
      `${SMARTBILL_ENV.urlTtlDays} must be a whole number of days from 1 to ${MAX_SMARTBILL_URL_TTL_DAYS}`,
    );
  }
  return days;
}

/**
 * The page store the environment names: S3 (in AWS the function's role; locally s3rver with its
 * fixed credentials, which the local stack puts in the environment).
 *
 * @param env - the environment
 * @param wrapClient - wraps the S3 client (the renderer passes observability/tracing.ts's `traced`; the pricing
 *   function leaves the Tracer out of its bundle)
 * @returns the store
 */
export function smartBillStoreFrom(
  env: NodeJS.ProcessEnv,
  wrapClient: <T>(client: T) => T = (client) => client,
): S3SmartBillStore {
  return storeLater(env, wrapClient)();
}

/** The page store's settings, checked now; the store (and its S3 client) made when called. */
function storeLater(env: NodeJS.ProcessEnv, wrapClient: <T>(client: T) => T): () => S3SmartBillStore {
  runtimeModeFrom(env);
  const endpoint = env[SMARTBILL_ENV.s3Endpoint];
  const kmsKeyId = env[SMARTBILL_ENV.kmsKeyId];
  const local = endpoint
    ? {
        endpoint,
        forcePathStyle: true,
        credentials: {
          accessKeyId: required(env, SMARTBILL_ENV.s3AccessKeyId),
          secretAccessKey: required(env, SMARTBILL_ENV.s3SecretAccessKey),
        },
      }
    : {};
  const bucketName = required(env, SMARTBILL_ENV.bucketName);
  return () =>
    new S3SmartBillStore({
      client: wrapClient(new (awsSdk.s3().S3Client)(local)),
      bucketName,
      ...(kmsKeyId ? { kmsKeyId } : {}),
    });
}

/**
 * The gate store the environment names (DynamoDB; locally DynamoDB Local at its endpoint).
 *
 * @param env - the environment
 * @returns the store
 */
export function smartBillGateFrom(env: NodeJS.ProcessEnv): DynamoDbSmartBillGateStore {
  return gateLater(env)();
}

/** The gate store's settings, checked now; the store (and its DynamoDB client) made when called. */
function gateLater(env: NodeJS.ProcessEnv): () => DynamoDbSmartBillGateStore {
  const endpoint = env[SMARTBILL_ENV.gateEndpoint];
  const tableName = required(env, SMARTBILL_ENV.gateTable);
  return () =>
    new DynamoDbSmartBillGateStore({
      client: new (awsSdk.dynamoDb().DynamoDBClient)(endpoint ? { endpoint } : {}),
      tableName,
    });
}

/**
 * The page store, gate store and tenants' settings (`SMARTBILL_TENANTS`) a renderer needs.
 *
 * @param env - the environment
 * @returns both stores
 */
export function smartBillRenderPortsFrom(
  env: NodeJS.ProcessEnv,
  wrapClient: <T>(client: T) => T = (client) => client,
): {
  readonly store: S3SmartBillStore;
  readonly gate: DynamoDbSmartBillGateStore;
  readonly tenants: TenantSettings;
} {
  return renderPortsLater(env, wrapClient)();
}

/** The renderer's settings, checked now; its stores made when called. */
function renderPortsLater(
  env: NodeJS.ProcessEnv,
  wrapClient: <T>(client: T) => T = (client) => client,
): () => ReturnType<typeof smartBillRenderPortsFrom> {
  const store = storeLater(env, wrapClient);
  const gate = gateLater(env);
  const tenants = tenantSettingsFrom(env);
  return () => ({ store: store(), gate: gate(), tenants });
}

async function signingKeyFrom(env: NodeJS.ProcessEnv): Promise<string> {
  const secretId = env[SMARTBILL_ENV.signingKeySecretId];
  if (secretId) {
    return loadSigningKeyFromSecretsManager(new (awsSdk.secretsManager().SecretsManagerClient)({}), secretId);
  }
  refuseLocalFallback(
    env,
    `the local signing key file (${SMARTBILL_ENV.signingKeyFile})`,
    SMARTBILL_ENV.signingKeySecretId,
  );
  const file = env[SMARTBILL_ENV.signingKeyFile];
  if (!file) {
    throw new SmartBillConfigError(
      `set ${SMARTBILL_ENV.signingKeySecretId} (Secrets Manager) or ${SMARTBILL_ENV.signingKeyFile} (local key file)`,
    );
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { privateKeyPem?: unknown };
  if (typeof parsed.privateKeyPem !== 'string') {
    throw new SmartBillConfigError(`${SMARTBILL_ENV.signingKeyFile} has no privateKeyPem`);
  }
  return assertRsaPrivateKeyPem(parsed.privateKeyPem, SMARTBILL_ENV.signingKeyFile);
}

/** Renders and stores before returning: the fallback for a page too large to hand over. */
function inlinePublisher(env: NodeJS.ProcessEnv): SmartBillPublisher {
  let ports: ReturnType<typeof smartBillRenderPortsFrom> | undefined;
  return {
    publish: async (job: SmartBillRenderJob) => {
      ports ??= smartBillRenderPortsFrom(env);
      await renderAndStore(ports, job);
    },
  };
}

/** The publisher's settings, checked now; the publisher (and its SDK clients) made when called. */
function publisherLater(env: NodeJS.ProcessEnv): () => SmartBillPublisher {
  const functionName = env[SMARTBILL_ENV.rendererFunction];
  if (functionName) {
    return () =>
      new LambdaSmartBillPublisher({
        client: new (awsSdk.lambda().LambdaClient)({}),
        functionName,
        oversize: inlinePublisher(env),
      });
  }
  // In Lambda a background render would freeze with the process after the answer: refused there.
  refuseLocalFallback(env, 'the background renderer', SMARTBILL_ENV.rendererFunction);
  const portsLater = renderPortsLater(env);
  return () => {
    const ports = portsLater();
    return new BackgroundSmartBillPublisher({
      run: (job) => renderAndStore(ports, job),
      // The key is the page's capability and the bill is not for logs: the error's name only.
      onError: (error) => {
        recordSmartBillRendererFailure();
        logFailure({ route: 'SmartBillRender' }, error);
      },
    });
  };
}

/** What the pricing handler uses. */
export interface SmartBillLinks {
  /**
   * @param priced - the priced bill
   * @param options - `qrCode` as the request asked
   * @returns the link for the answer's `smartBill`
   */
  link(
    priced: PricedBill,
    options: { readonly qrCode?: boolean; readonly tenantId?: string | null },
  ): Promise<SmartBillLink>;
}

/**
 * The SmartBill links of a pricing function, or null when this deployment has no SmartBill
 * (`SMARTBILL_BASE_URL` unset: a bare handler test). The signing key is read on first use and kept;
 * a failed read is tried again on the next bill.
 *
 * @param env - default process.env
 * @returns the links, or null
 * @throws SmartBillConfigError when SmartBill is configured incompletely
 * @throws RuntimeConfigError when a local-only fallback would be used in `aws` mode
 */
export function smartBillLinksFrom(env: NodeJS.ProcessEnv = process.env): SmartBillLinks | null {
  runtimeModeFrom(env);
  const baseUrl = env[SMARTBILL_ENV.baseUrl];
  if (baseUrl === undefined || baseUrl === '') return null;
  const keyPairId = required(env, SMARTBILL_ENV.keyPairId);
  // Checked now, not on the first bill: in AWS the signing key comes from Secrets Manager only.
  if (!env[SMARTBILL_ENV.signingKeySecretId]) {
    refuseLocalFallback(
      env,
      `the local signing key file (${SMARTBILL_ENV.signingKeyFile})`,
      SMARTBILL_ENV.signingKeySecretId,
    );
  }
  const ttl = urlTtlDays(env);
  // Settings now (a misconfigured function fails its init), SDK clients on the first bill.
  const publisherOnce = once(publisherLater(env));
  let linker: Promise<SmartBillLinker> | undefined;
  const linkerOnce = (): Promise<SmartBillLinker> => {
    linker ??= signingKeyFrom(env).then(
      (privateKeyPem) => new CloudFrontUrlSigner({ baseUrl, keyPairId, privateKeyPem }),
    );
    linker.catch(() => {
      linker = undefined;
    });
    return linker;
  };
  return {
    link: async (priced, options) =>
      linkSmartBill(
        {
          linker: await linkerOnce(),
          publisher: publisherOnce(),
          newKey: newSmartBillKey,
          urlTtlDays: ttl,
          now: () => new Date(),
        },
        priced,
        options,
      ),
  };
}

/**
 * `make`'s value, made on the first call and kept. A failure (an SDK package that cannot be loaded)
 * is not kept, so the next bill tries again, and it is thrown as a dependency outage: the pricing
 * handler answers the bill without its link, as when the store is down.
 */
function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => {
    if (made === undefined) {
      try {
        made = { value: make() };
      } catch (error) {
        throw new DependencyUnavailableError('SmartBill store', UNREACHABLE_RETRY_AFTER_SECONDS, {
          cause: error,
        });
      }
    }
    return made.value;
  };
}
