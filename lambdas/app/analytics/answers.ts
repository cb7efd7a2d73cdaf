/**
 * The answers of the analytics routes (issue 19): the shapes the KPI and benchmark services return,
 * the KPI page reads and the OpenAPI document describes. Money is a string with two decimals;
 * rates are percentages as strings with two decimals ("41.27").
 */

/** The KPI groupings `groupBy` takes. */
export const KPI_GROUPS = ['month', 'jurisdiction', 'code', 'provider', 'reason'] as const;
export type KpiGroup = (typeof KPI_GROUPS)[number];

/** Amounts of a set of lines. Savings are billed less allowed over priced and denied lines. */
export interface KpiAmounts {
  readonly bills: number;
  readonly lines: number;
  /** Billed over priced and denied lines (unpriced lines are counted apart). */
  readonly billed: string;
  readonly allowed: string;
  readonly savings: string;
  /** savings ÷ billed × 100, two decimals; null when nothing was billed. */
  readonly savingsRate: string | null;
  readonly unpricedLines: number;
  readonly unpricedBilled: string;
}

/** One group of a grouped answer: its key ("2026-03", "AZ", "99213", an NPI, "CO-45") and amounts. */
export interface KpiGroupRow extends KpiAmounts {
  readonly key: string;
}

/** A reduction total: by bucket, by rule (internal code) or by reason code. */
export interface KpiReduction {
  readonly key: string;
  /** Lines the reduction touched. */
  readonly lines: number;
  /** Cents withheld, as money; negative when external values raised more than they cut. */
  readonly amount: string;
}

/** A top code or provider. */
export interface KpiTop {
  readonly key: string;
  readonly lines: number;
  readonly billed: string;
  readonly savings: string;
}

export interface KpiAnswer {
  readonly tenant: string;
  /** Months of service, inclusive, "2026-01". */
  readonly from: string;
  readonly to: string;
  readonly jurisdiction: string | null;
  readonly groupBy: KpiGroup | null;
  readonly totals: KpiAmounts;
  /** Present when `groupBy` is given, in the group's natural order (months ascending, others by billed). */
  readonly groups: readonly KpiGroupRow[] | null;
  /** Withheld by bucket (adjustment buckets: feeSchedule, billReview, ppo…). */
  readonly reductionsByBucket: readonly KpiReduction[];
  /** Withheld by rule: the adjustments' internal codes (BR-NCCI-PTP, FS-MAX…). */
  readonly reductionsByRule: readonly KpiReduction[];
  /** Withheld by reason: group code and CARC ("CO-45"). */
  readonly reductionsByReason: readonly KpiReduction[];
  /** Unpriced lines by why (NO-EDITION…). */
  readonly unpriced: readonly { readonly reason: string; readonly lines: number; readonly billed: string }[];
  readonly topCodes: { readonly byBilled: readonly KpiTop[]; readonly bySavings: readonly KpiTop[] };
  readonly topProviders: { readonly byBilled: readonly KpiTop[]; readonly bySavings: readonly KpiTop[] };
  /** Mean milliseconds to price a bill over the range. */
  readonly meanPricingMs: number | null;
  /** The engine that answered and what it read. */
  readonly query: { readonly engine: 'athena' | 'duckdb'; readonly bytesScanned: number | null };
}

/** Percentiles 10, 25, 50, 75, 90 of an amount per unit of service. */
export interface Percentiles {
  readonly p10: string;
  readonly p25: string;
  readonly p50: string;
  readonly p75: string;
  readonly p90: string;
}

/** A distribution behind a benchmark. */
export interface Distribution {
  readonly lines: number;
  readonly tenants: number;
  /** Billed charge per unit. */
  readonly billed: Percentiles;
  /** Allowed per unit (priced and denied lines). */
  readonly allowed: Percentiles | null;
}

/** The minimum behind a published cross-tenant figure (issue 19). */
export const PUBLICATION_THRESHOLD = { lines: 11, tenants: 3 } as const;

export interface BenchmarkAnswer {
  readonly code: string;
  readonly jurisdiction: string | null;
  readonly zip3: string | null;
  /** "2026Q1", or null for every quarter held. */
  readonly quarter: string | null;
  /** Across all tenants: published only at or above the threshold, else why not. */
  readonly peers:
    | ({ readonly published: true } & Distribution)
    | { readonly published: false; readonly reason: string; readonly lines: null; readonly tenants: null };
  /** The caller's own lines: always answered (null when it has none). */
  readonly own: Omit<Distribution, 'tenants'> | null;
  readonly query: { readonly engine: 'athena' | 'duckdb'; readonly bytesScanned: number | null };
}

/** On a priced line when the bill asked `"compare": true`. */
export interface LineComparison {
  /** Percentile (0–100, whole) of the line's charge per unit among its peers; null when not published. */
  readonly percentile: number | null;
  /** What the line was compared with: jurisdiction, code, modifier group and months. */
  readonly basis: string;
  readonly peers: { readonly lines: number; readonly tenants: number } | null;
  /** Why there is no percentile (too few peers, no snapshot yet, an unpriced line…). */
  readonly reason?: string;
}
