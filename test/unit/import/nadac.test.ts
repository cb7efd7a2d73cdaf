import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importNadac, type NadacDataset, parseNadac } from '../../../fee-data/import/nadac.js';
import type { NadacRecord } from '../../../fee-data/import/records-national.js';
import { crlf, fileLines, importErrorOf, utf8 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const FILE = 'NADAC_asof_2026-04-29_SAMPLE_first_rows.csv';

let cached: NadacDataset | undefined;
function nadac(): NadacDataset {
  cached ??= importNadac(referenceFile('nadac', FILE));
  return cached;
}

function row(ndc: string): NadacRecord {
  const found = nadac().records.find((r) => r.ndc === ndc);
  if (found === undefined) throw new Error(`${ndc} not in ${FILE}`);
  return found;
}

/** The header and the first eight rows (lines 1-9). */
function firstLines(): string[] {
  return fileLines(referenceFile('nadac', FILE)).slice(0, 9);
}

function lf(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

describe('importNadac on the 2026-04-29 sample', () => {
  it('imports its 46 rows as an incomplete edition named by the As of Date', () => {
    const ds = nadac();
    expect(ds.dataset).toBe('nadac');
    expect(ds.records).toHaveLength(46);
    expect(ds.asOfDate).toBe('2026-04-29');
    expect(ds.year).toBe(2026);
    expect(ds.effective).toBe('2026-04-29');
    expect(ds.label).toBe('NADAC as of 2026-04-29');
    expect(ds.complete).toBe(false);
    expect(ds.notes.some((n) => n.startsWith('Part of the official file'))).toBe(true);
    expect(ds.source).toEqual({
      file: FILE,
      sha256: createHash('sha256')
        .update(readFileSync(referenceFile('nadac', FILE)))
        .digest('hex'),
      rows: 46,
      release: 'As of 2026-04-29',
    });
    expect(ds.records[0]?.line).toBe(2);
    expect(ds.records.at(-1)?.line).toBe(47);
  });

  it('reads NDC 00904756160 field by field, leading zeros kept (line 9)', () => {
    expect(row('00904756160')).toEqual({
      ndc: '00904756160',
      description: '8HR ARTHRITIS PAIN ER 650 MG',
      perUnit: '0.06444',
      effectiveDate: '2026-04-22',
      pricingUnit: 'EA',
      pharmacyType: 'C/I',
      otc: 'Y',
      explanationCode: '1',
      classification: 'G',
      genericPerUnit: null,
      genericEffectiveDate: null,
      asOfDate: '2026-04-29',
      line: 9,
    });
  });

  it('reads a brand drug with its corresponding generic, and an explanation code list', () => {
    expect(row('59148000813')).toMatchObject({
      description: 'ABILIFY 10 MG TABLET',
      perUnit: '18.58017',
      otc: 'N',
      classification: 'B',
      genericPerUnit: '0.10076',
      genericEffectiveDate: '2026-04-22',
      line: 17,
    });
    expect(row('51672206200')).toMatchObject({ explanationCode: '1, 5, 6', pricingUnit: 'GM', line: 7 });
  });
});

describe('parseNadac on synthetic input', () => {
  it('reads CRLF the same, and pads an NDC that lost its leading zeros', () => {
    const lines = firstLines();
    const ds = parseNadac(utf8(crlf(lines)), 'NADAC.csv');
    expect(ds.records).toEqual(nadac().records.slice(0, 8));
    expect(ds.complete).toBe(true);
    lines[8] = (lines[8] as string).replace('00904756160', '904756160');
    const padded = parseNadac(utf8(lf(lines)), 'NADAC.csv');
    expect(padded.records[7]?.ndc).toBe('00904756160');
    expect(padded.notes).toContain('1 NDCs had lost their leading zeros and are padded to 11 digits.');
  });
});

describe('parseNadac rejects malformed files', () => {
  it('a file cut in the middle of the last row', () => {
    const text = lf(firstLines());
    const error = importErrorOf(() => parseNadac(utf8(text.slice(0, -4)), FILE));
    expect(error.file).toBe(FILE);
    expect(error).toMatchObject({ line: 9, column: 12, columnName: 'As of Date' });
  });

  it('a bad price, a date not in the calendar, an NDC with a letter', () => {
    const lines = firstLines();
    lines[3] = (lines[3] as string).replace('0.77203', '0.772.03');
    const error = importErrorOf(() => parseNadac(utf8(lf(lines)), FILE));
    expect(error.message).toBe(
      `${FILE} line 4 column 3 (NADAC Per Unit): "0.772.03" is not an amount in dollars a unit`,
    );
    const dates = firstLines();
    dates[3] = (dates[3] as string).replace('04/22/2026', '02/30/2026');
    expect(importErrorOf(() => parseNadac(utf8(lf(dates)), FILE))).toMatchObject({
      line: 4,
      column: 4,
      columnName: 'Effective Date',
    });
    const ndc = firstLines();
    ndc[3] = (ndc[3] as string).replace('46122038576', '4612203857A');
    expect(importErrorOf(() => parseNadac(utf8(lf(ndc)), FILE))).toMatchObject({ line: 4, column: 2 });
  });

  it('an As of Date that differs from the file name or from the rows above', () => {
    const lines = firstLines();
    expect(importErrorOf(() => parseNadac(utf8(lf(lines)), 'NADAC_asof_2026-05-06.csv'))).toMatchObject({
      line: 2,
      column: 12,
    });
    lines[5] = (lines[5] as string).replace(/04\/29\/2026$/, '05/06/2026');
    expect(importErrorOf(() => parseNadac(utf8(lf(lines)), FILE))).toMatchObject({ line: 6, column: 12 });
  });

  it('a missing header, a changed header, too few columns, a repeated NDC', () => {
    expect(importErrorOf(() => parseNadac(utf8(lf(firstLines().slice(1))), FILE))).toMatchObject({
      line: 1,
      column: 1,
    });
    const header = firstLines();
    header[0] = (header[0] as string).replace('"Pricing Unit"', '"Unit"');
    expect(importErrorOf(() => parseNadac(utf8(lf(header)), FILE))).toMatchObject({
      line: 1,
      column: 5,
      columnName: 'Pricing Unit',
    });
    const short = firstLines();
    short[2] = '"12HR NASAL DECONGEST ER 120 MG",70000065601,0.28527,04/22/2026,EA';
    expect(importErrorOf(() => parseNadac(utf8(lf(short)), FILE))).toMatchObject({
      line: 3,
      column: 6,
      columnName: 'Pharmacy Type Indicator',
    });
    const repeated = firstLines();
    repeated[2] = repeated[1] as string;
    expect(importErrorOf(() => parseNadac(utf8(lf(repeated)), FILE)).problem).toBe(
      'NDC 24385005452 is already on line 2',
    );
  });

  it('a generic price without its date', () => {
    const lines = firstLines();
    lines[1] = (lines[1] as string).replace(',G,,,', ',G,0.1,,');
    expect(importErrorOf(() => parseNadac(utf8(lf(lines)), FILE))).toMatchObject({
      line: 2,
      column: 11,
      columnName: 'Corresponding Generic Drug Effective Date',
    });
  });
});
