import { describe, expect, it } from 'vitest';
import { importZip5, parseZip5, type Zip5Dataset } from '../../../fee-data/import/zip5.js';
import { crlf, fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'ZIP5_OCT2025.txt';

let cached: Zip5Dataset | undefined;
function zip5(): Zip5Dataset {
  cached ??= importZip5(referenceFile('mpfs-zip-locality', FILE));
  return cached;
}

/** The first five records of the real file (Alaska). */
function firstLines(): string[] {
  return fileLines(referenceFile('mpfs-zip-locality', FILE)).slice(0, 5);
}

/** Replaces characters of a fixed-width line at a 1-based position. */
function put(line: string, position: number, text: string): string {
  return line.slice(0, position - 1) + text + line.slice(position - 1 + text.length);
}

describe('importZip5 on the real October 2025 file', () => {
  it('imports all 42,956 records with year, quarter and effective date from the YYYYQ field', () => {
    const ds = zip5();
    expect(ds.dataset).toBe('zip5');
    expect(ds.records).toHaveLength(42_956);
    expect(ds.year).toBe(2025);
    expect(ds.effective).toBe('2025-10-01');
    expect(ds.label).toBe('ZIP5 2025 Q4 (October 2025)');
    expect(ds.source).toMatchObject({ file: FILE, rows: 42_956, release: '20254' });
    expect(ds.complete).toBe(true);
  });

  it('maps 19901 (Dover, DE) to carrier 12102 locality 01 (line 6631)', () => {
    expect(zip5().records.find((r) => r.zip === '19901')).toEqual({
      state: 'DE',
      zip: '19901',
      carrier: '12102',
      locality: '01',
      ruralIndicator: '',
      labCbLocality: 'Z9',
      plusFourFlag: '0',
      partBPaymentIndicator: 'A',
      yearQuarter: '20254',
      line: 6631,
    });
  });

  it('reads rural, super-rural, plus-four and lab CB values', () => {
    const ds = zip5();
    // Line 673: AL359581011200RZ9R  1 A ...; last line: WY834140360221BZ9B  0 A ...; line 3001: CA91901 ... Z1.
    expect(ds.records[672]).toMatchObject({
      zip: '35958',
      ruralIndicator: 'R',
      plusFourFlag: '1',
      line: 673,
    });
    expect(ds.records.at(-1)).toMatchObject({
      state: 'WY',
      zip: '83414',
      carrier: '03602',
      locality: '21',
      ruralIndicator: 'B',
      line: 42_956,
    });
    expect(ds.records[3000]).toMatchObject({
      zip: '91901',
      carrier: '01182',
      locality: '72',
      labCbLocality: 'Z1',
    });
  });
});

describe('parseZip5 on synthetic input', () => {
  it('accepts LF line endings as well as CRLF', () => {
    const lines = firstLines();
    expect(parseZip5(utf8(`${lines.join('\n')}\n`), FILE).records).toEqual(
      parseZip5(utf8(crlf(lines)), FILE).records,
    );
  });

  it('takes year and effective date from the YYYYQ field of the records', () => {
    const lines = firstLines().map((line) => put(line, 76, '20261'));
    expect(parseZip5(utf8(crlf(lines)), 'ZIP5_JAN2026.txt')).toMatchObject({
      year: 2026,
      effective: '2026-01-01',
    });
  });
});

describe('parseZip5 rejects malformed files (column = character position)', () => {
  it('a file cut in the middle of a record', () => {
    const text = crlf(firstLines());
    const cut = text.slice(0, text.length - 30);
    const error = importErrorOf(() => parseZip5(utf8(cut), FILE));
    expect(error).toMatchObject({ file: FILE, line: 5, column: 53 });
    expect(error.message).toContain('52 characters, expected 80');
  });

  it('a file cut right after a whole record (no final line break)', () => {
    const text = crlf(firstLines());
    expect(importErrorOf(() => parseZip5(utf8(text.slice(0, -2)), FILE))).toMatchObject({
      line: 5,
      column: 80,
    });
  });

  it('a bad carrier number', () => {
    const lines = firstLines();
    lines[2] = put(lines[2] ?? '', 8, '02X02');
    const error = importErrorOf(() => parseZip5(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 3, column: 8, columnName: 'CARRIER' });
    expect(error.message).toBe(
      'ZIP5_OCT2025.txt line 3 column 8 (CARRIER): "02X02" is not a five-digit carrier',
    );
  });

  it('a header line someone put in front (the format has none)', () => {
    const lines = ['STATE ZIP   CARRIER LOCALITY', ...firstLines()];
    expect(importErrorOf(() => parseZip5(utf8(crlf(lines)), FILE))).toMatchObject({ line: 1, column: 29 });
  });

  it('a short record (too few columns)', () => {
    const lines = firstLines();
    lines[1] = (lines[1] ?? '').slice(0, 75);
    expect(importErrorOf(() => parseZip5(utf8(crlf(lines)), FILE))).toMatchObject({ line: 2, column: 76 });
  });

  it('text in a filler, another quarter, a repeated ZIP, a blank line', () => {
    const filler = firstLines();
    filler[0] = put(filler[0] ?? '', 40, 'X');
    expect(importErrorOf(() => parseZip5(utf8(crlf(filler)), FILE))).toMatchObject({ line: 1, column: 24 });

    const quarter = firstLines();
    quarter[3] = put(quarter[3] ?? '', 76, '20253');
    expect(importErrorOf(() => parseZip5(utf8(crlf(quarter)), FILE))).toMatchObject({ line: 4, column: 76 });

    const repeated = [...firstLines(), firstLines()[0] ?? ''];
    expect(importErrorOf(() => parseZip5(utf8(crlf(repeated)), FILE))).toMatchObject({ line: 6, column: 3 });

    const blank = firstLines();
    blank.splice(2, 0, '');
    expect(importErrorOf(() => parseZip5(utf8(crlf(blank)), FILE))).toMatchObject({ line: 3, column: 1 });
  });

  it('an empty file', () => {
    expect(importErrorOf(() => parseZip5(new Uint8Array(0), FILE))).toMatchObject({
      file: FILE,
      line: 1,
      column: 1,
    });
  });
});
