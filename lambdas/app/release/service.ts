import { join } from 'node:path';
import * as v from 'valibot';
import type { DataRelease } from '../../domain/supplied.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import {
  type CheckResult,
  type ExampleBill,
  type ReleaseSummary,
  releaseSummary,
  runReleaseChecks,
} from './checks.js';
import {
  CURRENT_RELEASE_KEY,
  DATA_PREFIX,
  type IndexBuilder,
  type LayerArchiver,
  type ReleaseObjects,
  releaseKeys,
} from './ports.js';
import {
  type CurrentRelease,
  MovedFunctionSchema,
  nextRecord,
  parseCurrentRelease,
  type RecordedRelease,
} from './record.js';

/**
 * The three Lambda steps of the release workflow (lambdas/workflows/release.asl.json): Build,
 * Check and Record. Each is a use case over the ports; the handlers in
 * lambdas/handlers/release-steps wire S3 and the builder.
 */

/** The official files are missing: nothing can be built. */
export class NoOfficialFilesError extends Error {
  override readonly name = 'NoOfficialFilesError';
}

/** A full-size check failed: the release stops before its layer is published. */
export class ReleaseCheckFailedError extends Error {
  override readonly name = 'ReleaseCheckFailedError';
}

/** What Build hands to Check and PublishLayerVersion. */
export interface BuildOutput {
  readonly release: DataRelease;
  readonly indexKey: string;
  readonly layerZipKey: string;
  readonly bytes: number;
}

/**
 * Build: the official files and the supplied store into a working directory, the index built from
 * them, the index and its layer archive written under `releases/<id>/`.
 *
 * @param deps - the bucket, the builder, the archiver and a fresh working directory (Lambda's /tmp)
 * @returns the release and where its files are
 * @throws NoOfficialFilesError when `official/` is empty
 */
export async function buildRelease(deps: {
  readonly objects: ReleaseObjects;
  readonly build: IndexBuilder;
  readonly archive: LayerArchiver;
  readonly workDir: string;
}): Promise<BuildOutput> {
  const official = join(deps.workDir, 'official');
  const supplied = join(deps.workDir, 'supplied');
  const officialCount = await deps.objects.download(DATA_PREFIX.official, official);
  if (officialCount === 0)
    throw new NoOfficialFilesError(
      `the data bucket holds no official files under ${DATA_PREFIX.official}: upload the directory \`wcbr data build --from\` reads`,
    );
  const suppliedCount = await deps.objects.download(DATA_PREFIX.supplied, supplied);
  const indexFile = join(deps.workDir, 'fee-index.bin');
  const built = await deps.build(official, suppliedCount === 0 ? undefined : supplied, indexFile);
  const zipFile = join(deps.workDir, 'layer.zip');
  await deps.archive(indexFile, zipFile);
  const keys = releaseKeys(built.release.id);
  await deps.objects.putFile(keys.index, indexFile, 'application/octet-stream');
  await deps.objects.putFile(keys.layerZip, zipFile, 'application/zip');
  return { release: built.release, indexKey: keys.index, layerZipKey: keys.layerZip, bytes: built.bytes };
}

/**
 * Check: the full-size checks of the built index against the release in production; on success
 * the release's summary is written for the next one.
 *
 * @param deps - the bucket, the index loader, the checksum verifier and the example bills
 * @param input - the release and its index key (Build's output)
 * @returns the checks, all passed
 * @throws ReleaseCheckFailedError naming every failed check
 */
export async function checkRelease(
  deps: {
    readonly objects: ReleaseObjects;
    readonly loadIndex: (key: string) => Promise<FeeIndex>;
    readonly verifyChecksum: (index: FeeIndex) => boolean;
    readonly examples: readonly ExampleBill[];
  },
  input: { readonly release: Pick<DataRelease, 'id'>; readonly indexKey: string },
): Promise<{ readonly checks: readonly CheckResult[] }> {
  const index = await deps.loadIndex(input.indexKey);
  const current = parseCurrentRelease(await deps.objects.getJson(CURRENT_RELEASE_KEY));
  const previous =
    current === undefined
      ? undefined
      : ((await deps.objects.getJson(releaseKeys(current.current.id).summary)) as ReleaseSummary | undefined);
  const checks = runReleaseChecks(index, {
    verifyChecksum: deps.verifyChecksum,
    previous,
    examples: deps.examples,
  });
  const failed = checks.filter((c) => !c.ok);
  if (failed.length > 0)
    throw new ReleaseCheckFailedError(failed.map((c) => `${c.name}: ${c.detail}`).join(' | '));
  const built = index.release();
  if (built?.id !== input.release.id)
    throw new ReleaseCheckFailedError(
      `the index at ${input.indexKey} is release ${built?.id}, not ${input.release.id}`,
    );
  await deps.objects.putJson(releaseKeys(built.id).summary, releaseSummary(index));
  return { checks };
}

/** What the workflow's Record state sends. */
export const RecordInputSchema = v.object({
  mode: v.picklist(['publish', 'rollback']),
  release: v.object({ id: v.string(), builtAt: v.string(), layerVersionArn: v.string() }),
  functions: v.array(MovedFunctionSchema),
});

/**
 * Record: the release now in production becomes `releases/current.json`'s current (the one before
 * it, previous) and is kept as `releases/<id>/record.json` for a later `rollback --to`.
 *
 * @param deps - the bucket and the clock
 * @param input - the Record state's payload
 * @returns the new record
 */
export async function recordRelease(
  deps: { readonly objects: ReleaseObjects; readonly now: () => Date },
  input: unknown,
): Promise<CurrentRelease> {
  const parsed = v.parse(RecordInputSchema, input);
  const release: RecordedRelease = {
    id: parsed.release.id,
    builtAt: parsed.release.builtAt,
    layerVersionArn: parsed.release.layerVersionArn,
    functions: parsed.functions,
    recordedAt: deps.now().toISOString(),
    mode: parsed.mode,
  };
  const before = parseCurrentRelease(await deps.objects.getJson(CURRENT_RELEASE_KEY));
  const next = nextRecord(before, release);
  await deps.objects.putJson(releaseKeys(release.id).record, release);
  await deps.objects.putJson(CURRENT_RELEASE_KEY, next);
  return next;
}
