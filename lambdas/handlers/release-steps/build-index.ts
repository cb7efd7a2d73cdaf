import { buildIndexFromDirectory } from '../../../fee-data/load-datasets.js';
import { loadFeeIndexFile } from '../../adapters/fee-index-file.js';
import type { IndexBuilder } from '../../app/release/ports.js';
import { releaseObjectsFrom } from '../shared/release-deps.js';
import { buildStep } from './steps.js';

/**
 * The Build step's Lambda entry and composition root: the one handler that runs build-time code
 * (fee-data's importers and index builder), which is what the step is for. biome.json allows this
 * file, and only it, to import fee-data/ (docs/decisions/020-data-releases.md).
 */
const build: IndexBuilder = (officialDir, suppliedDir, outFile) => {
  // The supplied store is checked again here (a store in S3 can be written by other hands): a bad
  // file or a conflict fails the step, and the release, before anything is published.
  const report = buildIndexFromDirectory(
    officialDir,
    outFile,
    suppliedDir === undefined ? {} : { supplied: suppliedDir },
  );
  const release = loadFeeIndexFile(outFile).release();
  if (release === undefined) throw new Error('the built index names no data release');
  return { release, bytes: report.bytes };
};

export const handler = buildStep({ objects: releaseObjectsFrom(), build });
