import { describe, expect, it } from 'vitest';
import type { StateFeeRecord } from '../../../fee-data/import/records-state.js';
import {
  type AzTables,
  importAzDirectory,
  parseAzAnesthesia,
  parseAzTables,
} from '../../../fee-data/import/state-az.js';
import { crlf, fileLines, importErrorOf, latin1 } from './import-test-helpers.js';
import { referenceFile } from './reference-data.js';

const MAIN = 'RBRVS_FeeSchedule2024.csv';

let cached: AzTables | undefined;
/** The shared AZ sheets, imported once. */
function az(): AzTables {
  cached ??= importAzDirectory(referenceFile('state-wc', 'AZ', 'csv'));
  return cached;
}

function row(code: string, modifier = ''): StateFeeRecord {
  const found = az().professional.records.filter((r) => r.code === code && r.modifier === modifier);
  if (found.length !== 1) throw new Error(`${code}-${modifier}: ${found.length} AZ records`);
  return found[0] as StateFeeRecord;
}

function lines(file: string): string[] {
  return fileLines(referenceFile('state-wc', 'AZ', 'csv', file));
}

/** The main sheet's conversion factors (lines 1–5), header (lines 6–8) and its first `n` data rows. */
function mainLines(n: number): string[] {
  return lines(MAIN).slice(0, 8 + n);
}

function main(text: string) {
  return parseAzTables([{ fileName: MAIN, bytes: latin1(text) }]);
}

describe('importAzDirectory on the shared Arizona 2024 sheets', () => {
  it('imports 14,391 main-sheet rows and 574 Category III rows; 3 main-sheet rows are dropped and counted', () => {
    const ds = az().professional;
    expect(ds.dataset).toBe('state-table');
    expect(ds.state).toBe('AZ');
    expect(ds.year).toBe(2024);
    expect(ds.effective).toBeNull();
    expect(ds.complete).toBe(true);
    expect(ds.records).toHaveLength(14_965);
    expect(ds.records.filter((r) => r.file === MAIN)).toHaveLength(14_391);
    expect(ds.records.filter((r) => r.file === 'Category_III.csv')).toHaveLength(574);
    // 14,394 data rows on lines 9-14402 = 14,391 records + 3 dropped.
    expect(ds.dropped).toEqual({ 'multi-code-row': 2, 'placeholder-code': 1 });
    expect(ds.cleaned).toEqual({});
    expect(ds.conversionFactors).toEqual({
      Surgery: '72.00',
      Radiology: '70.00',
      'All Other': '68.00',
      Anesthesia: '61.00',
    });
    expect(ds.sources.map((s) => [s.file, s.rows])).toEqual([
      [MAIN, 14_394],
      ['AZ_Specific.csv', 11],
      ['E_M.csv', 158],
      ['HCPCS.csv', 3_072],
      ['Medicine.csv', 1_480],
      ['Pathology.csv', 1_791],
      ['Physical_Medicine.csv', 101],
      ['Radiology.csv', 1_889],
      ['Surgery.csv', 5_892],
      ['Category_III.csv', 574],
    ]);
    expect(ds.notes.some((n) => n.includes('all 14,394 of their rows were checked'))).toBe(true);
    expect(ds.notes.some((n) => n.includes('"G0480-G0483, G0659 00" line 13031'))).toBe(true);
  });

  it('prices the values SOURCES.md states (rate = FY24 RVU × category CF)', () => {
    expect(row('99213')).toMatchObject({ nonFacility: '185.64', facility: '133.28', basis: 'setting' });
    expect(row('72148')).toMatchObject({ nonFacility: '413.00', facility: '413.00' });
    expect(row('72148', '26')).toMatchObject({ nonFacility: '146.30', facility: '146.30' });
    expect(row('72148', 'TC')).toMatchObject({ nonFacility: '266.70', facility: '266.70' });
    expect(row('27447')).toMatchObject({ nonFacility: '2777.04', extra: { nonFacilityRvu: '38.57' } });
    expect(row('97110')).toMatchObject({ nonFacility: '59.84' });
    expect(row('98940')).toMatchObject({ nonFacility: '55.76', facility: '44.20' });
  });

  it('reads 99213 field by field (line 11168: "99213 00,E&M,2.73,1.96,185.64,133.28,,")', () => {
    expect(row('99213')).toEqual({
      state: 'AZ',
      code: '99213',
      modifier: '',
      category: 'E&M',
      status: 'priced',
      byReport: false,
      basis: 'setting',
      nonFacility: '185.64',
      facility: '133.28',
      extra: { nonFacilityRvu: '2.73', facilityRvu: '1.96' },
      file: MAIN,
      line: 11_168,
    });
  });

  it('keeps BR, Bundled Code, RNE, "See ..." and empty rates as statuses without amounts', () => {
    expect(row('27278')).toMatchObject({
      status: 'by-report',
      byReport: true,
      nonFacility: null,
      facility: null,
    });
    expect(row('AZ027')).toMatchObject({ status: 'by-report', category: 'AZ Specific Codes' });
    expect(row('36000')).toMatchObject({ status: 'bundled', nonFacility: null, basis: 'none' });
    expect(row('0042T')).toMatchObject({ status: 'not-established', file: 'Category_III.csv', line: 4 });
    expect(row('80320')).toMatchObject({ status: 'see-other', reference: 'G0480-G0483', nonFacility: null });
    expect(row('S9122')).toMatchObject({ status: 'no-amount', basis: 'none', nonFacility: null });
    const counts = new Map<string, number>();
    for (const r of az().professional.records) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({
      priced: 13_885,
      'by-report': 390,
      bundled: 52,
      'see-other': 58,
      'no-amount': 9,
      'not-established': 571,
    });
    for (const r of az().professional.records) {
      expect(r.byReport).toBe(r.status === 'by-report');
      if (r.status !== 'priced')
        expect([r.nonFacility, r.facility, r.extra?.nonRuralRate]).toEqual([null, null, undefined]);
    }
  });

  it('HCPCS rows (no Category) carry non-rural and rural rates, with the modifier from the code cell', () => {
    expect(row('E2633', 'RR')).toMatchObject({
      basis: 'rural',
      nonFacility: null,
      facility: null,
      extra: { nonRuralRate: '22.89', ruralRate: '26.18' },
      line: 13_025,
    });
    expect(az().professional.records.filter((r) => r.basis === 'rural')).toHaveLength(3_030);
  });

  it('rounds rates printed with more decimals half up to cents and keeps the printed value', () => {
    // Line 9579: G0483 00,Pathology,7.5408774684,7.5408774684,512.77966785,512.77966785,,
    expect(row('G0483')).toMatchObject({
      nonFacility: '512.78',
      unrounded: { nonFacility: '512.77966785', facility: '512.77966785' },
      extra: { nonFacilityRvu: '7.5408774684' },
    });
    expect(az().professional.records.filter((r) => r.unrounded !== undefined)).toHaveLength(1_423);
  });

  it('drops the multi-code rows and the JXXXX placeholder but keeps the listed codes own rows', () => {
    const codes = new Set(az().professional.records.map((r) => r.code));
    expect(codes.has('JXXXX')).toBe(false);
    expect(row('G0480')).toMatchObject({ category: 'Pathology', status: 'priced' });
    expect(row('G2010')).toMatchObject({ category: 'E&M', nonFacility: '25.16' });
  });

  it('keeps no descriptor', () => {
    const text = JSON.stringify(az());
    expect(text).not.toContain('Peer-to-Peer');
    expect(text).not.toContain('Expert testimony');
  });

  it('imports the anesthesia base units: 01400 has 4 base units, $244.00 at the $61 CF', () => {
    const anesthesia = az().anesthesia;
    expect(anesthesia).not.toBeNull();
    expect(anesthesia?.dataset).toBe('state-anesthesia');
    expect(anesthesia?.records).toHaveLength(279);
    expect(anesthesia?.conversionFactor).toBe('61.00');
    expect(anesthesia?.year).toBe(2024);
    expect(anesthesia?.records.find((r) => r.code === '01400')).toEqual({
      state: 'AZ',
      code: '01400',
      modifier: '',
      status: 'priced',
      baseUnits: '4',
      amount: '244.00',
      file: 'Anesthesia.csv',
      line: 184,
    });
  });
});

describe('parseAzTables on synthetic input', () => {
  it('imports a main sheet alone and says it was not cross-checked', () => {
    const ds = main(crlf(mainLines(3))).professional;
    expect(ds.records.map((r) => [r.code, r.nonFacility, r.line])).toEqual([
      ['10004', '113.04', 9],
      ['10005', '290.16', 10],
      ['10006', '129.60', 11],
    ]);
    expect(ds.notes).toContain('No section sheets given: the main sheet was not cross-checked.');
  });

  it('rejects a section sheet that disagrees with the main sheet, naming the section cell', () => {
    const surgery = lines('Surgery.csv').slice(0, 6);
    surgery[4] = '10004 00,Surgery,1.57,1.29,113.05,92.88';
    const error = importErrorOf(() =>
      parseAzTables([
        { fileName: MAIN, bytes: latin1(crlf(mainLines(3))) },
        { fileName: 'Surgery.csv', bytes: latin1(crlf(surgery)) },
      ]),
    );
    expect(error).toMatchObject({
      file: 'Surgery.csv',
      line: 5,
      column: 5,
      columnName: 'FY24 NF RBRVS RATE',
    });
    expect(error.message).toContain(`differs from ${MAIN} line 9, which has "113.04"`);
  });

  it('rejects a section conversion factor that differs from the main sheet', () => {
    const surgery = lines('Surgery.csv').slice(0, 6);
    surgery[2] = 'Surgery Conversion Factor $73.00,,,,,';
    const error = importErrorOf(() =>
      parseAzTables([
        { fileName: MAIN, bytes: latin1(crlf(mainLines(3))) },
        { fileName: 'Surgery.csv', bytes: latin1(crlf(surgery)) },
      ]),
    );
    expect(error).toMatchObject({ file: 'Surgery.csv', line: 3 });
  });

  it('rejects an unknown sheet and a directory without the main sheet', () => {
    expect(
      importErrorOf(() => parseAzTables([{ fileName: 'Dental.csv', bytes: latin1('x\r\n') }])),
    ).toMatchObject({
      file: 'Dental.csv',
      line: 1,
      column: 1,
    });
    expect(() => parseAzTables([])).toThrow(/RBRVS_FeeSchedule/);
  });

  it('rejects a rate next to a marker in the same row', () => {
    const text = mainLines(3);
    text[8] = '10004 00,Surgery,1.57,1.29,113.04,BR,,';
    expect(importErrorOf(() => main(crlf(text)))).toMatchObject({ line: 9, column: 6 });
  });
});

describe('the Arizona importer rejects malformed files', () => {
  it('a main sheet cut in the middle of its last row', () => {
    const text = crlf(mainLines(3));
    expect(importErrorOf(() => main(text.slice(0, -5)))).toMatchObject({
      file: MAIN,
      line: 11,
      column: 7,
      columnName: 'FY24 NON-RURAL RATE',
    });
  });

  it('a bad number', () => {
    const text = mainLines(3);
    text[9] = '10005 00,Surgery,4.03,2.16,290.l6,155.52,,';
    const error = importErrorOf(() => main(crlf(text)));
    expect(error).toMatchObject({ file: MAIN, line: 10, column: 5, columnName: 'FY24 NF RBRVS RATE' });
    expect(error.message).toBe(
      `${MAIN} line 10 column 5 (FY24 NF RBRVS RATE): "290.l6" is not an amount or one of "BR", "Bundled Code", "RNE", "See ..."`,
    );
    const rvu = mainLines(3);
    rvu[10] = '10006 00,Surgery,1.8x,1.48,129.6,106.56,,';
    expect(importErrorOf(() => main(crlf(rvu)))).toMatchObject({
      line: 11,
      column: 3,
      columnName: 'FY24 NF RVU',
    });
  });

  it('a missing header', () => {
    const text = mainLines(3);
    text.splice(5, 3);
    const error = importErrorOf(() => main(crlf(text)));
    expect(error).toMatchObject({ file: MAIN, line: 6, column: 1 });
    expect(error.message).toContain('header is missing');
  });

  it('a header with a wrong column', () => {
    const text = mainLines(3);
    text[5] = 'Code,Category,FY24 FAC RVU,FY24 NF RVU,FY24 NF RBRVS Rate,FY24 FAC RBRVS Rate,"FY24 ';
    expect(importErrorOf(() => main(crlf(text)))).toMatchObject({
      line: 6,
      column: 3,
      columnName: 'FY24 NF RVU',
    });
  });

  it('a row with too few columns', () => {
    const text = mainLines(3);
    text[9] = '10005 00,Surgery,4.03,2.16,290.16';
    expect(importErrorOf(() => main(crlf(text)))).toMatchObject({ line: 10, column: 6 });
  });

  it('a code cell that is not "CODE MOD", and an empty file', () => {
    const text = mainLines(3);
    text[8] = '10004-00,Surgery,1.57,1.29,113.04,92.88,,';
    expect(importErrorOf(() => main(crlf(text)))).toMatchObject({ line: 9, column: 1, columnName: 'CODE' });
    expect(importErrorOf(() => main(''))).toMatchObject({ file: MAIN, line: 1, column: 1 });
  });

  it('an anesthesia rate that is not base units × the conversion factor, and a cut-off anesthesia file', () => {
    const anesthesia = lines('Anesthesia.csv').slice(0, 8);
    anesthesia[6] = '00103,Anesthesia,5,306';
    const error = importErrorOf(() => parseAzAnesthesia(latin1(crlf(anesthesia)), 'Anesthesia.csv'));
    expect(error).toMatchObject({ file: 'Anesthesia.csv', line: 7, column: 4, columnName: 'RBRVS RATE' });
    expect(error.message).toContain('5 base units × $61.00');
    const cut = crlf(lines('Anesthesia.csv').slice(0, 8)).slice(0, -6);
    expect(importErrorOf(() => parseAzAnesthesia(latin1(cut), 'Anesthesia.csv'))).toMatchObject({
      line: 8,
      column: 4,
    });
  });
});
