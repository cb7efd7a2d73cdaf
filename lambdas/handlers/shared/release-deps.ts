import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ReleaseObjects } from '../../adapters/release-objects-s3.js';
import type { ReleaseObjects } from '../../app/release/ports.js';

/** Environment of the release steps (set by lib/constructs/data-releases.ts). */
export const RELEASE_ENV = {
  /** The stage's data bucket. */
  bucketName: 'DATA_BUCKET',
} as const;

/** A release step was deployed without its bucket. */
export class ReleaseConfigError extends Error {
  override readonly name = 'ReleaseConfigError';
}

/**
 * The data bucket of a release step, from its environment (built once, at module scope).
 *
 * @param env - the environment
 * @returns the bucket's port
 * @throws ReleaseConfigError when DATA_BUCKET is not set
 */
export function releaseObjectsFrom(env: NodeJS.ProcessEnv = process.env): ReleaseObjects {
  const bucket = env[RELEASE_ENV.bucketName];
  if (!bucket) throw new ReleaseConfigError(`${RELEASE_ENV.bucketName} is not set`);
  return new S3ReleaseObjects(new S3Client({}), bucket);
}

/**
 * A fresh working directory under the function's /tmp (an invocation may follow another in the
 * same sandbox; each gets its own directory and the previous one's files are not reused).
 *
 * @returns the directory
 */
export function freshWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'wcbr-release-'));
}
