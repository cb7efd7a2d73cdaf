import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIndexBytes } from '../../fee-data/build-index.js';
import { loadJurisdictions } from '../../fee-data/jurisdictions/registry.js';
import { SAMPLE_DIR } from '../../fee-data/paths.js';
import { readSample } from '../../fee-data/sample.js';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';

let bytes: Uint8Array | undefined;

/** The index built from fee-data/sample (the embedded default), once per test process. */
export function sampleIndexBytes(): Uint8Array {
  if (bytes === undefined) {
    const { datasets, ptp } = readSample(SAMPLE_DIR);
    bytes = buildIndexBytes(datasets, { builtFrom: 'sample', jurisdictions: loadJurisdictions(), ptp });
  }
  return bytes;
}

/**
 * The sample index built with jurisdiction files changed by the test (for rules no real file
 * exercises yet); the change is the test's input, not a fact about the jurisdiction.
 */
export function sampleIndexWith(change: (j: Jurisdiction) => Jurisdiction): FeeIndex {
  const { datasets, ptp } = readSample(SAMPLE_DIR);
  return FeeIndex.fromBytes(
    buildIndexBytes(datasets, { builtFrom: 'sample', jurisdictions: loadJurisdictions().map(change), ptp }),
  );
}

/** The sample index opened in memory. */
export function sampleIndex(): FeeIndex {
  return FeeIndex.fromBytes(sampleIndexBytes());
}

/** The sample index written to a fresh temporary file (for handlers and the local stack). */
export function sampleIndexFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-index-'));
  const file = path.join(dir, 'fee-index.bin');
  writeFileSync(file, sampleIndexBytes());
  return file;
}
