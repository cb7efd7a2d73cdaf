import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import type { PricedLine } from '../../../lambdas/engine/priced-bill.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Expected amounts are worked by hand from named rows of the official CMS files in
 * ../shared/reference-data (the sample keeps the same rows and line numbers):
 *   PPRRVU2025_Oct.csv (RVU25D, CF 32.3465 on every row)
 *     line 12807  99213     work 1.30  NF PE 1.35  F PE 0.57  MP 0.10  status A
 *     line  7835  72148     work 1.48  NF PE 4.25  F PE 4.25  MP 0.09  OPPS NF PE 7.97 MP 0.11
 *     line  7836  72148-26  work 1.48  PE 0.54  MP 0.07
 *     line  7837  72148-TC  work 0.00  PE 3.71  MP 0.02
 *     line  7964  73200     work 1.00  PE 3.83  MP 0.06  OPPS PE 3.63  OPPS MP 0.06
 *     line 12655  97110     work 0.45  NF PE 0.43  MP 0.01
 *     line 12613  96523     work 0.04  NF PE 0.67  MP 0.01  status T
 *     line 12774  99080     status B; line 7107 64999 status C; line 11 0001F status I
 *   GPCI2025.csv line 40: 12102 DE 01 DELAWARE  work 1.009  PE 0.992  MP 0.949
 *   GPCI2025.csv line 24: 01112 CA 05 SAN FRANCISCO...  work 1.088  PE 1.419  MP 0.445
 *   ZIP5_OCT2025.txt: 19901 → 12102/01; 94105 → 01112/05
 *   OPPSCAP_Oct2025.csv line 3797: 73200 (global) 01112/05 facility and non-facility 202.67
 */

const index = sampleIndex();

function bill(lines: object[], extra: object = {}) {
  return {
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    ...extra,
    lines,
  };
}

function price(input: object) {
  return priceBill(index, normaliseBill(input));
}

function only(input: object): PricedLine {
  const [line] = price(input).lines;
  if (!line) throw new Error('no line');
  return line;
}

describe('priceBill', () => {
  describe('RBRVS amounts from the official rows', () => {
    it('prices 99213 in Delaware, non-facility: (1.30×1.009 + 1.35×0.992 + 0.10×0.949) × 32.3465 = 88.817… → 88.82', () => {
      // Prepare / Act
      const line = only(
        bill([{ code: '99213', dateOfService: '2025-03-04', charge: '150.00', placeOfService: '11' }]),
      );
      // Assess
      expect(line.status).toBe('priced');
      expect(line.feeSchedule?.unitAmount).toBe('88.82');
      expect(line.allowed).toBe('88.82');
      expect(line.withheld).toBe('61.18');
      expect(line.adjustments).toEqual([
        expect.objectContaining({
          bucket: 'feeSchedule',
          amount: '61.18',
          carc: '45',
          groupCode: 'CO',
          internalCode: 'FS-MAX',
        }),
      ]);
      const formula = line.explanation.find((s) => s.step === 'fee-schedule-amount');
      expect(formula?.inputs).toMatchObject({ adjustedRvus: '2.7458', conversionFactor: '32.3465' });
      expect(line.explanation.find((s) => s.step === 'relative-values')?.source).toEqual({
        file: 'PPRRVU2025_Oct.csv',
        line: 12807,
        edition: 'pfs-rvu/2025',
      });
      expect(line.explanation.find((s) => s.step === 'gpci')?.source).toMatchObject({
        file: 'GPCI2025.csv',
        line: 40,
      });
    });

    it('prices 99213 in Delaware at the facility rate for place of service 22: 1.97204 × 32.3465 = 63.7885… → 63.79', () => {
      const line = only(
        bill([{ code: '99213', dateOfService: '2025-03-04', charge: '150.00', placeOfService: '22' }]),
      );
      expect(line.feeSchedule).toMatchObject({ unitAmount: '63.79', setting: 'facility' });
    });

    it('prices the professional and technical components from their own rows (72148-26: 67.78, 72148-TC: 119.66, global: 187.44)', () => {
      // 72148-26: 1.48×1.009 + 0.54×0.992 + 0.07×0.949 = 2.09543 × 32.3465 = 67.7798 → 67.78
      // 72148-TC: 0.00×1.009 + 3.71×0.992 + 0.02×0.949 = 3.6993 × 32.3465 = 119.6594 → 119.66
      // 72148:    1.48×1.009 + 4.25×0.992 + 0.09×0.949 = 5.79473 × 32.3465 = 187.4392 → 187.44
      //           (OPPS: 1.48×1.009 + 7.97×0.992 + 0.11×0.949 = 9.50395 × 32.3465 = 307.42, not lower)
      const priced = price(
        bill([
          { code: '72148', modifiers: ['26'], dateOfService: '2025-03-04', charge: '500.00' },
          { code: '72148', modifiers: ['TC'], dateOfService: '2025-03-04', charge: '500.00' },
          { code: '72148', dateOfService: '2025-03-05', charge: '500.00' },
        ]),
      );
      expect(priced.lines.map((l) => l.feeSchedule?.unitAmount)).toEqual(['67.78', '119.66', '187.44']);
      expect(priced.lines[2]?.explanation.find((s) => s.step === 'opps-cap')?.inputs?.oppsAmount).toBe(
        '307.42',
      );
    });

    it('applies the OPPS cap: 73200 in San Francisco pays the OPPS amount 202.67 (OPPSCAP_Oct2025.csv line 3797), not the PFS 211.85', () => {
      // PFS:  1.00×1.088 + 3.83×1.419 + 0.06×0.445 = 6.54947 × 32.3465 = 211.8524 → 211.85
      // OPPS: 1.00×1.088 + 3.63×1.419 + 0.06×0.445 = 6.26567 × 32.3465 = 202.6725 → 202.67
      const line = only(
        bill([{ code: '73200', dateOfService: '2025-06-10', charge: '400.00' }], {
          serviceFacility: { zip: '94105' },
        }),
      );
      expect(line.feeSchedule?.unitAmount).toBe('202.67');
      const cap = line.explanation.find((s) => s.step === 'opps-cap');
      expect(cap?.source).toMatchObject({ file: 'OPPSCAP_Oct2025.csv', line: 3797 });
      expect(line.notices).toEqual([]);
    });

    it('multiplies by units and pays the lesser of billed and fee: 97110 × 3 = 3 × 28.79', () => {
      // 97110: 0.45×1.009 + 0.43×0.992 + 0.01×0.949 = 0.8901 × 32.3465 = 28.7916 → 28.79 a unit; × 3 = 86.37
      const [above, below] = price(
        bill([
          { code: '97110', dateOfService: '2025-03-04', charge: '120.00', units: 3 },
          { code: '97110', dateOfService: '2025-03-05', charge: '80.00', units: 3 },
        ]),
      ).lines;
      // The fee schedule amount is 86.37; the therapy reduction (MULT PROC 5) then takes half the
      // practice expense of units 2 and 3: 0.43 × 0.992 × 32.3465 = 13.80, half 6.90 each → 72.57.
      expect(above).toMatchObject({ allowed: '72.57', withheld: '47.43' });
      expect(above?.feeSchedule).toMatchObject({ unitAmount: '28.79', amount: '86.37' });
      expect(below).toMatchObject({ allowed: '72.57', withheld: '7.43' });
    });

    it('takes the locality from the billing provider ZIP when the bill has no service facility', () => {
      const priced = price({
        jurisdiction: 'US-MEDICARE',
        billingProvider: { zip: '19901-1234' },
        lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
      });
      expect(priced.location).toEqual({ zip: '19901', source: 'billingProvider' });
      expect(priced.lines[0]?.allowed).toBe('88.82');
    });
  });

  describe('status codes (RVU file documentation, Attachment A)', () => {
    it('pays nothing for a bundled code (99080, status B), with CARC 97 on the whole charge', () => {
      const line = only(bill([{ code: '99080', dateOfService: '2025-03-04', charge: '35.00' }]));
      expect(line).toMatchObject({ status: 'denied', allowed: '0.00', withheld: '35.00' });
      expect(line.adjustments).toEqual([
        expect.objectContaining({ carc: '97', amount: '35.00', internalCode: 'FS-STATUS-BUNDLED' }),
      ]);
    });

    it('pays nothing for a code not valid for Medicare (0001F, status I), with CARC 181', () => {
      const line = only(bill([{ code: '0001F', dateOfService: '2025-03-04', charge: '10.00' }]));
      expect(line.adjustments[0]).toMatchObject({ carc: '181', rarc: 'M51' });
    });

    it('never guesses a carrier-priced code (64999, status C): unpriced, no allowed amount', () => {
      const line = only(bill([{ code: '64999', dateOfService: '2025-03-04', charge: '900.00' }]));
      expect(line).toMatchObject({
        status: 'unpriced',
        allowed: null,
        withheld: null,
        unpriced: { code: 'CARRIER-PRICED' },
      });
    });

    it('pays an injection (96523, status T) alone, and bundles it when 99213 is billed the same day by the same provider', () => {
      // 96523 alone: 0.04×1.009 + 0.67×0.992 + 0.01×0.949 = 0.71449 × 32.3465 = 23.1113 → 23.11
      expect(only(bill([{ code: '96523', dateOfService: '2025-03-04', charge: '40.00' }])).allowed).toBe(
        '23.11',
      );
      const [visit, injection] = price(
        bill([
          { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
          { code: '96523', dateOfService: '2025-03-04', charge: '40.00' },
        ]),
      ).lines;
      expect(visit?.allowed).toBe('88.82');
      expect(injection).toMatchObject({ status: 'denied', allowed: '0.00' });
      expect(injection?.adjustments[0]).toMatchObject({ carc: '97', internalCode: 'FS-STATUS-INJECTION' });
    });

    it('denies modifier 26 on a code with no professional component (99213, PC/TC indicator 0), CARC 4', () => {
      const line = only(
        bill([{ code: '99213', modifiers: ['26'], dateOfService: '2025-03-04', charge: '150.00' }]),
      );
      expect(line).toMatchObject({ status: 'denied', allowed: '0.00' });
      expect(line.adjustments[0]).toMatchObject({ carc: '4' });
    });
  });

  describe('editions', () => {
    it('gives a 2026 line for a code without a 2026 row "not in the 2026 edition we hold", never the 2025 amount', () => {
      const line = only(bill([{ code: '99213', dateOfService: '2026-02-10', charge: '150.00' }]));
      expect(line).toMatchObject({ status: 'unpriced', allowed: null, unpriced: { code: 'NOT-IN-EDITION' } });
      expect(line.unpriced?.message).toContain('not in the 2026 edition we hold');
      expect(JSON.stringify(line)).not.toContain('88.82');
    });

    it('marks a line dated before every edition we hold as unpriced, and prices the others', () => {
      const priced = price(
        bill([
          { code: '99213', dateOfService: '2019-05-01', charge: '150.00' },
          { code: '99213', dateOfService: '2025-05-01', charge: '150.00' },
        ]),
      );
      expect(priced.lines[0]).toMatchObject({ status: 'unpriced', unpriced: { code: 'NO-EDITION' } });
      expect(priced.lines[1]?.allowed).toBe('88.82');
      expect(priced.totals).toMatchObject({
        billed: '300.00',
        allowed: '88.82',
        withheld: '61.18',
        unpricedBilled: '150.00',
        pricedLines: 1,
        unpricedLines: 1,
      });
    });

    it('names every edition it used with the source file checksum', () => {
      const priced = price(bill([{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }]));
      expect(priced.editions.map((e) => e.id).sort()).toEqual([
        'gpci/2025',
        'locality-county/2025',
        'pfs-rvu/2025',
        'zip5/2025',
      ]);
      expect(priced.editions.every((e) => /^[0-9a-f]{64}$/.test(e.sha256))).toBe(true);
    });
  });

  describe('the 837P-style claim', () => {
    it('prices the claim shape customers already send the same as our own bill shape', () => {
      const claim = {
        jurisdiction: 'us-medicare',
        controlNumber: '3123450',
        providers: [
          { providerType: 'BillingProvider', npi: '1609948736', address: { postalCode: '199010000' } },
        ],
        claimInformation: {
          placeOfServiceCode: '11',
          serviceFacilityLocation: { address: { postalCode: '199013022' } },
          serviceLines: [
            {
              serviceDate: '20250304',
              professionalService: {
                procedureCode: '99213',
                lineItemChargeAmount: '150',
                serviceUnitCount: '1',
              },
            },
          ],
        },
      };
      const priced = price(claim);
      expect(priced.billId).toBe('3123450');
      expect(priced.lines[0]).toMatchObject({
        allowed: '88.82',
        billed: '150.00',
        dateOfService: '2025-03-04',
      });
    });
  });

  describe('rejections (422 with field errors)', () => {
    const rejects = (input: object): BillValidationError => {
      try {
        price(input);
      } catch (error) {
        if (error instanceof BillValidationError) return error;
        throw error;
      }
      throw new Error('accepted');
    };

    it('names every missing field', () => {
      const error = rejects({ lines: [{ code: '99213' }] });
      expect(error.errors.map((e) => e.field).sort()).toEqual([
        'jurisdiction',
        'lines[0].charge',
        'lines[0].dateOfService',
      ]);
    });

    it('rejects an unknown code, an impossible date and negative units by field', () => {
      expect(rejects(bill([{ code: 'ZZ999', dateOfService: '2025-03-04', charge: '1.00' }])).errors).toEqual([
        { field: 'lines[0].code', errorMessage: 'ZZ999 is not a code in any fee schedule edition we hold' },
      ]);
      expect(
        rejects(bill([{ code: '99213', dateOfService: '2025-02-30', charge: '1.00' }])).errors[0]?.field,
      ).toBe('lines[0].dateOfService');
      expect(
        rejects(bill([{ code: '99213', dateOfService: '2025-03-04', charge: '1.00', units: -2 }])).errors[0],
      ).toEqual({
        field: 'lines[0].units',
        errorMessage: 'must be 1 or more',
      });
    });

    it('rejects money sent as a number, a ZIP that is not in the ZIP5 file, and an unsupported jurisdiction', () => {
      expect(
        rejects(bill([{ code: '99213', dateOfService: '2025-03-04', charge: 150 }])).errors[0]?.field,
      ).toBe('lines[0].charge');
      expect(
        rejects(
          bill([{ code: '99213', dateOfService: '2025-03-04', charge: '1.00' }], {
            serviceFacility: { zip: '00000' },
          }),
        ).errors[0]?.field,
      ).toBe('serviceFacility.zip');
      expect(
        rejects(
          bill([{ code: '99213', dateOfService: '2025-03-04', charge: '1.00' }], { jurisdiction: 'XX' }),
        ).errors[0]?.field,
      ).toBe('jurisdiction');
    });
  });
});

describe('modifier 53 (RVU file documentation, Modifier field)', () => {
  it('prices 45378-53 from its own row and leaves 99213-53 to individual consideration', () => {
    // PPRRVU2025_Oct.csv line 5358: 45378-53 work 1.63, NF PE 3.22, MP 0.22:
    // (1.63×1.009 + 3.22×0.992 + 0.22×0.949) = 5.04769 × 32.3465 = 163.2751… → 163.28
    const [discontinued, other] = priceBill(
      index,
      normaliseBill(
        bill([
          { code: '45378', modifiers: ['53'], dateOfService: '2025-03-04', charge: '900.00' },
          { code: '99213', modifiers: ['53'], dateOfService: '2025-03-04', charge: '150.00' },
        ]),
      ),
    ).lines;
    expect(discontinued?.feeSchedule?.unitAmount).toBe('163.28');
    expect(other).toMatchObject({ status: 'unpriced', unpriced: { code: 'CARRIER-PRICED' } });
  });
});
