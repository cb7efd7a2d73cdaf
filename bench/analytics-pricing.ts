/**
 * Issue 19's throughput target, through the price handler itself: the same 10-line bill, sent by
 * the same tenant, to three instances of the handler module in one process — analytics off (no
 * analytics environment), on with the local spool (`ANALYTICS_DIR`, what `npm start` runs) and on
 * with the Firehose sink (`ANALYTICS_STREAM`) whose client answers at once (the CPU of building,
 * encoding and sending the records, not the network) — in alternating rounds
 * so that all three see the same machine. Each instance reads its environment at module scope, as
 * a Lambda function does, so each is imported under its own URL with the environment set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FirehoseClient, type PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ANALYTICS_ENV } from '../lambdas/handlers/shared/analytics-env.js';
import { median } from './stats.js';

/** Microseconds a bill, median of rounds, per variant. */
export interface AnalyticsPricingFigures {
  readonly offMicros: number;
  readonly spoolMicros: number;
  readonly firehoseMicros: number;
  /** Records the sinks were given (lines × calls): proof that the "on" runs kept records. */
  readonly firehoseRecords: number;
}

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

async function handlerWith(variant: string, env: Record<string, string>): Promise<Handler> {
  for (const name of Object.values(ANALYTICS_ENV)) delete process.env[name];
  Object.assign(process.env, env);
  const module = (await import(`../lambdas/handlers/price-bill/handler.js?analytics=${variant}`)) as {
    handler: Handler;
  };
  for (const name of Object.keys(env)) delete process.env[name];
  return module.handler;
}

/**
 * Measures the price handler with analytics off and on.
 *
 * @param indexFile - the fee index
 * @param bill - the bill, as sent
 * @returns microseconds a bill for each variant
 */
export async function measurePricingWithAnalytics(
  indexFile: string,
  bill: object,
): Promise<AnalyticsPricingFigures> {
  process.env.FEE_INDEX_PATH = indexFile;
  process.env.WCBR_LOG = 'off';
  const spool = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-spool-'));
  // Firehose answering at once: the client's send replaced for the run (a mock library's stubs
  // would add their own cost to the figure).
  const send = FirehoseClient.prototype.send;
  let firehoseRecords = 0;
  FirehoseClient.prototype.send = async function answer(command: unknown) {
    const records = (command as PutRecordBatchCommand).input.Records ?? [];
    firehoseRecords += records.length;
    return { FailedPutCount: 0, RequestResponses: records.map((_, i) => ({ RecordId: String(i) })) };
  } as unknown as typeof send;
  try {
    const handlers = {
      off: await handlerWith('off', {}),
      spool: await handlerWith('spool', { [ANALYTICS_ENV.dir]: spool }),
      firehose: await handlerWith('firehose', {
        [ANALYTICS_ENV.stream]: 'bench-analytics',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
      }),
    };
    const event = {
      body: JSON.stringify(bill),
      headers: { 'content-type': 'application/json' },
      isBase64Encoded: false,
      // A machine client's token: its client id is its tenant, so records are kept.
      requestContext: { requestId: 'bench', authorizer: { claims: { client_id: 'bench-tenant' } } },
    };
    const context = { awsRequestId: 'bench', functionName: 'PriceBill' };
    const calls = 500;
    const rounds: Record<keyof typeof handlers, number[]> = { off: [], spool: [], firehose: [] };
    for (const handler of Object.values(handlers)) {
      for (let i = 0; i < calls; i++) {
        const answer = await handler(event, context);
        if (answer.statusCode !== 200) throw new Error(`the price handler answered ${answer.statusCode}`);
      }
    }
    firehoseRecords = 0;
    for (let round = 0; round < 7; round++) {
      for (const [name, handler] of Object.entries(handlers) as [keyof typeof handlers, Handler][]) {
        const start = performance.now();
        for (let i = 0; i < calls; i++) await handler(event, context);
        rounds[name].push(((performance.now() - start) * 1000) / calls);
      }
    }
    return {
      offMicros: Math.round(median(rounds.off)),
      spoolMicros: Math.round(median(rounds.spool)),
      firehoseMicros: Math.round(median(rounds.firehose)),
      firehoseRecords,
    };
  } finally {
    FirehoseClient.prototype.send = send;
    rmSync(spool, { recursive: true, force: true });
  }
}

/** Requests a second through the local API, analytics off and on, in alternating runs. */
export interface AnalyticsHttpFigures {
  readonly offRequestsPerSecond: number;
  readonly onRequestsPerSecond: number;
  readonly runs: number;
}

/**
 * The same target end to end: the local API (two worker processes, as the HTTP bench runs it)
 * saturated by 50 connections sending the 10-line bill with a machine client's token, started
 * with analytics off, then on (records spooled and compacted as under `npm start`), twice each in
 * alternation; a fresh stack each run, since handlers read their environment once.
 *
 * @param indexFile - the fee index
 * @param bill - the bill, as sent
 * @returns the median requests a second of each
 */
export async function measureHttpWithAnalytics(
  indexFile: string,
  bill: object,
): Promise<AnalyticsHttpFigures> {
  process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startLocalStack } = await import('../lambdas/local/stack.js');
  const autocannon = (await import('autocannon')).default;
  const body = JSON.stringify(bill);
  const rates: Record<'off' | 'on', number[]> = { off: [], on: [] };
  for (const variant of ['off', 'on', 'off', 'on'] as const) {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-analytics-http-'));
    const stack = await startLocalStack({
      port: 0,
      cognitoPort: 0,
      stateDir,
      feeIndexPath: indexFile,
      quiet: true,
      workers: 2,
      analytics: variant === 'on' ? {} : false,
    });
    try {
      const headers = {
        authorization: `Bearer ${await stack.token('client')}`,
        'content-type': 'application/json',
      };
      const url = `${stack.url}/v1/bills/price`;
      await autocannon({ url, method: 'POST', headers, body, connections: 20, duration: 2 });
      const run = await autocannon({ url, method: 'POST', headers, body, connections: 50, duration: 8 });
      if (run.non2xx + run.errors > 0)
        throw new Error(`${variant}: ${run.non2xx + run.errors} failed requests`);
      rates[variant].push(run.requests.average);
      if (variant === 'on') {
        await stack.analytics?.flush();
        const lines = await import('node:fs').then((fs) =>
          fs.readdirSync(path.join(stateDir, 'analytics', 'lines'), { recursive: true }),
        );
        if (!lines.some((name) => String(name).endsWith('.parquet')))
          throw new Error('analytics on kept no records');
      }
    } finally {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  return {
    offRequestsPerSecond: Math.round(median(rates.off)),
    onRequestsPerSecond: Math.round(median(rates.on)),
    runs: rates.on.length,
  };
}
