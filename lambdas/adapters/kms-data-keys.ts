/**
 * Data keys from AWS KMS (moto in tests): GenerateDataKey and Decrypt under one symmetric key,
 * both bound to the Recon encryption context, so CloudTrail records the tenant, control number and
 * sequence of every decryption and KMS refuses a data key asked for under any other context.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DependencyUnavailableError, dependencyError } from '../app/dependency-errors.js';
import type { DataKey, DataKeyProvider, EncryptionContext } from '../app/recon/ports.js';
import { DecryptionError } from './envelope.js';

/** Options of {@link KmsDataKeyProvider}. */
export interface KmsDataKeyProviderOptions {
  /** Built once at module scope by the handler (or pointed at moto in tests). */
  readonly client: KMSClient;
  /** The symmetric key (id, ARN or alias ARN) that encrypts the data keys. */
  readonly keyId: string;
}

function kmsContext(context: EncryptionContext): Record<string, string> {
  return { tenant: context.tenant, controlNumber: context.controlNumber, sequence: context.sequence };
}

/**
 * Whether an error is KMS saying "no" (another context, another key, a tampered blob, a disabled
 * key, no permission) rather than "not now": the "not now" ones (throttling, KMS-side faults,
 * network errors and timeouts) were already made DependencyUnavailableErrors (503).
 */
function isKmsRefusal(error: unknown): error is Error & { name: string } {
  if (!(error instanceof Error) || error instanceof DependencyUnavailableError) return false;
  const fault = (error as { $fault?: unknown }).$fault;
  return fault === 'client' || fault === 'server';
}

/** {@link DataKeyProvider} over AWS KMS. */
export class KmsDataKeyProvider implements DataKeyProvider {
  readonly #client: KMSClient;
  readonly #keyId: string;

  /**
   * @param options - the KMS client and the key id
   */
  constructor(options: KmsDataKeyProviderOptions) {
    this.#client = options.client;
    this.#keyId = options.keyId;
  }

  /**
   * @param context - bound to the key (KMS EncryptionContext)
   * @returns a new AES-256 data key, plain and encrypted, with the key ARN KMS reports
   */
  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const answer = await this.#client
      .send(
        new GenerateDataKeyCommand({
          KeyId: this.#keyId,
          KeySpec: 'AES_256',
          EncryptionContext: kmsContext(context),
        }),
      )
      .catch((error: unknown) => {
        throw dependencyError('KMS', error);
      });
    if (answer.Plaintext === undefined || answer.CiphertextBlob === undefined) {
      throw new Error('KMS GenerateDataKey answered without a key');
    }
    return {
      plaintext: answer.Plaintext,
      encrypted: answer.CiphertextBlob,
      keyId: answer.KeyId ?? this.#keyId,
    };
  }

  /**
   * @param encrypted - a CiphertextBlob from {@link generateDataKey}
   * @param context - the context it was generated with
   * @returns the plaintext data key
   * @throws DecryptionError when KMS refuses (another context, another key, tampered blob,
   *   disabled key, no permission)
   * @throws DependencyUnavailableError when KMS cannot answer now (throttling, KMS-side faults,
   *   network errors, timeouts): a 503, and the box is not called unopenable
   */
  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    try {
      const answer = await this.#client
        .send(
          new DecryptCommand({
            CiphertextBlob: encrypted,
            // Naming the key makes KMS refuse a blob made under any other key (IncorrectKeyException)
            // instead of decrypting with whichever key the blob names.
            KeyId: this.#keyId,
            EncryptionContext: kmsContext(context),
            EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          }),
        )
        .catch((error: unknown) => {
          throw dependencyError('KMS', error);
        });
      if (answer.Plaintext === undefined) throw new Error('KMS Decrypt answered without a plaintext');
      return answer.Plaintext;
    } catch (error) {
      if (!isKmsRefusal(error)) throw error;
      throw new DecryptionError(
        `KMS refused the data key of tenant ${context.tenant}, control number ${context.controlNumber}, ` +
          `sequence ${context.sequence} (${error.name})`,
        { cause: error },
      );
    }
  }
}
