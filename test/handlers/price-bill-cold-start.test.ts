import { generateKeyPairSync } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FEE_INDEX_PATH_ENV } from '../../lambdas/handlers/shared/routes.js';
import { WCBR_MODE_ENV } from '../../lambdas/handlers/shared/runtime-mode.js';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { proxyEvent } from '../support/proxy-event.js';

/**
 * Issue 17, 4(d): the pricing function makes its SmartBill clients on the first bill, not at
 * import (test/infra/price-bundle.test.ts shows that the bundle's import loads no SDK package).
 * Here, in the deployed configuration (Secrets Manager key, renderer function): the first bill after
 * a cold import gets its link, and an SDK package that cannot be loaded then is a dependency outage
 * for that bill only: the bill is answered without its link, and the next one gets one.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const PRIVATE_KEY_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  format: 'pem',
  type: 'pkcs8',
}) as string;

/**
 * A pricing function's settings as the CDK sets them (lib/constructs/smartbill-renderer.ts, and the
 * oversized answers' bucket and key of lib/stacks/api-stack.ts).
 */
const DEPLOYED = {
  [WCBR_MODE_ENV]: 'aws',
  [SMARTBILL_ENV.baseUrl]: 'https://d111111abcdef8.cloudfront.net',
  [SMARTBILL_ENV.keyPairId]: 'K2JCJMDEHXQW5F',
  [SMARTBILL_ENV.signingKeySecretId]: 'wcbr/dev/smartbill-signing-key',
  [SMARTBILL_ENV.bucketName]: 'wcbr-dev-smartbills-123456789012-us-east-1',
  [SMARTBILL_ENV.gateTable]: 'wcbr-dev-smartbill-gate',
  [SMARTBILL_ENV.rendererFunction]: 'Wcbr-dev-Api-SmartBillRenderer',
  OVERSIZED_ANSWERS_BUCKET: 'wcbr-dev-answers-123456789012-us-east-1',
  OVERSIZED_ANSWERS_KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  WCBR_LOG: 'off',
};

const bill = JSON.stringify({
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
});

function event(requestId: string): APIGatewayProxyEvent {
  return proxyEvent({
    body: bill,
    headers: { 'content-type': 'application/json' },
    requestContext: { requestId, authorizer: { claims: { client_id: 'tenant-a' } } } as never,
  });
}

const context = { awsRequestId: 'lambda-1', functionName: 'PriceBill' } as Context;
const secrets = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);
let indexFile: string;

beforeEach(() => {
  indexFile ??= sampleIndexFile();
  for (const [name, value] of Object.entries(DEPLOYED)) vi.stubEnv(name, value);
  vi.stubEnv(FEE_INDEX_PATH_ENV, indexFile);
  secrets.reset();
  lambda.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: PRIVATE_KEY_PEM });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** The handler and the SDK loaders of one fresh module graph (a cold start). */
async function coldStart() {
  const { awsSdk } = await import('../../lambdas/adapters/aws-sdk.js');
  const module = await import('../../lambdas/handlers/price-bill/handler.js');
  return {
    awsSdk,
    handler: module.handler as unknown as Handler,
    notice: module.SMARTBILL_UNAVAILABLE_NOTICE,
  };
}

describe('the pricing handler after a cold start', () => {
  it('links the first bill: the signing key is read and the renderer invoked on that bill', async () => {
    const { handler } = await coldStart();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);

    const response = await handler(event('req-cold-1'), context);

    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as { smartBill?: { url: string }; notices: string[] };
    const url = new URL(body.smartBill?.url ?? 'missing:');
    expect(url.origin).toBe('https://d111111abcdef8.cloudfront.net');
    expect(url.pathname).toMatch(/^\/smartbills\/[A-Za-z0-9_-]+\.html$/);
    expect(url.searchParams.get('Key-Pair-Id')).toBe('K2JCJMDEHXQW5F');
    expect(url.searchParams.get('Signature')).toMatch(/^[A-Za-z0-9~_-]{300,}$/);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe(
      DEPLOYED[SMARTBILL_ENV.rendererFunction],
    );
  });

  it('answers the bill without its link when an SDK package fails to load, and links the next bill', async () => {
    const { awsSdk, handler, notice } = await coldStart();
    vi.spyOn(awsSdk, 'lambda').mockImplementationOnce(() => {
      throw new Error("Cannot find module '@aws-sdk/client-lambda'");
    });

    const first = await handler(event('req-cold-2'), context);
    const second = await handler(event('req-cold-3'), context);

    expect(first.statusCode).toBe(200);
    const firstBody = JSON.parse(first.body) as { smartBill?: unknown; notices: string[]; lines: unknown[] };
    expect(firstBody.smartBill).toBeUndefined();
    expect(firstBody.notices).toContain(notice);
    expect(firstBody.lines).toHaveLength(1);
    expect(second.statusCode).toBe(200);
    expect((JSON.parse(second.body) as { smartBill?: { url: string } }).smartBill?.url).toMatch(
      /^https:\/\//,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('reports the failed load as a dependency outage, not as a configuration error', async () => {
    const { awsSdk } = await import('../../lambdas/adapters/aws-sdk.js');
    const { smartBillLinksFrom } = await import('../../lambdas/handlers/shared/smartbill-deps.js');
    const { DependencyUnavailableError } = await import('../../lambdas/app/dependency-errors.js');
    const links = smartBillLinksFrom({ ...process.env });
    vi.spyOn(awsSdk, 'lambda').mockImplementationOnce(() => {
      throw new Error("Cannot find module '@aws-sdk/client-lambda'");
    });
    const { priceRequest } = await import('../../lambdas/engine/price-request.js');
    const { normaliseRequest } = await import('../../lambdas/engine/bill/normalise-request.js');
    const { loadFeeIndexFile } = await import('../../lambdas/adapters/fee-index-file.js');
    const priced = priceRequest(loadFeeIndexFile(indexFile), normaliseRequest(JSON.parse(bill)));

    const error = await links?.link(priced, {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as InstanceType<typeof DependencyUnavailableError>).dependency).toBe('SmartBill store');
  });
});
