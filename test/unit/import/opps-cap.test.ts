import { describe, expect, it } from 'vitest';
import { importOppsCap, type OppsCapDataset, parseOppsCap } from '../../../fee-data/import/opps-cap.js';
import { crlf, fileLines, importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'OPPSCAP_Oct2025.csv';

let cached: OppsCapDataset | undefined;
function oppsCap(): OppsCapDataset {
  cached ??= importOppsCap(referenceFile('mpfs-oppscap', FILE));
  return cached;
}

/** Header and the first four data rows of the real file. */
function firstLines(): string[] {
  return fileLines(referenceFile('mpfs-oppscap', FILE)).slice(0, 5);
}

describe('importOppsCap on the real October 2025 file', () => {
  it('imports 16,100 rows: 16,101 data lines less the blank trailer ",,,,,," on line 16102', () => {
    const ds = oppsCap();
    expect(ds.dataset).toBe('opps-cap');
    expect(ds.records).toHaveLength(16_100);
    expect(ds.source.rows).toBe(16_100);
    expect(ds.year).toBe(2025);
    expect(ds.effective).toBe('2025-01-01');
    expect(ds.label).toBe('OPPS cap CY2025 (October 2025 release)');
    expect(ds.notes).toEqual([
      'The October 2025 release of the CY2025 OPPS cap (the release and year come from the file name).',
      '1 blank row at the end of the file (line 16102) skipped.',
    ]);
    expect(ds.records.at(-1)?.line).toBe(16_101);
  });

  it('reads named rows field by field (lines 94 and 1359)', () => {
    const ds = oppsCap();
    // Line 94: 0633T,TC,C,12102,01,105.55,105.55
    expect(ds.records.find((r) => r.line === 94)).toEqual({
      code: '0633T',
      modifier: 'TC',
      procedureStatus: 'C',
      carrier: '12102',
      locality: '01',
      facilityPrice: '105.55',
      nonFacilityPrice: '105.55',
      line: 94,
    });
    // Line 1359: 70170,,C,12102,01,253.62,253.62
    expect(ds.records.find((r) => r.code === '70170' && r.carrier === '12102')).toMatchObject({
      modifier: '',
      facilityPrice: '253.62',
      line: 1359,
    });
  });

  it('has 140 code/modifier pairs for each of 115 carrier/localities', () => {
    const ds = oppsCap();
    const places = new Set(ds.records.map((r) => `${r.carrier}/${r.locality}`));
    const codes = new Set(ds.records.map((r) => `${r.code}-${r.modifier}`));
    expect(places.size).toBe(115);
    expect(codes.size).toBe(140);
    // The six southern California localities are listed under both 01182 and 01112.
    expect(places.has('01112/18')).toBe(true);
    expect(places.has('01182/18')).toBe(true);
  });
});

describe('parseOppsCap on synthetic input', () => {
  it('pads a carrier and locality that lost their leading zeros; latin-1 and UTF-8 read alike', () => {
    const lines = firstLines();
    lines[1] = '0633T,TC,C,1112,5,150.69,150.69';
    const text = crlf(lines);
    const ds = parseOppsCap(latin1(text), FILE);
    expect(ds.records[0]).toMatchObject({ carrier: '01112', locality: '05' });
    expect(parseOppsCap(utf8(`\ufeff${text}`), FILE).records).toEqual(ds.records);
  });
});

describe('parseOppsCap rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = crlf(firstLines());
    const error = importErrorOf(() => parseOppsCap(utf8(text.slice(0, text.length - 12)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 5, column: 7, columnName: 'NON-FACILITY PRICE' });
  });

  it('a bad price', () => {
    const lines = firstLines();
    lines[2] = '0633T,TC,C,01112,09,152.3,152.38';
    const error = importErrorOf(() => parseOppsCap(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 3, column: 6, columnName: 'FACILITY PRICE' });
    expect(error.message).toBe(
      'OPPSCAP_Oct2025.csv line 3 column 6 (FACILITY PRICE): "152.3" is not an amount with two decimals',
    );
  });

  it('a missing header', () => {
    const error = importErrorOf(() => parseOppsCap(utf8(crlf(firstLines().slice(1))), FILE));
    expect(error).toMatchObject({ file: FILE, line: 1, column: 1 });
    expect(error.message).toContain('header');
  });

  it('a header with a wrong column', () => {
    const lines = firstLines();
    lines[0] = 'HCPCS,MOD,PROCSTAT,LOCALITY,CARRIER,FACILITY PRICE,NON-FACILTY PRICE';
    expect(importErrorOf(() => parseOppsCap(utf8(crlf(lines)), FILE))).toMatchObject({ line: 1, column: 4 });
  });

  it('a row with too few columns', () => {
    const lines = firstLines();
    lines[3] = '0633T,TC,C,01112,17,125.72';
    expect(importErrorOf(() => parseOppsCap(utf8(crlf(lines)), FILE))).toMatchObject({ line: 4, column: 7 });
  });

  it('an empty HCPCS on a row that is not blank, and a blank row inside the data', () => {
    const empty = firstLines();
    empty[2] = ',TC,C,01112,09,152.38,152.38';
    expect(importErrorOf(() => parseOppsCap(utf8(crlf(empty)), FILE))).toMatchObject({
      line: 3,
      column: 1,
      columnName: 'HCPCS',
    });
    const blank = firstLines();
    blank.splice(2, 0, ',,,,,,');
    expect(importErrorOf(() => parseOppsCap(utf8(crlf(blank)), FILE))).toMatchObject({ line: 3, column: 1 });
  });

  it('a file name without the release and year, and an empty file', () => {
    const text = crlf(firstLines());
    expect(importErrorOf(() => parseOppsCap(utf8(text), 'OPPSCAP_Oct.csv'))).toMatchObject({
      file: 'OPPSCAP_Oct.csv',
      line: 1,
      column: 1,
    });
    expect(importErrorOf(() => parseOppsCap(new Uint8Array(0), FILE))).toMatchObject({ line: 1, column: 1 });
  });
});
