/**
 * The local stack as `npm start` runs it (Recon with DynamoDB Local and moto's KMS, SmartBill with
 * s3rver and the local edge) listens on 127.0.0.1 only: nothing it starts can be reached from
 * another machine. DynamoDB Local used to listen on every interface (its jar has no bind option).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { exposure, LOOPBACK } from '../support/listening.js';
import { startTestStack } from './support/stack.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-e2e-loopback-')),
    recon: { keys: 'kms' },
    smartBill: { edgePort: 0 },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('the local stack listens on loopback only', () => {
  it('API, cognito-local, DynamoDB Local, moto, s3rver and the edge', async () => {
    const endpoints: Record<string, string | undefined> = {
      api: stack.url,
      'cognito-local': stack.state.cognito.endpoint,
      'DynamoDB Local': stack.recon?.dynamoDbEndpoint,
      'moto (KMS)': stack.recon?.kmsEndpoint,
      s3rver: stack.smartBill?.s3Endpoint,
      edge: stack.smartBill?.edgeUrl,
    };
    for (const [name, endpoint] of Object.entries(endpoints)) {
      expect(endpoint, `${name} is running`).toBeDefined();
      const port = Number(new URL(endpoint as string).port);
      const seen = await exposure(port);
      expect(seen.listening.length, `${name} listens on ${port}`).toBeGreaterThan(0);
      for (const address of seen.listening) expect(LOOPBACK, `${name} on ${address}`).toContain(address);
      if ('none' in seen.outside) {
        console.warn(`${name}: outside reachability not checked: ${seen.outside.none}`);
      } else {
        expect(seen.outside.reachable, `${name} on ${seen.outside.address}:${port}`).toBe(false);
      }
    }
  });
});
