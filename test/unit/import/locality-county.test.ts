import { describe, expect, it } from 'vitest';
import { importGpci } from '../../../fee-data/import/gpci.js';
import { importLocalityCounty, parseLocalityCounty } from '../../../fee-data/import/locality-county.js';
import { crlf, fileLines, importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = '25LOCCO.csv';

function lines2025(): string[] {
  return fileLines(referenceFile('mpfs-gpci-locality', FILE));
}

describe('importLocalityCounty on the real 2025 file', () => {
  it('imports one record per locality: the same 109 carrier/locality pairs as GPCI 2025', () => {
    const ds = importLocalityCounty(referenceFile('mpfs-gpci-locality', FILE));
    expect(ds.dataset).toBe('locality-county');
    expect(ds.year).toBe(2025);
    expect(ds.effective).toBe('2025-01-01');
    expect(ds.records).toHaveLength(109);
    const gpci = importGpci(referenceFile('mpfs-gpci-locality', 'GPCI2025.csv'));
    const keys = (records: readonly { carrier: string; locality: string }[]) =>
      new Set(records.map((r) => `${r.carrier}/${r.locality}`));
    expect(keys(ds.records)).toEqual(keys(gpci.records));
  });

  it('puts back leading zeros (line 7: 2102,1,ALASKA → 02102/01) and trims cells', () => {
    const ds = importLocalityCounty(referenceFile('mpfs-gpci-locality', FILE));
    expect(ds.records[1]).toEqual({
      carrier: '02102',
      locality: '01',
      state: 'ALASKA',
      feeScheduleArea: 'STATEWIDE',
      counties: 'ALL COUNTIES',
      line: 7,
    });
    expect(ds.records.find((r) => r.carrier === '12102')).toMatchObject({
      locality: '01',
      state: 'DELAWARE',
      line: 47,
    });
  });

  it('gives continuation rows the state of the row above (line 14: 1112,52,,... is California)', () => {
    const ds = importLocalityCounty(referenceFile('mpfs-gpci-locality', FILE));
    expect(ds.records.find((r) => r.line === 14)).toMatchObject({
      carrier: '01112',
      locality: '52',
      state: 'CALIFORNIA',
      counties: 'MARIN',
    });
    // Line 114 has a single space in the state cell; it is a continuation row too.
    expect(ds.records.find((r) => r.line === 114)).toMatchObject({ locality: '03', state: 'NEW YORK' });
    expect(ds.records.filter((r) => r.state === 'CALIFORNIA')).toHaveLength(29);
  });

  it('keeps quoted county lists with commas and strips the footnote asterisk', () => {
    const ds = importLocalityCounty(referenceFile('mpfs-gpci-locality', FILE));
    expect(ds.records.find((r) => r.line === 28)?.counties).toBe('SACRAMENTO, PLACER, YOLO, EL DORADO');
    expect(ds.records.find((r) => r.line === 41)).toMatchObject({
      locality: '75',
      feeScheduleArea: 'REST OF STATE',
    });
  });

  it('folds the repeated Missouri rest-of-state row (lines 96 and 97) into one record, with a note', () => {
    const ds = importLocalityCounty(referenceFile('mpfs-gpci-locality', FILE));
    const missouri = ds.records.filter((r) => r.carrier === '05302' && r.locality === '99');
    expect(missouri).toEqual([
      {
        carrier: '05302',
        locality: '99',
        state: 'MISSOURI',
        feeScheduleArea: 'REST OF STATE',
        counties: 'ALL OTHER COUNTIES',
        line: 96,
      },
    ]);
    expect(ds.notes).toEqual([
      'Line 97 repeats MAC 05302 locality 99 from line 96; folded into one record.',
      '* Payment locality is serviced by two carriers.',
    ]);
  });
});

describe('parseLocalityCounty on synthetic input', () => {
  const head = [
    'COUNTIES INCLUDED IN 2025 LOCALITIES. (ALPHABETICALLY BY STATE AND LOCALITY NAME WITHIN STATE),,,,',
    ',,,,',
    'Medicare Adminstrative Contractor,Locality Number,State ,Fee Schedule Area ,Counties',
    ',,,,',
  ];

  it('reads a latin-1 county name and the same name in UTF-8 alike', () => {
    const text = crlf([...head, '4212,5,NEW MEXICO ,STATEWIDE ,"DO\u00d1A ANA, BERNALILLO"']);
    const fromLatin1 = parseLocalityCounty(latin1(text), FILE);
    const fromUtf8 = parseLocalityCounty(utf8(text), FILE);
    expect(fromLatin1.records[0]?.counties).toBe('DO\u00d1A ANA, BERNALILLO');
    expect(fromUtf8.records).toEqual(fromLatin1.records);
  });

  it('appends counties of a row without MAC and locality to the locality above', () => {
    const text = crlf([...head, '4412,31,TEXAS ,AUSTIN,"TRAVIS, WILLIAMSON"', ',,,,"HAYS, BASTROP"']);
    expect(parseLocalityCounty(utf8(text), FILE).records).toEqual([
      {
        carrier: '04412',
        locality: '31',
        state: 'TEXAS',
        feeScheduleArea: 'AUSTIN',
        counties: 'TRAVIS, WILLIAMSON; HAYS, BASTROP',
        line: 5,
      },
    ]);
  });
});

describe('parseLocalityCounty rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = crlf(lines2025());
    const cut = text.slice(0, text.indexOf('12102,1,DELAW') + '12102,1,DELAW'.length);
    expect(importErrorOf(() => parseLocalityCounty(utf8(cut), FILE))).toMatchObject({
      file: FILE,
      line: 47,
      column: 4,
      columnName: 'FEE SCHEDULE AREA',
    });
  });

  it('a bad number', () => {
    const lines = lines2025();
    lines[6] = '21O2,1,ALASKA ,STATEWIDE ,ALL COUNTIES ';
    const error = importErrorOf(() => parseLocalityCounty(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 7, column: 1, columnName: 'MAC' });
    expect(error.message).toContain('"21O2" is not a five-digit contractor number');
  });

  it('a missing header', () => {
    const lines = lines2025();
    lines.splice(2, 1);
    const error = importErrorOf(() => parseLocalityCounty(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 4, column: 1 });
    expect(error.message).toContain('header is missing');
  });

  it('a row with too few columns', () => {
    const lines = lines2025();
    lines[8] = '3102,0,ARIZONA ,STATEWIDE ';
    expect(importErrorOf(() => parseLocalityCounty(utf8(crlf(lines)), FILE))).toMatchObject({
      line: 9,
      column: 5,
      columnName: 'COUNTIES',
    });
  });

  it('an unterminated quote, a first row without a state, and a locality after the footnotes', () => {
    // Line 157 (Virginia) holds the file's last quoted cell, so without its closing quote the
    // cell runs to the end of the file.
    const quote = lines2025();
    quote[156] = (quote[156] ?? '').replace(/"$/, '');
    expect(importErrorOf(() => parseLocalityCounty(utf8(crlf(quote)), FILE))).toMatchObject({
      line: 157,
      column: 5,
    });

    const head = lines2025().slice(0, 4);
    expect(
      importErrorOf(() =>
        parseLocalityCounty(utf8(crlf([...head, '10112,0,,STATEWIDE ,ALL COUNTIES'])), FILE),
      ),
    ).toMatchObject({ line: 5, column: 3, columnName: 'STATE' });

    const after = [...lines2025(), '3602,22,WYOMING ,ELSEWHERE ,NONE'];
    expect(importErrorOf(() => parseLocalityCounty(utf8(crlf(after)), FILE))).toMatchObject({
      line: 170,
      column: 1,
    });
  });

  it('a file with no final line break, and an empty file', () => {
    const text = crlf(lines2025().slice(0, 47));
    expect(importErrorOf(() => parseLocalityCounty(utf8(text.slice(0, -2)), FILE))).toMatchObject({
      line: 47,
      column: 5,
    });
    expect(importErrorOf(() => parseLocalityCounty(new Uint8Array(0), FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
  });
});
