import { describe, expect, it } from 'vitest';
import { normaliseFacilityBill } from '../../../lambdas/engine/bill/normalise-facility.js';
import {
  type FacilityMethods,
  priceFacilityBill,
} from '../../../lambdas/engine/facility/price-facility-bill.js';
import type { FacilityLinePrice } from '../../../lambdas/engine/facility/types.js';
import type { Cents } from '../../../lambdas/engine/money.js';
import { renderDetailsFragment } from '../../../lambdas/smartbill/fragment.js';
import { parsePricedBill } from '../../../lambdas/smartbill/priced-bill-input.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * The SmartBill page of a facility bill, rendered to HTML: revenue code, status indicator in plain
 * words, APC, what packaged a line, and the stay and DRG of an inpatient bill. The method is a test
 * double answering the CY2025 OPPS Addendum B row of
 * ../shared/reference-data/facility/opps/OPPS_Addendum_B_2025_January_derived.csv line 3526
 * (29881, SI J1, APC 5113, 3244.61); the other line packaged into it.
 */

const J1: FacilityLinePrice = {
  kind: 'paid',
  amount: 324461 as Cents,
  unitAmount: 324461 as Cents,
  method: 'opps',
  edition: 'opps-addendum-b/2025',
  indicator: 'J1',
  apc: '5113',
  wageIndex: {
    value: '0.9786',
    cbsa: '12060',
    basis: 'geographic',
    why: 'the hospital’s CBSA (test double value)',
    edition: 'wage-index/2025',
  },
  packagedInto: undefined,
  reason: undefined,
  unpriced: undefined,
  steps: [],
  notices: [],
};
const PACKAGED: FacilityLinePrice = {
  ...J1,
  kind: 'packaged',
  amount: 0 as Cents,
  indicator: 'Q4',
  apc: undefined,
  wageIndex: undefined,
  packagedInto: 1,
};

const double = (lines: FacilityLinePrice[]): FacilityMethods => {
  const pricing = () => ({ lines, claimSteps: [], notices: [], editions: [] });
  return { outpatient: pricing, asc: pricing, inpatient: pricing, stateTable: pricing };
};

const meta = { generatedAt: '2025-03-10T12:00:00Z' };

describe('SmartBill page of a facility bill', () => {
  it('shows revenue codes, indicators in plain words, the APC and what packaged a line', () => {
    const priced = priceFacilityBill(
      sampleIndex(),
      normaliseFacilityBill({
        jurisdiction: 'US-MEDICARE',
        billType: 'outpatient',
        typeOfBill: '0131',
        facility: { zip: '30303', npi: '1234567893', cbsa: '12060' },
        diagnoses: ['S83.241A'],
        lines: [
          { revenueCode: '0360', code: '29881', dateOfService: '2025-03-04', charge: '5000.00' },
          { revenueCode: '0300', code: '36415', dateOfService: '2025-03-04', charge: '30.00' },
        ],
      }),
      double([J1, PACKAGED]),
    );
    const html = renderDetailsFragment(parsePricedBill(JSON.parse(JSON.stringify(priced))), meta);
    expect(html).toContain('<th scope="row">Revenue code</th><td data-field="revenueCode">0360</td>');
    expect(html).toContain('J1: comprehensive service: its payment covers the other services of the claim');
    expect(html).toContain('<td data-field="apc">5113</td>');
    expect(html).toContain('<td data-field="packagedInto">line 1</td>');
    expect(html).toContain('0.9786 (area 12060)');
    expect(html).toContain('Hospital outpatient bill');
    expect(html).not.toContain('Place of service');
    // Diagnoses are passed through on the answer but never shown on the page.
    expect(html).not.toMatch(/S83\.?241A/);
  });

  it('shows the stay and the DRG of an inpatient bill, with the words on grouping', () => {
    const priced = priceFacilityBill(
      sampleIndex(),
      normaliseFacilityBill({
        jurisdiction: 'US-MEDICARE',
        billType: 'inpatient',
        facility: { zip: '30303' },
        admissionDate: '2025-03-02',
        dischargeDate: '2025-03-05',
        dischargeStatus: '01',
        drg: '470',
        lines: [{ revenueCode: '0120', units: 3, charge: '6000.00' }],
      }),
      double([{ ...J1, method: 'ipps', indicator: 'DRG', apc: undefined, wageIndex: undefined }]),
    );
    const html = renderDetailsFragment(priced, meta);
    expect(html).toContain('2025-03-02 to 2025-03-05');
    expect(html).toContain('470: The MS-DRG 470 is the bill&#39;s, as billed: we do not group');
    expect(html).toContain('DRG: paid as part of the stay&#39;s DRG payment');
  });
});
