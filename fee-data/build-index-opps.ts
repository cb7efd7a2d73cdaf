/**
 * How the OPPS data sets become index records (see lambdas/fee-index/facility-opps-schema.ts),
 * kept apart from build-index.ts so the facility branches merge without conflicts.
 */

import {
  OPPS_ADDENDUM_B_TABLE,
  OPPS_APC_RATE_TABLE,
  OPPS_COMPLEXITY_TABLE,
  OPPS_OUT_MIGRATION_TABLE,
  OPPS_WAGE_INDEX_TABLE,
} from '../lambdas/fee-index/facility-opps-schema.js';
import { dayNumber } from '../lambdas/fee-index/header.js';
import type { TableSchema } from '../lambdas/fee-index/schema.js';
import type { OppsImportedDataset } from './import/records-opps.js';

/** The OPPS data set kinds and their tables, in the order the index writes them. */
export const OPPS_TABLE_OF = {
  'opps-addendum-b': OPPS_ADDENDUM_B_TABLE,
  'opps-apc-rate': OPPS_APC_RATE_TABLE,
  'opps-wage-index': OPPS_WAGE_INDEX_TABLE,
  'opps-out-migration': OPPS_OUT_MIGRATION_TABLE,
  'opps-capc-complexity': OPPS_COMPLEXITY_TABLE,
} as const satisfies Record<OppsImportedDataset['dataset'], TableSchema>;

/**
 * A dollar amount as printed ("3710000", "3147.5", "0.003") in thousandths, exactly: the largest
 * Addendum B rate ($3,710,000.000) is past the signed range the generic scaler accepts, not a u32's.
 */
function mills(text: string): number {
  const [whole = '', fraction = ''] = text.split('.');
  if (!/^\d+$/.test(whole) || !/^\d{0,3}$/.test(fraction))
    throw new Error(`"${text}" is not an amount in dollars`);
  const value = Number(whole + fraction.padEnd(3, '0'));
  if (value > 0xffffffff) throw new Error(`"${text}" is out of range`);
  return value;
}

/**
 * The records of an OPPS data set as index rows.
 *
 * @param dataset - an imported OPPS data set
 * @param edition - its edition's index
 * @returns field name → value rows (decimal strings are scaled, exactly, by the builder)
 */
export function oppsRows(dataset: OppsImportedDataset, edition: number): Record<string, string | number>[] {
  switch (dataset.dataset) {
    case 'opps-addendum-b':
      return dataset.records.map((r) => ({
        code: r.code,
        edition,
        si: r.si,
        apc: r.apc === '' ? 0 : Number(r.apc),
        rate: r.rate === '' ? 0 : mills(r.rate),
        line: r.line,
        rated: r.rate === '' ? 0 : 1,
      }));
    case 'opps-apc-rate':
      return dataset.records.map((r) => ({
        apc: Number(r.apc),
        edition,
        si: r.si,
        effectiveDay: dayNumber(r.effectiveDate),
        rate: r.rate,
        line: r.line,
      }));
    case 'opps-wage-index':
      return dataset.records.map((r) => ({ ...r, cbsa: Number(r.cbsa), edition }));
    case 'opps-out-migration':
      return dataset.records.map((r) => ({ ...r, county: Number(r.county), edition }));
    case 'opps-capc-complexity':
      return dataset.records.map((r) => ({
        primary: r.primary,
        secondary: r.secondary,
        edition,
        adjustedCode: r.adjustedCode,
        adjustedApc: Number(r.adjustedApc),
        line: r.line,
      }));
  }
}
