/**
 * Emulators for test files: call a `with…()` helper at the top of a file (or a describe) and it
 * starts the emulator in beforeAll and stops it in afterAll. A missing prerequisite (Java, moto)
 * makes every test of the file fail with its name, never skip (DESIGN.md, quality bars).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ensureReconTable } from '../../lambdas/adapters/recon-store-dynamodb.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  startDynamoDbLocal,
} from '../../lambdas/local/emulators/dynamodb-local.js';
import { createMotoKmsKey, startMotoServer } from '../../lambdas/local/emulators/moto-server.js';

// The SDK's notice about Node 20 would otherwise print in every test file that builds a client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** SDK client settings for an emulator: its endpoint, fake credentials, us-east-1. */
export function emulatorClientConfig(endpoint: string) {
  return { endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
}

/**
 * Starts a resource in beforeAll and stops it in afterAll. A start that fails (a missing
 * prerequisite) is kept and thrown again by a beforeEach, so every test of the file FAILS with
 * the prerequisite's name: a beforeAll that throws would only mark them skipped.
 */
function fixture<T>(name: string, start: () => Promise<T>, stop: (value: T) => Promise<void>): () => T {
  let value: T | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      value = await start();
    } catch (error) {
      failure = error;
    }
  });
  beforeEach(() => {
    if (failure !== undefined) throw failure;
  });
  afterAll(async () => {
    if (value !== undefined) await stop(value);
  });
  return () => {
    if (failure !== undefined) throw failure;
    if (value === undefined)
      throw new Error(`${name} is not started yet: read it inside a test or a hook, after beforeAll`);
    return value;
  };
}

/** DynamoDB Local for one test file, with a Recon table. */
export interface DynamoDbLocalFixture {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** A Recon table (ensureReconTable) created at start. */
  readonly tableName: string;
  /**
   * Creates another Recon table with a fresh name.
   *
   * @returns its name
   */
  createReconTable(): Promise<string>;
}

/**
 * Starts DynamoDB Local (a free port) and creates a Recon table before the file's tests, and stops
 * DynamoDB Local after them.
 *
 * @returns the fixture; its fields can be read in tests and in hooks after beforeAll
 */
export function withDynamoDbLocal(): DynamoDbLocalFixture {
  const get = fixture(
    'DynamoDB Local',
    async () => {
      const emulator = await startDynamoDbLocal({ port: 0 });
      const client = new DynamoDBClient(emulatorClientConfig(emulator.endpoint));
      try {
        const tableName = `recon-${randomUUID()}`;
        await ensureReconTable(client, tableName);
        return { emulator, client, tableName };
      } catch (error) {
        client.destroy();
        await emulator.stop();
        throw error;
      }
    },
    async ({ emulator, client }) => {
      client.destroy();
      await emulator.stop();
    },
  );
  return {
    get endpoint() {
      return get().emulator.endpoint;
    },
    get client() {
      return get().client;
    },
    get tableName() {
      return get().tableName;
    },
    async createReconTable() {
      const name = `recon-${randomUUID()}`;
      await ensureReconTable(get().client, name);
      return name;
    },
  };
}

/** moto's KMS for one test file, with one symmetric key. */
export interface MotoKmsFixture {
  readonly endpoint: string;
  readonly client: KMSClient;
  /** A SYMMETRIC_DEFAULT encrypt/decrypt key created at start. */
  readonly keyId: string;
  /**
   * Creates another symmetric key (to test a box sealed under a different key).
   *
   * @returns its key id
   */
  createKey(): Promise<string>;
}

async function createSymmetricKey(client: KMSClient): Promise<string> {
  return (await createMotoKmsKey(client, 'wcbr test key')).keyId;
}

/**
 * Starts moto (a free port) and creates a KMS key before the file's tests, and stops moto after them.
 *
 * @returns the fixture; its fields can be read in tests and in hooks after beforeAll
 */
export function withMotoKms(): MotoKmsFixture {
  const get = fixture(
    'moto',
    async () => {
      const emulator = await startMotoServer({ port: 0 });
      const client = new KMSClient(emulatorClientConfig(emulator.endpoint));
      try {
        return { emulator, client, keyId: await createSymmetricKey(client) };
      } catch (error) {
        client.destroy();
        await emulator.stop();
        throw error;
      }
    },
    async ({ emulator, client }) => {
      client.destroy();
      await emulator.stop();
    },
  );
  return {
    get endpoint() {
      return get().emulator.endpoint;
    },
    get client() {
      return get().client;
    },
    get keyId() {
      return get().keyId;
    },
    createKey: () => createSymmetricKey(get().client),
  };
}
