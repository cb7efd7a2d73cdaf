import { createVerify, generateKeyPairSync } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudFrontUrlSigner,
  loadSigningKeyFromSecretsManager,
  SigningKeyError,
} from '../../lambdas/adapters/cloudfront-url-signer.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY = 'smartbills/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.html';
const EXPIRES = new Date('2026-12-22T12:00:00Z');

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

describe('CloudFrontUrlSigner', () => {
  it('signs a custom policy over the page and its unlock endpoint with RSA-SHA1 in CloudFront base64', () => {
    // Prepare
    const signer = new CloudFrontUrlSigner({
      baseUrl: 'd111111abcdef8.cloudfront.net',
      keyPairId: 'K2JCJMDEHXQW5F',
      privateKeyPem: PRIVATE_KEY_PEM,
    });
    const fromCloudFrontBase64 = (text: string) =>
      Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');

    // Act
    const url = new URL(signer.signedUrl(KEY, EXPIRES));

    // Assess: one link for smartbills/<id>.html and smartbills/<id>.unlock (decision 009), valid
    // until the expiry in epoch seconds, and nothing else.
    expect(`${url.origin}${url.pathname}`).toBe(`https://d111111abcdef8.cloudfront.net/${KEY}`);
    expect(url.searchParams.get('Expires')).toBeNull();
    expect(url.searchParams.get('Key-Pair-Id')).toBe('K2JCJMDEHXQW5F');
    const policy = fromCloudFrontBase64(url.searchParams.get('Policy') ?? '').toString('utf8');
    expect(JSON.parse(policy)).toEqual({
      Statement: [
        {
          Resource: `https://d111111abcdef8.cloudfront.net/${KEY.replace(/\.html$/, '.*')}`,
          Condition: { DateLessThan: { 'AWS:EpochTime': 1797940800 } },
        },
      ],
    });
    const signature = url.searchParams.get('Signature') ?? '';
    expect(signature).toMatch(/^[A-Za-z0-9~_-]+$/);
    const verifier = createVerify('RSA-SHA1');
    verifier.update(policy);
    expect(verifier.verify(publicKey, fromCloudFrontBase64(signature))).toBe(true);
  });

  it('keeps one slash between the base URL and the key', () => {
    const signer = new CloudFrontUrlSigner({
      baseUrl: 'https://bills.example.com/',
      keyPairId: 'K1',
      privateKeyPem: PRIVATE_KEY_PEM,
    });
    expect(signer.signedUrl(KEY, EXPIRES).startsWith(`https://bills.example.com/${KEY}?`)).toBe(true);
  });
});

describe('loadSigningKeyFromSecretsManager', () => {
  const client = new SecretsManagerClient({ region: 'us-east-1' });

  it('reads a PEM secret', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'wcbr/smartbill-signing-key' }).resolves({
      SecretString: PRIVATE_KEY_PEM,
    });
    expect(await loadSigningKeyFromSecretsManager(client, 'wcbr/smartbill-signing-key')).toBe(
      PRIVATE_KEY_PEM.trim(),
    );
  });

  it('reads a JSON secret with a privateKey field', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ privateKey: PRIVATE_KEY_PEM }) });
    expect(await loadSigningKeyFromSecretsManager(client, 's')).toBe(PRIVATE_KEY_PEM);
  });

  it('refuses a secret that is no RSA private key, without repeating it', async () => {
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const SecretString of [publicPem, 'hunter2', '{"key":"x"}', '{not json']) {
      secrets.on(GetSecretValueCommand).resolves({ SecretString });
      const error = await loadSigningKeyFromSecretsManager(client, 's').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SigningKeyError);
      expect((error as Error).message).not.toContain('hunter2');
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ec });
    await expect(loadSigningKeyFromSecretsManager(client, 's')).rejects.toThrow(/RSA/);
  });

  it('reports a Secrets Manager failure by its name', async () => {
    secrets.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
        name: 'ResourceNotFoundException',
      }),
    );
    await expect(loadSigningKeyFromSecretsManager(client, 's')).rejects.toThrow(/ResourceNotFoundException/);
  });
});
