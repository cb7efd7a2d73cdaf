import { buildPeerSnapshot } from '../../app/analytics/peers.js';
import { logFailure } from '../../observability/logger.js';
import { peerSnapshotStoreFrom } from '../shared/analytics-deps.js';
import { analyticsReaderFrom } from '../shared/analytics-reader-deps.js';

/** Four minutes a query: the function may run five (lib/constructs/analytics.ts), and no client waits. */
const PEERS_QUERY_DEADLINE_MS = 4 * 60 * 1000;

const reader = analyticsReaderFrom(process.env, { athenaDeadlineMs: PEERS_QUERY_DEADLINE_MS });
const snapshots = peerSnapshotStoreFrom(process.env);

/**
 * The peers' snapshot builder (issue 19): run on a schedule (EventBridge in AWS, a timer in the
 * local stack), one query over every tenant's last twelve complete months, kept where the pricing
 * path reads it for `"compare": true`. Only groups at the publication threshold are kept.
 *
 * @returns how many peer groups the snapshot holds
 */
export async function handler(): Promise<{ groups: number; builtAt: string }> {
  try {
    const { runner, tenants } = await reader();
    const snapshot = await buildPeerSnapshot(runner, tenants, new Date());
    await (await snapshots()).save(snapshot);
    return { groups: Object.keys(snapshot.groups).length, builtAt: snapshot.builtAt };
  } catch (error) {
    logFailure({ route: 'AnalyticsPeers' }, error);
    throw error;
  }
}
