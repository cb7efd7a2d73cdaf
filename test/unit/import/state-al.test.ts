import { describe, expect, it } from 'vitest';
import type { StateFeeDataset, StateFeeRecord } from '../../../fee-data/import/records-state.js';
import { cleanAlProcCd, importAl, parseAl } from '../../../fee-data/import/state-al.js';
import { fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'AL_2024_db_import_alabama_PDF_extracted.csv';

let cached: StateFeeDataset | undefined;
function al(): StateFeeDataset {
  cached ??= importAl(referenceFile('state-wc', 'AL', FILE));
  return cached;
}

function rows(code: string): StateFeeRecord[] {
  return al().records.filter((r) => r.code === code);
}

function lines(): string[] {
  return fileLines(referenceFile('state-wc', 'AL', FILE));
}

/** LF line endings, as the file has them. */
function lf(text: readonly string[]): string {
  return `${text.join('\n')}\n`;
}

describe('cleanAlProcCd: the documented cleaning rules', () => {
  it('splits code and suffix as the PDF prints them ("0001U-8", "72148-P", "71271-TC")', () => {
    expect(cleanAlProcCd('0001U-8')).toEqual({ kind: 'code', code: '0001U', suffix: '8' });
    expect(cleanAlProcCd('72148-P')).toEqual({ kind: 'code', code: '72148', suffix: 'P' });
    expect(cleanAlProcCd('99203-C')).toEqual({ kind: 'code', code: '99203', suffix: 'C' });
    expect(cleanAlProcCd('74248-TC')).toEqual({ kind: 'code', code: '74248', suffix: 'TC' });
  });

  it('cpt-label-glued: removes the "CPT" of the next "CPT CODE:" label', () => {
    expect(cleanAlProcCd('99213-6CPT')).toEqual({
      kind: 'code',
      code: '99213',
      suffix: '6',
      rule: 'cpt-label-glued',
    });
    expect(cleanAlProcCd('72148-PCPT')).toMatchObject({ suffix: 'P', rule: 'cpt-label-glued' });
    expect(cleanAlProcCd('99203-CCPT')).toMatchObject({ suffix: 'C', rule: 'cpt-label-glued' });
    expect(cleanAlProcCd('70010-TCCPT')).toMatchObject({ suffix: 'TC', rule: 'cpt-label-glued' });
  });

  it('hyphen-missing: "S5551Q" is S5551 with suffix Q', () => {
    expect(cleanAlProcCd('S5551Q')).toEqual({
      kind: 'code',
      code: 'S5551',
      suffix: 'Q',
      rule: 'hyphen-missing',
    });
  });

  it('drops a bare code (suffix lost) and anything else', () => {
    expect(cleanAlProcCd('71271')).toEqual({ kind: 'dropped', reason: 'suffix-missing' });
    expect(cleanAlProcCd('7127-5')).toEqual({ kind: 'dropped', reason: 'unrecognised-code' });
    expect(cleanAlProcCd('99213-6CP')).toEqual({ kind: 'dropped', reason: 'unrecognised-code' });
    expect(cleanAlProcCd('99213 TC')).toEqual({ kind: 'dropped', reason: 'unrecognised-code' });
  });
});

describe('importAl on the shared Alabama extraction', () => {
  it('imports 10,435 of 10,439 rows and counts every cleaned and dropped row', () => {
    const ds = al();
    expect(ds.dataset).toBe('state-table');
    expect(ds.state).toBe('AL');
    expect(ds.year).toBe(2024);
    expect(ds.complete).toBe(false);
    expect(ds.sources[0]?.rows).toBe(10_439);
    expect(ds.records).toHaveLength(10_435);
    expect(ds.cleaned).toEqual({ 'cpt-label-glued': 210, 'hyphen-missing': 1 });
    expect(ds.dropped).toEqual({ 'suffix-missing': 2, duplicate: 2 });
    const dropped = Object.values(ds.dropped).reduce((a, b) => a + b, 0);
    expect(ds.records.length + dropped).toBe(10_439);
    expect(ds.notes).toContain(
      'Dropped (suffix-missing): 2 rows, lines 5602 and 8841. A bare code: the extractor lost its suffix ' +
        '(the PDF prints e.g. "71271 TC").',
    );
    expect(ds.notes).toContain(
      'Dropped (duplicate): 2 rows, lines 8138 and 8140. The same code, suffix and rate as an earlier row.',
    );
  });

  it('prices 99213 at 84.14 under each of its suffixes (line 9202 "99213-6CPT" cleaned)', () => {
    expect(rows('99213').map((r) => [r.qualifier, r.nonFacility, r.line])).toEqual([
      ['6', '84.14', 9_202],
      ['C', '84.14', 9_203],
      ['N', '84.14', 9_204],
      ['Q', '84.14', 9_205],
    ]);
    expect(rows('99213')[0]).toEqual({
      state: 'AL',
      code: '99213',
      modifier: '',
      qualifier: '6',
      status: 'priced',
      byReport: false,
      basis: 'single',
      nonFacility: '84.14',
      facility: '84.14',
      file: FILE,
      line: 9_202,
    });
  });

  it('keeps suffixes whose amounts differ apart (99203-C 143.88; 72148-5 and -P)', () => {
    expect(rows('99203').map((r) => [r.qualifier, r.nonFacility])).toEqual([
      ['6', '135.54'],
      ['A', '135.54'],
      ['C', '143.88'],
      ['N', '135.54'],
      ['Q', '135.54'],
    ]);
    expect(rows('72148').map((r) => [r.modifier, r.qualifier, r.nonFacility])).toEqual([
      ['', '5', '1117.18'],
      ['', 'P', '387.59'],
    ]);
  });

  it('reads the suffix TC as the modifier TC', () => {
    const tc = al().records.filter((r) => r.qualifier === 'TC');
    expect(tc).toHaveLength(28);
    for (const r of tc) expect(r.modifier).toBe('TC');
    expect(al().records.filter((r) => r.modifier !== '' && r.qualifier !== 'TC')).toEqual([]);
  });

  it('pads one-decimal rates to cents (90620-6 "228.3")', () => {
    expect(rows('90620')).toMatchObject([{ qualifier: '6', nonFacility: '228.30', line: 8_137 }]);
  });
});

describe('parseAl on synthetic input', () => {
  it('drops every row of a code and suffix listed twice with different rates', () => {
    const text = [...lines().slice(0, 3), '0001U-8,,,715.62,1,False,state,AL'];
    const ds = parseAl(utf8(lf(text)), FILE);
    expect(ds.records.map((r) => r.code)).toEqual(['0002U']);
    expect(ds.dropped).toEqual({ 'conflicting-duplicate': 2 });
  });

  it('takes no year from a file name without one', () => {
    expect(parseAl(utf8(lf(lines().slice(0, 3))), 'db_import_alabama.csv').year).toBeNull();
  });
});

describe('parseAl rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = lf(lines().slice(0, 5));
    expect(importErrorOf(() => parseAl(utf8(text.slice(0, -20)), FILE))).toMatchObject({
      file: FILE,
      line: 5,
      column: 5,
      columnName: 'RATE_UNIT',
    });
    // Cut inside the last cell: the row has all its columns but no line break.
    const error = importErrorOf(() => parseAl(utf8(text.slice(0, -2)), FILE));
    expect(error).toMatchObject({ line: 5, column: 8 });
    expect(error.message).toContain('cut off');
  });

  it('a bad number', () => {
    const text = lines().slice(0, 5);
    text[2] = '0002U-8,,,116,94,1,False,state,AL';
    expect(importErrorOf(() => parseAl(utf8(lf(text)), FILE))).toMatchObject({ line: 3, column: 9 });
    text[2] = '0002U-8,,,$116.94,1,False,state,AL';
    const error = importErrorOf(() => parseAl(utf8(lf(text)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 3, column: 4, columnName: 'RATE' });
    expect(error.message).toBe(`${FILE} line 3 column 4 (RATE): "$116.94" is not an amount`);
  });

  it('a missing header', () => {
    const error = importErrorOf(() => parseAl(utf8(lf(lines().slice(1, 5))), FILE));
    expect(error).toMatchObject({ file: FILE, line: 1, column: 1 });
    expect(error.message).toContain('header');
  });

  it('a row with too few columns', () => {
    const text = lines().slice(0, 5);
    text[3] = '0003U-8,,,127.01,1,False';
    expect(importErrorOf(() => parseAl(utf8(lf(text)), FILE))).toMatchObject({ line: 4, column: 7 });
  });

  it('a rate unit or region it does not know, and an empty file', () => {
    const text = lines().slice(0, 5);
    text[1] = '0001U-8,,,715.61,2,False,state,AL';
    expect(importErrorOf(() => parseAl(utf8(lf(text)), FILE))).toMatchObject({ line: 2, column: 5 });
    text[1] = '0001U-8,,,715.61,1,False,county,AL';
    expect(importErrorOf(() => parseAl(utf8(lf(text)), FILE))).toMatchObject({ line: 2, column: 7 });
    expect(importErrorOf(() => parseAl(new Uint8Array(0), FILE))).toMatchObject({ line: 1, column: 1 });
  });
});
