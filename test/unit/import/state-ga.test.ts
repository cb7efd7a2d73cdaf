import { describe, expect, it } from 'vitest';
import type { StateFeeRecord } from '../../../fee-data/import/records-state.js';
import { type GaTables, importGaDirectory, parseGaTables } from '../../../fee-data/import/state-ga.js';
import { crlf, fileLines, importErrorOf, latin1 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

let cached: GaTables | undefined;
/** The shared GA sheets, imported once. */
function ga(): GaTables {
  cached ??= importGaDirectory(referenceFile('state-wc', 'GA', 'csv'));
  return cached;
}

function row(code: string, modifier = ''): StateFeeRecord {
  const found = ga().professional.records.filter((r) => r.code === code && r.modifier === modifier);
  if (found.length !== 1) throw new Error(`${code}-${modifier}: ${found.length} GA records`);
  return found[0] as StateFeeRecord;
}

/** A GA sheet's lines, read as latin-1 so that writing them back as latin-1 gives the UTF-8 bytes again. */
function lines(file: string): string[] {
  return fileLines(referenceFile('state-wc', 'GA', 'csv', file));
}

/** Imports one sheet (with the first Surgery rows when it is not a professional sheet, which one is needed). */
function sheet(fileName: string, text: string) {
  const files = [{ fileName, bytes: latin1(text) }];
  if (/^(Anesthesia|Inpatient_Hospital)\.csv$/.test(fileName)) {
    files.unshift({ fileName: 'Surgery.csv', bytes: latin1(crlf(lines('Surgery.csv').slice(0, 3))) });
  }
  return parseGaTables(files);
}

describe('importGaDirectory on the shared Georgia sheets', () => {
  it('imports 12,188 professional, outpatient and transportation rows, 280 anesthesia codes and 766 MS-DRGs', () => {
    const { professional, anesthesia, drg } = ga();
    expect(professional.dataset).toBe('state-table');
    expect(professional.year).toBeNull();
    expect(professional.effective).toBeNull();
    expect(professional.records).toHaveLength(12_188);
    expect(professional.sources.map((s) => [s.file, s.rows])).toEqual([
      ['Evaluation_and_Management.csv', 165],
      ['General_Medicine.csv', 1_497],
      ['Pathology___Laboratory.csv', 1_812],
      ['Physical_Medicine.csv', 76],
      ['Radiology.csv', 1_889],
      ['Surgery.csv', 5_892],
      ['Home_Health_Services.csv', 15],
      ['Outpatient.csv', 841],
      ['Transportation.csv', 8],
      ['22510_22515_NonFacvsFac.csv', 6],
    ]);
    // General Medicine has 1,497 data rows: 1,490 codes and 7 cross-reference notes without a code.
    expect(professional.dropped).toEqual({ 'section-note': 7 });
    expect(anesthesia?.records).toHaveLength(280);
    expect(drg?.records).toHaveLength(766);
  });

  it('prices the values SOURCES.md states; PROF MAR is one MAR for every setting', () => {
    expect(row('99213')).toMatchObject({ nonFacility: '160.66', facility: '160.66', basis: 'single' });
    expect(row('72148')).toMatchObject({ nonFacility: '582.51' });
    expect(row('72148', '26')).toMatchObject({ nonFacility: '206.35' });
    expect(row('72148', 'TC')).toMatchObject({ nonFacility: '376.16' });
    // Surgery.csv line 1587: ,,,,27447,,<descriptor>,4935.8,90,5115,17424.12,J1,16262.19,J8
    expect(row('27447')).toEqual({
      state: 'GA',
      code: '27447',
      modifier: '',
      category: 'Surgery',
      status: 'priced',
      byReport: false,
      basis: 'single',
      nonFacility: '4935.80',
      facility: '4935.80',
      extra: {
        globalDays: '090',
        apc: '5115',
        outpatientMar: '17424.12',
        statusIndicator: 'J1',
        ascMar: '16262.19',
        paymentIndicator: 'J8',
      },
      file: 'Surgery.csv',
      line: 1_587,
    });
  });

  it('takes 22510–22515 non-facility and facility MARs from their own sheet ("See page 60" in Surgery)', () => {
    expect(row('22510')).toMatchObject({
      basis: 'setting',
      nonFacility: '6834.88',
      facility: '1641.86',
      category: 'Surgery',
      extra: { globalDays: '010', apc: '5113', statusIndicator: 'J1' },
      file: '22510_22515_NonFacvsFac.csv',
      line: 2,
    });
    expect(
      ga().professional.records.filter((r) => r.status === 'see-other' && r.reference === 'page 60'),
    ).toEqual([]);
  });

  it('keeps BR and "See ..." as statuses without amounts', () => {
    expect(row('90281')).toMatchObject({
      status: 'by-report',
      byReport: true,
      nonFacility: null,
      facility: null,
    });
    expect(row('80320')).toMatchObject({
      status: 'see-other',
      reference: 'G0480-G0483, G0659',
      nonFacility: null,
    });
    expect(row('IME01')).toMatchObject({ status: 'see-other', reference: 'Page 17' });
    const byReport = ga().professional.records.filter((r) => r.byReport);
    expect(byReport).toHaveLength(585);
    for (const r of byReport)
      expect([r.status, r.nonFacility, r.facility]).toEqual(['by-report', null, null]);
  });

  it('imports Outpatient codes as facility-only and Transportation as urban/rural rates', () => {
    expect(row('A9513')).toMatchObject({
      status: 'facility-only',
      nonFacility: null,
      extra: { apc: '9067', outpatientMar: '749.57', statusIndicator: 'K', ascMar: '0.00' },
    });
    expect(row('A0427')).toMatchObject({
      basis: 'rural',
      extra: { nonRuralRate: '757.08', ruralRate: '764.52' },
    });
  });

  it('ignores and notes the two stray values after the last named column', () => {
    expect(row('73721')).toMatchObject({ nonFacility: '617.06', line: 588 });
    expect(ga().professional.notes).toContain(
      '2 values in unnamed columns after the last named column ignored: General_Medicine.csv line 911 column 15 ' +
        '"189.608"; Radiology.csv line 588 column 15 "555.3539999999999".',
    );
  });

  it('rounds amounts with more decimals half up and keeps the printed value', () => {
    const rounded = ga().professional.records.filter((r) => r.unrounded?.ascMar === '17518.401928');
    expect(rounded.length).toBeGreaterThan(0);
    for (const r of rounded) expect(r.extra?.ascMar).toBe('17518.40');
  });

  it('restores the anesthesia codes zero padding: 01400 has 4 base units', () => {
    const anesthesia = ga().anesthesia;
    expect(anesthesia?.records.find((r) => r.code === '01400')).toEqual({
      state: 'GA',
      code: '01400',
      modifier: '',
      status: 'priced',
      baseUnits: '4',
      amount: null,
      file: 'Anesthesia.csv',
      line: 181,
    });
    expect(anesthesia?.records.find((r) => r.code === '99140')).toMatchObject({
      status: 'see-other',
      reference: 'Page 43',
      baseUnits: null,
    });
    expect(anesthesia?.conversionFactor).toBeNull();
  });

  it('reads MS-DRG amounts with three-digit numbers; "NA" has no amount', () => {
    const drg = ga().drg;
    expect(drg?.dataset).toBe('state-drg');
    expect(drg?.records[0]).toEqual({
      state: 'GA',
      drg: '001',
      status: 'priced',
      amount: '262974.03',
      file: 'Inpatient_Hospital.csv',
      line: 2,
    });
    expect(drg?.records.filter((r) => r.status === 'not-applicable').map((r) => r.drg)).toEqual([
      '998',
      '999',
    ]);
  });

  it('keeps no descriptor', () => {
    const text = JSON.stringify(ga());
    expect(text).not.toContain('FINE NEEDLE');
    expect(text).not.toContain('HEART TRANSPLANT');
  });
});

describe('parseGaTables on synthetic input', () => {
  it('reads a sheet alone; the symbol columns do not matter', () => {
    const surgery = lines('Surgery.csv').slice(0, 4);
    const ds = sheet('Surgery.csv', crlf(surgery)).professional;
    expect(ds.records.map((r) => [r.code, r.nonFacility, r.extra?.globalDays])).toEqual([
      ['10004', '104.23', 'ZZZ'],
      ['10005', '267.55', 'XXX'],
      ['10006', '119.50', 'ZZZ'],
    ]);
  });

  it('rejects the NF/FAC sheet for a code that Surgery prices, and a code listed twice', () => {
    const surgery = lines('Surgery.csv').slice(0, 3);
    const setting = [lines('22510_22515_NonFacvsFac.csv')[0] as string, ',,,,10004,,X,1.00,2.00'];
    const error = importErrorOf(() =>
      parseGaTables([
        { fileName: 'Surgery.csv', bytes: latin1(crlf(surgery)) },
        { fileName: '22510_22515_NonFacvsFac.csv', bytes: latin1(crlf(setting)) },
      ]),
    );
    expect(error).toMatchObject({ file: '22510_22515_NonFacvsFac.csv', line: 2, column: 5 });
    const twice = lines('Surgery.csv').slice(0, 3);
    twice.push(twice[1] as string);
    expect(importErrorOf(() => sheet('Surgery.csv', crlf(twice)))).toMatchObject({ line: 4, column: 1 });
  });

  it('rejects an unknown sheet, and sheets without a professional one', () => {
    expect(importErrorOf(() => sheet('Dental.csv', 'CODE\r\n'))).toMatchObject({
      file: 'Dental.csv',
      line: 1,
    });
    const drg = {
      fileName: 'Inpatient_Hospital.csv',
      bytes: latin1(crlf(lines('Inpatient_Hospital.csv').slice(0, 3))),
    };
    expect(() => parseGaTables([drg])).toThrow(/no Georgia professional sheet/);
  });
});

describe('the Georgia importer rejects malformed files', () => {
  it('a sheet cut in the middle of its last row', () => {
    const text = crlf(lines('Surgery.csv').slice(0, 4));
    expect(importErrorOf(() => sheet('Surgery.csv', text.slice(0, -6)))).toMatchObject({
      file: 'Surgery.csv',
      line: 4,
      column: 14,
      columnName: 'PI',
    });
  });

  it('a bad number', () => {
    const surgery = lines('Surgery.csv').slice(0, 4);
    surgery[2] = ',,,#,10005,,X,267.5S,XXX,5071,1730.07,T,1614.7,G2';
    const error = importErrorOf(() => sheet('Surgery.csv', crlf(surgery)));
    expect(error).toMatchObject({ file: 'Surgery.csv', line: 3, column: 8, columnName: 'PROF MAR' });
    expect(error.message).toBe(
      'Surgery.csv line 3 column 8 (PROF MAR): "267.5S" is not an amount or one of "BR", "See ..."',
    );
    const drg = lines('Inpatient_Hospital.csv').slice(0, 3);
    drg[2] = ',2,X,118820.9l';
    expect(importErrorOf(() => sheet('Inpatient_Hospital.csv', crlf(drg)))).toMatchObject({
      file: 'Inpatient_Hospital.csv',
      line: 3,
      column: 4,
      columnName: 'FEE',
    });
  });

  it('a missing header', () => {
    const error = importErrorOf(() => sheet('Surgery.csv', crlf(lines('Surgery.csv').slice(1, 4))));
    expect(error).toMatchObject({ file: 'Surgery.csv', line: 1 });
    expect(error.message).toContain('header');
    expect(error.message).toContain('missing');
  });

  it('a header with a wrong column', () => {
    const surgery = lines('Surgery.csv').slice(0, 4);
    surgery[0] = ',,,,CODE,MOD,DESCRIPTION,PROF MAR,FUD,APC,ASC MAR,SI,OP MAR,PI';
    expect(importErrorOf(() => sheet('Surgery.csv', crlf(surgery)))).toMatchObject({
      line: 1,
      column: 11,
      columnName: 'OP MAR',
    });
  });

  it('a row with too few columns', () => {
    const surgery = lines('Surgery.csv').slice(0, 4);
    surgery[2] = ',,,#,10005,,X,267.55,XXX,5071,1730.07';
    expect(importErrorOf(() => sheet('Surgery.csv', crlf(surgery)))).toMatchObject({ line: 3, column: 12 });
  });

  it('a bad FUD, SI or anesthesia base unit; an empty file', () => {
    const surgery = lines('Surgery.csv').slice(0, 4);
    surgery[1] = ',,,#,10004,,X,104.23,ZZ,,0,N,0,N1';
    expect(importErrorOf(() => sheet('Surgery.csv', crlf(surgery)))).toMatchObject({ line: 2, column: 9 });
    const anesthesia = lines('Anesthesia.csv').slice(0, 3);
    anesthesia[1] = ',100,,X,five';
    expect(importErrorOf(() => sheet('Anesthesia.csv', crlf(anesthesia)))).toMatchObject({
      line: 2,
      column: 5,
      columnName: 'BASE UNIT',
    });
    expect(importErrorOf(() => sheet('Surgery.csv', ''))).toMatchObject({ line: 1, column: 1 });
  });
});
