/**
 * LocalDataKeyProvider (wrapping with the master key, context as AAD) and the master key file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError } from '../../lambdas/adapters/envelope.js';
import {
  LOCAL_MASTER_KEY_FILE,
  LocalDataKeyProvider,
  loadOrCreateLocalMasterKey,
  readLocalMasterKeySync,
} from '../../lambdas/adapters/local-data-keys.js';

const context = { tenant: 'tenant-a', controlNumber: 'CN-1', sequence: '1' };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wcbr-local-keys-'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('LocalDataKeyProvider', () => {
  const provider = new LocalDataKeyProvider({ masterKey: randomBytes(32), keyId: 'local/test' });

  describe('data keys', () => {
    it('unwraps a key under the context it was made for', async () => {
      const key = await provider.generateDataKey(context);
      expect(key.plaintext).toHaveLength(32);
      expect(key.keyId).toBe('local/test');
      expect(await provider.decryptDataKey(key.encrypted, context)).toEqual(key.plaintext);
    });

    it.each([
      ['tenant', { ...context, tenant: 'tenant-b' }],
      ['control number', { ...context, controlNumber: 'CN-2' }],
      ['sequence', { ...context, sequence: '2' }],
    ])('refuses another %s: DecryptionError', async (_label, wrong) => {
      const key = await provider.generateDataKey(context);
      await expect(provider.decryptDataKey(key.encrypted, wrong)).rejects.toBeInstanceOf(DecryptionError);
    });

    it('refuses damaged or foreign bytes: DecryptionError', async () => {
      const key = await provider.generateDataKey(context);
      const damaged = Uint8Array.from(key.encrypted);
      damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 1;
      await expect(provider.decryptDataKey(damaged, context)).rejects.toBeInstanceOf(DecryptionError);
      await expect(provider.decryptDataKey(key.encrypted.subarray(1), context)).rejects.toBeInstanceOf(
        DecryptionError,
      );
      const other = new LocalDataKeyProvider({ masterKey: randomBytes(32), keyId: 'local/other' });
      await expect(other.decryptDataKey(key.encrypted, context)).rejects.toBeInstanceOf(DecryptionError);
    });

    it('refuses a master key that is not 32 bytes', () => {
      expect(() => new LocalDataKeyProvider({ masterKey: randomBytes(16), keyId: 'x' })).toThrow(RangeError);
    });
  });

  describe('loadOrCreateLocalMasterKey', () => {
    it('creates a key file only its owner can read, and reads the same key back', async () => {
      const keyDir = join(dir, 'state');
      const created = await loadOrCreateLocalMasterKey(keyDir);
      expect(created.masterKey).toHaveLength(32);
      expect((await stat(created.path)).mode & 0o777).toBe(0o600);
      expect((await stat(keyDir)).mode & 0o777).toBe(0o700);
      const again = await loadOrCreateLocalMasterKey(keyDir);
      expect(again.keyId).toBe(created.keyId);
      expect(again.masterKey).toEqual(created.masterKey);
    });

    it('reads the same key synchronously from the file (readLocalMasterKeySync, for module scope)', async () => {
      const created = await loadOrCreateLocalMasterKey(join(dir, 'sync'));
      const read = readLocalMasterKeySync(created.path);
      expect(read).toEqual(created);
      const provider = new LocalDataKeyProvider(read);
      const key = await provider.generateDataKey(context);
      expect(await new LocalDataKeyProvider(created).decryptDataKey(key.encrypted, context)).toEqual(
        key.plaintext,
      );
      expect(() => readLocalMasterKeySync(join(dir, 'sync', 'missing.json'))).toThrow(/ENOENT/);
    });

    it('gives processes that start at once one key', async () => {
      const keyDir = join(dir, 'race');
      const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateLocalMasterKey(keyDir)));
      expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
      expect(new Set(keys.map((k) => Buffer.from(k.masterKey).toString('hex'))).size).toBe(1);
    });

    it('refuses a key file others can read', async () => {
      const keyDir = join(dir, 'open');
      const { path } = await loadOrCreateLocalMasterKey(keyDir);
      await chmod(path, 0o644);
      await expect(loadOrCreateLocalMasterKey(keyDir)).rejects.toThrow(/readable by others.*chmod 600/);
    });

    it('refuses a file that is not a key file, without overwriting it', async () => {
      const keyDir = join(dir, 'junk');
      await loadOrCreateLocalMasterKey(keyDir);
      const path = join(keyDir, LOCAL_MASTER_KEY_FILE);
      await writeFile(path, '{"version":1,"keyId":"k","key":"c2hvcnQ="}', { mode: 0o600 });
      await expect(loadOrCreateLocalMasterKey(keyDir)).rejects.toThrow(/32-byte key/);
      expect(await readFile(path, 'utf8')).toContain('c2hvcnQ=');
    });
  });
});
