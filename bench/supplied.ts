import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCsv } from '../fee-data/import/text.js';
import { loadJurisdictions } from '../fee-data/jurisdictions/registry.js';
import { checkSuppliedPaths, MAX_SUPPLIED_ROWS } from '../fee-data/supplied/validate.js';
import { median } from './stats.js';

/** What the supplied-data section measured (milliseconds, medians of three). */
export interface SuppliedRun {
  readonly rows: number;
  readonly bytes: number;
  /** `wcbr data add`'s checks of the whole file (read, decode, CSV, every row and column). */
  readonly checkMs: number;
  /** The same run's reference: the CSV reader alone on the same text. */
  readonly parseMs: number;
}

/**
 * Times the checks of a fee table as large as a supplied file may be (issue 20): a generated CSV of
 * the row limit, every row valid so that every check runs. The amounts are generated, not any
 * state's.
 *
 * @param rows - rows to generate (default: the limit, 500,000)
 * @returns the timings
 */
export function benchSupplied(rows = MAX_SUPPLIED_ROWS): SuppliedRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-supplied-'));
  const lines = ['code,modifier,non_facility,facility,rural,pctc,by_report'];
  const modifiers = ['', '26', 'TC', '59', 'GP'];
  for (let i = 0; lines.length <= rows; i++) {
    // Distinct code + modifier pairs: 100,000 codes × 5 modifiers.
    const code = String(Math.floor(i / modifiers.length)).padStart(5, '0');
    const modifier = modifiers[i % modifiers.length] as string;
    lines.push(`${code},${modifier},${(i % 997) + 10}.${String(i % 100).padStart(2, '0')},12.50,,1,`);
  }
  const csv = path.join(dir, 'table.csv');
  writeFileSync(csv, `${lines.join('\r\n')}\r\n`);
  const json = path.join(dir, 'table.json');
  writeFileSync(
    json,
    JSON.stringify({
      format: 'wcbr-supplied',
      version: 1,
      kind: 'fee-table',
      id: 'bench-table',
      source: { citation: 'bench: generated figures' },
      jurisdiction: 'NY',
      effective: '2026-01-01',
      termination: null,
      label: 'bench',
      rows: 'table.csv',
    }),
  );
  const registry = loadJurisdictions();
  const check: number[] = [];
  const parse: number[] = [];
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    const result = checkSuppliedPaths([json], registry);
    check.push(performance.now() - start);
    if (!result.ok) throw new Error(`bench table refused: ${result.errors[0]?.message}`);
    start = performance.now();
    parseCsv(readFileSync(csv, 'utf8'), 'table.csv');
    parse.push(performance.now() - start);
  }
  return {
    rows,
    bytes: readFileSync(csv).length,
    checkMs: Math.round(median(check)),
    parseMs: Math.round(median(parse)),
  };
}
