import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FeeIndex, FeeIndexFormatError } from '../fee-index/reader.js';

/**
 * Opens the fee index file with one read; nothing but the small header is parsed.
 *
 * @param path - the index file (in Lambda, the layer's /opt/fee-index/fee-index.bin)
 * @returns the index
 */
export function loadFeeIndexFile(path: string): FeeIndex {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new FeeIndexFormatError(
      `cannot read the fee index at ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); build it with \`npm run build:index\``,
    );
  }
  return FeeIndex.fromBytes(bytes);
}

/**
 * Checks the body checksum the header records (a full read of the body; for `wcbr data verify`
 * and tests, not for every cold start).
 *
 * @param index - an opened index
 * @returns true when the body matches the header's SHA-256
 */
export function verifyFeeIndex(index: FeeIndex): boolean {
  return createHash('sha256').update(index.body()).digest('hex') === index.header.bodySha256;
}
