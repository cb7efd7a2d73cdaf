import type { EditionInfo } from '../fee-index/header.js';
import type { FeeIndex } from '../fee-index/reader.js';
import { type InternalReasonCode, REASON_CODES, REGULATIONS, type Regulation } from './adjustments/reason-codes.js';
import type { NormalisedBill, NormalisedLine } from './bill/normalise.js';
import { BillValidationError, type FieldError } from './errors.js';
import { localityOfZip, type ZipLocality } from './fee-schedules/locality.js';
import { settingOf } from './fee-schedules/place-of-service.js';
import { type RbrvsResult, rbrvsFee } from './fee-schedules/rbrvs.js';
import { formatMoney, type Money, minMoney, ZERO } from './money.js';
import type {
  Adjustment,
  Bucket,
  EditionUsed,
  ExplanationStep,
  PricedBill,
  PricedLine,
} from './priced-bill.js';

/** Jurisdictions this engine prices so far. */
export const JURISDICTIONS: Readonly<Record<string, string>> = {
  'US-MEDICARE': 'Medicare Physician Fee Schedule',
};

interface Working {
  readonly line: NormalisedLine;
  result: RbrvsResult;
  readonly placement: ZipLocality;
}

function adjustment(
  reason: InternalReasonCode,
  amount: Money,
  message: string,
  regulation: Regulation = REGULATIONS.rvuFile,
): Adjustment {
  const code = REASON_CODES[reason];
  return {
    bucket: 'feeSchedule',
    amount: formatMoney(amount),
    internalCode: code.internalCode,
    groupCode: code.groupCode,
    carc: code.carc,
    ...('rarc' in code ? { rarc: code.rarc } : {}),
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
    if (result.kind !== 'priced' || result.rvu.status !== 'T') continue;
    const other = work.find(
      (o) =>
        o !== item &&
        o.result.kind === 'priced' &&
        o.result.rvu.status === 'A' &&
        o.line.day === item.line.day &&
        o.line.provider === item.line.provider,
    );
    if (other) {
      item.result = {
        kind: 'zero',
        reason: 'FS-STATUS-INJECTION',
        message: `${item.line.code} has status T: line ${other.line.lineNumber} (${other.line.code}) is payable under the fee schedule on the same date by the same provider, so the injection is bundled into it.`,
        rvu: result.rvu,
        steps: result.steps,
        notices: result.notices,
      };
    }
  }
}

function buildLine(item: Working): PricedLine {
  const { line, result } = item;
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  if (item.placement.kind === 'found') {
    steps.push(item.placement.step);
    if (item.placement.notice) notices.push(item.placement.notice);
  }
  const setting = settingOf(line.placeOfService);
  steps.push({
    step: 'setting',
    text: `Place of service ${line.placeOfService} is paid at the ${setting} rate.`,
    inputs: { placeOfService: line.placeOfService, setting },
    regulation: REGULATIONS.siteOfService,
  });
  steps.push(...result.steps);
  notices.push(...result.notices);
  const base = {
    lineNumber: line.lineNumber,
    code: line.code,
    modifiers: line.modifiers,
    dateOfService: line.dateOfService,
    units: line.units,
    placeOfService: line.placeOfService,
    billed: formatMoney(line.charge),
  };
  if (result.kind === 'unpriced') {
    return {
      ...base,
      status: 'unpriced',
      feeSchedule: null,
      allowed: null,
      withheld: null,
      adjustments: [],
      unpriced: result.reason,
      explanation: steps,
      notices,
    };
  }
  if (result.kind === 'zero') {
    const adjustments = line.charge.isZero() ? [] : [adjustment(result.reason, line.charge, result.message)];
    steps.push({ step: 'allowed', text: `${result.message} Allowed 0.00.`, result: '0.00' });
    return {
      ...base,
      status: 'denied',
      feeSchedule: null,
      allowed: '0.00',
      withheld: formatMoney(line.charge),
      adjustments,
      explanation: steps,
      notices,
    };
  }
  const amount = result.unitAmount.times(line.units);
  if (line.units !== 1) {
    steps.push({
      step: 'units',
      text: `${result.unitAmount.toFixed(2)} × ${line.units} units = ${amount.toFixed(2)}.`,
      inputs: { unitAmount: result.unitAmount.toFixed(2), units: String(line.units) },
      result: amount.toFixed(2),
    });
  }
  const allowed = minMoney(line.charge, amount);
  const withheld = line.charge.minus(allowed);
  const adjustments: Adjustment[] = [];
  if (withheld.greaterThan(0)) {
    adjustments.push(
      adjustment(
        'FS-MAX',
        withheld,
        `Billed ${line.charge.toFixed(2)} is above the fee schedule amount ${amount.toFixed(2)}; ${withheld.toFixed(2)} withheld.`,
        REGULATIONS.lesserOf,
      ),
    );
  }
  steps.push({
    step: 'lesser-of',
    text: `Lesser of billed ${line.charge.toFixed(2)} and fee schedule amount ${amount.toFixed(2)}: ${allowed.toFixed(2)}.`,
    inputs: { billed: line.charge.toFixed(2), feeScheduleAmount: amount.toFixed(2) },
    result: allowed.toFixed(2),
    regulation: REGULATIONS.lesserOf,
  });
  return {
    ...base,
    status: 'priced',
    feeSchedule: {
      method: 'rbrvs',
      unitAmount: formatMoney(result.unitAmount),
      amount: formatMoney(amount),
      edition: result.rvu.edition.id,
      setting,
      locality: { carrier: result.gpci.carrier, locality: result.gpci.locality, name: result.gpci.name },
    },
    allowed: formatMoney(allowed),
    withheld: formatMoney(withheld),
    adjustments,
    explanation: steps,
    notices,
  };
}

function editionsUsed(work: readonly Working[], index: FeeIndex): EditionUsed[] {
  const seen = new Map<string, EditionInfo>();
  const add = (e: EditionInfo | undefined) => {
    if (e) seen.set(e.id, e);
  };
  for (const item of work) {
    if (item.placement.kind === 'found') add(item.placement.entry.edition);
    if (item.result.kind !== 'unpriced' || item.result.rvu) add(item.result.rvu?.edition);
    if (item.result.kind === 'priced') add(item.result.gpci.edition);
    for (const step of item.result.steps) {
      if (step.source) add(index.header.editions.find((e) => e.id === step.source?.edition));
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
  const jurisdictionName = JURISDICTIONS[bill.jurisdiction];
  if (jurisdictionName === undefined) {
    errors.push({
      field: 'jurisdiction',
      errorMessage: `${bill.jurisdiction} is not a jurisdiction we price yet; we price ${Object.keys(JURISDICTIONS).join(', ')}`,
    });
  }
  if (!bill.zip) {
    errors.push({
      field: bill.format === 'bill' ? 'serviceFacility.zip' : 'claimInformation.serviceFacilityLocation.address.postalCode',
      errorMessage: 'a ZIP code of the service facility (or of the billing provider) is needed to find the locality',
    });
  }
  for (const line of bill.lines) {
    if (index.rvuEditionsOf(line.code).length === 0) {
      errors.push({ field: line.codeField, errorMessage: `${line.code} is not a code in any fee schedule edition we hold` });
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
      work.push({ line, placement, result: { kind: 'unpriced', reason: { code: 'NO-LOCALITY', message: '' }, steps: [], notices: [] } });
    }
  }
  if (errors.length > 0) throw new BillValidationError('The bill cannot be priced as sent.', errors);

  for (const item of work) {
    const { line, placement } = item;
    if (placement.kind !== 'found') {
      item.result = {
        kind: 'unpriced',
        reason: { code: placement.kind === 'no-edition' ? 'NO-EDITION' : 'NO-LOCALITY', message: placement.message },
        steps: [],
        notices: [],
      };
      continue;
    }
    item.result = rbrvsFee(index, {
      code: line.code,
      modifiers: line.modifiers,
      date: line.dateOfService,
      locality: { carrier: placement.entry.carrier, locality: placement.entry.locality },
      setting: settingOf(line.placeOfService),
    });
  }
  applyInjectionStatus(work);

  const lines = work.map(buildLine);
  let billed = ZERO;
  let allowed = ZERO;
  let withheld = ZERO;
  let unpricedBilled = ZERO;
  const byBucket = new Map<Bucket, Money>();
  for (const [i, line] of lines.entries()) {
    const charge = (work[i] as Working).line.charge;
    billed = billed.plus(charge);
    if (line.allowed === null) {
      unpricedBilled = unpricedBilled.plus(charge);
      continue;
    }
    allowed = allowed.plus(line.allowed);
    withheld = withheld.plus(charge).minus(line.allowed);
    for (const a of line.adjustments) byBucket.set(a.bucket, (byBucket.get(a.bucket) ?? ZERO).plus(a.amount));
  }
  const notices = [...new Set(lines.flatMap((l) => l.notices))];
  return {
    ...(bill.billId === undefined ? {} : { billId: bill.billId }),
    jurisdiction: { id: bill.jurisdiction, name: jurisdictionName as string },
    billType: 'professional',
    location: { zip: (zip as NonNullable<typeof zip>).zip, source: (zip as NonNullable<typeof zip>).source },
    lines,
    totals: {
      billed: formatMoney(billed),
      allowed: formatMoney(allowed),
      withheld: formatMoney(withheld),
      withheldByBucket: Object.fromEntries([...byBucket].map(([k, v]) => [k, formatMoney(v)])),
      unpricedBilled: formatMoney(unpricedBilled),
      lines: lines.length,
      pricedLines: lines.filter((l) => l.status === 'priced').length,
      deniedLines: lines.filter((l) => l.status === 'denied').length,
      unpricedLines: lines.filter((l) => l.status === 'unpriced').length,
    },
    editions: editionsUsed(work, index),
    notices,
  };
}
