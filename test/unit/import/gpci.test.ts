import { describe, expect, it } from 'vitest';
import { importGpci, parseGpci } from '../../../fee-data/import/gpci.js';
import { crlf, fileLines, importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'GPCI2025.csv';

/** The real 2025 file's lines (header on line 3, localities on lines 4-112, footnotes after). */
function lines2025(): string[] {
  return fileLines(referenceFile('mpfs-gpci-locality', FILE));
}

describe('importGpci on the real files', () => {
  it('imports the 109 localities of 2025 with the footnotes as notes', () => {
    const ds = importGpci(referenceFile('mpfs-gpci-locality', FILE));
    expect(ds.dataset).toBe('gpci');
    expect(ds.year).toBe(2025);
    expect(ds.effective).toBe('2025-01-01');
    expect(ds.label).toBe('CY2025 GPCI (Addendum E)');
    expect(ds.complete).toBe(true);
    expect(ds.records).toHaveLength(109);
    expect(ds.source.rows).toBe(109);
    expect(ds.records[0]?.line).toBe(4);
    expect(ds.records.at(-1)?.line).toBe(112);
    expect(ds.notes).toEqual([
      'MAC Assignments as of November 22, 2023',
      '*Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA.',
      '**PE GPCI reflects a 1.0 floor for frontier states established by the ACA.',
    ]);
  });

  it('reads Delaware as line 40 prints it: 12102,DE,01,DELAWARE,1.009,0.992,0.949', () => {
    const ds = importGpci(referenceFile('mpfs-gpci-locality', FILE));
    expect(ds.records.find((r) => r.carrier === '12102' && r.locality === '01')).toEqual({
      carrier: '12102',
      state: 'DE',
      locality: '01',
      name: 'DELAWARE',
      workGpci: '1.009',
      peGpci: '0.992',
      mpGpci: '0.949',
      line: 40,
    });
  });

  it('keeps values as printed ("1", "1.5") and strips footnote asterisks from names', () => {
    const ds = importGpci(referenceFile('mpfs-gpci-locality', FILE));
    // Line 5: 02102,AK,01,ALASKA*,1.5,1.081,0.592; line 112: 03602,WY,21,WYOMING**,1,1,0.739.
    expect(ds.records.find((r) => r.state === 'AK')).toMatchObject({
      carrier: '02102',
      name: 'ALASKA',
      workGpci: '1.5',
      line: 5,
    });
    expect(ds.records.find((r) => r.state === 'WY')).toMatchObject({
      name: 'WYOMING',
      workGpci: '1',
      peGpci: '1',
    });
    expect(ds.records.some((r) => r.name.includes('*'))).toBe(false);
  });

  it('imports 2026 (header "2026 PW GPCI (with 1.0 Floor)***", three-decimal values)', () => {
    const ds = importGpci(referenceFile('mpfs-gpci-locality', 'GPCI2026.csv'));
    expect(ds.year).toBe(2026);
    expect(ds.effective).toBe('2026-01-01');
    expect(ds.records).toHaveLength(109);
    // Line 40: 12102,DE,01,DELAWARE,1.005,0.988,0.899; line 4: 10112,AL,00,ALABAMA,1.000,0.875,0.566.
    expect(ds.records.find((r) => r.carrier === '12102')).toMatchObject({
      workGpci: '1.005',
      peGpci: '0.988',
      mpGpci: '0.899',
      line: 40,
    });
    expect(ds.records[0]).toMatchObject({ carrier: '10112', locality: '00', workGpci: '1.000' });
    expect(ds.notes.some((note) => note.startsWith('***Note: The work GPCI floor of 1.0'))).toBe(true);
  });
});

describe('parseGpci on synthetic input', () => {
  it('puts back leading zeros the file dropped', () => {
    const lines = lines2025();
    lines[4] = '2102,AK,1,ALASKA*,1.5,1.081,0.592';
    const ds = parseGpci(utf8(crlf(lines)), FILE);
    expect(ds.records[1]).toMatchObject({ carrier: '02102', locality: '01', line: 5 });
  });

  it('reads a latin-1 name and the same name in UTF-8 alike', () => {
    const lines = lines2025();
    lines[3] = '10112,AL,00,ALABAMA \u2013 BAYAM\u00d3N,1,0.869,0.575';
    const text = crlf(lines);
    const fromLatin1 = parseGpci(latin1(text.replace('\u2013', '\u0096')), FILE);
    const fromUtf8 = parseGpci(utf8(text), FILE);
    expect(fromLatin1.records[0]?.name).toBe('ALABAMA \u2013 BAYAM\u00d3N');
    expect(fromUtf8.records).toEqual(fromLatin1.records);
  });
});

describe('parseGpci rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = crlf(lines2025());
    const cut = text.slice(0, text.indexOf('12102,DE,01,DELA') + '12102,DE,01,DELA'.length);
    const error = importErrorOf(() => parseGpci(utf8(cut), FILE));
    expect(error).toMatchObject({ file: FILE, line: 40, column: 5, columnName: 'PW GPCI' });
  });

  it('a file cut at a line break inside the table (no footnotes)', () => {
    const error = importErrorOf(() => parseGpci(utf8(crlf(lines2025().slice(0, 40))), FILE));
    expect(error).toMatchObject({ file: FILE, line: 40, column: 1 });
    expect(error.message).toContain('looks cut off');
  });

  it('a bad number', () => {
    const lines = lines2025();
    lines[39] = '12102,DE,01,DELAWARE,1.009,0.99x,0.949';
    const error = importErrorOf(() => parseGpci(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 40, column: 6, columnName: 'PE GPCI' });
    expect(error.message).toBe(
      'GPCI2025.csv line 40 column 6 (PE GPCI): "0.99x" is not an index like 1, 0.869 or 1.000',
    );
  });

  it('a missing header', () => {
    const lines = lines2025();
    lines.splice(2, 1);
    const error = importErrorOf(() => parseGpci(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 3, column: 1 });
    expect(error.message).toContain('header is missing');
  });

  it('a header whose years disagree', () => {
    const lines = lines2025();
    lines[2] = (lines[2] ?? '').replace('2025 MP GPCI', '2024 MP GPCI');
    expect(importErrorOf(() => parseGpci(utf8(crlf(lines)), FILE))).toMatchObject({ line: 3, column: 7 });
  });

  it('a row with too few columns', () => {
    const lines = lines2025();
    lines[9] = (lines[9] ?? '').replace(/,[^,]*$/, '');
    const error = importErrorOf(() => parseGpci(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 10, column: 7, columnName: 'MP GPCI' });
  });

  it('a blank line inside the table (rows after it would otherwise be lost)', () => {
    const lines = lines2025();
    lines.splice(50, 0, ',,,,,,');
    const error = importErrorOf(() => parseGpci(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ line: 52, column: 1 });
  });

  it('a locality listed twice, and an empty file', () => {
    const lines = lines2025();
    lines.splice(41, 0, lines[39] ?? '');
    expect(importErrorOf(() => parseGpci(utf8(crlf(lines)), FILE))).toMatchObject({ line: 42, column: 3 });
    expect(importErrorOf(() => parseGpci(new Uint8Array(0), FILE))).toMatchObject({ line: 1, column: 1 });
  });
});
