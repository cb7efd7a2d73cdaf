/**
 * The emulator processes behind the adapter tests and the local stack: a missing prerequisite is
 * named, and no emulator outlives its stop() or the process that started it (even SIGKILLed).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { ensureReconTable } from '../../lambdas/adapters/recon-store-dynamodb.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  startDynamoDbLocal,
} from '../../lambdas/local/emulators/dynamodb-local.js';
import { createMotoKmsKey, startMotoServer } from '../../lambdas/local/emulators/moto-server.js';
import { exposure, LOOPBACK } from '../support/listening.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Whether any process of the group led by `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: EMULATOR_REGION,
  credentials: EMULATOR_CREDENTIALS,
});

describe('emulators', () => {
  describe('data that survives a restart (issue 15, item 5)', () => {
    it('DynamoDB Local on a dbPath keeps its tables; in memory it does not', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wcbr-dynamodb-path-'));
      try {
        const tablesAfterRestart = async (dbPath: string | undefined) => {
          const first = await startDynamoDbLocal({ dbPath });
          const client = new DynamoDBClient(clientConfig(first.endpoint));
          await ensureReconTable(client, 'kept');
          client.destroy();
          await first.stop();
          const second = await startDynamoDbLocal({ dbPath });
          const again = new DynamoDBClient(clientConfig(second.endpoint));
          try {
            return (await again.send(new ListTablesCommand({}))).TableNames;
          } finally {
            again.destroy();
            await second.stop();
          }
        };
        const [onDisk, inMemory] = await Promise.all([
          tablesAfterRestart(dir),
          tablesAfterRestart(undefined),
        ]);
        expect(onDisk).toEqual(['kept']);
        expect(inMemory).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);

    it('moto with a keys file decrypts after a restart what its key encrypted before', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wcbr-moto-keys-'));
      const keysFile = join(dir, 'keys.json');
      const context = { tenant: 't', controlNumber: 'CN-1', sequence: '1' };
      try {
        const first = await startMotoServer({ keysFile });
        const kms = new KMSClient(clientConfig(first.endpoint));
        const { arn } = await createMotoKmsKey(kms, 'kept');
        const sealed = await kms.send(
          new EncryptCommand({ KeyId: arn, Plaintext: Buffer.from('data key'), EncryptionContext: context }),
        );
        kms.destroy();
        await first.stop();
        expect(statSync(keysFile).mode & 0o077).toBe(0);

        const second = await startMotoServer({ keysFile });
        const again = new KMSClient(clientConfig(second.endpoint));
        try {
          const opened = await again.send(
            new DecryptCommand({
              KeyId: arn,
              CiphertextBlob: sealed.CiphertextBlob,
              EncryptionContext: context,
            }),
          );
          expect(Buffer.from(opened.Plaintext ?? []).toString()).toBe('data key');
          // The encryption context is still enforced by the restored key.
          await expect(
            again.send(
              new DecryptCommand({
                KeyId: arn,
                CiphertextBlob: sealed.CiphertextBlob,
                EncryptionContext: { ...context, tenant: 'other' },
              }),
            ),
          ).rejects.toThrow();
        } finally {
          again.destroy();
          await second.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  });

  describe('missing prerequisites', () => {
    it('names Java when the java command cannot be run', async () => {
      await expect(startDynamoDbLocal({ java: '/nonexistent/bin/java' })).rejects.toThrow(
        /missing prerequisite: Java \(the java command\) to run DynamoDB Local/,
      );
    });

    it('names moto when python3 cannot be run', async () => {
      await expect(startMotoServer({ python: '/nonexistent/bin/python3' })).rejects.toThrow(
        /missing prerequisite: moto/,
      );
    });

    it('names moto when python3 cannot import it', async () => {
      // `false` runs and fails, as a python3 without moto does.
      await expect(startMotoServer({ python: 'false' })).rejects.toThrow(/missing prerequisite: moto/);
    });
  });

  describe('bound to loopback', () => {
    it('DynamoDB Local and moto listen on 127.0.0.1 only, and cannot be reached on another address of the machine', async () => {
      const [dynamo, moto] = await Promise.all([startDynamoDbLocal(), startMotoServer()]);
      try {
        for (const emulator of [dynamo, moto]) {
          const seen = await exposure(emulator.port);
          // The jar alone listened on every interface (`::` in /proc/net/tcp6).
          expect(seen.listening.length, `${emulator.endpoint} listens`).toBeGreaterThan(0);
          for (const address of seen.listening) expect(LOOPBACK, emulator.endpoint).toContain(address);
          if ('none' in seen.outside) {
            // Say so in the test output rather than pass as if the outside check had been made.
            console.warn(`outside reachability not checked: ${seen.outside.none}`);
          } else {
            expect(seen.outside.reachable, `${emulator.endpoint} on ${seen.outside.address}`).toBe(false);
          }
        }
      } finally {
        await Promise.all([dynamo.stop(), moto.stop()]);
      }
    });
  });

  describe('lifecycle', () => {
    it('stops DynamoDB Local and moto with every process of their groups', async () => {
      const [dynamo, moto] = await Promise.all([startDynamoDbLocal(), startMotoServer()]);
      expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(groupAlive(dynamo.pid) && groupAlive(moto.pid)).toBe(true);

      await Promise.all([dynamo.stop(), moto.stop(), dynamo.stop()]);

      expect(groupAlive(dynamo.pid)).toBe(false);
      expect(groupAlive(moto.pid)).toBe(false);
    });

    it('takes DynamoDB Local down with a parent that is SIGKILLed', async () => {
      // Prepare: a Node process (running TypeScript through tsx) that starts DynamoDB Local.
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      const module = new URL('../../lambdas/local/emulators/dynamodb-local.ts', import.meta.url).href;
      const parent = spawn(
        process.execPath,
        [
          '--import',
          tsx,
          '--input-type=module',
          '-e',
          `const { startDynamoDbLocal } = await import(${JSON.stringify(module)});
           const emulator = await startDynamoDbLocal();
           console.log(JSON.stringify({ pid: emulator.pid }));
           setInterval(() => {}, 1000);`,
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      );
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        parent.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /\{"pid":(\d+)\}/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        parent.once('exit', (code) =>
          reject(new Error(`the parent exited (${code}) before DynamoDB Local started`)),
        );
      });
      expect(groupAlive(pid)).toBe(true);

      // Act: no exit handler runs on SIGKILL; only the guard's stdin pipe is left to notice.
      parent.kill('SIGKILL');

      // Assess
      const gone = await until(() => !groupAlive(pid), 15_000);
      if (!gone) process.kill(-pid, 'SIGKILL');
      expect(gone).toBe(true);
    });
  });
});
