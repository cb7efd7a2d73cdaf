import type { RvuEntry } from '../../fee-index/reader.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import { type Cents, cents, formatCents, percentOf } from '../money.js';
import type { ExplanationStep } from '../priced-bill.js';
import { adoptsPolicy, type StateNumber, sessions, stateNumber } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * BILAT SURG indicators (PFS Relative Value File documentation, BILAT SURG field; Medicare Claims
 * Processing Manual, Chapter 12, § 40.7): what one line reporting both sides is paid, as a share of
 * one side's fee. The documentation names the ways both sides are reported: modifier 50 (every
 * indicator), RT and LT (0, 1, 2, 3) and "a 2 in the units field" (1, 2, 3).
 */
const BOTH_SIDES_SHARE: Record<string, { percent: string; meaning: string }> = {
  '0': {
    percent: '100',
    meaning:
      'indicator 0: the 150% adjustment does not apply; both sides are paid at 100% of the fee for one',
  },
  '1': { percent: '150', meaning: 'indicator 1: both sides are paid at 150% of the fee for one side' },
  '2': {
    percent: '100',
    meaning: 'indicator 2: the fee already covers both sides (the code is bilateral), so 100% of it',
  },
  '3': {
    percent: '200',
    meaning: 'indicator 3: each side is paid at 100% of the fee (200% for both on one line)',
  },
  '9': { percent: '100', meaning: 'indicator 9: the bilateral concept does not apply; paid as one service' },
};

/** A line priced for both sides before the rules (§ 40.7: before any multiple procedure rule). */
export interface BilateralBasis {
  readonly kind: 'both-sides';
  /** The fee schedule amount for both sides, counted as one procedure. */
  readonly amount: Cents;
  /**
   * Units the rules count: 1 for modifier 50 (one line for both sides), the units billed for RT and
   * LT on one line or 2 units (what MUE counts).
   */
  readonly ruleUnits: number;
  readonly step: ExplanationStep;
  readonly notice?: string;
}

/** A line that could look bilateral but is not read so, and why (an explanation step). */
export interface BilateralNote {
  readonly kind: 'not-bilateral';
  readonly step: ExplanationStep;
}

function noteStep(rvu: RvuEntry, text: string): BilateralNote {
  return {
    kind: 'not-bilateral',
    step: {
      step: 'bilateral',
      text,
      inputs: { bilateralSurgery: rvu.bilateralSurgery },
      regulation: REGULATIONS.bilateral,
    },
  };
}

/**
 * How a line that reports both sides on itself is priced before the bill review rules (the
 * bilateral adjustment comes before multiple procedure ranking, § 40.7, and the RVU file
 * documentation for indicators 1 and 3): modifier 50; RT and LT on one line; or, without either,
 * 2 units of a BILAT SURG 1, 2 or 3 code, which the documentation reads as both sides ("a 2 in the
 * units field"). Such a line is counted as one procedure. Lines that are not read as bilateral but
 * could look so get a note saying why.
 *
 * @param rvu - the RVU row that priced the line
 * @param unitAmount - the fee for one side
 * @param modifiers - the line's modifiers
 * @param units - the units billed
 * @returns the both-sides amount and its step, a note, or undefined when nothing applies
 * @param state - the state's own percentage for BILAT SURG 1, where its ground rules set one
 *   (Alabama: 180%); the step then cites the state's clause
 * @example bilateralBasis(rvu64483, cents(23506), [], 2) // 150%: 352.59, counted as one procedure
 */
export function bilateralBasis(
  rvu: RvuEntry,
  unitAmount: Cents,
  modifiers: readonly string[],
  units: number,
  state?: StateNumber<string>,
): BilateralBasis | BilateralNote | undefined {
  const indicator = rvu.bilateralSurgery;
  const fifty = modifiers.includes('50');
  const right = modifiers.includes('RT');
  const left = modifiers.includes('LT');
  if (!fifty && !(right && left) && units < 2) return undefined;
  const medicare = BOTH_SIDES_SHARE[indicator];
  if (!medicare) return undefined;
  const share =
    state && indicator === '1'
      ? {
          percent: state.value,
          meaning: `indicator 1: both sides are paid at ${state.value}% of the fee for one side (the state's rate, ${state.regulation.citation})`,
        }
      : medicare;
  const code = rvu.code;
  let how: string;
  let ruleUnits = units;
  let notice: string | undefined;
  if (fifty) {
    how = 'Modifier 50 (both sides on one line)';
    ruleUnits = 1;
    if (units !== 1) {
      notice = `${code} with modifier 50 reports both sides on one line as one unit; the ${units} units billed are priced as one (Medicare Claims Processing Manual, Chapter 12, § 40.7).`;
    }
  } else if (right && left) {
    if (indicator === '9') {
      return noteStep(
        rvu,
        `${code} carries RT and LT on one line, but BILAT SURG indicator 9 says the bilateral concept does not apply (RVU file documentation): priced by its ${units} unit(s) as billed.`,
      );
    }
    how = 'RT and LT on one line (both sides, as the RVU file documentation reads RT and LT)';
    if (units > 2) {
      notice = `${code} with RT and LT on one line reports both sides; the ${units} units billed are priced as one bilateral procedure (RVU file documentation, BILAT SURG; § 40.7).`;
    }
  } else {
    // Units only: the documentation reads "a 2 in the units field" as both sides for 1, 2 and 3.
    if (indicator === '9') return undefined;
    if (indicator === '0') {
      return noteStep(
        rvu,
        `${units} units of ${code} without modifier 50: BILAT SURG indicator 0 (the 150% adjustment does not apply); the RVU file documentation names modifier 50 and RT and LT for indicator 0, and is silent on units, so the units are priced as ${units} services.`,
      );
    }
    if (right || left) {
      return noteStep(
        rvu,
        `${units} units of ${code} with ${right ? 'RT' : 'LT'} only: both on one side, so not read as bilateral (BILAT SURG ${indicator}); priced as ${units} services.`,
      );
    }
    if (units > 2) {
      return noteStep(
        rvu,
        `${units} units of ${code} without modifier 50: the RVU file documentation reads "a 2 in the units field" as both sides (BILAT SURG ${indicator}) and is silent on more, so they are not read as bilateral; each unit is priced and ranked as its own procedure.`,
      );
    }
    how = `Read as bilateral from its units: 2 units of ${code} without modifier 50, which the RVU file documentation reads as both sides ("a 2 in the units field")`;
    notice = `2 units of ${code} without modifier 50 (BILAT SURG ${indicator}) were read as one bilateral procedure from the units and priced at ${share.percent}% of one side; CMS asks for modifier 50 with 1 unit (Medicare Claims Processing Manual, Chapter 12, § 40.7).`;
  }
  const amount = percentOf(unitAmount, share.percent);
  return {
    kind: 'both-sides',
    amount,
    ruleUnits,
    step: {
      step: 'bilateral',
      text: `${how}, BILAT SURG ${share.meaning}: ${formatCents(unitAmount)} × ${share.percent}% = ${formatCents(amount)}, counted as one procedure in the multiple procedure ranking.`,
      inputs: {
        bilateralSurgery: indicator,
        percent: share.percent,
        unitAmount: formatCents(unitAmount),
      },
      result: formatCents(amount),
      regulation: share === medicare ? REGULATIONS.bilateral : (state as StateNumber<string>).regulation,
    },
    ...(notice === undefined ? {} : { notice }),
  };
}

/**
 * Bilateral procedures billed on two lines (RT and LT, same code, date and provider): the pair is
 * paid as the BILAT SURG indicator says for both sides. Indicator 1: 150% of one side, so the
 * second line (higher line number) gives up half its amount; 0 and 2: 100% of one side, so the
 * second line is denied; 3: each side at 100%, no change. Lines with modifier 50 were priced for
 * both sides before the rules (see {@link bilateralBasis}).
 */
export const bilateralRule: BillRule = {
  id: 'bilateral',
  title: 'Bilateral procedures',
  stage: 'payment',
  regulation: REGULATIONS.bilateral,
  appliesTo: (j, date) => adoptsPolicy(j, 'bilateral', date),
  run(lines, ctx) {
    const decisions: RuleDecision[] = [];
    for (const group of sessions(lines)) {
      const right = new Map<string, number>();
      for (const i of group) {
        const l = lines[i] as RuleLine;
        if (l.line.modifiers.includes('RT') && !l.line.modifiers.includes('LT')) {
          if (!right.has(l.line.code)) right.set(l.line.code, i);
        }
      }
      const used = new Set<number>();
      for (const i of group) {
        const left = lines[i] as RuleLine;
        if (!left.line.modifiers.includes('LT') || left.line.modifiers.includes('RT')) continue;
        const r = right.get(left.line.code);
        if (r === undefined || used.has(r)) continue;
        const other = lines[r] as RuleLine;
        const indicator = left.rvu?.bilateralSurgery ?? '';
        if (indicator !== '0' && indicator !== '1' && indicator !== '2') continue;
        used.add(r);
        // The second of the pair by line number gives up its share.
        const [firstIndex, secondIndex] = other.line.lineNumber < left.line.lineNumber ? [r, i] : [i, r];
        const first = lines[firstIndex] as RuleLine;
        const second = lines[secondIndex] as RuleLine;
        if (second.amount === 0) continue;
        const pair = `lines ${first.line.lineNumber} and ${second.line.lineNumber} (${left.line.code}, RT and LT)`;
        if (indicator === '1') {
          // 150% for both sides (§ 40.7), or the state's own percentage: the second side pays the rest.
          const state = stateNumber(
            ctx.jurisdiction,
            'bilateral',
            'bilateralPercent',
            second.line.dateOfService,
          );
          const both = state?.value ?? '150';
          const secondShare = String(Number(both) - 100);
          const cut = cents(second.amount - percentOf(second.amount, secondShare));
          decisions.push({
            lineIndex: secondIndex,
            decision: 'reduced',
            reduction: cut,
            reason: 'BR-BILATERAL',
            message: `Bilateral procedure on ${pair}: BILAT SURG indicator 1 pays both sides at ${both}% of one side${state ? ` (the state's rate, ${state.regulation.citation})` : ''}, so line ${second.line.lineNumber} is paid at ${secondShare}%: ${formatCents(cents(cut))} withheld.`,
            ...(state ? { regulation: state.regulation } : {}),
          });
        } else {
          decisions.push({
            lineIndex: secondIndex,
            decision: 'denied',
            reduction: second.amount,
            reason: 'BR-BILATERAL',
            message: `Bilateral procedure on ${pair}: BILAT SURG indicator ${indicator} pays both sides at 100% of one side (${indicator === '2' ? 'the code is already bilateral' : 'the 150% adjustment does not apply'}), so line ${second.line.lineNumber} is not paid.`,
          });
        }
      }
    }
    return decisions;
  },
};
