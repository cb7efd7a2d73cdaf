/**
 * "Not now" failures of the services the API depends on (DynamoDB, KMS, the SmartBill store): the
 * service cannot be reached, timed out, throttled us or failed on its side. They are the caller's
 * cue to retry later, so they answer 503 with `Retry-After` instead of the generic 500, which says
 * something is wrong with the request or with us. Errors that say "no" (a missing table or key,
 * access denied, a validation error) are not these: they stay 500s, because waiting fixes nothing
 * and an operator must act.
 */

/** A service the API depends on, by the name an error body and the health report use. */
export type DependencyName =
  | 'DynamoDB'
  | 'KMS'
  | 'SmartBill store'
  | 'Answer store'
  | 'Recon body store'
  | 'Batch store'
  | 'Recon workflow'
  | 'Analytics';

/** Seconds a caller is told to wait after a dependency could not be reached or failed. */
export const UNREACHABLE_RETRY_AFTER_SECONDS = 5;
/** Seconds a caller is told to wait after a dependency throttled us. */
export const THROTTLED_RETRY_AFTER_SECONDS = 2;

/** A dependency is unavailable for now: answered 503 with `Retry-After`. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly dependency: DependencyName;
  readonly retryAfterSeconds: number;

  /**
   * @param dependency - which service
   * @param retryAfterSeconds - what `Retry-After` says
   * @param options - the SDK's error as the cause (never shown to the caller)
   */
  constructor(dependency: DependencyName, retryAfterSeconds: number, options?: ErrorOptions) {
    super(`${dependency} is unavailable for now`, options);
    this.dependency = dependency;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Node socket errors that mean the service could not be reached or went away mid-call. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** AWS error names that mean "slow down" (DynamoDB, KMS and S3 spellings). */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TooManyRequestsException',
  'SlowDown',
]);

/** AWS error names of failures on the service's side that a retry may not see (KMS spellings included). */
const SERVICE_FAILURE_NAMES: ReadonlySet<string> = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
]);

/**
 * How long to wait before a failure of a dependency may be over, or undefined when the failure is
 * not a "not now" one.
 *
 * @param error - what an SDK call threw (after the SDK's own retries)
 * @returns seconds for `Retry-After`, or undefined
 */
export function retryAfterFor(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, $fault, $metadata } = error as {
    code?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (THROTTLING_NAMES.has(error.name)) return THROTTLED_RETRY_AFTER_SECONDS;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return UNREACHABLE_RETRY_AFTER_SECONDS;
  // The SDK's request and connection timeouts (requestHandler options), and a socket that closed.
  if (error.name === 'TimeoutError' || /socket hang up/i.test(error.message)) {
    return UNREACHABLE_RETRY_AFTER_SECONDS;
  }
  if (SERVICE_FAILURE_NAMES.has(error.name) || $fault === 'server') return UNREACHABLE_RETRY_AFTER_SECONDS;
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return UNREACHABLE_RETRY_AFTER_SECONDS;
  return undefined;
}

/**
 * The error to throw for a failed call to a dependency: a {@link DependencyUnavailableError} for
 * a "not now" failure, the error itself otherwise.
 *
 * @param dependency - which service was called
 * @param error - what the call threw
 * @returns the error to throw
 */
export function dependencyError(dependency: DependencyName, error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  const seconds = retryAfterFor(error);
  return seconds === undefined
    ? error
    : new DependencyUnavailableError(dependency, seconds, { cause: error });
}

/**
 * SDK client settings for a dependency on the request path: give up on a connection after 2 s and
 * on an answer after 5 s, so an unreachable service costs the caller seconds and a 503, never the
 * whole Lambda timeout (the SDK's default is to wait forever). DynamoDB and KMS answer in
 * milliseconds; the largest Recon write (two items under 400 KB) is far inside 5 s.
 */
export const DEPENDENCY_REQUEST_HANDLER = {
  connectionTimeout: 2_000,
  requestTimeout: 5_000,
  throwOnRequestTimeout: true,
} as const;
