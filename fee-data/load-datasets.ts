import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { FeeIndex } from '../lambdas/fee-index/reader.js';
import { buildIndexBytes, writeIndexFile } from './build-index.js';
import { importAscData } from './import/asc-index.js';
import { importIppsData } from './import/ipps-index.js';
import { importNationalData, importPtpTables } from './import/national-index.js';
import { importOppsData } from './import/opps-index.js';
import type { AnyImportedDataset } from './import/records.js';
import type { PtpDataset } from './import/records-national.js';
import { importReferenceDirectory } from './import/reference-dir.js';
import { gaFacilityDatasets } from './import/state-ga-facility.js';
import { stateTableDatasets } from './import/state-index.js';
import { importStateDirectory } from './import/state-tables.js';
import { loadJurisdictions } from './jurisdictions/registry.js';
import { readSample } from './sample.js';
import { suppliedBuildInputs } from './supplied/build.js';

/** What a build read and wrote, for the command line's summary. */
export interface BuildReport {
  readonly from: string;
  readonly builtFrom: 'official' | 'sample';
  readonly out: string;
  readonly bytes: number;
  readonly importMs: number;
  readonly buildMs: number;
  readonly datasets: readonly { dataset: string; label: string; file: string; rows: number }[];
  /** The data release the index is (its id is derived from the content). */
  readonly release: string;
  /** The supplied files it holds. */
  readonly supplied: number;
}

/** What else a build takes. */
export interface BuildFromDirectoryOptions {
  /**
   * A store of supplied files (fee-data/supplied/store.ts) to include: its editions, tables and
   * contracts, re-checked (a conflict is refused here too). Default: none.
   */
  readonly supplied?: string;
}

/**
 * Reads data sets from a directory: a sample (it has manifest.json) or a directory of official
 * files laid out like ../shared/reference-data.
 *
 * @param dir - the directory
 * @returns the data sets, the NCCI PTP tables, and whether they are a sample
 */
export function readDatasets(dir: string): {
  datasets: AnyImportedDataset[];
  builtFrom: 'official' | 'sample';
  ptp: PtpDataset[];
} {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  if (existsSync(path.join(dir, 'manifest.json'))) return { ...readSample(dir), builtFrom: 'sample' };
  const datasets = [...importReferenceDirectory(dir), ...importNationalData(dir), ...importOppsData(dir)];
  // Inpatient (IPPS) files (issue 16).
  datasets.push(...importIppsData(dir));
  // ASC (issue 16).
  datasets.push(...importAscData(dir));
  const stateDir = path.join(dir, 'state-wc');
  if (existsSync(stateDir)) {
    const states = importStateDirectory(stateDir);
    datasets.push(...stateTableDatasets(states, loadJurisdictions()));
    // Georgia's facility tables (issue 16).
    datasets.push(...gaFacilityDatasets(states, loadJurisdictions()));
  }
  return { datasets, builtFrom: 'official', ptp: importPtpTables(dir) };
}

/**
 * Builds the fee index from a directory (and a store of supplied files) and writes it atomically.
 *
 * @param from - sample or official directory
 * @param out - index file to write
 * @param options - the supplied store, if any
 * @returns what was built
 * @throws SuppliedStoreError when the store has a bad file or a conflict (nothing is written)
 */
export function buildIndexFromDirectory(
  from: string,
  out: string,
  options: BuildFromDirectoryOptions = {},
): BuildReport {
  const t0 = performance.now();
  const { datasets, builtFrom, ptp } = readDatasets(from);
  const official = loadJurisdictions();
  const supplied =
    options.supplied === undefined ? undefined : suppliedBuildInputs(options.supplied, official);
  if (supplied !== undefined) datasets.push(...supplied.datasets);
  const t1 = performance.now();
  const bytes = buildIndexBytes(datasets, {
    builtFrom,
    jurisdictions: supplied?.jurisdictions ?? official,
    ptp,
    ...(supplied === undefined ? {} : { supplied: supplied.supplied, contracts: supplied.contracts }),
  });
  writeIndexFile(bytes, out);
  const t2 = performance.now();
  return {
    from,
    builtFrom,
    out,
    bytes: bytes.length,
    importMs: Math.round(t1 - t0),
    buildMs: Math.round(t2 - t1),
    datasets: datasets.map((d) => ({
      dataset: d.dataset,
      label: d.label,
      file: d.source.file,
      rows: d.records.length,
    })),
    release: FeeIndex.fromBytes(bytes).release()?.id ?? '',
    supplied: supplied?.supplied.length ?? 0,
  };
}
