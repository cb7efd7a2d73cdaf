import * as v from 'valibot';

/**
 * What `releases/current.json` holds: the release in production and the one before it, each with
 * its layer version and the function versions it moved, so that `wcbr release rollback` is one
 * command and `wcbr release status` can say what runs.
 */

/** One function a release moved, and the version its `live` alias points to (none: unqualified). */
export const MovedFunctionSchema = v.strictObject({
  functionName: v.string(),
  application: v.string(),
  deploymentGroup: v.string(),
});

/** A release as recorded. */
export const RecordedReleaseSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^r[0-9a-f]{12}$/)),
  builtAt: v.string(),
  layerVersionArn: v.pipe(
    v.string(),
    v.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/),
  ),
  functions: v.array(MovedFunctionSchema),
  /** When the functions finished moving to it, ISO 8601 UTC. */
  recordedAt: v.string(),
  /** `publish` (a new release) or `rollback` (back to a recorded one). */
  mode: v.picklist(['publish', 'rollback']),
});
export type RecordedRelease = v.InferOutput<typeof RecordedReleaseSchema>;

/** `releases/current.json`. */
export const CurrentReleaseSchema = v.strictObject({
  current: RecordedReleaseSchema,
  previous: v.nullable(RecordedReleaseSchema),
});
export type CurrentRelease = v.InferOutput<typeof CurrentReleaseSchema>;

/**
 * The record after a release (or a rollback) finished moving every function: it becomes current,
 * and what was current becomes previous. Rolling back to the release that is already current keeps
 * the previous one (a second rollback then still has somewhere to go).
 *
 * @param before - `releases/current.json` before, or undefined for the first release
 * @param release - the release now in production
 * @returns the new `releases/current.json`
 * @example nextRecord(undefined, release).previous // null
 */
export function nextRecord(before: CurrentRelease | undefined, release: RecordedRelease): CurrentRelease {
  if (before === undefined) return { current: release, previous: null };
  if (before.current.id === release.id) return { current: release, previous: before.previous };
  return { current: release, previous: before.current };
}

/**
 * Reads `releases/current.json` as stored.
 *
 * @param value - the parsed JSON, or undefined when there is none
 * @returns the record, or undefined
 * @throws v.ValiError when the stored document is not a release record
 */
export function parseCurrentRelease(value: unknown): CurrentRelease | undefined {
  return value === undefined ? undefined : v.parse(CurrentReleaseSchema, value);
}
