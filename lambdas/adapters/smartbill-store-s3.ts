import { createHash, randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  SMARTBILL_CACHE_CONTROL,
  SMARTBILL_CONTENT_TYPE,
  SMARTBILL_KEY_PATTERN,
  SMARTBILL_KEY_PREFIX,
  type SmartBillStore,
} from '../app/smartbill/ports.js';
import { awsSdk } from './aws-sdk.js';

/** Random bytes in a key: 192 bits, 32 base64url characters (no padding). */
const KEY_BYTES = 24;

/** User metadata holding the page's SHA-256 (base64url), written with the page. */
const DIGEST_METADATA = 'sha256';

function digestOf(html: string): string {
  return createHash('sha256').update(html, 'utf8').digest('base64url');
}

/** Options of {@link S3SmartBillStore}. */
export interface S3SmartBillStoreOptions {
  /** Injected client (in Lambda, built once at module scope; locally, pointed at s3rver). */
  readonly client: S3Client;
  /** The SmartBill bucket (the `SmartBillSite` construct's bucket name). */
  readonly bucketName: string;
  /**
   * KMS key (id or ARN) to encrypt each page with (SSE-KMS). When absent, no encryption header is
   * sent and the bucket's default encryption applies (in AWS the same key; s3rver has none).
   */
  readonly kmsKeyId?: string | undefined;
}

/**
 * Creates a new page key: {@link SMARTBILL_KEY_PREFIX}, 24 bytes from the CSPRNG in base64url,
 * `.html`. The key is the page's only secret besides the signature, so it comes from
 * `crypto.randomBytes`, never from a bill field, a time or a counter.
 *
 * @returns a key matching {@link SMARTBILL_KEY_PATTERN}
 */
export function newSmartBillKey(): string {
  return `${SMARTBILL_KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}.html`;
}

/**
 * The SmartBill store on S3: one object per page under an unguessable key, sent with the headers
 * CloudFront passes to the viewer (content type, no caching) and encrypted with the site's KMS key.
 */
export class S3SmartBillStore implements SmartBillStore {
  readonly #client: S3Client;
  readonly #bucketName: string;
  readonly #kmsKeyId: string | undefined;

  /**
   * @param options - client, bucket and optional KMS key
   */
  public constructor(options: S3SmartBillStoreOptions) {
    this.#client = options.client;
    this.#bucketName = options.bucketName;
    this.#kmsKeyId = options.kmsKeyId;
  }

  /**
   * Writes the page under a new key.
   *
   * @param html - the complete page
   * @returns the key it was stored under
   */
  public async put(html: string): Promise<{ readonly key: string }> {
    const key = newSmartBillKey();
    await this.putAt(key, html);
    return { key };
  }

  /**
   * Writes the page under a key made before with {@link newSmartBillKey}.
   *
   * @param key - the page's key
   * @param html - the complete page
   * @throws TypeError when the key is not a SmartBill key (nothing is written)
   */
  public async putAt(key: string, html: string): Promise<void> {
    if (!SMARTBILL_KEY_PATTERN.test(key)) throw new TypeError('not a SmartBill page key');
    const { PutObjectCommand } = awsSdk.s3();
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucketName,
        Key: key,
        Body: html,
        // The page's digest travels with it, so a reader can tell a complete page from one caught
        // mid-write (s3rver has served an empty body with 200 under load): see get().
        Metadata: { [DIGEST_METADATA]: digestOf(html) },
        ContentType: SMARTBILL_CONTENT_TYPE,
        CacheControl: SMARTBILL_CACHE_CONTROL,
        ...(this.#kmsKeyId === undefined
          ? {}
          : {
              ServerSideEncryption: 'aws:kms' as const,
              SSEKMSKeyId: this.#kmsKeyId,
              // One KMS call per bucket key period instead of one per page; the bucket enables it too.
              BucketKeyEnabled: true,
            }),
      }),
    );
  }

  /**
   * Reads a page.
   *
   * @param key - a key from {@link put}; anything else is reported as absent without asking S3
   * @returns the page, or null when there is no such object
   */
  public async get(key: string): Promise<string | null> {
    if (!SMARTBILL_KEY_PATTERN.test(key)) return null;
    const { GetObjectCommand, NoSuchKey } = awsSdk.s3();
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucketName, Key: key }));
      const html = (await out.Body?.transformToString('utf-8')) ?? null;
      const digest = out.Metadata?.[DIGEST_METADATA];
      // Not yet complete (or not written by this store): as if it were not stored yet, never a partial page.
      if (html === null || digest === undefined || digest !== digestOf(html)) return null;
      return html;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }
}
