import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The embedded sample the local stack and most tests build their index from. */
export const SAMPLE_DIR = path.join(REPO_ROOT, 'fee-data', 'sample');

/**
 * The Lambda layer's asset directory. Lambda extracts a layer into /opt, so the index sits at
 * `layers/fee-index/fee-index/fee-index.bin` to be mounted at /opt/fee-index/fee-index.bin.
 */
export const LAYER_DIR = path.join(REPO_ROOT, 'layers', 'fee-index');

/** Where `wcbr data build` writes the index by default, and where the local stack reads it. */
export const DEFAULT_INDEX_FILE = path.join(LAYER_DIR, 'fee-index', 'fee-index.bin');

/** The official files beside the repository (`../shared/reference-data`), or WCBR_REFERENCE_DATA. */
export function referenceDataDir(): string {
  return process.env.WCBR_REFERENCE_DATA ?? path.resolve(REPO_ROOT, '..', 'shared', 'reference-data');
}
