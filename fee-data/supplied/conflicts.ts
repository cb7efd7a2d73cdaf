/**
 * The conflicts a set of supplied files may not have (docs/supplied-data/README.md, "Precedence and
 * conflicts"), checked when files are added and again when an index is built:
 * - a supplied edition whose dates overlap an official edition of its jurisdiction that carries
 *   values (factors or a table), unless the file says `"supersedes": true`;
 * - two supplied editions of one jurisdiction with overlapping dates (which would price?);
 * - two contracts of one tenant and bucket with overlapping dates sharing an NPI or a TIN.
 */
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import type { SuppliedError, SuppliedItem } from './validate.js';

/** The last day of an open-ended range, for comparisons of YYYY-MM-DD texts. */
const OPEN = '9999-12-31';

interface Range {
  readonly from: string;
  readonly to: string;
}

const overlaps = (a: Range, b: Range) => a.from <= b.to && b.from <= a.to;
const shown = (r: Range) => `${r.from} to ${r.to === OPEN ? 'open' : r.to}`;

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The official editions of a jurisdiction's professional bill type that carry values, with the
 * dates each is in force: an edition without a termination runs to the day before the next one.
 */
function officialEditionsWithValues(j: Jurisdiction): { id: string; range: Range }[] {
  const professional = j.billTypes.professional;
  const table = professional.method === 'state-table';
  return professional.editions.flatMap((e, i) => {
    const next = professional.editions[i + 1];
    const to = e.termination ?? (next ? dayBefore(next.effective) : OPEN);
    const hasValues = table || e.method === 'state-table' || (e.factors?.length ?? 0) > 0;
    return hasValues ? [{ id: e.id, range: { from: e.effective, to } }] : [];
  });
}

/**
 * Every conflict among supplied items and with the official registry. Items are in the order they
 * came (the store's first, then those being added); a conflict between two items is reported on the
 * later one's file.
 *
 * @param items - the store's items and the new ones
 * @param jurisdictions - the official registry
 * @returns the conflicts, empty when there are none
 */
export function suppliedConflicts(
  items: readonly SuppliedItem[],
  jurisdictions: readonly Jurisdiction[],
): SuppliedError[] {
  const errors: SuppliedError[] = [];
  const byId = new Map(jurisdictions.map((j) => [j.id, j]));
  const editions: { item: SuppliedItem; jurisdiction: string; range: Range }[] = [];
  const contracts: { item: SuppliedItem; range: Range }[] = [];
  for (const item of items) {
    const input = item.input;
    const range = { from: input.effective, to: input.termination ?? OPEN };
    if (input.kind === 'contract') {
      contracts.push({ item, range });
      continue;
    }
    const j = byId.get(input.jurisdiction);
    if (j !== undefined && input.supersedes !== true) {
      for (const official of officialEditionsWithValues(j)) {
        if (!overlaps(range, official.range)) continue;
        errors.push({
          file: item.file,
          column: 'effective',
          message:
            `${item.id} (${shown(range)}) overlaps the official edition ${official.id} (${shown(official.range)}), ` +
            `which carries values; add "supersedes": true to the file to use it instead for those dates`,
        });
      }
    }
    for (const earlier of editions) {
      if (earlier.jurisdiction !== input.jurisdiction || !overlaps(range, earlier.range)) continue;
      errors.push({
        file: item.file,
        column: 'effective',
        message:
          `${item.id} (${shown(range)}) overlaps the supplied edition ${earlier.item.id} (${shown(earlier.range)}) ` +
          `of ${input.jurisdiction}: one supplied edition a jurisdiction and date (remove or re-date one)`,
      });
    }
    editions.push({ item, jurisdiction: input.jurisdiction, range });
  }
  contracts.forEach(({ item, range }, i) => {
    const input = item.input;
    if (input.kind !== 'contract') return;
    for (const earlier of contracts.slice(0, i)) {
      const other = earlier.item.input;
      if (other.kind !== 'contract' || other.tenant !== input.tenant || other.bucket !== input.bucket)
        continue;
      if (!overlaps(range, earlier.range)) continue;
      const npis = new Set(other.providers.npis ?? []);
      const tins = new Set(other.providers.tins ?? []);
      const shared = [
        ...(input.providers.npis ?? []).filter((n) => npis.has(n)).map((n) => `NPI ${n}`),
        ...(input.providers.tins ?? []).filter((t) => tins.has(t)).map((t) => `TIN ${t}`),
      ];
      if (shared.length === 0) continue;
      errors.push({
        file: item.file,
        column: 'providers',
        message:
          `${item.id} (${shown(range)}) and ${earlier.item.id} (${shown(earlier.range)}) are both ${input.bucket} ` +
          `contracts of tenant ${input.tenant} for ${shared.slice(0, 3).join(', ')}${shared.length > 3 ? ', …' : ''}: ` +
          'one contract a provider, bucket and date',
      });
    }
  });
  return errors;
}
