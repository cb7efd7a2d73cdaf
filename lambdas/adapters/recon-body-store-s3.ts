/**
 * The Recon body store on S3 (issue 17, § 2). Its oversized answers go through the price route's
 * adapter (oversized-answer-store-s3.ts) pointed at this bucket's `answers/` prefix. In AWS every object
 * is written with SSE-KMS under the Recon bodies key (and the bucket enforces it); locally s3rver
 * has no KMS, and the intermediates live only while their request runs (the local route deletes
 * them when it has answered).
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { dependencyError } from '../app/dependency-errors.js';
import type { ReconBodyStore } from '../app/recon/ports.js';

/** Options of {@link S3ReconBodyStore}. */
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
