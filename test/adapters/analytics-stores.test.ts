/**
 * The local analytics stores (issue 19): the tenants with data, deleting one tenant's Parquet files
 * and spooled records (the others' kept), and the peers' snapshot file.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsCompactor } from '../../lambdas/adapters/analytics-compactor-local.js';
import { withRootLock } from '../../lambdas/adapters/analytics-duckdb.js';
import { DuckDbAnalyticsQueryRunner } from '../../lambdas/adapters/analytics-query-runner-duckdb.js';
import { SPOOL_DIR, SpoolAnalyticsSink } from '../../lambdas/adapters/analytics-spool-sink-local.js';
import {
  LocalAnalyticsTenantStore,
  LocalPeerSnapshotStore,
  PEERS_FILE,
} from '../../lambdas/adapters/analytics-stores-local.js';
import type { PeerSnapshot } from '../../lambdas/app/analytics/ports.js';
import { analyticsBill } from '../support/analytics-records.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wcbr-analytics-stores-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function spool(...bills: ReturnType<typeof analyticsBill>[]): Promise<void> {
  const sink = new SpoolAnalyticsSink({ root });
  for (const bill of bills) await sink.put(bill);
  await sink.close();
}

describe('LocalAnalyticsTenantStore', () => {
  it('lists the tenants with a partition, none before any data', async () => {
    const store = new LocalAnalyticsTenantStore({ root });
    expect(await store.tenants()).toEqual([]);
    const compactor = await AnalyticsCompactor.open({ root });
    try {
      await spool(
        analyticsBill(2, { tenant: 'globex', month: '2026-01' }),
        analyticsBill(2, { tenant: 'acme', month: '2026-02' }),
        analyticsBill(2, { tenant: '1234', month: '2026-02' }),
        analyticsBill(1, { tenant: 'acme.eu', month: '2026-02' }),
      );
      await compactor.flush();
    } finally {
      await compactor.stop();
    }
    // An empty tenant directory (a delete under way, say) is not a tenant with data.
    await mkdir(join(root, 'lines', 'tenant=empty'), { recursive: true });
    expect(await store.tenants()).toEqual(['1234', 'acme', 'acme.eu', 'globex']);
  });

  it("deletes a tenant's files and spooled records, keeps the others', and answers the files it removed", async () => {
    const compactor = await AnalyticsCompactor.open({ root });
    const runner = await DuckDbAnalyticsQueryRunner.open({ root, estimateBytes: false });
    try {
      const store = new LocalAnalyticsTenantStore({ root, exclusive: (task) => compactor.exclusive(task) });
      await spool(
        analyticsBill(3, { tenant: 'acme', month: '2026-01' }),
        analyticsBill(3, { tenant: 'acme', month: '2026-02' }),
        analyticsBill(2, { tenant: 'globex', month: '2026-01' }),
      );
      await compactor.flush();
      // Still in the spool: one file mixing both tenants, one of acme alone.
      await spool(analyticsBill(4, { tenant: 'acme' }), analyticsBill(1, { tenant: 'globex' }));
      await spool(analyticsBill(2, { tenant: 'acme' }));
      expect(await readdir(join(root, SPOOL_DIR))).toHaveLength(2);

      const { objectsDeleted } = await store.deleteTenant('acme');
      // Two Parquet files (two months) and two spool files (one rewritten, one removed).
      expect(objectsDeleted).toBe(4);
      expect(await readdir(join(root, SPOOL_DIR))).toHaveLength(1);
      await compactor.flush();
      expect(await store.tenants()).toEqual(['globex']);
      const { rows } = await runner.run({
        sql: `SELECT tenant, count(*) AS n FROM ${runner.linesTable} GROUP BY tenant`,
        params: [],
      });
      expect(rows).toEqual([{ tenant: 'globex', n: 3 }]);
      expect(await store.deleteTenant('acme')).toEqual({ objectsDeleted: 0 });
    } finally {
      await runner.close();
      await compactor.stop();
    }
  });

  it("waits for the root's lock a compaction in another process holds before it deletes", async () => {
    const store = new LocalAnalyticsTenantStore({ root });
    const events: string[] = [];
    let release: () => void = () => undefined;
    const held = withRootLock(root, async () => {
      events.push('compaction starts');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      events.push('compaction ends');
    });
    await expect.poll(() => events.length).toBe(1);
    const deleting = store.deleteTenant('acme').then(() => events.push('deleted'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual(['compaction starts']);
    release();
    await Promise.all([held, deleting]);
    expect(events).toEqual(['compaction starts', 'compaction ends', 'deleted']);
  });

  it('never reaches outside its directory for a value that is not a tenant id', async () => {
    await writeFile(join(root, 'keep.txt'), 'x');
    const store = new LocalAnalyticsTenantStore({ root: join(root, 'analytics') });
    expect(await store.deleteTenant('../..')).toEqual({ objectsDeleted: 0 });
    expect(await store.deleteTenant('a/b')).toEqual({ objectsDeleted: 0 });
    expect(await store.deleteTenant('')).toEqual({ objectsDeleted: 0 });
    expect(await readFile(join(root, 'keep.txt'), 'utf8')).toBe('x');
  });
});

describe('LocalPeerSnapshotStore', () => {
  const snapshot: PeerSnapshot = {
    builtAt: '2026-12-07T03:00:00.000Z',
    from: '2025-12',
    to: '2026-11',
    groups: {
      'US-MEDICARE|99213|': {
        lines: 40,
        tenants: 3,
        billedPerUnit: Array.from({ length: 19 }, (_, i) => 10_000 + i * 500),
      },
    },
  };

  it('answers null before any snapshot, then the saved one, replaced whole by the next', async () => {
    const store = new LocalPeerSnapshotStore(join(root, 'analytics'));
    expect(await store.load()).toBeNull();
    await store.save(snapshot);
    expect(await store.load()).toEqual(snapshot);
    const next = { ...snapshot, builtAt: '2026-12-08T03:00:00.000Z', groups: {} };
    await store.save(next);
    expect(await store.load()).toEqual(next);
    // Written under a temporary name and renamed: nothing else is left in the directory.
    expect(await readdir(join(root, 'analytics'))).toEqual([PEERS_FILE]);
  });

  it('answers null for a file that is not a snapshot, never an error', async () => {
    const store = new LocalPeerSnapshotStore(root);
    await writeFile(join(root, PEERS_FILE), '{"builtAt": 3');
    expect(await store.load()).toBeNull();
    await writeFile(join(root, PEERS_FILE), '{"builtAt": "x"}');
    expect(await store.load()).toBeNull();
  });
});
