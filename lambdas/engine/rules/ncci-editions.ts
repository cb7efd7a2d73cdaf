import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';

/** An NCCI data set's editions: CMS's dated files (newest first), and the undated derived table. */
export interface NcciEditions {
  readonly dated: readonly EditionInfo[];
  readonly undated: readonly EditionInfo[];
}

const cache = new WeakMap<FeeIndex, Map<string, NcciEditions>>();

/**
 * The editions of the MUE or PTP data of an index, split the way the edits read them: a dated CMS
 * file decides where it holds a code or pair, the undated table (edition id `…/derived-…`) only
 * where none does. Kept per index.
 *
 * @param index - the fee index
 * @param kind - 'mue' or 'ncci-ptp'
 */
export function ncciEditions(index: FeeIndex, kind: 'mue' | 'ncci-ptp'): NcciEditions {
  let byKind = cache.get(index);
  if (!byKind) {
    byKind = new Map();
    cache.set(index, byKind);
  }
  let editions = byKind.get(kind);
  if (!editions) {
    const all = index.editions(kind);
    editions = {
      dated: all
        .filter((e) => !e.id.includes('derived'))
        .sort((x, y) => (x.effective < y.effective ? 1 : -1)),
      undated: all.filter((e) => e.id.includes('derived')),
    };
    byKind.set(kind, editions);
  }
  return editions;
}
