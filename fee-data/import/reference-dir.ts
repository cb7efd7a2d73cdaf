/**
 * Imports every physician fee schedule file found in a directory laid out like the shared
 * reference data (one folder per source: mpfs-rvu/, mpfs-gpci-locality/, ...). Folders this
 * module does not know are ignored; importers for them come later.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importAnesthesiaCf } from './anesthesia-cf.js';
import { importGpci } from './gpci.js';
import { importLocalityCounty } from './locality-county.js';
import { importOppsCap } from './opps-cap.js';
import { importPprrvu } from './pprrvu.js';
import type { AnyImportedDataset } from './records.js';
import { importZip5 } from './zip5.js';

/** Where files of one kind are found and how they are imported. */
interface FileKind {
  /** Folder under the reference directory. */
  readonly folder: string;
  /** File names of this kind; "ZIP5_" keeps the layout description ZIP5lyout.txt out. */
  readonly pattern: RegExp;
  /** As the error for a missing kind shows it. */
  readonly describe: string;
  /** Whether a reference directory without this kind is unusable. */
  readonly required: boolean;
  readonly importFile: (path: string) => AnyImportedDataset;
}

const KINDS: readonly FileKind[] = [
  {
    folder: 'mpfs-rvu',
    pattern: /^PPRRVU.*\.csv$/i,
    describe: 'PPRRVU (mpfs-rvu/PPRRVU*.csv)',
    required: true,
    importFile: importPprrvu,
  },
  {
    folder: 'mpfs-gpci-locality',
    pattern: /^GPCI.*\.csv$/i,
    describe: 'GPCI (mpfs-gpci-locality/GPCI*.csv)',
    required: true,
    importFile: importGpci,
  },
  {
    folder: 'mpfs-gpci-locality',
    pattern: /LOCCO.*\.csv$/i,
    describe: 'locality–county crosswalk (mpfs-gpci-locality/*LOCCO*.csv)',
    required: false,
    importFile: importLocalityCounty,
  },
  {
    folder: 'mpfs-zip-locality',
    pattern: /^ZIP5_.*\.txt$/i,
    describe: 'ZIP5 (mpfs-zip-locality/ZIP5_*.txt)',
    required: true,
    importFile: importZip5,
  },
  {
    folder: 'mpfs-oppscap',
    pattern: /^OPPSCAP.*\.csv$/i,
    describe: 'OPPS cap (mpfs-oppscap/OPPSCAP*.csv)',
    required: false,
    importFile: importOppsCap,
  },
  {
    folder: 'mpfs-anesthesia',
    pattern: /^ANES.*\.csv$/i,
    describe: 'anesthesia CF (mpfs-anesthesia/ANES*.csv)',
    required: false,
    importFile: importAnesthesiaCf,
  },
];

/**
 * Finds and imports the physician fee schedule files of a reference directory: every
 * mpfs-rvu/PPRRVU*.csv, mpfs-gpci-locality/GPCI*.csv and *LOCCO*.csv, mpfs-zip-locality/ZIP5_*.txt,
 * mpfs-oppscap/OPPSCAP*.csv and mpfs-anesthesia/ANES*.csv, in that order and by file name within
 * a kind. Other folders and files are ignored.
 *
 * @param dir - the reference directory
 * @returns one data set per file
 * @throws Error when the directory does not exist or lacks a required kind (PPRRVU, GPCI, ZIP5),
 *   naming every missing kind; ImportError when a file found cannot be imported
 */
export function importReferenceDirectory(dir: string): AnyImportedDataset[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`reference data directory not found: ${dir}`);
  }
  const found = KINDS.map((kind) => ({ kind, paths: listFiles(join(dir, kind.folder), kind.pattern) }));
  const missing = found
    .filter(({ kind, paths }) => kind.required && paths.length === 0)
    .map(({ kind }) => kind);
  if (missing.length > 0) {
    throw new Error(
      `reference data directory ${dir} has no ${missing.map((kind) => kind.describe).join(', no ')}`,
    );
  }
  return found.flatMap(({ kind, paths }) => paths.map((path) => kind.importFile(path)));
}

/** Regular files in a folder whose names match, sorted; none when the folder is absent. */
function listFiles(folder: string, pattern: RegExp): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(folder, name));
}
