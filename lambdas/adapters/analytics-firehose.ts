import type { _Record, FirehoseClient, PutRecordBatchResponseEntry } from '@aws-sdk/client-firehose';
import type { AnalyticsSink } from '../app/analytics/ports.js';
import type { AnalyticsLineRecord } from '../app/analytics/record.js';
import { recordJson } from '../app/analytics/record-json.js';

/**
 * PutRecordBatch's fixed limits (Firehose API reference, "PutRecordBatch"): 500 records and 4 MiB a
 * call, 1,000 KiB a record. They "cannot be changed", so they are constants, not options.
 */
export const FIREHOSE_BATCH_LIMITS = {
  records: 500,
  bytes: 4 * 1024 * 1024,
  recordBytes: 1_000 * 1024,
} as const;

/**
 * The CloudWatch metric (Powertools namespace, service dimension) the sink's `onDropped` should
 * count: records the stream did not take after the one retry. The analytics construct alarms on it.
 */
export const ANALYTICS_RECORDS_DROPPED_METRIC = 'AnalyticsRecordsDropped';

/** The SDK's command, loaded on the first put (an external static import would load at the pricing function's init). */
let sdk: Promise<typeof import('@aws-sdk/client-firehose')> | undefined;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= import('@aws-sdk/client-firehose');
  sdk.catch(() => {
    sdk = undefined;
  });
  return sdk;
}

/**
 * One record as the JSON line Firehose converts ({@link recordJson}: the record is the table's columns),
 * with a trailing newline so that the records stay apart in the buffer.
 *
 * @param record - the line's aggregate record
 * @returns the JSON line
 */
export function firehoseLine(record: AnalyticsLineRecord): string {
  return `${recordJson(record)}\n`;
}

/**
 * The lines as UTF-8, one view each. One buffer for all of them when they are ASCII (codes and
 * numbers: nearly always), so that a bill's lines cost one encoding, not one each; per line otherwise.
 *
 * @param lines - the JSON lines
 * @returns their bytes, in order
 */
export function encodeLines(lines: readonly string[]): Uint8Array[] {
  const joined = lines.join('');
  const all = Buffer.from(joined, 'utf8');
  if (all.length !== joined.length) return lines.map((line) => Buffer.from(line, 'utf8'));
  const views: Uint8Array[] = [];
  let offset = 0;
  for (const line of lines) {
    views.push(all.subarray(offset, offset + line.length));
    offset += line.length;
  }
  return views;
}

/**
 * Splits encoded records into PutRecordBatch calls: at most 500 records and 4 MiB each.
 *
 * @param records - the encoded records (each at most 1,000 KiB)
 * @returns the calls' records, in order
 */
export function firehoseBatches(records: readonly Uint8Array[]): Uint8Array[][] {
  const batches: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const record of records) {
    if (
      current.length === FIREHOSE_BATCH_LIMITS.records ||
      (current.length > 0 && bytes + record.byteLength > FIREHOSE_BATCH_LIMITS.bytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.byteLength;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Options of {@link FirehoseAnalyticsSink}. */
export interface FirehoseAnalyticsSinkOptions {
  /** The Firehose client (in Lambda the function's role). */
  readonly client: FirehoseClient;
  /** The delivery stream's name (`ANALYTICS_STREAM`). */
  readonly streamName: string;
  /**
   * Told how many records were dropped, once per put that dropped any: the composition root counts
   * {@link ANALYTICS_RECORDS_DROPPED_METRIC} with it. Never told why (an SDK error may quote input).
   */
  readonly onDropped?: (count: number) => void;
}

/**
 * The AWS analytics sink: priced bills' line records go to a Kinesis Data Firehose delivery stream
 * (Direct PUT) with PutRecordBatch, one JSON record per line, which Firehose converts to Parquet and
 * partitions by tenant and month (lib/constructs/analytics.ts). The records that a call reports as
 * failed (`FailedPutCount`, throttling or a service error of that record) are sent once more; what
 * still fails, and every record of a call that threw, is dropped and counted. `put` never throws:
 * analytics must not fail or slow a priced answer beyond the calls themselves (the SDK's own
 * retries included), and a lost aggregate line is a smaller harm than a lost answer.
 */
export class FirehoseAnalyticsSink implements AnalyticsSink {
  readonly #client: FirehoseClient;
  readonly #streamName: string;
  readonly #onDropped: ((count: number) => void) | undefined;
  #dropped = 0;

  /**
   * @param options - client, stream, drop counter
   */
  public constructor(options: FirehoseAnalyticsSinkOptions) {
    this.#client = options.client;
    this.#streamName = options.streamName;
    this.#onDropped = options.onDropped;
  }

  /** Records dropped since this sink was made (the function's lifetime). */
  public get dropped(): number {
    return this.#dropped;
  }

  /**
   * Sends the records; calls run in parallel (a 999-line bill is two calls).
   *
   * @param records - the records of one or more priced bills
   */
  public async put(records: readonly AnalyticsLineRecord[]): Promise<void> {
    if (records.length === 0) return;
    let dropped = 0;
    const encoded: Uint8Array[] = [];
    for (const data of encodeLines(records.map(firehoseLine))) {
      // Firehose refuses the whole call for one record over its limit: such a record is dropped alone.
      if (data.byteLength > FIREHOSE_BATCH_LIMITS.recordBytes) dropped += 1;
      else encoded.push(data);
    }
    const lost = await Promise.all(firehoseBatches(encoded).map((batch) => this.#send(batch)));
    dropped += lost.reduce((sum, n) => sum + n, 0);
    if (dropped > 0) {
      this.#dropped += dropped;
      this.#onDropped?.(dropped);
    }
  }

  /** One call and one retry of its failed records; answers how many were dropped. */
  async #send(batch: readonly Uint8Array[]): Promise<number> {
    let pending: readonly Uint8Array[] = batch;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      let responses: readonly PutRecordBatchResponseEntry[];
      try {
        const { PutRecordBatchCommand } = await loadSdk();
        const answer = await this.#client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: this.#streamName,
            Records: pending.map((data): _Record => ({ Data: data })),
          }),
        );
        if ((answer.FailedPutCount ?? 0) === 0) return 0;
        responses = answer.RequestResponses ?? [];
      } catch {
        // The SDK has retried the call already (its standard retry strategy): give up on it.
        return pending.length;
      }
      // RequestResponses is in request order; an entry with an ErrorCode was not taken.
      pending = pending.filter((_, i) => responses[i] === undefined || responses[i]?.ErrorCode !== undefined);
      if (pending.length === 0) return 0;
    }
    return pending.length;
  }
}
