/**
 * The queries' Athena dialect, checked by structure (issue 19): every read of the table names its
 * tenant and month partitions, every struct field is listed in UNNEST in ANALYTICS_COLUMNS order,
 * percentiles are approx_percentile, no DuckDB-only function slips in, one parameter per `?`. And
 * the two dialects are one query: the Athena SQL, with its documented differences rewritten, is
 * the DuckDB SQL character for character, with the same parameters (which the DuckDB tests run).
 */
import { describe, expect, it } from 'vitest';
import type { AnalyticsQuery, SqlDialect } from '../../../lambdas/app/analytics/ports.js';
import { ANALYTICS_COLUMNS } from '../../../lambdas/app/analytics/record.js';
import {
  benchmarkQuery,
  type KpiFilter,
  kpiGroupsQuery,
  kpiTotalsQuery,
  peerSnapshotQuery,
  reductionsQuery,
  topQuery,
  unpricedQuery,
} from '../../../lambdas/app/analytics/sql.js';

const ATHENA_TABLE = '"wcbr_analytics"."lines"';
const DUCKDB_TABLE = "read_parquet('/tmp/x/lines/**/*.parquet', hive_partitioning = true)";
const filter: KpiFilter = { tenant: 'acme', from: '2026-01', to: '2026-06', jurisdiction: 'AZ' };
const noJurisdiction: KpiFilter = { ...filter, jurisdiction: null };
const benchmark = { code: '99213', jurisdiction: 'AZ', zip3: '850', from: '2026-01', to: '2026-03' };

/** Every query the services send, by name, in a dialect. */
function everyQuery(dialect: SqlDialect): Record<string, AnalyticsQuery> {
  const t = dialect === 'athena' ? ATHENA_TABLE : DUCKDB_TABLE;
  return {
    totals: kpiTotalsQuery(dialect, t, filter),
    totalsAllJurisdictions: kpiTotalsQuery(dialect, t, noJurisdiction),
    ...Object.fromEntries(
      (['month', 'jurisdiction', 'code', 'provider', 'reason'] as const).map((g) => [
        `groups-${g}`,
        kpiGroupsQuery(dialect, t, filter, g),
      ]),
    ),
    ...Object.fromEntries(
      (['bucket', 'rule', 'reason'] as const).map((by) => [
        `reductions-${by}`,
        reductionsQuery(dialect, t, filter, by),
      ]),
    ),
    unpriced: unpricedQuery(dialect, t, filter),
    topCodes: topQuery(dialect, t, filter, 'code'),
    topProviders: topQuery(dialect, t, filter, 'provider'),
    benchmarkPeers: benchmarkQuery(dialect, t, ['acme', 'beta', 'gamma'], benchmark),
    benchmarkOwn: benchmarkQuery(dialect, t, ['acme'], { ...benchmark, jurisdiction: null, zip3: null }),
    peerSnapshot: peerSnapshotQuery(dialect, t, ['acme', 'beta', 'gamma'], '2025-12', '2026-11', {
      lines: 11,
      tenants: 3,
    }),
  };
}

const athena = everyQuery('athena');
const duckdb = everyQuery('duckdb');

describe('the Athena SQL', () => {
  it('has one parameter per ?', () => {
    for (const [name, query] of Object.entries(athena))
      expect(query.sql.split('?').length - 1, name).toBe(query.params.length);
  });

  it('names the tenant and month partitions in the WHERE clause of every read of the table', () => {
    for (const [name, query] of Object.entries(athena)) {
      const reads = query.sql.split(`FROM ${ATHENA_TABLE}`).slice(1);
      expect(reads.length, name).toBeGreaterThan(0);
      for (const after of reads)
        expect(after, name).toMatch(
          /^ WHERE (tenant = \?|tenant IN \(\?(, \?)*\)) AND month BETWEEN \? AND \?/,
        );
    }
    // The partition values are the first parameters, in that order.
    expect(athena.totals?.params.slice(0, 3)).toEqual(['acme', '2026-01', '2026-06']);
    expect(athena.benchmarkPeers?.params.slice(0, 5)).toEqual([
      'acme',
      'beta',
      'gamma',
      '2026-01',
      '2026-03',
    ]);
    expect(athena.peerSnapshot?.params.slice(0, 5)).toEqual(['acme', 'beta', 'gamma', '2025-12', '2026-11']);
  });

  it('lists every field of the adjustments struct in UNNEST, in ANALYTICS_COLUMNS order', () => {
    const type = ANALYTICS_COLUMNS.find(([name]) => name === 'adjustments')?.[1];
    const fields = typeof type === 'object' ? type.list.map(([name]) => name).join(', ') : '';
    expect(fields).toContain('carc');
    const unnesting = Object.entries(athena).filter(([, q]) => q.sql.includes('UNNEST'));
    expect(unnesting.map(([name]) => name).sort()).toEqual(
      ['groups-reason', 'reductions-bucket', 'reductions-reason', 'reductions-rule'].sort(),
    );
    for (const [name, query] of unnesting)
      expect(query.sql, name).toContain(`CROSS JOIN UNNEST(l.adjustments) AS a(${fields})`);
  });

  it('uses approx_percentile for percentiles and nothing only DuckDB knows', () => {
    for (const name of ['benchmarkPeers', 'benchmarkOwn', 'peerSnapshot'])
      expect(athena[name]?.sql, name).toMatch(/approx_percentile\([^,]+, ARRAY\[0\.\d+E0(, \d\.\d+E0)*\]\)/);
    const duckdbOnly = [
      /quantile_cont/i,
      /quantile_disc/i,
      /read_parquet/i,
      /read_json/i,
      /hive_partitioning/i,
      /\blist_\w+\(/i,
      /::/,
      /\bstruct_\w+\(/i,
      /, \[\d/,
      /\bAS u\(a\)/,
    ];
    for (const [name, query] of Object.entries(athena))
      for (const pattern of duckdbOnly) expect(query.sql, `${name} ${pattern}`).not.toMatch(pattern);
  });
});

describe('the two dialects', () => {
  it('send the same parameters', () => {
    expect(Object.keys(athena)).toEqual(Object.keys(duckdb));
    for (const name of Object.keys(athena)) expect(athena[name]?.params, name).toEqual(duckdb[name]?.params);
  });

  it('are the same query once the documented differences are rewritten', () => {
    const fields = /AS a\([a-z_, ]+\)/g;
    for (const name of Object.keys(athena)) {
      const rewritten = (athena[name]?.sql ?? '')
        .replaceAll(ATHENA_TABLE, DUCKDB_TABLE)
        .replace(fields, 'AS u(a)')
        .replaceAll('approx_percentile(', 'quantile_cont(')
        .replace(/ARRAY\[([^\]]*)\]/g, (_, list: string) => `[${list.replace(/E0/g, '')}]`);
      expect(rewritten, name).toBe(duckdb[name]?.sql);
    }
  });

  it('refuse a cross-tenant query without tenants (an empty IN list is not SQL)', () => {
    expect(() => benchmarkQuery('athena', ATHENA_TABLE, [], benchmark)).toThrow(RangeError);
  });
});
