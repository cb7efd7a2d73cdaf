import type { SuppliedProvenance } from '../domain/supplied.js';
import type { ExternalValueInput } from './bill/schema.js';
import type { FieldError } from './errors.js';
import { type Cents, parseSignedCents, percentOf, signedPercentOf } from './money.js';
import { BUCKETS, type Bucket } from './priced-bill.js';
import { RULES } from './rules/index.js';

/**
 * External values (PPO, UR, negotiated, adjuster, customer): checked here when the bill is
 * normalised (impossible or conflicting instructions are field errors, never a silent pick), and
 * applied by the values stage (stages/values.ts). The rules of application are in
 * docs/decisions/006-buckets-and-external-values.md.
 */

export type ExternalMode = 'override' | 'replace' | 'add' | 'single';

export interface ExternalReason {
  readonly groupCode: 'CO' | 'PR' | 'OA' | 'PI';
  readonly carc: string;
  readonly rarc?: string;
  readonly internalCode: string;
  readonly stateCode?: string;
}

/** One value as the engine applies it to one line. */
export interface ExternalValue {
  readonly bucket: Bucket;
  readonly mode: ExternalMode;
  /** Cents (negative only for `add`); undefined when the value is a percentage. */
  readonly amount: Cents | undefined;
  /** A signed decimal ("-10", "90"); undefined when the value is an amount. */
  readonly percent: string | undefined;
  readonly when: 'before' | 'during' | 'after';
  /** With `during`: the id of the rule the value applies just before. */
  readonly rule: string | undefined;
  readonly source: string;
  readonly reason: ExternalReason;
  /** JSON path of the value in the request. */
  readonly field: string;
  /** A bill-level value (its amount is this line's share). */
  readonly billLevel: boolean;
  /** A contract the customer supplied (issue 20, contracts.ts) made this value: its provenance. */
  readonly supplied?: SuppliedProvenance;
}

/** The ids of the bill review rules a value can apply during. */
const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

/** A bill-level value and the lines it is for (indexes into the bill's lines). */
export interface BillValue {
  readonly value: ExternalValue;
  readonly targets: readonly number[];
}

/** Checks one value as sent; undefined (with field errors) when it cannot be applied. */
function checkValue(
  input: ExternalValueInput,
  field: string,
  billLevel: boolean,
  errors: FieldError[],
): ExternalValue | undefined {
  const before = errors.length;
  const err = (path: string, errorMessage: string) => errors.push({ field: `${field}${path}`, errorMessage });
  if ((input.amount === undefined) === (input.percent === undefined)) {
    err('', 'send either an amount or a percent');
  }
  if (input.amount?.startsWith('-') && input.mode !== 'add') {
    err('.amount', 'only an add value can be negative (a reduction)');
  }
  if (input.percent !== undefined) {
    const p = Number(input.percent);
    if (Math.abs(p) > 100) err('.percent', 'a percentage over 100 cannot be applied');
    else if (p < 0 && input.mode !== 'add') err('.percent', 'only an add value can be a negative percentage');
  }
  if (input.when !== undefined && (input.mode === 'override' || input.mode === 'single')) {
    err('.when', `${input.mode} replaces the rules for the line; when does not apply to it`);
  }
  if (input.when === 'before' && input.bucket !== 'feeSchedule') {
    err('.when', 'only a fee schedule value can be applied before the rules (they act on it)');
  }
  if (input.when === 'during' && input.bucket !== 'feeSchedule' && input.bucket !== 'billReview') {
    err('.when', 'only a fee schedule or bill review value can be applied during the rules');
  }
  if (input.when === 'during' && (input.rule === undefined || !RULE_IDS.includes(input.rule))) {
    err('.rule', `during needs the id of a bill review rule: ${RULE_IDS.join(', ')}`);
  }
  if (input.rule !== undefined && input.when !== 'during') {
    err('.rule', 'rule goes with when: "during"');
  }
  if (input.lineNumbers !== undefined && !billLevel) {
    err('.lineNumbers', 'lineNumbers is for bill-level values; this value is on a line already');
  }
  if (errors.length > before) return undefined;
  return {
    bucket: input.bucket,
    mode: input.mode,
    amount: input.amount === undefined ? undefined : parseSignedCents(input.amount),
    percent: input.percent,
    when: input.when ?? 'after',
    rule: input.rule,
    source: input.source,
    reason: {
      groupCode: input.reason.groupCode,
      carc: input.reason.carc,
      ...(input.reason.rarc === undefined ? {} : { rarc: input.reason.rarc }),
      internalCode:
        input.reason.internalCode ?? `EXT-${input.bucket.toUpperCase()}-${input.mode.toUpperCase()}`,
      ...(input.reason.stateCode === undefined ? {} : { stateCode: input.reason.stateCode }),
    },
    field,
    billLevel,
  };
}

/**
 * Checks the bill's and the lines' external values and finds conflicts: two overrides (or singles)
 * on one line, a single with any other value on its line, two replacements of one bucket at the
 * same time, a bill-level value for a line the bill does not have.
 *
 * @param billValues - the bill's `externalValues`
 * @param lines - per line (in request order): its number, JSON path and `externalValues`
 * @param errors - where field errors go
 * @returns the bill-level values with their target lines, and each line's own values
 */
export function checkExternalValues(
  billValues: readonly ExternalValueInput[] | undefined,
  lines: readonly {
    readonly lineNumber: number;
    readonly path: string;
    readonly values: readonly ExternalValueInput[] | undefined;
  }[],
  errors: FieldError[],
): { bill: BillValue[]; perLine: ExternalValue[][] } {
  const perLine: ExternalValue[][] = lines.map((l) =>
    (l.values ?? []).flatMap((input, i) => {
      const value = checkValue(input, `${l.path}.externalValues[${i}]`, false, errors);
      return value ? [value] : [];
    }),
  );
  const bill: BillValue[] = [];
  (billValues ?? []).forEach((input, i) => {
    const field = `externalValues[${i}]`;
    const value = checkValue(input, field, true, errors);
    if (!value) return;
    const targets: number[] = [];
    if (input.lineNumbers === undefined) {
      for (let index = 0; index < lines.length; index++) targets.push(index);
    } else {
      input.lineNumbers.forEach((n, k) => {
        const index = lines.findIndex((l) => l.lineNumber === n);
        if (index < 0)
          errors.push({ field: `${field}.lineNumbers[${k}]`, errorMessage: `line ${n} is not on this bill` });
        else if (!targets.includes(index)) targets.push(index);
      });
    }
    bill.push({ value, targets });
  });
  // Conflicts, line by line, over the line's own values and the bill-level values for it.
  lines.forEach((line, index) => {
    const all = [
      ...(perLine[index] ?? []),
      ...bill.filter((b) => b.targets.includes(index)).map((b) => b.value),
    ];
    const exclusive = all.filter((v) => v.mode === 'override' || v.mode === 'single');
    if (exclusive.length > 1) {
      errors.push({
        field: (exclusive[1] as ExternalValue).field,
        errorMessage: `line ${line.lineNumber} already has ${(exclusive[0] as ExternalValue).mode} ${(exclusive[0] as ExternalValue).field}: two overrides of one line cannot both apply`,
      });
    }
    const single = all.find((v) => v.mode === 'single');
    if (single && all.length > 1) {
      const other = all.find((v) => v !== single) as ExternalValue;
      errors.push({
        field: other.field,
        errorMessage: `line ${line.lineNumber} has single ${single.field}, which puts its whole allowance in one bucket: no other value can apply to it`,
      });
    }
    const replaced = new Map<string, ExternalValue>();
    for (const v of all.filter((x) => x.mode === 'replace')) {
      const key = `${v.bucket}|${v.when}|${v.rule ?? ''}`;
      const first = replaced.get(key);
      if (first) {
        errors.push({
          field: v.field,
          errorMessage: `line ${line.lineNumber}: ${first.field} already replaces the ${v.bucket} value ${v.when} the rules`,
        });
      } else {
        replaced.set(key, v);
      }
    }
  });
  return { bill, perLine };
}

/**
 * The order values apply in on one line (after the rules): by bucket (fee schedule first), then
 * replacements before additions, amounts before percentages, line values before bill values, then
 * the order sent. A percentage is of the allowance when it applies.
 */
export function applicationOrder(values: readonly ExternalValue[]): ExternalValue[] {
  const rank = (v: ExternalValue) => [
    BUCKETS.indexOf(v.bucket),
    v.mode === 'replace' ? 0 : 1,
    v.amount !== undefined ? 0 : 1,
    v.billLevel ? 1 : 0,
  ];
  return values
    .map((v, i) => ({ v, i, r: rank(v) }))
    .sort((a, b) => {
      for (let k = 0; k < a.r.length; k++) {
        const d = (a.r[k] as number) - (b.r[k] as number);
        if (d !== 0) return d;
      }
      return a.i - b.i;
    })
    .map((x) => x.v);
}

/** What a value changes the running allowance by, before the limits. */
export function changeOf(value: ExternalValue, running: Cents): number {
  if (value.mode === 'replace') {
    const target = value.amount ?? percentOf(running, value.percent as string);
    return target - running;
  }
  return value.amount ?? signedPercentOf(running, value.percent as string);
}
