import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJurisdictions } from '../../../fee-data/jurisdictions/registry.js';
import {
  addSupplied,
  formatSuppliedError,
  readSuppliedStore,
  removeSupplied,
  SuppliedStoreError,
} from '../../../fee-data/supplied/store.js';
import { cfFile, contractFile, NPI_A, NPI_B, tableFile, tempDir, writeFile } from '../../support/supplied.js';

/** The store of supplied files (issue 20): all-or-nothing adds, conflicts, replace, remove. */

const registry = loadJurisdictions();
const NOW = new Date('2026-12-01T10:00:00Z');
const add = (store: string, paths: string[], replace = false) =>
  addSupplied(store, paths, { by: 'tester', now: NOW, replace, jurisdictions: registry });
const snapshot = (store: string) =>
  existsSync(store)
    ? {
        manifest: existsSync(path.join(store, 'manifest.json'))
          ? readFileSync(path.join(store, 'manifest.json'), 'utf8')
          : null,
        entries: readdirSync(store, { recursive: true }).map(String).sort(),
      }
    : null;
const errorsOf = (r: ReturnType<typeof add>) => (r.ok ? [] : r.errors.map(formatSuppliedError));

describe('addSupplied', () => {
  it('adds files with their provenance: who, when, the file, its SHA-256 and source', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const result = add(store, [
      writeFile(dir, 'cf.json', cfFile()),
      writeFile(dir, 'k.json', contractFile()),
    ]);
    expect(errorsOf(result)).toEqual([]);
    const items = readSuppliedStore(store, registry);
    expect(
      items.map((i) => [i.id, i.provenance.suppliedBy, i.provenance.suppliedAt, i.provenance.file]),
    ).toEqual([
      ['test-tx-cf-2025', 'tester', NOW.toISOString(), 'cf.json'],
      ['test-ppo-90', 'tester', NOW.toISOString(), 'k.json'],
    ]);
    expect(items[0]?.entry.jurisdiction).toBe('TX');
    expect(items[1]?.entry.tenant).toBe('acme');
    expect(items[0]?.provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds nothing when the second of two files is bad', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    expect(errorsOf(add(store, [writeFile(dir, 'k.json', contractFile())]))).toEqual([]);
    const before = snapshot(store);
    // Prepare: a good file and a bad one (an unknown jurisdiction).
    const good = writeFile(dir, 'cf.json', cfFile());
    const bad = writeFile(dir, 'bad.json', tableFile({ jurisdiction: 'ZZ' }));
    // Act
    const result = add(store, [good, bad]);
    // Assess
    expect(errorsOf(result)).toEqual(['bad.json:jurisdiction: ZZ is not a jurisdiction of the registry']);
    expect(snapshot(store)).toEqual(before);
    expect(readSuppliedStore(store, registry).map((i) => i.id)).toEqual(['test-ppo-90']);
  });

  it('refuses an id already in the store unless told to replace it', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    expect(errorsOf(add(store, [writeFile(dir, 'a.json', cfFile())]))).toEqual([]);
    const again = writeFile(dir, 'b.json', cfFile({ factors: [{ category: 'all', value: '71.00' }] }));
    expect(errorsOf(add(store, [again]))).toEqual([
      'b.json:id: test-tx-cf-2025 is already in the store; give --replace to replace it, or choose another id',
    ]);
    const replaced = add(store, [again], true);
    expect(replaced.ok && replaced.replaced).toEqual(['test-tx-cf-2025']);
    const items = readSuppliedStore(store, registry);
    expect(items.map((i) => i.file)).toEqual(['b.json']);
    expect(readdirSync(path.join(store, 'files', 'test-tx-cf-2025'))).toEqual(['b.json']);
  });

  it('keeps a fee table with its CSV, byte for byte', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const csv = 'code,modifier,non_facility,facility,rural,pctc,by_report\r\n99213,,1.00,,,,\r\n';
    writeFile(dir, 't.csv', csv);
    expect(errorsOf(add(store, [writeFile(dir, 't.json', tableFile({ rows: 't.csv' }))]))).toEqual([]);
    expect(readFileSync(path.join(store, 'files', 'test-ny-table', 't.csv'), 'utf8')).toBe(csv);
    expect(readSuppliedStore(store, registry)[0]?.provenance.file).toBe('t.json + t.csv');
  });

  it('refuses a store whose file was changed after it was added', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    expect(errorsOf(add(store, [writeFile(dir, 'a.json', cfFile())]))).toEqual([]);
    const stored = path.join(store, 'files', 'test-tx-cf-2025', 'a.json');
    writeFileSync(stored, readFileSync(stored, 'utf8').replace('70.00', '80.00'));
    expect(() => readSuppliedStore(store, registry)).toThrow(/changed since it was added/);
  });
});

describe('conflicts at add', () => {
  it('refuses a TX 2024 factor file against the official TX-2024 edition, and accepts it with supersedes', () => {
    // TX-2024 carries the factors $67.81 and $85.12 (fee-data/jurisdictions/TX.json, from the Texas
    // DWC's 2024 conversion factor notice): an edition with values, so an overlap is a conflict.
    const tx = registry
      .find((j) => j.id === 'TX')
      ?.billTypes.professional.editions.find((e) => e.id === 'TX-2024');
    expect(tx?.factors?.map((f) => f.value)).toEqual(['67.81', '85.12']);
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const file = cfFile({ id: 'test-tx-2024', effective: '2024-01-01', termination: '2024-12-31' });
    expect(errorsOf(add(store, [writeFile(dir, 'tx24.json', file)]))).toEqual([
      'tx24.json:effective: test-tx-2024 (2024-01-01 to 2024-12-31) overlaps the official edition TX-2024 (2024-01-01 to 2024-12-31), which carries values; add "supersedes": true to the file to use it instead for those dates',
    ]);
    expect(snapshot(store)).toBeNull();
    const result = add(store, [writeFile(dir, 'tx24s.json', { ...file, supersedes: true })]);
    expect(errorsOf(result)).toEqual([]);
    expect(result.ok && result.added[0]?.supersedes).toBe(true);
  });

  it('refuses a file over a state table edition (AZ), which runs open to the next edition', () => {
    const dir = tempDir();
    const file = tableFile({ id: 'test-az', jurisdiction: 'AZ', effective: '2030-01-01' });
    const errors = errorsOf(add(path.join(dir, 'store'), [writeFile(dir, 'az.json', file)]));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/overlaps the official edition AZ-2024 \(2023-10-01 to open\)/);
  });

  it('accepts editions over our Medicare fallback and over official editions without values', () => {
    const dir = tempDir();
    const files = [
      writeFile(dir, 'ny.json', tableFile()),
      writeFile(
        dir,
        'ca.json',
        cfFile({ id: 'test-ca', jurisdiction: 'CA', effective: '2019-01-01', termination: null }),
      ),
      writeFile(dir, 'tx.json', cfFile()),
    ];
    expect(errorsOf(add(path.join(dir, 'store'), files))).toEqual([]);
  });

  it('refuses two supplied editions of one jurisdiction with overlapping dates, in one add or across adds', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const a = writeFile(dir, 'a.json', cfFile());
    const b = writeFile(
      dir,
      'b.json',
      tableFile({ id: 'test-tx-table', jurisdiction: 'TX', effective: '2025-07-01' }),
    );
    const message =
      'b.json:effective: test-tx-table (2025-07-01 to open) overlaps the supplied edition test-tx-cf-2025 (2025-01-01 to 2025-12-31) of TX: one supplied edition a jurisdiction and date (remove or re-date one)';
    expect(errorsOf(add(store, [a, b]))).toEqual([message]);
    expect(errorsOf(add(store, [a]))).toEqual([]);
    expect(errorsOf(add(store, [b]))).toEqual([message]);
    // Dated after it: accepted.
    const c = writeFile(
      dir,
      'c.json',
      tableFile({ id: 'test-tx-table', jurisdiction: 'TX', effective: '2026-01-01' }),
    );
    expect(errorsOf(add(store, [c]))).toEqual([]);
  });

  it('refuses overlapping contracts of one tenant and bucket sharing a provider, and only those', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    expect(
      errorsOf(add(store, [writeFile(dir, 'a.json', contractFile({ providers: { npis: [NPI_A, NPI_B] } }))])),
    ).toEqual([]);
    const shared = contractFile({ id: 'test-ppo-2', providers: { npis: [NPI_B] }, effective: '2026-06-01' });
    expect(errorsOf(add(store, [writeFile(dir, 'b.json', shared)]))).toEqual([
      'b.json:providers: test-ppo-2 (2026-06-01 to open) and test-ppo-90 (2025-01-01 to open) are both ppo contracts of tenant acme for NPI 1245319599: one contract a provider, bucket and date',
    ]);
    const otherBucket = { ...shared, id: 'test-neg', bucket: 'negotiated' };
    const otherTenant = { ...shared, id: 'test-other', tenant: 'other' };
    const otherProvider = { ...shared, id: 'test-tin', providers: { tins: ['123456789'] } };
    const files = [
      writeFile(dir, 'c.json', otherBucket),
      writeFile(dir, 'd.json', otherTenant),
      writeFile(dir, 'e.json', otherProvider),
    ];
    expect(errorsOf(add(store, files))).toEqual([]);
  });
});

describe('removeSupplied', () => {
  it('removes an item and its files, and says so when there is none', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    expect(
      errorsOf(add(store, [writeFile(dir, 'a.json', cfFile()), writeFile(dir, 'k.json', contractFile())])),
    ).toEqual([]);
    expect(removeSupplied(store, 'test-tx-cf-2025').file).toBe('a.json');
    expect(readSuppliedStore(store, registry).map((i) => i.id)).toEqual(['test-ppo-90']);
    expect(existsSync(path.join(store, 'files', 'test-tx-cf-2025'))).toBe(false);
    expect(() => removeSupplied(store, 'test-tx-cf-2025')).toThrow(SuppliedStoreError);
  });
});
