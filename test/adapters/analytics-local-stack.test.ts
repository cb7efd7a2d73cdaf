/**
 * The local stack's analytics piece (issue 19): the environment the handlers read, the compactor on
 * its timer and on flush(), the leftovers of a previous run compacted at start, the peers' builder
 * run on its schedule, and a last compaction on stop().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parquetFiles } from '../../lambdas/adapters/analytics-duckdb.js';
import { SpoolAnalyticsSink } from '../../lambdas/adapters/analytics-spool-sink-local.js';
import { ANALYTICS_ENV } from '../../lambdas/handlers/shared/analytics-env.js';
import { LOCAL_ANALYTICS_DIR, startAnalyticsBackends } from '../../lambdas/local/analytics-stack.js';
import { analyticsBill } from '../support/analytics-records.js';

let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'wcbr-analytics-stack-'));
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('startAnalyticsBackends', () => {
  it('answers the environment, compacts on flush() and on its timer, and once more on stop()', async () => {
    const backends = await startAnalyticsBackends({
      stateDir,
      retentionDays: 400,
      offTenants: ['quiet', 'hush'],
      compactEveryMs: 100,
    });
    const root = join(stateDir, LOCAL_ANALYTICS_DIR);
    expect(backends.environment).toEqual({
      [ANALYTICS_ENV.dir]: root,
      [ANALYTICS_ENV.retentionDays]: '400',
      [ANALYTICS_ENV.offTenants]: 'quiet,hush',
    });
    const sink = new SpoolAnalyticsSink({ root: backends.environment[ANALYTICS_ENV.dir] as string });
    try {
      await sink.put(analyticsBill(10, { month: '2026-11' }));
      await sink.flush();
      expect(await backends.flush()).toMatchObject({ records: 10 });
      // The timer: records flushed by a sink land without anyone asking.
      await sink.put(analyticsBill(2, { month: '2026-11', tenant: 'globex' }));
      await sink.flush();
      await expect.poll(async () => (await backends.tenants.tenants()).length, { timeout: 5000 }).toBe(2);
      // stop(): what is in the spool is compacted before DuckDB closes.
      await sink.put(analyticsBill(1, { month: '2026-11', tenant: 'initech' }));
      await sink.flush();
    } finally {
      await backends.stop();
    }
    expect(await parquetFiles(join(root, 'lines', 'tenant=initech'))).toHaveLength(1);
  });

  it('compacts what a previous run left in the spool before it answers', async () => {
    const root = join(stateDir, LOCAL_ANALYTICS_DIR);
    const sink = new SpoolAnalyticsSink({ root });
    await sink.put(analyticsBill(3));
    await sink.close();
    const backends = await startAnalyticsBackends({ stateDir, compactEveryMs: 60_000 });
    try {
      expect(await backends.tenants.tenants()).toEqual(['acme']);
    } finally {
      await backends.stop();
    }
  });

  it('runs the peers builder at start and on its interval, one build at a time, and never crashes on its failure', async () => {
    let builds = 0;
    let failures = 0;
    const backends = await startAnalyticsBackends({
      stateDir,
      peersEveryMs: 50,
      buildPeers: async () => {
        builds += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (builds === 2) {
          failures += 1;
          throw new Error('no tenants yet');
        }
      },
    });
    try {
      await expect.poll(() => builds, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
      expect(failures).toBe(1);
      // On demand, and a call while one runs waits for that one.
      const before = builds;
      await Promise.all([backends.buildPeers(), backends.buildPeers()]);
      expect(builds - before).toBeLessThanOrEqual(2);
    } finally {
      await backends.stop();
    }
  });
});
