import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importPprrvu, parsePprrvu, type RvuDataset } from '../../../fee-data/import/pprrvu.js';
import type { RvuRecord } from '../../../fee-data/import/records.js';
import { crlf, fileLines, importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE_2025 = 'PPRRVU2025_Oct.csv';
const FILE_2026 = 'PPRRVU2026_Jul_nonQPP.HEADER_excerpt.csv';

let cached2025: RvuDataset | undefined;
/** The real 2025 file, imported once for all tests that read it. */
function rvu2025(): RvuDataset {
  cached2025 ??= importPprrvu(referenceFile('mpfs-rvu', FILE_2025));
  return cached2025;
}

function row(dataset: RvuDataset, code: string, modifier = ''): RvuRecord {
  const found = dataset.records.find((r) => r.code === code && r.modifier === modifier);
  if (found === undefined) throw new Error(`${code}-${modifier} not in ${dataset.source.file}`);
  return found;
}

/**
 * The 2025 file's 10 preamble/header lines and its first three data rows (lines 11-13):
 * 0001F, 0005F and 00100, all zero RVUs. Malformed variants are made from these.
 */
function small2025Lines(): string[] {
  return fileLines(referenceFile('mpfs-rvu', FILE_2025)).slice(0, 13);
}

describe('importPprrvu on the real 2025 October file', () => {
  it('imports all 19,090 data rows with year, label, release and source', () => {
    const ds = rvu2025();
    expect(ds.dataset).toBe('pfs-rvu');
    expect(ds.records).toHaveLength(19_090);
    expect(ds.year).toBe(2025);
    expect(ds.label).toBe('RVU25D (October 2025 release)');
    expect(ds.effective).toBe('2025-01-01');
    expect(ds.complete).toBe(true);
    const bytes = readFileSync(referenceFile('mpfs-rvu', FILE_2025));
    expect(ds.source).toEqual({
      file: FILE_2025,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      rows: 19_090,
      release: 'RELEASED 09/11/2025',
    });
    expect(ds.records[0]?.line).toBe(11);
    expect(ds.records.at(-1)?.line).toBe(19_100);
  });

  it('reads 99213 field by field (line 12807)', () => {
    expect(row(rvu2025(), '99213')).toEqual({
      code: '99213',
      modifier: '',
      status: 'A',
      workRvu: '1.30',
      nonFacilityPeRvu: '1.35',
      nonFacilityNa: false,
      facilityPeRvu: '0.57',
      facilityNa: false,
      mpRvu: '0.10',
      pctcIndicator: '0',
      globalDays: 'XXX',
      preOp: '0.00',
      intraOp: '0.00',
      postOp: '0.00',
      multipleProcedure: '0',
      bilateralSurgery: '0',
      assistantSurgery: '0',
      coSurgeons: '0',
      teamSurgery: '0',
      pricingIndicator: '',
      endoscopicBase: '',
      conversionFactor: '32.3465',
      physicianSupervision: '09',
      calculationFlag: '0',
      imagingFamily: '99',
      oppsNonFacilityPe: '0.00',
      oppsFacilityPe: '0.00',
      oppsMp: '0.00',
      line: 12_807,
    } satisfies RvuRecord);
  });

  it('reads the 72148 global, -26 and -TC rows (lines 7835-7837)', () => {
    const ds = rvu2025();
    expect(row(ds, '72148')).toMatchObject({
      workRvu: '1.48',
      nonFacilityPeRvu: '4.25',
      facilityPeRvu: '4.25',
      facilityNa: true,
      mpRvu: '0.09',
      pctcIndicator: '1',
      multipleProcedure: '4',
      imagingFamily: '88',
      oppsNonFacilityPe: '7.97',
      oppsFacilityPe: '7.97',
      oppsMp: '0.11',
      line: 7835,
    });
    expect(row(ds, '72148', '26')).toMatchObject({
      workRvu: '1.48',
      nonFacilityPeRvu: '0.54',
      facilityPeRvu: '0.54',
      facilityNa: false,
      mpRvu: '0.07',
      oppsNonFacilityPe: '0.00',
      line: 7836,
    });
    expect(row(ds, '72148', 'TC')).toMatchObject({
      workRvu: '0.00',
      nonFacilityPeRvu: '3.71',
      facilityPeRvu: '3.71',
      facilityNa: true,
      mpRvu: '0.02',
      oppsNonFacilityPe: '7.43',
      oppsMp: '0.04',
      line: 7837,
    });
  });

  it('reads the surgical indicators of 27447 (line 2773)', () => {
    expect(row(rvu2025(), '27447')).toMatchObject({
      status: 'A',
      workRvu: '19.60',
      nonFacilityPeRvu: '15.30',
      nonFacilityNa: true,
      facilityPeRvu: '15.30',
      mpRvu: '3.98',
      globalDays: '090',
      preOp: '0.10',
      intraOp: '0.69',
      postOp: '0.21',
      multipleProcedure: '2',
      bilateralSurgery: '1',
      assistantSurgery: '2',
      coSurgeons: '1',
      teamSurgery: '0',
      line: 2773,
    });
  });

  it('keeps the endoscopic base code and the modifier 53 rows', () => {
    const ds = rvu2025();
    expect(row(ds, '0653T').endoscopicBase).toBe('0652T');
    expect(ds.records.filter((r) => r.modifier === '53')).toHaveLength(4);
    expect(new Set(ds.records.map((r) => r.modifier))).toEqual(new Set(['', '26', 'TC', '53']));
    expect(new Set(ds.records.map((r) => r.conversionFactor))).toEqual(new Set(['32.3465']));
  });

  it('keeps no description anywhere (AMA copyright)', () => {
    const ds = rvu2025();
    const json = JSON.stringify(ds);
    for (const descriptor of [
      'Office o/p est low 20 min',
      'Total knee arthroplasty',
      'Heart failure composite',
    ]) {
      expect(json).not.toContain(descriptor);
    }
    expect(Object.keys(ds.records[0] ?? {})).not.toContain('description');
    expect(ds.notes).toContain('The DESCRIPTION column (CPT descriptors, AMA copyright) is not imported.');
  });
});

describe('importPprrvu on the 2026 July excerpt (32 columns, PRIC IND)', () => {
  it('finds the PRIC IND column and the 2026 conversion factor, and marks the excerpt incomplete', () => {
    const ds = importPprrvu(referenceFile('mpfs-rvu', FILE_2026));
    expect(ds.year).toBe(2026);
    expect(ds.label).toBe('RVU26C (July 2026 release)');
    expect(ds.effective).toBe('2026-01-01');
    expect(ds.source.release).toBe('RELEASED 06/30/2026');
    expect(ds.complete).toBe(false);
    expect(ds.notes.some((note) => note.startsWith('Excerpt, not the whole file'))).toBe(true);
    expect(ds.records.map((r) => r.code)).toEqual(['0001F', '0005F', '00100']);
    expect(ds.records[2]).toMatchObject({
      code: '00100',
      status: 'J',
      teamSurgery: '9',
      pricingIndicator: '9',
      endoscopicBase: '',
      conversionFactor: '33.4009',
      physicianSupervision: '09',
      line: 13,
    });
  });

  it('rejects a 2026 data row that lacks the PRIC IND cell (31 cells under a 32-column header)', () => {
    const lines = fileLines(referenceFile('mpfs-rvu', FILE_2026));
    lines[11] = (lines[11] ?? '').replace(',9,,33.4009', ',,33.4009');
    const error = importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2026));
    expect(error).toMatchObject({ file: FILE_2026, line: 12, column: 32 });
  });
});

describe('parsePprrvu encodings', () => {
  it('imports a latin-1 file (a cp1252 byte in the description) and a UTF-8 one identically', () => {
    const lines = small2025Lines();
    lines[10] = (lines[10] ?? '').replace('Heart failure composite', 'Heart failure caf\u00e9 \u2013');
    const text = crlf(lines);
    const asLatin1 = latin1(text.replace('\u2013', '\u0096'));
    const fromLatin1 = parsePprrvu(asLatin1, FILE_2025);
    const fromUtf8 = parsePprrvu(utf8(`\ufeff${text}`), FILE_2025);
    expect(fromLatin1.records).toEqual(fromUtf8.records);
    expect(fromLatin1.records).toHaveLength(3);
    expect(JSON.stringify(fromLatin1)).not.toContain('caf');
  });
});

describe('parsePprrvu rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = crlf(small2025Lines());
    const cut = text.slice(0, text.lastIndexOf('0.00,9,XXX'));
    // Line 13 is cut just before its FACILITY TOTAL: 12 cells and an empty 13th remain.
    const cells = (cut.split('\r\n').at(-1) ?? '').split(',').length;
    const error = importErrorOf(() => parsePprrvu(utf8(cut), FILE_2025));
    expect(error).toMatchObject({ file: FILE_2025, line: 13, column: cells + 1 });
    expect(error.message).toMatch(/the row has \d+ columns, expected 31/);
  });

  it('a file cut at the end of a cell that still looks whole', () => {
    const text = crlf(small2025Lines());
    const error = importErrorOf(() => parsePprrvu(utf8(text.slice(0, -2)), FILE_2025));
    expect(error).toMatchObject({ file: FILE_2025, line: 13, column: 31 });
    expect(error.message).toContain('no final line break');
  });

  it('a bad number', () => {
    const lines = small2025Lines();
    lines[10] = (lines[10] ?? '').replace(',I,,0.00,', ',I,,1.3x,');
    const error = importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025));
    expect(error).toMatchObject({ file: FILE_2025, line: 11, column: 6, columnName: 'WORK RVU' });
    expect(error.message).toBe(
      'PPRRVU2025_Oct.csv line 11 column 6 (WORK RVU): "1.3x" is not a number with two decimals',
    );
  });

  it('a conversion factor without four decimals', () => {
    const lines = small2025Lines();
    lines[11] = (lines[11] ?? '').replace('32.3465', '32.35');
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025))).toMatchObject({
      line: 12,
      column: 25,
      columnName: 'CONV FACTOR',
    });
  });

  it('a total that is not the sum of its RVUs', () => {
    const lines = small2025Lines();
    lines[12] = (lines[12] ?? '').replace(',0.00,0.00,0.00,9,XXX', ',0.00,0.01,0.00,9,XXX');
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025))).toMatchObject({
      line: 13,
      column: 12,
      columnName: 'NON-FACILITY TOTAL',
    });
  });

  it('a missing header (the HCPCS,MOD,DESCRIPTION line removed)', () => {
    const lines = small2025Lines();
    lines.splice(9, 1);
    const error = importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025));
    expect(error).toMatchObject({ file: FILE_2025, line: 10, column: 1 });
    expect(error.message).toContain('header is missing');
  });

  it('a header word that is not where the layout has it', () => {
    const lines = small2025Lines();
    lines[8] = (lines[8] ?? '').replace(',WORK,', ',WERK,');
    const error = importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025));
    expect(error).toMatchObject({ line: 10, column: 6, columnName: 'WORK RVU' });
    expect(error.message).toContain('"WERK RVU"');
  });

  it('a header with columns in an unknown order (ENDO BASE and CONV FACTOR swapped)', () => {
    const lines = small2025Lines();
    lines[8] = (lines[8] ?? '').replace(',ENDO,CONV,', ',CONV,ENDO,');
    lines[9] = (lines[9] ?? '').replace(',BASE,FACTOR,', ',FACTOR,BASE,');
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025))).toMatchObject({
      line: 10,
      column: 24,
    });
  });

  it('a row with too few columns', () => {
    const lines = small2025Lines();
    lines[11] = (lines[11] ?? '').replace(/,0\.00$/, '');
    const error = importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025));
    expect(error).toMatchObject({ file: FILE_2025, line: 12, column: 31 });
  });

  it('a row with too many columns', () => {
    const lines = small2025Lines();
    lines[11] = `${lines[11]},0.00`;
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025))).toMatchObject({
      line: 12,
      column: 32,
    });
  });

  it('an unterminated quote in the description', () => {
    const lines = small2025Lines();
    lines[11] = (lines[11] ?? '').replace('Osteoarthritis composite', '"Osteoarthritis composite');
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025))).toMatchObject({
      line: 12,
      column: 3,
    });
  });

  it('a code listed twice', () => {
    const lines = small2025Lines();
    lines.push(lines[12] ?? '');
    const error = importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025));
    expect(error).toMatchObject({ line: 14, column: 1 });
    expect(error.message).toContain('already on line 13');
  });

  it('a blank line inside the data', () => {
    const lines = small2025Lines();
    lines.splice(11, 0, '');
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(lines)), FILE_2025))).toMatchObject({
      line: 12,
      column: 1,
    });
  });

  it('a missing title or RELEASED line', () => {
    const noTitle = small2025Lines();
    noTitle[0] = ',,,';
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(noTitle)), FILE_2025)).message).toContain('no title');
    const noRelease = small2025Lines();
    noRelease[4] = ',,,';
    expect(importErrorOf(() => parsePprrvu(utf8(crlf(noRelease)), FILE_2025)).message).toContain('RELEASED');
  });

  it('a header without data rows, and an empty file', () => {
    expect(
      importErrorOf(() => parsePprrvu(utf8(crlf(small2025Lines().slice(0, 10))), FILE_2025)),
    ).toMatchObject({
      line: 11,
      column: 1,
    });
    expect(importErrorOf(() => parsePprrvu(new Uint8Array(0), FILE_2025))).toMatchObject({
      file: FILE_2025,
      line: 1,
      column: 1,
    });
  });
});
