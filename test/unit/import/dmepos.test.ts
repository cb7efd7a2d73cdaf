import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DmeposDataset,
  type DmeRuralZipDataset,
  importDmepos,
  importDmeRuralZip,
  parseDmepos,
  parseDmeRuralZip,
} from '../../../fee-data/import/dmepos.js';
import type { DmeposRecord } from '../../../fee-data/import/records-national.js';
import { crlf, fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE_2025 = 'DMEPOS25_APR_full_states.csv';
const FILE_2026 = 'DMEPOS26_JAN_full_states__repo_name_TexasRural.csv';
const ZIP_FILE = 'DME_Rural_ZIP_Code_Quarter_1_2026.csv';

const cached = new Map<string, DmeposDataset>();
function dmepos(file: string): DmeposDataset {
  let ds = cached.get(file);
  if (ds === undefined) {
    ds = importDmepos(referenceFile('dmepos', file));
    cached.set(file, ds);
  }
  return ds;
}

let cachedZips: DmeRuralZipDataset | undefined;
function zips(): DmeRuralZipDataset {
  cachedZips ??= importDmeRuralZip(referenceFile('dmepos', ZIP_FILE));
  return cachedZips;
}

function row(ds: DmeposDataset, code: string, modifier = '', modifier2 = ''): DmeposRecord {
  const found = ds.records.find(
    (r) => r.code === code && r.modifier === modifier && r.modifier2 === modifier2,
  );
  if (found === undefined) throw new Error(`${code}-${modifier}-${modifier2} not in ${ds.source.file}`);
  return found;
}

/** The 2026 file's header and first three rows (lines 1-4). */
function lines2026(): string[] {
  return fileLines(referenceFile('dmepos', FILE_2026)).slice(0, 4);
}

function lf(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Replaces the cell at a 0-based index of a CSV line without quotes before it. */
function withCell(line: string, index: number, value: string): string {
  const cells = line.split(',');
  cells[index] = value;
  return cells.join(',');
}

/** TX (NR) is the 42nd state: column 7 + 2 × 41 (0-based 89). */
const TX_NR = 7 + 2 * 41;

describe('importDmepos on the April 2025 and January 2026 files', () => {
  it('identifies the January 2026 release by the DMEPOS26_JAN name pattern (the repo called it TexasRural)', () => {
    const ds = dmepos(FILE_2026);
    expect(ds.dataset).toBe('dmepos');
    expect(ds.records).toHaveLength(3_515);
    expect(ds.year).toBe(2026);
    expect(ds.label).toBe('DMEPOS January 2026');
    expect(ds.effective).toBe('2026-01-01');
    expect(ds.complete).toBe(true);
    expect(ds.states).toHaveLength(53);
    expect(ds.states.slice(0, 3)).toEqual(['AL', 'AR', 'AZ']);
    expect(ds.states.slice(-4)).toEqual(['AK', 'HI', 'PR', 'VI']);
    expect(ds.states[41]).toBe('TX');
    expect(ds.notes[0]).toBe(
      'The January 2026 DMEPOS fee schedule: the release comes from "DMEPOS26_JAN" in the file name (the file states none).',
    );
    expect(ds.source).toEqual({
      file: FILE_2026,
      sha256: createHash('sha256')
        .update(readFileSync(referenceFile('dmepos', FILE_2026)))
        .digest('hex'),
      rows: 3_515,
    });
    expect(ds.records[0]?.line).toBe(2);
    expect(ds.records.at(-1)?.line).toBe(3_516);
  });

  it('imports 3,511 rows of April 2025', () => {
    const ds = dmepos(FILE_2025);
    expect(ds.records).toHaveLength(3_511);
    expect(ds.label).toBe('DMEPOS April 2025');
    expect(ds.effective).toBe('2025-04-01');
    expect(ds.states).toEqual(dmepos(FILE_2026).states);
  });

  it('reads E0601-RR in Texas, non-rural and rural, in both releases', () => {
    const e0601 = row(dmepos(FILE_2026), 'E0601', 'RR');
    expect(e0601).toMatchObject({
      code: 'E0601',
      modifier: 'RR',
      modifier2: '',
      jurisdiction: 'D',
      category: 'CR',
      ceiling: '0',
      floor: '0',
      line: 750,
    });
    expect(e0601.fees.TX).toEqual({ nonRural: '50.91', rural: '91.52' });
    expect(e0601.fees.AL).toEqual({ nonRural: '51.94', rural: '97.02' });
    expect(e0601.fees.AK).toEqual({ nonRural: '93.44', rural: '0' });
    expect(Object.keys(e0601.fees)).toHaveLength(53);
    expect(row(dmepos(FILE_2025), 'E0601', 'RR').fees.TX).toEqual({ nonRural: '49.57', rural: '89.54' });
    expect(row(dmepos(FILE_2025), 'E0601', 'RR').line).toBe(745);
  });

  it('reads K0001-RR, L3000 and the first row field by field, numbers as printed', () => {
    expect(row(dmepos(FILE_2026), 'K0001', 'RR').fees.TX).toEqual({ nonRural: '28.52', rural: '53.64' });
    expect(row(dmepos(FILE_2025), 'K0001', 'RR').fees.TX).toEqual({ nonRural: '27.77', rural: '52.48' });
    expect(row(dmepos(FILE_2026), 'L3000')).toMatchObject({
      ceiling: '459.83',
      floor: '344.87',
      line: 2_745,
    });
    expect(row(dmepos(FILE_2026), 'L3000').fees.TX).toEqual({ nonRural: '388.12', rural: '0' });
    expect(row(dmepos(FILE_2026), 'E0114', 'UE').fees.TX).toEqual({ nonRural: '44', rural: '0' });
    const first = dmepos(FILE_2026).records[0] as DmeposRecord;
    expect({ ...first, fees: first.fees.AL }).toEqual({
      code: 'A4216',
      modifier: '',
      modifier2: '',
      jurisdiction: 'J',
      category: 'OS',
      ceiling: '0.63',
      floor: '0.54',
      fees: { nonRural: '0.58', rural: '0' },
      line: 2,
    });
    expect(Object.keys(first).sort()).toEqual(
      [
        'category',
        'ceiling',
        'code',
        'fees',
        'floor',
        'jurisdiction',
        'line',
        'modifier',
        'modifier2',
      ].sort(),
    );
  });
});

describe('parseDmepos on synthetic input', () => {
  it('accepts the header under CMS preamble rows, CRLF, and an empty fee as null', () => {
    const lines = lines2026();
    lines[1] = withCell(lines[1] as string, TX_NR + 1, '');
    const preamble = ['DMEPOS Fee Schedule,,', 'January 2026,,', ',,'];
    const ds = parseDmepos(utf8(crlf([...preamble, ...lines])), 'DMEPOS26_JAN.csv');
    expect(ds.records).toHaveLength(3);
    expect(ds.records[0]?.line).toBe(5);
    expect(ds.records[0]?.fees.TX).toEqual({ nonRural: '0.54', rural: null });
    expect(ds.notes).toContain('3 preamble rows above the header (line 4) skipped.');
  });
});

describe('parseDmepos rejects malformed files', () => {
  const FILE = 'DMEPOS26_JAN.csv';

  it('a file cut in the middle of a row', () => {
    const text = lf(lines2026());
    const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
    const cut = text.slice(0, lastStart + 200);
    const cells = cut.slice(lastStart).split(',').length;
    const error = importErrorOf(() => parseDmepos(utf8(cut), FILE));
    expect(error).toMatchObject({ file: FILE, line: 4, column: cells + 1 });
    expect(error.problem).toBe(`the row has ${cells} columns, expected 114 (the row may be cut off)`);
  });

  it('a bad fee in TX (NR)', () => {
    const lines = lines2026();
    lines[2] = withCell(lines[2] as string, TX_NR, '4.4x');
    const error = importErrorOf(() => parseDmepos(utf8(lf(lines)), FILE));
    expect(error.message).toBe(
      `${FILE} line 3 column 90 (TX (NR)): "4.4x" is not empty or an amount in dollars`,
    );
  });

  it('a missing header and a header whose rural column is misnamed', () => {
    const lines = lines2026();
    expect(importErrorOf(() => parseDmepos(utf8(lf(lines.slice(1))), FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
    lines[0] = (lines[0] as string).replace('TX (R)', 'TX (NR)');
    expect(importErrorOf(() => parseDmepos(utf8(lf(lines)), FILE))).toMatchObject({
      line: 1,
      column: TX_NR + 2,
      columnName: 'TX (R)',
    });
  });

  it('a row with too few columns, and a repeated code and modifier', () => {
    const lines = lines2026();
    lines[3] = 'A4217,,,J,SU,4.47,3.8,3.8,0';
    expect(importErrorOf(() => parseDmepos(utf8(lf(lines)), FILE))).toMatchObject({
      line: 4,
      column: 10,
      columnName: 'AR (NR)',
    });
    const repeated = lines2026();
    repeated[3] = repeated[2] as string;
    expect(importErrorOf(() => parseDmepos(utf8(lf(repeated)), FILE)).problem).toBe(
      'A4217 is already on line 3',
    );
  });

  it('a file name without the release', () => {
    expect(importErrorOf(() => parseDmepos(utf8(lf(lines2026())), 'TexasRural.csv'))).toMatchObject({
      file: 'TexasRural.csv',
      line: 1,
      column: 1,
    });
  });
});

describe('importDmeRuralZip on the 2026 Q1 list', () => {
  it('imports 32,035 ZIP codes with the quarter from YEAR/QTR', () => {
    const ds = zips();
    expect(ds.dataset).toBe('dme-rural-zip');
    expect(ds.records).toHaveLength(32_035);
    expect(ds.year).toBe(2026);
    expect(ds.quarter).toBe(1);
    expect(ds.effective).toBe('2026-01-01');
    expect(ds.label).toBe('DMEPOS rural ZIP codes 2026 Q1');
    expect(ds.source.release).toBe('202601');
    expect(ds.records.at(-1)).toEqual({
      state: 'WV',
      zip: '25779',
      yearQuarter: '202601',
      location: 'Huntington  WV CBA',
      line: 32_036,
    });
  });

  it('restores leading zeros: 1223 is 01223, 501 is 00501', () => {
    const ds = zips();
    expect(ds.records[0]).toEqual({
      state: 'MA',
      zip: '01223',
      yearQuarter: '202601',
      location: 'RURAL',
      line: 2,
    });
    expect(ds.records.find((r) => r.zip === '00501')).toMatchObject({ state: 'NY', line: 26_639 });
    expect(ds.records.every((r) => /^\d{5}$/.test(r.zip))).toBe(true);
    expect(ds.records.filter((r) => r.location === 'RURAL')).toHaveLength(15_911);
    expect(ds.notes[1]).toBe(
      '2497 ZIP codes were printed without their leading zeros and are padded to five digits (1223 → 01223).',
    );
    // Fifteen "ZIP codes" such as AZ 15 cannot be real once padded; the note names them.
    expect(ds.notes[2]).toMatch(/^15 ZIP codes are below 00501.*AZ 00015 \(line 16385\)/);
  });
});

describe('parseDmeRuralZip rejects malformed files', () => {
  const lines = (): string[] => fileLines(referenceFile('dmepos', ZIP_FILE)).slice(0, 5);

  it('a file cut in the middle of a row', () => {
    const text = lf(lines());
    const error = importErrorOf(() => parseDmeRuralZip(utf8(text.slice(0, -3)), ZIP_FILE));
    expect(error).toMatchObject({ file: ZIP_FILE, line: 5, column: 4 });
    expect(error.problem).toContain('cut off');
  });

  it('a bad ZIP code, and a row of another quarter', () => {
    const bad = lines();
    bad[2] = 'MA,25a5,202601,RURAL';
    const error = importErrorOf(() => parseDmeRuralZip(utf8(lf(bad)), ZIP_FILE));
    expect(error.message).toBe(
      `${ZIP_FILE} line 3 column 2 (DMEPOS RURAL ZIP CODE): "25a5" is not a ZIP code of up to five digits`,
    );
    const other = lines();
    other[3] = 'MA,2539,202602,RURAL';
    expect(importErrorOf(() => parseDmeRuralZip(utf8(lf(other)), ZIP_FILE))).toMatchObject({
      line: 4,
      column: 3,
      columnName: 'YEAR/QTR',
    });
    expect(
      importErrorOf(() => parseDmeRuralZip(utf8(lf(lines())), 'DME_Rural_ZIP_Code_Quarter_2_2026.csv')),
    ).toMatchObject({ line: 2, column: 3 });
  });

  it('a missing header, a row with too few columns, a repeated ZIP', () => {
    expect(importErrorOf(() => parseDmeRuralZip(utf8(lf(lines().slice(1))), ZIP_FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
    const short = lines();
    short[2] = 'MA,2535,202601';
    expect(importErrorOf(() => parseDmeRuralZip(utf8(lf(short)), ZIP_FILE))).toMatchObject({
      line: 3,
      column: 4,
      columnName: 'LOCATION',
    });
    const repeated = lines();
    repeated[2] = 'MA,01223,202601,RURAL';
    expect(importErrorOf(() => parseDmeRuralZip(utf8(lf(repeated)), ZIP_FILE)).problem).toBe(
      'ZIP 01223 is already on line 2',
    );
  });
});
