import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { normaliseFacilityBill } from '../../../lambdas/engine/bill/normalise-facility.js';
import {
  type FacilityMethods,
  priceFacilityBill,
} from '../../../lambdas/engine/facility/price-facility-bill.js';
import type { FacilityLinePrice } from '../../../lambdas/engine/facility/types.js';
import type { Cents } from '../../../lambdas/engine/money.js';
import { ReconDeltaSchema } from '../../../lambdas/engine/priced-bill-schema.js';
import { reconDelta } from '../../../lambdas/engine/recon/delta.js';
import { sampleIndex } from '../../support/fee-index.js';

/*
 * Recon deltas of facility bills: lines pair by line number only when the service (code, date and
 * revenue code) is the same, then by code, date, modifiers and revenue code. The method is a test
 * double paying the CY2025 OPPS Addendum B rate of
 * ../shared/reference-data/facility/opps/OPPS_Addendum_B_2025_January_derived.csv line 3526
 * (29881, SI J1, APC 5113, 3244.61), every other line packaged into it.
 */

const J1: FacilityLinePrice = {
  kind: 'paid',
  amount: 324461 as Cents,
  unitAmount: 324461 as Cents,
  method: 'opps',
  edition: 'opps-addendum-b/2025',
  indicator: 'J1',
  apc: '5113',
  wageIndex: undefined,
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
  indicator: 'J2',
  apc: undefined,
  packagedInto: 1,
};

/** The double answers by HCPCS code, whatever the order of the lines. */
const methods: FacilityMethods = (() => {
  const price = (_i: unknown, bill: { lines: readonly { code: string | undefined }[] }) => ({
    lines: bill.lines.map((l) => (l.code === '29881' ? J1 : PACKAGED)),
    claimSteps: [],
    notices: [],
    editions: [],
  });
  return { outpatient: price, asc: price, inpatient: price, stateTable: (i, _j, b) => price(i, b) };
})();

const bill = (lines: Record<string, unknown>[]) =>
  normaliseFacilityBill({
    // Delaware pays the lesser of the charge and the fee (19 Del. C. § 2322B(3), DE.json lesserOfBilled).
    jurisdiction: 'DE',
    billType: 'outpatient',
    typeOfBill: '0137',
    facility: { zip: '30303' },
    lines: lines.map((l) => ({ dateOfService: '2025-03-04', ...l })),
  });

describe('reconDelta of facility bills', () => {
  it('pairs lines by service and revenue code, and counts a lowered charge as an overpayment', () => {
    const index = sampleIndex();
    const prior = priceFacilityBill(
      index,
      bill([
        { revenueCode: '0360', code: '29881', charge: '5000.00' },
        { revenueCode: '0510', code: 'G0463', charge: '300.00' },
      ]),
      methods,
    );
    // The corrected bill swaps the line numbers, lowers the surgery's charge to 3,000.00 and adds
    // G0463 under another revenue code (a treatment room): a new service, not line 2 again.
    const current = priceFacilityBill(
      index,
      bill([
        { lineNumber: 2, revenueCode: '0360', code: '29881', charge: '3000.00' },
        { lineNumber: 1, revenueCode: '0510', code: 'G0463', charge: '300.00' },
        { lineNumber: 3, revenueCode: '0761', code: 'G0463', charge: '200.00' },
      ]),
      methods,
    );
    const delta = reconDelta(prior, current, 1);
    expect(delta.lines.map((l) => [l.match, l.lineNumber, l.priorLineNumber, l.revenueCode])).toEqual([
      ['code-date-modifiers', 2, 1, '0360'],
      ['code-date-modifiers', 1, 2, '0510'],
      ['added', 3, null, '0761'],
    ]);
    // Prior: lesser of 5,000.00 and 3,244.61 = 3,244.61; now lesser of 3,000.00 and 3,244.61 =
    // 3,000.00: 244.61 overpaid.
    expect(delta.lines[0]?.allowed).toEqual({ prior: '3244.61', current: '3000.00', change: '-244.61' });
    expect(delta).toMatchObject({ direction: 'overpayment', overpayment: '244.61', total: '-244.61' });
    expect(v.safeParse(ReconDeltaSchema, JSON.parse(JSON.stringify(delta))).issues).toBeUndefined();
  });
});
