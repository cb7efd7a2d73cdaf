import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIndexBytes } from '../fee-data/build-index.js';
import { loadJurisdictions } from '../fee-data/jurisdictions/registry.js';
import { SAMPLE_DIR } from '../fee-data/paths.js';
import { readSample } from '../fee-data/sample.js';

/**
 * Recon submissions per second through the local workflow (issue 6: "`npm run bench` reports Recon
 * submissions per second through the local workflow"): the local stack with DynamoDB Local and
 * moto's KMS, `POST /v1/recons` over HTTP with a machine token, so every submission runs the
 * whole ASL (price → load latest → delta → sealed transactional write) with real KMS data keys.
 */

/** Options of {@link benchRecon}. */
export interface BenchReconOptions {
  /**
   * Distinct control numbers; each gets `sequences` submissions, in order.
   * @default 100
   */
  readonly controlNumbers?: number | undefined;
  /**
   * Sequences a control number (1 = original, then corrected bills).
   * @default 3
   */
  readonly sequences?: number | undefined;
  /**
   * Control numbers in flight at once (each submits its sequences one after another, as a payer
   * receives them).
   * @default 16
   */
  readonly concurrency?: number | undefined;
  /** Fee index file; default the embedded sample built into a temporary file. */
  readonly indexFile?: string | undefined;
  /**
   * Data key provider: moto's KMS (as `npm start`) or the local key file.
   * @default 'kms'
   */
  readonly keys?: 'kms' | 'local' | undefined;
}

/** What {@link benchRecon} measured. */
export interface BenchReconResult {
  /** Stored submissions per second of wall time (the timed run, warm-up excluded). */
  readonly submissionsPerSecond: number;
  readonly submissions: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Submissions not answered 201 (or that failed to reach the API). */
  readonly errors: number;
}

/** The sample fee index (fee-data/sample) written to a fresh temporary file. */
function sampleIndexFile(): string {
  const { datasets, ptp } = readSample(SAMPLE_DIR);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-recon-index-')), 'fee-index.bin');
  writeFileSync(
    file,
    buildIndexBytes(datasets, { builtFrom: 'sample', jurisdictions: loadJurisdictions(), ptp }),
  );
  return file;
}

/**
 * A Recon of two lines the sample prices (US-MEDICARE 2025, ZIP 19901); each sequence bills the
 * visit a little higher, so every delta has money in it. The patient is made up.
 */
function reconBody(controlNumber: string, sequence: number): string {
  return JSON.stringify({
    controlNumber,
    sequence,
    billId: `${controlNumber}-${sequence}`,
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    patient: {
      firstName: 'Bench',
      lastName: 'Patient',
      birthDate: '1970-01-01',
      memberId: `M-${controlNumber}`,
      address: { line1: '1 Bench Street', city: 'Dover', state: 'DE', zip: '19901' },
    },
    claim: { claimNumber: `C-${controlNumber}`, injuryDate: '2025-02-20' },
    lines: [
      { lineNumber: 1, code: '99213', dateOfService: '2025-03-04', units: 1, charge: `${80 + sequence}.00` },
      { lineNumber: 2, code: '97110', dateOfService: '2025-03-05', units: 1, charge: '50.00' },
    ],
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[rank] as number) * 100) / 100;
}

/**
 * Starts the local stack with Recon on, submits `controlNumbers × sequences` Recons with
 * `concurrency` control numbers in flight, and stops the stack.
 *
 * @param options - counts, concurrency, index, key provider
 * @returns submissions per second, latency percentiles (nearest rank) and errors
 * @throws when the warm-up submission is refused (the figures would mean nothing)
 */
export async function benchRecon(options: BenchReconOptions = {}): Promise<BenchReconResult> {
  const controlNumbers = options.controlNumbers ?? 100;
  const sequences = options.sequences ?? 3;
  const concurrency = options.concurrency ?? 16;
  process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startLocalStack } = await import('../lambdas/local/stack.js');
  const stack = await startLocalStack({
    port: 0,
    cognitoPort: 0,
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-recon-')),
    feeIndexPath: options.indexFile ?? sampleIndexFile(),
    quiet: true,
    recon: { keys: options.keys ?? 'kms' },
  });
  try {
    const token = await stack.token('client');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const submit = async (controlNumber: string, sequence: number) => {
      const response = await fetch(`${stack.url}/v1/recons`, {
        method: 'POST',
        headers,
        body: reconBody(controlNumber, sequence),
      });
      const text = await response.text();
      return { status: response.status, text };
    };
    // Warm-up: loads the task modules, the index and the SDK clients (not timed).
    const warm = await submit('BENCH-WARM-UP', 1);
    if (warm.status !== 201) throw new Error(`warm-up Recon answered ${warm.status}: ${warm.text}`);

    const run = Date.now().toString(36);
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const worker = async () => {
      while (next < controlNumbers) {
        const controlNumber = `BENCH-${run}-${next}`;
        next += 1;
        for (let sequence = 1; sequence <= sequences; sequence += 1) {
          const start = performance.now();
          try {
            const { status } = await submit(controlNumber, sequence);
            if (status !== 201) errors += 1;
          } catch {
            errors += 1;
          }
          latencies.push(performance.now() - start);
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: Math.min(concurrency, controlNumbers) }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const submissions = latencies.length;
    return {
      submissionsPerSecond: Math.round(((submissions - errors) / seconds) * 10) / 10,
      submissions,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      errors,
    };
  } finally {
    await stack.stop();
  }
}
