import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ReleaseObjects } from '../app/release/ports.js';

/**
 * The stage's data bucket (issue 20) on S3: objects are SSE-KMS under the bucket's default key (the
 * data store's own key), so uploads send no encryption headers; a key that would leave the working
 * directory (`..`) is refused rather than written.
 */
export class S3ReleaseObjects implements ReleaseObjects {
  readonly #client: Pick<S3Client, 'send'>;
  readonly #bucket: string;

  /**
   * @param client - an S3 client
   * @param bucket - the stage's data bucket
   */
  constructor(client: Pick<S3Client, 'send'>, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  async download(prefix: string, dir: string): Promise<number> {
    let count = 0;
    let token: string | undefined;
    const root = resolve(dir);
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.Key.endsWith('/')) continue;
        const file = resolve(root, relative(prefix, object.Key));
        if (!file.startsWith(`${root}${sep}`)) throw new Error(`object key ${object.Key} leaves ${prefix}`);
        await this.getFile(object.Key, file);
        count += 1;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return count;
  }

  async getFile(key: string, file: string): Promise<void> {
    const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    await mkdir(dirname(file), { recursive: true });
    await pipeline(out.Body as Readable, createWriteStream(file));
  }

  async putFile(key: string, file: string, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: await readFile(file),
        ContentType: contentType,
      }),
    );
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  }

  async getJson(key: string): Promise<unknown> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString());
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
