/**
 * Analytics in the local stack (issue 19): the directory under the state directory that holds the
 * spool, the Parquet files and the peers' snapshot; the compactor that turns the spool into Parquet
 * every few seconds (Firehose's part in AWS) and deletes the files written longer ago than the retention (the
 * bucket's lifecycle rule in AWS); and, when given, the peers' snapshot builder every few minutes
 * (EventBridge's daily schedule in AWS). It answers the environment the pricing and analytics
 * handlers read (ANALYTICS_DIR, retention, tenants that turned analytics off); each process or
 * thread that prices builds its own {@link SpoolAnalyticsSink} from ANALYTICS_DIR.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AnalyticsCompactor, type CompactionRun } from '../adapters/analytics-compactor-local.js';
import { LocalAnalyticsTenantStore } from '../adapters/analytics-stores-local.js';
import { ANALYTICS_ENV } from '../handlers/shared/analytics-env.js';
import { logFailure } from '../observability/logger.js';

/** The analytics root under the state directory. */
export const LOCAL_ANALYTICS_DIR = 'analytics';

/** Options of {@link startAnalyticsBackends}. */
export interface AnalyticsBackendOptions {
  /** The local stack's state directory. */
  readonly stateDir: string;
  /** Days records are kept (cdk.json `stages.<stage>.analytics.retentionDays`); kept forever when absent. */
  readonly retentionDays?: number | undefined;
  /** Tenants that turned analytics off (cdk.json `analytics.tenants.<id>.enabled: false`). */
  readonly offTenants?: readonly string[] | undefined;
  /** Milliseconds between compactions. @default 3000 */
  readonly compactEveryMs?: number | undefined;
  /** Builds and saves the peers' snapshot (the scheduled handler's work); run on start and then on its interval. */
  readonly buildPeers?: (() => Promise<void>) | undefined;
  /** Milliseconds between peers' snapshots. @default 300000 */
  readonly peersEveryMs?: number | undefined;
  /** The clock retention reads (tests move it). */
  readonly now?: (() => Date) | undefined;
}

/** The running analytics backends. */
export interface AnalyticsBackends {
  /** For the handlers (set before their modules load). */
  readonly environment: Readonly<Record<string, string>>;
  /** The analytics root: spool/, lines/, peers.json. */
  readonly root: string;
  /** The tenant store, under the compactor's lock (for a DELETE /v1/analytics in this process). */
  readonly tenants: LocalAnalyticsTenantStore;
  /**
   * Compacts now what the sinks have written (the sinks flush on their own ~250 ms timers, in their
   * own processes and threads: a test waits that long after pricing, or flushes its own sink).
   */
  flush(): Promise<CompactionRun>;
  /** Builds the peers' snapshot now (when a builder was given). */
  buildPeers(): Promise<void>;
  /** Stops the timers, runs a last compaction, closes DuckDB. */
  stop(): Promise<void>;
}

/**
 * Creates the analytics directory and starts the compactor (and the peers' builder when given).
 *
 * @param options - state directory, retention, opt-outs, intervals
 * @returns the environment, flush and stop
 */
export async function startAnalyticsBackends(options: AnalyticsBackendOptions): Promise<AnalyticsBackends> {
  const root = join(options.stateDir, LOCAL_ANALYTICS_DIR);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const compactor = await AnalyticsCompactor.open({
    root,
    retentionDays: options.retentionDays,
    intervalMs: options.compactEveryMs ?? 3000,
    ...(options.now ? { now: options.now } : {}),
  });
  // What a previous run left in the spool (and retention) before the API takes requests. Failures
  // are logged without a route (LOG_ROUTES names none for analytics yet) and retried on the timer.
  await compactor.flush().catch((error: unknown) => logFailure({}, error));
  compactor.start();

  let peersRunning: Promise<void> | undefined;
  const buildPeers = async (): Promise<void> => {
    if (options.buildPeers === undefined) return;
    // One build at a time: a slow build is not started again by the timer.
    peersRunning ??= options.buildPeers().finally(() => {
      peersRunning = undefined;
    });
    await peersRunning;
  };
  let peersTimer: NodeJS.Timeout | undefined;
  if (options.buildPeers !== undefined) {
    const tick = () => void buildPeers().catch((error: unknown) => logFailure({}, error));
    tick();
    peersTimer = setInterval(tick, options.peersEveryMs ?? 300_000);
    peersTimer.unref();
  }

  const environment: Record<string, string> = {
    [ANALYTICS_ENV.dir]: root,
    ...(options.retentionDays === undefined
      ? {}
      : { [ANALYTICS_ENV.retentionDays]: String(options.retentionDays) }),
    ...(options.offTenants === undefined || options.offTenants.length === 0
      ? {}
      : { [ANALYTICS_ENV.offTenants]: options.offTenants.join(',') }),
  };
  return {
    environment,
    root,
    tenants: new LocalAnalyticsTenantStore({ root, exclusive: (task) => compactor.exclusive(task) }),
    flush: () => compactor.flush(),
    buildPeers,
    stop: async () => {
      if (peersTimer !== undefined) clearInterval(peersTimer);
      await peersRunning?.catch(() => undefined);
      await compactor.flush().catch((error: unknown) => logFailure({}, error));
      await compactor.stop();
    },
  };
}
