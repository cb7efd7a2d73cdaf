import type { AnalyticsLineRecord } from './record.js';

/**
 * One record as JSON, the way both sinks send it (Firehose's JSON-to-Parquet conversion, the local
 * spool the compactor reads). The engine's native JSON.stringify: a record is built by
 * `analyticsRecordsOf` alone, with exactly the table's columns (test/unit/analytics/records.test.ts
 * holds every record's keys, and its adjustments' and rules' keys, to ANALYTICS_COLUMNS), so there
 * is nothing to pick, and the native path costs a third less than writing the columns one by one
 * (bench, analytics): the records of every priced bill pass here.
 *
 * @param record - the line's aggregate record
 * @returns the JSON text, one line (JSON.stringify escapes newlines inside strings)
 */
export function recordJson(record: AnalyticsLineRecord): string {
  return JSON.stringify(record);
}

/**
 * A bill's records as JSON lines, each ending in a newline: one flat string, which UTF-8 encodes in
 * one pass.
 *
 * @param records - the records of a priced bill
 * @returns the JSON lines
 */
export function recordLines(records: readonly AnalyticsLineRecord[]): string {
  return `${records.map(recordJson).join('\n')}\n`;
}
