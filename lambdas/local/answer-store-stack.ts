/**
 * The oversized answers of the local stack (decision 014): s3rver as the bucket (in a thread of its
 * own), under the state directory beside the SmartBill pages, and the local edge that checks the signed links as S3
 * does. It answers the environment the pricing handler reads: the bucket, s3rver's endpoint and
 * fixed credentials, and the edge as the endpoint links are signed for.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OVERSIZED_ANSWER_RETENTION_DAYS } from '../app/answers/oversized-store.js';
import { ANSWER_SIZE_ENV } from '../handlers/shared/answer-size-deps.js';
import { type AnswerEdgeDecision, startAnswerEdge } from './answer-edge.js';
import { S3RVER_CREDENTIALS, S3RVER_REGION, s3rverClient } from './emulators/s3rver.js';
import { startS3rverThread } from './emulators/s3rver-thread.js';

/** The local bucket of oversized answers. */
export const LOCAL_ANSWERS_BUCKET = 'wcbr-answers';
/** Where its objects live in the state directory. */
export const LOCAL_ANSWERS_DIR = 'answers-s3';

/** Options of {@link startAnswerBackends}. */
export interface AnswerBackendOptions {
  /** The local stack's state directory. */
  readonly stateDir: string;
  /** Proxy results above this many bytes are stored (default: the policy's, 6,225,920). */
  readonly maxInlineBytes?: number | undefined;
  /** The edge's clock (tests move it). */
  readonly now?: (() => Date) | undefined;
  /** Told the outcome of every edge request. */
  readonly onEdgeDecision?: ((decision: AnswerEdgeDecision) => void) | undefined;
}

/** The running backends. */
export interface AnswerBackends {
  /** For the pricing handler (set before its module loads). */
  readonly environment: Readonly<Record<string, string>>;
  readonly edgeUrl: string;
  readonly s3Endpoint: string;
  stop(): Promise<void>;
}

/**
 * Deletes stored answers older than the retention, as the bucket's lifecycle rule does in AWS
 * (s3rver has no lifecycle): files under the bucket's directory whose last change is older.
 */
async function expireOldAnswers(directory: string, now: Date): Promise<void> {
  const cutoff = now.getTime() - OVERSIZED_ANSWER_RETENTION_DAYS * 86_400_000;
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const info = await stat(file).catch(() => null);
    if (info !== null && info.mtimeMs < cutoff) await rm(file, { force: true });
  }
}

/**
 * Starts s3rver with the answers bucket and the edge in front of it; answers past the retention
 * are deleted first.
 *
 * @param options - state directory, threshold, clock
 * @returns the environment, the endpoints and a stop function
 */
export async function startAnswerBackends(options: AnswerBackendOptions): Promise<AnswerBackends> {
  const directory = join(options.stateDir, LOCAL_ANSWERS_DIR);
  await expireOldAnswers(join(directory, LOCAL_ANSWERS_BUCKET), options.now?.() ?? new Date());
  // In a thread of its own: receiving a 7 MB answer must not hold the API's event loop.
  const s3 = await startS3rverThread({ directory, buckets: [LOCAL_ANSWERS_BUCKET] });
  const client = s3rverClient(s3.endpoint);
  let edge: Awaited<ReturnType<typeof startAnswerEdge>>;
  try {
    edge = await startAnswerEdge({
      s3: client,
      credentials: S3RVER_CREDENTIALS,
      region: S3RVER_REGION,
      ...(options.now ? { now: options.now } : {}),
      ...(options.onEdgeDecision ? { onDecision: options.onEdgeDecision } : {}),
    });
  } catch (error) {
    client.destroy();
    await s3.stop();
    throw error;
  }
  const environment: Record<string, string> = {
    [ANSWER_SIZE_ENV.bucketName]: LOCAL_ANSWERS_BUCKET,
    [ANSWER_SIZE_ENV.s3Endpoint]: s3.endpoint,
    [ANSWER_SIZE_ENV.linkEndpoint]: edge.url,
    // s3rver takes only its own fixed access key; they open nothing in AWS.
    [ANSWER_SIZE_ENV.s3AccessKeyId]: S3RVER_CREDENTIALS.accessKeyId,
    [ANSWER_SIZE_ENV.s3SecretAccessKey]: S3RVER_CREDENTIALS.secretAccessKey,
    ...(options.maxInlineBytes === undefined
      ? {}
      : { [ANSWER_SIZE_ENV.maxInlineBytes]: String(options.maxInlineBytes) }),
  };
  return {
    environment,
    edgeUrl: edge.url,
    s3Endpoint: s3.endpoint,
    stop: async () => {
      await edge.stop();
      client.destroy();
      await s3.stop();
    },
  };
}
