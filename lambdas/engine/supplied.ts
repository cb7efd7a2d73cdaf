import type { SuppliedProvenance } from '../domain/supplied.js';
import type { Regulation } from './adjustments/reason-codes.js';
import type { SuppliedUse } from './priced-bill.js';

/**
 * How an answer names what the customer supplied (issue 20): an edition (conversion factors or a
 * fee table) or a contract that set a line's amounts. The figures are the customer's, not ours, and
 * every place that shows one says so: the line's `supplied` field, a notice in words, and the
 * step's inputs and citation.
 */

const KIND_WORDS: Readonly<Record<SuppliedProvenance['kind'], string>> = {
  'conversion-factors': 'conversion factors',
  'fee-table': 'fee table',
  contract: 'contract',
};

/**
 * The line's `supplied` entry for a supplied file.
 *
 * @param p - the file's provenance, as the index carries it
 * @returns id, kind, who supplied it, when, and the customer's source
 */
export function suppliedUse(p: SuppliedProvenance): SuppliedUse {
  const source =
    p.source.url === undefined
      ? { citation: p.source.citation }
      : { citation: p.source.citation, url: p.source.url };
  return { id: p.id, kind: p.kind, suppliedBy: p.suppliedBy, suppliedAt: p.suppliedAt, source };
}

/**
 * The notice a line priced on a supplied file carries, in words.
 *
 * @param p - the file's provenance
 * @param what - what it did ("priced this line", "set the PPO value")
 * @returns "… supplied by X on DATE (source: …): the customer's figure, not a value we publish."
 */
export function suppliedNotice(p: SuppliedProvenance, what: string): string {
  return `${KIND_WORDS[p.kind]} ${p.id} ${what}: supplied by ${p.suppliedBy} on ${p.suppliedAt.slice(0, 10)} (source: ${p.source.citation}): the customer's figure, not a value we publish.`;
}

/**
 * The citation of a step that used a supplied file: the customer's source, marked as theirs.
 *
 * @param p - the file's provenance
 * @returns the regulation the step cites
 */
export function suppliedRegulation(p: SuppliedProvenance): Regulation {
  return {
    citation: `${p.source.citation} (the customer's source, supplied by ${p.suppliedBy}; not a source we publish)`,
    url: p.source.url ?? '',
  };
}

/**
 * The inputs a step that used a supplied file adds: which file, who supplied it and when.
 *
 * @param p - the file's provenance
 * @returns suppliedId, suppliedBy, suppliedAt
 */
export function suppliedInputs(p: SuppliedProvenance): Record<string, string> {
  return { suppliedId: p.id, suppliedBy: p.suppliedBy, suppliedAt: p.suppliedAt };
}

/**
 * The data release an answer names: the index's release id. An index built before issue 20 carries
 * none; it answers "unreleased" rather than failing every bill (every index built now has one).
 *
 * @param index - anything with the fee index's `release()`
 * @returns "r3f9a0c1d2e4b", or "unreleased"
 */
export function dataReleaseOf(index: { release(): { readonly id: string } | undefined }): string {
  return index.release()?.id ?? 'unreleased';
}
