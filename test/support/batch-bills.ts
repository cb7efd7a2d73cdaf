import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../fee-data/paths.js';

/**
 * A batch input for the bulk repricing tests: the repository's example bills, varied in codes,
 * jurisdictions, dates and charges (professional bills in our JSON and the 837P-style claim JSON, a
 * few outpatient and surgery centre bills), with malformed lines at known positions: not JSON, a
 * bill that fails validation, an empty line.
 */

const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/bills', name), 'utf8')) as Record<string, unknown>;

const PROFESSIONAL_CODES = ['99213', '99214', '97110', '97140', '20610', '72148', '98940', '99203'];
const JURISDICTIONS = ['US-MEDICARE', 'AZ', 'GA', 'NC', 'TX', 'CA', 'HI', 'DE', 'FL', 'NY'];
const DATES = ['2025-03-04', '2025-06-17', '2025-10-14'];

/** Lines of the input that are not bills, by 1-based line number, and what each is. */
export const MALFORMED_LINES: Readonly<Record<number, 'not-json' | 'invalid-bill' | 'empty'>> = {
  7: 'not-json',
  250: 'invalid-bill',
  500: 'empty',
  777: 'not-json',
  999: 'invalid-bill',
};

/** The bill at one position of the input (line numbers from 1), or the malformed text. */
function lineAt(n: number): string {
  const malformed = MALFORMED_LINES[n];
  if (malformed === 'not-json') return '{"jurisdiction": "US-MEDICARE", "lines": [';
  if (malformed === 'empty') return '';
  if (malformed === 'invalid-bill') {
    return JSON.stringify({
      jurisdiction: 'US-MEDICARE',
      lines: [{ code: '99213', dateOfService: '2025-13-40', charge: 'ten' }],
    });
  }
  if (n % 97 === 0) {
    const bill = example('facility-outpatient.json');
    return JSON.stringify({ ...bill, billId: `BATCH-OP-${n}` });
  }
  if (n % 89 === 0) {
    const bill = example('facility-asc.json');
    return JSON.stringify({ ...bill, billId: `BATCH-ASC-${n}` });
  }
  if (n % 11 === 0) {
    const claim = example('claim-837p.json');
    return JSON.stringify({ ...claim, controlNumber: `C${n}` });
  }
  const date = DATES[n % DATES.length] as string;
  const count = 1 + (n % 4);
  const lines = Array.from({ length: count }, (_, i) => ({
    lineNumber: i + 1,
    code: PROFESSIONAL_CODES[(n + i * 3) % PROFESSIONAL_CODES.length],
    dateOfService: date,
    units: 1,
    charge: `${100 + ((n * 7 + i * 13) % 400)}.${String(n % 100).padStart(2, '0')}`,
  }));
  return JSON.stringify({
    billId: `BATCH-${n}`,
    jurisdiction: JURISDICTIONS[n % JURISDICTIONS.length],
    billType: 'professional',
    placeOfService: '11',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    lines,
  });
}

/**
 * The input text: `count` lines, each ending with a line break.
 *
 * @param count - lines (default 1,000)
 * @returns JSON lines
 */
export function batchInput(count = 1000): string {
  let text = '';
  for (let n = 1; n <= count; n++) text += `${lineAt(n)}\n`;
  return text;
}

/**
 * One input line's text (for comparing a result row with the price route's answer).
 *
 * @param n - 1-based line number
 */
export function batchLine(n: number): string {
  return lineAt(n);
}
