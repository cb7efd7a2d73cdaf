import type { EditionInfo } from '../fee-index/header.js';
import type { FeeIndex, RvuEntry } from '../fee-index/reader.js';
import {
  type InternalReasonCode,
  REASON_CODES,
  REGULATIONS,
  type Regulation,
  stateCodeOf,
} from './adjustments/reason-codes.js';
import type { NormalisedBill, NormalisedLine } from './bill/normalise.js';
import { distribute } from './distribute.js';
import { BillValidationError, type FieldError } from './errors.js';
import { applicationOrder, changeOf, type ExternalValue } from './external-values.js';
import { drugFee } from './fee-schedules/drugs.js';
import { jurisdictionFee, knownCode } from './fee-schedules/jurisdiction-pricing.js';
import { localityOfZip, type ZipLocality } from './fee-schedules/locality.js';
import { settingOf } from './fee-schedules/place-of-service.js';
import { type FeeResult, noMedicareEdition } from './fee-schedules/rbrvs.js';
import type { Jurisdiction } from './jurisdictions.js';
import { type Cents, cents, formatCents, percentOf, ZERO_CENTS } from './money.js';
import type {
  Adjustment,
  Bucket,
  Buckets,
  EditionUsed,
  ExplanationStep,
  PricedBill,
  PricedLine,
} from './priced-bill.js';
import { type BilateralBasis, bilateralBasis } from './rules/bilateral.js';
import { type RuleTrace, rulesNotice, runRules } from './rules/index.js';
import { adoptsPaymentPolicies, adoptsPolicy, stateNumber } from './rules/payment-policy.js';
import type { AppliedDecision, DuringChange, RuleContext, RuleLine } from './rules/types.js';

/** A line in the making (exported for the facility orchestration, which shares these stages). */
export interface Working {
  readonly line: NormalisedLine;
  result: FeeResult;
  readonly placement: ZipLocality;
  /** Set by buildLine: the allowed amount and the reductions, in cents, for the totals. */
  allowed: Cents;
  reductions: { readonly bucket: Bucket; readonly cents: Cents }[];
  /** Set by the rules stage: reductions of the fee schedule amount and the trace. */
  ruleDecisions: AppliedDecision[];
  ruleTrace: RuleTrace[];
  /** How the line was priced by jurisdictionFee (the rules price related codes the same way). */
  query: FeeQuery | undefined;
  /** A line priced for both sides (modifier 50, RT and LT, or 2 units): its bilateral payment basis. */
  bilateral: BilateralBasis | undefined;
  /** The RVU row whose payment policy indicators the rules read, once looked up (null: none). */
  indicators: RvuEntry | null | undefined;
  /** External values for the line: its own and its share of the bill's. */
  values: ExternalValue[];
  /** An override or single value: the line skips the fee schedule and bill review rules. */
  exclusive: ExternalValue | undefined;
  /** Fee schedule values set before the rules: the amount the rules act on, and why. */
  before: { amount: Cents; step: ExplanationStep; value: ExternalValue } | undefined;
}

export type FeeQuery = Parameters<typeof jurisdictionFee>[2];

/** Methods whose amount is for the whole facility line (the facility orchestration's lines). */
const FACILITY_FEE_METHODS: ReadonlySet<string> = new Set(['opps', 'asc', 'ipps']);

/** Shared by the lines without values (frozen: nothing may add to it). */
export const NO_EXTERNAL_VALUES = Object.freeze([]) as unknown as ExternalValue[];

/** An adjustment of a rule or the fee schedule; with the state's own code where one is mapped. */
function adjustment(
  item: Working,
  jurisdictionId: string,
  reason: InternalReasonCode,
  amount: Cents,
  message: string,
  regulation: Regulation = REGULATIONS.rvuFile,
  bucket: Bucket = 'feeSchedule',
): Adjustment {
  const code = REASON_CODES[reason];
  const stateCode = stateCodeOf(reason, jurisdictionId);
  item.reductions.push({ bucket, cents: amount });
  return {
    bucket,
    amount: formatCents(amount),
    internalCode: code.internalCode,
    groupCode: code.groupCode,
    carc: code.carc,
    ...('rarc' in code ? { rarc: code.rarc } : {}),
    ...(stateCode === undefined ? {} : { stateCode }),
    message,
    regulation,
  };
}

/**
 * Status T (injections): paid only when no other service payable under the fee schedule is billed
 * on the same date by the same provider (RVU file documentation, Attachment A).
 */
function applyInjectionStatus(work: Working[]): void {
  for (const item of work) {
    const result = item.result;
    if (result.kind !== 'priced' || result.pfsStatus !== 'T') continue;
    // The lowest-numbered such line is named, so the answer does not depend on the order of lines.
    const other = work
      .filter(
        (o) =>
          o !== item &&
          // "any other services payable under the PFS": active codes, and carrier-priced or
          // restricted codes, which the PFS pays by report.
          (o.result.kind === 'priced'
            ? o.result.pfsStatus === 'A' || o.result.pfsStatus === 'R'
            : o.result.kind === 'unpriced' &&
              (o.result.rvu?.status === 'C' || o.result.rvu?.status === 'R')) &&
          o.line.day === item.line.day &&
          o.line.provider === item.line.provider,
      )
      .sort((a, b) => a.line.lineNumber - b.line.lineNumber)[0];
    if (other) {
      item.result = {
        kind: 'zero',
        reason: 'FS-STATUS-INJECTION',
        message: `${item.line.code} has status T: line ${other.line.lineNumber} (${other.line.code}) is payable under the fee schedule on the same date by the same provider, so the injection is bundled into it.`,
        steps: result.steps,
        notices: result.notices,
      };
    }
  }
}

/** Every line object is built by this one literal, so all lines share one shape. */
function pricedLine(
  line: NormalisedLine,
  billed: string,
  status: PricedLine['status'],
  feeSchedule: PricedLine['feeSchedule'],
  allowed: string | null,
  withheld: string | null,
  adjustments: Adjustment[],
  buckets: Buckets | null,
  explanation: ExplanationStep[],
  notices: string[],
  unpriced?: PricedLine['unpriced'],
  rules: PricedLine['rules'] = [],
): PricedLine {
  const out: PricedLine = {
    lineNumber: line.lineNumber,
    code: line.code,
    modifiers: line.modifiers,
    dateOfService: line.dateOfService,
    units: line.units,
    placeOfService: line.placeOfService,
    billed,
    status,
    feeSchedule,
    allowed,
    withheld,
    adjustments,
    buckets,
    explanation,
    notices,
    rules,
  };
  return unpriced ? { ...out, unpriced } : out;
}

/** Cents as money, with the common zero written once. */
function money(value: number): string {
  return value === 0 ? '0.00' : formatCents(cents(value));
}

/**
 * Buckets from what each bucket withheld: the fee schedule bucket is the charge less its
 * withholding, every other bucket less its own (so they sum to allowed).
 */
export function bucketsFrom(charge: number, withheld: (bucket: Bucket) => number): Buckets {
  return {
    feeSchedule: money(charge - withheld('feeSchedule')),
    billReview: money(-withheld('billReview')),
    ppo: money(-withheld('ppo')),
    ur: money(-withheld('ur')),
    negotiated: money(-withheld('negotiated')),
    adjuster: money(-withheld('adjuster')),
    customer: money(-withheld('customer')),
  };
}

/** A line's buckets from the reductions its adjustments recorded. */
function bucketsOf(item: Working): Buckets {
  const reductions = item.reductions;
  return bucketsFrom(item.line.charge, (bucket) => {
    let n = 0;
    for (const r of reductions) if (r.bucket === bucket) n += r.cents;
    return n;
  });
}

function settingStep(placeOfService: string): ExplanationStep {
  const setting = settingOf(placeOfService);
  return {
    step: 'setting',
    text: `Place of service ${placeOfService} is paid at the ${setting} rate.`,
    inputs: { placeOfService, setting },
    regulation: REGULATIONS.siteOfService,
  };
}

export function buildLine(
  item: Working,
  lesserOf: Regulation,
  j: Jurisdiction,
  /** False where the lesser of billed does not apply (a facility bill whose jurisdiction does not say it does). */
  capAtBilled = true,
): PricedLine {
  const { line, result } = item;
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  if (item.placement.kind === 'found') {
    steps.push(item.placement.step);
    if (item.placement.notice) notices.push(item.placement.notice);
  }
  // A facility line has no place of service: its setting is its bill type.
  if (line.placeOfService !== '') steps.push(settingStep(line.placeOfService));
  for (const step of result.steps) steps.push(step);
  for (const notice of result.notices) notices.push(notice);
  const billed = formatCents(line.charge);
  if (item.exclusive) return buildExclusive(item, item.exclusive, billed, steps, notices);
  if (result.kind !== 'priced' && item.values.length > 0) {
    notices.push(
      `Line ${line.lineNumber} has no fee schedule allowance, so ${item.values.map((v) => v.field).join(', ')} could not be applied to it (an override or single value prices such a line).`,
    );
  }
  if (result.kind === 'unpriced') {
    return pricedLine(line, billed, 'unpriced', null, null, null, [], null, steps, notices, result.reason);
  }
  if (result.kind === 'zero') {
    const adjustments =
      line.charge === 0
        ? []
        : [adjustment(item, j.id, result.reason, line.charge, result.message, result.regulation)];
    steps.push({ step: 'allowed', text: `${result.message} Allowed 0.00.`, result: '0.00' });
    return pricedLine(
      line,
      billed,
      'denied',
      null,
      '0.00',
      billed,
      adjustments,
      bucketsOf(item),
      steps,
      notices,
    );
  }
  const unitText = formatCents(result.unitAmount);
  const { units, amount } = lineAmount(item);
  if (item.bilateral) {
    steps.push(item.bilateral.step);
    if (item.bilateral.notice) notices.push(item.bilateral.notice);
  } else if (units !== line.units && !FACILITY_FEE_METHODS.has(result.method)) {
    notices.push(
      `Units (${line.units}) do not multiply a ${result.method === 'nadac' ? 'drug line: its quantity' : 'line priced by anesthesia time: its minutes'} already measure it.`,
    );
  }
  const amountText = units === 1 && !item.bilateral ? unitText : formatCents(amount);
  if (units !== 1) {
    steps.push({
      step: 'units',
      text: `${unitText} × ${line.units} units = ${amountText}.`,
      inputs: { unitAmount: unitText, units: String(line.units) },
      result: amountText,
    });
  }
  // A fee schedule value set before the rules (an external value) is the amount the rules act on.
  const fee = item.before ? item.before.amount : amount;
  const feeText = formatCents(fee);
  if (item.before) steps.push(item.before.step);
  const adjustments: Adjustment[] = [];
  const overFee = cents(Math.max(0, line.charge - fee));
  if (overFee > 0) {
    adjustments.push(
      item.before
        ? externalAdjustment(
            item,
            item.before.value,
            overFee,
            `Billed ${billed} is above the fee schedule value ${feeText} set by ${item.before.value.source} (${item.before.value.field}); ${formatCents(overFee)} withheld.`,
          )
        : adjustment(
            item,
            j.id,
            'FS-MAX',
            overFee,
            `Billed ${billed} is above the fee schedule amount ${amountText}; ${formatCents(overFee)} withheld.`,
            lesserOf,
          ),
    );
  }
  // The rules (and values applied during them) move the fee schedule amount one decision at a time;
  // each is charged with what it moved the payable amount (the lesser of billed and the running
  // amount), so the parts add up to the fee schedule allowance less what is payable.
  let running: number = fee;
  const cap = capAtBilled ? line.charge : Number.POSITIVE_INFINITY;
  let clamped = Math.min(cap, fee);
  for (const d of item.ruleDecisions) {
    const next = Math.max(0, running - d.reduction);
    const nextClamped = Math.min(cap, next);
    const part = clamped - nextClamped;
    running = next;
    clamped = nextClamped;
    if (part === 0) continue;
    if (d.external) adjustments.push(externalAdjustment(item, d.external, cents(part), d.message));
    else if (d.reason) {
      adjustments.push(
        adjustment(
          item,
          j.id,
          d.reason,
          cents(part),
          d.message,
          d.regulation ?? d.rule.regulation,
          'billReview',
        ),
      );
    }
  }
  const afterRules = cents(running);
  const payable = cents(clamped);
  const moved = afterRules !== fee;
  if (moved) {
    const change = fee - afterRules;
    steps.push({
      step: 'rules',
      text: `Bill review rules${item.ruleDecisions.some((d) => d.external) ? ' and the values applied during them' : ''} ${change > 0 ? `reduce the fee schedule amount ${feeText} by ${formatCents(cents(change))}` : `raise the fee schedule amount ${feeText} by ${formatCents(cents(-change))}`} to ${formatCents(afterRules)}.`,
      inputs: { feeScheduleAmount: feeText, reduction: formatCents(cents(change)) },
      result: formatCents(afterRules),
    });
  }
  const payableText = moved ? formatCents(afterRules) : feeText;
  steps.push(
    capAtBilled
      ? {
          step: 'lesser-of',
          text: `Lesser of billed ${billed} and ${moved ? 'the amount after bill review' : 'fee schedule amount'} ${payableText}: ${formatCents(payable)}.`,
          inputs: { billed, feeScheduleAmount: payableText },
          result: formatCents(payable),
          regulation: lesserOf,
        }
      : {
          step: 'no-lesser-of',
          text: `Not limited to billed ${billed}: ${lesserOf.citation}. Payable: ${formatCents(payable)}.`,
          inputs: { billed, feeScheduleAmount: payableText },
          result: formatCents(payable),
          regulation: lesserOf,
        },
  );
  // Paid above billed (no lesser of billed): a negative fee schedule adjustment, so that billed less
  // the adjustments is still allowed and the buckets still sum to it (decision 006).
  if (payable > line.charge) {
    adjustments.push(
      adjustment(
        item,
        j.id,
        'FS-MAX',
        cents(line.charge - payable),
        `The fee schedule amount ${formatCents(payable)} is above billed ${billed} and is not limited to it: ${formatCents(cents(payable - line.charge))} above billed is allowed.`,
        lesserOf,
      ),
    );
  }
  // External values after the rules, in their documented order; never below zero or above billed,
  // nor a PPO value below the fee schedule allowance where the jurisdiction forbids it.
  const allowed = applyAfterValues(
    item,
    payable,
    line.charge,
    adjustments,
    steps,
    !capAtBilled,
    ppoFloor(j, payable),
  );
  item.allowed = allowed;
  const feeSchedule = feeScheduleOf(item, result, unitText, amountText);
  const denied = allowed === 0 && item.ruleDecisions.some((d) => d.decision === 'denied');
  return pricedLine(
    line,
    billed,
    denied ? 'denied' : 'priced',
    feeSchedule,
    formatCents(allowed),
    formatCents(cents(line.charge - allowed)),
    adjustments,
    bucketsOf(item),
    steps,
    notices,
    undefined,
    item.ruleTrace,
  );
}

/**
 * What values applied during the rules (just before `ruleId`) do to a running amount, one after
 * the other (a percentage is of the amount at its turn), never below zero.
 */
export function duringChanges(
  values: readonly ExternalValue[],
  start: Cents,
  ruleId: string,
): DuringChange[] {
  let amount: number = start;
  return values.map((value) => {
    const change = Math.max(changeOf(value, cents(amount)), -amount);
    const how = value.amount !== undefined ? formatCents(value.amount) : `${value.percent}%`;
    const message = `${value.source} (${value.field}): ${value.mode} ${how} in ${value.bucket} before the ${ruleId} rule: ${formatCents(cents(amount))} → ${formatCents(cents(amount + change))}.`;
    amount += change;
    return { value, change, message };
  });
}

/** The fee schedule amount a line shows: how, on which edition, where. */
function feeScheduleOf(
  item: Working,
  result: Extract<FeeResult, { kind: 'priced' }>,
  unitAmount: string,
  amount: string,
): NonNullable<PricedLine['feeSchedule']> {
  return {
    method: result.method,
    unitAmount,
    amount,
    edition: result.edition.id,
    setting: settingOf(item.line.placeOfService),
    locality: result.locality ?? null,
  };
}

/** An adjustment an external value makes: its own reason codes and source, no regulation. */
function externalAdjustment(item: Working, value: ExternalValue, amount: Cents, message: string): Adjustment {
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

/** Where the jurisdiction forbids a PPO to pay below the fee schedule on this bill type: the floor. */
function ppoFloor(j: Jurisdiction, payable: Cents): { amount: Cents; citation: string } | undefined {
  const rule = j.ppoBelowFeeSchedule;
  if (!rule?.forbiddenFor.includes('professional')) return undefined;
  return { amount: payable, citation: rule.source.citation };
}

/**
 * Applies the line's external values after the rules (not those before or during them, not the override), in
 * their documented order, each as an adjustment in its bucket. A value never takes the allowance
 * below zero nor, unless the line is overridden, above the billed charge (the lesser of billed).
 *
 * @returns the allowed amount
 */
function applyAfterValues(
  item: Working,
  start: Cents,
  charge: Cents,
  adjustments: Adjustment[],
  steps: ExplanationStep[],
  overridden: boolean,
  ppoFloor?: { amount: Cents; citation: string },
): Cents {
  if (item.values.length === 0) return start;
  let running: number = start;
  for (const value of applicationOrder(item.values)) {
    if (value.when !== 'after' || value === item.exclusive) continue;
    const wanted = changeOf(value, cents(running));
    const ceiling = overridden ? Number.POSITIVE_INFINITY : charge - running;
    const floor = value.bucket === 'ppo' && ppoFloor ? Math.min(ppoFloor.amount, running) : 0;
    const change = Math.min(Math.max(wanted, floor - running), Math.max(ceiling, 0));
    const how = value.amount !== undefined ? formatCents(value.amount) : `${value.percent}%`;
    const limited =
      change === wanted
        ? ''
        : change > wanted
          ? floor > 0
            ? ` (limited: a PPO may not pay below the fee schedule allowance ${formatCents(cents(floor))} here, ${ppoFloor?.citation})`
            : ' (limited: the allowance cannot go below zero)'
          : ` (limited: the allowance cannot exceed billed ${formatCents(charge)})`;
    const text = `${value.source} (${value.field}): ${value.mode} ${how} in ${value.bucket}: ${formatCents(cents(running))} → ${formatCents(cents(running + change))}${limited}.`;
    steps.push({
      step: 'external-value',
      text,
      inputs: { bucket: value.bucket, mode: value.mode, value: how, source: value.source },
      result: formatCents(cents(running + change)),
    });
    if (change !== 0) adjustments.push(externalAdjustment(item, value, cents(-change), text));
    running += change;
  }
  return cents(running);
}

/**
 * A line an override or single value prices: the fee schedule and bill review rules do not run on
 * it; the value's bucket holds the amount (or the percent of billed), and for an override the
 * line's other values still apply after it.
 */
function buildExclusive(
  item: Working,
  value: ExternalValue,
  billed: string,
  steps: ExplanationStep[],
  notices: string[],
): PricedLine {
  const { line, result } = item;
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
  const feeSchedule =
    result.kind === 'priced'
      ? feeScheduleOf(item, result, formatCents(result.unitAmount), formatCents(lineAmount(item).amount))
      : null;
  if (result.kind !== 'priced') {
    notices.push(
      `Line ${line.lineNumber} is priced by ${value.source} (${value.field}), not by the fee schedule.`,
    );
  }
  return pricedLine(
    line,
    billed,
    'priced',
    feeSchedule,
    formatCents(allowed),
    formatCents(cents(line.charge - allowed)),
    adjustments,
    bucketsOf(item),
    steps,
    notices,
    undefined,
    [
      {
        rule: 'all',
        decision: 'no-change',
        message: `Not run: ${value.mode} by ${value.source} (${value.field}).`,
      },
    ],
  );
}

/**
 * Gives each line its external values: its own, and its share of the bill's (amounts split by
 * billed charge over the lines that can take them, exact to the cent, ties to the lower line
 * number; percentages apply to each). Marks override and single lines, and applies fee schedule
 * values set before the rules.
 *
 * @returns notices for the bill (values that could not be applied, or only in part)
 */
export function resolveValues(work: Working[], bill: Pick<NormalisedBill, 'externalValues'>): string[] {
  const notices: string[] = [];
  if (bill.externalValues.length === 0 && work.every((item) => item.line.externalValues.length === 0)) {
    return notices;
  }
  for (const item of work) item.values = [...item.line.externalValues];
  for (const { value, targets } of bill.externalValues) {
    const exclusive = value.mode === 'override' || value.mode === 'single';
    const eligible = targets
      .filter((i) => exclusive || work[i]?.result.kind === 'priced')
      .sort((a, b) => (work[a] as Working).line.lineNumber - (work[b] as Working).line.lineNumber);
    const left = targets
      .filter((i) => !eligible.includes(i))
      .map((i) => (work[i] as Working).line.lineNumber)
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
            eligible.map((i) => (work[i] as Working).line.charge),
          );
    eligible.forEach((i, k) => {
      (work[i] as Working).values.push(shares ? { ...value, amount: shares[k] as Cents } : value);
    });
  }
  for (const item of work) {
    item.exclusive = item.values.find((v) => v.mode === 'override' || v.mode === 'single');
    if (item.exclusive || item.result.kind !== 'priced') continue;
    const befores = applicationOrder(item.values.filter((v) => v.when === 'before'));
    if (befores.length === 0) continue;
    const start = lineAmount(item).amount;
    let amount: number = start;
    const texts: string[] = [];
    for (const v of befores) {
      const next = Math.max(0, amount + changeOf(v, cents(amount)));
      texts.push(
        `${v.source} (${v.field}): ${v.mode} ${v.amount !== undefined ? formatCents(v.amount) : `${v.percent}%`} → ${formatCents(cents(next))}`,
      );
      amount = next;
    }
    item.before = {
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
  return notices;
}

/**
 * Lines that report both sides (modifier 50, RT and LT on one line, 2 units of a BILAT SURG 1–3
 * code) are priced for both sides before the rules (Medicare Claims Processing Manual, Chapter 12,
 * § 40.7), where the jurisdiction applies Medicare's bilateral policy.
 */
function applyBilateralBasis(work: Working[], index: FeeIndex, j: Jurisdiction): void {
  for (const item of work) {
    const result = item.result;
    if (result.kind !== 'priced') continue;
    const { modifiers, units } = item.line;
    if (units < 2 && !modifiers.includes('50') && !modifiers.includes('LT')) continue;
    if (!adoptsPolicy(j, 'bilateral', item.line.dateOfService)) continue;
    const rvu = policyIndicators(index, j, item);
    if (!rvu) continue;
    const basis = bilateralBasis(
      rvu,
      result.unitAmount,
      modifiers,
      units,
      stateNumber(j, 'bilateral', 'bilateralPercent', item.line.dateOfService),
    );
    if (basis?.kind === 'both-sides') item.bilateral = basis;
    else if (basis) item.result = { ...result, steps: [...result.steps, basis.step] };
  }
}

/**
 * The Medicare RVU row whose payment policy indicators (GLOB DAYS, MULT PROC, BILAT SURG, ASST/CO/TEAM
 * SURG) the rules read for a line. A line the physician fee schedule priced carries its own; a line a
 * state's own table priced carries none, so where the state adopts one of Medicare's payment policies
 * on the date the row of the Medicare edition for that date is looked up: the state rules refer to
 * Medicare's indicators (Ala. Admin. Code r. 480-5-5-.15(1): "codes which have been assigned a 90-day
 * global period by Medicare"). Elsewhere nothing changes.
 */
function policyIndicators(index: FeeIndex, j: Jurisdiction, item: Working): RvuEntry | undefined {
  const result = item.result;
  if (result.kind !== 'priced') return undefined;
  if (result.rvu || !adoptsPaymentPolicies(j, item.line.dateOfService)) return result.rvu;
  // A state-table line's look-up is made once: the bilateral basis and the rules both ask.
  if (item.indicators === undefined) {
    const edition = index.editionFor('pfs-rvu', item.line.dateOfService)?.edition;
    item.indicators = (edition && index.rvu(item.line.code, '', edition)) ?? null;
  }
  return item.indicators ?? undefined;
}

/** Units the amount counts and the fee schedule amount for the line (anesthesia and drugs: one). */
function lineAmount(item: Working): { units: number; amount: Cents } {
  const result = item.result;
  if (result.kind !== 'priced') return { units: item.line.units, amount: cents(0) };
  if (item.bilateral) return { units: 1, amount: item.before?.amount ?? item.bilateral.amount };
  // A facility method's amount is for all the line's units already (types.ts FacilityLinePrice).
  const wholeLine =
    result.method === 'anesthesia' || result.method === 'nadac' || FACILITY_FEE_METHODS.has(result.method);
  const units = wholeLine ? 1 : item.line.units;
  return { units, amount: item.before?.amount ?? cents(result.unitAmount * units) };
}

/** The bill review rules stage: runs on the lines priced so far, in the order of RULES. */
function applyRules(work: Working[], index: FeeIndex, j: Jurisdiction, bill: NormalisedBill): void {
  const priced = work.filter((item) => item.result.kind === 'priced' && !item.exclusive);
  const queries = new Map<NormalisedLine, FeeQuery>();
  const lines: RuleLine[] = priced.map((item) => {
    const { units, amount } = lineAmount(item);
    const result = item.result as Extract<FeeResult, { kind: 'priced' }>;
    if (item.query) queries.set(item.line, item.query);
    return {
      line: item.line,
      unitAmount: result.unitAmount,
      amount,
      units: item.bilateral ? item.bilateral.ruleUnits : units,
      // Every rule line has the same fields, set or not: one object shape for the rules to read.
      rvu: policyIndicators(index, j, item),
      pePart: result.pePart,
      peReducedUnit: result.peReducedUnit,
      bilateral: item.bilateral !== undefined,
    };
  });
  const ctx: RuleContext = {
    index,
    jurisdiction: j,
    bill,
    feeOf(l, code, modifier) {
      const query = queries.get(l.line);
      if (!query) return undefined;
      const other = jurisdictionFee(index, j, { ...query, code, modifiers: modifier ? [modifier] : [] });
      return other.kind === 'priced' ? other.unitAmount : undefined;
    },
  };
  // External values set to apply during the rules, by position among the rule lines.
  const during = new Map<number, ExternalValue[]>();
  priced.forEach((item, i) => {
    const values = item.values.filter((v) => v.when === 'during');
    if (values.length > 0) during.set(i, applicationOrder(values));
  });
  const { decisions, traces } = runRules(
    lines,
    ctx,
    during.size === 0
      ? undefined
      : (rule, l, i) =>
          duringChanges(
            (during.get(i) ?? []).filter((v) => v.rule === rule.id),
            l.amount,
            rule.id,
          ),
  );
  priced.forEach((item, i) => {
    item.ruleTrace = traces[i] ?? [];
  });
  for (const d of decisions) (priced[d.lineIndex] as Working).ruleDecisions.push(d);
}

/** The bill's first and last dates of service, and its received date when it has one. */
function serviceDates(bill: NormalisedBill): PricedBill['dates'] {
  let first = bill.lines[0]?.dateOfService ?? '';
  let last = first;
  for (const line of bill.lines) {
    if (line.dateOfService < first) first = line.dateOfService;
    if (line.dateOfService > last) last = line.dateOfService;
  }
  return {
    firstService: first,
    lastService: last,
    ...(bill.receivedDate === undefined ? {} : { received: bill.receivedDate }),
  };
}

/**
 * The rule behind paying the lesser of billed and fee: Medicare's for Medicare, the jurisdiction's
 * own where its file sources one, and otherwise Medicare's rule said to be applied as such.
 */
export function lesserOfRegulation(j: Jurisdiction): Regulation {
  if (j.id === 'US-MEDICARE') return REGULATIONS.lesserOf;
  const own = j.lesserOfBilled;
  if (own?.value) return { citation: own.source.citation, url: own.source.url ?? REGULATIONS.lesserOf.url };
  return {
    citation: `${j.name}: the lesser of billed and the fee schedule amount; the sources we hold do not state ${j.name}'s own rule, so it is applied as Medicare applies it (42 CFR § 414.21)`,
    url: REGULATIONS.lesserOf.url,
  };
}

function editionsUsed(work: readonly Working[], index: FeeIndex): EditionUsed[] {
  const seen = new Map<string, EditionInfo>();
  const add = (e: EditionInfo | undefined) => {
    if (e) seen.set(e.id, e);
  };
  for (const item of work) {
    if (item.placement.kind === 'found') for (const e of item.placement.editions) add(e);
    if (item.result.kind !== 'priced') add(item.result.rvu?.edition);
    else for (const e of item.result.editions) add(e);
    for (const step of item.result.steps) {
      if (step.source) add(index.editionById(step.source.edition));
    }
  }
  return [...seen.values()].map((e) => ({
    id: e.id,
    label: e.label,
    file: e.source.file,
    sha256: e.source.sha256,
    complete: e.complete,
    sampled: e.sampled,
  }));
}

/**
 * Prices a normalised professional bill: locality from the ZIP, fee schedule amount per line,
 * status-code rules, lesser of billed and fee, totals. Pure: the same bill and index always give
 * the same answer.
 *
 * @param index - the fee index
 * @param bill - from `normaliseBill`
 * @returns the priced bill
 * @throws BillValidationError when the bill cannot be priced at all (unknown jurisdiction or code, no ZIP)
 * @example priceBill(index, normaliseBill(json))
 */
export function priceBill(index: FeeIndex, bill: NormalisedBill): PricedBill {
  const errors: FieldError[] = [];
  const jurisdiction = index.jurisdiction(bill.jurisdiction);
  if (jurisdiction === undefined) {
    errors.push({
      field: 'jurisdiction',
      errorMessage: `${bill.jurisdiction} is not a jurisdiction we know; use a state code, DC, US-OWCP or US-MEDICARE (GET /v1/jurisdictions lists them)`,
    });
  }
  if (!bill.zip) {
    errors.push({
      field:
        bill.format === 'bill'
          ? 'serviceFacility.zip'
          : 'claimInformation.serviceFacilityLocation.address.postalCode',
      errorMessage:
        'a ZIP code of the service facility (or of the billing provider) is needed to find the locality',
    });
  }
  for (const line of bill.lines) {
    if (!line.drug && !knownCode(index, jurisdiction, line.code)) {
      errors.push({
        field: line.codeField,
        errorMessage: `${line.code} is not a code in any fee schedule edition we hold`,
      });
    }
  }
  const zip = bill.zip;
  const placements = new Map<string, ZipLocality>();
  const work: Working[] = [];
  if (zip) {
    for (const line of bill.lines) {
      let placement = placements.get(line.dateOfService);
      if (!placement) {
        placement = localityOfZip(index, zip.zip, line.dateOfService);
        placements.set(line.dateOfService, placement);
        if (placement.kind === 'unknown-zip' && !errors.some((e) => e.field === zip.field)) {
          errors.push({ field: zip.field, errorMessage: placement.message });
        }
      }
      work.push({
        line,
        placement,
        result: { kind: 'unpriced', reason: { code: 'NO-LOCALITY', message: '' }, steps: [], notices: [] },
        allowed: ZERO_CENTS,
        reductions: [],
        ruleDecisions: [],
        ruleTrace: [],
        // Every working line has every field from the start: one object shape.
        query: undefined,
        bilateral: undefined,
        indicators: undefined,
        values: NO_EXTERNAL_VALUES,
        exclusive: undefined,
        before: undefined,
      });
    }
  }
  if (errors.length > 0) throw new BillValidationError('The bill cannot be priced as sent.', errors);

  for (const item of work) {
    const { line, placement } = item;
    if (placement.kind !== 'found') {
      item.result = {
        kind: 'unpriced',
        reason: index.editionFor('pfs-rvu', line.dateOfService)
          ? {
              code: placement.kind === 'no-edition' ? 'NO-EDITION' : 'NO-LOCALITY',
              message: placement.message,
            }
          : noMedicareEdition(index, line.dateOfService),
        steps: [],
        notices: [],
      };
      continue;
    }
    if (line.drug) {
      item.result = drugFee(index, jurisdiction as Jurisdiction, line.drug, line.dateOfService);
      continue;
    }
    item.query = {
      code: line.code,
      modifiers: line.modifiers,
      date: line.dateOfService,
      locality: { carrier: placement.entry.carrier, locality: placement.entry.locality },
      setting: settingOf(line.placeOfService),
      rural: placement.entry.ruralIndicator !== '',
      zip: placement.entry.zip,
      state: placement.entry.state,
      anesthesiaMinutes: line.anesthesiaMinutes,
    };
    item.result = jurisdictionFee(index, jurisdiction as Jurisdiction, item.query);
  }
  applyInjectionStatus(work);
  applyBilateralBasis(work, index, jurisdiction as Jurisdiction);
  const valueNotices = resolveValues(work, bill);

  applyRules(work, index, jurisdiction as Jurisdiction, bill);
  const lesserOf = lesserOfRegulation(jurisdiction as Jurisdiction);
  const lines = work.map((item) => buildLine(item, lesserOf, jurisdiction as Jurisdiction));
  let billed = 0;
  let allowed = 0;
  let unpricedBilled = 0;
  let priced = 0;
  let denied = 0;
  const byBucket = new Map<Bucket, number>();
  const noticeSet = new Set<string>();
  for (const [i, item] of work.entries()) {
    const charge = item.line.charge;
    const line = lines[i] as PricedLine;
    billed += charge;
    for (const notice of line.notices) noticeSet.add(notice);
    if (line.status === 'unpriced') {
      unpricedBilled += charge;
      continue;
    }
    if (line.status === 'priced') priced++;
    else denied++;
    allowed += item.allowed;
    for (const r of item.reductions) byBucket.set(r.bucket, (byBucket.get(r.bucket) ?? 0) + r.cents);
  }
  const withheldByBucket: Partial<Record<Bucket, string>> = {};
  for (const [bucket, total] of byBucket) withheldByBucket[bucket] = formatCents(cents(total));
  const notices = [
    rulesNotice(
      jurisdiction as Jurisdiction,
      bill.lines.map((l) => l.dateOfService),
    ),
    ...valueNotices,
    ...noticeSet,
  ];
  return {
    ...(bill.billId === undefined ? {} : { billId: bill.billId }),
    jurisdiction: {
      id: (jurisdiction as Jurisdiction).id,
      name: (jurisdiction as Jurisdiction).name,
      method: (jurisdiction as Jurisdiction).billTypes.professional.method,
    },
    billType: 'professional',
    location: { zip: (zip as NonNullable<typeof zip>).zip, source: (zip as NonNullable<typeof zip>).source },
    parties: bill.parties,
    dates: serviceDates(bill),
    lines,
    totals: {
      billed: formatCents(cents(billed)),
      allowed: formatCents(cents(allowed)),
      withheld: formatCents(cents(billed - unpricedBilled - allowed)),
      withheldByBucket,
      buckets: bucketsFrom(billed - unpricedBilled, (bucket) => byBucket.get(bucket) ?? 0),
      unpricedBilled: formatCents(cents(unpricedBilled)),
      lines: lines.length,
      pricedLines: priced,
      deniedLines: denied,
      unpricedLines: lines.length - priced - denied,
    },
    editions: editionsUsed(work, index),
    notices,
  };
}
