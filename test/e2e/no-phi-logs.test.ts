/**
 * No PHI in any log, through the local stack as `npm start` runs it (issue 15, item 2): the
 * HTTP adapter, the authorizer, every route's handler, the Recon workflow and the SmartBill
 * background renderer, with request logging on. Every route gets requests with PHI-like markers
 * in every path segment, query parameter, header and body field (test/support/phi-requests.ts),
 * and a made-up bearer token; whatever the process writes to stdout and stderr, and every log
 * file in the state directory, is searched for the markers.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { startLocalStack } from '../../lambdas/local/stack.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { PHI, type PhiRequest, phiIn, phiRequests } from '../support/phi-requests.js';

vi.hoisted(() => {
  process.env.WCBR_LOG = 'on';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
});

const written: string[] = [];
const capture = (chunk: string | Uint8Array) => {
  written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return true;
};
let stack: LocalStack | undefined;
let stateDir: string;
let token: string;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-phi-e2e-'));
  stack = await startLocalStack({
    port: 0,
    cognitoPort: 0,
    stateDir,
    feeIndexPath: sampleIndexFile(),
    quiet: false,
    recon: { keys: 'local' },
    smartBill: { edgePort: 0 },
    batch: { workers: 1 },
    analytics: {},
  });
  token = await stack.token('client');
});

afterAll(async () => {
  await stack?.stop();
  vi.restoreAllMocks();
});

function urlOf(request: PhiRequest): string {
  const pathName = request.route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(request.pathParameters[name] ?? ''),
  );
  const query = new URLSearchParams(request.query).toString();
  return `${stack?.url}${pathName}${query === '' ? '' : `?${query}`}`;
}

/** Every log file the local stack wrote under its state directory (cognito-local's included). */
function logFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) found.push(...logFiles(file));
    else if (name.endsWith('.log')) found.push(file);
  }
  return found;
}

describe('the local stack never logs PHI', () => {
  it('answers every route with markers everywhere, and no log line holds one', async () => {
    // Act
    const statuses: number[] = [];
    for (const request of phiRequests(ROUTES)) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.route.scopes.length > 0) headers.authorization = `Bearer ${token}`;
      const response = await fetch(urlOf(request), {
        method: request.route.method,
        headers,
        ...(request.body === null ? {} : { body: request.body }),
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    // A bearer token that is itself a marker, and one hidden in a path the router does not know.
    for (const url of [`${stack?.url}/v1/jurisdictions/US-MEDICARE`, `${stack?.url}/v1/${PHI.ssn}`]) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${PHI.name}.${PHI.ssn}` } });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    // A batch whose bills carry every marker, one of them malformed, run to the end.
    const created = await fetch(`${stack?.url}/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'jsonl' }),
    });
    const { upload } = (await created.json()) as { upload: { url: string } };
    const bill = {
      billId: PHI.claimNumber,
      jurisdiction: 'US-MEDICARE',
      patient: { name: PHI.name, ssn: PHI.ssn, birthDate: PHI.birthDate, memberId: PHI.memberId },
      serviceFacility: { zip: '19901', address: PHI.address },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
    };
    const body = `${JSON.stringify(bill)}\n{"${PHI.name}": "${PHI.ssn}"\n${JSON.stringify({ ...bill, lines: [{ code: PHI.ssn }] })}\n`;
    statuses.push((await fetch(upload.url, { method: 'PUT', body })).status);
    await stack?.batch?.idle();
    // The SmartBill pages rendered in the background and the request lines flushed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Assess
    const logged = `${written.join('')}\n${logFiles(stateDir)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')}`;
    const lines = logged.split('\n').filter((line) => line.trim() !== '');
    const offending = lines.filter((line) => phiIn(line).length > 0);
    expect(offending, offending.join('\n')).toEqual([]);
    // Not vacuous: the adapter logged every request, the handlers theirs, and the routes answered.
    expect(lines.filter((line) => line.includes('"msg":"request"')).length).toBe(statuses.length);
    expect(lines.filter((line) => line.includes('"message":"request"')).length).toBeGreaterThan(
      ROUTES.length,
    );
    expect(statuses.filter((s) => s < 300).length).toBeGreaterThanOrEqual(ROUTES.length);
    expect(statuses.every((s) => s < 500)).toBe(true);
  });
});
