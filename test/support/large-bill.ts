import { TEN_LINE_CODES } from './bills.js';

/**
 * The 999-line professional bill with external values on every line (issue 17, § 2): the largest
 * bill the price route takes ({@link MAX_SYNC_LINES}), whose `full` answer is far above Lambda's
 * 6 MB synchronous payload. Codes the sample index holds (as bench/run.ts's ten-line bill), each
 * line with four external values after the rules (PPO, negotiated, UR and adjuster), shaped as
 * test/unit/engine/external-values.test.ts shapes them; no expected dollar figure is
 * derived from it (the tests compare answers with each other and count bytes and lines).
 */
/** The first nine lines of the bench's ten-line bill (its tenth, 99080, left out). */
const CODES = TEN_LINE_CODES.slice(0, 9);

/**
 * A professional bill of `lines` lines, each with two external values.
 *
 * @param lines - how many lines (default 999, the most a bill may have)
 * @returns the bill as the API takes it
 */
export function billWithValues(lines = 999): object {
  return {
    billId: `LARGE-${lines}`,
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    lines: Array.from({ length: lines }, (_, i) => ({
      lineNumber: i + 1,
      // Dates spread over the year so the duplicate rule does not deny most of the lines.
      dateOfService: `2025-${String(1 + (Math.floor(i / CODES.length) % 12)).padStart(2, '0')}-${String(1 + (Math.floor(i / (CODES.length * 12)) % 28)).padStart(2, '0')}`,
      charge: '400.00',
      ...CODES[i % CODES.length],
      externalValues: [
        {
          bucket: 'ppo',
          mode: 'add',
          percent: '-10',
          source: 'PPO contract 7',
          reason: { groupCode: 'CO', carc: '131' },
        },
        {
          bucket: 'negotiated',
          mode: 'add',
          amount: '-1.00',
          source: `negotiated rate sheet 2025, row ${i + 1}`,
          reason: { groupCode: 'CO', carc: '45' },
        },
        {
          bucket: 'ur',
          mode: 'add',
          amount: '-0.50',
          source: `utilization review decision UR-${1000 + i}`,
          reason: { groupCode: 'CO', carc: '50' },
        },
        {
          bucket: 'adjuster',
          mode: 'add',
          amount: '-0.25',
          source: `adjuster note ${i + 1}`,
          reason: { groupCode: 'CO', carc: '45' },
        },
      ],
    })),
  };
}
