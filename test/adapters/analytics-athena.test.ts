/**
 * The Athena query runner (issue 19) against a mocked client: parameters as SQL literals, polling
 * with backoff to a deadline under API Gateway's 29 s, pages of results typed by column metadata,
 * bytes scanned, and failed, cancelled or slow queries as 503s.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ATHENA_DEADLINE_MS,
  AthenaQueryRunner,
  athenaLiteral,
} from '../../lambdas/adapters/analytics-athena.js';
import { DependencyUnavailableError } from '../../lambdas/app/dependency-errors.js';

const athena = mockClient(AthenaClient);

/** A fake clock that moves only when the runner sleeps. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

function runner(c = clock(), deadlineMs?: number) {
  return new AthenaQueryRunner({
    client: new AthenaClient({}),
    workgroup: 'wg',
    database: 'analytics_db',
    now: c.now,
    sleep: c.sleep,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  });
}

const COLUMNS = [
  { Name: 'jurisdiction', Type: 'varchar' },
  { Name: 'lines', Type: 'bigint' },
  { Name: 'rate', Type: 'double' },
  { Name: 'first', Type: 'boolean' },
];
const cells = (...values: (string | undefined)[]) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
});

describe('athenaLiteral', () => {
  it('quotes strings as SQL literals, doubling quotes', () => {
    expect(athenaLiteral('NY')).toBe("'NY'");
    expect(athenaLiteral("O'Brien")).toBe("'O''Brien'");
    expect(athenaLiteral("x' OR '1'='1")).toBe("'x'' OR ''1''=''1'");
  });

  it('writes numbers bare and refuses what is not finite', () => {
    expect(athenaLiteral(12)).toBe('12');
    expect(athenaLiteral(2.5)).toBe('2.5');
    expect(() => athenaLiteral(Number.NaN)).toThrow(RangeError);
  });
});

describe('AthenaQueryRunner', () => {
  it('starts the query in the workgroup and database with quoted parameters', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    const r = runner();
    expect(r.dialect).toBe('athena');
    expect(r.linesTable).toBe('"analytics_db"."lines"');
    await r.run({ sql: 'SELECT 1 FROM t WHERE jurisdiction = ? AND units > ?', params: ['NY', 2] });
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      WorkGroup: 'wg',
      QueryExecutionContext: { Database: 'analytics_db' },
      ExecutionParameters: ["'NY'", '2'],
    });
  });

  it('sends no ExecutionParameters for a query without any (the API refuses an empty list)', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    await runner().run({ sql: 'SELECT 1', params: [] });
    expect(
      athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ExecutionParameters,
    ).toBeUndefined();
  });

  it('polls with growing waits, reads every page, skips the header once and types the cells', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 123456 } },
      });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: COLUMNS },
          Rows: [cells('jurisdiction', 'lines', 'rate', 'first'), cells('NY', '12', '0.25', 'true')],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: COLUMNS },
          Rows: [cells('CA', '3', undefined, 'false')],
        },
      });
    const c = clock();
    const r = runner(c);
    const { rows, bytesScanned } = await r.run({ sql: 'SELECT …', params: [] });
    expect(rows).toEqual([
      { jurisdiction: 'NY', lines: 12, rate: 0.25, first: true },
      { jurisdiction: 'CA', lines: 3, rate: null, first: false },
    ]);
    expect(c.sleeps).toEqual([100, 200, 400]);
    expect(bytesScanned).toBe(123456);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
  });

  it.each(['FAILED', 'CANCELLED'] as const)('answers 503 for a %s query', async (State) => {
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State, StateChangeReason: 'x' } } });
    await expect(runner().run({ sql: 'SELECT 1', params: [] })).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('stops a query that passes the deadline and answers 503, before API Gateway would (29 s)', async () => {
    expect(ATHENA_DEADLINE_MS).toBeLessThan(29_000);
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const c = clock();
    await expect(runner(c).run({ sql: 'SELECT 1', params: [] })).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryExecutionId: 'q-1',
    });
    expect(c.now()).toBeLessThanOrEqual(ATHENA_DEADLINE_MS);
    // Backoff capped at a second: about 24 polls, not thousands.
    expect(Math.max(...c.sleeps)).toBe(1_000);
    expect(athena.commandCalls(GetQueryExecutionCommand).length).toBeLessThan(40);
  });

  it('answers 503 when Athena throttles', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('slow'), { name: 'TooManyRequestsException' }));
    await expect(runner().run({ sql: 'SELECT 1', params: [] })).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('passes on an error that says no (our SQL is wrong: a 500, not a retry)', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('bad sql'), { name: 'InvalidRequestException' }));
    const error = await runner()
      .run({ sql: 'SELEC', params: [] })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).name).toBe('InvalidRequestException');
  });
});
