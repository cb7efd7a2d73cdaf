import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIndexBytes } from '../../fee-data/build-index.js';
import { loadJurisdictions } from '../../fee-data/jurisdictions/registry.js';
import { SAMPLE_DIR } from '../../fee-data/paths.js';
import { readSample } from '../../fee-data/sample.js';
import { suppliedBuildInputs } from '../../fee-data/supplied/build.js';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';

/**
 * Supplied files for tests (issue 20). Every figure here is a test's input standing for what a
 * customer would supply: it is not a claim about any state's schedule.
 */

/** A fresh temporary folder. */
export function tempDir(prefix = 'wcbr-supplied-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a JSON (object) or text file into a folder and returns its path. */
export function writeFile(dir: string, name: string, content: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

const head = (kind: string, id: string) => ({
  format: 'wcbr-supplied',
  version: 1,
  kind,
  id,
  source: { citation: 'Test input: illustrative figure, not any state’s' },
});

/** A conversion-factor file (TX 2025 by default: TX-2025 carries no factor, so no conflict). */
export function cfFile(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...head('conversion-factors', 'test-tx-cf-2025'),
    jurisdiction: 'TX',
    effective: '2025-01-01',
    termination: '2025-12-31',
    factors: [
      { category: 'all', value: '70.00' },
      { category: 'surgery-facility', value: '88.00' },
    ],
    ...over,
  };
}

/** A fee-table file (NY 2026 by default: NY prices on the Medicare fallback). */
export function tableFile(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...head('fee-table', 'test-ny-table'),
    jurisdiction: 'NY',
    effective: '2026-01-01',
    termination: null,
    label: 'Test table',
    rows: [
      { code: '99213', non_facility: '90.00', facility: '65.00', pctc: '0' },
      { code: '73030', modifier: '26', non_facility: '12.00', facility: '12.00', pctc: '1' },
    ],
    ...over,
  };
}

/** The CMS worked example of an NPI check digit (valid), and another valid one. */
export const NPI_A = '1234567893';
export const NPI_B = '1245319599';

/** A contract file (tenant acme, PPO, 90% of the allowance on NPI_A by default). */
export function contractFile(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...head('contract', 'test-ppo-90'),
    tenant: 'acme',
    name: 'Test PPO',
    providers: { npis: [NPI_A] },
    bucket: 'ppo',
    effective: '2025-01-01',
    termination: null,
    terms: { percentOfAllowance: '90' },
    ...over,
  };
}

/**
 * The sample index built with a store of supplied files (as `wcbr data build --supplied` does).
 *
 * @param storeDir - a store made with addSupplied
 * @returns the index
 */
export function sampleIndexWithSupplied(storeDir: string): FeeIndex {
  const { datasets, ptp } = readSample(SAMPLE_DIR);
  const supplied = suppliedBuildInputs(storeDir, loadJurisdictions());
  return FeeIndex.fromBytes(
    buildIndexBytes([...datasets, ...supplied.datasets], {
      builtFrom: 'sample',
      jurisdictions: supplied.jurisdictions,
      ptp,
      supplied: supplied.supplied,
      contracts: supplied.contracts,
    }),
  );
}
