import type { AthenaClient, ColumnInfo, GetQueryResultsOutput, Row } from '@aws-sdk/client-athena';
import type {
  AnalyticsQuery,
  AnalyticsQueryRunner,
  AnalyticsResult,
  AnalyticsRow,
} from '../app/analytics/ports.js';
import { LINES_TABLE } from '../app/analytics/record.js';
import {
  type DependencyName,
  DependencyUnavailableError,
  dependencyError,
  UNREACHABLE_RETRY_AFTER_SECONDS,
} from '../app/dependency-errors.js';

/**
 * The dependency name of the analytics store in error bodies and 503s. The cast stands until
 * `DependencyName` (lambdas/app/dependency-errors.ts, the lead's) lists 'Analytics'.
 */
export const ANALYTICS_DEPENDENCY: DependencyName = 'Analytics';

/**
 * How long a query may take before the runner stops it and answers 503: below API Gateway's 29 s
 * integration timeout, with room for the function's own work and the Stop call, so the caller gets
 * our error body with `Retry-After`, not API Gateway's 504.
 */
export const ATHENA_DEADLINE_MS = 24_000;

/** Polling GetQueryExecution: first after 100 ms (small queries finish in about a second), then ×2 up to 1 s. */
export const ATHENA_POLL = { firstMs: 100, factor: 2, maxMs: 1_000 } as const;

/** Rows a GetQueryResults page holds at most (the API's maximum). */
const PAGE_ROWS = 1_000;

/** Athena (Trino) types whose values are numbers in a row; the rest stay strings. */
const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  'tinyint',
  'smallint',
  'integer',
  'int',
  'bigint',
  'double',
  'float',
  'real',
  'decimal',
]);

/** The SDK's commands, loaded on the first query. */
let sdk: Promise<typeof import('@aws-sdk/client-athena')> | undefined;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= import('@aws-sdk/client-athena');
  sdk.catch(() => {
    sdk = undefined;
  });
  return sdk;
}

/**
 * A query parameter as Athena's ExecutionParameters want it: the value as a SQL literal. Athena
 * substitutes each `?` with the parameter's text as written, so a string must arrive quoted
 * (`'NY'`; "for varchar columns … surround the value in single quotes"), with any quote in it
 * doubled as SQL escapes it; a number goes as its decimal text.
 *
 * @param value - a string or finite number
 * @returns the literal
 * @throws RangeError for a number that is not finite (no SQL literal says NaN)
 */
export function athenaLiteral(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('an Athena parameter must be a finite number');
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A result cell converted by its column's type: numbers for the numeric types, booleans for
 * boolean, null for a missing value, strings otherwise (varchar, date, timestamp, arrays as Athena
 * prints them).
 *
 * @param column - the column's metadata
 * @param text - the cell's VarCharValue (absent for SQL NULL)
 * @returns the value
 */
export function athenaValue(column: ColumnInfo, text: string | undefined): string | number | boolean | null {
  if (text === undefined) return null;
  const type = column.Type?.toLowerCase() ?? 'varchar';
  if (NUMERIC_TYPES.has(type)) return Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

/** Options of {@link AthenaQueryRunner}. */
export interface AthenaQueryRunnerOptions {
  /** The Athena client (in Lambda the function's role). */
  readonly client: AthenaClient;
  /** The workgroup (`ANALYTICS_WORKGROUP`): its enforced settings give the result location, key and scan limit. */
  readonly workgroup: string;
  /** The Glue database of the lines table (`ANALYTICS_DATABASE`). */
  readonly database: string;
  /** @default ATHENA_DEADLINE_MS */
  readonly deadlineMs?: number;
  /** The clock and the wait between polls (tests replace them). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs analytics queries in Athena: StartQueryExecution in the workgroup with the parameters as
 * ExecutionParameters, GetQueryExecution polled with backoff until it ends or the deadline passes
 * (then StopQueryExecution), GetQueryResults page by page, each row converted by the column
 * metadata. A query that failed, was cancelled or ran out of time, and a call Athena could not
 * answer, is a {@link DependencyUnavailableError} (503 with Retry-After): the caller can only retry.
 */
export class AthenaQueryRunner implements AnalyticsQueryRunner {
  public readonly dialect = 'athena' as const;
  public readonly linesTable: string;
  readonly #client: AthenaClient;
  readonly #workgroup: string;
  readonly #database: string;
  readonly #deadlineMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  /**
   * @param options - client, workgroup, database, deadline
   */
  public constructor(options: AthenaQueryRunnerOptions) {
    this.#client = options.client;
    this.#workgroup = options.workgroup;
    this.#database = options.database;
    this.#deadlineMs = options.deadlineMs ?? ATHENA_DEADLINE_MS;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // Quoted identifiers: the database name is generated (it may hold characters a bare name may not).
    this.linesTable = `"${options.database}"."${LINES_TABLE}"`;
  }

  /**
   * Runs one query.
   *
   * @param query - SQL with positional `?` parameters
   * @returns the rows, numbers as numbers, and the bytes scanned (Statistics.DataScannedInBytes: what Athena bills it by)
   * @throws DependencyUnavailableError when the query fails, is cancelled or passes the deadline
   */
  public async run(query: AnalyticsQuery): Promise<AnalyticsResult> {
    const started = this.#now();
    const athena = await loadSdk();
    const id = await this.#call(() =>
      this.#client.send(
        new athena.StartQueryExecutionCommand({
          QueryString: query.sql,
          WorkGroup: this.#workgroup,
          QueryExecutionContext: { Database: this.#database, Catalog: 'AwsDataCatalog' },
          // The API refuses an empty list: no parameters, no field.
          ...(query.params.length === 0 ? {} : { ExecutionParameters: query.params.map(athenaLiteral) }),
        }),
      ),
    ).then((answer) => answer.QueryExecutionId);
    if (id === undefined)
      throw new DependencyUnavailableError(ANALYTICS_DEPENDENCY, UNREACHABLE_RETRY_AFTER_SECONDS);

    let wait: number = ATHENA_POLL.firstMs;
    let bytesScanned = 0;
    for (;;) {
      const execution = await this.#call(() =>
        this.#client.send(new athena.GetQueryExecutionCommand({ QueryExecutionId: id })),
      ).then((answer) => answer.QueryExecution);
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') {
        bytesScanned = execution?.Statistics?.DataScannedInBytes ?? 0;
        break;
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        // The reason may quote the SQL (never PHI: records hold none) and goes in the cause only.
        throw new DependencyUnavailableError(ANALYTICS_DEPENDENCY, UNREACHABLE_RETRY_AFTER_SECONDS, {
          cause: new Error(
            `Athena query ${state}: ${execution?.Status?.StateChangeReason ?? 'no reason given'}`,
          ),
        });
      }
      if (this.#now() - started + wait > this.#deadlineMs) {
        // Stop it, so that a query nobody waits for stops costing; a failed stop changes nothing for the caller.
        await this.#client
          .send(new athena.StopQueryExecutionCommand({ QueryExecutionId: id }))
          .catch(() => {});
        throw new DependencyUnavailableError(ANALYTICS_DEPENDENCY, UNREACHABLE_RETRY_AFTER_SECONDS, {
          cause: new Error(`Athena query still ${state ?? 'unknown'} after ${this.#deadlineMs} ms`),
        });
      }
      await this.#sleep(wait);
      wait = Math.min(wait * ATHENA_POLL.factor, ATHENA_POLL.maxMs);
    }

    const rows: AnalyticsRow[] = [];
    let columns: readonly ColumnInfo[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page: GetQueryResultsOutput = await this.#call(() =>
        this.#client.send(
          new athena.GetQueryResultsCommand({
            QueryExecutionId: id,
            MaxResults: PAGE_ROWS,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const data: readonly Row[] = page.ResultSet?.Rows ?? [];
      // A SELECT's first row is the header (the column labels): skip it, on the first page only.
      for (const row of first ? data.slice(1) : data) rows.push(toRow(columns, row));
      first = false;
      token = page.NextToken;
    } while (token !== undefined);
    return { rows, bytesScanned };
  }

  /** An SDK call whose "not now" failures become 503s. */
  async #call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw dependencyError(ANALYTICS_DEPENDENCY, error);
    }
  }
}

function toRow(columns: readonly ColumnInfo[], row: Row): AnalyticsRow {
  const out: Record<string, string | number | boolean | null> = {};
  columns.forEach((column, i) => {
    out[column.Name ?? column.Label ?? `_col${i}`] = athenaValue(column, row.Data?.[i]?.VarCharValue);
  });
  return out;
}
