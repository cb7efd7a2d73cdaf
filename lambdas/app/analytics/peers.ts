import { type LineComparison, PUBLICATION_THRESHOLD } from './answers.js';
import { numberIn, textIn } from './format.js';
import { monthOf } from './params.js';
import type { AnalyticsQueryRunner, AnalyticsTenantStore, PeerDistribution, PeerSnapshot } from './ports.js';
import type { AnalyticsLineRecord } from './record.js';
import { modifierGroupOf, peerSnapshotQuery, SNAPSHOT_PERCENTILES } from './sql.js';

/**
 * The peers' snapshot (issue 19, `"compare": true`): built on a schedule by one query over every
 * tenant's last 12 complete months, kept as JSON, and read by the pricing path, which places each
 * line's charge per unit among its peers' without a query of its own.
 */

/**
 * The snapshot's key of a peer group.
 *
 * @param jurisdiction - "AZ"
 * @param code - "99213"
 * @param modifierGroup - "26", "TC" or "" (see MODIFIER_GROUP in sql.ts)
 * @returns "AZ|99213|"
 */
export function peerKey(jurisdiction: string, code: string, modifierGroup: string): string {
  return `${jurisdiction}|${code}|${modifierGroup}`;
}

/**
 * The last 12 complete months before a time: on 2026-12-07, 2025-12..2026-11.
 *
 * @param now - the time the snapshot is built
 * @returns first and last month
 */
export function snapshotWindow(now: Date): { readonly from: string; readonly to: string } {
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return { from: monthOf(current - 12), to: monthOf(current - 1) };
}

/**
 * Builds the peers' snapshot: every jurisdiction|code|modifier group meeting the publication
 * threshold over the last 12 complete months, with 19 percentiles of billed cents per unit.
 *
 * @param runner - the query runner
 * @param tenantStore - the tenants with records
 * @param now - when it is built (the handler's clock)
 * @returns the snapshot (no groups when no tenant has records)
 */
export async function buildPeerSnapshot(
  runner: AnalyticsQueryRunner,
  tenantStore: AnalyticsTenantStore,
  now: Date,
): Promise<PeerSnapshot> {
  const { from, to } = snapshotWindow(now);
  const tenants = await tenantStore.tenants();
  const groups: Record<string, PeerDistribution> = {};
  if (tenants.length > 0) {
    const { rows } = await runner.run(
      peerSnapshotQuery(runner.dialect, runner.linesTable, tenants, from, to, PUBLICATION_THRESHOLD),
    );
    for (const row of rows) {
      const key = peerKey(textIn(row, 'jurisdiction'), textIn(row, 'code'), textIn(row, 'modifier_group'));
      groups[key] = {
        lines: numberIn(row, 'lines'),
        tenants: numberIn(row, 'tenants'),
        billedPerUnit: SNAPSHOT_PERCENTILES.map((p) => numberIn(row, `p${Math.round(p * 100)}`)),
      };
    }
  }
  return { builtAt: now.toISOString(), from, to, groups };
}

/** What comparisonOf reads of a line: its analytics record has it all. */
export type ComparableLine = Pick<
  AnalyticsLineRecord,
  'jurisdiction' | 'code' | 'modifiers' | 'billed_cents' | 'units' | 'status'
>;

/**
 * A line's charge per unit among its peers': the percentile by linear interpolation between the 19
 * stored percentiles (5, 10, …, 95). Beyond them the distribution is unknown, so a charge below the
 * 5th is answered 5 and one above the 95th 95, and the basis says "at or below"/"at or above".
 *
 * @param snapshot - the peers' snapshot, or null when none has been built
 * @param line - the line (its analytics record)
 * @returns the comparison; a null percentile with the reason when there is none
 * @example comparisonOf(snapshot, records[0]).percentile // 62
 */
export function comparisonOf(snapshot: PeerSnapshot | null, line: ComparableLine): LineComparison {
  const group = modifierGroupOf(line.modifiers === '' ? [] : line.modifiers.split(','));
  const among = snapshot ? `peers' lines of ${snapshot.from} to ${snapshot.to}` : "peers' lines";
  const basis = `${line.jurisdiction} ${line.code}${group ? ` with modifier ${group}` : ''}: charge per unit among ${among}`;
  if (snapshot === null)
    return { percentile: null, basis, peers: null, reason: 'No peers’ snapshot has been built yet.' };
  if (line.status === 'unpriced')
    return {
      percentile: null,
      basis,
      peers: null,
      reason: 'The line is unpriced: it is not compared with its peers.',
    };
  if (line.units <= 0)
    return { percentile: null, basis, peers: null, reason: 'The line has no units to divide its charge by.' };
  const peers = snapshot.groups[peerKey(line.jurisdiction, line.code, group)];
  if (peers === undefined)
    return {
      percentile: null,
      basis,
      peers: null,
      reason:
        `Too few peers: a comparison is made only where at least ${PUBLICATION_THRESHOLD.lines} lines from ` +
        `at least ${PUBLICATION_THRESHOLD.tenants} tenants were billed for the same jurisdiction, code and modifier group.`,
    };
  const { percentile, beyond } = percentileAmong(peers.billedPerUnit, line.billed_cents / line.units);
  const where =
    beyond === 'below'
      ? '; at or below the 5th percentile'
      : beyond === 'above'
        ? '; at or above the 95th percentile'
        : '';
  return {
    percentile,
    basis: `${basis}${where}`,
    peers: { lines: peers.lines, tenants: peers.tenants },
    ...(line.status === 'unpriced'
      ? { reason: 'The line is unpriced: its charge is compared, it has no allowance.' }
      : {}),
  };
}

/**
 * The percentile of a value among 19 ascending percentiles (5..95), whole, by linear interpolation;
 * on a run of equal percentiles the middle of the run.
 *
 * @param points - billed cents per unit at 5, 10, …, 95
 * @param value - the line's billed cents per unit
 * @returns the percentile (5..95) and whether the value lies beyond the stored ones
 */
export function percentileAmong(
  points: readonly number[],
  value: number,
): { readonly percentile: number; readonly beyond: 'below' | 'above' | null } {
  const step = 100 / (points.length + 1);
  let below = 0;
  let atOrBelow = 0;
  for (const point of points) {
    if (point < value) below++;
    if (point <= value) atOrBelow++;
  }
  if (atOrBelow === 0) return { percentile: Math.round(step), beyond: 'below' };
  if (below === points.length) return { percentile: Math.round(step * points.length), beyond: 'above' };
  if (below < atOrBelow)
    return { percentile: Math.round((step * (below + 1 + atOrBelow)) / 2), beyond: null };
  const lo = points[below - 1] as number;
  const hi = points[below] as number;
  return { percentile: Math.round(step * below + (step * (value - lo)) / (hi - lo)), beyond: null };
}
