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

    it('lets a KMS fault (KMSInternalException) and a network error propagate as they are', async () => {
      const fault = new KMSInternalException({ message: 'internal', $metadata: {} });
      kms.on(DecryptCommand).rejectsOnce(fault).rejectsOnce(new Error('socket hang up'));
      await expect(provider().decryptDataKey(new Uint8Array([9]), context)).rejects.toBe(fault);
      const network = await provider()
        .decryptDataKey(new Uint8Array([9]), context)
        .catch((e: unknown) => e);
      expect(network).not.toBeInstanceOf(DecryptionError);
      expect((network as Error).message).toBe('socket hang up');
    });
  });
});
