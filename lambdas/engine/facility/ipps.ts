import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex, IppsDrgEntry, IppsRateEntry } from '../../fee-index/reader.js';
import { type Cents, formatCents, formatScaled, Money, roundToCents } from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';
import { type IppsWageIndexChoice, ippsWageIndex } from './ipps-wage-index.js';
import { fiscalYearOf, lengthOfStay, spreadOverLines, unpricedStay } from './stay.js';
import type { FacilityBill, FacilityPricing } from './types.js';

/**
 * Medicare's inpatient prospective payment (IPPS) operating payment for a stay, from the MS-DRG
 * the bill names (we do not group), the discharge's fiscal year and the hospital's wage index:
 *
 *   full = weight × (labor share × wage index + non-labor share)   (42 CFR 412.64(g), (h))
 *
 * where the shares are the national standardized amount's, from the table for the wage index: a
 * hospital with a wage index above 1 on the 66% labor share table (tab1, FY2026), one at or below 1
 * on the 62% table (tab3), which § 1886(d)(3)(E)(i) of the Act requires when it pays more.
 * Transfers are paid the per diem of 42 CFR 412.4(f). Rounding: the stay's payment is computed
 * exactly and rounded once, half up, by `roundToCents`; the CMS files held carry no calculation
 * code (SOURCES.md § 11e), so where CMS's pricer rounds intermediate amounts is not known to us
 * and a result can differ from it by a cent.
 */

const REG = {
  ipps: {
    citation:
      '42 CFR 412.64 (Federal rates for inpatient operating costs: standardized amount, wage and DRG adjustments)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-412/subpart-D/section-412.64',
  },
  laborShare: {
    citation:
      'Social Security Act § 1886(d)(3)(E)(i) (62% labor share for a hospital with a wage index at or below 1.0)',
    url: 'https://www.ssa.gov/OP_Home/ssact/title18/1886.htm',
  },
  transfer: {
    citation:
      '42 CFR 412.4(b), (c), (d) and (f) (transfers: per diem = full payment ÷ geometric mean length of stay, first day doubled, capped at the full payment; special payment DRGs 50% + 50%); Medicare Claims Processing Manual, Chapter 3, § 40.2.4 (discharge status codes of transfers)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-412/subpart-A/section-412.4',
  },
  days: {
    citation: 'Medicare Benefit Policy Manual, Chapter 3, § 20.1 (counting inpatient days)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/bp102c03.pdf',
  },
} as const;

/**
 * UB-04 patient discharge status codes that make a stay a transfer (42 CFR 412.4; Claims
 * Processing Manual ch. 3 § 40.2.4). Acute: to another IPPS hospital or a critical access hospital
 * (02, 66, and the planned readmission codes 82, 94) — every MS-DRG. Post-acute: to a skilled
 * nursing facility (03), a hospital excluded from IPPS such as a cancer or children's hospital
 * (05), home health (06, when services start within 3 days), a swing bed (61), an inpatient
 * rehabilitation facility (62), a long-term care hospital (63), a psychiatric hospital or unit
 * (65), and their planned readmission codes (83, 85, 86, 89, 90, 91, 93) — only the MS-DRGs the
 * table flags.
 */
const ACUTE_TRANSFER = new Set(['02', '66', '82', '94']);
const POST_ACUTE_TRANSFER = new Set([
  '03',
  '05',
  '06',
  '61',
  '62',
  '63',
  '65',
  '83',
  '85',
  '86',
  '89',
  '90',
  '91',
  '93',
]);

/** What the IPPS answer never includes, named on every answer. */
const NOT_INCLUDED = [
  "Operating payment only. Not included, as we do not hold what they need: the capital payment (42 CFR 412.312: capital federal rate), indirect medical education (42 CFR 412.105) and disproportionate share and uncompensated care payments (42 CFR 412.106), which need the hospital's provider-specific data; new technology add-on payments (42 CFR 412.87-412.88); and the hospital readmissions reduction, value-based purchasing and hospital-acquired condition adjustments (42 CFR 412.152-412.172).",
  'The standardized amount assumes the hospital reports quality data and is a meaningful EHR user (Table 1A/1B, the full update); a hospital that is not is paid on a reduced table, which the bill cannot tell us.',
];

const splitNotice =
  "Medicare pays the stay, not its lines: the stay's payment is put on the lines in proportion to their charges. That split is ours, not CMS's.";

function unpriced(
  bill: FacilityBill,
  reason: UnpricedReason,
  editions: string[],
  notices: string[] = [],
): FacilityPricing {
  return {
    lines: unpricedStay(bill, 'ipps', editions[0], reason),
    claimSteps: [],
    notices: [reason.message, ...notices],
    editions,
  };
}

function editionOfYear(index: FeeIndex, kind: 'ipps-drg' | 'ipps-rates' | 'ipps-wage-index', fy: number) {
  return index.editions(kind).find((e) => e.year === fy);
}

function heldYears(index: FeeIndex, kind: 'ipps-drg' | 'ipps-rates' | 'ipps-wage-index'): string {
  const years = index.editions(kind).map((e) => `FY${e.year}`);
  return years.length === 0 ? 'none' : years.join(', ');
}

/** The full MS-DRG operating payment, exact (dollars × 10^10), with its step. */
function fullPayment(
  drg: IppsDrgEntry,
  rate: IppsRateEntry,
  wageIndex: number,
  tableLabel: string,
  laborPercent: string,
): { exact: number; step: ExplanationStep } {
  // cents × 10^4 (= dollars × 10^6), then × weight × 10^4: dollars × 10^10, exact in integers.
  const adjusted = rate.labor * wageIndex + rate.nonLabor * 10_000;
  const exact = drg.weight * adjusted;
  const step: ExplanationStep = {
    step: 'ipps-drg-payment',
    text: `MS-DRG ${drg.drg} relative weight × (labor share × wage index + non-labor share) of the FY${rate.edition.year} national standardized amount, ${tableLabel} (${laborPercent}% labor share).`,
    inputs: {
      drg: drg.drg,
      weight: formatScaled(drg.weight, 4, 4),
      laborShare: formatCents(rate.labor as Cents),
      nonLaborShare: formatCents(rate.nonLabor as Cents),
      wageIndex: formatScaled(wageIndex, 4, 4),
      standardizedAmountTable: `tab${rate.table} (${rate.edition.source.file} line ${rate.line})`,
      drgRow: `${drg.edition.source.file} line ${drg.line}`,
    },
    result: formatCents(roundToCents({ value: exact, scale: 10 })),
    source: { file: rate.edition.source.file, line: rate.line, edition: rate.edition.id },
    regulation: REG.ipps,
  };
  return { exact, step };
}

/**
 * Prices an inpatient stay on Medicare's IPPS: the operating payment for the MS-DRG the bill names,
 * adjusted for a transfer, put on the bill's lines in proportion to their charges.
 *
 * A stay is not priced (every line `unpriced`, with the reason) when the fiscal year of its
 * discharge has no MS-DRG table, standardized amounts or wage index in the index (a FY2025
 * discharge is never priced on FY2026 weights), when the bill names no CBSA (no ZIP-to-CBSA
 * crosswalk is held), or when the MS-DRG is not in the year's table.
 *
 * @param index - the fee index
 * @param bill - a normalised inpatient bill
 * @returns one price per line, the claim's steps and what was not included
 * @example
 * priceInpatientMedicare(index, { billType: 'inpatient', drg: '470', dischargeDate: '2026-03-04', … })
 */
export function priceInpatientMedicare(index: FeeIndex, bill: FacilityBill): FacilityPricing {
  const { drg: drgCode, admissionDate, dischargeDate, dischargeStatus } = bill;
  if (!drgCode || !dischargeDate || !admissionDate) {
    return unpriced(
      bill,
      {
        code: 'NO-EDITION',
        message:
          'An inpatient stay needs its MS-DRG, admission date and discharge date to be priced on the IPPS.',
      },
      [],
    );
  }
  const fy = fiscalYearOf(dischargeDate);
  const drgEdition = editionOfYear(index, 'ipps-drg', fy);
  const rateEdition = editionOfYear(index, 'ipps-rates', fy);
  const wageEdition = editionOfYear(index, 'ipps-wage-index', fy);
  const missing = [
    drgEdition ? undefined : `MS-DRG weights (held: ${heldYears(index, 'ipps-drg')})`,
    rateEdition ? undefined : `standardized amounts (held: ${heldYears(index, 'ipps-rates')})`,
    wageEdition ? undefined : `wage index (held: ${heldYears(index, 'ipps-wage-index')})`,
  ].filter((m): m is string => m !== undefined);
  if (!drgEdition || !rateEdition || !wageEdition) {
    return unpriced(
      bill,
      {
        code: 'NO-EDITION',
        message: `Discharged ${dischargeDate}, in FY${fy} (October 1, ${fy - 1} to September 30, ${fy}): the FY${fy} ${missing.join(' and ')} are not in an edition we hold, and a stay is not priced on another year's IPPS tables.`,
      },
      [drgEdition, rateEdition, wageEdition]
        .filter((e): e is EditionInfo => e !== undefined)
        .map((e) => e.id),
    );
  }
  const editions = [drgEdition.id, rateEdition.id, wageEdition.id];
  const drg = index.ippsDrg(drgCode, drgEdition);
  if (!drg) {
    return unpriced(
      bill,
      { code: 'NOT-IN-EDITION', message: `MS-DRG ${drgCode} is not in the ${drgEdition.label}.` },
      editions,
    );
  }
  const wage: IppsWageIndexChoice = ippsWageIndex(index, wageEdition, bill.facility, dischargeDate);
  if (!wage.ok) return unpriced(bill, wage.unpriced, editions);

  const aboveOne = wage.value > 10_000;
  const rate = index.ippsRate(rateEdition, aboveOne ? 1 : 3);
  if (!rate) {
    return unpriced(
      bill,
      {
        code: 'NOT-IN-EDITION',
        message: `The ${rateEdition.label} has no national table ${aboveOne ? 1 : 3}.`,
      },
      editions,
    );
  }
  const laborPercent = new Money(rate.labor)
    .div(rate.labor + rate.nonLabor)
    .times(100)
    .toDecimalPlaces(1)
    .toString();
  const full = fullPayment(
    drg,
    rate,
    wage.value,
    aboveOne ? 'for a wage index above 1' : 'for a wage index at or below 1',
    laborPercent,
  );
  const claimSteps: ExplanationStep[] = [
    {
      step: 'ipps-drg',
      text: `MS-DRG ${drg.drg} as the bill names it: we do not group. Discharged ${dischargeDate}, FY${fy}.`,
      inputs: {
        drg: drg.drg,
        weight: formatScaled(drg.weight, 4, 4),
        geometricMeanLengthOfStay: formatScaled(drg.gmlos, 1, 1),
        postAcuteTransferDrg: drg.postAcute ? 'yes' : 'no',
        specialPaymentDrg: drg.specialPay ? 'yes' : 'no',
      },
      source: { file: drgEdition.source.file, line: drg.line, edition: drgEdition.id },
    },
    ...wage.steps,
    {
      step: 'ipps-standardized-amount',
      text: aboveOne
        ? `Wage index ${wage.used.value} is above 1: table 1 (tab1), labor share ${laborPercent}%.`
        : `Wage index ${wage.used.value} is at or below 1: table 3 (tab3), labor share ${laborPercent}% (§ 1886(d)(3)(E)(i)).`,
      inputs: {
        laborShare: formatCents(rate.labor as Cents),
        nonLaborShare: formatCents(rate.nonLabor as Cents),
      },
      source: { file: rateEdition.source.file, line: rate.line, edition: rateEdition.id },
      regulation: aboveOne ? REG.ipps : REG.laborShare,
    },
    full.step,
  ];

  const transfer = transferPayment(drg, full.exact, admissionDate, dischargeDate, dischargeStatus);
  const notices = [
    `We do not group: MS-DRG ${drg.drg} is the bill's.`,
    // The edition's notes after its first (the generic table description) say how it is dated
    // and how sure we are of it (ratex-2027 read as FY2026): every answer that uses it repeats them.
    ...rateEdition.notes.slice(1).map((n) => `Standardized amounts: ${n}`),
    ...wage.notices,
    ...NOT_INCLUDED,
    bill.facility.costToChargeRatio
      ? `Cost-to-charge ratio ${bill.facility.costToChargeRatio} received, but no outlier payment is computed: the outlier threshold (42 CFR 412.84) adds the capital, IME and DSH payments we do not hold to the fixed-loss amount (FY2026: $40,397, as the Michigan Health & Hospital Association’s summary of the final rule states it, https://www.mha.org/?p=28660).`
      : 'No cost-to-charge ratio on the bill: outlier payments (42 CFR 412.80-412.86) are not considered.',
    ...transfer.notices,
  ];
  if (transfer.step) claimSteps.push(transfer.step);
  const payment = roundToCents(
    transfer.exact === undefined ? { value: full.exact, scale: 10 } : transfer.exact,
  );
  const lines = spreadOverLines(
    bill,
    payment,
    {
      method: 'ipps',
      edition: drgEdition.id,
      wageIndex: wage.used,
      reason: transfer.reason,
      splitNotice,
    },
    claimSteps.at(-1) as ExplanationStep,
  );
  return { lines, claimSteps, notices, editions };
}

/** The transfer rule of 42 CFR 412.4(f), when the discharge status and the MS-DRG call for it. */
function transferPayment(
  drg: IppsDrgEntry,
  fullExact: number,
  admissionDate: string,
  dischargeDate: string,
  status: string | undefined,
): {
  exact: Money | undefined;
  step: ExplanationStep | undefined;
  reason: { internalCode: string; message: string } | undefined;
  notices: string[];
} {
  const none = { exact: undefined, step: undefined, reason: undefined, notices: [] as string[] };
  if (!status)
    return {
      ...none,
      notices: ['No discharge status on the bill: the stay is paid as a discharge, not a transfer.'],
    };
  const acute = ACUTE_TRANSFER.has(status);
  const postAcute = POST_ACUTE_TRANSFER.has(status);
  if (!acute && !postAcute) return none;
  if (postAcute && !drg.postAcute) {
    return {
      ...none,
      notices: [
        `Discharge status ${status} is a post-acute transfer, but MS-DRG ${drg.drg} is not a post-acute transfer DRG: paid in full (42 CFR 412.4(c)).`,
      ],
    };
  }
  const days = lengthOfStay(admissionDate, dischargeDate);
  const full = new Money(fullExact).div(1e10);
  const perDiem = full.times(10).div(drg.gmlos);
  const perDiemPayment = perDiem.times(days + 1);
  const special = postAcute && drg.specialPay;
  const computed = special ? full.div(2).plus(perDiemPayment.div(2)) : perDiemPayment;
  const capped = computed.greaterThan(full);
  const exact = capped ? full : computed;
  const gmlos = formatScaled(drg.gmlos, 1, 1);
  const kind = acute
    ? 'acute care transfer'
    : special
      ? 'post-acute transfer, special payment MS-DRG'
      : 'post-acute transfer';
  const step: ExplanationStep = {
    step: 'ipps-transfer',
    text: special
      ? `Discharge status ${status} (${kind}): 50% of the full payment plus 50% of the per diem × (days + 1), at most the full payment.`
      : `Discharge status ${status} (${kind}): per diem (full payment ÷ geometric mean length of stay) × (days + 1: the first day is paid twice), at most the full payment.`,
    inputs: {
      dischargeStatus: status,
      fullPayment: formatCents(roundToCents(full)),
      geometricMeanLengthOfStay: gmlos,
      perDiem: perDiem.toDecimalPlaces(6).toString(),
      days: String(days),
      capped: capped ? 'yes: the transfer amount reached the full payment' : 'no',
    },
    result: formatCents(roundToCents(exact)),
    regulation: REG.transfer,
  };
  const notices =
    status === '06' || status === '86'
      ? [
          'Discharge status 06/86 (home health) is a transfer only when home health services begin within 3 days of discharge (42 CFR 412.4(c)(3)); the bill cannot tell us, so the transfer rule is applied.',
        ]
      : [];
  return {
    exact,
    step,
    reason: capped
      ? undefined
      : {
          internalCode: 'IPPS-TRANSFER',
          message: `Transfer (discharge status ${status}, ${days} day${days === 1 ? '' : 's'} against a geometric mean of ${gmlos}): paid ${formatCents(roundToCents(exact))} of the full ${formatCents(roundToCents(full))}.`,
        },
    notices: [...notices, `Days counted: ${days} (${REG.days.citation}).`],
  };
}
