/**
 * The Recon body store and the oversized-answer store on S3 (issue 17, § 2). In AWS every object
 * is written with SSE-KMS under the Recon bodies key (and the bucket enforces it); locally s3rver
 * has no KMS, and the intermediates live only while their request runs (the local route deletes
 * them when it has answered).
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { dependencyError } from '../app/dependency-errors.js';
import type { OversizedAnswerStore, ReconBodyStore } from '../app/recon/ports.js';

/** Options of {@link S3ReconBodyStore} and {@link S3OversizedAnswerStore}. */
export interface S3BodyStoreOptions {
  /** Built once at module scope by the handler (or pointed at s3rver locally). */
  readonly client: S3Client;
  readonly bucketName: string;
  /** KMS key for SSE-KMS; absent locally (s3rver), where no encryption header is sent. */
  readonly kmsKeyId?: string | undefined;
}

function encryption(kmsKeyId: string | undefined) {
  return kmsKeyId === undefined
    ? {}
    : {
        ServerSideEncryption: 'aws:kms' as const,
        SSEKMSKeyId: kmsKeyId,
        // One KMS call per bucket key period instead of one per object.
        BucketKeyEnabled: true,
      };
}

/** S3's DeleteObjects takes at most this many keys a call. */
const DELETE_BATCH = 1_000;

/** {@link ReconBodyStore} on one S3 bucket. */
export class S3ReconBodyStore implements ReconBodyStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #kmsKeyId: string | undefined;

  /** @param options - client, bucket, key */
  constructor(options: S3BodyStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucketName;
    this.#kmsKeyId = options.kmsKeyId;
  }

  async #send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw dependencyError('Recon body store', error);
    }
  }

  /**
   * @param key - from reconBodyKeys
   * @param body - the bytes
   */
  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.#send(() =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: body,
          ContentType: 'application/octet-stream',
          ...encryption(this.#kmsKeyId),
        }),
      ),
    );
  }

  /**
   * @param key - from reconBodyKeys
   * @returns the bytes, or null when there is no such object
   */
  async get(key: string): Promise<Uint8Array | null> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return (await out.Body?.transformToByteArray()) ?? null;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return null;
      throw dependencyError('Recon body store', error);
    }
  }

  /** @param keys - objects to delete; missing ones are fine */
  async delete(keys: readonly string[]): Promise<void> {
    for (let offset = 0; offset < keys.length; offset += DELETE_BATCH) {
      const batch = keys.slice(offset, offset + DELETE_BATCH);
      await this.#send(() =>
        this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
    }
  }
}

/** Key prefix of stored oversized answers (expired by the bucket's lifecycle with the intermediates). */
export const OVERSIZED_ANSWER_PREFIX = 'answers/';

/** How long the signed link of an oversized answer works: long enough to follow a 303 and retry. */
export const OVERSIZED_ANSWER_LINK_SECONDS = 15 * 60;

/**
 * {@link OversizedAnswerStore} on S3: the answer under an unguessable tenant-scoped key, and a
 * presigned GET of it. The signature is the function role's (SigV4 query parameters), so the link
 * can never outlive the role's session or the object's lifecycle.
 */
export class S3OversizedAnswerStore implements OversizedAnswerStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #kmsKeyId: string | undefined;
  readonly #now: () => Date;

  /**
   * @param options - client, bucket, key
   * @param now - the clock (tests)
   */
  constructor(options: S3BodyStoreOptions, now: () => Date = () => new Date()) {
    this.#client = options.client;
    this.#bucket = options.bucketName;
    this.#kmsKeyId = options.kmsKeyId;
    this.#now = now;
  }

  /**
   * @param input - tenant, request id, the answer and its content type
   * @returns the signed link, when it stops working, and the answer's size in bytes
   */
  async store(input: { tenantId: string; requestId: string; body: string; contentType: string }) {
    const key = `${OVERSIZED_ANSWER_PREFIX}${encodeURIComponent(input.tenantId)}/${encodeURIComponent(
      input.requestId,
    )}-${randomBytes(16).toString('base64url')}.json`;
    const bytes = Buffer.byteLength(input.body, 'utf8');
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: input.body,
          ContentType: input.contentType,
          CacheControl: 'no-store',
          ...encryption(this.#kmsKeyId),
        }),
      );
      const url = await getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.#bucket, Key: key }), {
        expiresIn: OVERSIZED_ANSWER_LINK_SECONDS,
      });
      const expiresAt = new Date(this.#now().getTime() + OVERSIZED_ANSWER_LINK_SECONDS * 1000).toISOString();
      return { url, expiresAt, bytes };
    } catch (error) {
      throw dependencyError('Recon body store', error);
    }
  }
}
