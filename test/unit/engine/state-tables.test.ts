import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { lookupFee } from '../../../lambdas/engine/fee-lookup.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Expected amounts are the rows of the states' own files, as ../shared/reference-data/SOURCES.md
 * lists them under "Values stated in the state files themselves":
 *   AZ (RBRVS_FeeSchedule2024.csv): 99213 NF 185.64 / FAC 133.28; 72148 413.00, -26 146.30, -TC 266.70;
 *      27447 2,777.04; 97110 59.84; 98940 55.76 / 44.20
 *   GA (SBWC export): 99213 160.66; 72148 582.51, -26 206.35, -TC 376.16; 27447 PROF 4,935.80
 *   NC (NC_IC_fee_schedule_export.csv): 99213 NF 118.50 / F 85.78; 72148 345.36; 97110 38.71
 *   AL (2024 PDF extraction): 99213 84.14
 *   LA (radiology): 72148 1051.0, -26 159.0, -TC 892.0
 */
const index = sampleIndex();

const fee = (
  jurisdiction: string,
  code: string,
  zip: string,
  extra: { modifier?: string; facility?: boolean; date?: string } = {},
) => lookupFee(index, { jurisdiction, code, zip, date: extra.date ?? '2025-03-04', ...extra });

describe('state fee tables', () => {
  it.each([
    ['AZ', '99213', '85001', {}, '185.64'],
    ['AZ', '99213', '85001', { facility: true }, '133.28'],
    ['AZ', '72148', '85001', {}, '413.00'],
    ['AZ', '72148', '85001', { modifier: '26' }, '146.30'],
    ['AZ', '72148', '85001', { modifier: 'TC' }, '266.70'],
    ['AZ', '27447', '85001', { facility: true }, '2777.04'],
    ['AZ', '97110', '85001', {}, '59.84'],
    ['AZ', '98940', '85001', {}, '55.76'],
    ['AZ', '98940', '85001', { facility: true }, '44.20'],
    ['GA', '99213', '30301', {}, '160.66'],
    ['GA', '72148', '30301', {}, '582.51'],
    ['GA', '72148', '30301', { modifier: '26' }, '206.35'],
    ['GA', '72148', '30301', { modifier: 'TC' }, '376.16'],
    ['GA', '27447', '30301', { facility: true }, '4935.80'],
    ['NC', '99213', '27601', {}, '118.50'],
    ['NC', '99213', '27601', { facility: true }, '85.78'],
    ['NC', '72148', '27601', {}, '345.36'],
    ['NC', '97110', '27601', {}, '38.71'],
    ['AL', '99213', '35203', {}, '84.14'],
    ['LA', '72148', '70112', {}, '1051.00'],
    ['LA', '72148', '70112', { modifier: '26' }, '159.00'],
    ['LA', '72148', '70112', { modifier: 'TC' }, '892.00'],
  ] as const)('%s %s (%s %j) is the table row: %s', (state, code, zip, extra, amount) => {
    const answer = fee(state, code, zip, extra);
    expect(answer).toMatchObject({ amount, status: 'priced' });
    const row = answer.explanation.find((s) => s.step === 'state-table');
    expect(row?.source?.line).toBeGreaterThan(0);
    expect(row?.source?.edition).toMatch(new RegExp(`^state-table/${state}-`));
  });

  it('prices Louisiana codes outside its radiology table on Medicare, and says so', () => {
    const answer = fee('LA', '99213', '70112');
    expect(answer.status).toBe('priced');
    expect(
      answer.notices.some((n) =>
        /not in the Louisiana table we hold.*Medicare Physician Fee Schedule/.test(n),
      ),
    ).toBe(true);
  });

  it('does not pick between Alabama rows of one code with different amounts (72148-5 and 72148-P)', () => {
    expect(fee('AL', '72148', '35203')).toMatchObject({
      amount: null,
      status: 'unpriced',
      unpriced: { code: 'BY-REPORT' },
    });
  });

  it('says the latest edition we hold prices a date more than a year after it took effect', () => {
    expect(fee('AZ', '99213', '85001').notices).toContain(
      '2025-03-04 is more than a year after AZ-2024 took effect; it is the latest Arizona edition we hold.',
    );
    expect(fee('AZ', '99213', '85001', { date: '2024-06-03' }).notices).not.toContain(
      '2024-06-03 is more than a year after AZ-2024 took effect; it is the latest Arizona edition we hold.',
    );
  });

  it('rejects a date before every edition of the state', () => {
    expect(() => fee('AZ', '99213', '85001', { date: '2023-06-01' })).toThrow(/outside every edition/);
  });

  it('prices a bill in Arizona line by line from the table, with the lesser of billed', () => {
    const priced = priceBill(
      index,
      normaliseBill({
        jurisdiction: 'AZ',
        serviceFacility: { zip: '85001' },
        lines: [
          { code: '99213', dateOfService: '2024-06-03', charge: '200.00' },
          { code: '97110', dateOfService: '2024-06-03', units: 2, charge: '100.00' },
        ],
      }),
    );
    // 99213: 185.64 < 200.00; 97110: 2 × 59.84 = 119.68 > 100.00 billed, so 100.00
    expect(priced.lines.map((l) => [l.allowed, l.feeSchedule?.method])).toEqual([
      ['185.64', 'state-table'],
      ['100.00', 'state-table'],
    ]);
    expect(priced.editions.map((e) => e.id)).toContain('state-table/AZ-2024');
  });
});

describe('a bill whose lines fall in two editions', () => {
  it('prices each line on the edition of its date of service', () => {
    const priced = priceBill(
      index,
      normaliseBill({
        jurisdiction: 'US-MEDICARE',
        serviceFacility: { zip: '19901' },
        lines: [
          { code: '99213', dateOfService: '2025-12-31', charge: '150.00' },
          { code: '0005F', dateOfService: '2026-01-02', charge: '10.00' },
        ],
      }),
    );
    // 99213 on RVU25D (88.82, see price-bill.test.ts); 0005F on the 2026 excerpt, status I (denied).
    expect(priced.lines[0]).toMatchObject({ allowed: '88.82', feeSchedule: { edition: 'pfs-rvu/2025' } });
    expect(priced.lines[1]).toMatchObject({ status: 'denied' });
    expect(priced.lines[1]?.explanation.find((s) => s.step === 'relative-values')?.source?.edition).toBe(
      'pfs-rvu/2026',
    );
  });
});
