/**
 * Batch objects in S3: the bucket's default encryption is SSE-KMS with the batch key (so an upload
 * through a presigned PUT is encrypted without the client sending encryption headers, and the
 * bucket policy refuses any other), lifecycle rules give the objects the Recon retention and drop
 * the work files after a week. Links are S3 presigned URLs (SigV4, signed by the function's role,
 * valid for the given seconds).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BatchObjects } from '../app/batch/ports.js';

/** Options of {@link S3BatchObjects}. */
export interface S3BatchObjectsOptions {
  readonly client: S3Client;
  readonly bucketName: string;
}

/** S3's smallest part of a multipart upload, but the last. */
const MIN_PART_BYTES = 5 * 1024 * 1024;
/** What results.jsonl is uploaded in: parts of about this size. */
const PART_BYTES = 16 * 1024 * 1024;

/** {@link BatchObjects} on S3. */
export class S3BatchObjects implements BatchObjects {
  readonly #client: S3Client;
  readonly #bucket: string;

  /** @param options - client and bucket */
  constructor(options: S3BatchObjectsOptions) {
    this.#client = options.client;
    this.#bucket = options.bucketName;
  }

  uploadLink(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.#client, new PutObjectCommand({ Bucket: this.#bucket, Key: key }), {
      expiresIn: seconds,
    });
  }

  downloadLink(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.#bucket, Key: key }), {
      expiresIn: seconds,
    });
  }

  async readRange(key: string, start: number, end: number, etag?: string): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array();
    const out = await this.#client.send(
      new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Range: `bytes=${start}-${end - 1}`,
        ...(etag === undefined ? {} : { IfMatch: etag }),
      }),
    );
    return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  }

  async readText(key: string): Promise<string | null> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return (await out.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  /**
   * An object's bytes as a stream (the split step reads the input once, never whole in memory).
   *
   * @param key - the object key
   * @returns its chunks
   */
  async *stream(key: string): AsyncIterable<Uint8Array> {
    const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    const body = out.Body as AsyncIterable<Uint8Array> | undefined;
    if (body === undefined) return;
    for await (const bytes of body) yield bytes;
  }

  async write(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async concatenate(key: string, parts: readonly string[], contentType: string): Promise<void> {
    const { UploadId } = await this.#client.send(
      new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key: key, ContentType: contentType }),
    );
    const done: { ETag: string; PartNumber: number }[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async (last: boolean) => {
      if (pendingBytes === 0 || (!last && pendingBytes < MIN_PART_BYTES)) return;
      const PartNumber = done.length + 1;
      const out = await this.#client.send(
        new UploadPartCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId,
          PartNumber,
          Body: Buffer.concat(pending),
        }),
      );
      done.push({ ETag: out.ETag as string, PartNumber });
      pending = [];
      pendingBytes = 0;
    };
    try {
      for (const part of parts) {
        for await (const bytes of this.stream(part)) {
          pending.push(bytes);
          pendingBytes += bytes.length;
          if (pendingBytes >= PART_BYTES) await flush(false);
        }
      }
      if (done.length === 0 && pendingBytes === 0) {
        // An empty input: S3 needs one part.
        const out = await this.#client.send(
          new UploadPartCommand({
            Bucket: this.#bucket,
            Key: key,
            UploadId,
            PartNumber: 1,
            Body: new Uint8Array(),
          }),
        );
        done.push({ ETag: out.ETag as string, PartNumber: 1 });
      } else {
        await flush(true);
      }
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: done },
        }),
      );
    } catch (error) {
      await this.#client
        .send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }
}
