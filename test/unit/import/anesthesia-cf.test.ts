import { describe, expect, it } from 'vitest';
import { importAnesthesiaCf, parseAnesthesiaCf } from '../../../fee-data/import/anesthesia-cf.js';
import { crlf, fileLines, importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'ANES2025.csv';

function lines2025(): string[] {
  return fileLines(referenceFile('mpfs-anesthesia', FILE));
}

describe('importAnesthesiaCf on the real 2025 file', () => {
  it('imports the 109 localities, the year from the file name and the national CF from the header', () => {
    const ds = importAnesthesiaCf(referenceFile('mpfs-anesthesia', FILE));
    expect(ds.dataset).toBe('anesthesia-cf');
    expect(ds.records).toHaveLength(109);
    expect(ds.year).toBe(2025);
    expect(ds.effective).toBe('2025-01-01');
    expect(ds.nationalConversionFactor).toBe('20.3178');
    expect(ds.notes).toContain('National anesthesia conversion factor 20.3178 (from the header).');
    expect(ds.records.at(-1)?.line).toBe(110);
  });

  it('reads Delaware (line 38: "12102 ,01 ,DELAWARE,20.36 ") trimmed', () => {
    const ds = importAnesthesiaCf(referenceFile('mpfs-anesthesia', FILE));
    expect(ds.records.find((r) => r.carrier === '12102' && r.locality === '01')).toEqual({
      carrier: '12102',
      locality: '01',
      name: 'DELAWARE',
      conversionFactor: '20.36',
      line: 38,
    });
    expect(ds.records[1]).toMatchObject({ carrier: '02102', name: 'ALASKA', conversionFactor: '27.86' });
  });
});

describe('parseAnesthesiaCf on synthetic input', () => {
  it('pads dropped zeros; a latin-1 name and the same name in UTF-8 read alike', () => {
    const lines = lines2025().slice(0, 3);
    lines[1] = '10112 ,0 ,ALABAMA \u2013 CAF\u00c9,19.31 ';
    const text = crlf(lines);
    const fromLatin1 = parseAnesthesiaCf(latin1(text.replace('\u2013', '\u0096')), FILE);
    expect(fromLatin1.records[0]).toMatchObject({
      carrier: '10112',
      locality: '00',
      name: 'ALABAMA \u2013 CAF\u00c9',
    });
    expect(parseAnesthesiaCf(utf8(text), FILE).records).toEqual(fromLatin1.records);
  });
});

describe('parseAnesthesiaCf rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = crlf(lines2025().slice(0, 10));
    const cut = text.slice(0, text.length - 8);
    expect(importErrorOf(() => parseAnesthesiaCf(utf8(cut), FILE))).toMatchObject({
      file: FILE,
      line: 10,
      column: 4,
      columnName: 'ANESTHESIA CF',
    });
  });

  it('a bad number', () => {
    const lines = lines2025();
    lines[37] = '12102 ,01 ,DELAWARE,20.3 ';
    const error = importErrorOf(() => parseAnesthesiaCf(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 38, column: 4, columnName: 'ANESTHESIA CF' });
    expect(error.message).toBe(
      'ANES2025.csv line 38 column 4 (ANESTHESIA CF): "20.3" is not a conversion factor with two decimals',
    );
  });

  it('a missing header', () => {
    const error = importErrorOf(() => parseAnesthesiaCf(utf8(crlf(lines2025().slice(1))), FILE));
    expect(error).toMatchObject({ file: FILE, line: 1, column: 1 });
    expect(error.message).toContain('header');
  });

  it('a header without the national CF', () => {
    const lines = lines2025();
    lines[0] = 'Contractor,Locality,Locality Name,National Anes CF';
    expect(importErrorOf(() => parseAnesthesiaCf(utf8(crlf(lines)), FILE))).toMatchObject({
      line: 1,
      column: 4,
    });
  });

  it('a row with too few columns', () => {
    const lines = lines2025();
    lines[4] = '07102 ,13 ,ARKANSAS';
    expect(importErrorOf(() => parseAnesthesiaCf(utf8(crlf(lines)), FILE))).toMatchObject({
      line: 5,
      column: 4,
    });
  });

  it('a file name without a year, and an empty file', () => {
    expect(importErrorOf(() => parseAnesthesiaCf(utf8(crlf(lines2025())), 'ANES.csv'))).toMatchObject({
      file: 'ANES.csv',
      line: 1,
      column: 1,
    });
    expect(importErrorOf(() => parseAnesthesiaCf(new Uint8Array(0), FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
  });
});
