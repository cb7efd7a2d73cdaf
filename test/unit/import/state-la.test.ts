import { describe, expect, it } from 'vitest';
import type { StateFeeDataset, StateFeeRecord } from '../../../fee-data/import/records-state.js';
import { importLa, parseLa } from '../../../fee-data/import/state-la.js';
import { fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'LA_radiology_db_import.csv';

let cached: StateFeeDataset | undefined;
function la(): StateFeeDataset {
  cached ??= importLa(referenceFile('state-wc', 'LA', FILE));
  return cached;
}

function row(code: string, modifier = ''): StateFeeRecord {
  const found = la().records.filter((r) => r.code === code && r.modifier === modifier);
  if (found.length !== 1) throw new Error(`${code}-${modifier}: ${found.length} LA records`);
  return found[0] as StateFeeRecord;
}

function lines(): string[] {
  return fileLines(referenceFile('state-wc', 'LA', FILE));
}

/** LF line endings, as the file has them. */
function lf(text: readonly string[]): string {
  return `${text.join('\n')}\n`;
}

describe('importLa on the shared Louisiana radiology extraction', () => {
  it('imports 1,891 of 1,940 rows; 49 repeated rows dropped; 46 "BR" rows made by report', () => {
    const ds = la();
    expect(ds.dataset).toBe('state-table');
    expect(ds.year).toBeNull();
    expect(ds.complete).toBe(false);
    expect(ds.sources[0]?.rows).toBe(1_940);
    expect(ds.records).toHaveLength(1_891);
    expect(ds.dropped).toEqual({ duplicate: 49 });
    expect(ds.cleaned).toEqual({ 'br-in-descriptor': 46 });
    expect(ds.records.length + 49).toBe(1_940);
  });

  it('prices 72148 as SOURCES.md states (1051.0, -26 159.0, -TC 892.0), padded to cents', () => {
    expect(row('72148')).toEqual({
      state: 'LA',
      code: '72148',
      modifier: '',
      status: 'priced',
      byReport: false,
      basis: 'single',
      nonFacility: '1051.00',
      facility: '1051.00',
      file: FILE,
      line: 394,
    });
    expect(row('72148', '26')).toMatchObject({ nonFacility: '159.00' });
    expect(row('72148', 'TC')).toMatchObject({ nonFacility: '892.00' });
  });

  it('reads a descriptor ending in "BR" as by report, never the code-number rate next to it', () => {
    // Line 1941: 79900,,<descriptor>    BR,80048.0,1,False,state,LA
    expect(row('79900')).toMatchObject({
      status: 'by-report',
      byReport: true,
      nonFacility: null,
      facility: null,
    });
    for (const r of la().records) {
      if (r.nonFacility !== null) expect(Number(r.nonFacility)).toBeLessThan(10_000);
    }
  });

  it('keeps the first of the repeated 70496 rows (lines 140-145)', () => {
    expect(row('70496')).toMatchObject({ nonFacility: '1055.00', line: 142 });
    expect(row('70496', '26')).toMatchObject({ line: 140 });
  });

  it('keeps no descriptor', () => {
    expect(JSON.stringify(la())).not.toContain('Magnetic image');
  });
});

describe('parseLa on synthetic input', () => {
  it('drops every row of a code listed twice with different rates, and counts them', () => {
    const text = lines().slice(0, 4);
    text.push('70010,,Contrast X -ray of brain,439.0,1,False,state,LA');
    const ds = parseLa(utf8(lf(text)), FILE);
    expect(ds.records.map((r) => `${r.code}-${r.modifier}`)).toEqual(['70010-26', '70010-TC']);
    expect(ds.dropped).toEqual({ 'conflicting-duplicate': 2 });
  });
});

describe('parseLa rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = lf(lines().slice(0, 5));
    expect(importErrorOf(() => parseLa(utf8(text.slice(0, -12)), FILE))).toMatchObject({
      file: FILE,
      line: 5,
      column: 7,
      columnName: 'REGION_TYPE',
    });
  });

  it('a bad number', () => {
    const text = lines().slice(0, 5);
    text[2] = '70010,26,X,12.7.0,1,False,state,LA';
    const error = importErrorOf(() => parseLa(utf8(lf(text)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 3, column: 4, columnName: 'RATE' });
    expect(error.message).toBe(`${FILE} line 3 column 4 (RATE): "12.7.0" is not an amount`);
  });

  it('a missing header', () => {
    const error = importErrorOf(() => parseLa(utf8(lf(lines().slice(1, 5))), FILE));
    expect(error).toMatchObject({ file: FILE, line: 1, column: 1, columnName: 'PROC_CD' });
    expect(error.message).toContain('header');
  });

  it('a row with too few columns', () => {
    const text = lines().slice(0, 5);
    text[3] = '70010,TC,X,311.0,1,False,state';
    expect(importErrorOf(() => parseLa(utf8(lf(text)), FILE))).toMatchObject({ line: 4, column: 8 });
  });

  it('another state, a bad code and an empty file', () => {
    const text = lines().slice(0, 5);
    text[1] = '70010,,X,438.0,1,False,state,AL';
    expect(importErrorOf(() => parseLa(utf8(lf(text)), FILE))).toMatchObject({ line: 2, column: 8 });
    text[1] = '7001,,X,438.0,1,False,state,LA';
    expect(importErrorOf(() => parseLa(utf8(lf(text)), FILE))).toMatchObject({ line: 2, column: 1 });
    expect(importErrorOf(() => parseLa(new Uint8Array(0), FILE))).toMatchObject({ line: 1, column: 1 });
  });
});
