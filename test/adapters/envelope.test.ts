/**
 * Envelope encryption of Recon PHI with both data key providers: KMS (moto's real KMS API, which
 * checks the encryption context) and the local master key.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalContext,
  DecryptionError,
  open,
  openJson,
  reconEncryptionContext,
  seal,
  sealJson,
} from '../../lambdas/adapters/envelope.js';
import { KmsDataKeyProvider } from '../../lambdas/adapters/kms-data-keys.js';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local-data-keys.js';
import type {
  DataKey,
  DataKeyProvider,
  EncryptionContext,
  SealedBox,
} from '../../lambdas/app/recon/ports.js';
import { withMotoKms } from '../support/emulators.js';

/** Made-up PHI: what must never appear in a sealed box. */
const PATIENT_NAME = 'Marguerite Quillfeather';
const BIRTH_DATE = '1970-01-01';
const MEMBER_ID = 'MBR-88442211';

const bill = {
  patient: { name: PATIENT_NAME, birthDate: BIRTH_DATE, memberId: MEMBER_ID },
  lines: [{ code: '99213', charge: '150.00' }],
};

const context = reconEncryptionContext('tenant-a', 'CN-1001', 2);

/** Flips one bit of a base64 field. */
function flipped(text: string, at = 0): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

function behavesAsAnEnvelope(
  name: string,
  providerOf: () => DataKeyProvider,
  otherProviderOf: () => Promise<DataKeyProvider>,
) {
  describe(name, () => {
    describe('round trip', () => {
      it('opens what it sealed, bytes and JSON', async () => {
        const provider = providerOf();
        const bytes = new Uint8Array(randomBytes(1000));
        expect(await open(provider, context, await seal(provider, context, bytes))).toEqual(bytes);
        expect(await openJson(provider, context, await sealJson(provider, context, bill))).toEqual(bill);
      });

      it('opens an empty plaintext', async () => {
        const provider = providerOf();
        expect((await open(provider, context, await seal(provider, context, new Uint8Array()))).length).toBe(
          0,
        );
      });

      it('opens under a context built in another key order (the AAD is canonical)', async () => {
        const provider = providerOf();
        const box = await sealJson(provider, context, bill);
        const reordered: EncryptionContext = { sequence: '2', controlNumber: 'CN-1001', tenant: 'tenant-a' };
        expect(await openJson(provider, reordered, box)).toEqual(bill);
      });

      it('seals the same plaintext twice into two different boxes (fresh key and IV)', async () => {
        const provider = providerOf();
        const [a, b] = await Promise.all([
          sealJson(provider, context, bill),
          sealJson(provider, context, bill),
        ]);
        expect(a.ct).not.toBe(b.ct);
        expect(a.iv).not.toBe(b.iv);
        expect(a.edk).not.toBe(b.edk);
      });
    });

    describe('refusals', () => {
      it.each([
        ['another tenant', { ...context, tenant: 'tenant-b' }],
        ['another control number', { ...context, controlNumber: 'CN-1002' }],
        ['another sequence', { ...context, sequence: '3' }],
      ])('refuses to open under %s: DecryptionError', async (_label, wrong) => {
        const provider = providerOf();
        const box = await sealJson(provider, context, bill);
        await expect(openJson(provider, wrong, box)).rejects.toBeInstanceOf(DecryptionError);
      });

      it.each([
        ['ciphertext', (box: SealedBox): SealedBox => ({ ...box, ct: flipped(box.ct, 5) })],
        ['tag', (box: SealedBox): SealedBox => ({ ...box, tag: flipped(box.tag) })],
        ['iv', (box: SealedBox): SealedBox => ({ ...box, iv: flipped(box.iv) })],
        ['encrypted data key', (box: SealedBox): SealedBox => ({ ...box, edk: flipped(box.edk, 20) })],
        [
          'truncated tag',
          (box: SealedBox): SealedBox => ({
            ...box,
            tag: Buffer.from(box.tag, 'base64').subarray(0, 12).toString('base64'),
          }),
        ],
        [
          'non-base64 ciphertext',
          (box: SealedBox): SealedBox => ({ ...box, ct: `${box.ct.slice(0, -4)}!!!!` }),
        ],
        ['unknown version', (box: SealedBox): SealedBox => ({ ...box, v: 2 as 1 })],
      ])('refuses a tampered %s: DecryptionError', async (_label, tamper) => {
        const provider = providerOf();
        const box = await sealJson(provider, context, bill);
        await expect(openJson(provider, context, tamper(box))).rejects.toBeInstanceOf(DecryptionError);
      });

      it('refuses a box sealed under another master key: DecryptionError', async () => {
        const box = await sealJson(providerOf(), context, bill);
        await expect(openJson(await otherProviderOf(), context, box)).rejects.toBeInstanceOf(DecryptionError);
      });

      it('names no contents in its error', async () => {
        const provider = providerOf();
        const box = await sealJson(provider, context, bill);
        const error = await openJson(provider, { ...context, tenant: 'tenant-b' }, box).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DecryptionError);
        expect((error as Error).name).toBe('DecryptionError');
        expect(String((error as Error).message)).not.toMatch(
          new RegExp(`${PATIENT_NAME}|${BIRTH_DATE}|${MEMBER_ID}`),
        );
      });
    });

    describe('what the box shows', () => {
      it('holds none of the plaintext in its JSON', async () => {
        const box = await sealJson(providerOf(), context, bill);
        const json = JSON.stringify(box);
        for (const secret of [PATIENT_NAME, BIRTH_DATE, MEMBER_ID, 'Quillfeather', '1970', '88442211']) {
          expect(json).not.toContain(secret);
          // Nor base64 of it (as if it had been encoded instead of encrypted).
          expect(json).not.toContain(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
        }
        expect(box).toMatchObject({ v: 1, alg: 'AES-256-GCM' });
        expect(Buffer.from(box.iv, 'base64')).toHaveLength(12);
        expect(Buffer.from(box.tag, 'base64')).toHaveLength(16);
      });

      it('wipes the plaintext data key after sealing and after opening', async () => {
        const provider = providerOf();
        const handedOut: Uint8Array[] = [];
        const spy: DataKeyProvider = {
          generateDataKey: async (c): Promise<DataKey> => {
            const key = await provider.generateDataKey(c);
            handedOut.push(key.plaintext);
            return key;
          },
          decryptDataKey: async (encrypted, c) => {
            const key = await provider.decryptDataKey(encrypted, c);
            handedOut.push(key);
            return key;
          },
        };
        await openJson(spy, context, await sealJson(spy, context, bill));
        expect(handedOut).toHaveLength(2);
        for (const key of handedOut) expect(key.every((byte) => byte === 0)).toBe(true);
      });
    });
  });
}

describe('envelope (seal/open)', () => {
  describe('against moto', () => {
    // Scoped here: without moto these tests fail, the local provider's still run.
    const moto = withMotoKms();

    behavesAsAnEnvelope(
      'with KmsDataKeyProvider',
      () => new KmsDataKeyProvider({ client: moto.client, keyId: moto.keyId }),
      async () => new KmsDataKeyProvider({ client: moto.client, keyId: await moto.createKey() }),
    );

    describe('KMS specifics', () => {
      it('records the KMS key ARN in the box', async () => {
        const box = await sealJson(
          new KmsDataKeyProvider({ client: moto.client, keyId: moto.keyId }),
          context,
          bill,
        );
        expect(box.keyId).toMatch(new RegExp(`^arn:aws:kms:us-east-1:\\d{12}:key/${moto.keyId}$`));
      });
    });
  });

  const masterKey = randomBytes(32);
  behavesAsAnEnvelope(
    'with LocalDataKeyProvider',
    () => new LocalDataKeyProvider({ masterKey, keyId: 'local/test' }),
    async () => new LocalDataKeyProvider({ masterKey: randomBytes(32), keyId: 'local/other' }),
  );

  describe('canonicalContext', () => {
    it('sorts the keys, whatever order the context was built in', () => {
      expect(canonicalContext({ tenant: 't', sequence: '1', controlNumber: 'c' }).toString()).toBe(
        '{"controlNumber":"c","sequence":"1","tenant":"t"}',
      );
    });

    it('keeps values with quotes and separators apart (JSON escaping)', () => {
      const a = canonicalContext({ tenant: 'a","tenant":"b', controlNumber: 'c', sequence: '1' });
      const b = canonicalContext({ tenant: 'a', controlNumber: 'c', sequence: '1' });
      expect(a.equals(b)).toBe(false);
    });
  });
});
