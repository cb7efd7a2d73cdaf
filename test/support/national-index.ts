import { existsSync } from 'node:fs';
import { buildIndexBytes } from '../../fee-data/build-index.js';
import { loadJurisdictions } from '../../fee-data/jurisdictions/registry.js';
import { readDatasets } from '../../fee-data/load-datasets.js';
import { referenceDataDir } from '../../fee-data/paths.js';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';

let index: FeeIndex | undefined;

/**
 * The index built from every official file in ../shared/reference-data (about 6 s), once per test
 * process. A missing reference data directory fails with its path, never a skip.
 */
export function nationalIndex(): FeeIndex {
  if (index) return index;
  const dir = referenceDataDir();
  if (!existsSync(dir)) {
    throw new Error(
      `reference data directory not found: ${dir} (set WCBR_REFERENCE_DATA or put ../shared beside the clone)`,
    );
  }
  const read = readDatasets(dir);
  index = FeeIndex.fromBytes(
    buildIndexBytes(read.datasets, {
      builtFrom: 'official',
      jurisdictions: loadJurisdictions(),
      ptp: read.ptp,
    }),
  );
  return index;
}
