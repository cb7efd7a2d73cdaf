import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadFeeIndexFile, verifyFeeIndex } from '../../adapters/fee-index-file.js';
import { writeLayerZip } from '../../adapters/layer-zip.js';
import type { ExampleBill } from '../../app/release/checks.js';
import type { IndexBuilder, ReleaseObjects } from '../../app/release/ports.js';
import { type BuildOutput, buildRelease, checkRelease, recordRelease } from '../../app/release/service.js';
import { freshWorkDir } from '../shared/release-deps.js';

/**
 * The release workflow's Lambda steps, given their ports: the entries (build-index.ts, check.ts,
 * record.ts) wire S3, fee-data's builder and the clock at module scope; tests pass their own.
 */

/**
 * The Build step of the release workflow, given its ports (build-index.ts wires S3 and fee-data's
 * builder; tests pass their own).
 *
 * @param ports - the data bucket and the index builder
 * @returns the handler
 */
export function buildStep(ports: { readonly objects: ReleaseObjects; readonly build: IndexBuilder }) {
  return async (): Promise<BuildOutput> => {
    const workDir = freshWorkDir();
    try {
      return await buildRelease({ ...ports, archive: writeLayerZip, workDir });
    } finally {
      // /tmp is the function's ephemeral storage: the next release needs all of it.
      rmSync(workDir, { recursive: true, force: true });
    }
  };
}

/** The Check state's payload (Build's release and index key). */
export interface CheckEvent {
  readonly release: { readonly id: string };
  readonly indexKey: string;
}

/**
 * The Check step, given its ports: the built index downloaded to /tmp and opened, the full-size
 * checks run (lambdas/app/release/checks.ts, as `wcbr data check` runs them). A failed check
 * throws ReleaseCheckFailedError, which fails the execution before the layer is published.
 *
 * @param ports - the data bucket and the example bills
 * @returns the handler
 */
export function checkStep(ports: {
  readonly objects: ReleaseObjects;
  readonly examples: readonly ExampleBill[];
}) {
  return async (event: CheckEvent) => {
    const workDir = freshWorkDir();
    try {
      return await checkRelease(
        {
          objects: ports.objects,
          loadIndex: async (key) => {
            const file = join(workDir, 'fee-index.bin');
            await ports.objects.getFile(key, file);
            return loadFeeIndexFile(file);
          },
          verifyChecksum: verifyFeeIndex,
          examples: ports.examples,
        },
        event,
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  };
}

/**
 * The Record step, given its ports: after every function moved, the release becomes
 * `releases/current.json`'s current (what was current, previous).
 *
 * @param ports - the data bucket and the clock
 * @returns the handler
 */
export function recordStep(ports: { readonly objects: ReleaseObjects; readonly now: () => Date }) {
  return async (event: unknown) => recordRelease(ports, event);
}
