import type { OversizedAnswerStore } from '../../app/answers/oversized-store.js';
import { type AnswerSizePolicy, MAX_INLINE_RESPONSE_BYTES } from '../../app/answers/size-policy.js';
import { once } from './once.js';
import { refuseLocalFallback, runtimeModeFrom } from './runtime-mode.js';

/**
 * The answer size policy's composition root (docs/decisions/014-answer-size-policy.md): where a
 * route stores answers too large for one response, from the environment CDK (or the local stack)
 * sets. The S3 client and the presigner load on the first oversized answer, not at init: most
 * requests never need them, and a cold start should not pay for them.
 */

/** Environment variables the policy reads. */
export const ANSWER_SIZE_ENV = {
  /** The oversized answers' bucket. Unset: answers are sent inline whatever their size (refused in AWS). */
  bucketName: 'OVERSIZED_ANSWERS_BUCKET',
  /** Its KMS key (SSE-KMS on every PUT). */
  kmsKeyId: 'OVERSIZED_ANSWERS_KMS_KEY_ID',
  /** Proxy results above this many bytes are stored (default 6,225,920; tests set a small one). */
  maxInlineBytes: 'OVERSIZED_ANSWERS_MAX_INLINE_BYTES',
  /** Local S3 endpoint (s3rver) of the bucket; unset in AWS. */
  s3Endpoint: 'OVERSIZED_ANSWERS_S3_ENDPOINT',
  /** Where the links point locally: the local edge that checks them as S3 does; unset in AWS. */
  linkEndpoint: 'OVERSIZED_ANSWERS_LINK_ENDPOINT',
  /** s3rver's fixed credentials (shared with SmartBill's local store); unset in AWS. */
  s3AccessKeyId: 'WCBR_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'WCBR_S3_SECRET_ACCESS_KEY',
} as const;

/** A size policy setting missing or unusable: the function cannot start. */
export class AnswerSizeConfigError extends Error {
  override readonly name = 'AnswerSizeConfigError';
}

/**
 * The largest proxy result answered inline, from {@link ANSWER_SIZE_ENV.maxInlineBytes} (tests set
 * a small one; CDK never sets it), default {@link MAX_INLINE_RESPONSE_BYTES}.
 *
 * @param env - the environment
 * @returns bytes
 * @throws AnswerSizeConfigError for a setting that is not a whole number from 1 to the default
 */
export function maxInlineBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[ANSWER_SIZE_ENV.maxInlineBytes];
  if (raw === undefined || raw === '') return MAX_INLINE_RESPONSE_BYTES;
  const bytes = Number(raw);
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_INLINE_RESPONSE_BYTES) {
    throw new AnswerSizeConfigError(
      `${ANSWER_SIZE_ENV.maxInlineBytes} must be a whole number of bytes from 1 to ${MAX_INLINE_RESPONSE_BYTES}`,
    );
  }
  return bytes;
}

/** The S3 store, built on first use (SDK loaded then); a failed build is tried again next time. */
function lazyS3Store(env: NodeJS.ProcessEnv, bucketName: string): OversizedAnswerStore {
  const built = once(async (): Promise<OversizedAnswerStore> => {
    const [{ S3Client }, { S3OversizedAnswerStore }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../adapters/oversized-answer-store-s3.js'),
    ]);
    const endpoint = env[ANSWER_SIZE_ENV.s3Endpoint];
    const kmsKeyId = env[ANSWER_SIZE_ENV.kmsKeyId];
    if (!endpoint) {
      return new S3OversizedAnswerStore({
        client: new S3Client({}),
        bucketName,
        ...(kmsKeyId ? { kmsKeyId } : {}),
      });
    }
    const local = {
      region: env.AWS_REGION || 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: env[ANSWER_SIZE_ENV.s3AccessKeyId] ?? '',
        secretAccessKey: env[ANSWER_SIZE_ENV.s3SecretAccessKey] ?? '',
      },
    };
    const linkEndpoint = env[ANSWER_SIZE_ENV.linkEndpoint];
    return new S3OversizedAnswerStore({
      client: new S3Client({ ...local, endpoint }),
      ...(linkEndpoint ? { linkClient: new S3Client({ ...local, endpoint: linkEndpoint }) } : {}),
      bucketName,
    });
  });
  return { store: async (input) => (await built()).store(input) };
}

/**
 * The size policy the environment names: the S3 store when `OVERSIZED_ANSWERS_BUCKET` is set,
 * else none (answers go inline; refused in `aws` mode, where Lambda's 6 MB limit would lose them).
 *
 * @param env - default process.env
 * @returns the policy
 * @throws AnswerSizeConfigError for an unusable setting; RuntimeConfigError for no bucket in AWS
 */
export function answerSizePolicyFrom(env: NodeJS.ProcessEnv = process.env): AnswerSizePolicy {
  runtimeModeFrom(env);
  const limit = maxInlineBytes(env);
  const bucketName = env[ANSWER_SIZE_ENV.bucketName];
  if (bucketName === undefined || bucketName === '') {
    refuseLocalFallback(env, 'answering every answer inline', ANSWER_SIZE_ENV.bucketName);
    return { store: null, maxInlineBytes: limit };
  }
  if (env[ANSWER_SIZE_ENV.s3Endpoint] && !env[ANSWER_SIZE_ENV.s3AccessKeyId]) {
    throw new AnswerSizeConfigError(
      `${ANSWER_SIZE_ENV.s3AccessKeyId} is not set (the local S3 takes only its own)`,
    );
  }
  return { store: lazyS3Store(env, bucketName), maxInlineBytes: limit };
}
