import * as v from 'valibot';
import { isNpi } from './npi.js';
import { CONTRACT_BUCKETS, SuppliedSourceSchema } from './supplied.js';
import { TENANT_ID } from './tenant-id.js';

/**
 * The files a customer supplies (issue 20), input format v1, as strict Valibot schemas: one JSON
 * file per item (a conversion-factor edition, a fee table, a contract), a fee table's rows inline
 * or in a CSV file beside it. docs/supplied-data/README.md describes them field by field and its
 * `*.schema.json` are generated from these. What a schema cannot see alone (the jurisdiction is in
 * the registry, rows are unique, dates do not overlap an official edition) fee-data/supplied checks.
 */

/** The `format` every supplied file names. */
export const SUPPLIED_FORMAT = 'wcbr-supplied';
/** The version of the format this build reads. */
export const SUPPLIED_FORMAT_VERSION = 1;

/** A file id: lower-case letters, digits and dashes, as the store names its folders. */
export const SUPPLIED_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Service categories a conversion factor may be given for: the engine's `factorFor` takes
 * `<category>-facility` in a facility setting, else `<category>`, else `all`.
 */
export const FACTOR_BASE_CATEGORIES = [
  'all',
  'anesthesia',
  'surgery',
  'radiology',
  'pathology',
  'medicine',
  'evaluation-management',
] as const;
export const FACTOR_CATEGORIES = [
  ...FACTOR_BASE_CATEGORIES,
  ...FACTOR_BASE_CATEGORIES.map((c) => `${c}-facility` as const),
] as const;

/** The columns of a fee table's CSV (and the fields of an inline row), in the documented order. */
export const FEE_ROW_COLUMNS = [
  'code',
  'modifier',
  'non_facility',
  'facility',
  'rural',
  'pctc',
  'by_report',
] as const;

/** Whether a YYYY-MM-DD text names a real calendar day (2025-02-30 does not). */
export function isCalendarDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const DateSchema = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD'),
  v.check(isCalendarDay, 'not a calendar day'),
);

/** An amount in dollars as a cell holds it: blank, or a non-negative decimal with at most 2 decimals. */
const AmountCellSchema = v.pipe(
  v.string(),
  v.check((s) => !s.trim().startsWith('-'), 'an amount cannot be negative'),
  v.regex(/^(\d{1,7}(\.\d{1,2})?)?$/, 'an amount is blank or a decimal with at most 2 decimals'),
);

/**
 * One fee table row, as a CSV record or an inline object: every cell a string, as written.
 * Cross-cell rules (a by-report row has no amounts, 26/TC only for PC/TC indicator 1, one row a
 * code + modifier) are checked by fee-data/supplied/validate.ts.
 */
export const FeeRowInputSchema = v.strictObject({
  /** HCPCS/CPT code: five characters, digits and capitals. */
  code: v.pipe(v.string(), v.regex(/^[0-9A-Z]{5}$/, 'a code is five characters, 0-9 and A-Z')),
  /** Blank or a two-character modifier (26, TC, ...). */
  modifier: v.optional(
    v.pipe(v.string(), v.regex(/^([0-9A-Z]{2})?$/, 'a modifier is blank or two characters, 0-9 and A-Z')),
  ),
  non_facility: v.optional(AmountCellSchema),
  facility: v.optional(AmountCellSchema),
  /** The amount in a rural location, where the state has one. */
  rural: v.optional(AmountCellSchema),
  /** The PFS PC/TC indicator: blank or one digit. */
  pctc: v.optional(v.pipe(v.string(), v.regex(/^\d?$/, 'pctc is blank or one digit'))),
  /** Y: priced by report (no amount on the row). */
  by_report: v.optional(v.picklist(['', 'Y', 'N'], 'by_report is blank, Y or N')),
});
export type FeeRowInput = v.InferOutput<typeof FeeRowInputSchema>;

/** A CSV file beside the JSON file: a name only, never a path. */
const CsvNameSchema = v.pipe(
  v.string(),
  v.regex(/^[^/\\]+\.csv$/i, 'a CSV is named by its file name (ending .csv) without a directory'),
  v.check((s) => !s.includes('..'), 'a CSV name cannot hold ".."'),
);

/** Rows inline, or the name of a CSV file in the same directory as the JSON. */
const RowsSchema = v.union(
  [v.pipe(v.array(FeeRowInputSchema), v.minLength(1, 'a table has at least one row')), CsvNameSchema],
  'rows is an array of row objects or the name of a CSV file beside this one',
);

/** The customer's source, strict (unknown fields are errors); a link, when given, is https. */
const SourceInputSchema = v.strictObject({
  ...SuppliedSourceSchema.entries,
  url: v.optional(v.pipe(v.string(), v.url(), v.startsWith('https://', 'a source link is https'))),
});

const common = {
  format: v.literal(SUPPLIED_FORMAT),
  version: v.literal(SUPPLIED_FORMAT_VERSION),
  /** The file's id, unique in the store ("acme-tx-cf-2025"). */
  id: v.pipe(
    v.string(),
    v.regex(
      SUPPLIED_ID,
      'an id is lower-case letters, digits and dashes (at most 63), starting with a letter or digit',
    ),
  ),
  source: SourceInputSchema,
  /** Replaces an official edition we ship for the same dates (else such an overlap is refused). */
  supersedes: v.optional(v.boolean()),
  /** Anything a reader of an answer priced on this file should know. */
  notes: v.optional(v.array(v.string())),
};

const edition = {
  /** A jurisdiction id of the registry ("TX", "US-OWCP"), not US-MEDICARE. */
  jurisdiction: v.pipe(
    v.string(),
    v.regex(/^[A-Z]{2}(-[A-Z0-9-]+)?$/, 'a jurisdiction id such as TX or US-OWCP'),
  ),
  effective: DateSchema,
  /** The last day in force; null: until further notice. */
  termination: v.nullable(DateSchema),
};

/** A conversion-factor edition: a state's factors by service category, priced as RBRVS × factor. */
export const ConversionFactorsInputSchema = v.strictObject({
  ...common,
  kind: v.literal('conversion-factors'),
  ...edition,
  factors: v.pipe(
    v.array(
      v.strictObject({
        category: v.picklist(FACTOR_CATEGORIES, `a category is one of ${FACTOR_CATEGORIES.join(', ')}`),
        value: v.pipe(
          v.string(),
          v.regex(/^\d{1,5}(\.\d{1,4})?$/, 'a factor is a decimal with at most 4 decimals'),
          v.check((s) => Number(s) > 0, 'a factor is positive'),
        ),
      }),
    ),
    v.minLength(1, 'at least one factor'),
  ),
});
export type ConversionFactorsInput = v.InferOutput<typeof ConversionFactorsInputSchema>;

/** A fee table edition: amounts by code and modifier for a jurisdiction and dates. */
export const FeeTableInputSchema = v.strictObject({
  ...common,
  kind: v.literal('fee-table'),
  ...edition,
  /** What the table is, in words ("Acme's licensed copy of the 2025 table"). */
  label: v.pipe(v.string(), v.minLength(1)),
  rows: RowsSchema,
});
export type FeeTableInput = v.InferOutput<typeof FeeTableInputSchema>;

/** The reason codes a contract's change carries; default CO-45. */
const ReasonInputSchema = v.strictObject({
  groupCode: v.picklist(['CO', 'PR', 'OA', 'PI']),
  carc: v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,5}$/, 'a CARC such as 45')),
  rarc: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,7}$/, 'a RARC such as N381'))),
  internalCode: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9-]{1,40}$/))),
  stateCode: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9.-]{1,20}$/))),
});

/** A network contract: a tenant's agreed value for the providers it lists. */
export const ContractInputSchema = v.strictObject({
  ...common,
  kind: v.literal('contract'),
  /** The tenant whose bills it applies to (the token's tenant). */
  tenant: v.pipe(v.string(), v.regex(TENANT_ID, 'a tenant id: letters, digits, dot, dash, underscore')),
  /** The name answers show. */
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  providers: v.pipe(
    v.strictObject({
      npis: v.optional(
        v.array(
          v.pipe(
            v.string(),
            v.regex(/^\d{10}$/, 'an NPI is ten digits'),
            v.check(isNpi, 'not an NPI: the check digit is wrong'),
          ),
        ),
      ),
      tins: v.optional(v.array(v.pipe(v.string(), v.regex(/^\d{9}$/, 'a TIN is nine digits')))),
    }),
    v.check(
      (p) => (p.npis?.length ?? 0) + (p.tins?.length ?? 0) > 0,
      'a contract names at least one NPI or TIN',
    ),
  ),
  bucket: v.picklist(CONTRACT_BUCKETS),
  /** Jurisdictions it is limited to; none: every jurisdiction. */
  jurisdictions: v.optional(v.array(edition.jurisdiction)),
  effective: DateSchema,
  termination: v.nullable(DateSchema),
  /** Exactly one of the two: a percentage of the jurisdiction's allowance, or a table. */
  terms: v.pipe(
    v.strictObject({
      /** "90": 90% of the jurisdiction's allowance. */
      percentOfAllowance: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^\d{1,3}(\.\d{1,4})?$/, 'a percentage such as "90" or "110.5"'),
          v.check((s) => Number(s) > 0, 'a percentage is positive'),
        ),
      ),
      /** The contract's own amounts: rows or a CSV name, as a fee table's. */
      table: v.optional(RowsSchema),
    }),
    v.check(
      (t) => (t.percentOfAllowance === undefined) !== (t.table === undefined),
      'terms is {"percentOfAllowance": "90"} or {"table": rows or a CSV name}: exactly one',
    ),
  ),
  reason: v.optional(ReasonInputSchema),
});
export type ContractInput = v.InferOutput<typeof ContractInputSchema>;

/** Any supplied file, by its `kind`. */
export const SuppliedInputSchema = v.variant('kind', [
  ConversionFactorsInputSchema,
  FeeTableInputSchema,
  ContractInputSchema,
]);
export type SuppliedInput = v.InferOutput<typeof SuppliedInputSchema>;
