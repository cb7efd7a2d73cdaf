import { loadFeeIndexFile } from '../../adapters/fee-index-file.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { FEE_INDEX_PATH_ENV, LAMBDA_FEE_INDEX_PATH } from './routes.js';

/**
 * Opens the fee index for a handler module, once, at init: in Lambda from the layer, locally from
 * the path the local stack sets in FEE_INDEX_PATH.
 *
 * @returns the index
 */
export function openFeeIndex(): FeeIndex {
  return loadFeeIndexFile(process.env[FEE_INDEX_PATH_ENV] ?? LAMBDA_FEE_INDEX_PATH);
}
