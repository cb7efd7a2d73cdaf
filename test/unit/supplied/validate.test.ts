import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJurisdictions } from '../../../fee-data/jurisdictions/registry.js';
import { checkSuppliedPaths, type SuppliedError } from '../../../fee-data/supplied/validate.js';
import { cfFile, contractFile, tableFile, tempDir, writeFile } from '../../support/supplied.js';

/** The supplied-file checks (issue 20): each malformed file gives its file, row and column. */

const registry = loadJurisdictions();
const HEADER = 'code,modifier,non_facility,facility,rural,pctc,by_report';

interface Case {
  readonly name: string;
  /** Files to write: the first is the one given to the check (with any CSV beside it). */
  readonly files: Record<string, unknown>;
  readonly error: { file: string; row?: number; column?: string; message: RegExp };
}

const inlineRow = (row: Record<string, string>) => tableFile({ rows: [row] });
const withCsv = (csv: string) => ({ 't.json': tableFile({ rows: 't.csv' }), 't.csv': csv });

const CASES: Case[] = [
  {
    name: 'a bad code',
    files: { 't.json': inlineRow({ code: '9921', non_facility: '1.00' }) },
    error: { file: 't.json', row: 1, column: 'rows[0].code', message: /five characters/ },
  },
  {
    name: 'a bad modifier',
    files: { 't.json': inlineRow({ code: '99213', modifier: '2', non_facility: '1.00' }) },
    error: { file: 't.json', row: 1, column: 'rows[0].modifier', message: /two characters/ },
  },
  {
    name: 'an amount with 3 decimals',
    files: withCsv(`${HEADER}\n99213,,10.123,,,,\n`),
    error: { file: 't.csv', row: 2, column: 'non_facility', message: /at most 2 decimals/ },
  },
  {
    name: 'a negative amount',
    files: withCsv(`${HEADER}\n99213,,5.00,-5.00,,,\n`),
    error: { file: 't.csv', row: 2, column: 'facility', message: /negative/ },
  },
  {
    name: 'by_report with an amount',
    files: withCsv(`${HEADER}\n99213,,5.00,,,,Y\n`),
    error: { file: 't.csv', row: 2, column: 'by_report', message: /no amount/ },
  },
  {
    name: 'a row with no amount',
    files: withCsv(`${HEADER}\n99213,,,,,,N\n`),
    error: { file: 't.csv', row: 2, column: 'non_facility', message: /at least one amount/ },
  },
  {
    name: 'a 26 row of a code whose PC/TC indicator is not 1',
    files: withCsv(`${HEADER}\n99213,26,5.00,,,0,\n`),
    error: { file: 't.csv', row: 2, column: 'modifier', message: /indicator is 1/ },
  },
  {
    name: 'a date that is not a calendar day',
    files: { 'c.json': cfFile({ effective: '2025-02-30' }) },
    error: { file: 'c.json', column: 'effective', message: /calendar day/ },
  },
  {
    name: 'a termination before the effective date',
    files: { 'c.json': cfFile({ effective: '2025-06-01', termination: '2025-05-31' }) },
    error: { file: 'c.json', column: 'termination', message: /before effective 2025-06-01/ },
  },
  {
    name: 'an unknown jurisdiction',
    files: { 'c.json': cfFile({ jurisdiction: 'ZZ' }) },
    error: { file: 'c.json', column: 'jurisdiction', message: /ZZ is not a jurisdiction/ },
  },
  {
    name: 'US-MEDICARE',
    files: { 'c.json': cfFile({ jurisdiction: 'US-MEDICARE' }) },
    error: { file: 'c.json', column: 'jurisdiction', message: /not a state schedule/ },
  },
  {
    name: 'an unknown factor category',
    files: {
      'c.json': cfFile({
        factors: [
          { category: 'all', value: '1' },
          { category: 'surgical', value: '2' },
        ],
      }),
    },
    error: { file: 'c.json', row: 2, column: 'factors[1].category', message: /a category is one of/ },
  },
  {
    name: 'a factor with 5 decimals',
    files: { 'c.json': cfFile({ factors: [{ category: 'all', value: '70.12345' }] }) },
    error: { file: 'c.json', row: 1, column: 'factors[0].value', message: /at most 4 decimals/ },
  },
  {
    name: 'an NPI with a wrong check digit',
    files: { 'k.json': contractFile({ providers: { npis: ['1234567890'] } }) },
    error: { file: 'k.json', row: 1, column: 'providers.npis[0]', message: /check digit/ },
  },
  {
    name: 'a TIN of eight digits',
    files: { 'k.json': contractFile({ providers: { tins: ['12345678'] } }) },
    error: { file: 'k.json', row: 1, column: 'providers.tins[0]', message: /nine digits/ },
  },
  {
    name: 'a contract with no provider',
    files: { 'k.json': contractFile({ providers: { npis: [] } }) },
    error: { file: 'k.json', column: 'providers', message: /at least one NPI or TIN/ },
  },
  {
    name: 'a contract with both terms',
    files: { 'k.json': contractFile({ terms: { percentOfAllowance: '90', table: 'k.csv' } }) },
    error: { file: 'k.json', column: 'terms', message: /exactly one/ },
  },
  {
    name: 'a bad row in a contract table',
    files: { 'k.json': contractFile({ terms: { table: [{ code: '99213', non_facility: '1.5.0' }] } }) },
    error: { file: 'k.json', row: 1, column: 'terms.table[0].non_facility', message: /at most 2 decimals/ },
  },
  {
    name: 'a bad tenant id',
    files: { 'k.json': contractFile({ tenant: 'a/b' }) },
    error: { file: 'k.json', column: 'tenant', message: /tenant id/ },
  },
  {
    name: 'a CSV with a missing column',
    files: withCsv('code,modifier,non_facility,facility,rural,by_report\n99213,,1.00,,,\n'),
    error: { file: 't.csv', row: 1, column: 'pctc', message: /no pctc column/ },
  },
  {
    name: 'a CSV with an extra column',
    files: withCsv(`${HEADER},colour\n99213,,1.00,,,,,red\n`),
    error: { file: 't.csv', row: 1, column: 'colour', message: /unknown column "colour"/ },
  },
  {
    name: 'a CSV row with a cell too many',
    files: withCsv(`${HEADER}\n99213,,1.00,,,,,\n`),
    error: { file: 't.csv', row: 2, message: /8 cells where the header has 7/ },
  },
  {
    name: 'a CSV with an unterminated quote',
    files: withCsv(`${HEADER}\n99213,,1.00,,,,\n"99214,,2.00,,,,\n`),
    error: { file: 't.csv', row: 3, column: 'column 1', message: /never closed/ },
  },
  {
    name: 'a CSV named with ../',
    files: { 't.json': tableFile({ rows: '../t.csv' }) },
    error: { file: 't.json', column: 'rows', message: /without a directory/ },
  },
  {
    name: 'a CSV that is not there',
    files: { 't.json': tableFile({ rows: 'missing.csv' }) },
    error: { file: 't.json', column: 'rows', message: /missing.csv is not beside t.json/ },
  },
  {
    name: 'a duplicate row',
    files: withCsv(`${HEADER}\n99213,,1.00,,,,\n73030,,1.00,,,,\n99213,,2.00,,,,\n`),
    error: { file: 't.csv', row: 4, column: 'code', message: /99213 is already on line 2/ },
  },
  {
    name: 'a duplicate inline row',
    files: {
      't.json': tableFile({
        rows: [
          { code: '99213', non_facility: '1.00' },
          { code: '99213', non_facility: '2.00' },
        ],
      }),
    },
    error: { file: 't.json', row: 2, column: 'rows[1].code', message: /already on rows\[0\]/ },
  },
  {
    name: 'an unknown JSON field',
    files: { 'c.json': cfFile({ colour: 'red' }) },
    error: { file: 'c.json', column: 'colour', message: /unknown field colour/ },
  },
  {
    name: 'an unknown field in a source',
    files: { 'c.json': cfFile({ source: { citation: 'Test input', page: 3 } }) },
    error: { file: 'c.json', column: 'source.page', message: /unknown field page/ },
  },
  {
    name: 'an unknown field in an inline row',
    files: { 't.json': inlineRow({ code: '99213', non_facility: '1.00', price: '3' }) },
    error: { file: 't.json', row: 1, column: 'rows[0].price', message: /unknown field price/ },
  },
  {
    name: 'the wrong format',
    files: { 'c.json': cfFile({ format: 'csv' }) },
    error: { file: 'c.json', column: 'format', message: /"format" must be "wcbr-supplied"/ },
  },
  {
    name: 'the wrong version',
    files: { 'c.json': cfFile({ version: 2 }) },
    error: { file: 'c.json', column: 'version', message: /version 2 is not read by this build/ },
  },
  {
    name: 'an id with capitals',
    files: { 'c.json': cfFile({ id: 'Acme-TX' }) },
    error: { file: 'c.json', column: 'id', message: /lower-case/ },
  },
  {
    name: 'a file that is not JSON',
    files: { 'c.json': '{"format": "wcbr-supplied",' },
    error: { file: 'c.json', message: /not valid JSON/ },
  },
];

function check(files: Record<string, unknown>) {
  const dir = tempDir();
  const paths = Object.entries(files).map(([name, content]) => writeFile(dir, name, content));
  return checkSuppliedPaths([paths[0] as string], registry);
}

describe('checkSuppliedPaths', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('refuses %s with its file, row and column', (_name, c) => {
    // Act
    const result = check(c.files);
    // Assess
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    const match = errors.find((e: SuppliedError) => c.error.message.test(e.message));
    expect(match, JSON.stringify(errors)).toBeDefined();
    expect({ file: match?.file, row: match?.row, column: match?.column }).toEqual({
      file: c.error.file,
      row: c.error.row,
      column: c.error.column,
    });
  });

  it('accepts the examples, reading a CSV with quotes, embedded commas and line breaks, a BOM and CRLF', () => {
    const dir = tempDir();
    const json = writeFile(dir, 't.json', tableFile({ rows: 't.csv' }));
    writeFile(
      dir,
      't.csv',
      `\uFEFF${HEADER.split(',').reverse().join(',')}\r\n,,,"1,00"\r\n`.replace(
        ',,,"1,00"',
        ',1,,,10.00,,"99213"',
      ) + `,,"",,"12.50",,"73030"\r\n`,
    );
    const result = checkSuppliedPaths([json], registry);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const rows = result.ok ? result.items[0]?.rows : [];
    expect(rows?.map((r) => [r.code, r.pctc, r.nonFacility, r.line])).toEqual([
      ['99213', '1', '10.00', 2],
      ['73030', '', '12.50', 3],
    ]);
  });

  it('counts physical lines when a quoted cell holds a line break', () => {
    const dir = tempDir();
    const json = writeFile(dir, 't.json', tableFile({ rows: 't.csv' }));
    writeFile(dir, 't.csv', `${HEADER}\n99213,"",1.00,,,"\n",\n99213,,2.00,,,,\n`);
    const result = checkSuppliedPaths([json], registry);
    const errors = result.ok ? [] : result.errors;
    // Row 1 spans lines 2-3 (its pctc is a quoted line break, blank once trimmed): the duplicate is on line 4.
    expect(errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [4, 'code', '99213 is already on line 2: one row a code and modifier'],
    ]);
  });

  it('accepts every example in examples/supplied', () => {
    const dir = path.resolve('examples/supplied');
    const names = [
      'acme-tx-cf-2025.json',
      'acme-ny-table-2026.json',
      'acme-ppo-90.json',
      'acme-negotiated-table.json',
    ];
    const result = checkSuppliedPaths(
      names.map((n) => path.join(dir, n)),
      registry,
    );
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok ? result.items.map((i) => i.kind) : []).toEqual([
      'conversion-factors',
      'fee-table',
      'contract',
      'contract',
    ]);
  });

  it('refuses two files with one id, and a CSV no JSON names', () => {
    const dir = tempDir();
    const a = writeFile(dir, 'a.json', cfFile());
    const b = writeFile(dir, 'b.json', cfFile({ jurisdiction: 'CA' }));
    const stray = writeFile(dir, 'stray.csv', `${HEADER}\n`);
    const result = checkSuppliedPaths([a, b, stray], registry);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.file).sort()).toEqual(['b.json', 'stray.csv']);
  });
});
