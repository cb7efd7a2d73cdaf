import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importAscAddendum, parseAscAddendum } from '../../../fee-data/import/asc-addenda.js';
import { importAscWageIndex } from '../../../fee-data/import/asc-wage-index.js';
import type {
  AscDeviceRecord,
  AscExcludedRecord,
  AscRateRecord,
  AscWageIndexRecord,
} from '../../../fee-data/import/records-asc.js';
import { crlf, importErrorOf, latin1 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const asc = (file: string) => referenceFile('facility/asc', file);

/** An Addendum AA as CMS lays it out: quoted two-line title, a notice row with a cp1252 0xA0 byte (the copyright row; its text is not reproduced), empty row, header. */
function addendumAa(rows: readonly string[], quarter = 'January 2026'): Uint8Array {
  return latin1(
    crlf([
      '"Addendum AA -- ASC Covered Surgical Procedures for CY 2026 \n(Including Surgical Procedures for Which Payment is Packaged)",,,,,,',
      'The notice row of the publisher (its text not reproduced here).\u00a0,,,,,,',
      ',,,,,,',
      `HCPCS Code,,Short Descriptor,Subject to Multiple Procedure Discounting,${quarter} Payment Indicator,${quarter}  Payment Weight  ,${quarter} Payment Rate `,
      ...rows,
    ]),
  );
}

describe('ASC addenda importer on the official files', () => {
  it('reads the January 2026 AA: 4,821 codes, from 2026-01-01, rates without "$", "," or spaces', () => {
    const aa = importAscAddendum(asc('ASC_Addendum_AA_2026Q1_Jan.csv'), 'AA');
    expect(aa).toMatchObject({ dataset: 'asc-aa', year: 2026, effective: '2026-01-01', complete: true });
    expect(aa.records).toHaveLength(4821);
    // Line 2218: 29881,,…,Y,A2,29.2047,"$1,644.87 "
    expect((aa.records as AscRateRecord[]).find((r) => r.code === '29881')).toEqual({
      code: '29881',
      marker: '',
      multipleProcedure: 'Y',
      indicator: 'A2',
      weight: '29.2047',
      rate: '1644.87',
      line: 2218,
    });
  });

  it('reads the October 2025 AA from 2025-10-01 (27447 J8 $9,255.60) and its FF device portion', () => {
    const aa = importAscAddendum(asc('ASC_Addendum_AA_2025Q4_Oct.csv'), 'AA');
    expect(aa).toMatchObject({ year: 2025, effective: '2025-10-01' });
    expect((aa.records as AscRateRecord[]).find((r) => r.code === '27447')).toMatchObject({
      indicator: 'J8',
      rate: '9255.60',
      line: 1474,
    });
    const ff = importAscAddendum(asc('ASC_Addendum_FF_2025Q4_Oct.csv'), 'FF');
    // Line 1475: 27447,,…,J8,5115,47.28%,"$12,356.39",45.82%,"$5,661.70"
    expect((ff.records as AscDeviceRecord[]).find((r) => r.code === '27447')).toEqual({
      code: '27447',
      indicator: 'J8',
      apc: '5115',
      apcOffsetPercent: '47.28',
      oppsRate: '12356.39',
      offsetPercent: '45.82',
      devicePortion: '5661.70',
      line: 1475,
    });
  });

  it('keeps a repeated identical BB row once and says so; upper-cases the one "k5" and says so', () => {
    const bb = importAscAddendum(asc('ASC_Addendum_BB_2026Q1_Jan.csv'), 'BB');
    expect((bb.records as AscRateRecord[]).filter((r) => r.code === '90684')).toHaveLength(1);
    expect(bb.notes.join(' ')).toContain('90684 on line 680 repeats line 679');
    expect(bb.notes.join(' ')).toContain('lower case on line 1374');
    expect((bb.records as AscRateRecord[]).find((r) => r.line === 1374)?.indicator).toBe('K5');
  });

  it('dates EE from its file name (its header names no quarter)', () => {
    const ee = importAscAddendum(asc('ASC_Addendum_EE_2025Q4_Oct.csv'), 'EE');
    expect(ee).toMatchObject({ dataset: 'asc-ee', effective: '2025-10-01' });
    expect((ee.records as AscExcludedRecord[]).find((r) => r.code === '20999')).toEqual({
      code: '20999',
      line: 153,
    });
  });
});

describe('ASC addenda importer on CMS layouts, cut and spliced', () => {
  it('reads a two-line title, cp1252 bytes, "$1,644.87 " cells and NOTE rows after the data', () => {
    const ds = parseAscAddendum(
      addendumAa([
        '29881,,x,Y,A2,29.2047,"$1,644.87 "',
        'G0429,,x,Y,P3,,$56.73 ',
        ',,,,,,',
        '"NOTE 1: Payment indicators for ""office-based"" procedures",,,,,,',
        ',,,,,,',
      ]),
      'AA.csv',
      'AA',
    );
    // The title spans lines 1–2, so the header is on line 5 and the first code on line 6.
    expect(ds.records).toEqual([
      {
        code: '29881',
        marker: '',
        multipleProcedure: 'Y',
        indicator: 'A2',
        weight: '29.2047',
        rate: '1644.87',
        line: 6,
      },
      {
        code: 'G0429',
        marker: '',
        multipleProcedure: 'Y',
        indicator: 'P3',
        weight: '',
        rate: '56.73',
        line: 7,
      },
    ]);
  });

  it('refuses data after the blank rows that end the data, a repeated code with other values, and a wrong title', () => {
    expect(
      importErrorOf(() =>
        parseAscAddendum(
          addendumAa(['29881,,x,Y,A2,1.0000,$1.00', ',,,,,,', '29880,,x,Y,A2,1.0000,$1.00']),
          'AA.csv',
          'AA',
        ),
      ).message,
    ).toBe('AA.csv line 8 column 1: a row after the blank rows that end the data is not a NOTE row');
    expect(
      importErrorOf(() =>
        parseAscAddendum(
          addendumAa(['29881,,x,Y,A2,1.0000,$1.00', '29881,,x,Y,A2,1.0000,$2.00']),
          'AA.csv',
          'AA',
        ),
      ).problem,
    ).toBe('29881 is already on line 6 with other values');
    expect(
      importErrorOf(() => parseAscAddendum(addendumAa(['29881,,x,Y,A2,1.0000,$1.00']), 'BB.csv', 'BB'))
        .problem,
    ).toMatch(/title row is not "Addendum BB/);
  });

  it('refuses a money cell it cannot read exactly', () => {
    expect(
      importErrorOf(() => parseAscAddendum(addendumAa(['29881,,x,Y,A2,29.2047,$1644.8']), 'AA.csv', 'AA'))
        .message,
    ).toBe(
      'AA.csv line 6 column 7 (Payment Rate): "$1644.8" is not empty or a dollar amount such as "$1,644.87"',
    );
  });
});

describe('ASC wage index importer', () => {
  it('keeps both rows of an area listed twice with different values, and names them in the notes', () => {
    const wi = importAscWageIndex(asc('ASC_wage_index_CY2025.txt'));
    expect(wi).toMatchObject({ dataset: 'asc-wage-index', year: 2025, effective: '2025-01-01' });
    const alabama = (wi.records as AscWageIndexRecord[]).filter((r) => r.cbsa === '01');
    expect(alabama).toEqual([
      { cbsa: '01', seq: 0, name: 'ALABAMA', wageIndex: '0.6471', line: 2 },
      { cbsa: '01', seq: 1, name: 'ALABAMA', wageIndex: '0.7158', line: 3 },
    ]);
    expect(wi.notes[0]).toMatch(/^27 areas are listed more than once with different values/);
    // 31 NEW JERSEY is listed without a value (line 44): kept as listed, never priced.
    expect((wi.records as AscWageIndexRecord[]).find((r) => r.cbsa === '31')).toMatchObject({
      wageIndex: '',
      line: 44,
    });
  });

  it('reads the CY2026 CSV, quoted names with commas included', () => {
    const wi = importAscWageIndex(asc('ASC_wage_index_CY2026.csv'));
    expect(wi.records).toHaveLength(486);
    expect(wi.notes).toEqual([]);
    expect((wi.records as AscWageIndexRecord[]).find((r) => r.cbsa === '38060')).toEqual({
      cbsa: '38060',
      seq: 0,
      name: 'Phoenix-Mesa-Chandler, AZ',
      wageIndex: '1.0117',
      line: 346,
    });
  });

  it('refuses a CBSA that is neither two nor five digits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asc-wi-'));
    const file = join(dir, 'ASC_wage_index_CY2026.csv');
    writeFileSync(file, 'CBSA,CBSA Name,WI26\r\n380,Phoenix,1.0117\r\n');
    expect(importErrorOf(() => importAscWageIndex(file)).message).toBe(
      'ASC_wage_index_CY2026.csv line 2 column 1 (CBSA): "380" is not a CBSA (five digits) or a rural area (two digits)',
    );
  });
});
