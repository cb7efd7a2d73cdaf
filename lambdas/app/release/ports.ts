import type { DataRelease } from '../../domain/supplied.js';

/**
 * The ports of a data release (issue 20, docs/decisions/020-data-releases.md): the stage's data
 * bucket (`official/`, `supplied/`, `releases/`) and the index builder. S3 implements the objects
 * in AWS (lambdas/adapters/release-objects-s3.ts); the builder is fee-data's, wired by the Build
 * step's composition root.
 */

/** Prefixes of the stage's data bucket. */
export const DATA_PREFIX = {
  /** The official CMS and state files, as `wcbr data build --from` reads a directory. */
  official: 'official/',
  /** The supplied store (`manifest.json` + `files/<id>/…`), as `wcbr data add` writes it. */
  supplied: 'supplied/',
  /** Each release's index, layer archive, summary and record, and `current.json`. */
  releases: 'releases/',
} as const;

/** The record of what is in production, and what was before it: `releases/current.json`. */
export const CURRENT_RELEASE_KEY = `${DATA_PREFIX.releases}current.json`;

/** Where a release's files are. */
export const releaseKeys = (id: string) => ({
  index: `${DATA_PREFIX.releases}${id}/fee-index.bin`,
  layerZip: `${DATA_PREFIX.releases}${id}/layer.zip`,
  summary: `${DATA_PREFIX.releases}${id}/summary.json`,
  record: `${DATA_PREFIX.releases}${id}/record.json`,
});

/** The stage's data bucket, as the release steps use it. */
export interface ReleaseObjects {
  /**
   * Copies every object under a prefix into a directory (keys relative to the prefix).
   *
   * @returns how many objects were copied
   */
  download(prefix: string, dir: string): Promise<number>;
  /** Uploads a file (SSE-KMS by the bucket's default key). */
  putFile(key: string, file: string, contentType: string): Promise<void>;
  /** Writes a JSON document. */
  putJson(key: string, value: unknown): Promise<void>;
  /** Reads a JSON document; undefined when there is none. */
  getJson(key: string): Promise<unknown>;
  /** Downloads one object to a file. */
  getFile(key: string, file: string): Promise<void>;
}

/**
 * Builds the index from a directory of official files and, when given, a supplied store (fee-data's
 * `buildIndexFromDirectory(from, out, { supplied })`).
 */
export type IndexBuilder = (
  officialDir: string,
  suppliedDir: string | undefined,
  outFile: string,
) =>
  | { readonly release: DataRelease; readonly bytes: number }
  | Promise<{ readonly release: DataRelease; readonly bytes: number }>;

/** Writes the layer archive: one entry, `fee-index/fee-index.bin`, holding the index file. */
export type LayerArchiver = (indexFile: string, zipFile: string) => Promise<void> | void;
