/**
 * An in-test AnalyticsQueryRunner over DuckDB (issue 19): records are written as JSON lines, copied
 * to Parquet under `lines/tenant=<id>/month=<YYYY-MM>/` as the compactor does, and queried through
 * `read_parquet(…, hive_partitioning = true)`, so the tests run the queries on the same layout the
 * local stack reads. DuckDB stays in tests: the app layer only knows the port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type {
  AnalyticsQuery,
  AnalyticsQueryRunner,
  AnalyticsResult,
  AnalyticsRow,
} from '../../../lambdas/app/analytics/ports.js';
import {
  ANALYTICS_COLUMNS,
  type AnalyticsLineRecord,
  type ColumnType,
} from '../../../lambdas/app/analytics/record.js';

function duckdbType(type: ColumnType): string {
  if (typeof type !== 'string')
    return `STRUCT(${type.list.map(([name, t]) => `${name} ${duckdbType(t)}`).join(', ')})[]`;
  return { string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN' }[type];
}

/** A runner over a temporary directory of Parquet files; `close()` removes it. */
export interface TestRunner extends AnalyticsQueryRunner {
  /** Every query it ran, in order. */
  readonly queries: AnalyticsQuery[];
  close(): void;
}

/**
 * Writes the records as partitioned Parquet in a temporary directory and opens DuckDB over them.
 *
 * @param records - the analytics records
 * @returns the runner
 */
export async function duckdbRunner(records: readonly AnalyticsLineRecord[]): Promise<TestRunner> {
  const dir = mkdtempSync(path.join(tmpdir(), 'analytics-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const spool = path.join(dir, 'spool.ndjson');
  writeFileSync(spool, records.map((r) => JSON.stringify(r)).join('\n'));
  const columns = ANALYTICS_COLUMNS.map(([name, type]) => `'${name}': '${duckdbType(type)}'`).join(', ');
  await connection.run(
    `COPY (SELECT * FROM read_json('${spool}', format = 'newline_delimited', columns = {${columns}})) ` +
      `TO '${path.join(dir, 'lines')}' (FORMAT parquet, PARTITION_BY (tenant, month))`,
  );
  const queries: AnalyticsQuery[] = [];
  return {
    dialect: 'duckdb',
    linesTable: `read_parquet('${path.join(dir, 'lines')}/**/*.parquet', hive_partitioning = true, hive_types = {'tenant': VARCHAR, 'month': VARCHAR})`,
    queries,
    async run(query: AnalyticsQuery): Promise<AnalyticsResult> {
      queries.push(query);
      const reader = await connection.runAndReadAll(query.sql, query.params as DuckDBValue[]);
      const rows = reader.getRowObjectsJS().map((row) => {
        const out: Record<string, string | number | boolean | null> = {};
        for (const [key, value] of Object.entries(row))
          out[key] =
            typeof value === 'bigint'
              ? Number(value)
              : value === null || typeof value !== 'object'
                ? (value as string | number | boolean | null)
                : JSON.stringify(value);
        return out as AnalyticsRow;
      });
      return { rows, bytesScanned: null };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
