import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../fee-data/paths.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/**
 * The SmartBill tests' bill: examples/bills/imaging-and-therapy.json (ten lines: multiple procedure
 * reductions with regulation links, an NCCI denial, a global surgery denial, status B, and rules
 * that made no change), plus a line dated before any edition we hold (unpriced, with its reason)
 * and a PPO discount (an external value with a source), and a test patient's identifiers as extra
 * fields the schema ignores. None of them may reach the page, not even inside the ciphertext.
 */
export const TEST_PATIENT = {
  name: 'Quillon Zebadiah Marchetti-Voss',
  firstName: 'Quillon',
  lastName: 'Marchetti-Voss',
  birthDate: '1971-08-23',
  memberId: 'WCM-44172209-QX',
  claimNumber: 'CLM-2025-0098812',
  ssn: '518-44-7093',
  address: '4471 Larkspur Hollow Road',
} as const;

/** Every way the test patient's identifiers could be written. */
export const PATIENT_STRINGS: readonly string[] = [
  ...Object.values(TEST_PATIENT),
  'Quillon Zebadiah',
  'Zebadiah',
  'Marchetti',
  '19710823',
  '08/23/1971',
  '44172209',
  '0098812',
  '518447093',
  'Larkspur',
];

/** The bill as a customer might send it, identifiers and all. */
export function testBillInput(): Record<string, unknown> {
  const example = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'examples', 'bills', 'imaging-and-therapy.json'), 'utf8'),
  ) as { lines: Record<string, unknown>[] } & Record<string, unknown>;
  const lines = example.lines.map((line) =>
    line.lineNumber === 5
      ? {
          ...line,
          externalValues: [
            {
              bucket: 'ppo',
              mode: 'add',
              percent: '-10',
              source: 'PPO contract 7',
              reason: { groupCode: 'CO', carc: '131' },
            },
          ],
        }
      : line,
  );
  return {
    ...example,
    patient: {
      name: TEST_PATIENT.name,
      firstName: TEST_PATIENT.firstName,
      lastName: TEST_PATIENT.lastName,
      birthDate: TEST_PATIENT.birthDate,
      dateOfBirth: TEST_PATIENT.birthDate,
      memberId: TEST_PATIENT.memberId,
      ssn: TEST_PATIENT.ssn,
      address: { line1: TEST_PATIENT.address, zip: '94105' },
    },
    patientName: TEST_PATIENT.name,
    memberId: TEST_PATIENT.memberId,
    claimNumber: TEST_PATIENT.claimNumber,
    subscriber: { name: TEST_PATIENT.name, memberId: TEST_PATIENT.memberId },
    lines: [
      ...lines,
      {
        lineNumber: 11,
        code: '99213',
        dateOfService: '2019-05-01',
        charge: '150.00',
        patientName: TEST_PATIENT.name,
      },
    ],
  };
}

let priced: PricedBill | undefined;

/** The test bill priced by the engine on the sample index, as the API would return it. */
export function testPricedBill(): PricedBill {
  priced ??= priceBill(sampleIndex(), normaliseBill(testBillInput()));
  return priced;
}
