import type { RvuEntry } from '../../fee-index/reader.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import { type Cents, cents, formatCents, percentOf } from '../money.js';
import type { ExplanationStep } from '../priced-bill.js';
import { adoptsPolicy, type StateNumber, sessions, stateNumber } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * BILAT SURG indicators (PFS Relative Value File documentation; Medicare Claims Processing Manual,
 * Chapter 12, § 40.7): what one line with modifier 50 is paid, as a share of one side's fee.
 */
const MODIFIER_50_SHARE: Record<string, { percent: string; meaning: string }> = {
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

/**
 * The fee schedule amount of a line billed with modifier 50, before the bill review rules (the
 * bilateral adjustment is applied before multiple procedure ranking, § 40.7): one line for both
 * sides, counted as one unit.
 *
 * @param rvu - the RVU row that priced the line
 * @param unitAmount - the fee for one side
 * @param state - the state's own percentage for BILAT SURG 1, where its ground rules set one
 *   (Alabama: 180%); the step then cites the state's clause
 * @returns the amount and its explanation step, or undefined when the line has no BILAT SURG value
 */
export function bilateralBasis(
  rvu: RvuEntry,
  unitAmount: Cents,
  units: number,
  state?: StateNumber<string>,
): { amount: Cents; step: ExplanationStep; notice?: string } | undefined {
  const medicare = MODIFIER_50_SHARE[rvu.bilateralSurgery];
  if (!medicare) return undefined;
  const share =
    state && rvu.bilateralSurgery === '1'
      ? {
          percent: state.value,
          meaning: `indicator 1: both sides are paid at ${state.value}% of the fee for one side (the state's rate, ${state.regulation.citation})`,
        }
      : medicare;
  const amount = percentOf(unitAmount, share.percent);
  return {
    amount,
    step: {
      step: 'bilateral',
      text: `Modifier 50 (both sides on one line), BILAT SURG ${share.meaning}: ${formatCents(unitAmount)} × ${share.percent}% = ${formatCents(amount)}.`,
      inputs: {
        bilateralSurgery: rvu.bilateralSurgery,
        percent: share.percent,
        unitAmount: formatCents(unitAmount),
      },
      result: formatCents(amount),
      regulation: share === medicare ? REGULATIONS.bilateral : (state as StateNumber<string>).regulation,
    },
    ...(units === 1
      ? {}
      : {
          notice: `${rvu.code} with modifier 50 reports both sides on one line as one unit; the ${units} units billed are priced as one (Medicare Claims Processing Manual, Chapter 12, § 40.7).`,
        }),
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
