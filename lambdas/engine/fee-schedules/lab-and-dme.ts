import type { FeeIndex } from '../../fee-index/reader.js';
import { cents, formatCents } from '../money.js';
import type { ExplanationStep } from '../priced-bill.js';
import type { FeeResult, RbrvsQuery } from './rbrvs.js';

/**
 * Medicare's other professional schedules, for codes the physician fee schedule does not pay:
 * the clinical laboratory fee schedule (CLFS) and the DMEPOS fee schedule by state, rural or not
 * by the DMEPOS rural ZIP list, with the purchase/rental modifiers (NU new, UE used, RR rental)
 * choosing the row.
 */

const CLFS_REGULATION = {
  citation: 'Social Security Act § 1834A; 42 CFR Part 414, Subpart G (clinical laboratory fee schedule)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-414/subpart-G',
};
const DMEPOS_REGULATION = {
  citation: 'Social Security Act § 1834(a); 42 CFR Part 414, Subpart D (DMEPOS fee schedule)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-414/subpart-D',
};

/**
 * The CLFS or DMEPOS amount of a line the physician fee schedule does not pay, or undefined when
 * neither schedule lists the code for the date.
 *
 * @param index - the fee index
 * @param query - the line (its ZIP and state for DMEPOS)
 * @returns the result, or undefined
 */
/**
 * The CMS ZIP5 file splits Missouri and Kansas into east and west (EM, WM, EK, WK); DMEPOS fees are
 * by state.
 */
const DMEPOS_STATE: Readonly<Record<string, string>> = { EM: 'MO', WM: 'MO', EK: 'KS', WK: 'KS' };

export function labOrDmeFee(index: FeeIndex, query: RbrvsQuery): FeeResult | undefined {
  const clfsChoice = index.editionFor('clfs', query.date);
  if (clfsChoice) {
    const modifier = query.modifiers.find((m) => index.clfs(query.code, m, clfsChoice.edition)) ?? '';
    const row = index.clfs(query.code, modifier, clfsChoice.edition);
    if (row) {
      const source = { file: row.edition.source.file, line: row.line, edition: row.edition.id };
      if (row.rate === 0) {
        return {
          kind: 'unpriced',
          reason: {
            code: 'CARRIER-PRICED',
            message: `${query.code} is on the ${row.edition.label} with no national rate (indicator ${row.indicator}): it is priced locally.`,
          },
          steps: [
            { step: 'clfs', text: `${row.edition.label}: ${query.code} has no national rate.`, source },
          ],
          notices: [],
        };
      }
      const unitAmount = cents(row.rate);
      const step: ExplanationStep = {
        step: 'clfs',
        text: `${row.edition.label}: ${query.code}${modifier ? `-${modifier}` : ''} is paid on the clinical laboratory fee schedule at ${formatCents(unitAmount)}.`,
        inputs: { code: query.code, modifier, rate: formatCents(unitAmount) },
        result: formatCents(unitAmount),
        source,
        regulation: CLFS_REGULATION,
      };
      return {
        kind: 'priced',
        unitAmount,
        method: 'clfs',
        edition: row.edition,
        editions: [row.edition],
        steps: [step],
        notices: [],
      };
    }
  }
  const dmeChoice = index.editionFor('dmepos', query.date);
  const state = query.state ? (DMEPOS_STATE[query.state] ?? query.state) : undefined;
  if (!dmeChoice || !state) return undefined;
  const rows = index.dmeposModifiers(query.code, state, dmeChoice.edition);
  if (rows.length === 0) return undefined;
  const wanted = rows.filter(
    ([m1, m2]) => (m1 === '' || query.modifiers.includes(m1)) && (m2 === '' || query.modifiers.includes(m2)),
  );
  // The most specific row the line's modifiers select (both modifiers, then one, then none).
  wanted.sort(
    (a, b) => Number(b[0] !== '') + Number(b[1] !== '') - (Number(a[0] !== '') + Number(a[1] !== '')),
  );
  const chosen = wanted[0];
  if (!chosen || (rows.length > 1 && chosen[0] === '' && chosen[1] === '' && rows.some(([m]) => m !== ''))) {
    return {
      kind: 'unpriced',
      reason: {
        code: 'MODIFIER-REQUIRED',
        message: `${query.code} has DMEPOS fees by modifier (${rows.map(([a, b]) => [a, b].filter(Boolean).join('+') || 'none').join(', ')}); bill it with the modifier that says purchase new (NU), used (UE) or rental (RR).`,
      },
      steps: [],
      notices: [],
    };
  }
  const [m1, m2] = chosen;
  const fee = index.dmepos(query.code, m1, m2, state, dmeChoice.edition);
  if (!fee) return undefined;
  const ruralChoice =
    index.editionFor('dme-rural-zip', query.date) ??
    index.editions('dme-rural-zip').map((e) => ({ edition: e }))[0];
  const ruralLine = query.zip && ruralChoice ? index.dmeRuralZip(query.zip, ruralChoice.edition) : undefined;
  const rural = ruralLine !== undefined && fee.rural !== null;
  const amount = rural ? fee.rural : fee.nonRural;
  if (amount === null) return undefined;
  const unitAmount = cents(amount);
  const what = [query.code, m1, m2].filter(Boolean).join('-');
  const steps: ExplanationStep[] = [
    {
      step: 'dmepos',
      text: `${dmeChoice.edition.label}: ${what} in ${state}, ${rural ? 'rural' : 'non-rural'} fee ${formatCents(unitAmount)}${ruralLine !== undefined ? ` (ZIP ${query.zip} is on the DMEPOS rural ZIP list, line ${ruralLine})` : ''}.`,
      inputs: {
        code: query.code,
        modifiers: [m1, m2].filter(Boolean).join(' '),
        state,
        rural: String(rural),
        fee: formatCents(unitAmount),
      },
      result: formatCents(unitAmount),
      source: { file: fee.edition.source.file, line: fee.line, edition: fee.edition.id },
      regulation: DMEPOS_REGULATION,
    },
  ];
  return {
    kind: 'priced',
    unitAmount,
    method: 'dmepos',
    edition: fee.edition,
    editions: ruralChoice ? [fee.edition, ruralChoice.edition] : [fee.edition],
    steps,
    notices: [],
  };
}
