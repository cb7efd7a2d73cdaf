import type { FeeIndex } from '../../fee-index/reader.js';
import { chunkLines } from './lines.js';
import { type ExplainLevel, priceBatchLine } from './price.js';
import { type BatchTally, emptyTally, tallyRow } from './summary.js';

/**
 * Prices one chunk of input: every line into a result row (JSON lines, in input order) and the
 * chunk's tally. Pure; the caller reads the bytes and writes the part.
 *
 * @param index - the fee index
 * @param text - the chunk's bytes as UTF-8 text
 * @param firstLine - its first input line number
 * @param explain - the batch's explanation level
 * @param tenant - the batch's tenant (its contracts apply, issue 20); none: no contract applies
 * @returns the results part's text and the chunk's tally
 */
export function priceChunk(
  index: FeeIndex,
  text: string,
  firstLine: number,
  explain: ExplainLevel,
  tenant?: string,
): { readonly part: string; readonly tally: BatchTally } {
  const tally = emptyTally();
  let part = '';
  for (const input of chunkLines(text, firstLine)) {
    const row = priceBatchLine(index, input, explain, tenant);
    tallyRow(tally, row);
    part += `${JSON.stringify(row)}\n`;
  }
  return { part, tally };
}
