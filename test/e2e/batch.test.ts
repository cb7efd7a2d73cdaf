import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignedCents } from '../../lambdas/engine/money.js';
import { BUCKETS } from '../../lambdas/engine/priced-bill.js';
import { SCOPES } from '../../lambdas/handlers/shared/routes.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { batchInput, batchLine, MALFORMED_LINES } from '../support/batch-bills.js';
import { startTestStack } from './support/stack.js';
import { personClaims, signWithStackKey } from './support/tokens.js';

let stack: LocalStack;
let token: string;
/** Imported after the stack is up: the logger reads WCBR_LOG (set by startTestStack) when it loads. */
let expectDocumented: (method: string, pathName: string, status: number, body: unknown) => void;

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

async function call(method: string, pathName: string, body?: unknown, bearer = token): Promise<Answer> {
  const response = await fetch(`${stack.url}${pathName}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  expectDocumented(method, pathName, response.status, json);
  return { status: response.status, json };
}

function personToken(groups: string[]): string {
  return signWithStackKey(stack, personClaims(stack, groups));
}

async function waitUntilDone(statusPath: string, bearer = token): Promise<Answer> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await call('GET', statusPath, undefined, bearer);
    const state = answer.json.state;
    if (state === 'succeeded' || state === 'failed') return answer;
    if (Date.now() > deadline) throw new Error(`the batch is still ${String(state)} after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  stack = await startTestStack({
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-batch-')),
    batch: { workers: 2, linesPerChunk: 100 },
  });
  token = await stack.token('client');
  ({ expectDocumented } = await import('./support/documented.js'));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

type Row = {
  line: number;
  answer?: Record<string, unknown>;
  error?: { statusCode: number; errors: { field: string }[] };
};

describe('a batch of 1,000 bills, five malformed', () => {
  let rows: Row[];
  let summary: Record<string, unknown>;
  let batchId: string;

  beforeAll(async () => {
    const created = await call('POST', '/v1/batches', { format: 'jsonl', explain: 'full' });
    expect(created.status).toBe(201);
    batchId = created.json.batchId as string;
    const upload = created.json.upload as { url: string; method: string };
    const before = await call('GET', created.json.statusPath as string);
    expect(before.json.state).toBe('awaiting-upload');
    const put = await fetch(upload.url, { method: 'PUT', body: batchInput(1000) });
    expect(put.status).toBe(200);
    const done = await waitUntilDone(created.json.statusPath as string);
    expect(done.json.state).toBe('succeeded');
    expect(done.json.progress).toEqual({ done: 1000, failed: 5, total: 1000 });
    const links = done.json.results as { resultsUrl: string; summaryUrl: string };
    const resultsText = await (await fetch(links.resultsUrl)).text();
    rows = resultsText
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
    summary = (await (await fetch(links.summaryUrl)).json()) as Record<string, unknown>;
  }, 180_000);

  it('has exactly one result row per input line, in input order', () => {
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('answers each priced line as POST /v1/bills/price answers the same bill', async () => {
    const sample = [1, 2, 11, 89, 97, 194, 445, 500 + 1, 998, 1000];
    for (const n of sample) {
      const answer = await call('POST', '/v1/bills/price', JSON.parse(batchLine(n)));
      expect(answer.status, `line ${n}`).toBe(200);
      const { requestId: _id, smartBill: _link, ...priced } = answer.json;
      expect(rows[n - 1]?.answer, `line ${n}`).toEqual(priced);
    }
    // The sample holds both facility types and the claim shape, not only professional bills.
    const types = new Set(sample.map((n) => rows[n - 1]?.answer?.billType));
    expect([...types].sort()).toEqual(['asc', 'outpatient', 'professional']);
  });

  it('gives each malformed line an error row with its line number and field errors', () => {
    for (const [n, kind] of Object.entries(MALFORMED_LINES)) {
      const row = rows[Number(n) - 1] as Row;
      expect(row.answer, `line ${n}`).toBeUndefined();
      expect(row.error?.statusCode, `line ${n}`).toBe(kind === 'invalid-bill' ? 422 : 400);
      expect(row.error?.errors.length, `line ${n}`).toBeGreaterThan(0);
    }
    expect(rows.filter((r) => r.error !== undefined).map((r) => r.line)).toEqual(
      Object.keys(MALFORMED_LINES).map(Number),
    );
  });

  it('summarises: counts and totals equal the sums of the result rows', () => {
    const priced = rows.filter((r) => r.answer !== undefined);
    expect(summary.bills).toBe(1000);
    expect(summary.priced).toBe(priced.length);
    expect(summary.failed).toBe(5);
    const totals = summary.totals as Record<string, unknown> & { buckets: Record<string, string> };
    const sum = (pick: (t: Record<string, string>) => string) =>
      priced.reduce(
        (cents, r) => cents + parseSignedCents(pick(r.answer?.totals as Record<string, string>)),
        0,
      );
    for (const field of ['billed', 'allowed', 'withheld', 'unpricedBilled']) {
      expect(parseSignedCents(totals[field] as string), field).toBe(sum((t) => t[field] as string));
    }
    for (const bucket of BUCKETS) {
      expect(parseSignedCents(totals.buckets[bucket] as string), bucket).toBe(
        sum((t) => (t as unknown as { buckets: Record<string, string> }).buckets[bucket] as string),
      );
    }
    expect((summary.errors as { line: number }[]).map((e) => e.line)).toEqual(
      Object.keys(MALFORMED_LINES).map(Number),
    );
  });

  it("is another tenant's 404, and an unknown id's", async () => {
    const other = personToken(['tenant-other', 'batch-submitters']);
    const answer = await call('GET', `/v1/batches/${batchId}`, undefined, other);
    expect(answer.status).toBe(404);
    expect((await call('GET', `/v1/batches/${'x'.repeat(32)}`)).status).toBe(404);
  });
});

describe('refusals', () => {
  it('refuses a tampered upload link, a second upload, and a link to another batch', async () => {
    const created = await call('POST', '/v1/batches', { format: 'jsonl' });
    expect(created.json.explain).toBe('summary');
    const url = (created.json.upload as { url: string }).url;
    const other = await call('POST', '/v1/batches', { format: 'jsonl' });
    // The same signature on another batch's path.
    const moved = url.replace(created.json.batchId as string, other.json.batchId as string);
    expect((await fetch(moved, { method: 'PUT', body: '{}\n' })).status).toBe(403);
    const signature = new URL(url).searchParams.get('Signature') as string;
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const tampered = url.replace(signature, flipped);
    expect((await fetch(tampered, { method: 'PUT', body: '{}\n' })).status).toBe(403);
    const unsigned = url.slice(0, url.indexOf('?'));
    expect((await fetch(unsigned, { method: 'PUT', body: '{}\n' })).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: `${batchLine(1)}\n` })).status).toBe(200);
    expect((await fetch(url, { method: 'PUT', body: `${batchLine(2)}\n` })).status).toBe(409);
    await stack.batch?.idle();
  });

  it('answers field errors for a body it cannot take, and 403 without the scope', async () => {
    const bad = await call('POST', '/v1/batches', { format: 'x12-837p', explain: 'most' });
    expect(bad.status).toBe(422);
    expect((bad.json.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'explain',
      'format',
    ]);
    const narrow = await stack.token('client', { scopes: [SCOPES.billsPrice] });
    expect((await call('POST', '/v1/batches', { format: 'jsonl' }, narrow)).status).toBe(403);
    const noTenant = personToken(['batch-submitters']);
    expect((await call('POST', '/v1/batches', { format: 'jsonl' }, noTenant)).status).toBe(403);
  });
});
