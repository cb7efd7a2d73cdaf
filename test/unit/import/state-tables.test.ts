import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCents } from '../../../fee-data/import/records-state.js';
import { importStateDirectory } from '../../../fee-data/import/state-tables.js';
import { crlf, fileLines } from './import-test-helpers.js';
import { referenceDataDir, referenceFile } from './reference-data.js';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('toCents', () => {
  it('pads amounts printed with fewer than two decimals', () => {
    expect(toCents('413')).toEqual({ amount: '413.00' });
    expect(toCents('146.3')).toEqual({ amount: '146.30' });
    expect(toCents('1051.0')).toEqual({ amount: '1051.00' });
    expect(toCents('0')).toEqual({ amount: '0.00' });
    expect(toCents('007.5')).toEqual({ amount: '7.50' });
  });

  it('rounds more decimals half up, exactly, and keeps the printed value', () => {
    expect(toCents('512.77966785')).toEqual({ amount: '512.78', unrounded: '512.77966785' });
    expect(toCents('146.30000000000001')).toEqual({ amount: '146.30', unrounded: '146.30000000000001' });
    expect(toCents('1.005')).toEqual({ amount: '1.01', unrounded: '1.005' });
    expect(toCents('1.0049999')).toEqual({ amount: '1.00', unrounded: '1.0049999' });
    expect(toCents('0.995')).toEqual({ amount: '1.00', unrounded: '0.995' });
    expect(toCents('0.001')).toEqual({ amount: '0.00', unrounded: '0.001' });
    expect(toCents('99999999.999')).toEqual({ amount: '100000000.00', unrounded: '99999999.999' });
  });

  it('accepts nothing but a plain non-negative decimal', () => {
    for (const bad of ['', '-1', '1,051.00', '$5', '1.', '.5', '1e3', 'BR', ' 1'])
      expect(toCents(bad)).toBeUndefined();
  });
});

describe('importStateDirectory', () => {
  it('imports the five states of the shared state-wc folder, in a fixed order', () => {
    const datasets = importStateDirectory(join(referenceDataDir(), 'state-wc'));
    expect(datasets.map((d) => [d.dataset, d.state, d.records.length])).toEqual([
      ['state-table', 'AZ', 14_965],
      ['state-anesthesia', 'AZ', 279],
      ['state-table', 'GA', 12_188],
      ['state-anesthesia', 'GA', 280],
      ['state-drg', 'GA', 766],
      ['state-table', 'NC', 20_164],
      ['state-table', 'AL', 10_435],
      ['state-table', 'LA', 1_891],
    ]);
    for (const d of datasets) {
      for (const r of d.records) expect(r.state).toBe(d.state);
      expect(d.notes.length).toBeGreaterThan(0);
    }
  });

  it('imports only the states asked for', () => {
    const datasets = importStateDirectory(join(referenceDataDir(), 'state-wc'), ['NC', 'LA']);
    expect(datasets.map((d) => d.state)).toEqual(['NC', 'LA']);
  });

  it('names a missing directory and a missing state folder', () => {
    expect(() => importStateDirectory('/nonexistent/state-wc')).toThrow(
      'state fee schedule directory not found: /nonexistent/state-wc',
    );
    const dir = mkdtempSync(join(tmpdir(), 'wcbr-state-wc-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'LA'));
    const la = fileLines(referenceFile('state-wc', 'LA', 'LA_radiology_db_import.csv')).slice(0, 4);
    writeFileSync(join(dir, 'LA', 'LA_radiology_db_import.csv'), crlf(la), 'latin1');
    expect(importStateDirectory(dir, ['LA'])[0]?.records).toHaveLength(3);
    expect(() => importStateDirectory(dir)).toThrow(/has no AZ\/csv.*, no GA\/csv.*, no NC.*, no AL/);
    writeFileSync(join(dir, 'LA', 'second.csv'), crlf(la), 'latin1');
    expect(() => importStateDirectory(dir, ['LA'])).toThrow(
      /expected one LA CSV file, found LA_radiology_db_import.csv, second.csv/,
    );
  });
});
