import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  importNcciPtp,
  NCCI_START,
  type PtpDataset,
  type PtpPairs,
  parseNcciPtp,
  parsePtpCms,
  parsePtpDerived,
  ptpRecordAt,
} from '../../../fee-data/import/ncci-ptp.js';
import { NO_DAY } from '../../../fee-data/import/records-national.js';
import { dayNumber } from '../../../lambdas/fee-index/header.js';
import { decodeCode, encodeCode } from '../../../lambdas/fee-index/schema.js';
import { crlf, fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const CMS_FILE = 'ccipra-v322r0-f1.SUBSET_of_excerpt.txt';
const DERIVED_FILE = 'ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz';

function cmsPath(): string {
  return referenceFile('ncci', 'raw_format_excerpts', CMS_FILE);
}

let cachedCms: PtpDataset | undefined;
function cms(): PtpDataset {
  cachedCms ??= importNcciPtp(cmsPath());
  return cachedCms;
}

let cachedDerived: PtpDataset | undefined;
/** The 2.1-million-pair file, imported once for every test that reads it. */
function derived(): PtpDataset {
  cachedDerived ??= importNcciPtp(referenceFile('ncci', DERIVED_FILE));
  return cachedDerived;
}

/** Rows of a table holding a pair, in file order. */
function rowsOf(pairs: PtpPairs, column1: string, column2: string): number[] {
  const k1 = encodeCode(column1, 5);
  const k2 = encodeCode(column2, 5);
  const found: number[] = [];
  for (let i = 0; i < pairs.count; i++) {
    if (pairs.column1[i] === k1 && pairs.column2[i] === k2) found.push(i);
  }
  return found;
}

function onlyRecord(pairs: PtpPairs, column1: string, column2: string) {
  const found = rowsOf(pairs, column1, column2);
  expect(found).toHaveLength(1);
  return ptpRecordAt(pairs, found[0] as number);
}

/** The CMS excerpt's six header lines and its first four data rows (lines 7-10). */
function cmsLines(): string[] {
  return fileLines(cmsPath()).slice(0, 10);
}

function lf(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The derived file's header and first five rows (lines 1-6 after decompression). */
const DERIVED_LINES = [
  'column1,column2,modifier_indicator,ptp_edit_rationale',
  '0001A,0003A,0,Mutually exclusive procedures',
  '0001A,0004A,0,Mutually exclusive procedures',
  '0001A,0013A,0,Mutually exclusive procedures',
  '0001A,0034A,0,Mutually exclusive procedures',
  '0001A,0591T,1,CPT Manual or CMS manual coding instruction',
];
const SMALL_DERIVED = 'ptp_practitioner_pairs_NODATES_derived.csv';

describe('parsePtpCms on the v32.2r0 excerpt (CMS tab-separated form)', () => {
  it('imports its 100 edits (lines 7-106) with the release from the file name', () => {
    const ds = cms();
    expect(ds.dataset).toBe('ncci-ptp');
    expect(ds.form).toBe('cms');
    expect(ds.dated).toBe(true);
    expect(ds.pairs.count).toBe(100);
    expect(ds.year).toBe(2026);
    expect(ds.effective).toBe('2026-07-01');
    expect(ds.label).toBe('NCCI PTP practitioner v32.2r0 file 1 (July 2026)');
    expect(ds.complete).toBe(false);
    expect(ds.source).toEqual({
      file: CMS_FILE,
      sha256: createHash('sha256').update(readFileSync(cmsPath())).digest('hex'),
      rows: 100,
      release: 'v32.2r0',
    });
    expect(ds.notes[0]).toBe(
      'NCCI practitioner PTP edits, release v32.2r0 (July 2026; the release comes from the file name).',
    );
    expect(ds.notes.some((n) => n.startsWith('Part of the official file'))).toBe(true);
    expect(ds.pairs.line[0]).toBe(7);
    expect(ds.pairs.line[99]).toBe(106);
    // Every column has exactly count elements.
    for (const column of [ds.pairs.column1, ds.pairs.effectiveDay, ds.pairs.rationale, ds.pairs.line]) {
      expect(column?.length).toBe(100);
    }
  });

  it('0001A/99213 is deleted on 2023-12-31 (line 22)', () => {
    expect(onlyRecord(cms().pairs, '0001A', '99213')).toEqual({
      column1: '0001A',
      column2: '99213',
      inExistencePrior1996: false,
      effective: '2022-01-01',
      deletion: '2023-12-31',
      modifierIndicator: '1',
      rationale: 'CPT Manual or CMS manual coding instruction',
      line: 22,
    });
  });

  it('reads other named edits: 0001U/0028U deleted 2018-09-30, 0001U/81105 not deleted ("*"), 0001A/90473', () => {
    const pairs = cms().pairs;
    expect(onlyRecord(pairs, '0001U', '0028U')).toMatchObject({
      effective: '2018-07-01',
      deletion: '2018-09-30',
      modifierIndicator: '1',
      rationale: 'Misuse of Column Two code with Column One code',
      line: 88,
    });
    const open = rowsOf(pairs, '0001U', '81105')[0] as number;
    expect(pairs.deletionDay?.[open]).toBe(NO_DAY);
    expect(pairs.effectiveDay?.[open]).toBe(dayNumber('2018-01-01'));
    expect(ptpRecordAt(pairs, open)).toMatchObject({ deletion: null, line: 106 });
    // Deleted the day it took effect, modifier indicator 9.
    expect(onlyRecord(pairs, '0001A', '90473')).toMatchObject({
      effective: '2022-01-01',
      deletion: '2022-01-01',
      modifierIndicator: '9',
      line: 12,
    });
  });

  it('stores codes as encodeCode keys and rationales once each', () => {
    const pairs = cms().pairs;
    expect(decodeCode(pairs.column1[0] as number, 5)).toBe('0001A');
    expect(pairs.column1[0]).toBe(encodeCode('0001A', 5));
    expect(pairs.column2[0]).toBe(encodeCode('0591T', 5));
    expect([...pairs.rationales].sort()).toEqual([
      'CPT Manual or CMS manual coding instruction',
      'Misuse of Column Two code with Column One code',
      'Mutually exclusive procedures',
      'Standards of medical/surgical practice',
    ]);
    expect(new Set(pairs.inExistencePrior1996)).toEqual(new Set([0]));
  });

  it('reads the same with CRLF line endings, a "*" in the 1996 column, and from gzip', () => {
    const lines = cmsLines();
    lines[6] = '0001A\t0591T\t*\t20220101\t20231231\t1\tCPT Manual or CMS manual coding instruction';
    const ds = parsePtpCms(utf8(crlf(lines)), 'ccipra-v322r0-f1.txt');
    expect(ds.complete).toBe(true);
    expect(ptpRecordAt(ds.pairs, 0)).toMatchObject({ inExistencePrior1996: true, line: 7 });
    const zipped = parseNcciPtp(gzipSync(utf8(lf(lines))), 'ccipra-v322r0-f1.txt.gz');
    expect(zipped.pairs).toEqual(ds.pairs);
    // A copyright line with a comma is still the CMS form.
    lines[0] = 'CPT codes, descriptions and other data only are copyright 2025 (the AMA notice, abridged).';
    expect(parseNcciPtp(utf8(lf(lines)), 'ccipra-v322r0-f1.txt').pairs).toEqual(ds.pairs);
  });
});

describe('the undated derived file (2,140,693 pairs, gzip)', () => {
  it('imports every pair with the undated warnings', () => {
    const ds = derived();
    expect(ds.form).toBe('derived');
    expect(ds.dated).toBe(false);
    expect(ds.pairs.count).toBe(2_140_693);
    expect(ds.source.rows).toBe(2_140_693);
    expect(ds.effective).toBe(NCCI_START);
    expect(ds.label).toBe('NCCI PTP practitioner, undated (probably April 2026)');
    expect(ds.pairs.effectiveDay).toBeNull();
    expect(ds.pairs.deletionDay).toBeNull();
    expect(ds.pairs.inExistencePrior1996).toBeNull();
    expect(ds.notes[0]).toMatch(/^UNDATED: .* in force on every date of service/);
    expect(ds.notes.join(' ')).toContain('probably the April 2026 release (unverified)');
    expect(ds.pairs.line[0]).toBe(2);
    expect(ds.pairs.line[ds.pairs.count - 1]).toBe(2_140_694);
  });

  it('has the modifier indicator counts and column-1 codes SOURCES.md gives', () => {
    const pairs = derived().pairs;
    const counts = new Map<number, number>();
    for (const m of pairs.modifierIndicator) counts.set(m, (counts.get(m) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 0: 691_448, 1: 1_435_194, 9: 14_051 });
    const column1 = new Set(pairs.column1);
    expect(column1.size).toBe(11_647);
    // 0001A to 99605, no HCPCS Level II (letter-first) column-1 codes.
    expect(decodeCode(Math.min(...column1), 5)).toBe('0001A');
    expect(decodeCode(Math.max(...column1), 5)).toBe('99605');
    expect(pairs.rationales).toHaveLength(12);
  });

  it('holds edits CMS has deleted: 0001A/99213 and 0001U/0028U, without dates', () => {
    const pairs = derived().pairs;
    expect(onlyRecord(pairs, '0001A', '99213')).toEqual({
      column1: '0001A',
      column2: '99213',
      effective: null,
      deletion: null,
      modifierIndicator: '1',
      rationale: 'CPT Manual or CMS manual coding instruction',
      line: 36,
    });
    expect(onlyRecord(pairs, '0001U', '0028U')).toMatchObject({ modifierIndicator: '1', line: 97 });
    expect(ptpRecordAt(pairs, 0)).toEqual({
      column1: '0001A',
      column2: '0003A',
      effective: null,
      deletion: null,
      modifierIndicator: '0',
      rationale: 'Mutually exclusive procedures',
      line: 2,
    });
  });

  it('agrees with the CMS excerpt on 91 of its 100 edits', () => {
    const ex = cms().pairs;
    const all = derived().pairs;
    let same = 0;
    const missing: string[] = [];
    const differ: string[] = [];
    for (let i = 0; i < ex.count; i++) {
      const r = ptpRecordAt(ex, i);
      const found = rowsOf(all, r.column1, r.column2);
      if (found.length === 0) {
        missing.push(`${r.column1}/${r.column2}`);
        continue;
      }
      const d = ptpRecordAt(all, found[0] as number);
      if (d.modifierIndicator === r.modifierIndicator && d.rationale === r.rationale) same++;
      else differ.push(`${r.column1}/${r.column2} ${r.modifierIndicator}→${d.modifierIndicator}`);
    }
    expect(same).toBe(91);
    // Edits deleted long ago (2004) or on the day they took effect are not in the derived data.
    expect(missing).toEqual([
      '0001A/90473',
      '0001T/0002T',
      '0001T/34800',
      '0001T/34802',
      '0001T/34804',
      '0001T/36000',
      '0001T/36410',
      '0001T/90780',
    ]);
    expect(differ).toEqual(['0001M/82247 1→0']);
  });

  it('reads a small derived text the same gzip-compressed or not, and a quoted rationale', () => {
    const text = lf(DERIVED_LINES);
    const plain = parsePtpDerived(utf8(text), SMALL_DERIVED);
    expect(plain.pairs.count).toBe(5);
    expect(parseNcciPtp(gzipSync(utf8(text)), `${SMALL_DERIVED}.gz`).pairs).toEqual(plain.pairs);
    expect(parseNcciPtp(utf8(crlf(DERIVED_LINES)), SMALL_DERIVED).pairs).toEqual(plain.pairs);
    const quoted = [...DERIVED_LINES];
    quoted[2] = '0001A,0004A,0,"Mutually exclusive, ""quoted"" procedures"';
    const ds = parsePtpDerived(utf8(lf(quoted)), SMALL_DERIVED);
    expect(ptpRecordAt(ds.pairs, 1)).toMatchObject({
      rationale: 'Mutually exclusive, "quoted" procedures',
      line: 3,
    });
    expect(ptpRecordAt(ds.pairs, 2).rationale).toBe('Mutually exclusive procedures');
  });
});

describe('the CMS form rejects malformed files', () => {
  const FILE = 'ccipra-v322r0-f1.txt';

  it('a file cut in the middle of the last row', () => {
    const text = lf(cmsLines());
    const error = importErrorOf(() => parsePtpCms(utf8(text.slice(0, -10)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 10, column: 7 });
    expect(error.problem).toContain('cut off');
    // Cut inside the effective date: the first missing column is reported.
    const cut = text.slice(0, text.lastIndexOf('20220101') + 5);
    const short = importErrorOf(() => parsePtpCms(utf8(cut), FILE));
    expect(short).toMatchObject({ line: 10, column: 5, columnName: 'Deletion Date' });
    expect(short.problem).toBe('the row has 4 columns, expected 7 (the row may be cut off)');
  });

  it('a bad date, a date that is not in the calendar, and a bad modifier indicator', () => {
    const lines = cmsLines();
    lines[7] = '0001A\t0592T\t\t2022011\t20231231\t1\tCPT Manual or CMS manual coding instruction';
    const error = importErrorOf(() => parsePtpCms(utf8(lf(lines)), FILE));
    expect(error.message).toBe(
      'ccipra-v322r0-f1.txt line 8 column 4 (Effective Date): "2022011" is not a date as YYYYMMDD',
    );
    lines[7] = '0001A\t0592T\t\t20220101\t20230231\t1\tCPT Manual or CMS manual coding instruction';
    expect(importErrorOf(() => parsePtpCms(utf8(lf(lines)), FILE))).toMatchObject({
      line: 8,
      column: 5,
      columnName: 'Deletion Date',
    });
    lines[7] = '0001A\t0592T\t\t20220101\t20231231\t2\tCPT Manual or CMS manual coding instruction';
    expect(importErrorOf(() => parsePtpCms(utf8(lf(lines)), FILE))).toMatchObject({
      line: 8,
      column: 6,
      columnName: 'Modifier',
    });
  });

  it('a bad code and a row with too few columns', () => {
    const lines = cmsLines();
    lines[8] = '0001a\t0593T\t\t20220101\t20231231\t1\tCPT Manual or CMS manual coding instruction';
    expect(importErrorOf(() => parsePtpCms(utf8(lf(lines)), FILE))).toMatchObject({
      line: 9,
      column: 1,
      columnName: 'Column 1',
    });
    lines[8] = '0001A\t0593T\t\t20220101\t20231231\t1';
    const error = importErrorOf(() => parsePtpCms(utf8(lf(lines)), FILE));
    expect(error).toMatchObject({ line: 9, column: 7, columnName: 'PTP Edit Rationale' });
  });

  it('a missing header, a changed header and a blank line inside the data', () => {
    const lines = cmsLines();
    expect(importErrorOf(() => parsePtpCms(utf8(lf(lines.slice(6))), FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
    const changed = [...lines];
    changed[3] = '\t\tprior to 1996\tDay\tDate\t0=not allowed\t';
    const error = importErrorOf(() => parsePtpCms(utf8(lf(changed)), FILE));
    expect(error).toMatchObject({ line: 3, column: 4, columnName: 'Effective Date' });
    const blank = [...lines];
    blank.splice(8, 0, '');
    expect(importErrorOf(() => parsePtpCms(utf8(lf(blank)), FILE))).toMatchObject({ line: 9, column: 1 });
  });

  it('a file name without the release, and an empty file', () => {
    expect(importErrorOf(() => parsePtpCms(utf8(lf(cmsLines())), 'ptp.txt'))).toMatchObject({
      file: 'ptp.txt',
      line: 1,
      column: 1,
    });
    expect(importErrorOf(() => parseNcciPtp(new Uint8Array(0), FILE))).toMatchObject({ line: 1, column: 1 });
  });
});

describe('the derived form rejects malformed files', () => {
  it('a gzip file cut off names the line where the text stops', () => {
    const many = [DERIVED_LINES[0] as string];
    for (let i = 0; i < 20_000; i++) {
      many.push(`0001A,${String(10_000 + i)},${i % 2},Misuse of Column Two code with Column One code`);
    }
    const zipped = gzipSync(utf8(lf(many)));
    const error = importErrorOf(() =>
      parseNcciPtp(zipped.subarray(0, zipped.length - 200), `${SMALL_DERIVED}.gz`),
    );
    expect(error.file).toBe(`${SMALL_DERIVED}.gz`);
    expect(error.problem).toContain('gzip data is cut off or damaged');
    expect(error.line).toBeGreaterThan(1);
    expect(error.line).toBeLessThanOrEqual(many.length);
  });

  it('a plain file cut in the middle of the last row', () => {
    const text = lf(DERIVED_LINES);
    expect(importErrorOf(() => parsePtpDerived(utf8(text.slice(0, -5)), SMALL_DERIVED))).toMatchObject({
      line: 6,
      column: 4,
    });
    // Cut inside the second code: the first missing column is reported.
    const cut = text.slice(0, text.lastIndexOf('0591T') + 3);
    expect(importErrorOf(() => parsePtpDerived(utf8(cut), SMALL_DERIVED))).toMatchObject({
      line: 6,
      column: 3,
      columnName: 'modifier_indicator',
    });
  });

  it('a bad modifier indicator, a bad code and too few columns', () => {
    const lines = [...DERIVED_LINES];
    lines[3] = '0001A,0013A,5,Mutually exclusive procedures';
    const error = importErrorOf(() => parsePtpDerived(utf8(lf(lines)), SMALL_DERIVED));
    expect(error.message).toBe(`${SMALL_DERIVED} line 4 column 3 (modifier_indicator): "5" is not 0, 1 or 9`);
    lines[3] = '0001A,0013,0,Mutually exclusive procedures';
    expect(importErrorOf(() => parsePtpDerived(utf8(lf(lines)), SMALL_DERIVED))).toMatchObject({
      line: 4,
      column: 2,
    });
    lines[3] = '0001A,0013A,0';
    expect(importErrorOf(() => parsePtpDerived(utf8(lf(lines)), SMALL_DERIVED))).toMatchObject({
      line: 4,
      column: 4,
      columnName: 'ptp_edit_rationale',
    });
  });

  it('a repeated pair and a pair out of order', () => {
    const repeated = [...DERIVED_LINES];
    repeated[3] = '0001A,0004A,0,Mutually exclusive procedures';
    const error = importErrorOf(() => parsePtpDerived(utf8(lf(repeated)), SMALL_DERIVED));
    expect(error).toMatchObject({ line: 4, column: 2 });
    expect(error.problem).toBe('the pair 0001A/0004A is already on line 3');
    const unordered = [...DERIVED_LINES];
    unordered[3] = '0001A,0002A,0,Mutually exclusive procedures';
    expect(importErrorOf(() => parsePtpDerived(utf8(lf(unordered)), SMALL_DERIVED)).problem).toContain(
      'out of order',
    );
  });

  it('a missing header, a wrong header cell, a blank line inside the data', () => {
    const missing = importErrorOf(() => parseNcciPtp(utf8(lf(DERIVED_LINES.slice(1))), SMALL_DERIVED));
    expect(missing).toMatchObject({ line: 1, column: 1, columnName: 'column1' });
    expect(missing.problem).toBe(
      'line 1 is a data row: the header "column1,column2,modifier_indicator,ptp_edit_rationale" is missing',
    );
    const header = [...DERIVED_LINES];
    header[0] = 'column1,column2,modifier,ptp_edit_rationale';
    expect(importErrorOf(() => parseNcciPtp(utf8(lf(header)), SMALL_DERIVED))).toMatchObject({
      line: 1,
      column: 3,
    });
    const blank = [...DERIVED_LINES];
    blank.splice(3, 0, '');
    expect(importErrorOf(() => parsePtpDerived(utf8(lf(blank)), SMALL_DERIVED))).toMatchObject({
      line: 4,
      column: 1,
    });
    expect(
      importErrorOf(() => parsePtpDerived(utf8(lf(DERIVED_LINES.slice(0, 1))), SMALL_DERIVED)),
    ).toMatchObject({
      line: 2,
    });
  });
});
