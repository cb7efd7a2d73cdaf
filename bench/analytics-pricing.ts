/**
 * Issue 19's throughput target, through the price handler itself: the same 10-line bill, sent by
 * the same tenant, to three instances of the handler module in one process — analytics off (no
 * analytics environment), on with the local spool (`ANALYTICS_DIR`, what `npm start` runs) and on
 * with the Firehose sink (`ANALYTICS_STREAM`) whose client answers at once (aws-sdk-client-mock:
 * the CPU of building, encoding and sending the records, not the network) — in alternating rounds
 * so that all three see the same machine. Each instance reads its environment at module scope, as
 * a Lambda function does, so each is imported under its own URL with the environment set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
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
  const firehose = mockClient(FirehoseClient);
  let firehoseRecords = 0;
  firehose.on(PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => {
    firehoseRecords += input.Records.length;
    return { FailedPutCount: 0, RequestResponses: input.Records.map((_, i) => ({ RecordId: String(i) })) };
  });
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
    firehose.restore();
    rmSync(spool, { recursive: true, force: true });
  }
}
