import { createPrivateKey } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudfrontSignerAlgorithm } from '@aws-sdk/cloudfront-signer';
import type { SmartBillLinker } from '../app/smartbill/ports.js';
import { awsSdk } from './aws-sdk.js';

/** The signing key could not be loaded or is not an RSA private key. Never carries the key itself. */
export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

/** Options of {@link CloudFrontUrlSigner}. */
export interface CloudFrontUrlSignerOptions {
  /**
   * Where pages are served: `https://d111111abcdef8.cloudfront.net` (the distribution's domain),
   * an alternate domain, or locally the edge's `http://127.0.0.1:<port>`. A bare host name is taken
   * as `https://<host>`. A trailing slash is ignored.
   */
  readonly baseUrl: string;
  /** The CloudFront public key id in the distribution's trusted key group (`SmartBillSite.publicKey.publicKeyId`). */
  readonly keyPairId: string;
  /** The matching RSA private key, PEM (from {@link loadSigningKeyFromSecretsManager}). */
  readonly privateKeyPem: string;
  /**
   * Hash of the signature. CloudFront accepts SHA1 (the classic format) and, with a
   * `Hash-Algorithm=SHA256` parameter, SHA256.
   *
   * @default 'SHA1'
   */
  readonly algorithm?: CloudfrontSignerAlgorithm;
}

/**
 * SmartBill links as CloudFront signed URLs with a custom policy (one resource with a wildcard
 * suffix, an expiry, no IP or start condition), made by the AWS SDK's own signer so that the format
 * is CloudFront's. A custom policy, not a canned one, because the page's unlock endpoint must sit
 * behind the same signature (decision 009).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html
 */
export class CloudFrontUrlSigner implements SmartBillLinker {
  readonly #baseUrl: string;
  readonly #keyPairId: string;
  readonly #privateKeyPem: string;
  readonly #algorithm: CloudfrontSignerAlgorithm;

  /**
   * @param options - where pages are served and the key pair that signs
   */
  public constructor(options: CloudFrontUrlSignerOptions) {
    const base = /^[a-z]+:\/\//i.test(options.baseUrl) ? options.baseUrl : `https://${options.baseUrl}`;
    this.#baseUrl = base.replace(/\/+$/, '');
    this.#keyPairId = options.keyPairId;
    this.#privateKeyPem = options.privateKeyPem;
    this.#algorithm = options.algorithm ?? 'SHA1';
  }

  /**
   * Signs a custom policy whose resource is the page's path with `.*` for `.html`, so that one link
   * opens the page and its unlock endpoint (`smartbills/<id>.unlock`) and no other path.
   *
   * @param key - the stored page's key (`smartbills/<token>.html`)
   * @param expiresAt - when the link stops working (rounded to the second, as the policy holds it)
   * @returns `<baseUrl>/<key>?Policy=…&Signature=…&Key-Pair-Id=…`
   */
  public signedUrl(key: string, expiresAt: Date): string {
    const url = `${this.#baseUrl}/${key.replace(/^\/+/, '')}`;
    return awsSdk.cloudFrontSigner().getSignedUrl({
      url,
      keyPairId: this.#keyPairId,
      privateKey: this.#privateKeyPem,
      policy: pagePolicy(url, expiresAt),
      algorithm: this.#algorithm,
    });
  }
}

/**
 * The custom policy of a page link: its URL with `.*` in place of `.html` (page and unlock
 * endpoint), valid until `expiresAt` (epoch seconds), no start time or address condition.
 *
 * @param pageUrl - the page's absolute URL
 * @param expiresAt - the expiry
 * @returns the policy JSON, as signed
 */
export function pagePolicy(pageUrl: string, expiresAt: Date): string {
  return JSON.stringify({
    Statement: [
      {
        Resource: pageUrl.replace(/\.html$/, '.*'),
        Condition: { DateLessThan: { 'AWS:EpochTime': Math.floor(expiresAt.getTime() / 1000) } },
      },
    ],
  });
}

/**
 * Checks that a PEM is an RSA private key, so that a wrong secret fails when it is loaded (cold
 * start) rather than on the first page.
 *
 * @param pem - the candidate
 * @param source - where it came from, for the error message
 * @returns the PEM unchanged
 */
export function assertRsaPrivateKeyPem(pem: string, source: string): string {
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    throw new SigningKeyError(`${source} does not hold a PEM private key`);
  }
  if (type !== 'rsa') throw new SigningKeyError(`${source} holds a ${type} key; CloudFront signs with RSA`);
  return pem;
}

/**
 * Reads the CloudFront signing key from Secrets Manager. The secret's string is the PEM itself, or
 * JSON with a `privateKey` field holding it. Call it once per execution environment and keep the
 * promise at module scope (the handler is the composition root); on a rejection build a new one.
 *
 * @param client - injected Secrets Manager client
 * @param secretId - the secret's ARN or name
 * @returns the private key PEM
 */
export async function loadSigningKeyFromSecretsManager(
  client: SecretsManagerClient,
  secretId: string,
): Promise<string> {
  let secret: string | undefined;
  try {
    const { GetSecretValueCommand } = awsSdk.secretsManager();
    secret = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new SigningKeyError(
      `cannot read the SmartBill signing key from Secrets Manager (${(error as Error).name})`,
      { cause: error },
    );
  }
  if (secret === undefined || secret.trim() === '') {
    throw new SigningKeyError('the SmartBill signing key secret has no SecretString');
  }
  let pem = secret.trim();
  if (pem.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(pem);
    } catch {
      throw new SigningKeyError('the SmartBill signing key secret is neither a PEM nor JSON');
    }
    const field = (parsed as { privateKey?: unknown }).privateKey;
    if (typeof field !== 'string') {
      throw new SigningKeyError('the SmartBill signing key secret has no string field "privateKey"');
    }
    pem = field;
  }
  return assertRsaPrivateKeyPem(pem, 'the SmartBill signing key secret');
}
