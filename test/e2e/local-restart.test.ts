/**
 * `npm start` keeps what it stored (issue 15, item 5): a Recon stored before the local stack stops
 * is found, and decrypted, after it starts again on the same state directory (DynamoDB Local on
 * disk under `<stateDir>/dynamodb`, moto's KMS key restored from `<stateDir>/kms/keys.json`);
 * `--fresh` starts with nothing stored. The stack runs as `wcbr serve` in a child process, as a
 * user runs it, and is stopped with SIGTERM (Ctrl+C's orderly twin). Java and moto are needed:
 * without them the stack fails to start and every test fails naming them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { getTokenFromState } from '../../lambdas/local/stack.js';
import { sampleIndexFile } from '../support/fee-index.js';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-restart-'));
let running: { child: ChildProcess; url: string } | undefined;
let indexFile: string;

/** Starts `wcbr serve` on free ports and resolves with its URL once it says it is running. */
async function serve(...extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      'bin/wcbr.mjs',
      'serve',
      '--state-dir',
      stateDir,
      '--port',
      '0',
      '--cognito-port',
      '0',
      '--no-smartbill',
      '--quiet',
      '--index',
      indexFile,
      ...extra,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WCBR_LOG: 'off' } },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wcbr serve did not start in 90 s:\n${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = /API running at (http:\/\/\S+)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wcbr serve exited with ${code}:\n${output}`));
    });
  });
  running = { child, url };
  return running;
}

/** SIGTERM, then wait until the stack (and its emulators) has exited. */
async function stop(): Promise<void> {
  const current = running;
  running = undefined;
  if (!current || current.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => current.child.once('exit', () => resolve()));
  current.child.kill('SIGTERM');
  await exited;
}

async function call(url: string, method: string, pathName: string, body?: unknown) {
  const token = await getTokenFromState(stateDir, 'user');
  const response = await fetch(`${url}${pathName}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads deep into the JSON answers
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const submission = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/recons/sequence-1.json'), 'utf8'));

beforeAll(() => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  indexFile = sampleIndexFile();
});

afterAll(async () => {
  await stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('wcbr serve on one state directory', () => {
  it('finds and decrypts after a restart what it stored before; --fresh finds nothing', async () => {
    // Prepare: store sequence 1 and stop.
    const first = await serve();
    const stored = await call(first.url, 'POST', '/v1/recons', submission);
    expect(stored.status).toBe(201);
    await stop();
    // The key material sits in the state directory, readable by its owner only.
    expect(statSync(path.join(stateDir, 'kms', 'keys.json')).mode & 0o077).toBe(0);

    // Act: start again on the same state directory.
    const second = await serve();
    const read = await call(second.url, 'GET', `/v1/recons/${submission.controlNumber}/sequences/1`);

    // Assess: the sequence is there and opens with the key of the first run.
    expect(read.status).toBe(200);
    expect(read.body.bill.patient).toEqual(submission.patient);
    expect(read.body.priced.totals.billed).toBe(stored.body.priced.totals.billed);
    // The resubmission is recognised as the same content (the load task decrypted the stored bill).
    const again = await call(second.url, 'POST', '/v1/recons', submission);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('replayed');
    await stop();

    const fresh = await serve('--fresh');
    const gone = await call(fresh.url, 'GET', `/v1/recons/${submission.controlNumber}`);
    expect(gone.status).toBe(404);
    const anew = await call(fresh.url, 'POST', '/v1/recons', submission);
    expect(anew.status).toBe(201);
    await stop();
  }, 240_000);
});
