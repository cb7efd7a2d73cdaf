import type { AnalyticsQueryRunner, AnalyticsTenantStore } from '../../app/analytics/ports.js';
import { DependencyUnavailableError } from '../../app/dependency-errors.js';
import { NOT_CONFIGURED_RETRY_SECONDS } from './analytics-deps.js';
import { ANALYTICS_ENV, LINES_PREFIX } from './analytics-env.js';
import { once } from './once.js';
import { runtimeModeFrom } from './runtime-mode.js';

/**
 * The query side's composition root (issue 19): Athena and S3 in AWS, DuckDB and the disk
 * locally, for the KPI, benchmark and delete routes and the peers' builder. Apart from the pricing
 * path's (analytics-deps.ts), so that the price function's bundle holds none of it.
 */

/** The query side: the runner over the lines table and the tenants. */
export interface AnalyticsReader {
  readonly runner: AnalyticsQueryRunner;
  readonly tenants: AnalyticsTenantStore;
}

/**
 * The query side the environment names: Athena and S3, or DuckDB and the disk; 503 when neither.
 *
 * @param env - the environment
 * @param options - how long an Athena query may run (default: under API Gateway's 29 s; the
 *   scheduled peers' builder, with no client waiting, gives it minutes)
 * @returns a loader of the reader, built on first use
 */
export function analyticsReaderFrom(
  env: NodeJS.ProcessEnv,
  options: { readonly athenaDeadlineMs?: number } = {},
): () => Promise<AnalyticsReader> {
  runtimeModeFrom(env);
  return once(async () => {
    const bucketName = env[ANALYTICS_ENV.bucket];
    const workgroup = env[ANALYTICS_ENV.workgroup];
    const database = env[ANALYTICS_ENV.database];
    const dir = env[ANALYTICS_ENV.dir];
    if (bucketName && workgroup && database) {
      const [{ AthenaClient }, { S3Client }, { AthenaQueryRunner }, { S3AnalyticsTenantStore }] =
        await Promise.all([
          import('@aws-sdk/client-athena'),
          import('@aws-sdk/client-s3'),
          import('../../adapters/analytics-athena.js'),
          import('../../adapters/analytics-s3.js'),
        ]);
      return {
        runner: new AthenaQueryRunner({
          client: new AthenaClient({}),
          workgroup,
          database,
          ...(options.athenaDeadlineMs === undefined ? {} : { deadlineMs: options.athenaDeadlineMs }),
        }),
        tenants: new S3AnalyticsTenantStore({
          client: new S3Client({}),
          bucketName,
          linesPrefix: LINES_PREFIX,
        }),
      };
    }
    if (dir) {
      const [{ DuckDbAnalyticsQueryRunner }, { LocalAnalyticsTenantStore }] = await Promise.all([
        import('../../adapters/analytics-query-runner-duckdb.js'),
        import('../../adapters/analytics-stores-local.js'),
      ]);
      return {
        runner: await DuckDbAnalyticsQueryRunner.open({ root: dir }),
        tenants: new LocalAnalyticsTenantStore({ root: dir }),
      };
    }
    throw new DependencyUnavailableError('Analytics', NOT_CONFIGURED_RETRY_SECONDS);
  });
}
