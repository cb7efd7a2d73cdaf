import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importMue, MUE_START, type MueDataset, parseMue } from '../../../fee-data/import/mue.js';
import type { MueRecord } from '../../../fee-data/import/records-national.js';
import { crlf, fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const CMS_FILE = 'MCR_MUE_PractitionerServices_Eff_07-01-2026.SUBSET_of_excerpt.csv';
const DERIVED_FILE = 'mue_practitioner_derived.csv';

function cmsPath(): string {
  return referenceFile('ncci', 'raw_format_excerpts', CMS_FILE);
}

let cachedCms: MueDataset | undefined;
function cms(): MueDataset {
  cachedCms ??= importMue(cmsPath());
  return cachedCms;
}

let cachedDerived: MueDataset | undefined;
function derived(): MueDataset {
  cachedDerived ??= importMue(referenceFile('ncci', DERIVED_FILE));
  return cachedDerived;
}

function row(ds: MueDataset, code: string): MueRecord {
  const found = ds.records.find((r) => r.code === code);
  if (found === undefined) throw new Error(`${code} not in ${ds.source.file}`);
  return found;
}

/** The CMS excerpt's lines: the copyright cell (lines 1-7), the header (8-9), 15 rows (10-24). */
function cmsLines(): string[] {
  return fileLines(cmsPath());
}

function lf(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

describe('importMue on the CMS Q3 2026 practitioner excerpt', () => {
  it('imports its 15 rows (lines 10-24) with the date from the file name', () => {
    const ds = cms();
    expect(ds.dataset).toBe('mue');
    expect(ds.form).toBe('cms');
    expect(ds.dated).toBe(true);
    expect(ds.services).toBe('Practitioner Services');
    expect(ds.records).toHaveLength(15);
    expect(ds.year).toBe(2026);
    expect(ds.effective).toBe('2026-07-01');
    expect(ds.label).toBe('MUE Practitioner Services effective 2026-07-01');
    expect(ds.complete).toBe(false);
    expect(ds.source).toEqual({
      file: CMS_FILE,
      sha256: createHash('sha256').update(readFileSync(cmsPath())).digest('hex'),
      rows: 15,
      release: 'Eff 07-01-2026',
    });
    expect(ds.records[0]?.line).toBe(10);
    expect(ds.records.at(-1)?.line).toBe(24);
  });

  it('keeps the digit of "2 Date of Service Edit: Policy" (0001U, 0009U field by field)', () => {
    expect(row(cms(), '0001U')).toEqual({
      code: '0001U',
      mueValue: '1',
      mai: '2',
      rationale: 'Code Descriptor / CPT Instruction',
      line: 10,
    });
    expect(row(cms(), '0009U')).toEqual({
      code: '0009U',
      mueValue: '2',
      mai: '3',
      rationale: 'Nature of Analyte',
      line: 21,
    });
  });
});

describe('importMue on the undated derived file', () => {
  it('imports 15,095 codes, undated', () => {
    const ds = derived();
    expect(ds.form).toBe('derived');
    expect(ds.dated).toBe(false);
    expect(ds.services).toBe('Practitioner Services');
    expect(ds.records).toHaveLength(15_095);
    expect(ds.effective).toBe(MUE_START);
    expect(ds.complete).toBe(true);
    expect(ds.label).toBe('MUE Practitioner Services, undated (probably April 2026)');
    expect(ds.notes[0]).toMatch(/^UNDATED: /);
    expect(ds.records[0]?.line).toBe(2);
    expect(ds.records.at(-1)).toEqual({
      code: 'V5364',
      mueValue: '0',
      mai: '3',
      rationale: 'CMS Policy',
      line: 15_096,
    });
    const mai = { '1': 0, '2': 0, '3': 0 };
    for (const r of ds.records) mai[r.mai]++;
    expect(mai).toEqual({ '1': 41, '2': 5_417, '3': 9_637 });
    // HCPCS Level II codes are included (4,592 of them).
    expect(ds.records.filter((r) => /^[A-Z]/.test(r.code))).toHaveLength(4_592);
  });

  it('matches the CMS Q3 2026 excerpt for the codes SOURCES.md spot-checked, and all 15 of the excerpt', () => {
    const expected: Record<string, [string, MueRecord['mai']]> = {
      '0001U': ['1', '2'],
      '0002M': ['1', '3'],
      '0009U': ['2', '3'],
      '0010U': ['2', '3'],
      '0016M': ['2', '3'],
      '0022U': ['2', '3'],
      '0040U': ['1', '2'],
      '0041U': ['1', '2'],
    };
    for (const [code, [value, mai]] of Object.entries(expected)) {
      expect(row(derived(), code)).toMatchObject({ mueValue: value, mai });
    }
    expect(row(derived(), '0022U')).toEqual({
      code: '0022U',
      mueValue: '2',
      mai: '3',
      rationale: 'Clinical: CMS Workgroup',
      line: 30,
    });
    for (const r of cms().records) {
      const d = row(derived(), r.code);
      expect([d.mueValue, d.mai, d.rationale]).toEqual([r.mueValue, r.mai, r.rationale]);
    }
  });
});

describe('parseMue rejects malformed files', () => {
  const FILE = 'MCR_MUE_PractitionerServices_Eff_07-01-2026.csv';

  it('reads CRLF the same and a file without the "excerpt" name as complete', () => {
    const ds = parseMue(utf8(crlf(cmsLines())), FILE);
    expect(ds.records).toEqual(cms().records);
    expect(ds.complete).toBe(true);
  });

  it('a file cut in the middle of the last row', () => {
    const text = lf(cmsLines());
    const error = importErrorOf(() => parseMue(utf8(text.slice(0, -6)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 24, column: 4 });
    expect(error.problem).toContain('cut off');
  });

  it('a bad MUE value and an indicator whose words do not match its digit', () => {
    const lines = cmsLines();
    lines[11] = '0002U,1.5,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction';
    const error = importErrorOf(() => parseMue(utf8(lf(lines)), FILE));
    expect(error.message).toBe(`${FILE} line 12 column 2 (MUE Values): "1.5" is not a whole number of units`);
    lines[11] = '0002U,1,2 Date of Service Edit: Clinical,Code Descriptor / CPT Instruction';
    expect(importErrorOf(() => parseMue(utf8(lf(lines)), FILE))).toMatchObject({
      line: 12,
      column: 3,
      columnName: 'MUE Adjudication Indicator',
    });
    lines[11] = '0002U,1,4 Date of Service Edit: Policy,Code Descriptor / CPT Instruction';
    expect(importErrorOf(() => parseMue(utf8(lf(lines)), FILE))).toMatchObject({ line: 12, column: 3 });
  });

  it('a missing header and a changed header', () => {
    const lines = cmsLines();
    const noHeader = [...lines.slice(0, 7), ...lines.slice(9)];
    const error = importErrorOf(() => parseMue(utf8(lf(noHeader)), FILE));
    expect(error).toMatchObject({ line: 8, column: 1 });
    expect(error.problem).toContain('header is missing');
    const changed = [...lines];
    changed[8] = 'CPT Code",Practitioner Services MUE Values,MUE Indicator,MUE Rationale';
    expect(importErrorOf(() => parseMue(utf8(lf(changed)), FILE))).toMatchObject({ line: 8, column: 3 });
  });

  it('a row with too few columns, and a repeated code', () => {
    const lines = cmsLines();
    lines[12] = '0003M,1,3 Date of Service Edit: Clinical';
    expect(importErrorOf(() => parseMue(utf8(lf(lines)), FILE))).toMatchObject({
      line: 13,
      column: 4,
      columnName: 'MUE Rationale',
    });
    const repeated = cmsLines();
    repeated[12] = '0001U,1,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction';
    expect(importErrorOf(() => parseMue(utf8(lf(repeated)), FILE)).problem).toBe(
      '0001U is already on line 10',
    );
  });

  it('a CMS file name without the effective date, a derived name without the table', () => {
    expect(importErrorOf(() => parseMue(utf8(lf(cmsLines())), 'MCR_MUE.csv'))).toMatchObject({
      file: 'MCR_MUE.csv',
      line: 1,
      column: 1,
    });
    const derivedText = 'hcpcs,mue_value,mai,mue_rationale\n0001U,1,2,Code Descriptor / CPT Instruction\n';
    expect(importErrorOf(() => parseMue(utf8(derivedText), 'mue_derived.csv'))).toMatchObject({
      line: 1,
      column: 1,
    });
  });

  it('derived form: a bad MAI, a missing header, a truncated file', () => {
    const lines = fileLines(referenceFile('ncci', DERIVED_FILE)).slice(0, 5);
    lines[2] = '0002M,1,x,Nature of Analyte';
    expect(importErrorOf(() => parseMue(utf8(crlf(lines)), DERIVED_FILE))).toMatchObject({
      line: 3,
      column: 3,
      columnName: 'mai',
    });
    const real = fileLines(referenceFile('ncci', DERIVED_FILE)).slice(0, 5);
    expect(importErrorOf(() => parseMue(utf8(crlf(real.slice(1))), DERIVED_FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
    const text = crlf(real);
    expect(importErrorOf(() => parseMue(utf8(text.slice(0, -4)), DERIVED_FILE))).toMatchObject({
      line: 5,
      column: 4,
    });
  });
});
