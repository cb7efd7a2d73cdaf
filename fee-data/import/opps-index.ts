/**
 * Finds and imports the OPPS files of a reference directory (`facility/opps/`): Addendum B, the
 * CMS pricer APC rate, wage index and out-migration tables, and Addendum J's complexity pairs.
 * A directory without `facility/opps` yields nothing (an index without OPPS data prices no
 * outpatient bill and says so).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { importOppsAddendumB } from './opps-addendum-b.js';
import { importOppsComplexity } from './opps-addendum-j.js';
import { importOppsPricerFile } from './opps-pricer.js';
import type { OppsImportedDataset } from './records-opps.js';

function files(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Imports the OPPS data sets of a reference directory.
 *
 * @param dir - laid out like ../shared/reference-data
 * @returns the data sets, ready for the index
 */
export function importOppsData(dir: string): OppsImportedDataset[] {
  const opps = path.join(dir, 'facility', 'opps');
  const pricer = path.join(opps, 'cms-pricer');
  return [
    ...files(opps, /^OPPS_Addendum_B_\d{4}_\w+\.csv$/i).map(importOppsAddendumB),
    ...files(pricer, /^(apc-rate|cbsa-wage-index|outmigration-adjustment)-\d{4}\.csv$/i).map(
      importOppsPricerFile,
    ),
    ...files(opps, /Addendum_J_CAPC_complexity_adjustments.*\.txt$/i).map(importOppsComplexity),
  ];
}
