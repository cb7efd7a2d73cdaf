import type { AnalyticsSink, PeerSnapshotStore } from '../../app/analytics/ports.js';
import { type AnalyticsRecording, PeerSnapshotCache } from '../../app/analytics/pricing.js';
import type { AnalyticsLineRecord } from '../../app/analytics/record.js';
import { DependencyUnavailableError } from '../../app/dependency-errors.js';
import { ANALYTICS_ENV, PEER_SNAPSHOT_KEY } from './analytics-env.js';
import { once } from './once.js';
import { runtimeModeFrom } from './runtime-mode.js';

/**
 * The pricing path's analytics composition root (issue 19, docs/decisions/019-analytics.md): from
 * the environment the CDK construct (or the local stack) sets, where priced bills' records go and
 * where the peers' snapshot is read. AWS: Firehose and S3 (`ANALYTICS_STREAM`, `ANALYTICS_BUCKET`).
 * Locally: the spool and the snapshot file under `ANALYTICS_DIR`. Every adapter and SDK loads on
 * first use: the pricing function's cold start pays for none of them. The query side is
 * analytics-reader-deps.ts.
 */

/** Analytics is not configured here (a bare handler): the query routes answer 503. */
export const NOT_CONFIGURED_RETRY_SECONDS = 3600;

/** The tenants that turned analytics off, from `ANALYTICS_OFF_TENANTS` (comma-separated). */
export function offTenantsFrom(env: NodeJS.ProcessEnv): ReadonlySet<string> {
  return new Set(
    (env[ANALYTICS_ENV.offTenants] ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  );
}

/** A sink whose adapter loads on the first put; a sink that cannot be built drops and counts, never throws. */
function lazySink(build: () => Promise<AnalyticsSink>): AnalyticsSink {
  const sink = once(build);
  return {
    put: async (records: readonly AnalyticsLineRecord[]) => {
      let target: AnalyticsSink;
      try {
        target = await sink();
      } catch {
        return;
      }
      await target.put(records);
    },
  };
}

/** The pricing path's analytics: where records go, who opted out, the peers' snapshot. */
export interface AnalyticsWriter {
  readonly recording: AnalyticsRecording;
  readonly peers: PeerSnapshotCache;
}

/**
 * The pricing path's analytics, or null when the environment configures none (records are then
 * not kept, and comparisons say no snapshot is held).
 *
 * @param env - the environment
 * @returns the writer, or null
 */
export function analyticsWriterFrom(env: NodeJS.ProcessEnv): AnalyticsWriter | null {
  // A deployed function refuses the local spool (ANALYTICS_DIR) before it keeps a record there.
  runtimeModeFrom(env);
  const stream = env[ANALYTICS_ENV.stream];
  const dir = env[ANALYTICS_ENV.dir];
  let sink: AnalyticsSink;
  if (stream) {
    sink = lazySink(async () => {
      const [{ FirehoseClient }, { FirehoseAnalyticsSink }, { recordAnalyticsDropped }] = await Promise.all([
        import('@aws-sdk/client-firehose'),
        import('../../adapters/analytics-firehose.js'),
        import('../../observability/powertools.js'),
      ]);
      return new FirehoseAnalyticsSink({
        client: new FirehoseClient({}),
        streamName: stream,
        onDropped: recordAnalyticsDropped,
      });
    });
  } else if (dir) {
    sink = lazySink(async () => {
      const { SpoolAnalyticsSink } = await import('../../adapters/analytics-spool-sink-local.js');
      return new SpoolAnalyticsSink({ root: dir });
    });
  } else {
    return null;
  }
  const snapshots = peerSnapshotStoreFrom(env);
  const peers = new PeerSnapshotCache({
    load: async () => (await snapshots()).load(),
    save: async () => undefined,
  });
  return { recording: { sink, offTenants: offTenantsFrom(env) }, peers };
}

/**
 * The peers' snapshot store: S3 (`peers/latest.json` in `ANALYTICS_BUCKET`) or the local file.
 *
 * @param env - the environment
 * @returns a loader of the store
 */
export function peerSnapshotStoreFrom(env: NodeJS.ProcessEnv): () => Promise<PeerSnapshotStore> {
  return once(async () => {
    const bucketName = env[ANALYTICS_ENV.bucket];
    const dir = env[ANALYTICS_ENV.dir];
    if (bucketName) {
      const [{ S3Client }, { S3PeerSnapshotStore }] = await Promise.all([
        import('@aws-sdk/client-s3'),
        import('../../adapters/analytics-s3.js'),
      ]);
      return new S3PeerSnapshotStore({ client: new S3Client({}), bucketName, key: PEER_SNAPSHOT_KEY });
    }
    if (dir) {
      const { LocalPeerSnapshotStore } = await import('../../adapters/analytics-stores-local.js');
      return new LocalPeerSnapshotStore(dir);
    }
    throw new DependencyUnavailableError('Analytics', NOT_CONFIGURED_RETRY_SECONDS);
  });
}
