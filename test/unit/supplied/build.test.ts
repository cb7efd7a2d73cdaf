import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJurisdictions } from '../../../fee-data/jurisdictions/registry.js';
import { buildIndexFromDirectory } from '../../../fee-data/load-datasets.js';
import { SAMPLE_DIR } from '../../../fee-data/paths.js';
import { suppliedBuildInputs } from '../../../fee-data/supplied/build.js';
import { addSupplied, SuppliedStoreError } from '../../../fee-data/supplied/store.js';
import { loadFeeIndexFile } from '../../../lambdas/adapters/fee-index-file.js';
import {
  cfFile,
  contractFile,
  NPI_A,
  sampleIndexWithSupplied,
  tableFile,
  tempDir,
  writeFile,
} from '../../support/supplied.js';

/** The index build with a store of supplied files (issue 20): editions, rows, contracts, release. */

const NOW = new Date('2026-12-01T10:00:00Z');
const cents = (amount: string) => Math.round(Number(amount) * 100);

const TABLE_ROWS = [
  { code: '99213', non_facility: '90.00', facility: '65.00', pctc: '0' },
  { code: '99214', non_facility: '130.00', facility: '95.00', rural: '120.00', pctc: '0' },
  { code: '73030', modifier: '26', non_facility: '12.00', facility: '12.00', pctc: '1' },
  { code: '97110', by_report: 'Y' },
];
const CONTRACT_ROWS = [{ code: '99213', non_facility: '80.00', facility: '60.00' }];

function storeWithEverything(): string {
  const dir = tempDir();
  const store = path.join(dir, 'store');
  const result = addSupplied(
    store,
    [
      writeFile(dir, 'cf.json', cfFile()),
      writeFile(dir, 'ny.json', tableFile({ rows: TABLE_ROWS })),
      writeFile(dir, 'k90.json', contractFile()),
      writeFile(
        dir,
        'kt.json',
        contractFile({
          id: 'test-neg-table',
          bucket: 'negotiated',
          providers: { tins: ['123456789'] },
          jurisdictions: ['TX'],
          terms: { table: CONTRACT_ROWS },
        }),
      ),
    ],
    { by: 'tester', now: NOW },
  );
  expect(result.ok ? [] : result.errors).toEqual([]);
  return store;
}

describe('the index built with supplied files', () => {
  const store = storeWithEverything();
  const index = sampleIndexWithSupplied(store);

  it('holds a factor edition in the registry as a supplied edition with its provenance', () => {
    const tx = index.jurisdictions().find((j) => j.id === 'TX');
    const [edition, ...others] = tx?.billTypes.professional.supplied ?? [];
    expect(others).toEqual([]);
    expect(edition).toMatchObject({
      id: 'test-tx-cf-2025',
      method: 'rbrvs-state-cf',
      effective: '2025-01-01',
      termination: '2025-12-31',
      effectiveStated: true,
      supplied: {
        id: 'test-tx-cf-2025',
        kind: 'conversion-factors',
        suppliedBy: 'tester',
        suppliedAt: NOW.toISOString(),
      },
    });
    const input = cfFile();
    expect(edition?.factors?.map((f) => [f.category, f.value, f.source.citation])).toEqual(
      (input.factors as { category: string; value: string }[]).map((f) => [
        f.category,
        f.value,
        (input.source as { citation: string }).citation,
      ]),
    );
    // The official editions are as they were.
    expect(tx?.billTypes.professional.editions.map((e) => e.id)).toEqual(['TX-2024', 'TX-2025', 'TX-2026']);
  });

  it('holds a fee table as a state-table edition whose rows stateRows reads, with pctc and the rural basis', () => {
    const ny = index.jurisdictions().find((j) => j.id === 'NY');
    expect(ny?.billTypes.professional.supplied?.map((e) => [e.id, e.method])).toEqual([
      ['test-ny-table', 'state-table'],
    ]);
    const edition = index.editionById('state-table/test-ny-table');
    expect(edition?.effective).toBe('2026-01-01');
    if (edition === undefined) return;
    const [office] = index.stateRows(edition, '99213', '');
    expect(office).toMatchObject({
      status: 'priced',
      basis: 'setting',
      nonFacility: cents('90.00'),
      facility: cents('65.00'),
      rural: null,
      pctc: '0',
      line: 1,
    });
    expect(index.stateRows(edition, '99214', '')[0]).toMatchObject({
      basis: 'setting-rural',
      rural: cents('120.00'),
      line: 2,
    });
    expect(index.stateRows(edition, '73030', '26')[0]).toMatchObject({
      pctc: '1',
      nonFacility: cents('12.00'),
    });
    expect(index.stateRows(edition, '97110', '')[0]).toMatchObject({
      status: 'by-report',
      nonFacility: null,
    });
    expect(index.stateRows(edition, '99215', '')).toEqual([]);
  });

  it('holds the contracts, a table contract pointing at its own edition', () => {
    const contracts = index.contracts();
    expect(contracts.map((c) => [c.id, c.tenant, c.bucket, c.terms])).toEqual([
      ['test-ppo-90', 'acme', 'ppo', { kind: 'percent-of-allowance', percent: '90' }],
      [
        'test-neg-table',
        'acme',
        'negotiated',
        { kind: 'table', edition: 'state-table/contract-test-neg-table' },
      ],
    ]);
    expect(contracts[0]?.providers).toEqual({ npis: [NPI_A], tins: [] });
    expect(contracts[0]?.reason).toEqual({ groupCode: 'CO', carc: '45', internalCode: 'CONTRACT-PPO' });
    expect(contracts[1]?.reason.internalCode).toBe('CONTRACT-NEGOTIATED');
    expect(contracts[1]?.jurisdictions).toEqual(['TX']);
    const table = index.editionById('state-table/contract-test-neg-table');
    expect(table && index.stateRows(table, '99213', '')[0]?.facility).toBe(cents('60.00'));
  });

  it('names every supplied file in its release', () => {
    const release = index.release();
    expect(release?.id).toMatch(/^r[0-9a-f]{12}$/);
    expect(release?.supplied.map((p) => p.id)).toEqual([
      'test-tx-cf-2025',
      'test-ny-table',
      'test-ppo-90',
      'test-neg-table',
    ]);
  });

  it('does not change the registry it is given', () => {
    const registry = loadJurisdictions();
    const before = structuredClone(registry);
    const inputs = suppliedBuildInputs(store, registry);
    expect(registry).toEqual(before);
    expect(inputs.jurisdictions.find((j) => j.id === 'TX')?.billTypes.professional.supplied).toHaveLength(1);
    expect(loadJurisdictions().find((j) => j.id === 'TX')?.billTypes.professional.supplied).toBeUndefined();
  });

  it('is what buildIndexFromDirectory writes, with a release differing from the sample alone', () => {
    const dir = tempDir();
    const withStore = buildIndexFromDirectory(SAMPLE_DIR, path.join(dir, 'a.bin'), { supplied: store });
    const without = buildIndexFromDirectory(SAMPLE_DIR, path.join(dir, 'b.bin'));
    expect(withStore.supplied).toBe(4);
    expect(without.supplied).toBe(0);
    expect(withStore.release).not.toBe(without.release);
    expect(loadFeeIndexFile(withStore.out).release()?.id).toBe(withStore.release);
  });
});

describe('the build refuses', () => {
  it('a store with a conflict the registry it was added against did not have', () => {
    // Prepare: added against a registry without TX-2024's factors (as if the store came from an
    // older release), then built against ours, where TX-2024 carries values.
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const older = loadJurisdictions().map((j) =>
      j.id !== 'TX'
        ? j
        : {
            ...j,
            billTypes: {
              ...j.billTypes,
              professional: {
                ...j.billTypes.professional,
                editions: j.billTypes.professional.editions.map(({ factors: _f, ...e }) => e),
              },
            },
          },
    );
    const file = writeFile(
      dir,
      'tx24.json',
      cfFile({ id: 'test-tx-2024', effective: '2024-01-01', termination: '2024-12-31' }),
    );
    const added = addSupplied(store, [file], { by: 'tester', now: NOW, jurisdictions: older });
    expect(added.ok ? [] : added.errors).toEqual([]);
    // Act, Assess
    const out = path.join(dir, 'index.bin');
    expect(() => buildIndexFromDirectory(SAMPLE_DIR, out, { supplied: store })).toThrow(SuppliedStoreError);
    expect(() => buildIndexFromDirectory(SAMPLE_DIR, out, { supplied: store })).toThrow(
      /overlaps the official edition TX-2024/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
