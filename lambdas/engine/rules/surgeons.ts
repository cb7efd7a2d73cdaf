import { REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import { cents, formatCents, percentOf } from '../money.js';
import { adoptsPolicy, type StateNumber, stateNumber } from './payment-policy.js';
import type { BillRule, RuleDecision } from './types.js';

/** Assistant at surgery: 16% of the fee for a physician (80, 81, 82), 85% of that for AS. */
const ASSISTANT: Record<string, string> = { '80': '16', '81': '16', '82': '16', AS: '13.6' };

/** Each co-surgeon (62): 62.5% of the fee (Claims Processing Manual, Chapter 12, § 40.8). */
const CO_SURGEON = '62.5';

/**
 * The percentage a role is paid at on a line: the state's own where its ground rules set one for
 * the surgeons policy it adopts (cited on the line), else Medicare's.
 */
function rolePercent(
  medicare: string,
  state: StateNumber<string> | undefined,
): { percent: string; regulation: Regulation; whose: string } {
  return state
    ? {
        percent: state.value,
        regulation: state.regulation,
        whose: ` (the state's rate, ${state.regulation.citation})`,
      }
    : { percent: medicare, regulation: REGULATIONS.surgeons, whose: '' };
}

/** The modifiers this rule reads; lines without any are left alone at once. */
const ROLE_MODIFIERS = new Set(['80', '81', '82', 'AS', '62', '66', '54', '55', '56', '52']);

/**
 * The surgeon's role, after the multiple procedure ranking (the percentages apply to what it
 * left): assistants at surgery (80/81/82 at 16%, AS at 13.6%, by the ASST SURG indicator), co-
 * surgeons (62 at 62.5% each, by CO SURG), team surgery (66, by report, by TEAM SURG), split global
 * care (54, 55, 56 at the PRE OP, INTRA OP and POST OP shares) and reduced services (52, by report).
 * Where a state adopts the surgeons policy with its own assistant or co-surgeon percentage (its file's
 * `policies.surgeons.parameters`), the line is paid at the state's percentage and cites its clause.
 */
export const surgeonsRule: BillRule = {
  id: 'surgeons',
  title: "Surgeon's role: assistant, co-surgeon, team surgery, split care",
  stage: 'payment',
  regulation: REGULATIONS.surgeons,
  appliesTo: (j, date) => adoptsPolicy(j, 'surgeons', date),
  run(lines, ctx) {
    const decisions: RuleDecision[] = [];
    lines.forEach((l, lineIndex) => {
      const rvu = l.rvu;
      const m = l.line.modifiers;
      if (!rvu || l.amount === 0 || !m.some((x) => ROLE_MODIFIERS.has(x))) return;
      const name = `Line ${l.line.lineNumber} (${l.line.code})`;
      const documented = l.line.documentation.length > 0;
      const deny = (message: string, reason: RuleDecision['reason'] = 'BR-SURGEON-NOT-ALLOWED') =>
        decisions.push({ lineIndex, decision: 'denied', reduction: l.amount, reason, message });
      const pay = (
        percent: string,
        reason: RuleDecision['reason'],
        message: string,
        regulation: Regulation = REGULATIONS.surgeons,
      ) => {
        const paid = percentOf(l.amount, percent);
        decisions.push({
          lineIndex,
          decision: 'reduced',
          reduction: cents(l.amount - paid),
          reason,
          message: `${message} ${formatCents(cents(l.amount))} × ${percent}% = ${formatCents(cents(paid))}.`,
          regulation,
        });
      };
      const flag = (message: string) =>
        decisions.push({ lineIndex, decision: 'flagged', reduction: cents(0), message });

      const assistant = m.find((x) => x in ASSISTANT);
      if (assistant) {
        const indicator = rvu.assistantSurgery;
        const date = l.line.dateOfService;
        const rate = rolePercent(
          ASSISTANT[assistant] as string,
          assistant === 'AS'
            ? stateNumber(ctx.jurisdiction, 'surgeons', 'nonPhysicianAssistantPercent', date)
            : stateNumber(ctx.jurisdiction, 'surgeons', 'assistantPercent', date),
        );
        const percent = rate.percent;
        if (indicator === '1' || indicator === '9') {
          deny(
            `${name}: ASST SURG indicator ${indicator} (${indicator === '1' ? 'statutory payment restriction: assistants may not be paid' : 'the assistant concept does not apply'}); the assistant at surgery (${assistant}) is not paid.`,
          );
        } else if (indicator === '0' && !documented) {
          deny(
            `${name}: ASST SURG indicator 0: an assistant at surgery (${assistant}) is paid only with documentation of medical necessity, and none is attached.`,
            'BR-DOCUMENTATION-MISSING',
          );
        } else if (indicator === '0' || indicator === '2') {
          pay(
            percent,
            'BR-ASSISTANT',
            `${name}: assistant at surgery (${assistant}, ASST SURG indicator ${indicator}${indicator === '0' ? ', documentation attached' : ''}) is paid ${percent}% of the fee schedule amount${rate.whose || (assistant === 'AS' ? ' (85% of 16% for a non-physician practitioner)' : '')}:`,
            rate.regulation,
          );
        }
        return;
      }
      if (m.includes('62')) {
        const indicator = rvu.coSurgeons;
        if (indicator === '0' || indicator === '9') {
          deny(
            `${name}: CO SURG indicator ${indicator} (${indicator === '0' ? 'co-surgeons not permitted' : 'the co-surgeon concept does not apply'}); modifier 62 is not paid.`,
          );
        } else if (indicator === '1' && !documented) {
          deny(
            `${name}: CO SURG indicator 1: co-surgeons are paid only with documentation establishing the need for two surgeons, and none is attached.`,
            'BR-DOCUMENTATION-MISSING',
          );
        } else if (indicator === '1' || indicator === '2') {
          const rate = rolePercent(
            CO_SURGEON,
            stateNumber(ctx.jurisdiction, 'surgeons', 'coSurgeonPercent', l.line.dateOfService),
          );
          pay(
            rate.percent,
            'BR-CO-SURGEON',
            `${name}: co-surgeon (62, CO SURG indicator ${indicator}) is paid ${rate.percent}% of the fee schedule amount${rate.whose}:`,
            rate.regulation,
          );
        }
        return;
      }
      if (m.includes('66')) {
        const indicator = rvu.teamSurgery;
        if (indicator === '0' || indicator === '9') {
          deny(
            `${name}: TEAM SURG indicator ${indicator} (${indicator === '0' ? 'team surgeons not permitted' : 'the team surgery concept does not apply'}); modifier 66 is not paid.`,
          );
        } else if (indicator === '1' && !documented) {
          deny(
            `${name}: TEAM SURG indicator 1: team surgery is paid only with documentation establishing the need for a team, and none is attached.`,
            'BR-DOCUMENTATION-MISSING',
          );
        } else {
          flag(
            `${name}: team surgery (66, TEAM SURG indicator ${indicator}) is priced by report; the amount shown is one surgeon's fee schedule amount, for review.`,
          );
        }
        return;
      }
      const split = m.find((x) => x === '54' || x === '55' || x === '56');
      if (split) {
        const shares = { '54': rvu.preOp + rvu.intraOp, '55': rvu.postOp, '56': rvu.preOp }[split];
        const part = {
          '54': 'surgical care only: PRE OP + INTRA OP',
          '55': 'postoperative management only: POST OP',
          '56': 'preoperative management only: PRE OP',
        }[split];
        if (rvu.preOp + rvu.intraOp + rvu.postOp === 0) {
          flag(
            `${name}: modifier ${split} (${part}), but the RVU file gives no global surgery shares for the code: for review.`,
          );
          return;
        }
        pay(
          String(shares),
          'BR-SPLIT-CARE',
          `${name}: modifier ${split}, ${part} share of ${shares}% (PRE OP ${rvu.preOp}%, INTRA OP ${rvu.intraOp}%, POST OP ${rvu.postOp}%; RVU file line ${rvu.line}):`,
          REGULATIONS.splitCare,
        );
        return;
      }
      if (m.includes('52')) {
        flag(
          `${name}: modifier 52 (reduced services) is priced by report: the fee schedule amount is shown in full, for review.`,
        );
      }
    });
    return decisions;
  },
};
