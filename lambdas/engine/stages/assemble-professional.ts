import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import type { NormalisedBill, NormalisedLine } from '../bill/normalise.js';
import { contractNotice } from '../contracts.js';
import type { ExplainLevel } from '../explain.js';
import { settingOf } from '../fee-schedules/place-of-service.js';
import type { FeeResult } from '../fee-schedules/rbrvs.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { cents, formatCents } from '../money.js';
import type {
  Adjustment,
  Buckets,
  ExplanationStep,
  PricedBill,
  PricedLine,
  SuppliedUse,
} from '../priced-bill.js';
import { rulesNotice } from '../rules/index.js';
import { dataReleaseOf, suppliedUse } from '../supplied.js';
import {
  billTotals,
  editionsFromInfos,
  lineBuckets,
  lineNotices,
  reasonAdjustment,
  serviceDates,
} from './assemble.js';
import { FACILITY_FEE_METHODS, lineAmount } from './price-lines.js';
import type { ProfessionalWork } from './professional-work.js';
import type { ProfessionalSchedule } from './select-schedule.js';
import { applyAfterValues, applyExclusive, externalAdjustment, notRunTrace, ppoFloor } from './values.js';

/**
 * The assemble stage of a professional bill: each working line built into the answer's
 * `PricedLine` (its explanation, adjustments, buckets), then the bill around them with the shared
 * totals, editions and dates of lambdas/engine/stages/assemble.ts.
 */

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

function settingStep(placeOfService: string): ExplanationStep {
  const setting = settingOf(placeOfService);
  return {
    step: 'setting',
    text: `Place of service ${placeOfService} is paid at the ${setting} rate.`,
    inputs: { placeOfService, setting },
    regulation: REGULATIONS.siteOfService,
  };
}

/** The fee schedule amount a line shows: how, on which edition, where. */
function feeScheduleOf(
  item: ProfessionalWork,
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

/** A line an override or single value prices (the values stage computes it; the line shows it). */
function buildExclusive(
  item: ProfessionalWork,
  billed: string,
  steps: ExplanationStep[],
  notices: string[],
): PricedLine {
  const { line, result } = item;
  const value = item.exclusive as NonNullable<ProfessionalWork['exclusive']>;
  const { allowed, adjustments } = applyExclusive(item, value, billed, steps);
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
    lineBuckets(line.charge, item.reductions),
    steps,
    notices,
    undefined,
    notRunTrace(value),
  );
}

/**
 * Builds one line of the answer: placement and setting, the fee schedule steps, the lesser of
 * billed, the rules' adjustments one decision at a time, the values after the rules. The facility
 * orchestration builds its lines here too (as `ProfessionalWork` carrying the method's result).
 *
 * @param item - the line on its way through the stages
 * @param lesserOf - the rule behind the lesser of billed (or, uncapped, behind paying the amount as it is)
 * @param j - the jurisdiction
 * @param capAtBilled - false where the lesser of billed does not apply (a facility bill whose jurisdiction does not say it does)
 * @param billType - the bill type as the jurisdiction file names it, for the PPO floor
 * @param explain - below `full`, the steps and messages this stage writes are left out (the answer
 *   drops them); the steps the earlier stages made, which carry the source rows, are kept
 * @returns the priced line
 */
export function buildLine(
  item: ProfessionalWork,
  lesserOf: Regulation,
  j: Jurisdiction,
  capAtBilled = true,
  billType = 'professional',
  explain: ExplainLevel = 'full',
): PricedLine {
  const { line, result } = item;
  const full = explain === 'full';
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  if (item.placement.kind === 'found') {
    steps.push(item.placement.step);
    if (item.placement.notice) notices.push(item.placement.notice);
  }
  // A facility line has no place of service: its setting is its bill type.
  if (full && line.placeOfService !== '') steps.push(settingStep(line.placeOfService));
  for (const step of result.steps) steps.push(step);
  for (const notice of result.notices) notices.push(notice);
  const billed = formatCents(line.charge);
  if (item.exclusive) return buildExclusive(item, billed, steps, notices);
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
        : [reasonAdjustment(item, j.id, result.reason, line.charge, result.message, result.regulation)];
    if (full) steps.push({ step: 'allowed', text: `${result.message} Allowed 0.00.`, result: '0.00' });
    return pricedLine(
      line,
      billed,
      'denied',
      null,
      '0.00',
      billed,
      adjustments,
      lineBuckets(line.charge, item.reductions),
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
  if (full && units !== 1) {
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
            full
              ? `Billed ${billed} is above the fee schedule value ${feeText} set by ${item.before.value.source} (${item.before.value.field}); ${formatCents(overFee)} withheld.`
              : '',
          )
        : reasonAdjustment(
            item,
            j.id,
            'FS-MAX',
            overFee,
            full
              ? `Billed ${billed} is above the fee schedule amount ${amountText}; ${formatCents(overFee)} withheld.`
              : '',
            lesserOf,
          ),
    );
  }
  // A fee schedule amount above billed where the jurisdiction does not limit payment to billed
  // (Medicare facility methods): a negative fee schedule adjustment of billed less that amount, here
  // at the fee schedule stage and before the rules, so that the rules' parts below are charged
  // against the amount they reduce and billed less every adjustment is still the allowance, with
  // the buckets summing to it (decision 006). Charging it after the rules as billed less the payable
  // amount counted every rule reduction twice (issue 18: the 835 property test found it).
  if (!capAtBilled && fee > line.charge) {
    adjustments.push(
      reasonAdjustment(
        item,
        j.id,
        'FS-MAX',
        cents(line.charge - fee),
        full
          ? `The fee schedule amount ${feeText} is above billed ${billed} and is not limited to it: ${formatCents(cents(fee - line.charge))} above billed is allowed.`
          : '',
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
        reasonAdjustment(
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
  if (full && moved) {
    const change = fee - afterRules;
    steps.push({
      step: 'rules',
      text: `Bill review rules${item.ruleDecisions.some((d) => d.external) ? ' and the values applied during them' : ''} ${change > 0 ? `reduce the fee schedule amount ${feeText} by ${formatCents(cents(change))}` : `raise the fee schedule amount ${feeText} by ${formatCents(cents(-change))}`} to ${formatCents(afterRules)}.`,
      inputs: { feeScheduleAmount: feeText, reduction: formatCents(cents(change)) },
      result: formatCents(afterRules),
    });
  }
  const payableText = moved ? formatCents(afterRules) : feeText;
  if (full)
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
  // External values after the rules, in their documented order; never below zero or above billed,
  // nor a PPO value below the fee schedule allowance where the jurisdiction forbids it.
  const allowed = applyAfterValues(
    item,
    payable,
    line.charge,
    adjustments,
    steps,
    !capAtBilled,
    ppoFloor(j, billType, payable),
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
    lineBuckets(line.charge, item.reductions),
    steps,
    notices,
    undefined,
    item.ruleTrace,
  );
}

/**
 * A line with what the customer supplied named on it (issue 20): the supplied edition that priced it
 * and the contracts whose values applied, in its `supplied` field and in words, and the notices of
 * contracts that matched but were not applied. The line itself when there is nothing to add.
 */
function withSupplied(
  line: PricedLine,
  item: ProfessionalWork,
  contractNotes: readonly string[],
): PricedLine {
  const { result, exclusive } = item;
  const edition = result.kind !== 'unpriced' && exclusive === undefined ? result.supplied : undefined;
  // A contract's value applies after the rules on a line with a fee schedule allowance, or after an
  // override; on any other line it was not applied (buildLine says so).
  const valuesApply = (result.kind === 'priced' && exclusive === undefined) || exclusive?.mode === 'override';
  const contracts = valuesApply ? item.values.filter((v) => v.supplied !== undefined) : [];
  if (edition === undefined && contracts.length === 0 && contractNotes.length === 0) return line;
  const supplied: SuppliedUse[] = [];
  if (edition !== undefined) supplied.push(suppliedUse(edition));
  const notices = [...line.notices];
  for (const value of contracts) {
    supplied.push(suppliedUse(value.supplied as NonNullable<typeof value.supplied>));
    notices.push(contractNotice(value) as string);
  }
  for (const note of contractNotes) notices.push(note);
  return supplied.length === 0 ? { ...line, notices } : { ...line, notices, supplied };
}

/** The editions a professional bill used: placements, fee results and the sources of their steps. */
function professionalEditions(work: readonly ProfessionalWork[], index: FeeIndex): EditionInfo[] {
  const out: EditionInfo[] = [];
  const add = (e: EditionInfo | undefined) => {
    if (e) out.push(e);
  };
  for (const item of work) {
    if (item.placement.kind === 'found') for (const e of item.placement.editions) add(e);
    if (item.result.kind !== 'priced') add(item.result.rvu?.edition);
    else for (const e of item.result.editions) add(e);
    for (const step of item.result.steps) {
      if (step.source) add(index.editionById(step.source.edition));
    }
  }
  return out;
}

/**
 * Assembles a professional bill's answer from its priced, reviewed working lines.
 *
 * @param index - the fee index (edition descriptions)
 * @param bill - the normalised bill
 * @param schedule - from `selectProfessionalSchedule`
 * @param valueNotices - the bill-level notices of the values stage
 * @param explain - the answer's level (below `full`, the text only `full` shows is not built)
 * @param contractNotes - per line, why a contract that matched it was not applied (contracts.ts)
 * @returns the priced bill
 */
export function assembleProfessionalBill(
  index: FeeIndex,
  bill: NormalisedBill,
  schedule: ProfessionalSchedule,
  lesserOf: Regulation,
  valueNotices: readonly string[],
  explain: ExplainLevel = 'full',
  contractNotes?: readonly (readonly string[])[],
): PricedBill {
  const { jurisdiction, zip, work } = schedule;
  const lines = work.map((item, i) =>
    withSupplied(
      buildLine(item, lesserOf, jurisdiction, true, 'professional', explain),
      item,
      contractNotes?.[i] ?? [],
    ),
  );
  const totals = billTotals(
    work.map((item, i) => ({
      charge: item.line.charge,
      status: (lines[i] as PricedLine).status,
      allowed: item.allowed,
      reductions: item.reductions,
    })),
  );
  // Below full, each line's rule trace says which rules ran: the sentence naming them is left out.
  const notices = [
    ...(explain === 'full'
      ? [
          rulesNotice(
            jurisdiction,
            bill.lines.map((l) => l.dateOfService),
          ),
        ]
      : []),
    ...valueNotices,
    ...lineNotices(lines),
  ];
  // Fields assigned in the answer's key order rather than spread (a spread takes V8's slow path).
  const out = {} as { -readonly [K in keyof PricedBill]: PricedBill[K] };
  if (bill.billId !== undefined) out.billId = bill.billId;
  if (bill.billReference !== undefined) out.billReference = bill.billReference;
  out.jurisdiction = {
    id: jurisdiction.id,
    name: jurisdiction.name,
    method: jurisdiction.billTypes.professional.method,
  };
  out.billType = 'professional';
  out.dataRelease = dataReleaseOf(index);
  out.location = { zip: zip.zip, source: zip.source };
  out.parties = bill.parties;
  out.dates = serviceDates(
    bill.lines.map((l) => l.dateOfService),
    bill.receivedDate,
  );
  out.lines = lines;
  out.totals = totals;
  out.editions = editionsFromInfos(professionalEditions(work, index));
  out.notices = notices;
  return out;
}
