import type { EditionInfo } from '../../fee-index/header.js';
import { dayNumber } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { distribute } from '../distribute.js';
import { type Cents, cents, formatCents, ZERO_CENTS } from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';
import type { FacilityBill, FacilityLinePrice, WageIndexUsed } from './types.js';

/**
 * What the inpatient methods (IPPS and a state's MS-DRG table) share: a stay is paid once, and the
 * payment is put on the bill's lines so that lines and totals agree.
 */

/** The federal fiscal year of a date: October 1 starts the next year's (FY2026 runs 2025-10-01 to 2026-09-30). */
export function fiscalYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 10 ? year + 1 : year;
}

/**
 * Days of an inpatient stay as Medicare counts them: the day of admission counts, the day of
 * discharge does not, and a patient admitted and discharged the same day has one day (Medicare
 * Benefit Policy Manual, Chapter 3, § 20.1).
 */
export function lengthOfStay(admission: string, discharge: string): number {
  return Math.max(1, dayNumber(discharge) - dayNumber(admission));
}

/**
 * The edition of a partitioned data set (one state's table) in force on a date: editions of the
 * partition run one after another; the last stays in force.
 *
 * @param index - the fee index
 * @param kind - 'state-drg' or 'state-facility'
 * @param partition - the jurisdiction id ("GA"): edition ids start with `${kind}/${partition}-`
 * @param date - YYYY-MM-DD
 */
export function partitionEdition(
  index: FeeIndex,
  kind: 'state-drg' | 'state-facility',
  partition: string,
  date: string,
): EditionInfo | undefined {
  const day = dayNumber(date);
  return index
    .editions(kind)
    .filter((e) => e.id.startsWith(`${kind}/${partition}-`))
    .find(
      (e) => dayNumber(e.effective) <= day && (e.termination === null || day <= dayNumber(e.termination)),
    );
}

/** What every line of a stay shares. */
export interface StayLineCommon {
  readonly method: FacilityLinePrice['method'];
  readonly edition: string | undefined;
  readonly wageIndex: WageIndexUsed | undefined;
  /** The reason every line with a share carries (a transfer's per diem), if any. */
  readonly reason: FacilityLinePrice['reason'];
  /** Why the split is ours, said on each line. */
  readonly splitNotice: string;
}

/**
 * Puts a stay's payment on its lines in proportion to their charges (largest remainder, exact to
 * the cent: `distribute`).
 *
 * Why by charge, not the whole on one line: Medicare pays the stay, not lines, so any split is
 * ours. Split in proportion to charges, each line's share is at most its charge exactly when the
 * stay's payment is at most the stay's charges, so the orchestration's lesser-of-billed per line
 * gives the same total as a lesser-of on the whole stay; the whole on one line would be cut to that
 * one line's charge. A line without a charge gets nothing and says it is paid within the stay.
 *
 * @param bill - the stay
 * @param payment - the stay's payment, cents
 * @param common - method, edition, wage index and notice every line carries
 * @param claimStep - the step that computed the payment, repeated on each line so a line can be read alone
 */
export function spreadOverLines(
  bill: FacilityBill,
  payment: Cents,
  common: StayLineCommon,
  claimStep: ExplanationStep,
): FacilityLinePrice[] {
  const charges = bill.lines.map((l) => l.charge as number);
  const totalCharge = charges.reduce((n, c) => n + c, 0);
  const shares =
    totalCharge > 0
      ? distribute(payment, charges)
      : bill.lines.map((_, i) => (i === 0 ? payment : ZERO_CENTS));
  const carrier =
    bill.lines.find((_, i) => (shares[i] as number) > 0)?.lineNumber ?? bill.lines[0]?.lineNumber;
  return bill.lines.map((line, i): FacilityLinePrice => {
    const share = shares[i] as Cents;
    const base = {
      method: common.method,
      edition: common.edition,
      indicator: 'DRG',
      apc: undefined,
      wageIndex: common.wageIndex,
      unpriced: undefined,
      notices: [common.splitNotice],
    };
    if (share === 0) {
      return {
        ...base,
        kind: 'packaged',
        amount: ZERO_CENTS,
        unitAmount: ZERO_CENTS,
        packagedInto: carrier,
        reason: {
          internalCode: 'IPPS-IN-STAY',
          message: `Paid within the stay's payment of ${formatCents(payment)}, which is on the lines with a charge.`,
        },
        steps: [claimStep],
      };
    }
    return {
      ...base,
      kind: 'paid',
      amount: share,
      unitAmount: share,
      packagedInto: undefined,
      reason: common.reason,
      steps: [
        claimStep,
        {
          step: 'stay-share',
          text:
            totalCharge > 0
              ? `This line's share of the stay's payment, in proportion to its charge (our split, not CMS's).`
              : "The bill has no charges: the stay is on its first line (our split, not CMS's).",
          inputs: {
            stayPayment: formatCents(payment),
            lineCharge: formatCents(line.charge),
            stayCharges: formatCents(cents(totalCharge)),
          },
          result: formatCents(share),
        },
      ],
    };
  });
}

/** Every line unpriced for one reason (the stay cannot be priced). */
export function unpricedStay(
  bill: FacilityBill,
  method: FacilityLinePrice['method'],
  edition: string | undefined,
  unpriced: UnpricedReason,
): FacilityLinePrice[] {
  return bill.lines.map(() => ({
    kind: 'unpriced',
    amount: ZERO_CENTS,
    unitAmount: ZERO_CENTS,
    method,
    edition,
    indicator: 'DRG',
    apc: undefined,
    wageIndex: undefined,
    packagedInto: undefined,
    reason: undefined,
    unpriced,
    steps: [],
    notices: [],
  }));
}
