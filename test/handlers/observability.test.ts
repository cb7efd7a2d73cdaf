/**
 * Metrics (Powertools, CloudWatch embedded metric format) and where the Tracer goes (issue 15,
 * item 8). Metrics are written inside Lambda, or when POWERTOOLS_METRICS_DISABLED=false asks;
 * each count carries only dimensions that are our own constants.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PricedLine } from '../../lambdas/engine/priced-bill.js';
import { REPO_ROOT } from '../../lib/repo-root.js';

type Observability = typeof import('../../lambdas/observability/powertools.js');

/** The observability module loaded fresh under an environment. */
async function load(env: Record<string, string | undefined>): Promise<Observability> {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('../../lambdas/observability/powertools.js');
}

/** What `act` writes to stdout, as EMF documents. */
function emitted(act: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    write.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The metric name, value and dimension values of an EMF document. */
function summary(doc: Record<string, unknown>) {
  const directive = (
    doc._aws as { CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[] }
  ).CloudWatchMetrics[0];
  const name = directive?.Metrics[0]?.Name as string;
  const dimensions = Object.fromEntries(
    (directive?.Dimensions[0] ?? []).filter((d) => d !== 'service').map((d) => [d, doc[d]]),
  );
  return { name, value: doc[name], dimensions };
}

function line(partial: Partial<PricedLine>): PricedLine {
  return { status: 'priced', rules: [], ...partial } as PricedLine;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('metrics', () => {
  it('are off outside Lambda unless asked for, on inside Lambda, and off when disabled there', async () => {
    const bill = { lines: [line({})] };
    let o = await load({ AWS_LAMBDA_FUNCTION_NAME: undefined, POWERTOOLS_METRICS_DISABLED: undefined });
    expect(emitted(() => o.recordPricedBill(bill))).toEqual([]);
    o = await load({ AWS_LAMBDA_FUNCTION_NAME: 'pricing', POWERTOOLS_METRICS_DISABLED: undefined });
    expect(emitted(() => o.recordPricedBill(bill))).toHaveLength(1);
    o = await load({ AWS_LAMBDA_FUNCTION_NAME: 'pricing', POWERTOOLS_METRICS_DISABLED: 'true' });
    expect(emitted(() => o.recordPricedBill(bill))).toEqual([]);
  });

  it('count a priced bill, its unpriced lines by reason, and its reductions and denials by rule', async () => {
    const o = await load({
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_SERVICE_NAME: 'wc-bill-review-test',
    });
    const bill = {
      lines: [
        line({
          rules: [
            { rule: 'mppr', decision: 'reduced' },
            { rule: 'ncci-ptp', decision: 'no-change' },
          ],
        }),
        line({ rules: [{ rule: 'mppr', decision: 'reduced' }] }),
        line({ status: 'denied', rules: [{ rule: 'ncci-ptp', decision: 'denied' }] }),
        line({ status: 'unpriced', unpriced: { code: 'NOT-IN-EDITION', message: '' } }),
        line({ status: 'unpriced', unpriced: { code: 'NOT-IN-EDITION', message: '' } }),
        line({ status: 'unpriced', unpriced: { code: 'CARRIER-PRICED', message: '' } }),
        line({ rules: [{ rule: 'mue', decision: 'flagged' }] }),
      ],
    };
    const docs = emitted(() => o.recordPricedBill(bill));
    expect(docs.map(summary)).toEqual([
      { name: 'BillsPriced', value: 1, dimensions: {} },
      { name: 'LinesUnpriced', value: 2, dimensions: { reason: 'NOT-IN-EDITION' } },
      { name: 'LinesUnpriced', value: 1, dimensions: { reason: 'CARRIER-PRICED' } },
      { name: 'RuleDecisions', value: 2, dimensions: { rule: 'mppr', decision: 'reduced' } },
      { name: 'RuleDecisions', value: 1, dimensions: { rule: 'ncci-ptp', decision: 'denied' } },
    ]);
    for (const doc of docs) {
      expect(doc.service).toBe('wc-bill-review-test');
      expect(
        (doc._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace,
      ).toBe('WcBillReview');
    }
  });

  it('never use a value that is not one of our constants as a dimension', async () => {
    const o = await load({ POWERTOOLS_METRICS_DISABLED: 'false' });
    const docs = emitted(() =>
      o.recordPricedBill({
        lines: [line({ rules: [{ rule: 'Quixotebergh 987-65-4329', decision: 'denied' }] })],
      }),
    );
    expect(docs.map(summary)[1]).toEqual({
      name: 'RuleDecisions',
      value: 1,
      dimensions: { rule: 'other', decision: 'denied' },
    });
  });

  it('count Recon conflicts, SmartBill unlock failures and lockouts, and renderer failures', async () => {
    const o = await load({ POWERTOOLS_METRICS_DISABLED: 'false' });
    const docs = emitted(() => {
      o.recordReconConflict();
      o.recordSmartBillUnlock('unlocked');
      o.recordSmartBillUnlock('wrong-amount');
      o.recordSmartBillUnlock('wrong-amount');
      o.recordSmartBillUnlock('locked-out');
      o.recordSmartBillRendererFailure();
    });
    expect(docs.map((d) => summary(d).name)).toEqual([
      'ReconConflicts',
      'SmartBillUnlockFailures',
      'SmartBillUnlockFailures',
      'SmartBillLockouts',
      'SmartBillRendererFailures',
    ]);
  });
});

describe('the tracer', () => {
  it('hands an SDK client back unchanged outside Lambda', async () => {
    vi.resetModules();
    const { traced } = await import('../../lambdas/observability/tracing.js');
    const client = { send: () => undefined };
    expect(traced(client)).toBe(client);
  });

  it('stays out of the pricing function (aws-xray-sdk-core would cost every cold start), and is in the Recon functions', async () => {
    const esbuild = await import('esbuild');
    const inputsOf = async (entry: string) => {
      const result = await esbuild.build({
        entryPoints: [join(REPO_ROOT, entry)],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        mainFields: ['module', 'main'],
        external: ['@aws-sdk/*'],
        logLevel: 'error',
      });
      return Object.keys(result.metafile.inputs);
    };
    const pricing = await inputsOf('lambdas/handlers/price-bill/handler.ts');
    expect(pricing.some((input) => input.includes('@aws-lambda-powertools/logger'))).toBe(true);
    expect(pricing.some((input) => input.includes('aws-xray-sdk-core'))).toBe(false);
    const write = await inputsOf('lambdas/handlers/recon-tasks/write.ts');
    expect(write.some((input) => input.includes('aws-xray-sdk-core'))).toBe(true);
  });
});

describe('the request log', () => {
  it('takes only checked values: a raw string does not type-check, and the checks keep markers out', async () => {
    const log = await import('../../lambdas/observability/logger.js');
    const raw: string = 'Quixotebergh 987-65-4329';
    const entry = (fields: Partial<import('../../lambdas/observability/logger.js').RequestLog>) => fields;
    // @ts-expect-error a raw path parameter is not a LogJurisdiction
    entry({ jurisdiction: raw });
    // @ts-expect-error nor a LogCode
    entry({ codes: [raw] });
    // @ts-expect-error nor a request id
    entry({ requestId: raw });
    expect(log.loggableJurisdiction(raw)).toBeUndefined();
    expect(log.loggableJurisdiction('US-MEDICARE')).toBe('US-MEDICARE');
    expect(log.loggableCodes([raw, '99213', '99213', 'G0283'])).toEqual(['99213', 'G0283']);
    expect(log.loggableRequestId(raw)).toBe('not-a-uuid');
    const named = new Error(raw);
    named.name = raw;
    expect(log.loggableErrorName(named)).toBe('Error');
  });

  it('keeps the frames of a stack and drops its message, even one of several lines', async () => {
    const { stackFrames } = await import('../../lambdas/observability/logger.js');
    const error = new Error('Quixotebergh\n    987-65-4329\n    at 1957-03-14 (/srv/x.js:1:1)');
    const frames = stackFrames(error);
    expect(frames).toMatch(/^at /);
    expect(frames).not.toMatch(/Quixotebergh|987-65-4329|1957-03-14/);
    error.message = 'changed after the stack was taken';
    expect(stackFrames(error)).toBe('');
  });
});
