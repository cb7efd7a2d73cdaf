import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ClfsDataset, importClfs, parseClfs } from '../../../fee-data/import/clfs.js';
import type { ClfsRecord } from '../../../fee-data/import/records-national.js';
import { decodeText } from '../../../fee-data/import/text.js';
import { fileLines, importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE_2025 = 'CLFS_2025_Q4V1.csv';
const FILE_2026 = 'PUF_CLFS_CY2026_Q3V1.csv';

const cached = new Map<string, ClfsDataset>();
function clfs(file: string): ClfsDataset {
  let ds = cached.get(file);
  if (ds === undefined) {
    ds = importClfs(referenceFile('clfs', file));
    cached.set(file, ds);
  }
  return ds;
}

function row(ds: ClfsDataset, code: string, modifier = ''): ClfsRecord {
  const found = ds.records.find((r) => r.code === code && r.modifier === modifier);
  if (found === undefined) throw new Error(`${code}-${modifier} not in ${ds.source.file}`);
  return found;
}

/** The 2026 file's preamble (lines 1-4), header (line 5) and first three data rows (lines 6-8). */
function lines2026(): string[] {
  return fileLines(referenceFile('clfs', FILE_2026)).slice(0, 8);
}

function lf(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

describe('importClfs on the 2025 Q4 and 2026 Q3 files', () => {
  it('imports 2,149 rows of 2025 Q4V1 (lines 6-2154), a cp1252 file', () => {
    const path = referenceFile('clfs', FILE_2025);
    expect(decodeText(readFileSync(path)).encoding).toBe('windows-1252');
    const ds = clfs(FILE_2025);
    expect(ds.dataset).toBe('clfs');
    expect(ds.records).toHaveLength(2_149);
    expect(ds.year).toBe(2025);
    expect(ds.quarter).toBe(4);
    expect(ds.version).toBe(1);
    expect(ds.label).toBe('CLFS 2025 Q4V1');
    expect(ds.effective).toBe('2025-10-01');
    expect(ds.complete).toBe(true);
    expect(ds.source).toEqual({
      file: FILE_2025,
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
      rows: 2_149,
      release: '2025 Q4V1',
    });
    expect(ds.records[0]?.line).toBe(6);
    expect(ds.records.at(-1)?.line).toBe(2_154);
    expect(ds.notes).toContain('117 rows have indicator L (priced locally, not nationally).');
  });

  it('imports 2,206 rows of 2026 Q3V1 (header EXTENDEDLONGDESC)', () => {
    const ds = clfs(FILE_2026);
    expect(ds.records).toHaveLength(2_206);
    expect(ds.year).toBe(2026);
    expect(ds.quarter).toBe(3);
    expect(ds.label).toBe('CLFS 2026 Q3V1');
    expect(ds.effective).toBe('2026-07-01');
    expect(ds.records.at(-1)?.line).toBe(2_211);
  });

  it('reads 36415 and 80053 in both years field by field, rates as printed', () => {
    expect(row(clfs(FILE_2025), '36415')).toEqual({
      code: '36415',
      modifier: '',
      effectiveDate: '2025-01-01',
      indicator: 'N',
      rate: '00009.09',
      line: 557,
    });
    expect(row(clfs(FILE_2026), '36415')).toMatchObject({ effectiveDate: '2026-01-01', rate: '00009.34' });
    expect(row(clfs(FILE_2025), '80053')).toEqual({
      code: '80053',
      modifier: '',
      effectiveDate: '2025-01-01',
      indicator: 'N',
      rate: '00010.56',
      line: 566,
    });
    expect(row(clfs(FILE_2025), '80053', 'QW')).toMatchObject({ rate: '00010.56', line: 567 });
    expect(row(clfs(FILE_2026), '80053')).toMatchObject({ rate: '00010.56', line: 612 });
  });

  it('keeps the unpadded rates at the end of the 2025 file and the locally priced zeros', () => {
    const ds = clfs(FILE_2025);
    expect(row(ds, 'U0001')).toMatchObject({ rate: '35.92', line: 2_152 });
    expect(row(ds, 'Q0115')).toMatchObject({ rate: '25', line: 2_151 });
    expect(row(ds, 'G0567')).toMatchObject({ indicator: 'L', rate: '0', effectiveDate: '2025-04-01' });
    expect(row(ds, '0537U')).toMatchObject({ indicator: 'N', rate: '01495.00', effectiveDate: '2025-04-01' });
    expect(row(ds, '0575U')).toMatchObject({ indicator: 'L', rate: '00000.00', effectiveDate: '2025-10-01' });
  });

  it('never keeps the descriptors', () => {
    for (const ds of [clfs(FILE_2025), clfs(FILE_2026)]) {
      expect(Object.keys(ds.records[0] as object).sort()).toEqual(
        ['code', 'effectiveDate', 'indicator', 'line', 'modifier', 'rate'].sort(),
      );
      expect(JSON.stringify(ds)).not.toContain('Red blood cell');
    }
  });
});

describe('parseClfs rejects malformed files', () => {
  it('reads a small copy, latin-1 or UTF-8, the same', () => {
    const text = lf(lines2026());
    const ds = parseClfs(utf8(text), FILE_2026);
    expect(ds.records).toHaveLength(3);
    expect(parseClfs(latin1(text), FILE_2026).records).toEqual(ds.records);
    expect(ds.records).toEqual(clfs(FILE_2026).records.slice(0, 3));
  });

  it('a file cut in the middle of the last row (inside its quoted descriptor)', () => {
    const text = lf(lines2026());
    const error = importErrorOf(() => parseClfs(utf8(text.slice(0, -20)), FILE_2026));
    expect(error).toMatchObject({ file: FILE_2026, line: 8, column: 9 });
    expect(error.message).not.toContain('Oncology');
  });

  it('a bad rate and a date that is not in the calendar', () => {
    const lines = lines2026();
    lines[6] = lines[6]?.replace('00503.40', '503.4.0') as string;
    const error = importErrorOf(() => parseClfs(utf8(lf(lines)), FILE_2026));
    expect(error.message).toBe(`${FILE_2026} line 7 column 6 (RATE): "503.4.0" is not an amount in dollars`);
    const dates = lines2026();
    dates[6] = dates[6]?.replace('20260101', '20260230') as string;
    expect(importErrorOf(() => parseClfs(utf8(lf(dates)), FILE_2026))).toMatchObject({
      line: 7,
      column: 4,
      columnName: 'EFF_DATE',
    });
  });

  it('a row for another year than the file name, and a repeated code', () => {
    const lines = lines2026();
    lines[7] = lines[7]?.replace(/^2026/, '2025') as string;
    expect(importErrorOf(() => parseClfs(utf8(lf(lines)), FILE_2026))).toMatchObject({
      line: 8,
      column: 1,
      columnName: 'YEAR',
    });
    const repeated = lines2026();
    repeated[7] = repeated[6] as string;
    expect(importErrorOf(() => parseClfs(utf8(lf(repeated)), FILE_2026)).problem).toBe(
      '0002M is already on line 7',
    );
  });

  it('a missing header and a wrong header cell', () => {
    const lines = lines2026();
    const noHeader = [...lines.slice(0, 4), ...lines.slice(5)];
    expect(importErrorOf(() => parseClfs(utf8(lf(noHeader)), FILE_2026))).toMatchObject({
      line: 5,
      column: 1,
    });
    const changed = lines2026();
    changed[4] = 'YEAR,HCPCS,MOD,EFF_DATE,INDICATOR,PRICE,SHORTDESC,LONGDESC,EXTENDEDLONGDESC';
    expect(importErrorOf(() => parseClfs(utf8(lf(changed)), FILE_2026))).toMatchObject({
      line: 5,
      column: 6,
      columnName: 'RATE',
    });
  });

  it('a row with too few columns', () => {
    const lines = lines2026();
    lines[5] = '2026,0001U,,20260101,N';
    expect(importErrorOf(() => parseClfs(utf8(lf(lines)), FILE_2026))).toMatchObject({
      line: 6,
      column: 6,
      columnName: 'RATE',
    });
  });

  it('a file name without the quarter, or with another year than the title', () => {
    const text = lf(lines2026());
    expect(importErrorOf(() => parseClfs(utf8(text), 'CLFS_2026.csv'))).toMatchObject({
      file: 'CLFS_2026.csv',
      line: 1,
      column: 1,
    });
    const error = importErrorOf(() => parseClfs(utf8(text), 'CLFS_2025_Q3V1.csv'));
    expect(error).toMatchObject({ line: 1, column: 1 });
    expect(error.problem).toBe('the title is for 2026, but the file name says 2025');
  });
});
