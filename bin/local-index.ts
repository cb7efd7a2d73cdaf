import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildIndexFromDirectory } from '../fee-data/load-datasets.js';
import { DEFAULT_INDEX_FILE, REPO_ROOT, SAMPLE_DIR } from '../fee-data/paths.js';
import { readStoreManifest, STORE_MANIFEST } from '../fee-data/supplied/store.js';
import { DEFAULT_STATE_DIR } from '../lambdas/local/paths.js';

/** The local stack's state directory: `--state-dir`, else WCBR_STATE_DIR, else `.wcbr-local`. */
export function localStateDir(flag?: string): string {
  return path.resolve(flag ?? process.env.WCBR_STATE_DIR ?? DEFAULT_STATE_DIR);
}

/** The local store of supplied files (`wcbr data add`'s default): `<state dir>/supplied`. */
export function localSuppliedStore(stateDir: string = localStateDir()): string {
  return path.join(stateDir, 'supplied');
}

/** The index the local tools use when the local store has items: `<state dir>/fee-index.bin`. */
export function localSuppliedIndexFile(stateDir: string = localStateDir()): string {
  return path.join(stateDir, 'fee-index.bin');
}

const newer = (file: string, than: string) =>
  existsSync(file) && statSync(file).mtimeMs > statSync(than).mtimeMs;

/**
 * Builds the default index from the sample when it is missing or older than the sample.
 *
 * @returns the index file
 */
export function ensureSampleIndex(): string {
  const manifest = path.join(SAMPLE_DIR, 'manifest.json');
  if (!existsSync(DEFAULT_INDEX_FILE) || newer(manifest, DEFAULT_INDEX_FILE)) {
    const report = buildIndexFromDirectory(SAMPLE_DIR, DEFAULT_INDEX_FILE);
    process.stderr.write(
      `built ${path.relative(REPO_ROOT, report.out)} from the sample (${report.bytes} bytes)\n`,
    );
  }
  return DEFAULT_INDEX_FILE;
}

/**
 * The index `npm start`, `wcbr serve` and `wcbr price` use: when the local store of supplied files
 * has items, `<state dir>/fee-index.bin` built from the sample and the store (rebuilt when the
 * sample's or the store's manifest is newer); otherwise the default index, as before issue 20.
 *
 * @param stateDir - the local state directory
 * @returns the index file and how many supplied files it holds
 * @throws SuppliedStoreError when the store cannot be built (a file changed, a conflict)
 */
export function ensureLocalIndex(stateDir: string = localStateDir()): { file: string; supplied: number } {
  const store = localSuppliedStore(stateDir);
  const items = readStoreManifest(store).items.length;
  if (items === 0) return { file: ensureSampleIndex(), supplied: 0 };
  const file = localSuppliedIndexFile(stateDir);
  const stale =
    !existsSync(file) ||
    newer(path.join(SAMPLE_DIR, 'manifest.json'), file) ||
    newer(path.join(store, STORE_MANIFEST), file);
  if (stale) {
    const report = buildIndexFromDirectory(SAMPLE_DIR, file, { supplied: store });
    process.stderr.write(
      `built ${file} from the sample and ${report.supplied} supplied file(s) (release ${report.release})\n`,
    );
  }
  return { file, supplied: items };
}
