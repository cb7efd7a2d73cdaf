import type { EditionInfo } from '../fee-index/header.js';
import type { FeeIndex } from '../fee-index/reader.js';
import {
  type InternalReasonCode,
  REASON_CODES,
  REGULATIONS,
  type Regulation,
} from './adjustments/reason-codes.js';
import type { NormalisedBill, NormalisedLine } from './bill/normalise.js';
import { BillValidationError, type FieldError } from './errors.js';
import { drugFee } from './fee-schedules/drugs.js';
import { jurisdictionFee, knownCode } from './fee-schedules/jurisdiction-pricing.js';
import { localityOfZip, type ZipLocality } from './fee-schedules/locality.js';
import { settingOf } from './fee-schedules/place-of-service.js';
import { type FeeResult, noMedicareEdition } from './fee-schedules/rbrvs.js';
import type { Jurisdiction } from './jurisdictions.js';
import { type Cents, cents, formatCents, parseCents, parseSignedCents, ZERO_CENTS } from './money.js';
import {
  type Adjustment,
  BUCKETS,
  type Bucket,
  type Buckets,
  type EditionUsed,
  type ExplanationStep,
  type PricedBill,
  type PricedLine,
} from './priced-bill.js';
import { bilateralBasis } from './rules/bilateral.js';
import { type RuleTrace, rulesNotice, runRules } from './rules/index.js';
import { adoptsPaymentPolicies } from './rules/payment-policy.js';
import type { AppliedDecision, RuleContext, RuleLine } from './rules/types.js';

interface Working {
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
  query?: FeeQuery;
  /** A line with modifier 50: its amount for both sides (bilateral payment basis). */
  bilateral?: { amount: Cents; step: ExplanationStep; notice?: string };
}

type FeeQuery = Parameters<typeof jurisdictionFee>[2];

function adjustment(
  item: Working,
  reason: InternalReasonCode,
  amount: Cents,
  message: string,
  regulation: Regulation = REGULATIONS.rvuFile,
  bucket: Bucket = 'feeSchedule',
): Adjustment {
  const code = REASON_CODES[reason];
  item.reductions.push({ bucket, cents: amount });
  return {
    bucket,
    amount: formatCents(amount),
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
    if (result.kind !== 'priced' || result.pfsStatus !== 'T') continue;
    // The lowest-numbered such line is named, so the answer does not depend on the order of lines.
    const other = work
      .filter(
        (o) =>
          o !== item &&
          // "any other services payable under the PFS": active codes, and carrier-priced or
          // restricted codes, which the PFS pays by report.
          (o.result.kind === 'priced'
            ? o.result.pfsStatus === 'A'
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
    buckets: status === 'unpriced' ? null : bucketsOf(line.charge, adjustments),
    explanation,
    notices,
    rules,
  };
  return unpriced ? { ...out, unpriced } : out;
}

/**
 * A line's buckets from its adjustments: the fee schedule bucket is the charge less what the fee
 * schedule withheld; each other bucket is less what it withheld (so they sum to allowed).
 */
function bucketsOf(charge: Cents, adjustments: readonly Adjustment[]): Buckets {
  const held: Record<Bucket, number> = {
    feeSchedule: charge,
    billReview: 0,
    ppo: 0,
    ur: 0,
    negotiated: 0,
    adjuster: 0,
    customer: 0,
  };
  for (const a of adjustments) held[a.bucket] -= parseCents(a.amount);
  return {
    feeSchedule: formatCents(cents(held.feeSchedule)),
    billReview: formatCents(cents(held.billReview)),
    ppo: formatCents(cents(held.ppo)),
    ur: formatCents(cents(held.ur)),
    negotiated: formatCents(cents(held.negotiated)),
    adjuster: formatCents(cents(held.adjuster)),
    customer: formatCents(cents(held.customer)),
  };
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

function buildLine(item: Working, lesserOf: Regulation): PricedLine {
  const { line, result } = item;
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  if (item.placement.kind === 'found') {
    steps.push(item.placement.step);
    if (item.placement.notice) notices.push(item.placement.notice);
  }
  steps.push(settingStep(line.placeOfService));
  for (const step of result.steps) steps.push(step);
  for (const notice of result.notices) notices.push(notice);
  const billed = formatCents(line.charge);
  if (result.kind === 'unpriced') {
    return pricedLine(line, billed, 'unpriced', null, null, null, [], steps, notices, result.reason);
  }
  if (result.kind === 'zero') {
    const adjustments =
      line.charge === 0
        ? []
        : [adjustment(item, result.reason, line.charge, result.message, result.regulation)];
    steps.push({ step: 'allowed', text: `${result.message} Allowed 0.00.`, result: '0.00' });
    return pricedLine(line, billed, 'denied', null, '0.00', billed, adjustments, steps, notices);
  }
  const unitText = formatCents(result.unitAmount);
  const { units, amount } = lineAmount(item);
  if (item.bilateral) {
    steps.push(item.bilateral.step);
    if (item.bilateral.notice) notices.push(item.bilateral.notice);
  } else if (units !== line.units) {
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
  // Bill review rules reduce the fee schedule amount; then the lesser of billed and what is left.
  const ruleCut = item.ruleDecisions.reduce((n, d) => n + d.reduction, 0);
  const afterRules = cents(Math.max(0, amount - ruleCut));
  const allowed = cents(Math.min(line.charge, afterRules));
  const withheld = cents(line.charge - allowed);
  const allowedText = formatCents(allowed);
  const withheldText = formatCents(withheld);
  item.allowed = allowed;
  const adjustments: Adjustment[] = [];
  const overFee = cents(Math.max(0, line.charge - amount));
  if (overFee > 0) {
    adjustments.push(
      adjustment(
        item,
        'FS-MAX',
        overFee,
        `Billed ${billed} is above the fee schedule amount ${amountText}; ${formatCents(overFee)} withheld.`,
        lesserOf,
      ),
    );
  }
  // What the rules take from the payable amount, rule by rule, in the order they ran.
  let byRules = Math.min(line.charge, amount) - allowed;
  for (const d of item.ruleDecisions) {
    const part = cents(Math.min(byRules, d.reduction));
    byRules -= part;
    if (part > 0 && d.reason) {
      adjustments.push(
        adjustment(item, d.reason, part, d.message, d.regulation ?? d.rule.regulation, 'billReview'),
      );
    }
  }
  if (ruleCut > 0) {
    steps.push({
      step: 'rules',
      text: `Bill review rules reduce the fee schedule amount ${amountText} by ${formatCents(cents(ruleCut))} to ${formatCents(afterRules)}.`,
      inputs: { feeScheduleAmount: amountText, reduction: formatCents(cents(ruleCut)) },
      result: formatCents(afterRules),
    });
  }
  const payable = ruleCut > 0 ? formatCents(afterRules) : amountText;
  steps.push({
    step: 'lesser-of',
    text: `Lesser of billed ${billed} and ${ruleCut > 0 ? 'the amount after bill review' : 'fee schedule amount'} ${payable}: ${allowedText}.`,
    inputs: { billed, feeScheduleAmount: payable },
    result: allowedText,
    regulation: lesserOf,
  });
  const feeSchedule = {
    method: result.method,
    unitAmount: unitText,
    amount: amountText,
    edition: result.edition.id,
    setting: settingOf(line.placeOfService),
    locality: result.locality ?? null,
  };
  const denied = allowed === 0 && item.ruleDecisions.some((d) => d.decision === 'denied');
  return pricedLine(
    line,
    billed,
    denied ? 'denied' : 'priced',
    feeSchedule,
    allowedText,
    withheldText,
    adjustments,
    steps,
    notices,
    undefined,
    item.ruleTrace,
  );
}

/**
 * Lines billed with modifier 50 are priced for both sides before the rules (Medicare Claims
 * Processing Manual, Chapter 12, § 40.7), where the jurisdiction applies Medicare's payment policies.
 */
function applyBilateralBasis(work: Working[], j: Jurisdiction): void {
  for (const item of work) {
    const result = item.result;
    if (result.kind !== 'priced' || !result.rvu || !item.line.modifiers.includes('50')) continue;
    if (!adoptsPaymentPolicies(j, item.line.dateOfService)) continue;
    const basis = bilateralBasis(result.rvu, result.unitAmount, item.line.units);
    if (basis) item.bilateral = basis;
  }
}

/** Units the amount counts and the fee schedule amount for the line (anesthesia and drugs: one). */
function lineAmount(item: Working): { units: number; amount: Cents } {
  const result = item.result;
  if (result.kind !== 'priced') return { units: item.line.units, amount: cents(0) };
  if (item.bilateral) return { units: 1, amount: item.bilateral.amount };
  const wholeLine = result.method === 'anesthesia' || result.method === 'nadac';
  const units = wholeLine ? 1 : item.line.units;
  return { units, amount: cents(result.unitAmount * units) };
}

/** The bill review rules stage: runs on the lines priced so far, in the order of RULES. */
function applyRules(work: Working[], index: FeeIndex, j: Jurisdiction, bill: NormalisedBill): void {
  const priced = work.filter((item) => item.result.kind === 'priced');
  const queries = new Map<NormalisedLine, FeeQuery>();
  const lines: RuleLine[] = priced.map((item) => {
    const { units, amount } = lineAmount(item);
    const result = item.result as Extract<FeeResult, { kind: 'priced' }>;
    if (item.query) queries.set(item.line, item.query);
    return {
      line: item.line,
      unitAmount: result.unitAmount,
      amount,
      units,
      // Every rule line has the same fields, set or not: one object shape for the rules to read.
      rvu: result.rvu,
      pePart: result.pePart,
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
  const { decisions, traces } = runRules(lines, ctx);
  priced.forEach((item, i) => {
    item.ruleTrace = traces[i] ?? [];
  });
  for (const d of decisions) (priced[d.lineIndex] as Working).ruleDecisions.push(d);
}

/**
 * The rule behind paying the lesser of billed and fee: Medicare's for Medicare, the jurisdiction's
 * own where its file sources one, and otherwise Medicare's rule said to be applied as such.
 */
function lesserOfRegulation(j: Jurisdiction): Regulation {
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
  applyBilateralBasis(work, jurisdiction as Jurisdiction);

  applyRules(work, index, jurisdiction as Jurisdiction, bill);
  const lesserOf = lesserOfRegulation(jurisdiction as Jurisdiction);
  const lines = work.map((item) => buildLine(item, lesserOf));
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
  const bucketTotals = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
  for (const line of lines) {
    if (!line.buckets) continue;
    for (const b of BUCKETS) bucketTotals[b] += parseSignedCents(line.buckets[b]);
  }
  const notices = [
    rulesNotice(
      jurisdiction as Jurisdiction,
      bill.lines.map((l) => l.dateOfService),
    ),
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
    lines,
    totals: {
      billed: formatCents(cents(billed)),
      allowed: formatCents(cents(allowed)),
      withheld: formatCents(cents(billed - unpricedBilled - allowed)),
      withheldByBucket,
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, formatCents(cents(bucketTotals[b]))])) as Buckets,
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
