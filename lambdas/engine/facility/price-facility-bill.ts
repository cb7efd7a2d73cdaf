import type { CarveOut } from '../../domain/jurisdiction-schema.js';
import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { type InternalReasonCode, REASON_CODES, type Regulation } from '../adjustments/reason-codes.js';
import type { NormalisedLine } from '../bill/normalise.js';
import type { NormalisedFacilityBill, NormalisedFacilityLine } from '../bill/normalise-facility.js';
import { distribute } from '../distribute.js';
import { BillValidationError } from '../errors.js';
import type { ExplainLevel } from '../explain.js';
import type { FeeResult } from '../fee-schedules/rbrvs.js';
import { type FacilityMethod, facilityEditionFor, type Jurisdiction } from '../jurisdictions.js';
import { type Cents, cents, formatCents, Money, roundToCents, ZERO_CENTS } from '../money.js';
import type {
  EditionUsed,
  ExplanationStep,
  FacilityLineInfo,
  PricedBill,
  PricedLine,
} from '../priced-bill.js';
import { duplicatesRule } from '../rules/duplicates.js';
import { documentationRule, priorAuthorizationRule } from '../rules/review-lists.js';
import type { AppliedDecision, BillRule, RuleContext, RuleLine } from '../rules/types.js';
import { billTotals, lineNotices } from '../stages/assemble.js';
import { buildLine } from '../stages/assemble-professional.js';
import { lineAmount } from '../stages/price-lines.js';
import type { ProfessionalWork as Working } from '../stages/professional-work.js';
import { runRulesOnLines } from '../stages/rules.js';
import { NO_EXTERNAL_VALUES, resolveValues } from '../stages/values.js';
import { dataReleaseOf } from '../supplied.js';
import { priceAscMedicare } from './asc.js';
import { priceInpatientMedicare } from './ipps.js';
import { priceOutpatientMedicare } from './opps.js';
import { priceStateFacilityTable } from './state-table.js';
import type { FacilityBill, FacilityBillType, FacilityLinePrice, FacilityPricing } from './types.js';

/**
 * The facility bill's orchestration: select the jurisdiction's method for the bill type, price the
 * lines on it (a Medicare method or the state's own table), apply a state's percentage of Medicare,
 * run the bill review rules that apply to facility lines, apply the external values and the lesser
 * of billed through the same stages as professional bills (price-bill.ts), and assemble the answer.
 */

/** The methods that price facility lines; a parameter so tests can give their own. */
export interface FacilityMethods {
  readonly outpatient: (index: FeeIndex, bill: FacilityBill) => FacilityPricing;
  readonly asc: (index: FeeIndex, bill: FacilityBill) => FacilityPricing;
  readonly inpatient: (index: FeeIndex, bill: FacilityBill) => FacilityPricing;
  readonly stateTable: (index: FeeIndex, jurisdictionId: string, bill: FacilityBill) => FacilityPricing;
}

/** The methods of lambdas/engine/facility. */
export const FACILITY_METHODS: FacilityMethods = {
  outpatient: priceOutpatientMedicare,
  asc: priceAscMedicare,
  inpatient: priceInpatientMedicare,
  stateTable: priceStateFacilityTable,
};

/** A jurisdiction's record of how it prices one facility bill type (lambdas/domain/jurisdiction-schema.ts, FacilityBillTypeSchema). */
type FacilityBillTypeRule = FacilityMethod;

/** The Medicare system a jurisdiction's facility method rests on (its file's `basis`). */
type Basis = NonNullable<FacilityBillTypeRule['basis']>;

/** The method that prices each Medicare basis. */
const BASIS_METHOD: Readonly<Record<Basis, 'outpatient' | 'asc' | 'inpatient'>> = {
  opps: 'outpatient',
  asc: 'asc',
  ipps: 'inpatient',
};

/** A bill type's own Medicare system, used where the file names no basis (no file, US-MEDICARE). */
const OWN_BASIS: Readonly<Record<FacilityBillType, Basis>> = {
  outpatient: 'opps',
  asc: 'asc',
  inpatient: 'ipps',
};

const MEDICARE_NAME: Readonly<Record<Basis, string>> = {
  opps: 'Medicare Hospital Outpatient Prospective Payment System (OPPS)',
  asc: 'Medicare Ambulatory Surgical Center (ASC) payment system',
  ipps: 'Medicare Inpatient Prospective Payment System (IPPS, MS-DRG)',
};

const BILL_TYPE_WORDS: Readonly<Record<FacilityBillType, string>> = {
  outpatient: 'hospital outpatient',
  asc: 'ambulatory surgery centre',
  inpatient: 'inpatient hospital',
};

/** The rule each method follows, for its own reductions (a multiple-procedure discount, a packaged line). */
const METHOD_REGULATIONS: Readonly<Record<FacilityLinePrice['method'], Regulation>> = {
  opps: {
    citation: '42 CFR part 419 (OPPS); Medicare Claims Processing Manual, ch. 4',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419',
  },
  asc: {
    citation: '42 CFR part 416, subpart D (ASC payment); Medicare Claims Processing Manual, ch. 14',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-416/subpart-D',
  },
  ipps: {
    citation: '42 CFR part 412 (IPPS); Medicare Claims Processing Manual, ch. 3',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-412',
  },
  rbrvs: {
    citation: '42 CFR § 419.2(b) and § 419.22: services paid under other fee schedules (status indicator A)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419',
  },
  clfs: {
    citation:
      '42 CFR § 419.22(l): clinical diagnostic laboratory tests paid on the CLFS (status indicator A)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419',
  },
  dmepos: {
    citation: '42 CFR § 419.22: DMEPOS paid on the DMEPOS fee schedule (status indicator A)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419',
  },
  'state-table': {
    citation: "The state's own facility fee schedule",
    url: 'https://www.cms.gov/medicare/payment/prospective-payment-systems',
  },
};

/**
 * The bill review rules that apply to facility lines, in the order of RULES: duplicates and the
 * prior authorisation and documentation lists. The others are professional edits or payment
 * policies, or need data we do not hold for facilities; each line's trace says so
 * ({@link SKIPPED_RULES}).
 */
export const FACILITY_RULES: readonly BillRule[] = [
  duplicatesRule,
  priorAuthorizationRule,
  documentationRule,
];

/**
 * The rules a facility line skips and why, in the words its trace gives (one shared, frozen list:
 * a 60-line claim carries it on every line).
 */
export const SKIPPED_RULES: readonly PricedLine['rules'][number][] = Object.freeze([
  Object.freeze({
    rule: 'ncci-ptp',
    decision: 'not-adopted' as const,
    message:
      'Not applied: NCCI hospital (outpatient) PTP edits are not held; the practitioner edits do not apply to facility claims.',
  }),
  Object.freeze({
    rule: 'mue',
    decision: 'not-adopted' as const,
    message:
      'Not applied: MUE facility (outpatient hospital) values are not held; the practitioner values do not apply to facility claims.',
  }),
  Object.freeze({
    rule: 'professional-policies',
    decision: 'not-adopted' as const,
    message:
      "Not applied: global-surgery, procedures-in-global-period, frequency-limits, add-on-codes, bilateral, multiple-procedure, return-to-operating-room and surgeons are professional edits and payment policies (Medicare Physician Fee Schedule indicators); the facility method applies its own (OPPS/ASC multiple-procedure discount, packaging, the stay's DRG payment).",
  }),
]);

/** The pseudo-rule under which a method's own reductions of a paid line appear (a discount, a reduced service). */
function methodRule(method: FacilityLinePrice['method']): BillRule {
  return {
    id: 'facility-method',
    title: 'Facility method',
    stage: 'payment',
    regulation: METHOD_REGULATIONS[method],
    appliesTo: () => true,
    run: () => [],
  };
}

/**
 * A method's internal reason code, checked: every code a method gives must be one of REASON_CODES
 * (a new one is added there with its CARC), so an unknown code is a programming error, not a
 * client's, and a test catches it.
 */
export function methodReason(code: string): InternalReasonCode {
  if (!Object.hasOwn(REASON_CODES, code))
    throw new Error(`facility method gave internal reason code ${code}, which is not in REASON_CODES`);
  return code as InternalReasonCode;
}

/** The jurisdiction's record for the bill type, when its file has one. */
function billTypeRule(j: Jurisdiction, billType: FacilityBillType): FacilityBillTypeRule | undefined {
  return j.billTypes[billType];
}

/** A source as one line of text: its citation and, when it has one, its address. */
function cite(source: { readonly citation: string; readonly url?: string }): string {
  return source.url ? `${source.citation} (${source.url})` : source.citation;
}

/**
 * 8 CCR § 9789.32(a) (http://www.dir.ca.gov/t8/9789_32.html): California's outpatient and ASC
 * schedule pays a facility fee only for emergency room visits (CPT 99281-99285) and surgical
 * procedures (CPT 10021-69990), and for the supplies, drugs, devices, blood products and
 * biologicals integral to them: packaged (status N, no further fee) or furnished with them under
 * status G, H or K. Other services are paid as § 9789.32(c) says (the jurisdiction file's notes:
 * the physician fee schedule sections), not by this method.
 */
const CA_SURGERY_RULE = {
  citation:
    '8 CCR § 9789.32(a): a facility fee is payable only for emergency room visits (CPT 99281-99285), surgical procedures (CPT 10021-69990) and the items integral to them (status N packaged; status G, H or K furnished with them); other services are paid under § 9789.32(c)',
  url: 'https://www.dir.ca.gov/t8/9789_32.html',
} as const;

/** A surgical procedure or emergency room visit as § 9789.32(a) defines them, by code range. */
function isSurgeryOrEmergency(code: string | undefined): boolean {
  if (code === undefined || !/^\d{5}$/.test(code)) return false;
  const n = Number(code);
  return (n >= 10021 && n <= 69990) || (n >= 99281 && n <= 99285);
}

/**
 * The factor categories a line can be placed in, each as its file's source defines it. A category
 * not here (Ohio's `childrens-hospital`: a bill cannot say it comes from one; Texas's
 * `implants-carved-out`: a bill cannot request separate implant payment) is never applied.
 */
const CATEGORY_TESTS: Readonly<
  Record<
    string,
    {
      readonly applies: (
        line: NormalisedFacilityLine,
        price: FacilityLinePrice,
        anchored: boolean,
      ) => boolean;
      readonly words: string;
      readonly source: { readonly citation: string; readonly url: string };
    }
  >
> = {
  surgery: {
    // Integral items: status G, H or K on a claim that has a surgical procedure or emergency visit.
    applies: (line, price, anchored) =>
      isSurgeryOrEmergency(line.code) ||
      (anchored && (price.indicator === 'G' || price.indicator === 'H' || price.indicator === 'K')),
    words: 'surgical procedures, emergency room visits and the drugs, supplies and devices integral to them',
    source: CA_SURGERY_RULE,
  },
};

/** Why a factor category is not applied to a line, for the line's notice. */
const UNAPPLIED_CATEGORY: Readonly<Record<string, string>> = {
  'implants-carved-out':
    'applies only when the facility requests separate payment for implants, which a bill cannot say here',
  'childrens-hospital': "applies to children's hospitals, which a bill cannot say it is",
};

/** The factor (or the reason there is none) for a paid line. */
type FactorChoice =
  | {
      readonly kind: 'factor';
      readonly factor: NonNullable<FacilityLineInfo['factor']>;
      readonly notices: string[];
    }
  | { readonly kind: 'none'; readonly reason: NonNullable<FeeResult & { kind: 'unpriced' }>['reason'] };

/**
 * The state's factor for a line: the facility edition in force on the date (the discharge date of
 * an inpatient stay, the line's date otherwise: jurisdictions.ts facilityEditionFor), and in it the
 * factor of the first category the line belongs to, else the `all` factor. A line outside every
 * category the edition has, with no `all`, is not priced: the state's rule pays it elsewhere.
 */
function factorFor(
  j: Jurisdiction,
  billType: FacilityBillType,
  date: string,
  line: NormalisedFacilityLine,
  price: FacilityLinePrice,
  anchored: boolean,
): FactorChoice {
  const choice = facilityEditionFor(j, billType, date);
  const factors = choice?.edition.factors ?? [];
  if (choice === undefined || factors.length === 0) {
    return {
      kind: 'none',
      reason: {
        code: 'NO-EDITION',
        message: `${j.name} (${j.id}) pays ${BILL_TYPE_WORDS[billType]} bills at a percentage of Medicare, and no edition of it we hold gives one for ${date}.`,
      },
    };
  }
  const e = choice.edition;
  const notices: string[] = [];
  let chosen = factors.find((f) => CATEGORY_TESTS[f.category]?.applies(line, price, anchored) === true);
  chosen ??= factors.find((f) => f.category === 'all');
  for (const f of factors) {
    const why = UNAPPLIED_CATEGORY[f.category];
    if (why !== undefined && f !== chosen)
      notices.push(
        `${j.name}'s ${f.category} factor ${f.value} (${f.source.citation}) is not applied: it ${why}.`,
      );
  }
  if (chosen === undefined) {
    const categories = factors
      .map((f) => CATEGORY_TESTS[f.category])
      .filter((c) => c !== undefined)
      .map((c) => `${c.words} (${cite(c.source)})`);
    return {
      kind: 'none',
      reason: {
        code: 'NOT-IN-EDITION',
        message: `${j.name} (${j.id}) pays ${BILL_TYPE_WORDS[billType]} lines at a percentage of Medicare only for ${categories.length > 0 ? categories.join('; ') : `the categories ${factors.map((f) => f.category).join(', ')}`}; this line is none of them, the state's rule pays it under another schedule, and it is not priced on Medicare as if it were.`,
      },
    };
  }
  return {
    kind: 'factor',
    factor: {
      value: chosen.value,
      category: chosen.category,
      edition: e.id,
      source: { citation: chosen.source.citation, url: chosen.source.url },
    },
    notices,
  };
}

/**
 * Whether a line reports an implant, for a carve-out: by the carve-out's own revenue codes when it
 * names them; otherwise by the UB-04 implant revenue codes 0274 (prosthetic/orthotic devices), 0275
 * (pacemaker), 0276 (intraocular lens) and 0278 (other implants) (NUBC; 0277 is take-home oxygen)
 * or a CMS device category HCPCS code C1713-C1900 (OPPS Addendum B device codes).
 */
function isImplant(line: NormalisedFacilityLine, carveOut: CarveOut): boolean {
  const codes = carveOut.revenueCodes ?? ['0274', '0275', '0276', '0278'];
  if (codes.includes(line.revenueCode)) return true;
  const m = /^C(\d{4})$/.exec(line.code ?? '');
  return m !== null && Number(m[1]) >= 1713 && Number(m[1]) <= 1900;
}

/**
 * A carve-out that covers the line: never priced silently. A carve-out paid only when the facility
 * asks (`on-request`, Texas's implantables) leaves the line to the method, with a notice that it
 * cannot be taken on this bill; one that always applies, whose payment we do not model or whose
 * cost the bill does not carry, leaves the line unpriced.
 */
function carveOutOf(
  rule: FacilityBillTypeRule | undefined,
  j: Jurisdiction,
  line: NormalisedFacilityLine,
): { readonly notice: string; readonly unpriced: boolean } | undefined {
  for (const c of rule?.carveOuts ?? []) {
    if (!isImplant(line, c)) continue;
    const how =
      c.payment.kind === 'not-modelled'
        ? `its payment is not modelled: ${c.payment.why.replace(/\.$/, '')}`
        : `it pays ${c.payment.costBasis} plus ${c.payment.addOnPercent}%, which needs ${(c.needs ?? ["the item's cost"]).join(' and ')}, not on this bill`;
    const source = `${c.source.citation}, ${c.source.section} (${c.source.url})`;
    if (c.when === 'on-request')
      return {
        unpriced: false,
        notice: `Flagged for review: line ${line.lineNumber} reports an item of ${j.name}'s ${c.id} carve-out (${source}), paid apart only when the facility requests it, which this bill cannot say; ${how}. The line is priced as the method says; review it if separate payment was requested.`,
      };
    return {
      unpriced: true,
      notice: `${j.name} (${j.id}) pays ${c.id} apart from the facility method (${source}); ${how}. Flagged for review, not priced on Medicare.`,
    };
  }
  return undefined;
}

/** How the bill is priced: the method, the state's rule when it has one, and the bill's notice. */
interface Selection {
  readonly method: string;
  readonly rule: FacilityBillTypeRule | undefined;
  readonly pricing: FacilityPricing;
  readonly notice: string | undefined;
}

/**
 * Every line unpriced, saying what the state does and its source: an `unsupported` method (the
 * state's method was read and is not a multiple of a Medicare method we can price) is never
 * priced on Medicare as if it were. The lines carry method `state-table`: the state's own method.
 */
function unsupported(j: Jurisdiction, bill: FacilityBill, rule: FacilityBillTypeRule): FacilityPricing {
  const sources = (rule.sources ?? []).map(cite).join('; ');
  const message = `${j.name} (${j.id}) does not pay ${BILL_TYPE_WORDS[bill.billType]} bills on a multiple of a Medicare method we can price. ${rule.missing ?? 'Its method is not held.'} Source: ${sources}. The lines are not priced on Medicare as if it were.`;
  const reason = { code: 'NO-EDITION' as const, message };
  const none: readonly never[] = Object.freeze([]);
  return {
    lines: bill.lines.map(() => ({
      kind: 'unpriced',
      amount: ZERO_CENTS,
      unitAmount: ZERO_CENTS,
      method: 'state-table',
      edition: undefined,
      indicator: undefined,
      apc: undefined,
      wageIndex: undefined,
      packagedInto: undefined,
      reason: undefined,
      unpriced: reason,
      steps: none,
      notices: none,
    })),
    claimSteps: [],
    notices: [message],
    editions: [],
  };
}

/**
 * The jurisdiction's method for the bill (its file's `method` and `basis`): a state table, the
 * Medicare system of its `basis` (for percent-of-medicare, medicare and medicare-fallback alike:
 * California's ASC bills are priced on the OPPS), or nothing for an unsupported method. A file
 * without the bill type is priced on the bill type's own Medicare system, with a notice.
 */
function select(index: FeeIndex, j: Jurisdiction, bill: FacilityBill, methods: FacilityMethods): Selection {
  const rule = billTypeRule(j, bill.billType);
  const basis = rule?.basis ?? OWN_BASIS[bill.billType];
  const medicare = () => methods[BASIS_METHOD[basis]](index, bill);
  const words = BILL_TYPE_WORDS[bill.billType];
  if (rule?.method === 'state-table') {
    return { method: 'state-table', rule, pricing: methods.stateTable(index, j.id, bill), notice: undefined };
  }
  if (rule?.method === 'unsupported') {
    return { method: 'unsupported', rule, pricing: unsupported(j, bill, rule), notice: undefined };
  }
  if (rule?.method === 'percent-of-medicare' || rule?.method === 'medicare') {
    return { method: rule.method, rule, pricing: medicare(), notice: undefined };
  }
  if (j.id === 'US-MEDICARE') return { method: 'medicare', rule, pricing: medicare(), notice: undefined };
  const lacking =
    rule === undefined
      ? `the jurisdiction file we hold records no ${words} method`
      : (rule.missing ?? `we hold no ${j.name} ${words} schedule`).replace(/\.$/, '');
  return {
    method: 'medicare-fallback',
    rule,
    pricing: medicare(),
    notice: `${j.name} (${j.id}): ${lacking}; this ${words} bill is priced on the ${MEDICARE_NAME[basis]}.`,
  };
}

/** A facility line as the shared stages read a line (they were written for professional lines). */
function sharedLine(line: NormalisedFacilityLine, bill: NormalisedFacilityBill): NormalisedLine {
  return {
    index: line.index,
    lineNumber: line.lineNumber,
    path: line.path,
    lineNumberField: line.lineNumberField,
    // A revenue-code-only line is named by its revenue code (four digits: no HCPCS code has four).
    code: line.code ?? line.revenueCode,
    codeField: line.codeField,
    modifiers: line.modifiers,
    dateOfService: line.dateOfService,
    day: line.day,
    units: line.units,
    charge: line.charge,
    // A facility line has no place of service; its bill type is its setting.
    placeOfService: '',
    // The duplicates rule groups lines of one provider: on a facility bill, one facility and one
    // revenue code, so the same HCPCS under two revenue codes is not a duplicate.
    provider: `${bill.facility.npi ?? ''}|${line.revenueCode}`,
    anesthesiaMinutes: undefined,
    drug: undefined,
    priorAuthorization: line.priorAuthorization,
    documentation: line.documentation,
    externalValues: line.externalValues,
  };
}

/** Only `id` of a facility line's edition is read by the shared stages; the answer lists editions itself. */
function editionOf(index: FeeIndex, id: string | undefined): EditionInfo {
  return (
    (id === undefined ? undefined : index.editionById(id)) ??
    ({ id: id ?? '', label: id ?? '' } as unknown as EditionInfo)
  );
}

/** The line's fee, its base before the method's own reduction, and the factor step. */
interface LineFee {
  readonly unit: Cents;
  readonly base: Cents;
  readonly fee: Cents;
  readonly factor: FacilityLineInfo['factor'];
}

/** A state's factor applied to a Medicare amount, rounded once (money.ts). */
function times(amount: Cents, factor: string | undefined): Cents {
  if (factor === undefined) return amount;
  return roundToCents(new Money(amount).div(100).times(factor));
}

function resultOf(
  price: FacilityLinePrice,
  line: NormalisedFacilityLine,
  factor: FacilityLineInfo['factor'],
  index: FeeIndex,
): { result: FeeResult; fee: LineFee | undefined; discount: AppliedDecision | undefined } {
  // The method's own arrays, copied only when a step is added (a state's factor).
  const steps = factor && price.kind === 'paid' ? [...price.steps] : (price.steps as ExplanationStep[]);
  const notices = price.notices as string[];
  if (price.kind === 'unpriced') {
    return {
      result: {
        kind: 'unpriced',
        reason: price.unpriced ?? {
          code: 'NOT-IN-EDITION',
          message: `${line.code ?? line.revenueCode} is not priced by the method.`,
        },
        steps,
        notices,
      },
      fee: undefined,
      discount: undefined,
    };
  }
  if (price.kind === 'packaged' || price.kind === 'not-payable') {
    const reason = methodReason(
      price.reason?.internalCode ??
        (price.kind === 'packaged' ? 'FS-STATUS-BUNDLED' : 'FS-STATUS-NONCOVERED'),
    );
    const message =
      price.reason?.message ??
      (price.kind === 'packaged'
        ? `Packaged${price.packagedInto === undefined ? '' : ` into line ${price.packagedInto}`}: paid as part of another service.`
        : `${price.indicator ?? 'The method'} pays nothing for this line.`);
    return {
      result: { kind: 'zero', reason, message, regulation: METHOD_REGULATIONS[price.method], steps, notices },
      fee: undefined,
      discount: undefined,
    };
  }
  // Paid: the method's amount is for all units; where it pays less than its rate for the units
  // and says why, the difference is its own reduction, so the answer shows both.
  const full = cents(price.unitAmount * line.units);
  const reduced = price.reason !== undefined && full > price.amount;
  const base = times(reduced ? full : price.amount, factor?.value);
  const fee = times(price.amount, factor?.value);
  if (factor) {
    steps.push({
      step: 'state-factor',
      text: `${factor.value} × the Medicare amount ${formatCents(reduced ? full : price.amount)} = ${formatCents(base)} (${factor.source.citation}).`,
      inputs: {
        factor: factor.value,
        medicareAmount: formatCents(reduced ? full : price.amount),
        edition: factor.edition,
      },
      result: formatCents(base),
      regulation: {
        citation: factor.source.citation,
        url: factor.source.url ?? METHOD_REGULATIONS[price.method].url,
      },
    });
  }
  const result: FeeResult = {
    kind: 'priced',
    unitAmount: base,
    method: price.method === 'asc' || price.method === 'ipps' ? price.method : 'opps',
    edition: editionOf(index, price.edition),
    editions: [],
    steps,
    notices,
  };
  const discount: AppliedDecision | undefined =
    reduced && price.reason
      ? {
          lineIndex: -1,
          decision: 'reduced',
          reduction: cents(base - fee),
          reason: methodReason(price.reason.internalCode),
          message: price.reason.message,
          regulation: METHOD_REGULATIONS[price.method],
          rule: methodRule(price.method),
          external: undefined,
        }
      : undefined;
  return { result, fee: { unit: times(price.unitAmount, factor?.value), base, fee, factor }, discount };
}

/**
 * A state pays a percentage of Medicare's payment for the stay (e.g. Ohio's 1.181 × the IPPS
 * amount), not of each line's share of it: the factor applied line by line can miss the stay's
 * product by a cent or two of rounding. The cents between the two are put back on the paid lines
 * in proportion to their amounts (largest remainder, `distribute`), so the lines sum to the
 * factor × the stay, rounded once; each line that moved says so.
 */
function applyStayFactor(work: Working[], fees: (LineFee | undefined)[], prices: FacilityLinePrice[]): void {
  const paid: number[] = [];
  let factor: string | undefined;
  let medicare = 0;
  let current = 0;
  for (const [i, fee] of fees.entries()) {
    if (fee?.factor === null || fee?.factor === undefined) continue;
    if (factor !== undefined && fee.factor.value !== factor) return; // one factor a stay, or leave it
    factor = fee.factor.value;
    paid.push(i);
    medicare += (prices[i] as FacilityLinePrice).amount;
    current += fee.fee;
  }
  if (factor === undefined || paid.length === 0) return;
  const stay = times(cents(medicare), factor);
  const diff = stay - current;
  if (diff === 0) return;
  const shares = distribute(
    cents(diff),
    paid.map((i) => (fees[i] as LineFee).fee),
  );
  for (const [k, i] of paid.entries()) {
    const share = shares[k] as Cents;
    if (share === 0) continue;
    const fee = fees[i] as LineFee;
    const moved: LineFee = { ...fee, base: cents(fee.base + share), fee: cents(fee.fee + share) };
    fees[i] = moved;
    const item = work[i] as Working;
    if (item.result.kind !== 'priced') continue;
    item.result = {
      ...item.result,
      unitAmount: moved.base,
      steps: [
        ...item.result.steps,
        {
          step: 'stay-factor-rounding',
          text: `${factor} × the stay's Medicare payment ${formatCents(cents(medicare))} = ${formatCents(stay)}, rounded once; the lines' shares, each rounded, came to ${formatCents(cents(current))}, so this line takes ${formatCents(share)} of the difference (largest remainder) and is ${formatCents(moved.base)}.`,
          inputs: { factor, stayMedicare: formatCents(cents(medicare)), stay: formatCents(stay) },
          result: formatCents(moved.base),
        },
      ],
    };
  }
}

/** The facility rules stage: the rules that apply to facility lines, on the lines priced so far. */
function applyFacilityRules(
  work: Working[],
  index: FeeIndex,
  j: Jurisdiction,
  bill: NormalisedFacilityBill,
): void {
  const priced = work.filter((item) => item.result.kind === 'priced' && !item.exclusive);
  if (priced.length === 0) return;
  const lines: RuleLine[] = priced.map((item) => {
    const result = item.result as Extract<FeeResult, { kind: 'priced' }>;
    // The rules act on what the method left: its own reduction (a discount) comes first.
    let amount: number = item.before?.amount ?? result.unitAmount;
    for (const d of item.ruleDecisions) amount = Math.max(0, amount - d.reduction);
    return {
      line: item.line,
      unitAmount: result.unitAmount,
      amount: cents(amount),
      units: item.line.units,
      rvu: undefined,
      pePart: undefined,
      peReducedUnit: undefined,
      bilateral: false,
    };
  });
  const ctx: RuleContext = {
    index,
    jurisdiction: j,
    bill: { priorVisits: {}, review: bill.review },
    feeOf: () => undefined,
  };
  runRulesOnLines(priced, lines, ctx, FACILITY_RULES);
}

/** The answer's list of editions: the method's, the factor's jurisdiction editions are in the lines. */
function editionsUsed(index: FeeIndex, pricing: FacilityPricing): EditionUsed[] {
  const seen = new Map<string, EditionInfo>();
  const add = (id: string | undefined) => {
    const e = id === undefined ? undefined : index.editionById(id);
    if (e) seen.set(e.id, e);
  };
  for (const id of pricing.editions) add(id);
  for (const line of pricing.lines) {
    add(line.edition);
    for (const step of line.steps) add(step.source?.edition);
  }
  for (const step of pricing.claimSteps) add(step.source?.edition);
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
 * Whether a facility line is paid at the lesser of billed and its amount, and the rule: only where
 * the jurisdiction's file says so with a source (its `lesserOfBilled`). Medicare's facility methods
 * pay their rate whatever the charge (the OPPS pays the APC's rate, 42 CFR § 419.32; the IPPS the
 * DRG's, § 412.64), and a state whose rule we do not hold is not assumed to cap at billed.
 */
function facilityLesserOf(j: Jurisdiction): { cap: boolean; regulation: Regulation } {
  const own = j.lesserOfBilled;
  if (own?.value && j.id !== 'US-MEDICARE')
    return {
      cap: true,
      regulation: { citation: own.source.citation, url: own.source.url ?? METHOD_REGULATIONS.opps.url },
    };
  return {
    cap: false,
    regulation:
      j.id === 'US-MEDICARE'
        ? {
            citation:
              "Medicare's facility methods pay their rate whatever the billed charge (42 CFR § 419.32, the OPPS; § 412.64, the IPPS); a charge above the rate is withheld",
            url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-C/section-419.32',
          }
        : {
            citation: `the sources we hold state no rule of ${j.name} (${j.id}) limiting facility payments to billed charges, so none is applied; a charge above the amount is withheld`,
            url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-C/section-419.32',
          },
  };
}

/**
 * Prices a normalised facility bill (hospital outpatient, surgery centre, inpatient stay): the
 * jurisdiction's method for the bill type (or Medicare's, with a notice naming what we lack), a
 * state's percentage of Medicare on the line's date, the rules that apply to facility lines
 * (duplicates, prior authorisation and documentation lists; the others are named as not applied on
 * each line), external values, the lesser of billed, totals and buckets as for professional bills.
 * Pure: the same bill and index always give the same answer.
 *
 * @param index - the fee index
 * @param bill - from `normaliseFacilityBill` (a bare `FacilityBill` is priced without external values or review lists)
 * @param methods - the methods that price the lines (tests give their own)
 * @param explain - the answer's level: below `full` the text only `full` shows is not built (the
 *   result is then only fit for `summariseBill`/`amountsOnly`; use `priceRequest`)
 * @returns the priced bill, with `billType` the facility type and a `facility` block
 * @throws BillValidationError when the jurisdiction is unknown
 * @example priceFacilityBill(index, normaliseFacilityBill(json))
 */
export function priceFacilityBill(
  index: FeeIndex,
  bill: FacilityBill | NormalisedFacilityBill,
  methods: FacilityMethods = FACILITY_METHODS,
  explain: ExplainLevel = 'full',
): PricedBill {
  const full = completeBill(bill);
  const j = index.jurisdiction(full.jurisdiction);
  if (j === undefined) {
    throw new BillValidationError('The bill cannot be priced as sent.', [
      {
        field: 'jurisdiction',
        errorMessage: `${full.jurisdiction} is not a jurisdiction we know; use a state code, DC, US-OWCP or US-MEDICARE (GET /v1/jurisdictions lists them)`,
      },
    ]);
  }
  const selection = select(index, j, full, methods);
  const { pricing } = selection;
  if (pricing.lines.length !== full.lines.length)
    throw new Error(
      `facility method answered ${pricing.lines.length} lines for a bill of ${full.lines.length}`,
    );
  const percent = selection.method === 'percent-of-medicare';
  // A percentage's edition is the one in force at discharge for a stay, on the line's date otherwise.
  const stayDate = full.billType === 'inpatient' ? full.dischargeDate : undefined;
  // California's surgery factor reaches integral items only on a claim with a surgical or ER line.
  const anchored = percent && full.lines.some((l) => isSurgeryOrEmergency(l.code));
  const fees: (LineFee | undefined)[] = [];
  const prices: FacilityLinePrice[] = [];
  const work: Working[] = full.lines.map((line, i) => {
    const price = pricing.lines[i] as FacilityLinePrice;
    prices.push(price);
    const chosen =
      percent && price.kind === 'paid'
        ? factorFor(j, full.billType, stayDate ?? line.dateOfService, line, price, anchored)
        : undefined;
    const factor = chosen?.kind === 'factor' ? chosen.factor : null;
    let { result, fee, discount } = resultOf(price, line, factor, index);
    const carveOut = carveOutOf(selection.rule, j, line);
    const extra = [
      ...(chosen?.kind === 'factor' ? chosen.notices : []),
      ...(carveOut ? [carveOut.notice] : []),
    ];
    if (extra.length > 0) result = { ...result, notices: [...result.notices, ...extra] };
    if (chosen?.kind === 'none' || carveOut?.unpriced) {
      result = {
        kind: 'unpriced',
        reason:
          chosen?.kind === 'none'
            ? chosen.reason
            : { code: 'NOT-IN-EDITION', message: carveOut?.notice ?? '' },
        steps: result.steps,
        notices: result.notices,
      };
      fee = undefined;
      discount = undefined;
    }
    fees.push(fee);
    const item: Working = {
      line: sharedLine(line, full),
      result,
      placement: { kind: 'no-edition', message: '' },
      allowed: ZERO_CENTS,
      reductions: [],
      ruleDecisions: [],
      ruleTrace: [],
      query: undefined,
      bilateral: undefined,
      indicators: undefined,
      values: NO_EXTERNAL_VALUES,
      exclusive: undefined,
      before: undefined,
    };
    if (discount) {
      item.ruleDecisions.push(discount);
      item.ruleTrace.push({ rule: 'facility-method', decision: 'reduced', message: discount.message });
    }
    return item;
  });
  if (full.billType === 'inpatient') applyStayFactor(work, fees, prices);
  const valueNotices = resolveValues(work, full.externalValues, {
    hasAllowance: (item) => item.result.kind === 'priced',
    feeAmount: (item) => lineAmount(item).amount,
  });
  applyFacilityRules(work, index, j, full);
  const lesserOf = facilityLesserOf(j);
  const lines = work.map((item, i): PricedLine => {
    const built = buildLine(item, lesserOf.regulation, j, lesserOf.cap, full.billType, explain);
    const price = prices[i] as FacilityLinePrice;
    const fee = fees[i];
    const line = full.lines[i] as NormalisedFacilityLine;
    // One literal in the professional line's key order (no spread: a 60-line claim builds 60).
    const out: PricedLine = {
      lineNumber: built.lineNumber,
      code: built.code,
      modifiers: built.modifiers,
      dateOfService: built.dateOfService,
      units: built.units,
      placeOfService: built.placeOfService,
      billed: built.billed,
      status: built.status,
      feeSchedule:
        built.feeSchedule && fee
          ? {
              method: price.method,
              unitAmount: formatCents(fee.unit),
              amount: formatCents(fee.base),
              edition: price.edition ?? '',
              setting: 'facility',
              locality: null,
            }
          : built.feeSchedule,
      allowed: built.allowed,
      withheld: built.withheld,
      adjustments: built.adjustments,
      buckets: built.buckets,
      explanation: built.explanation,
      notices: built.notices,
      rules: built.rules.length === 0 ? SKIPPED_RULES : [...built.rules, ...SKIPPED_RULES],
      facility: {
        revenueCode: line.revenueCode === '' ? null : line.revenueCode,
        method: price.method,
        indicator: price.indicator ?? null,
        apc: price.apc ?? null,
        wageIndex: price.wageIndex ?? null,
        packagedInto: price.packagedInto ?? null,
        factor: fee?.factor ?? null,
      },
    };
    if (built.unpriced === undefined) return out;
    // An unpriced line says why, after its facility block (the answer's key order does not matter to JSON readers).
    (out as { unpriced?: PricedLine['unpriced'] }).unpriced = built.unpriced;
    return out;
  });
  return assemble(
    full,
    j,
    selection,
    lines,
    work,
    valueNotices,
    editionsUsed(index, pricing),
    explain,
    dataReleaseOf(index),
  );
}

/** A bare FacilityBill (the contract's) with the fields the answer repeats, empty. */
function completeBill(bill: FacilityBill | NormalisedFacilityBill): NormalisedFacilityBill {
  if ('format' in bill) return bill;
  return {
    ...bill,
    format: 'bill',
    lines: bill.lines.map((l) => ({
      ...l,
      path: `lines[${l.index}]`,
      lineNumberField: undefined,
      day: Number.NaN,
      priorAuthorization: undefined,
      documentation: [],
      externalValues: NO_EXTERNAL_VALUES,
    })),
    review: {},
    externalValues: [],
    parties: {},
    zipField: 'facility.zip',
  };
}

/** Totals, buckets and notices exactly as for professional bills (price-bill.ts), and the facility block. */
function assemble(
  bill: NormalisedFacilityBill,
  j: Jurisdiction,
  selection: Selection,
  lines: PricedLine[],
  work: readonly Working[],
  valueNotices: readonly string[],
  editions: EditionUsed[],
  explain: ExplainLevel,
  dataRelease: string,
): PricedBill {
  const totals = billTotals(
    work.map((item, i) => ({
      charge: item.line.charge,
      status: (lines[i] as PricedLine).status,
      allowed: item.allowed,
      reductions: item.reductions,
    })),
  );
  const dates = lines.map((l) => l.dateOfService).sort();
  const f = bill.facility;
  return {
    ...(bill.billId === undefined ? {} : { billId: bill.billId }),
    ...(bill.billReference === undefined ? {} : { billReference: bill.billReference }),
    jurisdiction: { id: j.id, name: j.name, method: selection.method },
    billType: bill.billType,
    dataRelease,
    location: { zip: f.zip, source: 'serviceFacility' },
    parties: bill.parties,
    dates: {
      firstService: bill.admissionDate ?? dates[0] ?? '',
      lastService: bill.dischargeDate ?? dates[dates.length - 1] ?? '',
      ...(bill.receivedDate === undefined ? {} : { received: bill.receivedDate }),
    },
    lines,
    totals,
    editions,
    notices: [
      // Below full, each line's rule trace says which rules ran: the sentence naming them is left out.
      ...(explain === 'full'
        ? [
            `Bill review rules applied to this facility bill, in this order: ${FACILITY_RULES.map((r) => r.title).join('; ')}. Not applied: NCCI hospital PTP edits and MUE facility values (not held), and the professional edits and payment policies (each line's rules say which).`,
          ]
        : []),
      ...(selection.notice ? [selection.notice] : []),
      ...selection.pricing.notices,
      ...valueNotices,
      ...lineNotices(lines),
    ],
    facility: {
      typeOfBill: bill.typeOfBill ?? null,
      facility: {
        ...(f.npi === undefined ? {} : { npi: f.npi }),
        ...(f.ccn === undefined ? {} : { ccn: f.ccn }),
        zip: f.zip,
        ...(f.cbsa === undefined ? {} : { cbsa: f.cbsa }),
        ...(f.reclassifiedCbsa === undefined ? {} : { reclassifiedCbsa: f.reclassifiedCbsa }),
        ...(f.county === undefined ? {} : { county: f.county }),
        ...(f.costToChargeRatio === undefined ? {} : { costToChargeRatio: f.costToChargeRatio }),
      },
      drg: bill.drg ?? null,
      admissionDate: bill.admissionDate ?? null,
      dischargeDate: bill.dischargeDate ?? null,
      dischargeStatus: bill.dischargeStatus ?? null,
      diagnoses: bill.diagnoses,
      grouping:
        bill.billType === 'inpatient'
          ? `The MS-DRG ${bill.drg ?? ''} is the bill's, as billed: we do not group the diagnoses and procedures into a DRG.`.replace(
              '  ',
              ' ',
            )
          : 'No DRG: outpatient and surgery-centre lines are priced by their own codes.',
      method: selection.method,
      steps: selection.pricing.claimSteps,
    },
  };
}
