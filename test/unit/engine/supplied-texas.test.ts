import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';
import { suppliedEdition, suppliedIndex } from '../../support/supplied-index.js';

/*
 * A conversion factor edition a customer supplies for Texas (issue 20). The two factors below are
 * SUPPLIED INPUTS of this test, chosen to exercise the rounding: they are not claims about Texas's
 * conversion factors (which we do not hold for 2025: fee-data/jurisdictions/TX.json, TX-2025 has none).
 *   all = 71.2345; surgery-facility = 88.8888
 *
 * Official rows the amounts are worked from (../shared/reference-data, SOURCES.md):
 *   mpfs-rvu/PPRRVU2025_Oct.csv line 12807: 99213, work 1.30, non-facility PE 1.35, facility PE 0.57, MP 0.10
 *   mpfs-rvu/PPRRVU2025_Oct.csv line 3235:  29881, work 7.03, non-facility PE 8.22, facility PE 8.22, MP 1.39
 *   mpfs-gpci-locality/GPCI2025.csv line 102: 04412 TX 18 HOUSTON, work 1.014, PE 1.003, MP 1.409
 *   mpfs-zip-locality/ZIP5_OCT2025.txt line 36532: ZIP 77002 → carrier 04412, locality 18
 * The amount is (work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × CF, the GPCI-adjusted
 * sum and its product kept exact and rounded once, half up to cents, as rbrvs.ts does (42 CFR
 * § 414.20 and the RVU file documentation, cited there as REGULATIONS.feeFormula).
 */
const TX_CF = suppliedEdition('payer-tx-cf-2025', 'conversion-factors', '2025-01-01', '2025-12-31', [
  { category: 'all', value: '71.2345' },
  { category: 'surgery-facility', value: '88.8888' },
]);
const withCf = suppliedIndex({ editions: [{ jurisdiction: 'TX', edition: TX_CF }] });
const official = sampleIndex();

function bill(code: string, placeOfService: string, date: string, charge: string) {
  return normaliseBill({
    jurisdiction: 'TX',
    serviceFacility: { zip: '77002' },
    lines: [{ code, dateOfService: date, charge, placeOfService }],
  });
}

describe('a Texas conversion factor edition the customer supplied', () => {
  it('prices 99213 in an office in Houston as RBRVS × the supplied general factor', () => {
    // (1.30 × 1.014) + (1.35 × 1.003) + (0.10 × 1.409) = 1.3182 + 1.35405 + 0.1409 = 2.81315
    // 2.81315 × 71.2345 = 200.393333675 → 200.39
    const [line] = priceBill(withCf, bill('99213', '11', '2025-06-02', '300.00')).lines;
    expect(line?.status).toBe('priced');
    expect(line?.feeSchedule).toMatchObject({
      method: 'rbrvs',
      unitAmount: '200.39',
      setting: 'non-facility',
    });
    expect(line?.allowed).toBe('200.39');
    const amount = line?.explanation.find((s) => s.step === 'fee-schedule-amount');
    expect(amount?.inputs).toMatchObject({ adjustedRvus: '2.81315', conversionFactor: '71.2345' });
  });

  it('prices a knee arthroscopy (29881) in a facility on the supplied surgery-in-facility factor', () => {
    // (7.03 × 1.014) + (8.22 × 1.003) + (1.39 × 1.409) = 7.12842 + 8.24466 + 1.95851 = 17.33159
    // 17.33159 × 88.8888 = 1540.584237192 → 1540.58
    const [line] = priceBill(withCf, bill('29881', '22', '2025-06-02', '2000.00')).lines;
    expect(line?.feeSchedule).toMatchObject({ unitAmount: '1540.58', setting: 'facility' });
    expect(line?.allowed).toBe('1540.58');
    expect(line?.explanation.find((s) => s.step === 'fee-schedule-amount')?.inputs).toMatchObject({
      adjustedRvus: '17.33159',
      conversionFactor: '88.8888',
    });
  });

  it('names the supplied edition on the line: its field, a notice in words, and the jurisdiction step', () => {
    const [line] = priceBill(withCf, bill('99213', '11', '2025-06-02', '300.00')).lines;
    expect(line?.supplied).toEqual([
      {
        id: 'payer-tx-cf-2025',
        kind: 'conversion-factors',
        suppliedBy: 'ops@payer.example',
        suppliedAt: '2026-12-01T09:30:00.000Z',
        source: {
          citation: "Payer's licensed copy, file payer-tx-cf-2025",
          url: 'https://payer.example/schedules',
        },
      },
    ]);
    expect(line?.notices[0]).toMatch(
      /^conversion factors payer-tx-cf-2025 set this line's fee schedule amount: supplied by ops@payer\.example on 2026-12-01 \(source: .*\): the customer's figure, not a value we publish\.$/,
    );
    const step = line?.explanation.find((s) => s.step === 'jurisdiction');
    expect(step?.inputs).toMatchObject({
      jurisdiction: 'TX',
      method: 'rbrvs-state-cf',
      edition: 'payer-tx-cf-2025',
      suppliedId: 'payer-tx-cf-2025',
      suppliedBy: 'ops@payer.example',
      suppliedAt: '2026-12-01T09:30:00.000Z',
    });
    expect(step?.regulation?.citation).toMatch(
      /the customer's source, supplied by ops@payer\.example; not a source we publish/,
    );
  });

  it('without the supplied edition, the same 2025 line is unpriced (no Texas 2025 factor held)', () => {
    const [line] = priceBill(official, bill('99213', '11', '2025-06-02', '300.00')).lines;
    expect(line).toMatchObject({ status: 'unpriced', unpriced: { code: 'NO-CONVERSION-FACTOR' } });
    expect(line?.supplied).toBeUndefined();
  });

  it('leaves a 2024 date on the official TX-2024 edition ($67.81) and a 2026 date as they were', () => {
    for (const date of ['2024-06-03', '2026-01-05']) {
      const own = priceBill(withCf, bill('99213', '11', date, '300.00'));
      const ours = priceBill(official, bill('99213', '11', date, '300.00'));
      // Everything but the release id (the indexes differ) is the same answer.
      expect({ ...own, dataRelease: '' }).toEqual({ ...ours, dataRelease: '' });
      expect(own.lines[0]?.supplied).toBeUndefined();
    }
    // The sample holds no 2024 Medicare RVUs, so the 2024 line is unpriced (NO-EDITION) as before;
    // what matters here is that it stays on the official edition, not the supplied one.
    const jurisdiction = priceBill(
      withCf,
      bill('99213', '11', '2024-06-03', '300.00'),
    ).lines[0]?.explanation.find((s) => s.step === 'jurisdiction');
    expect(jurisdiction?.inputs).toMatchObject({ edition: 'TX-2024', method: 'rbrvs-state-cf' });
    expect(jurisdiction?.inputs?.suppliedId).toBeUndefined();
  });
});
