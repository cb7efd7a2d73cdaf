import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { lookupFee } from '../../../lambdas/engine/fee-lookup.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

const index = sampleIndex();

const price = (json: object) => priceBill(index, normaliseBill(json));

describe('lines the first engine priced wrongly', () => {
  it('does not multiply anesthesia time or a drug quantity by units (AZ 01400, 60 minutes: (4 + 4) × 61 = 488.00)', () => {
    // state-wc/AZ/csv/Anesthesia.csv line 184: 01400 base 4; AZ anesthesia CF 61 (AZ.json)
    const [line] = price({
      jurisdiction: 'AZ',
      serviceFacility: { zip: '85001' },
      lines: [
        { code: '01400', dateOfService: '2024-06-03', charge: '2000.00', units: 4, anesthesiaMinutes: 60 },
      ],
    }).lines;
    expect(line?.allowed).toBe('488.00');
    expect(line?.notices.some((n) => n.startsWith('Units (4) do not multiply'))).toBe(true);
  });

  it('reads anesthesia minutes from an 837P line measured in MJ', () => {
    const priced = price({
      jurisdiction: 'AZ',
      claimInformation: {
        serviceFacilityLocation: { address: { postalCode: '85001' } },
        serviceLines: [
          {
            serviceDate: '20240603',
            professionalService: {
              procedureCode: '01400',
              lineItemChargeAmount: '2000',
              measurementUnit: 'MJ',
              serviceUnitCount: '60',
            },
          },
        ],
      },
    });
    expect(priced.lines[0]).toMatchObject({ allowed: '488.00', units: 1 });
  });

  it('finds a state table row by a modifier other than 26/TC (NC E0114-NU 56.05)', () => {
    // NC_IC_fee_schedule_export.csv line 13715: E0114-NU, NF 56.05
    expect(
      lookupFee(index, {
        jurisdiction: 'NC',
        code: 'E0114',
        modifier: 'NU',
        zip: '27601',
        date: '2025-03-04',
      }).amount,
    ).toBe('56.05');
  });

  it('refuses 26 and TC on one line (CARC 4) instead of pricing one of them', () => {
    const [line] = price({
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [{ code: '72148', modifiers: ['26', 'TC'], dateOfService: '2025-03-04', charge: '500.00' }],
    }).lines;
    expect(line).toMatchObject({ status: 'denied', adjustments: [expect.objectContaining({ carc: '4' })] });
  });

  it('numbers lines sent without a number after those sent with one', () => {
    const priced = price({
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [
        { lineNumber: 2, code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
        { code: '99213', dateOfService: '2025-03-05', charge: '150.00' },
      ],
    });
    expect(priced.lines.map((l) => l.lineNumber)).toEqual([2, 1]);
  });

  it('says on every bill which edits and payment rules are applied, in order, and which are not', () => {
    const priced = price({
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
    });
    expect(priced.notices[0]).toMatch(
      /applied for US-MEDICARE, in this order: Duplicate lines; NCCI procedure-to-procedure edits; Medically unlikely edits \(units\); Procedures in another surgery's global period; Global surgery.*; Add-on codes without their primary procedure; Bilateral.*Multiple procedure payment reductions; Return to the operating room.*Not applied.*Frequency/,
    );
    const delaware = price({
      jurisdiction: 'DE',
      serviceFacility: { zip: '19901' },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
    });
    expect(delaware.notices[0]).toMatch(/applied for DE, in this order: Duplicate lines;.*Not applied.*NCCI/);
  });
});

describe('ZIP codes whose locality depends on the +4', () => {
  it('prices on the ZIP5 locality and says the ZIP9 file is not held (ZIP5_OCT2025.txt line 2571: 90265, plus-four flag 1)', () => {
    const answer = lookupFee(index, {
      jurisdiction: 'US-MEDICARE',
      code: '99213',
      zip: '90265',
      date: '2025-03-04',
    });
    expect(answer.status).toBe('priced');
    expect(answer.notices).toContain(
      "ZIP 90265 has localities by ZIP+4 in CMS's ZIP9 file, which we do not hold: priced on the ZIP5 locality 01182-18.",
    );
  });
});
