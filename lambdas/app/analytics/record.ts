/**
 * The analytics record (issue 19): one per line of every priced bill, with no identifier of any
 * person. It is the contract between the pricing path (which builds records), the stores (Parquet
 * under `tenant=<id>/month=<YYYY-MM>/` partitions: Firehose + S3 in AWS, the spool compactor
 * locally) and the queries (Athena over the Glue table, DuckDB locally). One column list,
 * {@link ANALYTICS_COLUMNS}, gives the Glue table's schema, DuckDB's read of the spool and the
 * record's keys, so the three cannot drift apart.
 *
 * What is never in a record: a bill id or reference, a control or claim number, any patient field,
 * a date finer than the month of service, a full ZIP, a request id. Bills are counted with
 * `first_line` (true on one record per bill), not with a key that would link records to a bill.
 * Amounts are whole cents (BIGINT): sums are exact in both engines.
 */

/** One adjustment of a line, as the record keeps it (the answer's Adjustment without its text). */
export interface AnalyticsAdjustment {
  readonly bucket: string;
  /** Cents withheld; negative when an external value raised the allowance. */
  readonly amount_cents: number;
  readonly group_code: string;
  readonly carc: string;
  readonly rarc: string | null;
  /** Our internal code: it names the rule or fee schedule step (BR-NCCI-PTP, FS-MAX…). */
  readonly internal_code: string;
  readonly state_code: string | null;
}

/** One bill review rule's decision on a line. */
export interface AnalyticsRuleDecision {
  readonly rule: string;
  readonly decision: string;
}

/** A line's aggregate record. Column names are snake_case, as Glue and Athena want them. */
export interface AnalyticsLineRecord {
  /** Partition: the tenant that priced the bill (from the token). */
  readonly tenant: string;
  /** Partition: the month of the line's date of service, "2026-03". */
  readonly month: string;
  /** The UTC day the bill was priced, "2026-12-07" (our processing date, not the patient's). */
  readonly priced_on: string;
  readonly jurisdiction: string;
  /** professional, outpatient, asc or inpatient. */
  readonly bill_type: string;
  readonly code: string;
  /** As billed, in order, comma-joined ("26,LT"); "" for none. */
  readonly modifiers: string;
  /** Professional lines: the place of service; null for facility lines. */
  readonly place_of_service: string | null;
  /** Facility bills: the UB-04 type of bill ("0131"); null otherwise. */
  readonly type_of_bill: string | null;
  /** First three digits of the ZIP that placed the bill; "000" for HHS's restricted ZIP3s; null when none. */
  readonly zip3: string | null;
  /** Organisation and provider NPIs (not PHI; provider KPIs need them). */
  readonly billing_npi: string | null;
  readonly rendering_npi: string | null;
  readonly units: number;
  /** priced, denied or unpriced. */
  readonly status: string;
  /** Why an unpriced line has no amount (NO-EDITION…); null otherwise. */
  readonly unpriced_reason: string | null;
  readonly billed_cents: number;
  /** Null for an unpriced line. */
  readonly allowed_cents: number | null;
  /** The buckets (priced and denied lines; null when unpriced). */
  readonly fee_schedule_cents: number | null;
  readonly bill_review_cents: number | null;
  readonly ppo_cents: number | null;
  readonly ur_cents: number | null;
  readonly negotiated_cents: number | null;
  readonly adjuster_cents: number | null;
  readonly customer_cents: number | null;
  readonly adjustments: readonly AnalyticsAdjustment[];
  /** The rules that reduced, denied or flagged the line (not those that changed nothing: records.ts says why). */
  readonly rules: readonly AnalyticsRuleDecision[];
  /** The fee schedule method and edition that priced the line; null when none did. */
  readonly fee_method: string | null;
  readonly edition: string | null;
  /** True on exactly one record of each bill: bills are counted with it. */
  readonly first_line: boolean;
  /** Lines of the bill the record came from. */
  readonly bill_lines: number;
  /** Milliseconds the bill took to price (the same on each of its records). */
  readonly pricing_ms: number;
}

/** A column's type, named once and written in each engine's dialect. */
export type ColumnType =
  | 'string'
  | 'bigint'
  | 'int'
  | 'double'
  | 'boolean'
  | { readonly list: readonly (readonly [name: string, type: 'string' | 'bigint'])[] };

/** The record's columns, in table order, the partition columns (tenant, month) last as Hive keeps them. */
export const ANALYTICS_COLUMNS: readonly (readonly [name: keyof AnalyticsLineRecord, type: ColumnType])[] = [
  ['priced_on', 'string'],
  ['jurisdiction', 'string'],
  ['bill_type', 'string'],
  ['code', 'string'],
  ['modifiers', 'string'],
  ['place_of_service', 'string'],
  ['type_of_bill', 'string'],
  ['zip3', 'string'],
  ['billing_npi', 'string'],
  ['rendering_npi', 'string'],
  ['units', 'int'],
  ['status', 'string'],
  ['unpriced_reason', 'string'],
  ['billed_cents', 'bigint'],
  ['allowed_cents', 'bigint'],
  ['fee_schedule_cents', 'bigint'],
  ['bill_review_cents', 'bigint'],
  ['ppo_cents', 'bigint'],
  ['ur_cents', 'bigint'],
  ['negotiated_cents', 'bigint'],
  ['adjuster_cents', 'bigint'],
  ['customer_cents', 'bigint'],
  [
    'adjustments',
    {
      list: [
        ['bucket', 'string'],
        ['amount_cents', 'bigint'],
        ['group_code', 'string'],
        ['carc', 'string'],
        ['rarc', 'string'],
        ['internal_code', 'string'],
        ['state_code', 'string'],
      ],
    },
  ],
  [
    'rules',
    {
      list: [
        ['rule', 'string'],
        ['decision', 'string'],
      ],
    },
  ],
  ['fee_method', 'string'],
  ['edition', 'string'],
  ['first_line', 'boolean'],
  ['bill_lines', 'int'],
  ['pricing_ms', 'double'],
  ['tenant', 'string'],
  ['month', 'string'],
];

/** The partition columns, in path order: `tenant=<id>/month=<YYYY-MM>/`. */
export const PARTITION_COLUMNS = ['tenant', 'month'] as const;

/** The table (Glue) and the local directory under the analytics root. */
export const LINES_TABLE = 'lines';
