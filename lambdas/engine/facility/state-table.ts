import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex, StateFacilityEntry } from '../../fee-index/reader.js';
import { type Cents, formatCents, Money, roundToCents, ZERO_CENTS } from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';
import { partitionEdition, spreadOverLines, unpricedStay } from './stay.js';
import type { FacilityBill, FacilityLine, FacilityLinePrice, FacilityPricing } from './types.js';

/**
 * A state's own facility tables: an MS-DRG amount per inpatient stay, and a hospital outpatient
 * (OP MAR) and surgery-centre (ASC MAR) amount per HCPCS unit with the OPPS status indicator (SI)
 * and ASC payment indicator (PI) the state prints beside it. Georgia is the one state whose tables
 * we hold (state-wc/GA/csv: Inpatient_Hospital.csv, Outpatient.csv and the OP MAR / ASC MAR
 * columns of its professional sheets).
 *
 * Georgia's rules. Board Rule 203(a) makes the fee schedule's amounts the presumed usual, customary
 * and reasonable charges, and leaves charges not in the schedule to be disputed under Rule 203(c)
 * (http://ga.elaws.us/law/section203): a code without an amount is unpriced here, never guessed.
 * The SBWC says its outpatient hospital/ASC section keeps "the Medicare outpatient prospective
 * payment system (OPPS) reimbursement model, with state-specific guidelines"
 * (https://sbwc.georgia.gov/medical-and-dental-fee-schedules, 2018 schedule), that implants are
 * reimbursed separately per its guidelines, and that the inpatient outlier threshold is $60,000
 * (2024 schedule: https://sbwc.georgia.gov/publications-and-forms/publications/fee-schedules/medical-and-dental-fee-schedules).
 * The guidelines themselves are sold by FAIR Health and were not read, so:
 *
 * - the status indicators do what CMS's OPPS does with them (the model Georgia adopts): N packaged;
 *   Q1 packaged with an S, T or V procedure on the same date, Q2 with a T procedure; a J1 procedure
 *   pays once for the claim and packages the rest (42 CFR 419.2(b); Claims Processing Manual ch. 4
 *   § 10.2.3), pass-through and other-fee-schedule lines (G, H, U, A) aside; T procedures after the
 *   highest take 50% (42 CFR 419.44(a)); a procedure discontinued before anesthesia (modifier 73)
 *   or reduced (52) takes 50%, one discontinued after anesthesia (74) takes 100% (42 CFR 419.44(b));
 * - C (inpatient only, 42 CFR 419.22(n)), E1, E2, B, M and D pay nothing;
 * - implant lines (revenue codes 0274–0278) are unpriced: Georgia pays them separately by a rule we
 *   have not read;
 * - a stay above the $60,000 outlier threshold is priced at the MS-DRG amount with a notice that
 *   Georgia's outlier payment (not read) may add to it;
 * - surgery centres: the ASC MAR per unit by its PI; N1 packaged; procedures subject to discounting
 *   (A2, G2, P2, P3, R2, Z2, Z3) after the highest take 50% (42 CFR 416.172(d)); J8 (device-intensive)
 *   is not discounted, because the discount falls on the service portion only and the device
 *   portion is not held.
 *
 * Every line says which row of the state's file priced it.
 */

interface StateFacilityRules {
  readonly implantRevenueCodes: ReadonlySet<string>;
  /** Cents; a stay whose charges pass it gets a notice. */
  readonly inpatientOutlierThreshold: number;
  readonly sources: { readonly rule203: string; readonly schedule: string; readonly model: string };
}

const RULES: Readonly<Record<string, StateFacilityRules>> = {
  GA: {
    implantRevenueCodes: new Set(['0274', '0275', '0276', '0278']),
    inpatientOutlierThreshold: 6_000_000,
    sources: {
      rule203: 'Georgia SBWC Board Rule 203(a), (c) (http://ga.elaws.us/law/section203)',
      schedule:
        'Georgia SBWC, Medical and Dental Fee Schedules, April 1, 2024 (https://sbwc.georgia.gov/publications-and-forms/publications/fee-schedules/medical-and-dental-fee-schedules)',
      model:
        'Georgia SBWC, 2018 fee schedule notes: outpatient hospital/ASC on the Medicare OPPS model with state-specific guidelines (https://sbwc.georgia.gov/medical-and-dental-fee-schedules)',
    },
  },
};

const OPPS_PACKAGING = {
  citation:
    '42 CFR 419.2(b) (packaged costs); Medicare Claims Processing Manual, Chapter 4, § 10.2.3 (comprehensive APCs)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-A/section-419.2',
};
const OPPS_DISCOUNT = {
  citation: '42 CFR 419.44 (payment reductions for multiple and discontinued procedures)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-C/section-419.44',
};
const ASC_DISCOUNT = {
  citation: '42 CFR 416.172(d) (ASC multiple procedure discounting)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-416/subpart-F/section-416.172',
};

const NOT_PAYABLE_SI = new Set(['C', 'E1', 'E2', 'B', 'M', 'D', 'E']);
const EXCLUDED_FROM_C_APC = new Set(['G', 'H', 'U', 'A']);
const ASC_DISCOUNTED = new Set(['A2', 'G2', 'P2', 'P3', 'R2', 'Z2', 'Z3']);

/** "J1+" → "J1": the file marks some indicators with a "+" it does not explain; the line says so. */
const bare = (indicator: string) => indicator.replace(/\+$/, '');

function rowSource(row: StateFacilityEntry) {
  return { file: row.file, line: row.line, edition: row.edition.id };
}

function unpricedLine(
  edition: string | undefined,
  unpriced: UnpricedReason,
  indicator?: string,
): FacilityLinePrice {
  return {
    kind: 'unpriced',
    amount: ZERO_CENTS,
    unitAmount: ZERO_CENTS,
    method: 'state-table',
    edition,
    indicator,
    apc: undefined,
    wageIndex: undefined,
    packagedInto: undefined,
    reason: undefined,
    unpriced,
    steps: [],
    notices: [],
  };
}

/**
 * Prices a facility bill on a state's own facility tables (Georgia): an inpatient stay at the
 * state's MS-DRG amount, outpatient lines at OP MAR per unit by status indicator, surgery-centre
 * lines at ASC MAR per unit by payment indicator.
 *
 * @param index - the fee index
 * @param jurisdictionId - "GA"
 * @param bill - a normalised facility bill
 * @returns one price per line, each naming the state row used
 * @example priceStateFacilityTable(index, 'GA', { billType: 'outpatient', lines: [{ code: '29881', … }], … })
 */
export function priceStateFacilityTable(
  index: FeeIndex,
  jurisdictionId: string,
  bill: FacilityBill,
): FacilityPricing {
  const rules = RULES[jurisdictionId];
  if (bill.billType === 'inpatient') return priceStay(index, jurisdictionId, rules, bill);
  const date = bill.lines.map((l) => l.dateOfService).sort()[0] ?? '';
  const edition = rules ? partitionEdition(index, 'state-facility', jurisdictionId, date) : undefined;
  if (!rules || !edition) {
    const reason: UnpricedReason = {
      code: 'NO-EDITION',
      message: `No ${jurisdictionId} hospital outpatient/ASC table covers ${date} in the index.`,
    };
    return {
      lines: bill.lines.map(() => unpricedLine(undefined, reason)),
      claimSteps: [],
      notices: [reason.message],
      editions: [],
    };
  }
  return bill.billType === 'asc'
    ? priceAsc(index, edition, rules, bill)
    : priceOutpatient(index, edition, rules, bill);
}

/** The row of a line's code: its 26/TC row when it has that modifier, else the code's own row, else its TC row (the facility part). */
function rowOf(
  index: FeeIndex,
  edition: EditionInfo,
  line: FacilityLine,
  amountOf: (row: StateFacilityEntry) => number | null,
): StateFacilityEntry | undefined {
  const code = line.code as string;
  const mods = line.modifiers.filter((m) => m === '26' || m === 'TC');
  const rows = [...mods, '', 'TC']
    .map((m) => index.stateFacility(code, m, edition))
    .filter((r): r is StateFacilityEntry => r !== undefined);
  return rows.find((r) => amountOf(r) !== null) ?? rows[0];
}

interface Candidate {
  readonly line: FacilityLine;
  readonly row: StateFacilityEntry;
  readonly indicator: string;
  /** Cents per unit. */
  readonly rate: number;
}

/** A line's first checks, common to outpatient and ASC: implants, revenue-code-only lines, unknown codes. */
function screen(
  index: FeeIndex,
  edition: EditionInfo,
  rules: StateFacilityRules,
  line: FacilityLine,
  setting: 'outpatient' | 'asc',
): FacilityLinePrice | StateFacilityEntry {
  const amountOf = (r: StateFacilityEntry) => (setting === 'asc' ? r.ascMar : r.outpatientMar);
  if (rules.implantRevenueCodes.has(line.revenueCode)) {
    return unpricedLine(edition.id, {
      code: 'NOT-IN-EDITION',
      message: `Revenue code ${line.revenueCode} (implant): Georgia reimburses implants separately under its fee schedule guidelines (${rules.sources.schedule}), whose rule we have not read; not priced and not packaged.`,
    });
  }
  if (!line.code) {
    return {
      kind: 'packaged',
      amount: ZERO_CENTS,
      unitAmount: ZERO_CENTS,
      method: 'state-table',
      edition: edition.id,
      indicator: undefined,
      apc: undefined,
      wageIndex: undefined,
      packagedInto: undefined,
      reason: {
        internalCode: 'FAC-STATE-PACKAGED',
        message: `Revenue code ${line.revenueCode} without a HCPCS code: under the OPPS model Georgia follows it has no separate payment (its cost is packaged into the claim's procedures, 42 CFR 419.2(b)).`,
      },
      unpriced: undefined,
      steps: [],
      notices: [],
    };
  }
  const row = rowOf(index, edition, line, amountOf);
  if (!row) {
    return unpricedLine(edition.id, {
      code: 'NOT-IN-EDITION',
      message: `${line.code} has no ${setting === 'asc' ? 'ASC' : 'hospital outpatient'} amount in ${edition.label}: a charge not in the fee schedule is paid as usual, customary and reasonable and disputed under ${rules.sources.rule203}.`,
    });
  }
  return row;
}

function paidLine(
  c: Candidate,
  setting: 'outpatient' | 'asc',
  factor: Money,
  steps: ExplanationStep[],
  reason: FacilityLinePrice['reason'],
  notices: string[],
  units = c.line.units,
): FacilityLinePrice {
  const amount = roundToCents(new Money(c.rate).div(100).times(units).times(factor));
  return {
    kind: 'paid',
    amount,
    unitAmount: c.rate as Cents,
    method: 'state-table',
    edition: c.row.edition.id,
    indicator: c.indicator,
    apc: c.row.apc || undefined,
    wageIndex: undefined,
    packagedInto: undefined,
    reason,
    unpriced: undefined,
    steps: [
      {
        step: 'state-facility-rate',
        text: `${c.row.edition.label}: ${setting === 'asc' ? 'ASC MAR' : 'OP MAR'} ${formatCents(c.rate as Cents)} per unit for ${c.row.code}${c.row.modifier ? `-${c.row.modifier}` : ''} (${setting === 'asc' ? 'PI' : 'SI'} ${c.indicator}${c.row.apc ? `, APC ${c.row.apc}` : ''}).`,
        inputs: {
          rate: formatCents(c.rate as Cents),
          units: String(units),
          ...(factor.equals(1) ? {} : { paidPercent: factor.times(100).toString() }),
        },
        result: formatCents(amount),
        source: rowSource(c.row),
      },
      ...steps,
    ],
    notices,
  };
}

function packagedLine(
  c: Candidate,
  into: number | undefined,
  message: string,
  setting: 'outpatient' | 'asc',
): FacilityLinePrice {
  return {
    kind: 'packaged',
    amount: ZERO_CENTS,
    unitAmount: ZERO_CENTS,
    method: 'state-table',
    edition: c.row.edition.id,
    indicator: c.indicator,
    apc: c.row.apc || undefined,
    wageIndex: undefined,
    packagedInto: into,
    reason: { internalCode: 'FAC-STATE-PACKAGED', message },
    unpriced: undefined,
    steps: [
      {
        step: 'state-facility-rate',
        text: `${c.row.edition.label}: ${c.row.code} has ${setting === 'asc' ? 'PI' : 'SI'} ${c.indicator}. ${message}`,
        source: rowSource(c.row),
        regulation: setting === 'asc' ? ASC_DISCOUNT : OPPS_PACKAGING,
      },
    ],
    notices: [],
  };
}

function plusNotice(row: StateFacilityEntry, setting: 'outpatient' | 'asc'): string[] {
  const printed = setting === 'asc' ? row.paymentIndicator : row.statusIndicator;
  return printed.endsWith('+')
    ? [`The table prints the indicator as "${printed}"; the file does not explain the "+", which is ignored.`]
    : [];
}

/** Modifier 73/52 (50%) and 74 (100%) on a procedure (42 CFR 419.44(b)). */
function discontinued(line: FacilityLine): { factor: Money; why: string } | undefined {
  if (line.modifiers.includes('73'))
    return {
      factor: new Money('0.5'),
      why: 'modifier 73 (discontinued after the patient was prepared, before anesthesia): 50%',
    };
  if (line.modifiers.includes('52'))
    return { factor: new Money('0.5'), why: 'modifier 52 (reduced services): 50%' };
  if (line.modifiers.includes('74'))
    return {
      factor: new Money(1),
      why: 'modifier 74 (discontinued after anesthesia was given or the procedure started): 100%',
    };
  return undefined;
}

function priceOutpatient(
  index: FeeIndex,
  edition: EditionInfo,
  rules: StateFacilityRules,
  bill: FacilityBill,
): FacilityPricing {
  const out: (FacilityLinePrice | undefined)[] = bill.lines.map(() => undefined);
  const candidates: (Candidate | undefined)[] = bill.lines.map((line, i) => {
    const screened = screen(index, edition, rules, line, 'outpatient');
    if (!('code' in screened)) {
      out[i] = screened;
      return undefined;
    }
    return {
      line,
      row: screened,
      indicator: bare(screened.statusIndicator),
      rate: screened.outpatientMar ?? 0,
    };
  });
  const live = candidates.filter((c): c is Candidate => c !== undefined);
  const sameDate = (c: Candidate, sis: readonly string[]) =>
    live.some(
      (o) =>
        o !== c && o.line.dateOfService === c.line.dateOfService && sis.includes(o.indicator) && o.rate > 0,
    );
  // The J1 procedure with the highest OP MAR pays for the claim (one comprehensive APC a claim).
  const primary = live
    .filter((c) => c.indicator === 'J1' && c.rate > 0)
    .sort((a, b) => b.rate - a.rate || a.line.index - b.line.index)[0];
  // T procedures outside a comprehensive claim, highest OP MAR first: its first unit at 100%.
  const tLines = primary
    ? []
    : live
        .filter((c) => c.indicator === 'T' && c.rate > 0)
        .sort((a, b) => b.rate - a.rate || a.line.index - b.line.index);
  const notices: string[] = [
    `${edition.label}: the outpatient lines are priced at Georgia's OP MAR per unit by status indicator, applied as CMS's OPPS applies the indicator (${rules.sources.model}); Georgia's own guidelines were not read.`,
  ];
  if (primary) {
    notices.push(
      `J1 procedure ${primary.line.code} (line ${primary.line.lineNumber}) pays once for the claim and packages the other lines except pass-through and other-fee-schedule lines (SI G, H, U, A); CMS's complexity adjustments (Addendum J) are not applied: Georgia's table gives one OP MAR per code.`,
    );
  }
  for (const c of live) {
    const at = bill.lines.indexOf(c.line);
    const extra = plusNotice(c.row, 'outpatient');
    if (NOT_PAYABLE_SI.has(c.indicator)) {
      out[at] = {
        ...packagedLine(c, undefined, '', 'outpatient'),
        kind: 'not-payable',
        reason: {
          internalCode: 'FAC-STATE-NOT-PAYABLE',
          message:
            c.indicator === 'C'
              ? `SI C: inpatient only, not payable on an outpatient bill (42 CFR 419.22(n)).`
              : `SI ${c.indicator}: not payable under the OPPS model (not covered, or reported with another code).`,
        },
        steps: [
          {
            step: 'state-facility-rate',
            text: `${edition.label}: ${c.row.code} has SI ${c.indicator}.`,
            source: rowSource(c.row),
          },
        ],
        notices: extra,
      };
      continue;
    }
    if (c.indicator === 'A' && c.rate === 0) {
      out[at] = unpricedLine(
        edition.id,
        {
          code: 'NOT-IN-EDITION',
          message: `${c.row.code} has SI A (paid on another fee schedule, such as the physician or lab schedule) and no OP MAR in ${edition.label} (${c.row.file} line ${c.row.line}); it is not priced on the outpatient table.`,
        },
        'A',
      );
      continue;
    }
    if (primary && c !== primary && !EXCLUDED_FROM_C_APC.has(c.indicator)) {
      out[at] = packagedLine(
        c,
        primary.line.lineNumber,
        `Packaged into the comprehensive J1 procedure on line ${primary.line.lineNumber}.`,
        'outpatient',
      );
      continue;
    }
    if (c.indicator === 'N') {
      out[at] = packagedLine(c, undefined, 'SI N: packaged, no separate payment.', 'outpatient');
      continue;
    }
    if (c.indicator === 'Q1' && sameDate(c, ['S', 'T', 'V', 'J1', 'J2'])) {
      out[at] = packagedLine(
        c,
        undefined,
        'SI Q1: packaged because an S, T or V procedure is billed on the same date.',
        'outpatient',
      );
      continue;
    }
    if (c.indicator === 'Q2' && sameDate(c, ['T', 'J1'])) {
      out[at] = packagedLine(
        c,
        undefined,
        'SI Q2: packaged because a T procedure is billed on the same date.',
        'outpatient',
      );
      continue;
    }
    if (c.rate === 0) {
      const others = live.some((o) => o !== c && o.rate > 0);
      out[at] =
        c.indicator === 'Q4' && others
          ? packagedLine(
              c,
              undefined,
              'SI Q4: a laboratory test billed with other hospital outpatient services is packaged.',
              'outpatient',
            )
          : unpricedLine(
              edition.id,
              {
                code: 'NOT-IN-EDITION',
                message: `${c.row.code} (SI ${c.indicator || 'none'}) has no OP MAR in ${edition.label} (${c.row.file} line ${c.row.line}); under ${rules.sources.rule203} a charge without a schedule amount is not priced here.`,
              },
              c.indicator || undefined,
            );
      continue;
    }
    // Paid at OP MAR per unit, with the discounts of 42 CFR 419.44.
    const cut = c.indicator === 'T' || c.indicator === 'J1' ? discontinued(c.line) : undefined;
    const steps: ExplanationStep[] = [];
    let reason: FacilityLinePrice['reason'];
    let factor = new Money(1);
    if (cut && !cut.factor.equals(1)) {
      factor = factor.times(cut.factor);
      steps.push({
        step: 'discontinued-procedure',
        text: `Discontinued procedure, ${cut.why}.`,
        regulation: OPPS_DISCOUNT,
      });
      reason = { internalCode: 'FAC-STATE-REDUCED', message: `Discontinued procedure: ${cut.why}.` };
    }
    const units = c === primary ? 1 : c.line.units;
    if (c === primary && c.line.units > 1)
      notices.push(
        `Line ${c.line.lineNumber}: a comprehensive procedure is paid once, whatever the units (${c.line.units}).`,
      );
    if (c.indicator === 'T' && tLines.length > 0) {
      const first = tLines[0] === c;
      const full = first ? 1 : 0;
      const halved = units - full;
      if (halved > 0) {
        const amountFactor = factor.times(new Money(full).plus(new Money(halved).times('0.5'))).div(units);
        steps.push({
          step: 'multiple-procedure',
          text: first
            ? `Highest-paid T procedure: its first unit at 100%, ${halved} more at 50%.`
            : 'Not the highest-paid T procedure on the claim: 50%.',
          regulation: OPPS_DISCOUNT,
        });
        reason = {
          internalCode: 'FAC-STATE-REDUCED',
          message: first
            ? `Multiple procedure: ${halved} unit(s) after the first at 50%.`
            : 'Multiple procedure: 50% (not the highest-paid T procedure).',
        };
        out[at] = paidLine(c, 'outpatient', amountFactor, steps, reason, extra, units);
        continue;
      }
    }
    out[at] = paidLine(c, 'outpatient', factor, steps, reason, extra, units);
  }
  return {
    lines: out.map((l) => l as FacilityLinePrice),
    claimSteps: primary
      ? [
          {
            step: 'comprehensive-procedure',
            text: `Line ${primary.line.lineNumber} (${primary.line.code}, SI J1, OP MAR ${formatCents(primary.rate as Cents)}) is the claim's comprehensive procedure.`,
            source: rowSource(primary.row),
            regulation: OPPS_PACKAGING,
          },
        ]
      : [],
    notices,
    editions: [edition.id],
  };
}

function priceAsc(
  index: FeeIndex,
  edition: EditionInfo,
  rules: StateFacilityRules,
  bill: FacilityBill,
): FacilityPricing {
  const out: (FacilityLinePrice | undefined)[] = bill.lines.map(() => undefined);
  const live: Candidate[] = [];
  bill.lines.forEach((line, at) => {
    const screened = screen(index, edition, rules, line, 'asc');
    if (!('code' in screened)) {
      out[at] = screened;
      return;
    }
    const indicator = bare(screened.paymentIndicator);
    if (indicator === '' || screened.ascMar === null) {
      out[at] = unpricedLine(edition.id, {
        code: 'NOT-IN-EDITION',
        message: `${screened.code} has no ASC payment indicator in ${edition.label} (${screened.file} line ${screened.line}): it is not on Georgia's surgery-centre list, and ${rules.sources.rule203} leaves a charge without a schedule amount to be disputed.`,
      });
      return;
    }
    live.push({ line, row: screened, indicator, rate: screened.ascMar });
  });
  const discounted = live
    .filter((c) => ASC_DISCOUNTED.has(c.indicator) && c.rate > 0)
    .sort((a, b) => b.rate - a.rate || a.line.index - b.line.index);
  const notices = [
    `${edition.label}: surgery-centre lines are priced at Georgia's ASC MAR per unit by payment indicator, applied as CMS's ASC payment system applies it (${rules.sources.model}); Georgia's own guidelines were not read. Modifiers 73, 74 and 52 are not applied to ASC lines.`,
  ];
  for (const c of live) {
    const at = bill.lines.indexOf(c.line);
    const extra = plusNotice(c.row, 'asc');
    if (c.indicator === 'N1') {
      out[at] = packagedLine(c, undefined, 'PI N1: packaged, no separate payment.', 'asc');
      continue;
    }
    if (c.rate === 0) {
      out[at] = unpricedLine(
        edition.id,
        {
          code: 'NOT-IN-EDITION',
          message: `${c.row.code} (PI ${c.indicator}) has an ASC MAR of 0.00 in ${edition.label} (${c.row.file} line ${c.row.line}); not priced.`,
        },
        c.indicator,
      );
      continue;
    }
    if (c.indicator === 'J8')
      extra.push(
        'PI J8 (device-intensive): no multiple procedure discount is applied, because it falls on the service portion only and the device portion is not held.',
      );
    const rank = discounted.indexOf(c);
    if (rank >= 0) {
      const full = rank === 0 ? 1 : 0;
      const halved = c.line.units - full;
      if (halved > 0) {
        const factor = new Money(full).plus(new Money(halved).times('0.5')).div(c.line.units);
        out[at] = paidLine(
          c,
          'asc',
          factor,
          [
            {
              step: 'multiple-procedure',
              text:
                rank === 0
                  ? `Highest-paid procedure subject to discounting: first unit 100%, ${halved} more at 50%.`
                  : 'Not the highest-paid procedure subject to discounting: 50%.',
              regulation: ASC_DISCOUNT,
            },
          ],
          {
            internalCode: 'FAC-STATE-REDUCED',
            message:
              rank === 0
                ? `Multiple procedure: ${halved} unit(s) after the first at 50%.`
                : 'Multiple procedure: 50% (not the highest-paid procedure).',
          },
          extra,
        );
        continue;
      }
    }
    out[at] = paidLine(c, 'asc', new Money(1), [], undefined, extra);
  }
  return { lines: out.map((l) => l as FacilityLinePrice), claimSteps: [], notices, editions: [edition.id] };
}

const TRANSFER_STATUSES = new Set([
  '02',
  '03',
  '05',
  '06',
  '61',
  '62',
  '63',
  '65',
  '66',
  '82',
  '83',
  '85',
  '86',
  '89',
  '90',
  '91',
  '93',
  '94',
]);

function priceStay(
  index: FeeIndex,
  jurisdictionId: string,
  rules: StateFacilityRules | undefined,
  bill: FacilityBill,
): FacilityPricing {
  const date = bill.dischargeDate ?? '';
  const edition = rules && date ? partitionEdition(index, 'state-drg', jurisdictionId, date) : undefined;
  const fail = (reason: UnpricedReason, editions: string[]): FacilityPricing => ({
    lines: unpricedStay(bill, 'state-table', editions[0], reason),
    claimSteps: [],
    notices: [reason.message],
    editions,
  });
  if (!rules || !edition) {
    return fail(
      {
        code: 'NO-EDITION',
        message: `No ${jurisdictionId} inpatient MS-DRG table covers a discharge on ${date || '(no discharge date)'} in the index.`,
      },
      [],
    );
  }
  const drg = bill.drg ?? '';
  const row = index.stateDrg(drg, edition);
  if (!row)
    return fail(
      { code: 'NOT-IN-EDITION', message: `MS-DRG ${drg || '(none)'} is not in ${edition.label}.` },
      [edition.id],
    );
  if (row.amount === null) {
    return fail(
      {
        code: 'NOT-IN-EDITION',
        message: `MS-DRG ${drg} has no amount in ${edition.label} ("NA", ${row.file} line ${row.line}).`,
      },
      [edition.id],
    );
  }
  const amount = row.amount as Cents;
  const step: ExplanationStep = {
    step: 'state-drg',
    text: `${edition.label}: MS-DRG ${drg} (as the bill names it; we do not group) is paid ${formatCents(amount)} for the stay.`,
    inputs: { drg, amount: formatCents(amount) },
    result: formatCents(amount),
    source: { file: row.file, line: row.line, edition: edition.id },
  };
  const charges = bill.lines.reduce((n, l) => n + (l.charge as number), 0);
  const notices = [
    `We do not group: MS-DRG ${drg} is the bill's. Georgia's 2024 table follows MS-DRG version 41.1 (${rules.sources.schedule}).`,
    ...(charges > rules.inpatientOutlierThreshold
      ? [
          `The stay's charges (${formatCents(charges as Cents)}) exceed Georgia's inpatient outlier threshold of ${formatCents(rules.inpatientOutlierThreshold as Cents)} (${rules.sources.schedule}): Georgia's outlier payment is set by guidelines we have not read, so only the MS-DRG amount is priced; review the outlier by hand.`,
        ]
      : []),
    ...(bill.dischargeStatus && TRANSFER_STATUSES.has(bill.dischargeStatus)
      ? [
          `Discharge status ${bill.dischargeStatus} is a transfer under Medicare's rule; Georgia's treatment of transfers is in guidelines we have not read, so the full MS-DRG amount is priced.`,
        ]
      : []),
  ];
  const lines = spreadOverLines(
    bill,
    amount,
    {
      method: 'state-table',
      edition: edition.id,
      wageIndex: undefined,
      reason: undefined,
      splitNotice: `Georgia's MS-DRG amount pays the stay, not its lines: it is put on the lines in proportion to their charges (${row.file} line ${row.line}). That split is ours, not Georgia's.`,
    },
    step,
  );
  return { lines, claimSteps: [step], notices, editions: [edition.id] };
}
