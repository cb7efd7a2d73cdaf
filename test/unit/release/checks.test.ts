/**
 * The full-size checks (lambdas/app/release/checks.ts) on the sample index, each made to fail by
 * the input it guards against: a corrupt body, a data set that shrank by more than the stated
 * drop, an example bill that cannot be priced, a supplied edition that prices nothing. No dollar
 * figure is asserted: the checks compare counts and outcomes.
 */
import { describe, expect, it } from 'vitest';
import { addSupplied } from '../../../fee-data/supplied/store.js';
import { verifyFeeIndex } from '../../../lambdas/adapters/fee-index-file.js';
import {
  MAX_ROW_DROP_PERCENT,
  PROBE_CODES,
  type ReleaseSummary,
  releaseSummary,
  runReleaseChecks,
} from '../../../lambdas/app/release/checks.js';
import type { Jurisdiction } from '../../../lambdas/domain/jurisdiction-schema.js';
import { lookupFee } from '../../../lambdas/engine/fee-lookup.js';
import type { FeeIndex } from '../../../lambdas/fee-index/reader.js';
import { EXAMPLE_BILLS } from '../../../lambdas/handlers/release-steps/example-bills.js';
import { sampleIndex, sampleIndexWith } from '../../support/fee-index.js';
import { sampleIndexWithSupplied, tableFile, tempDir, writeFile } from '../../support/supplied.js';

const index = sampleIndex();
const summary = releaseSummary(index);
const byName = (results: ReturnType<typeof runReleaseChecks>, name: string) =>
  results.find((r) => r.name === name);

describe('releaseSummary', () => {
  it('counts the rows of every data set and names the release and its jurisdictions', () => {
    const editions = index.header.editions;
    expect(Object.keys(summary.datasets).sort()).toEqual([...new Set(editions.map((e) => e.dataset))].sort());
    expect(summary.datasets['pfs-rvu']).toBe(
      editions.filter((e) => e.dataset === 'pfs-rvu').reduce((n, e) => n + e.source.rows, 0),
    );
    expect(summary.release.id).toBe(index.release()?.id);
    expect(summary.jurisdictions).toContain('TX');
  });
});

describe('runReleaseChecks', () => {
  it('passes the sample index against its own summary', () => {
    const results = runReleaseChecks(index, {
      verifyChecksum: verifyFeeIndex,
      previous: summary,
      examples: EXAMPLE_BILLS,
    });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['checksum', true],
      ['datasets', true],
      ['jurisdictions', true],
      ['supplied', true],
      ['examples', true],
    ]);
  });

  it('stops at the checksum: nothing read from a corrupt body means anything', () => {
    const results = runReleaseChecks(index, {
      verifyChecksum: () => false,
      previous: summary,
      examples: EXAMPLE_BILLS,
    });
    expect(results).toEqual([expect.objectContaining({ name: 'checksum', ok: false })]);
  });

  it(`accepts a drop of ${MAX_ROW_DROP_PERCENT}% of a data set's rows and refuses one row more`, () => {
    const rows = summary.datasets.gpci ?? 0;
    // The previous release had `previousRows`; the sample holds `rows`.
    const previousAt = (previousRows: number): ReleaseSummary => ({
      ...summary,
      datasets: { ...summary.datasets, gpci: previousRows },
    });
    const atLimit = Math.floor((rows * 100) / (100 - MAX_ROW_DROP_PERCENT));
    const check = (previous: ReleaseSummary) =>
      byName(
        runReleaseChecks(index, { verifyChecksum: () => true, previous, examples: EXAMPLE_BILLS }),
        'datasets',
      );
    expect(check(previousAt(atLimit))?.ok).toBe(true);
    expect(check(previousAt(atLimit + 1))?.ok).toBe(false);
    expect(check(previousAt(atLimit + 1))?.detail).toMatch(/gpci dropped from/);
  });

  it('refuses a release that lost a jurisdiction the previous one had', () => {
    const previous = { ...summary, jurisdictions: [...summary.jurisdictions, 'ZZ'] };
    const result = byName(
      runReleaseChecks(index, { verifyChecksum: () => true, previous, examples: EXAMPLE_BILLS }),
      'datasets',
    );
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/jurisdictions missing: ZZ/) });
  });

  it('names an example bill that cannot be priced', () => {
    const examples = [...EXAMPLE_BILLS, { name: 'broken.json', bill: { lines: 'not lines' } }];
    const result = byName(runReleaseChecks(index, { verifyChecksum: () => true, examples }), 'examples');
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/^broken\.json: /) });
  });

  it('refuses to pass with no example bills at all', () => {
    expect(
      byName(runReleaseChecks(index, { verifyChecksum: () => true, examples: [] }), 'examples')?.ok,
    ).toBe(false);
  });
});

/**
 * Texas with one supplied conversion-factor edition for 2025. The factor is the test's input (a
 * customer's figure), not a claim about Texas's schedule.
 */
function withSuppliedTexas(factor: string | null): FeeIndex {
  return sampleIndexWith((j: Jurisdiction) =>
    j.id !== 'TX'
      ? j
      : {
          ...j,
          billTypes: {
            ...j.billTypes,
            professional: {
              ...j.billTypes.professional,
              supplied: [
                {
                  id: 'acme-tx-cf-2025',
                  effective: '2025-01-01',
                  termination: '2025-12-31',
                  effectiveStated: true,
                  method: factor === null ? 'state-table' : 'rbrvs-state-cf',
                  ...(factor === null
                    ? { data: 'state-table/acme-empty-table' }
                    : { factors: [{ category: 'all', value: factor, source: { citation: 'test input' } }] }),
                  sources: [{ citation: 'test input: a customer bulletin' }],
                  supplied: {
                    id: 'acme-tx-cf-2025',
                    kind: factor === null ? 'fee-table' : 'conversion-factors',
                    suppliedBy: 'test',
                    suppliedAt: '2026-12-07T00:00:00.000Z',
                    file: 'acme-tx-cf-2025.json',
                    sha256: '0'.repeat(64),
                    source: { citation: 'test input: a customer bulletin' },
                    supersedes: false,
                  },
                },
              ],
            },
          },
        },
  );
}

describe('the supplied check', () => {
  it('fails a supplied edition that prices no line, naming it', () => {
    const supplied = withSuppliedTexas(null);
    const result = byName(
      runReleaseChecks(supplied, { verifyChecksum: () => true, examples: EXAMPLE_BILLS }),
      'supplied',
    );
    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^TX acme-tx-cf-2025 \(supplied\)/),
    });
  });

  const withFactor = withSuppliedTexas('60.00');
  const locality = ((): string => {
    const [gpci] = withFactor.editions('gpci');
    const first = gpci === undefined ? undefined : withFactor.localities(gpci)[0];
    return first === undefined ? '' : `${first.carrier}-${first.locality}`;
  })();
  const engineHonoursSupplied = lookupFee(withFactor, {
    jurisdiction: 'TX',
    code: '99213',
    date: '2025-03-04',
    locality,
  }).explanation.some((step) => step.inputs?.suppliedId === 'acme-tx-cf-2025');
  it('passes a supplied conversion-factor edition that prices lines', () => {
    expect(engineHonoursSupplied).toBe(true);
    const result = byName(
      runReleaseChecks(withFactor, { verifyChecksum: () => true, examples: EXAMPLE_BILLS }),
      'supplied',
    );
    expect(result).toMatchObject({ ok: true, detail: '1 supplied editions each price a line' });
  });
});

describe('the supplied check on a table of uncommon codes', () => {
  it('tries the table on its own codes, so a table holding none of the common ones passes', () => {
    // A supplied New York table listing one code that is neither a probe code nor on an example
    // bill (the amount is the test's input, not New York's).
    expect(PROBE_CODES).not.toContain('25111');
    const store = tempDir();
    const file = writeFile(
      tempDir(),
      'ny.json',
      tableFile({ rows: [{ code: '25111', non_facility: '400.00' }] }),
    );
    expect(addSupplied(store, [file], { by: 'test', now: new Date('2026-12-07T00:00:00Z') }).ok).toBe(true);
    const result = byName(
      runReleaseChecks(sampleIndexWithSupplied(store), {
        verifyChecksum: () => true,
        examples: EXAMPLE_BILLS,
      }),
      'supplied',
    );
    expect(result).toMatchObject({ ok: true, detail: '1 supplied editions each price a line' });
  });
});
