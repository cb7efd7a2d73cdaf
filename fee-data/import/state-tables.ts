/**
 * Imports the state workers' compensation fee tables of a reference directory's `state-wc/`
 * folder: Arizona (`AZ/csv/*.csv`), Georgia (`GA/csv/*.csv`), North Carolina (`NC/*.csv`),
 * Alabama (`AL/*.csv`) and Louisiana (`LA/*.csv`). See the importer of each state for its files
 * and `records-state.ts` for the records.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyStateDataset, StateTableState } from './records-state.js';
import { importAl } from './state-al.js';
import { importAzDirectory } from './state-az.js';
import { importGaDirectory } from './state-ga.js';
import { importLa } from './state-la.js';
import { importNc } from './state-nc.js';

export type {
  AnyStateDataset,
  StateAnesthesiaDataset,
  StateAnesthesiaRecord,
  StateDrgDataset,
  StateDrgRecord,
  StateFeeDataset,
  StateFeeRecord,
  StateFeeStatus,
  StateRateBasis,
  StateTableState,
} from './records-state.js';
export { STATE_TABLE_STATES } from './records-state.js';

/** Where each state's files are, and how they are imported. */
const STATES: readonly {
  readonly state: StateTableState;
  /** Folder under state-wc/. */
  readonly folder: string;
  readonly describe: string;
  readonly importFolder: (folder: string) => AnyStateDataset[];
}[] = [
  {
    state: 'AZ',
    folder: join('AZ', 'csv'),
    describe: 'AZ/csv/RBRVS_FeeSchedule<year>.csv and the other sheets',
    importFolder: (folder) => {
      const az = importAzDirectory(folder);
      return az.anesthesia === null ? [az.professional] : [az.professional, az.anesthesia];
    },
  },
  {
    state: 'GA',
    folder: join('GA', 'csv'),
    describe: 'GA/csv/*.csv (one file per sheet)',
    importFolder: (folder) => {
      const ga = importGaDirectory(folder);
      return [
        ga.professional,
        ...(ga.anesthesia === null ? [] : [ga.anesthesia]),
        ...(ga.drg === null ? [] : [ga.drg]),
      ];
    },
  },
  {
    state: 'NC',
    folder: 'NC',
    describe: 'NC/*.csv (one file)',
    importFolder: (f) => [importNc(onlyCsv(f, 'NC'))],
  },
  {
    state: 'AL',
    folder: 'AL',
    describe: 'AL/*.csv (one file)',
    importFolder: (f) => [importAl(onlyCsv(f, 'AL'))],
  },
  {
    state: 'LA',
    folder: 'LA',
    describe: 'LA/*.csv (one file)',
    importFolder: (f) => [importLa(onlyCsv(f, 'LA'))],
  },
];

/**
 * Imports the state tables of a `state-wc/` directory, in the order AZ (professional,
 * anesthesia), GA (professional, anesthesia, MS-DRG), NC, AL, LA.
 *
 * @param stateWcDir - the `state-wc` folder of the reference data
 * @param states - the states to import (default: all five); each one's folder must exist
 * @returns one data set per table
 * @throws Error when the directory or a requested state's folder is missing, naming it;
 *   ImportError when a file cannot be imported
 */
export function importStateDirectory(
  stateWcDir: string,
  states: readonly StateTableState[] = STATES.map((s) => s.state),
): AnyStateDataset[] {
  if (!existsSync(stateWcDir) || !statSync(stateWcDir).isDirectory()) {
    throw new Error(`state fee schedule directory not found: ${stateWcDir}`);
  }
  const wanted = STATES.filter((s) => states.includes(s.state));
  const missing = wanted.filter((s) => !existsSync(join(stateWcDir, s.folder)));
  if (missing.length > 0) {
    throw new Error(
      `state fee schedule directory ${stateWcDir} has no ${missing.map((s) => s.describe).join(', no ')}`,
    );
  }
  return wanted.flatMap((s) => s.importFolder(join(stateWcDir, s.folder)));
}

/** The one CSV file of a state folder (NC, AL, LA hold one each). */
function onlyCsv(folder: string, state: string): string {
  const csv = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.csv$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  if (csv.length !== 1) {
    throw new Error(
      `${folder}: expected one ${state} CSV file, found ${csv.length === 0 ? 'none' : csv.join(', ')}`,
    );
  }
  return join(folder, csv[0] as string);
}
