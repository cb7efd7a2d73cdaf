import { distribute } from '../distribute.js';
import { applicationOrder, type BillValue, changeOf, type ExternalValue } from '../external-values.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { type Cents, cents, formatCents, percentOf } from '../money.js';
import type { Adjustment, ExplanationStep } from '../priced-bill.js';
import { suppliedInputs, suppliedRegulation } from '../supplied.js';
import type { AdjustedLine } from './assemble.js';

/**
 * The external values stage (docs/decisions/006-buckets-and-external-values.md), for any line a
 * bill type prices: customer, PPO, UR, negotiated and adjuster values set before, during or after
 * the rules, at line or bill level. Written against `ValueLine`, the few fields it reads and writes,
 * so a professional line and a facility line both go through the same code.
 */

/** Fee schedule values set before the rules: the amount the rules act on, and why. */
export interface BeforeValue {
  readonly amount: Cents;
  readonly step: ExplanationStep;
  readonly value: ExternalValue;
}

/** What the values stage needs of a line: its number, charge and own values, and where it records. */
export interface ValueLine extends AdjustedLine {
  readonly line: {
    readonly lineNumber: number;
    readonly charge: Cents;
    /** The line's own values as sent (bill-level ones are shared out by `resolveValues`). */
    readonly externalValues: readonly ExternalValue[];
  };
  /** External values for the line: its own and its share of the bill's (set by `resolveValues`). */
  values: ExternalValue[];
  /** An override or single value: the line skips the fee schedule and bill review rules. */
  exclusive: ExternalValue | undefined;
  /** Fee schedule values set before the rules (set by `resolveValues`). */
  before: BeforeValue | undefined;
}

/** Shared by the lines without values (frozen: nothing may add to it). */
export const NO_EXTERNAL_VALUES = Object.freeze([]) as unknown as ExternalValue[];

/** How `resolveValues` asks a bill type about its lines. */
export interface ValueLineQuestions<L> {
  /** Whether the line has a fee schedule allowance (only such lines take amounts and percentages). */
  readonly hasAllowance: (item: L) => boolean;
  /** The line's fee schedule amount before the rules (what a `before` value starts from). */
  readonly feeAmount: (item: L) => Cents;
}

/**
 * An adjustment an external value makes: its own reason codes and source, no regulation. Records
 * the reduction in the line's bucket totals.
 *
 * @param item - the line (its `reductions` receive the amount)
 * @param value - the value that made the change
 * @param amount - cents withheld (negative: added to the bucket)
 * @param message - the explanation, as on the line's step
 * @returns the adjustment
 */
export function externalAdjustment(
  item: AdjustedLine,
  value: ExternalValue,
  amount: Cents,
  message: string,
): Adjustment {
  item.reductions.push({ bucket: value.bucket, cents: amount });
  return {
    bucket: value.bucket,
    amount: formatCents(amount),
    internalCode: value.reason.internalCode,
    groupCode: value.reason.groupCode,
    carc: value.reason.carc,
    ...(value.reason.rarc === undefined ? {} : { rarc: value.reason.rarc }),
    ...(value.reason.stateCode === undefined ? {} : { stateCode: value.reason.stateCode }),
    message,
    source: value.source,
  };
}

/**
 * Where the jurisdiction forbids a PPO to pay below the fee schedule on this bill type: the floor.
 *
 * @param j - the jurisdiction
 * @param billType - the bill's type as the jurisdiction file names it ("professional", …)
 * @param payable - the line's payable amount after the rules (the floor)
 * @returns the floor and its citation, or undefined when the jurisdiction sets none
 */
export function ppoFloor(
  j: Jurisdiction,
  billType: string,
  payable: Cents,
): { amount: Cents; citation: string } | undefined {
  const rule = j.ppoBelowFeeSchedule;
  // Bill types the file names as strings: a facility type is compared as the file will name it.
  const forbidden: readonly string[] = rule?.forbiddenFor ?? [];
  if (!rule || !forbidden.includes(billType)) return undefined;
  return { amount: payable, citation: rule.source.citation };
}

/**
 * Applies the line's external values after the rules (not those before or during them, not the override), in
 * their documented order, each as an adjustment in its bucket. A value never takes the allowance
 * below zero nor, unless the line is overridden, above the billed charge (the lesser of billed).
 *
 * @param item - the line, with its values resolved
 * @param start - the allowance the values start from (the lesser of billed and the fee after the rules)
 * @param charge - the line's billed charge
 * @param adjustments - the line's adjustments (the values' are appended)
 * @param steps - the line's explanation (a step a value)
 * @param overridden - the line is priced by an override (no ceiling at billed)
 * @param floor - a PPO floor from `ppoFloor`, where the jurisdiction sets one
 * @returns the allowed amount
 */
export function applyAfterValues(
  item: ValueLine,
  start: Cents,
  charge: Cents,
  adjustments: Adjustment[],
  steps: ExplanationStep[],
  overridden: boolean,
  floor?: { amount: Cents; citation: string },
): Cents {
  if (item.values.length === 0) return start;
  let running: number = start;
  for (const value of applicationOrder(item.values)) {
    if (value.when !== 'after' || value === item.exclusive) continue;
    const wanted = changeOf(value, cents(running));
    const ceiling = overridden ? Number.POSITIVE_INFINITY : charge - running;
    const least = value.bucket === 'ppo' && floor ? Math.min(floor.amount, running) : 0;
    const change = Math.min(Math.max(wanted, least - running), Math.max(ceiling, 0));
    const how = value.amount !== undefined ? formatCents(value.amount) : `${value.percent}%`;
    const limited =
      change === wanted
        ? ''
        : change > wanted
          ? least > 0
            ? ` (limited: a PPO may not pay below the fee schedule allowance ${formatCents(cents(least))} here, ${floor?.citation})`
            : ' (limited: the allowance cannot go below zero)'
          : ` (limited: the allowance cannot exceed billed ${formatCents(charge)})`;
    const text = `${value.source} (${value.field}): ${value.mode} ${how} in ${value.bucket}: ${formatCents(cents(running))} → ${formatCents(cents(running + change))}${limited}.`;
    steps.push(
      value.supplied === undefined
        ? {
            step: 'external-value',
            text,
            inputs: { bucket: value.bucket, mode: value.mode, value: how, source: value.source },
            result: formatCents(cents(running + change)),
          }
        : {
            step: 'external-value',
            text,
            inputs: {
              bucket: value.bucket,
              mode: value.mode,
              value: how,
              source: value.source,
              ...suppliedInputs(value.supplied),
            },
            result: formatCents(cents(running + change)),
            regulation: suppliedRegulation(value.supplied),
          },
    );
    if (change !== 0) adjustments.push(externalAdjustment(item, value, cents(-change), text));
    running += change;
  }
  return cents(running);
}

/**
 * Prices a line by its override or single value: the fee schedule and bill review rules do not run
 * on it; the value's bucket holds the amount (or the percent of billed), and for an override the
 * line's other values still apply after it. The caller builds the line around what this returns
 * (its fee schedule amount, if any, is shown for information only).
 *
 * @param item - the line (its `exclusive` value)
 * @param value - the override or single value
 * @param billed - the line's billed charge, formatted
 * @param steps - the line's explanation (the value's step is appended)
 * @returns the allowance and the adjustments that lead to it; `item.allowed` is set
 */
export function applyExclusive(
  item: ValueLine,
  value: ExternalValue,
  billed: string,
  steps: ExplanationStep[],
): { allowed: Cents; adjustments: Adjustment[] } {
  const { line } = item;
  const amount = value.amount ?? percentOf(line.charge, value.percent as string);
  const how =
    value.amount !== undefined ? formatCents(value.amount) : `${value.percent}% of billed ${billed}`;
  const text = `${value.source} (${value.field}): ${value.mode} ${how} in ${value.bucket}; ${value.mode === 'single' ? 'the whole allowance in this bucket, nothing in the others' : 'no fee schedule or bill review rules run on the line'}: ${formatCents(amount)}.`;
  steps.push({
    step: 'external-value',
    text,
    inputs: { bucket: value.bucket, mode: value.mode, value: how, source: value.source },
    result: formatCents(amount),
  });
  const adjustments: Adjustment[] = [];
  if (value.bucket === 'feeSchedule') {
    if (line.charge !== amount)
      adjustments.push(externalAdjustment(item, value, cents(line.charge - amount), text));
  } else {
    // The fee schedule bucket holds nothing; the value's bucket holds the whole allowance.
    if (line.charge !== 0) {
      adjustments.push(
        externalAdjustment(
          item,
          { ...value, bucket: 'feeSchedule' },
          line.charge,
          `${value.source} (${value.field}): the fee schedule allowance is not used; the allowance is in ${value.bucket}.`,
        ),
      );
    }
    if (amount !== 0) adjustments.push(externalAdjustment(item, value, cents(-amount), text));
  }
  const allowed =
    value.mode === 'override'
      ? applyAfterValues(item, amount, line.charge, adjustments, steps, true)
      : amount;
  item.allowed = allowed;
  return { allowed, adjustments };
}

/**
 * The rule trace of a line an override or single value priced: no rule ran on it.
 *
 * @param value - the override or single value
 * @returns the one trace entry
 */
export function notRunTrace(value: ExternalValue): {
  rule: 'all';
  decision: 'no-change';
  message: string;
}[] {
  return [
    {
      rule: 'all',
      decision: 'no-change',
      message: `Not run: ${value.mode} by ${value.source} (${value.field}).`,
    },
  ];
}

/**
 * Gives each line its external values: its own, and its share of the bill's (amounts split by
 * billed charge over the lines that can take them, exact to the cent, ties to the lower line
 * number; percentages apply to each). Marks override and single lines, and applies fee schedule
 * values set before the rules.
 *
 * @param work - the bill's lines, in the bill's order (a bill value's targets index into it)
 * @param billValues - the bill-level values with their target lines
 * @param ask - whether a line has a fee schedule allowance, and its fee schedule amount
 * @param extra - values from outside the bill for each line (a tenant's contracts, contracts.ts),
 *   in the bill's order, applied as the line's own
 * @returns notices for the bill (values that could not be applied, or only in part)
 */
export function resolveValues<L extends ValueLine>(
  work: L[],
  billValues: readonly BillValue[],
  ask: ValueLineQuestions<L>,
  extra?: readonly (readonly ExternalValue[])[],
): string[] {
  const notices: string[] = [];
  const extras = extra?.some((values) => values.length > 0) === true ? extra : undefined;
  if (
    extras === undefined &&
    billValues.length === 0 &&
    work.every((item) => item.line.externalValues.length === 0)
  ) {
    return notices;
  }
  work.forEach((item, i) => {
    item.values = [...item.line.externalValues, ...(extras?.[i] ?? [])];
  });
  for (const { value, targets } of billValues) {
    const exclusive = value.mode === 'override' || value.mode === 'single';
    const eligible = targets
      .filter((i) => {
        if (exclusive) return true;
        const item = work[i];
        return item !== undefined && ask.hasAllowance(item);
      })
      .sort((a, b) => (work[a] as L).line.lineNumber - (work[b] as L).line.lineNumber);
    const left = targets
      .filter((i) => !eligible.includes(i))
      .map((i) => (work[i] as L).line.lineNumber)
      .sort((a, b) => a - b);
    if (eligible.length === 0) {
      notices.push(
        `${value.field} (${value.source}) was not applied: none of its lines has a fee schedule allowance.`,
      );
      continue;
    }
    if (left.length > 0) {
      notices.push(
        `${value.field} (${value.source}) was applied to the lines with a fee schedule allowance only, not to line(s) ${left.join(', ')}.`,
      );
    }
    const shares =
      value.amount === undefined
        ? undefined
        : distribute(
            value.amount,
            eligible.map((i) => (work[i] as L).line.charge),
          );
    eligible.forEach((i, k) => {
      (work[i] as L).values.push(shares ? { ...value, amount: shares[k] as Cents } : value);
    });
  }
  for (const item of work) {
    item.exclusive = item.values.find((v) => v.mode === 'override' || v.mode === 'single');
    if (item.exclusive || !ask.hasAllowance(item)) continue;
    const befores = applicationOrder(item.values.filter((v) => v.when === 'before'));
    if (befores.length === 0) continue;
    item.before = beforeValue(befores, ask.feeAmount(item));
  }
  return notices;
}

/** Fee schedule values set before the rules, applied in order to the line's fee schedule amount. */
function beforeValue(befores: readonly ExternalValue[], start: Cents): BeforeValue {
  let amount: number = start;
  const texts: string[] = [];
  for (const v of befores) {
    const next = Math.max(0, amount + changeOf(v, cents(amount)));
    texts.push(
      `${v.source} (${v.field}): ${v.mode} ${v.amount !== undefined ? formatCents(v.amount) : `${v.percent}%`} → ${formatCents(cents(next))}`,
    );
    amount = next;
  }
  return {
    amount: cents(amount),
    value: befores[befores.length - 1] as ExternalValue,
    step: {
      step: 'external-value',
      text: `Fee schedule value set before the rules: ${formatCents(start)}; ${texts.join('; ')}.`,
      inputs: { feeScheduleAmount: formatCents(start) },
      result: formatCents(cents(amount)),
    },
  };
}
