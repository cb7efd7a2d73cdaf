/**
 * The Firehose analytics sink (issue 19) against a mocked client: batches within PutRecordBatch's
 * limits, one JSON line per record with only the table's columns, one retry of the failed records,
 * and drops counted, never thrown.
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  encodeLines,
  FIREHOSE_BATCH_LIMITS,
  FirehoseAnalyticsSink,
  firehoseBatches,
  firehoseLine,
} from '../../lambdas/adapters/analytics-firehose.js';
import { ANALYTICS_COLUMNS, type AnalyticsLineRecord } from '../../lambdas/app/analytics/record.js';
import { analyticsRecord } from '../support/analytics-records.js';

const firehose = mockClient(FirehoseClient);
const STREAM = 'analytics-stream';

/** A record; amounts are arbitrary counts of cents (no dollar figure is asserted here). */
function record(i: number, extra: Record<string, unknown> = {}): AnalyticsLineRecord {
  return analyticsRecord({
    jurisdiction: 'NY',
    billed_cents: 1000 + i,
    fee_schedule_cents: 100 + i,
    first_line: i === 0,
    ...extra,
  } as Partial<AnalyticsLineRecord>);
}

function sentRecords(call: number): string[] {
  const input = firehose.commandCalls(PutRecordBatchCommand)[call]?.args[0].input;
  return (input?.Records ?? []).map((r) => new TextDecoder().decode(r.Data));
}

beforeEach(() => firehose.reset());

describe('firehoseLine', () => {
  it("writes the record's columns, one line with a trailing newline", () => {
    const line = firehoseLine(record(0));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(ANALYTICS_COLUMNS.map(([name]) => name).sort());
  });
});

describe('firehoseBatches', () => {
  it('cuts at 500 records', () => {
    const records = Array.from({ length: 1001 }, () => new Uint8Array(10));
    expect(firehoseBatches(records).map((b) => b.length)).toEqual([500, 500, 1]);
  });

  it('cuts before 4 MiB', () => {
    const records = Array.from({ length: 9 }, () => new Uint8Array(FIREHOSE_BATCH_LIMITS.recordBytes));
    const batches = firehoseBatches(records);
    for (const batch of batches) {
      expect(batch.reduce((n, r) => n + r.byteLength, 0)).toBeLessThanOrEqual(FIREHOSE_BATCH_LIMITS.bytes);
    }
    expect(batches.flat()).toHaveLength(9);
    expect(batches.length).toBeGreaterThan(2);
  });
});

describe('FirehoseAnalyticsSink', () => {
  it('sends a 999-line bill in two calls to the stream, one record a line', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
    const sink = new FirehoseAnalyticsSink({ client: new FirehoseClient({}), streamName: STREAM });
    await sink.put(Array.from({ length: 999 }, (_, i) => record(i)));
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.Records?.length)).toEqual([500, 499]);
    expect(calls.every((c) => c.args[0].input.DeliveryStreamName === STREAM)).toBe(true);
    expect(sink.dropped).toBe(0);
  });

  it('sends nothing for no records', async () => {
    const sink = new FirehoseAnalyticsSink({ client: new FirehoseClient({}), streamName: STREAM });
    await sink.put([]);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
  });

  it('retries the failed records once, and only them', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [
          { RecordId: 'a' },
          { ErrorCode: 'ServiceUnavailableException' },
          { RecordId: 'c' },
        ],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'b' }] });
    const dropped: number[] = [];
    const sink = new FirehoseAnalyticsSink({
      client: new FirehoseClient({}),
      streamName: STREAM,
      onDropped: (n) => dropped.push(n),
    });
    await sink.put([record(0), record(1), record(2)]);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(2);
    const retried = sentRecords(1).map((l) => (JSON.parse(l) as { billed_cents: number }).billed_cents);
    expect(retried).toEqual([1001]);
    expect(dropped).toEqual([]);
    expect(sink.dropped).toBe(0);
  });

  it('drops and counts what fails twice, and does not retry a third time', async () => {
    firehose.on(PutRecordBatchCommand).resolves({
      FailedPutCount: 2,
      RequestResponses: [
        { ErrorCode: 'ServiceUnavailableException' },
        { ErrorCode: 'ServiceUnavailableException' },
      ],
    });
    const dropped: number[] = [];
    const sink = new FirehoseAnalyticsSink({
      client: new FirehoseClient({}),
      streamName: STREAM,
      onDropped: (n) => dropped.push(n),
    });
    await sink.put([record(0), record(1)]);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(2);
    expect(dropped).toEqual([2]);
    expect(sink.dropped).toBe(2);
  });

  it('never throws: a call that fails drops its records', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailableException' }));
    const dropped: number[] = [];
    const sink = new FirehoseAnalyticsSink({
      client: new FirehoseClient({}),
      streamName: STREAM,
      onDropped: (n) => dropped.push(n),
    });
    await expect(sink.put(Array.from({ length: 600 }, (_, i) => record(i)))).resolves.toBeUndefined();
    expect(dropped).toEqual([600]);
    expect(sink.dropped).toBe(600);
  });

  it('drops a record over 1,000 KiB alone and sends the others', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
    const sink = new FirehoseAnalyticsSink({ client: new FirehoseClient({}), streamName: STREAM });
    await sink.put([record(0), record(1, { code: 'X'.repeat(FIREHOSE_BATCH_LIMITS.recordBytes) })]);
    expect(sentRecords(0)).toHaveLength(1);
    expect(sink.dropped).toBe(1);
  });
});

describe('firehoseLine, escaping', () => {
  it('writes valid JSON for strings that need escaping and numbers that are not finite', () => {
    const rec = record(0, { code: 'a"b\\c\n\u0001é', pricing_ms: Number.NaN, zip3: undefined });
    const parsed = JSON.parse(firehoseLine(rec)) as Record<string, unknown>;
    expect(parsed.code).toBe('a"b\\c\n\u0001é');
    expect(parsed.pricing_ms).toBeNull();
    // A key left out is NULL to Firehose's JSON reader, as null is.
    expect(parsed.zip3).toBeUndefined();
    expect(parsed.first_line).toBe(true);
    expect(parsed.billed_cents).toBe(1000);
  });

  it('is the record itself, column for column, for an ordinary record', () => {
    const rec = record(3);
    const parsed = JSON.parse(firehoseLine(rec)) as Record<string, unknown>;
    for (const [name] of ANALYTICS_COLUMNS) expect(parsed[name], name).toEqual(rec[name]);
  });
});

describe('encodeLines', () => {
  it('gives each line its own bytes, ASCII or not', () => {
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(encodeLines(['{"a":1}\n', '{"b":2}\n']).map(decode)).toEqual(['{"a":1}\n', '{"b":2}\n']);
    const mixed = ['{"a":"é"}\n', '{"b":"x"}\n'];
    const bytes = encodeLines(mixed);
    expect(bytes.map(decode)).toEqual(mixed);
    expect(bytes[0]?.byteLength).toBe(Buffer.byteLength(mixed[0] as string));
  });
});
