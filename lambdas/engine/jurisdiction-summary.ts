import type { Jurisdiction } from './jurisdictions.js';

/** One line of the jurisdiction list: `wcbr jurisdictions --json` and `GET /v1/jurisdictions`. */
export interface JurisdictionSummary {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly missing?: string;
  readonly editions: readonly {
    readonly id: string;
    readonly effective: string;
    readonly termination: string | null;
  }[];
  readonly sources: readonly { readonly citation: string; readonly url?: string; readonly file?: string }[];
}

/**
 * Summarises a jurisdiction: its professional method, editions and every source they cite.
 *
 * @param j - a jurisdiction file
 * @returns the summary
 */
export function summariseJurisdiction(j: Jurisdiction): JurisdictionSummary {
  const professional = j.billTypes.professional;
  const seen = new Set<string>();
  const sources = professional.editions
    .flatMap((e) => [...e.sources, ...(e.factors ?? []).map((f) => f.source)])
    .filter((s) => {
      const key = `${s.citation}|${s.url ?? ''}|${s.file ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return {
    id: j.id,
    name: j.name,
    method: professional.method,
    ...(professional.missing ? { missing: professional.missing } : {}),
    editions: professional.editions.map((e) => ({
      id: e.id,
      effective: e.effective,
      termination: e.termination,
    })),
    sources,
  };
}
