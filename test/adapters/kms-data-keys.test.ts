/**
 * KmsDataKeyProvider against a mocked KMS client: what it asks KMS, and which KMS answers become a
 * DecryptionError (a refusal) and which propagate (a fault someone must retry or fix). The real
 * KMS API (moto) is exercised in envelope.test.ts.
 */

import {
  DecryptCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSInternalException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DecryptionError } from '../../lambdas/adapters/envelope.js';
import { KmsDataKeyProvider } from '../../lambdas/adapters/kms-data-keys.js';
import {
  DependencyUnavailableError,
  THROTTLED_RETRY_AFTER_SECONDS,
} from '../../lambdas/app/dependency-errors.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const KEY_ID = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const context = { tenant: 'tenant-a', controlNumber: 'CN-1', sequence: '1' };
const kms = mockClient(KMSClient);
const provider = () =>
  new KmsDataKeyProvider({ client: new KMSClient({ region: 'us-east-1' }), keyId: KEY_ID });

beforeEach(() => {
  kms.reset();
});

describe('KmsDataKeyProvider', () => {
  describe('generateDataKey', () => {
    it('asks for an AES-256 key under the configured key, bound to the whole context', async () => {
      kms.on(GenerateDataKeyCommand).resolves({
        Plaintext: new Uint8Array(32).fill(7),
        CiphertextBlob: new Uint8Array([1, 2, 3]),
        KeyId: KEY_ID,
      });
      const key = await provider().generateDataKey(context);
      expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toEqual({
        KeyId: KEY_ID,
        KeySpec: 'AES_256',
        EncryptionContext: { tenant: 'tenant-a', controlNumber: 'CN-1', sequence: '1' },
      });
      expect(key).toEqual({
        plaintext: new Uint8Array(32).fill(7),
        encrypted: new Uint8Array([1, 2, 3]),
        keyId: KEY_ID,
      });
    });
  });

  describe('decryptDataKey', () => {
    it('names the key, the algorithm and the context', async () => {
      kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(32), KeyId: KEY_ID });
      await provider().decryptDataKey(new Uint8Array([9]), context);
      expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toEqual({
        CiphertextBlob: new Uint8Array([9]),
        KeyId: KEY_ID,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        EncryptionContext: { tenant: 'tenant-a', controlNumber: 'CN-1', sequence: '1' },
      });
    });

    it.each([
      ['InvalidCiphertextException', new InvalidCiphertextException({ message: 'bad', $metadata: {} })],
      ['IncorrectKeyException', new IncorrectKeyException({ message: 'other key', $metadata: {} })],
    ])('turns %s into a DecryptionError naming the tenant and control number', async (_name, refusal) => {
      kms.on(DecryptCommand).rejects(refusal);
      const error = await provider()
        .decryptDataKey(new Uint8Array([9]), context)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecryptionError);
      expect((error as Error).message).toContain('tenant-a');
      expect((error as Error).message).toContain('CN-1');
      expect((error as Error).cause).toBe(refusal);
    });

    it('makes a KMS fault (KMSInternalException) and a network error a DependencyUnavailableError, not a DecryptionError (issue 15: were 500s)', async () => {
      const fault = new KMSInternalException({ message: 'internal', $metadata: {} });
      const hangUp = new Error('socket hang up');
      kms.on(DecryptCommand).rejectsOnce(fault).rejectsOnce(hangUp);
      for (const cause of [fault, hangUp]) {
        const error = await provider()
          .decryptDataKey(new Uint8Array([9]), context)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DependencyUnavailableError);
        expect((error as DependencyUnavailableError).dependency).toBe('KMS');
        expect((error as Error).cause).toBe(cause);
      }
    });

    it('makes throttling of GenerateDataKey a DependencyUnavailableError with a shorter Retry-After', async () => {
      const throttled = Object.assign(new Error('slow down'), {
        name: 'ThrottlingException',
        $fault: 'client',
      });
      kms.on(GenerateDataKeyCommand).rejects(throttled);
      const error = await provider()
        .generateDataKey(context)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).retryAfterSeconds).toBe(THROTTLED_RETRY_AFTER_SECONDS);
    });
  });
});
