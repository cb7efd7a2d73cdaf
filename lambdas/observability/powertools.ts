import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PricedAnswer } from '../engine/explain.js';
import type { PricedBill } from '../engine/priced-bill.js';

/**
 * Logger and Metrics of every function, created once per process (Powertools'
 * `commons/powertools` pattern; the Tracer is in tracing.ts, imported only by the functions whose
 * work is AWS SDK calls, see docs/decisions/010-observability.md). Handlers never log through `logger` directly: the PHI-safe
 * request log (logger.ts) is the only way they log. Metrics are CloudWatch embedded metric format
 * lines on stdout; every dimension value is one of our own constants, never input.
 *
 * Locally and in tests nothing is traced (Tracer turns itself off outside Lambda, and
 * `POWERTOOLS_TRACE_ENABLED=false` turns it off anywhere) and no metric is written unless
 * `POWERTOOLS_METRICS_DISABLED=false` asks for it: metrics are for CloudWatch, not for a terminal.
 * See docs/decisions/010-observability.md.
 */

/** The service name of logs, metrics and traces unless `POWERTOOLS_SERVICE_NAME` says otherwise. */
export const SERVICE_NAME = 'wc-bill-review';
/** The CloudWatch namespace of the metrics unless `POWERTOOLS_METRICS_NAMESPACE` says otherwise. */
export const METRICS_NAMESPACE = 'WcBillReview';

/** Metric names: the alarms and dashboards name them too. */
export const METRIC = {
  billsPriced: 'BillsPriced',
  linesUnpriced: 'LinesUnpriced',
  ruleDecisions: 'RuleDecisions',
  reconConflicts: 'ReconConflicts',
  smartBillUnlockFailures: 'SmartBillUnlockFailures',
  smartBillLockouts: 'SmartBillLockouts',
  smartBillRendererFailures: 'SmartBillRendererFailures',
  analyticsRecordsDropped: 'AnalyticsRecordsDropped',
} as const;

/** The service name in effect. */
export const serviceName = process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME;

/** The Powertools logger behind logger.ts; not for handlers (use `logRequest`). */
export const logger = new Logger({ serviceName });

/**
 * Whether metrics are written: explicitly by `POWERTOOLS_METRICS_DISABLED`, otherwise only inside
 * Lambda (where the runtime sets `AWS_LAMBDA_FUNCTION_NAME`).
 *
 * @param env - the environment
 * @returns true when metrics go to stdout
 */
export function metricsEnabledIn(env: NodeJS.ProcessEnv): boolean {
  const disabled = env.POWERTOOLS_METRICS_DISABLED;
  if (disabled !== undefined && disabled !== '') {
    return !['1', 'true', 'yes', 'on'].includes(disabled.trim().toLowerCase());
  }
  return env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_FUNCTION_NAME !== '';
}

const metricsEnabled = metricsEnabledIn(process.env);

/** The Powertools metrics instance (namespace and service dimension set once). */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName,
});

/** A dimension value: lower-case words of our own (rule ids, decisions, reason codes). */
const DIMENSION = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Writes one count now, with its own dimensions (one EMF line); nothing when metrics are off.
 * Values that do not look like our constants are never used as dimensions.
 */
function count(name: string, value: number, dimensions: Readonly<Record<string, string>> = {}): void {
  if (!metricsEnabled || value <= 0) return;
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) {
    single.addDimension(key, DIMENSION.test(dimension) ? dimension : 'other');
  }
  single.addMetric(name, MetricUnit.Count, value);
}

/**
 * The metrics of one priced bill: `BillsPriced` 1; `LinesUnpriced` by reason code; `RuleDecisions`
 * by rule and decision, for the decisions that cost the provider money (reduced, denied). An answer
 * at `explain=summary` names its rule decisions through its references; one at `explain=none`
 * carries none, so it counts only the bill and its unpriced lines.
 *
 * @param priced - the priced bill, at any explanation level
 */
export function recordPricedBill(priced: Pick<PricedBill, 'lines'> | PricedAnswer): void {
  if (!metricsEnabled) return;
  count(METRIC.billsPriced, 1);
  const unpriced = new Map<string, number>();
  const decisions = new Map<string, { rule: string; decision: string; count: number }>();
  const traces = 'references' in priced ? priced.references.rules : undefined;
  for (const line of priced.lines) {
    if (line.status === 'unpriced') {
      const reason = line.unpriced?.code ?? 'UNKNOWN';
      unpriced.set(reason, (unpriced.get(reason) ?? 0) + 1);
    }
    const rules: readonly (readonly [string, string])[] = !('rules' in line)
      ? []
      : typeof line.rules === 'string'
        ? (traces?.[line.rules] ?? [])
        : line.rules.map((r) => [r.rule, r.decision] as const);
    for (const [rule, decision] of rules) {
      if (decision !== 'reduced' && decision !== 'denied') continue;
      const key = `${rule}\u0000${decision}`;
      const entry = decisions.get(key) ?? { rule, decision, count: 0 };
      entry.count += 1;
      decisions.set(key, entry);
    }
  }
  for (const [reason, n] of unpriced) count(METRIC.linesUnpriced, n, { reason });
  for (const { rule, decision, count: n } of decisions.values()) {
    count(METRIC.ruleDecisions, n, { rule, decision });
  }
}

/** A Recon submission answered 409 (a stale or conflicting sequence). */
export function recordReconConflict(): void {
  count(METRIC.reconConflicts, 1);
}

/** What one SmartBill unlock attempt came to. */
export type SmartBillUnlockOutcome = 'unlocked' | 'wrong-amount' | 'locked-out';

/**
 * For the SmartBill unlock endpoint: call once per attempt. A wrong amount counts one
 * `SmartBillUnlockFailures`; the attempt that locks the page (or any attempt on a locked page)
 * counts one `SmartBillLockouts`; an unlock counts nothing.
 *
 * @param outcome - what the attempt came to
 */
export function recordSmartBillUnlock(outcome: SmartBillUnlockOutcome): void {
  if (outcome === 'wrong-amount') count(METRIC.smartBillUnlockFailures, 1);
  if (outcome === 'locked-out') count(METRIC.smartBillLockouts, 1);
}

/** A SmartBill page could not be rendered or stored (the renderer function, or in the background). */
export function recordSmartBillRendererFailure(): void {
  count(METRIC.smartBillRendererFailures, 1);
}

/**
 * Analytics records the delivery stream did not take after the sink's retry (issue 19): alarmed,
 * since a KPI that silently misses bills misleads.
 *
 * @param dropped - how many records
 */
export function recordAnalyticsDropped(dropped: number): void {
  count(METRIC.analyticsRecordsDropped, dropped);
}
