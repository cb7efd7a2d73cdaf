import { ANALYTICS_COLUMNS, type AnalyticsLineRecord } from './record.js';

/** The columns with their JSON keys written once (`"name":`), so a line is built by concatenation. */
const SERIALISED_COLUMNS = ANALYTICS_COLUMNS.map(([name, type]) => ({
  name,
  key: `${JSON.stringify(name)}:`,
  fields:
    typeof type === 'object'
      ? type.list.map(([field]) => ({ field, key: `${JSON.stringify(field)}:` }))
      : undefined,
}));

/** Strings JSON writes as they are between quotes: no quote, backslash or control character. */
const PLAIN_STRING = /^[A-Za-z0-9 ._,:|/-]*$/;

/** A scalar as JSON; JSON.stringify only for what needs escaping (most values are codes and numbers). */
function jsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string' && PLAIN_STRING.test(value)) return `"${value}"`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * One record as JSON, the way both sinks send it (Firehose's JSON-to-Parquet conversion, the local
 * spool the compactor reads): the columns of {@link ANALYTICS_COLUMNS} only, in table order
 * (list-of-struct columns with their own fields only). Picking the columns, rather than serialising
 * the object, means a field added to a record by mistake (a bill id, a name) never leaves the
 * function. Built by concatenation with the keys written once and JSON.stringify only for strings
 * that need escaping: it runs for every line of every priced bill, and picking into a new object
 * and serialising that cost about twice as much (bench, analytics-aws).
 *
 * @param record - the line's aggregate record
 * @returns the JSON text, one line
 */
export function recordJson(record: AnalyticsLineRecord): string {
  let out = '{';
  for (const column of SERIALISED_COLUMNS) {
    if (out.length > 1) out += ',';
    out += column.key;
    const value = record[column.name];
    if (column.fields === undefined) {
      out += jsonValue(value);
      continue;
    }
    out += '[';
    const items = Array.isArray(value) ? (value as readonly Readonly<Record<string, unknown>>[]) : [];
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out += ',';
      out += '{';
      const item = items[i] ?? {};
      for (let f = 0; f < column.fields.length; f++) {
        const field = column.fields[f] as { field: string; key: string };
        if (f > 0) out += ',';
        out += field.key + jsonValue(item[field.field]);
      }
      out += '}';
    }
    out += ']';
  }
  return `${out}}`;
}
