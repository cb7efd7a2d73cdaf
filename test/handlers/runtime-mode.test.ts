import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANALYTICS_ENV } from '../../lambdas/handlers/shared/analytics-env.js';
import { ANSWER_SIZE_ENV } from '../../lambdas/handlers/shared/answer-size-deps.js';
import { BATCH_ENV, batchPortsFrom } from '../../lambdas/handlers/shared/batch-deps.js';
import { dataKeysFrom, RECON_ENV, ReconConfigError } from '../../lambdas/handlers/shared/recon-deps.js';
import {
  LOCAL_ONLY_SETTINGS,
  RuntimeConfigError,
  runtimeModeFrom,
  WCBR_MODE_ENV,
} from '../../lambdas/handlers/shared/runtime-mode.js';
import { SMARTBILL_ENV, smartBillLinksFrom } from '../../lambdas/handlers/shared/smartbill-deps.js';

/**
 * Issue 15, item 7: local-only fallbacks (the local key file instead of KMS, the signing key file
 * instead of Secrets Manager, the background renderer, the local Recon route, emulator endpoints)
 * are refused in Lambda; the mode is explicit configuration (`WCBR_MODE`, which the CDK sets to
 * `aws` on every function, see test/infra/api-stack.test.ts), checked when a handler module starts.
 */

const IN_LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'Wcbr-dev-Api-GetRecon' };
const A_PATH = '/home/someone/.wcbr/recon-master-key.json';

/** A pricing function's SmartBill settings as the CDK sets them. */
const SMARTBILL_AWS = {
  [WCBR_MODE_ENV]: 'aws',
  [SMARTBILL_ENV.baseUrl]: 'https://d111111abcdef8.cloudfront.net',
  [SMARTBILL_ENV.keyPairId]: 'K2JCJMDEHXQW5F',
  [SMARTBILL_ENV.signingKeySecretId]: 'wcbr/dev/smartbill-signing-key',
  [SMARTBILL_ENV.urlTtlDays]: '30',
  [SMARTBILL_ENV.bucketName]: 'wcbr-dev-smartbills-123456789012-us-east-1',
  [SMARTBILL_ENV.kmsKeyId]: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  [SMARTBILL_ENV.rendererFunction]: 'Wcbr-dev-Api-SmartBillRenderer',
  AWS_REGION: 'us-east-1',
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('runtimeModeFrom', () => {
  it('is local outside Lambda when unset (npm start, tests), and what it says when set', () => {
    expect(runtimeModeFrom({})).toBe('local');
    expect(runtimeModeFrom({ [WCBR_MODE_ENV]: 'local' })).toBe('local');
    expect(runtimeModeFrom({ [WCBR_MODE_ENV]: 'aws' })).toBe('aws');
    expect(runtimeModeFrom({ ...IN_LAMBDA, [WCBR_MODE_ENV]: 'aws' })).toBe('aws');
  });

  it('refuses an unknown mode', () => {
    expect(() => runtimeModeFrom({ [WCBR_MODE_ENV]: 'AWS' })).toThrow(RuntimeConfigError);
    expect(() => runtimeModeFrom({ [WCBR_MODE_ENV]: 'prod' })).toThrow(/WCBR_MODE must be "aws" or "local"/);
  });

  it('refuses a Lambda function started without WCBR_MODE=aws, or with WCBR_MODE=local', () => {
    expect(() => runtimeModeFrom(IN_LAMBDA)).toThrow(RuntimeConfigError);
    expect(() => runtimeModeFrom(IN_LAMBDA)).toThrow(/WCBR_MODE must be "aws" in Lambda/);
    expect(() => runtimeModeFrom({ ...IN_LAMBDA, [WCBR_MODE_ENV]: 'local' })).toThrow(RuntimeConfigError);
  });

  it.each(LOCAL_ONLY_SETTINGS.map((name) => [name]))(
    'refuses %s in aws mode, naming the setting and never its value',
    (name) => {
      const env = { ...IN_LAMBDA, [WCBR_MODE_ENV]: 'aws', [name]: A_PATH };
      expect(() => runtimeModeFrom(env)).toThrow(RuntimeConfigError);
      try {
        runtimeModeFrom(env);
      } catch (error) {
        expect((error as Error).message).toContain(name);
        expect((error as Error).message).not.toContain(A_PATH);
      }
      // The same setting is what the local stack uses: allowed there.
      expect(runtimeModeFrom({ [name]: A_PATH })).toBe('local');
    },
  );

  it('lists exactly the local-only settings the deps modules read', () => {
    expect([...LOCAL_ONLY_SETTINGS].sort()).toEqual(
      [
        RECON_ENV.localKeyFile,
        RECON_ENV.dynamoDbEndpoint,
        RECON_ENV.kmsEndpoint,
        SMARTBILL_ENV.signingKeyFile,
        SMARTBILL_ENV.s3Endpoint,
        SMARTBILL_ENV.s3AccessKeyId,
        SMARTBILL_ENV.s3SecretAccessKey,
        ANSWER_SIZE_ENV.s3Endpoint,
        ANSWER_SIZE_ENV.linkEndpoint,
        BATCH_ENV.localDir,
        BATCH_ENV.localBaseUrl,
        BATCH_ENV.localSigningKeyFile,
        ANALYTICS_ENV.dir,
      ].sort(),
    );
  });
});

describe('the choices of a fallback', () => {
  it('Batches: without a table, aws mode refuses the local batch directory', () => {
    expect(() => batchPortsFrom({ [WCBR_MODE_ENV]: 'aws', [BATCH_ENV.bucketName]: 'batches' })).not.toThrow();
    expect(batchPortsFrom({ [WCBR_MODE_ENV]: 'aws', [BATCH_ENV.bucketName]: 'batches' })).toBeNull();
    expect(() => batchPortsFrom({ [WCBR_MODE_ENV]: 'local', [BATCH_ENV.localDir]: '/tmp/x' })).toThrow(
      /BATCH_LOCAL_BASE_URL/,
    );
  });

  it('Recon: without a KMS key id, aws mode is an error, not the local key file', () => {
    const env = { [WCBR_MODE_ENV]: 'aws', [RECON_ENV.tableName]: 'recons' };
    expect(() => dataKeysFrom(env)).toThrow(RuntimeConfigError);
    expect(() => dataKeysFrom(env)).toThrow(/RECON_KMS_KEY_ID is not set, and the local key provider/);
    // Locally the missing setting keeps its old message.
    expect(() => dataKeysFrom({ [RECON_ENV.tableName]: 'recons' })).toThrow(ReconConfigError);
  });

  it('Recon: with a KMS key id, aws mode builds the KMS provider', () => {
    const provider = dataKeysFrom({
      [WCBR_MODE_ENV]: 'aws',
      [RECON_ENV.kmsKeyId]: SMARTBILL_AWS.SMARTBILL_KMS_KEY_ID,
    });
    expect(provider.constructor.name).toBe('KmsDataKeyProvider');
  });

  it('SmartBill: aws mode links through the renderer function', () => {
    expect(smartBillLinksFrom(SMARTBILL_AWS)).not.toBeNull();
  });

  it('SmartBill: aws mode refuses the background renderer (no renderer function)', () => {
    const { [SMARTBILL_ENV.rendererFunction]: _, ...env } = SMARTBILL_AWS;
    expect(() => smartBillLinksFrom(env)).toThrow(RuntimeConfigError);
    expect(() => smartBillLinksFrom(env)).toThrow(
      /SMARTBILL_RENDERER_FUNCTION is not set, and the background renderer/,
    );
  });

  it('SmartBill: aws mode refuses the local signing key file at start-up, not on the first bill', () => {
    const { [SMARTBILL_ENV.signingKeySecretId]: _, ...env } = SMARTBILL_AWS;
    expect(() => smartBillLinksFrom(env)).toThrow(/SMARTBILL_SIGNING_KEY_SECRET_ID is not set/);
    expect(() => smartBillLinksFrom({ ...env, [SMARTBILL_ENV.signingKeyFile]: A_PATH })).toThrow(
      RuntimeConfigError,
    );
  });
});

describe('handler modules at start-up', () => {
  it('a Recon handler started in Lambda without WCBR_MODE fails to load with the configuration error', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', IN_LAMBDA.AWS_LAMBDA_FUNCTION_NAME);
    vi.stubEnv(WCBR_MODE_ENV, '');
    vi.stubEnv(RECON_ENV.tableName, 'recons');
    await expect(import('../../lambdas/handlers/get-recon/handler.js')).rejects.toThrow(
      /WCBR_MODE must be "aws" in Lambda/,
    );
  });

  it('a Recon handler in aws mode with the local key file configured fails to load', async () => {
    vi.stubEnv(WCBR_MODE_ENV, 'aws');
    vi.stubEnv(RECON_ENV.tableName, 'recons');
    vi.stubEnv(RECON_ENV.kmsKeyId, SMARTBILL_AWS.SMARTBILL_KMS_KEY_ID);
    vi.stubEnv(RECON_ENV.localKeyFile, A_PATH);
    await expect(import('../../lambdas/handlers/get-recon-sequence/handler.js')).rejects.toThrow(
      /RECON_LOCAL_KEY_FILE configures a local-only fallback/,
    );
  });

  it('the same handler loads in aws mode with its AWS settings (the refusals above can pass)', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', IN_LAMBDA.AWS_LAMBDA_FUNCTION_NAME);
    vi.stubEnv(WCBR_MODE_ENV, 'aws');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv(RECON_ENV.tableName, 'recons');
    vi.stubEnv(RECON_ENV.kmsKeyId, SMARTBILL_AWS.SMARTBILL_KMS_KEY_ID);
    // Issue 17: a sequence too large for its item is read from the Recon bodies bucket.
    vi.stubEnv(RECON_ENV.bodiesBucket, 'recon-bodies');
    const module = await import('../../lambdas/handlers/get-recon-sequence/handler.js');
    expect(typeof module.handler).toBe('function');
  });

  it('a Recon handler in aws mode with the local body directory configured fails to load', async () => {
    vi.stubEnv(WCBR_MODE_ENV, 'aws');
    vi.stubEnv(RECON_ENV.tableName, 'recons');
    vi.stubEnv(RECON_ENV.kmsKeyId, SMARTBILL_AWS.SMARTBILL_KMS_KEY_ID);
    vi.stubEnv(RECON_ENV.bodiesDirectory, A_PATH);
    await expect(import('../../lambdas/handlers/get-recon-sequence/handler.js')).rejects.toThrow(
      /WCBR_RECON_BODIES_DIR/,
    );
  });

  it('the local Recon route refuses to load in aws mode', async () => {
    vi.stubEnv(WCBR_MODE_ENV, 'aws');
    await expect(import('../../lambdas/local/recon-route.js')).rejects.toThrow(
      /local stand-in for the Recon workflow integration/,
    );
  });
});
