/**
 * Where the shared reference data (the official CMS and state files) lives for tests:
 * `WCBR_REFERENCE_DATA`, or `../shared/reference-data` next to the repository. The files are
 * never copied into the repository (licensing), so tests read them in place. A missing directory
 * is a test failure naming the directory, never a skip: a skipped import test would let a broken
 * importer pass unnoticed.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/unit/import/reference-data.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The reference data directory.
 *
 * @returns its absolute path
 * @throws Error naming the directory when it does not exist
 */
export function referenceDataDir(): string {
  const dir = resolve(process.env.WCBR_REFERENCE_DATA ?? resolve(repoRoot, '../shared/reference-data'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `reference data directory not found: ${dir} (set WCBR_REFERENCE_DATA to the directory that holds mpfs-rvu/, mpfs-gpci-locality/, ...)`,
    );
  }
  return dir;
}

/**
 * A file of the reference data.
 *
 * @param parts - path inside the reference directory, e.g. `'mpfs-rvu', 'PPRRVU2025_Oct.csv'`
 * @returns its absolute path
 * @throws Error naming the file when it does not exist
 */
export function referenceFile(...parts: string[]): string {
  const file = join(referenceDataDir(), ...parts);
  if (!existsSync(file)) throw new Error(`reference data file not found: ${file}`);
  return file;
}
