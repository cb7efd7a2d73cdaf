import { describe, expect, it } from 'vitest';
import type { StateFeeDataset, StateFeeRecord } from '../../../fee-data/import/records-state.js';
import { importNc, parseNc } from '../../../fee-data/import/state-nc.js';
import { crlf, fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'NC_IC_fee_schedule_export.csv';

let cached: StateFeeDataset | undefined;
function nc(): StateFeeDataset {
  cached ??= importNc(referenceFile('state-wc', 'NC', FILE));
  return cached;
}

function row(code: string, modifier = ''): StateFeeRecord {
  const found = nc().records.filter((r) => r.code === code && r.modifier === modifier);
  if (found.length !== 1) throw new Error(`${code}-${modifier}: ${found.length} NC records`);
  return found[0] as StateFeeRecord;
}

/** The header and the first four data rows of the real file. */
function firstLines(): string[] {
  return fileLines(referenceFile('state-wc', 'NC', FILE)).slice(0, 5);
}

describe('importNc on the shared North Carolina export', () => {
  it('imports 20,164 rows (lines 2-20165; the row of empty cells on line 20166 is skipped)', () => {
    const ds = nc();
    expect(ds.dataset).toBe('state-table');
    expect(ds.state).toBe('NC');
    expect(ds.year).toBeNull();
    expect(ds.records).toHaveLength(20_164);
    expect(ds.sources[0]?.rows).toBe(20_164);
    expect(ds.dropped).toEqual({});
    expect(ds.records.at(-1)?.line).toBe(20_165);
    expect(ds.notes).toContain('1 blank row at the end of the file (line 20166) skipped.');
  });

  it('prices the values SOURCES.md states, with facility rates and modifiers split from the code', () => {
    expect(row('99213')).toEqual({
      state: 'NC',
      code: '99213',
      modifier: '',
      category: 'Evaluation & Management',
      status: 'priced',
      byReport: false,
      basis: 'setting',
      nonFacility: '118.50',
      facility: '85.78',
      file: FILE,
      line: 12_374,
    });
    expect(row('72148')).toMatchObject({ nonFacility: '345.36', facility: '345.36' });
    expect(row('72148', '26')).toMatchObject({ nonFacility: '127.82', line: 7_408 });
    expect(row('72148', 'TC')).toMatchObject({ nonFacility: '217.54' });
    expect(row('97110')).toMatchObject({ nonFacility: '38.71' });
  });

  it('reads "UCR or Pay Per Agreement" as by-agreement with no amount (5,091 rows)', () => {
    expect(row('V5363')).toMatchObject({
      status: 'by-agreement',
      byReport: false,
      nonFacility: null,
      facility: null,
    });
    expect(nc().records.filter((r) => r.status === 'by-agreement')).toHaveLength(5_091);
    expect(nc().records.filter((r) => r.status === 'priced')).toHaveLength(15_073);
  });

  it('keeps no descriptor', () => {
    expect(JSON.stringify(nc())).not.toContain('RBC DNA HEA');
  });
});

describe('parseNc rejects malformed files', () => {
  it('a file cut in the middle of a row', () => {
    const text = crlf(firstLines());
    expect(importErrorOf(() => parseNc(utf8(text.slice(0, -10)), FILE))).toMatchObject({
      file: FILE,
      line: 5,
      column: 5,
      columnName: 'NC FACILITY RATE',
    });
  });

  it('a bad number', () => {
    const lines = firstLines();
    lines[2] = '0002U,Clinical Laboratory,X,37.5O,37.50';
    const error = importErrorOf(() => parseNc(utf8(crlf(lines)), FILE));
    expect(error).toMatchObject({ file: FILE, line: 3, column: 4, columnName: 'NC NON-FACILITY RATE' });
    expect(error.message).toBe(
      `${FILE} line 3 column 4 (NC NON-FACILITY RATE): "37.5O" is not an amount or one of "UCR or Pay Per Agreement"`,
    );
  });

  it('a missing header', () => {
    const error = importErrorOf(() => parseNc(utf8(crlf(firstLines().slice(1))), FILE));
    expect(error).toMatchObject({ file: FILE, line: 1, column: 1 });
    expect(error.message).toContain('header');
  });

  it('a row with too few columns', () => {
    const lines = firstLines();
    lines[3] = '0003U,Clinical Laboratory,X,1425.00';
    expect(importErrorOf(() => parseNc(utf8(crlf(lines)), FILE))).toMatchObject({ line: 4, column: 5 });
  });

  it('a bad code, a code listed twice, an amount without a partner, an empty file', () => {
    const bad = firstLines();
    bad[1] = '0001U 26,Clinical Laboratory,X,1080.00,1080.00';
    expect(importErrorOf(() => parseNc(utf8(crlf(bad)), FILE))).toMatchObject({ line: 2, column: 1 });
    const twice = firstLines();
    twice.push(twice[1] as string);
    expect(importErrorOf(() => parseNc(utf8(crlf(twice)), FILE))).toMatchObject({ line: 6, column: 1 });
    const half = firstLines();
    half[1] = '0001U,Clinical Laboratory,X,1080.00,';
    expect(importErrorOf(() => parseNc(utf8(crlf(half)), FILE))).toMatchObject({ line: 2, column: 5 });
    expect(importErrorOf(() => parseNc(new Uint8Array(0), FILE))).toMatchObject({ line: 1, column: 1 });
  });
});
