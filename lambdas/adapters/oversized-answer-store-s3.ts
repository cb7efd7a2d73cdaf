import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  OVERSIZED_ANSWER_LINK_TTL_SECONDS,
  type OversizedAnswerStore,
  oversizedAnswerKey,
  type StoredAnswer,
} from '../app/answers/oversized-store.js';
import { dependencyError } from '../app/dependency-errors.js';

/**
 * The SDK's commands and presigner, imported on the first store: bundled, a static import of an
 * external package is hoisted to the top of the Lambda's bundle and loaded at init, which every
 * request would pay for and almost none needs (decision 014; issue 17 (d)).
 */
let sdk:
  | Promise<{
      readonly s3: typeof import('@aws-sdk/client-s3');
      readonly presigner: typeof import('@aws-sdk/s3-request-presigner');
    }>
  | undefined;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]).then(
    ([s3, presigner]) => ({ s3, presigner }),
  );
  sdk.catch(() => {
    sdk = undefined;
  });
  return sdk;
}

/** User metadata holding the body's SHA-256 (base64url): a reader can tell a complete object. */
export const ANSWER_DIGEST_METADATA = 'sha256';

/** Options of {@link S3OversizedAnswerStore}. */
export interface S3OversizedAnswerStoreOptions {
  /** Writes the answers (in Lambda the function's role; locally s3rver). */
  readonly client: S3Client;
  /**
   * Signs the links. In AWS the same client (the link goes to S3 itself); locally a client whose
   * endpoint is the local edge, which checks the signature as S3 does (s3rver checks none).
   *
   * @default client
   */
  readonly linkClient?: S3Client;
  /** The bucket of oversized answers. */
  readonly bucketName: string;
  /**
   * KMS key (id or ARN) to encrypt each answer with (SSE-KMS). Absent: the bucket's default
   * encryption applies (in AWS the same key; s3rver has none).
   */
  readonly kmsKeyId?: string | undefined;
  /** Seconds a link works (default {@link OVERSIZED_ANSWER_LINK_TTL_SECONDS}). */
  readonly linkTtlSeconds?: number;
  /** The clock (tests move it). */
  readonly now?: () => Date;
}

/**
 * Oversized answers on S3: one object per answer under the tenant's prefix, SSE-KMS, read back
 * through a presigned GET (SigV4, query-string authentication) that expires after the link's
 * lifetime. The bucket's lifecycle rule deletes the object after the retention (CDK).
 */
export class S3OversizedAnswerStore implements OversizedAnswerStore {
  readonly #client: S3Client;
  readonly #linkClient: S3Client;
  readonly #bucketName: string;
  readonly #kmsKeyId: string | undefined;
  readonly #ttl: number;
  readonly #now: () => Date;

  /**
   * @param options - clients, bucket, key, link lifetime
   */
  public constructor(options: S3OversizedAnswerStoreOptions) {
    this.#client = options.client;
    this.#linkClient = options.linkClient ?? options.client;
    this.#bucketName = options.bucketName;
    this.#kmsKeyId = options.kmsKeyId;
    this.#ttl = options.linkTtlSeconds ?? OVERSIZED_ANSWER_LINK_TTL_SECONDS;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Stores the answer whole and signs a GET link to it.
   *
   * @param input - tenant, request id, body and media type
   * @returns the link, its expiry (the second S3 stops accepting it) and the body's bytes
   * @throws TypeError when the tenant or request id cannot be part of a key (nothing is written)
   * @throws DependencyUnavailableError when S3 cannot be reached or throttles (answered 503)
   */
  public async store(input: {
    tenantId: string;
    requestId: string;
    body: string;
    contentType: string;
  }): Promise<StoredAnswer> {
    const key = oversizedAnswerKey(input.tenantId, input.requestId);
    const bytes = Buffer.byteLength(input.body, 'utf8');
    const {
      s3: { GetObjectCommand, PutObjectCommand },
      presigner: { getSignedUrl },
    } = await loadSdk();
    // An S3 outage or throttling is a 503 with Retry-After (the bill can be sent again), not a 500.
    await this.#client
      .send(
        new PutObjectCommand({
          Bucket: this.#bucketName,
          Key: key,
          Body: input.body,
          ContentType: input.contentType,
          CacheControl: 'private, no-store',
          Metadata: {
            [ANSWER_DIGEST_METADATA]: createHash('sha256').update(input.body, 'utf8').digest('base64url'),
          },
          ...(this.#kmsKeyId === undefined
            ? {}
            : {
                ServerSideEncryption: 'aws:kms' as const,
                SSEKMSKeyId: this.#kmsKeyId,
                BucketKeyEnabled: true,
              }),
        }),
      )
      .catch((error: unknown) => {
        throw dependencyError('Answer store', error);
      });
    // X-Amz-Date has whole seconds: the expiry is counted from the second the link names.
    const signedAt = new Date(Math.floor(this.#now().getTime() / 1000) * 1000);
    const url = await getSignedUrl(
      this.#linkClient,
      new GetObjectCommand({ Bucket: this.#bucketName, Key: key }),
      {
        expiresIn: this.#ttl,
        signingDate: signedAt,
      },
    );
    return { url, expiresAt: new Date(signedAt.getTime() + this.#ttl * 1000).toISOString(), bytes };
  }
}
