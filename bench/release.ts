import { readFileSync } from 'node:fs';
import { loadFeeIndexFile, verifyFeeIndex } from '../lambdas/adapters/fee-index-file.js';
import { layerZipBytes } from '../lambdas/adapters/layer-zip.js';
import { releaseSummary, runReleaseChecks } from '../lambdas/app/release/checks.js';
import { EXAMPLE_BILLS } from '../lambdas/handlers/release-steps/example-bills.js';
import { median } from './stats.js';

/** What the release section measures on the national index (issue 20, decision 020). */
export interface ReleaseRun {
  /** The full-size checks, all five, against the index's own summary (the previous release). */
  readonly checksMs: number;
  /** The checksum alone: the same run's reference (a full read of the body). */
  readonly checksumMs: number;
  /** Writing the layer archive. */
  readonly archiveMs: number;
  readonly indexBytes: number;
  readonly archiveBytes: number;
  readonly failed: readonly string[];
}

/**
 * The Check step's work and the Build step's archive on the national index, each the median of 3
 * runs in this process, beside the checksum alone (the part of Check that reads every byte).
 *
 * @param indexFile - the national index
 * @returns times and sizes
 */
export function benchRelease(indexFile: string): ReleaseRun {
  const bytes = readFileSync(indexFile);
  const index = loadFeeIndexFile(indexFile);
  const previous = releaseSummary(index);
  const checks: number[] = [];
  const checksum: number[] = [];
  const archive: number[] = [];
  let failed: string[] = [];
  let archiveBytes = 0;
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    if (!verifyFeeIndex(index)) throw new Error('the national index fails its checksum');
    checksum.push(performance.now() - start);
    start = performance.now();
    const results = runReleaseChecks(index, {
      verifyChecksum: verifyFeeIndex,
      previous,
      examples: EXAMPLE_BILLS,
    });
    checks.push(performance.now() - start);
    failed = results.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    start = performance.now();
    archiveBytes = layerZipBytes(bytes).length;
    archive.push(performance.now() - start);
  }
  return {
    checksMs: median(checks),
    checksumMs: median(checksum),
    archiveMs: median(archive),
    indexBytes: bytes.length,
    archiveBytes,
    failed,
  };
}
