import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBatchObjects, FileBatchStore } from '../../../lambdas/adapters/batch-files.js';
import { priceChunk } from '../../../lambdas/app/batch/chunk.js';
import { ChunkPlanner, chunkLines, planChunks } from '../../../lambdas/app/batch/lines.js';
import { batchKeys } from '../../../lambdas/app/batch/ports.js';
import { type BatchResultRow, priceBatchLine } from '../../../lambdas/app/batch/price.js';
import {
  assembleBatch,
  createBatch,
  getBatch,
  inProcessPricer,
  runChunk,
  splitBatch,
} from '../../../lambdas/app/batch/service.js';
import { emptyTally, mergeTally, summaryOf, tallyRow } from '../../../lambdas/app/batch/summary.js';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { parseSignedCents } from '../../../lambdas/engine/money.js';
import { priceRequest } from '../../../lambdas/engine/price-request.js';
import { BUCKETS } from '../../../lambdas/engine/priced-bill.js';
import type { FeeIndex } from '../../../lambdas/fee-index/reader.js';
import { batchInput, batchLine, MALFORMED_LINES } from '../../support/batch-bills.js';
import { sampleIndex } from '../../support/fee-index.js';

const encoder = new TextEncoder();

describe('chunk planning', () => {
  it('covers every byte once, numbers every line, and cuts only after line breaks', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replaceAll('\n', ' ')),
          { maxLength: 60 },
        ),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        (lines, trailingBreak, perChunk) => {
          const text = lines.join('\n') + (trailingBreak && lines.length > 0 ? '\n' : '');
          const bytes = encoder.encode(text);
          const plan = planChunks(bytes, perChunk);
          // The lines the input has, as a reader splitting on breaks counts them.
          const expected = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
          expect(plan.lines).toBe(expected);
          let at = 0;
          let line = 1;
          const seen: string[] = [];
          for (const chunk of plan.chunks) {
            expect(chunk.start).toBe(at);
            expect(chunk.firstLine).toBe(line);
            expect(chunk.lines).toBeLessThanOrEqual(perChunk);
            const piece = new TextDecoder().decode(bytes.subarray(chunk.start, chunk.end));
            const rows = chunkLines(piece, chunk.firstLine);
            expect(rows.length).toBe(chunk.lines);
            seen.push(...rows.map((r) => r.text));
            at = chunk.end;
            line += chunk.lines;
          }
          expect(at).toBe(bytes.length);
          expect(seen).toEqual(expected === 0 ? [] : text.split('\n').slice(0, expected));
        },
      ),
    );
  });

  it('plans the same chunks whatever the pieces a stream delivers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(400), { maxLength: 6 }), (raw, cuts) => {
        const bytes = raw.map((b) => (b % 5 === 0 ? 0x0a : b));
        const planner = new ChunkPlanner(3);
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          const to = Math.min(cut, bytes.length);
          if (to > from) planner.push(bytes.subarray(from, to));
          from = Math.max(from, to);
        }
        planner.push(bytes.subarray(from));
        expect(planner.finish()).toEqual(planChunks(bytes, 3));
      }),
    );
  });

  it('drops a carriage return before the break and keeps an empty line as a line', () => {
    expect(chunkLines('{"a":1}\r\n\r\n{"b":2}', 41)).toEqual([
      { line: 41, text: '{"a":1}' },
      { line: 42, text: '' },
      { line: 43, text: '{"b":2}' },
    ]);
  });

  it('refuses a chunk size that is not a whole number of lines', () => {
    expect(() => new ChunkPlanner(0)).toThrow(RangeError);
  });
});

describe('pricing a line', () => {
  let index: FeeIndex;
  beforeAll(() => {
    index = sampleIndex();
  });

  it('answers what the price route prices, for a bill', () => {
    const row = priceBatchLine(index, { line: 3, text: batchLine(3) }, 'full');
    expect(row).toEqual({ line: 3, answer: priceRequest(index, normaliseRequest(JSON.parse(batchLine(3)))) });
  });

  it('answers at the batch level what the price route answers at that level, and a bill that names its own level at that one', () => {
    const bill = JSON.parse(batchLine(3)) as Record<string, unknown>;
    for (const level of ['summary', 'none'] as const) {
      const row = priceBatchLine(index, { line: 3, text: batchLine(3) }, level);
      expect(row).toEqual({
        line: 3,
        answer: priceRequest(index, normaliseRequest(bill), { explain: level }),
      });
      // The summary's totals are the full answer's (tallies do not depend on the level).
      if (!('answer' in row)) throw new Error('line 3 not priced');
      expect(row.answer.totals).toEqual(priceRequest(index, normaliseRequest(bill)).totals);
    }
    const ownsFull = JSON.stringify({ ...bill, explain: 'full' });
    expect(priceBatchLine(index, { line: 4, text: ownsFull }, 'summary')).toEqual({
      line: 4,
      answer: priceRequest(index, normaliseRequest(JSON.parse(ownsFull))),
    });
    const unknownLevel = priceBatchLine(
      index,
      { line: 5, text: JSON.stringify({ ...bill, explain: 'most' }) },
      'none',
    );
    if (!('error' in unknownLevel)) throw new Error('an unknown level was priced');
    expect(unknownLevel.error.statusCode).toBe(422);
    expect(unknownLevel.error.errors.map((e) => e.field)).toContain('explain');
  });

  it('turns bad JSON, an invalid bill and an empty line into error rows with their line numbers', () => {
    for (const [n, kind] of Object.entries(MALFORMED_LINES)) {
      const row = priceBatchLine(index, { line: Number(n), text: batchLine(Number(n)) }, 'summary');
      expect(row.line).toBe(Number(n));
      if (!('error' in row)) throw new Error(`line ${n} priced`);
      expect(row.error.statusCode).toBe(kind === 'invalid-bill' ? 422 : 400);
      expect(row.error.errors.length).toBeGreaterThan(0);
      if (kind === 'invalid-bill') expect(row.error.errors.map((e) => e.field)).toContain('lines[0].charge');
    }
  });
});

describe('the summary', () => {
  it('equals the sums of its rows, whichever way the chunks are cut and merged', () => {
    const index = sampleIndex();
    const text = batchInput(120);
    const rows = text
      .split('\n')
      .slice(0, 120)
      .map((t, i) => priceBatchLine(index, { line: i + 1, text: t }, 'full'));
    const whole = emptyTally();
    for (const row of rows) tallyRow(whole, row);
    const merged = emptyTally();
    const plan = planChunks(encoder.encode(text), 17);
    for (const chunk of [...plan.chunks].reverse()) {
      const piece = text.slice(chunk.start, chunk.end); // ASCII input: bytes are characters
      mergeTally(merged, priceChunk(index, piece, chunk.firstLine, 'full').tally);
    }
    const about = { batchId: 'b', format: 'jsonl', explain: 'full' as const };
    expect(summaryOf(merged, about)).toEqual(summaryOf(whole, about));
    const summary = summaryOf(whole, about);
    const priced = rows.filter((r): r is Extract<BatchResultRow, { answer: unknown }> => 'answer' in r);
    const sum = (pick: (r: (typeof priced)[number]) => string) =>
      priced.reduce((total, r) => total + parseSignedCents(pick(r)), 0);
    expect(parseSignedCents(summary.totals.billed)).toBe(sum((r) => r.answer.totals.billed));
    expect(parseSignedCents(summary.totals.allowed)).toBe(sum((r) => r.answer.totals.allowed));
    for (const bucket of BUCKETS) {
      expect(parseSignedCents(summary.totals.buckets[bucket])).toBe(
        sum((r) => r.answer.totals.buckets[bucket]),
      );
    }
    expect(summary.priced + summary.failed).toBe(120);
    expect(summary.errors.map((e) => e.line)).toEqual([7]);
    // The buckets add up to the allowance (the engine's own invariant, over the batch).
    expect(BUCKETS.reduce((t, b) => t + parseSignedCents(summary.totals.buckets[b]), 0)).toBe(
      parseSignedCents(summary.totals.allowed),
    );
  });
});

describe('the steps of the state machine, on the local adapters', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-batch-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it('create → upload → split → chunks → assemble gives one row per line in order, and progress', async () => {
    const index = sampleIndex();
    const store = new FileBatchStore(dir);
    const objects = new FileBatchObjects({
      root: dir,
      baseUrl: 'http://127.0.0.1:1',
      keyPairId: 'KTEST',
      privateKeyPem,
    });
    const deps = { store, objects, newId: () => 'A'.repeat(32), now: () => new Date(), retentionDays: 2557 };
    const created = await createBatch(deps, 'tenant-a', { format: 'jsonl', explain: 'summary' });
    expect(created.upload.url).toContain(`batches/tenant-a/${created.batchId}/input.jsonl`);
    await expect(getBatch(deps, 'tenant-b', created.batchId)).rejects.toThrow('No batch');
    const input = batchInput(230);
    await objects.write(batchKeys('tenant-a', created.batchId).input, input, 'application/x-ndjson');
    const target = { tenantId: 'tenant-a', batchId: created.batchId };
    const split = await splitBatch(
      deps,
      target,
      objects.stream(batchKeys('tenant-a', created.batchId).input),
      100,
    );
    expect(split?.chunks).toBe(3);
    // A second upload event does not start the batch again.
    expect(
      await splitBatch(deps, target, objects.stream(batchKeys('tenant-a', created.batchId).input), 100),
    ).toBeNull();
    for (const task of split?.manifest ?? []) await runChunk(deps, inProcessPricer(index), task);
    expect((await getBatch(deps, 'tenant-a', created.batchId)).progress).toEqual({
      done: 230,
      failed: 1,
      total: 230,
    });
    await assembleBatch(deps, target);
    const status = await getBatch(deps, 'tenant-a', created.batchId);
    expect(status.state).toBe('succeeded');
    expect(status.results?.resultsUrl).toContain('results.jsonl');
    const results = ((await objects.readText(batchKeys('tenant-a', created.batchId).results)) ?? '')
      .trimEnd()
      .split('\n');
    expect(results.map((r) => (JSON.parse(r) as { line: number }).line)).toEqual(
      Array.from({ length: 230 }, (_, i) => i + 1),
    );
  });

  it('writes error rows for the lines of a chunk that failed past its retries, and counts them', async () => {
    const store = new FileBatchStore(dir);
    const objects = new FileBatchObjects({
      root: dir,
      baseUrl: 'http://127.0.0.1:1',
      keyPairId: 'K',
      privateKeyPem,
    });
    const deps = { store, objects, newId: () => 'B'.repeat(32), now: () => new Date(), retentionDays: 1 };
    const { batchId } = await createBatch(deps, 'tenant-a', { format: 'jsonl', explain: 'none' });
    const keys = batchKeys('tenant-a', batchId);
    await objects.write(keys.input, batchInput(30), 'application/x-ndjson');
    const target = { tenantId: 'tenant-a', batchId };
    const split = await splitBatch(deps, target, objects.stream(keys.input), 10);
    const [first, lost, last] = split?.manifest ?? [];
    for (const task of [first, last]) if (task) await runChunk(deps, inProcessPricer(sampleIndex()), task);
    expect(lost?.firstLine).toBe(11);
    await assembleBatch(deps, target);
    const rows = ((await objects.readText(keys.results)) ?? '')
      .trimEnd()
      .split('\n')
      .map((r) => JSON.parse(r) as BatchResultRow);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(rows.slice(10, 20).every((r) => 'error' in r && r.error.statusCode === 503)).toBe(true);
    const status = await getBatch(deps, 'tenant-a', batchId);
    expect(status.progress).toEqual({ done: 30, failed: 11, total: 30 });
  });
});
