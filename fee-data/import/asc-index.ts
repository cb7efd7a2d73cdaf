/**
 * The ASC data sets of a reference directory (`facility/asc/`): Addenda AA, BB, EE and FF of each
 * quarter held and the ASC wage index of each calendar year. Files are recognised by name.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type AscAddendum, importAscAddendum } from './asc-addenda.js';
import { importAscWageIndex } from './asc-wage-index.js';
import type { AscDataset } from './records-asc.js';

/**
 * Imports every ASC file found under `facility/asc/` of a reference directory.
 *
 * @param dir - laid out like ../shared/reference-data
 * @returns the data sets (none when the folder is absent)
 */
export function importAscData(dir: string): AscDataset[] {
  const folder = path.join(dir, 'facility', 'asc');
  if (!existsSync(folder)) return [];
  const out: AscDataset[] = [];
  for (const file of readdirSync(folder).sort()) {
    const addendum = /^ASC_Addendum_(AA|BB|EE|FF)_.*\.csv$/i.exec(file)?.[1]?.toUpperCase();
    if (addendum) out.push(importAscAddendum(path.join(folder, file), addendum as AscAddendum));
    else if (/^ASC_wage_index_CY\d{4}\.(txt|csv)$/i.test(file))
      out.push(importAscWageIndex(path.join(folder, file)));
  }
  return out;
}
