import type { Jurisdiction } from './jurisdictions.js';
import type { SuppliedUse } from './priced-bill.js';
import { suppliedUse } from './supplied.js';

type Source = { readonly citation: string; readonly url?: string; readonly file?: string };

/** How a jurisdiction prices one facility bill type, as the list shows it. */
export interface FacilityMethodSummary {
  readonly method: 'state-table' | 'percent-of-medicare' | 'medicare-fallback' | 'medicare' | 'unsupported';
  /** The Medicare system the factors multiply or the fallback prices on. */
  readonly basis?: 'opps' | 'asc' | 'ipps';
  readonly missing?: string;
  readonly editions: readonly {
    readonly id: string;
    readonly effective: string;
    readonly termination: string | null;
    readonly factors: readonly { readonly category: string; readonly value: string }[];
  }[];
  /** Ids of the items the state pays apart ("implantables"). */
  readonly carveOuts: readonly string[];
  readonly sources: readonly Source[];
}

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
  /**
   * Editions the customer supplied (issue 20), which win over `editions` on their dates for
   * professional lines: how each prices, its dates, and who supplied it, when, from what. Absent
   * when there are none.
   */
  readonly supplied?: readonly {
    readonly id: string;
    readonly method: string;
    readonly effective: string;
    readonly termination: string | null;
    readonly supplied: SuppliedUse;
  }[];
  readonly sources: readonly Source[];
  /** The facility bill types the file records (issue 16): outpatient, asc, inpatient. */
  readonly facility: {
    readonly outpatient?: FacilityMethodSummary;
    readonly asc?: FacilityMethodSummary;
    readonly inpatient?: FacilityMethodSummary;
  };
}

/** The facility bill types, in the order the summary lists them (lambdas/domain/jurisdiction-schema.ts). */
const FACILITY_BILL_TYPES = ['outpatient', 'asc', 'inpatient'] as const;

/**
 * Summarises a jurisdiction: its professional method, editions and every source they cite, and the
 * method, factors and sources of each facility bill type it records.
 *
 * @param j - a jurisdiction file
 * @returns the summary
 * @example summariseJurisdiction(nc).facility.inpatient?.editions[0]?.factors // [{ category: 'all', value: '1.60' }]
 */
export function summariseJurisdiction(j: Jurisdiction): JurisdictionSummary {
  const professional = j.billTypes.professional;
  const facility: Record<string, FacilityMethodSummary> = {};
  for (const name of FACILITY_BILL_TYPES) {
    const bt = j.billTypes[name];
    if (bt === undefined) continue;
    facility[name] = {
      method: bt.method,
      ...(bt.basis ? { basis: bt.basis } : {}),
      ...(bt.missing ? { missing: bt.missing } : {}),
      editions: bt.editions.map((e) => ({
        id: e.id,
        effective: e.effective,
        termination: e.termination,
        factors: (e.factors ?? []).map((f) => ({ category: f.category, value: f.value })),
      })),
      carveOuts: (bt.carveOuts ?? []).map((c) => c.id),
      sources: distinct([
        ...(bt.sources ?? []),
        ...bt.editions.flatMap((e) => [...e.sources, ...(e.factors ?? []).map((f) => f.source)]),
      ]),
    };
  }
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
    ...(professional.supplied !== undefined && professional.supplied.length > 0
      ? {
          // Every supplied edition carries its provenance (the build sets it); one without is not listed.
          supplied: professional.supplied.flatMap((e) =>
            e.supplied === undefined
              ? []
              : [
                  {
                    id: e.id,
                    method: e.method ?? professional.method,
                    effective: e.effective,
                    termination: e.termination,
                    supplied: suppliedUse(e.supplied),
                  },
                ],
          ),
        }
      : {}),
    // Our sources only: a supplied edition's source is the customer's, named on its entry.
    sources: distinct(
      professional.editions.flatMap((e) => [...e.sources, ...(e.factors ?? []).map((f) => f.source)]),
    ),
    facility,
  };
}

/** Sources without repeats, first occurrence first. */
function distinct(sources: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.citation}|${s.url ?? ''}|${s.file ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
