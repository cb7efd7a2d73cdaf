import type { LineComparison } from './answers.js';
import { comparisonOf } from './peers.js';
import type { AnalyticsSink, PeerSnapshot, PeerSnapshotStore } from './ports.js';
import type { AnalyticsLineRecord } from './record.js';

/**
 * Analytics on the pricing path (issue 19): which priced bills leave records, sending them, and
 * the peers' comparison a bill may ask for. The records are built from the engine's priced bill
 * (`pricedBillAt`: the lighter answers drop the dates and rule decisions a record keeps) and sent
 * while the answer is prepared; a store outage never costs the client its answer (the sink counts
 * what it drops).
 */

/** What the pricing path needs: the sink and the tenants that turned analytics off. */
export interface AnalyticsRecording {
  readonly sink: AnalyticsSink;
  /** Tenants whose bills leave no record (cdk.json `analytics.tenants.<id>.enabled: false`). */
  readonly offTenants: ReadonlySet<string>;
}

/**
 * Whether a priced bill leaves records: a tenant (records are partitioned by it) that has not
 * turned analytics off, and a bill that did not say `"analytics": false`.
 *
 * @param recording - null in a deployment without analytics
 * @param tenant - the caller's tenant, from the token
 * @param body - the request body as sent (its `analytics` field was validated with the bill)
 * @returns true when records are kept
 */
export function keepsRecords(
  recording: AnalyticsRecording | null,
  tenant: string | null,
  body: unknown,
): recording is AnalyticsRecording {
  if (recording === null || tenant === null || recording.offTenants.has(tenant)) return false;
  return (body as { analytics?: unknown } | null)?.analytics !== false;
}

/** How long a loaded snapshot is used before it is read again: it is rebuilt daily in AWS. */
export const PEER_SNAPSHOT_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * The peers' snapshot as the pricing path reads it: loaded on first use and again once it is
 * {@link PEER_SNAPSHOT_MAX_AGE_MS} old; a failed load keeps the last one (or none), so a store
 * outage costs the comparison, never the answer.
 */
export class PeerSnapshotCache {
  #snapshot: PeerSnapshot | null = null;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<PeerSnapshot | null> | null = null;

  constructor(
    private readonly store: PeerSnapshotStore,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs: number = PEER_SNAPSHOT_MAX_AGE_MS,
  ) {}

  /** The snapshot in use, read again when it is old. */
  current(): Promise<PeerSnapshot | null> {
    if (this.now() - this.#loadedAt < this.maxAgeMs) return Promise.resolve(this.#snapshot);
    this.#loading ??= this.store
      .load()
      .then(
        (snapshot) => {
          this.#snapshot = snapshot;
          return snapshot;
        },
        () => this.#snapshot,
      )
      .finally(() => {
        this.#loadedAt = this.now();
        this.#loading = null;
      });
    return this.#loading;
  }
}

/**
 * Each line's comparison with its peers, in line order, for a bill that asked `"compare": true`.
 *
 * @param snapshot - the peers' snapshot, or null when none was built yet
 * @param records - the bill's analytics records (they hold what a comparison reads)
 * @returns one comparison per line
 */
export function lineComparisons(
  snapshot: PeerSnapshot | null,
  records: readonly AnalyticsLineRecord[],
): readonly LineComparison[] {
  return records.map((record) => comparisonOf(snapshot, record));
}

/**
 * An answer with each line's comparison added (the answer at any explain level: its lines are in
 * the priced bill's order).
 *
 * @param answer - the answer as it will be sent
 * @param comparisons - from {@link lineComparisons}
 * @returns the answer with `comparison` on each line
 */
export function withComparisons<A extends { readonly lines: readonly object[] }>(
  answer: A,
  comparisons: readonly LineComparison[],
): A {
  return { ...answer, lines: answer.lines.map((line, i) => ({ ...line, comparison: comparisons[i] })) };
}
