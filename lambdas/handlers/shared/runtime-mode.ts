/**
 * Where the handlers run, as explicit configuration: `aws` (deployed; the CDK sets it on every
 * function) or `local` (`npm start`, tests). Each stand-in the local stack uses in place of an AWS
 * service (a master key file instead of KMS, a signing key file instead of Secrets Manager, pages
 * rendered in the background of the pricing process instead of by the renderer function, endpoints
 * of emulators) is a local-only fallback: in `aws` mode none of them may be configured, and a Lambda
 * function must run in `aws` mode. A function that would otherwise quietly keep PHI keys in a file or
 * lose pages when its process freezes fails at start-up instead, with the setting to fix.
 */

/** The environment variable that names the mode. */
export const WCBR_MODE_ENV = 'WCBR_MODE';

/** The modes. */
export type RuntimeMode = 'aws' | 'local';

/**
 * Settings that configure a local-only fallback (names as the deps modules read them; a unit test
 * holds them to `RECON_ENV`, `SMARTBILL_ENV` and `ANSWER_SIZE_ENV`). None may be set in `aws` mode.
 */
export const LOCAL_ONLY_SETTINGS: readonly string[] = [
  'RECON_LOCAL_KEY_FILE',
  'SMARTBILL_SIGNING_KEY_FILE',
  'WCBR_DYNAMODB_ENDPOINT',
  'WCBR_KMS_ENDPOINT',
  'WCBR_S3_ENDPOINT',
  'WCBR_S3_ACCESS_KEY_ID',
  'WCBR_S3_SECRET_ACCESS_KEY',
  'OVERSIZED_ANSWERS_S3_ENDPOINT',
  'OVERSIZED_ANSWERS_LINK_ENDPOINT',
  'BATCH_LOCAL_DIR',
  'BATCH_LOCAL_BASE_URL',
  'BATCH_LOCAL_SIGNING_KEY_FILE',
  'ANALYTICS_DIR',
];

/** Set by the Lambda runtime in every function's environment. */
const LAMBDA_FUNCTION_NAME = 'AWS_LAMBDA_FUNCTION_NAME';

/** The runtime mode is missing, unknown, or contradicted by a local-only setting: the function cannot start. */
export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
}

/**
 * Whether the process is a Lambda function (the runtime sets `AWS_LAMBDA_FUNCTION_NAME`).
 *
 * @param env - the environment
 * @returns true in Lambda
 */
export function inLambda(env: NodeJS.ProcessEnv): boolean {
  const name = env[LAMBDA_FUNCTION_NAME];
  return name !== undefined && name !== '';
}

/**
 * The mode the environment names, checked: unset means `local` outside Lambda; in Lambda it must be
 * `aws`; in `aws` mode no local-only fallback may be configured.
 *
 * @param env - default process.env
 * @returns the mode
 * @throws RuntimeConfigError naming the setting to fix (never a value: paths and keys stay out of logs)
 */
export function runtimeModeFrom(env: NodeJS.ProcessEnv = process.env): RuntimeMode {
  const raw = env[WCBR_MODE_ENV];
  if (raw !== undefined && raw !== '' && raw !== 'aws' && raw !== 'local') {
    throw new RuntimeConfigError(`${WCBR_MODE_ENV} must be "aws" or "local"`);
  }
  const mode: RuntimeMode = raw === 'aws' ? 'aws' : 'local';
  if (inLambda(env) && mode !== 'aws') {
    throw new RuntimeConfigError(
      `${WCBR_MODE_ENV} must be "aws" in Lambda (the CDK stack sets it): local-only fallbacks are refused there`,
    );
  }
  if (mode === 'aws') {
    const local = LOCAL_ONLY_SETTINGS.filter((name) => env[name] !== undefined && env[name] !== '');
    if (local.length > 0) {
      throw new RuntimeConfigError(
        `${local.join(', ')} configure${local.length === 1 ? 's' : ''} a local-only fallback and must not be set when ${WCBR_MODE_ENV}=aws`,
      );
    }
  }
  return mode;
}

/**
 * Refuses a local-only fallback in `aws` mode: for the places that would choose one because an AWS
 * setting is missing (no KMS key id, no renderer function), so that a missing setting is an error
 * in AWS instead of a quiet switch to the local stand-in.
 *
 * @param env - the environment
 * @param fallback - what would be used, for the message
 * @param instead - the AWS setting that is missing
 * @throws RuntimeConfigError in `aws` mode
 */
export function refuseLocalFallback(env: NodeJS.ProcessEnv, fallback: string, instead: string): void {
  if (runtimeModeFrom(env) === 'aws') {
    throw new RuntimeConfigError(
      `${instead} is not set, and ${fallback} is local-only (${WCBR_MODE_ENV}=aws)`,
    );
  }
}
