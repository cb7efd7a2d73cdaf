import type { FieldError } from '../../engine/errors.js';
import { BadRequestError } from '../answers.js';
import {
  type BenchmarkAnswer,
  type Distribution,
  type Percentiles,
  PUBLICATION_THRESHOLD,
} from './answers.js';
import { moneyOfFractionalCents, nullableNumberIn, numberIn } from './format.js';
import { jurisdictionParam, knownParams, type QueryParams } from './params.js';
import {
  type AnalyticsQueryRunner,
  type AnalyticsRow,
  type AnalyticsTenantStore,
  bytesScannedOf,
} from './ports.js';
import { type BenchmarkFilter, benchmarkQuery } from './sql.js';

/**
 * Benchmarks (issue 19, `GET /v1/analytics/benchmarks`): the distribution of a code's charges and
 * allowances per unit across every tenant, published only where at least 11 lines from at least 3
 * tenants stand behind it, and the caller's own distribution, which always answers for itself.
 * Percentiles are exact on DuckDB and approximate on Athena (`approx_percentile`, rank error about
 * 1%): the route's documentation says so.
 */

/** A checked benchmark request. */
export interface BenchmarkRequest {
  readonly tenant: string;
  readonly code: string;
  readonly jurisdiction: string | null;
  readonly zip3: string | null;
  /** "2026Q1", or null for every month held. */
  readonly quarter: string | null;
  /** The months the quarter covers (every month held when there is no quarter). */
  readonly from: string;
  readonly to: string;
}

/** The parameters `GET /v1/analytics/benchmarks` takes. */
export const BENCHMARK_PARAMS = ['code', 'jurisdiction', 'zip3', 'quarter'] as const;

/**
 * The months read when no quarter is named: every month, written as a range so that the query still
 * names its partitions (Athena's date projection intersects it with the months it projects).
 */
export const ALL_MONTHS = { from: '2000-01', to: '9999-12' } as const;

/**
 * Checks the benchmark route's query parameters.
 *
 * @param params - code (required, five letters or digits), jurisdiction, zip3 (three digits),
 *   quarter ("2026Q1")
 * @param tenant - the caller's tenant, from the token
 * @returns the request
 * @throws BadRequestError naming every bad parameter
 * @example parseBenchmarkRequest({ code: '99213', jurisdiction: 'AZ', quarter: '2026Q1' }, 'acme')
 */
export function parseBenchmarkRequest(params: QueryParams, tenant: string): BenchmarkRequest {
  const errors: FieldError[] = [];
  const known = knownParams(params, BENCHMARK_PARAMS, errors);
  const code = known.code?.toUpperCase();
  if (code === undefined)
    errors.push({ field: 'code', errorMessage: 'is required: a CPT or HCPCS code, "99213"' });
  else if (!/^[A-Z0-9]{5}$/.test(code))
    errors.push({ field: 'code', errorMessage: 'must be a five-character CPT or HCPCS code' });
  const jurisdiction = jurisdictionParam(known.jurisdiction, errors);
  const zip3 = known.zip3 ?? null;
  if (zip3 !== null && !/^\d{3}$/.test(zip3))
    errors.push({ field: 'zip3', errorMessage: 'must be the first three digits of a ZIP, "850"' });
  const quarter = known.quarter?.toUpperCase() ?? null;
  const q = quarter === null ? null : /^(\d{4})Q([1-4])$/.exec(quarter);
  if (quarter !== null && q === null)
    errors.push({ field: 'quarter', errorMessage: 'must be a year and quarter, "2026Q1"' });
  if (errors.length > 0 || code === undefined)
    throw new BadRequestError('The benchmark request has parameters we cannot use.', errors);
  let months: { readonly from: string; readonly to: string } = ALL_MONTHS;
  if (q) {
    const last = Number(q[2]) * 3;
    months = {
      from: `${q[1]}-${String(last - 2).padStart(2, '0')}`,
      to: `${q[1]}-${String(last).padStart(2, '0')}`,
    };
  }
  return { tenant, code, jurisdiction, zip3, quarter, ...months };
}

/**
 * The benchmark of a request: the peers' distribution (every tenant with records, the caller's
 * included) and the caller's own, queried at once.
 *
 * @param runner - the query runner
 * @param tenantStore - lists the tenants with records (Athena's tenant projection needs them named)
 * @param request - from parseBenchmarkRequest
 * @returns the answer; peers unpublished below the threshold, with the reason in words
 */
export async function benchmarksOf(
  runner: AnalyticsQueryRunner,
  tenantStore: AnalyticsTenantStore,
  request: BenchmarkRequest,
): Promise<BenchmarkAnswer> {
  const filter: BenchmarkFilter = {
    code: request.code,
    jurisdiction: request.jurisdiction,
    zip3: request.zip3,
    from: request.from,
    to: request.to,
  };
  const { dialect, linesTable: table } = runner;
  const tenants = await tenantStore.tenants();
  const [peers, own] = await Promise.all([
    tenants.length === 0 ? null : runner.run(benchmarkQuery(dialect, table, tenants, filter)),
    runner.run(benchmarkQuery(dialect, table, [request.tenant], filter)),
  ]);
  const peerRow = peers?.rows[0];
  const lines = numberIn(peerRow, 'lines');
  const peerTenants = numberIn(peerRow, 'tenants');
  const published = lines >= PUBLICATION_THRESHOLD.lines && peerTenants >= PUBLICATION_THRESHOLD.tenants;
  const ownRow = own.rows[0];
  return {
    code: request.code,
    jurisdiction: request.jurisdiction,
    zip3: request.zip3,
    quarter: request.quarter,
    peers: published
      ? { published: true, ...distributionOf(peerRow) }
      : { published: false, reason: unpublishedReason(), lines: null, tenants: null },
    own: numberIn(ownRow, 'lines') === 0 ? null : ownOf(ownRow),
    query: { engine: dialect, bytesScanned: bytesScannedOf([peers, own]) },
  };
}

/**
 * Why the peers are not shown. The counts behind an unpublished figure are not given: saying "2
 * tenants" would tell a caller how few others bill the code.
 */
function unpublishedReason(): string {
  return (
    `Too few lines behind this benchmark: a figure across tenants is published only where at least ` +
    `${PUBLICATION_THRESHOLD.lines} lines from at least ${PUBLICATION_THRESHOLD.tenants} tenants match ` +
    'the code, jurisdiction, ZIP3 and quarter asked for. Your own lines are answered in "own".'
  );
}

function distributionOf(row: AnalyticsRow | undefined): Distribution {
  return {
    lines: numberIn(row, 'lines'),
    tenants: numberIn(row, 'tenants'),
    billed: percentilesOf(row, 'billed') as Percentiles,
    allowed: numberIn(row, 'allowed_lines') === 0 ? null : percentilesOf(row, 'allowed'),
  };
}

function ownOf(row: AnalyticsRow | undefined): Omit<Distribution, 'tenants'> {
  const { tenants: _tenants, ...own } = distributionOf(row);
  return own;
}

function percentilesOf(row: AnalyticsRow | undefined, amount: 'billed' | 'allowed'): Percentiles | null {
  const at = (p: number): string | null => {
    const value = nullableNumberIn(row, `${amount}_p${p}`);
    return value === null ? null : moneyOfFractionalCents(value);
  };
  const [p10, p25, p50, p75, p90] = [at(10), at(25), at(50), at(75), at(90)];
  if (p10 === null || p25 === null || p50 === null || p75 === null || p90 === null) return null;
  return { p10, p25, p50, p75, p90 };
}
