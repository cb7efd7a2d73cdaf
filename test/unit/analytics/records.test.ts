/**
 * The analytics records (issue 19): the same at every explanation level, no PHI whatever the bill
 * carries, HHS's restricted ZIP3s as "000", amounts as exact cents. No dollar figure here is an
 * expectation: cents are compared with the priced bill's own strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANALYTICS_COLUMNS } from '../../../lambdas/app/analytics/record.js';
import {
  analyticsRecordsOf,
  npiOrNull,
  RESTRICTED_ZIP3,
  renderingNpisOf,
  zip3Of,
} from '../../../lambdas/app/analytics/records.js';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { BillValidationError } from '../../../lambdas/engine/errors.js';
import type { ExplainLevel } from '../../../lambdas/engine/explain.js';
import { priceFacilityBill } from '../../../lambdas/engine/facility/price-facility-bill.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { sampleIndex } from '../../support/fee-index.js';
import { example, facilityBill, inpatientClaim, professionalBill } from '../../support/generated-bills.js';
import { PHI, phiIn } from '../../support/phi-requests.js';

const index = sampleIndex();
const context = { tenant: 'tenant-a', pricedAt: new Date('2026-12-07T15:00:00Z'), pricingMs: 2.5 };

/** The engine's priced bill at a level, as the pricing path has it before the answer is rendered. */
function pricedAt(bill: unknown, explain: ExplainLevel): PricedBill {
  const normalised = normaliseRequest(bill);
  return normalised.billType === 'professional'
    ? priceBill(index, normalised, explain)
    : priceFacilityBill(index, normalised, undefined, explain);
}

describe('analyticsRecordsOf', () => {
  describe('the same records at every explanation level (property)', () => {
    for (const [kind, bills] of [
      ['professional bills with external values', professionalBill],
      ['outpatient and surgery-centre bills', facilityBill],
      ['inpatient claims', inpatientClaim],
    ] as const) {
      it(kind, () => {
        let priced = 0;
        fc.assert(
          fc.property(bills as fc.Arbitrary<unknown>, (bill) => {
            let full: PricedBill;
            try {
              full = pricedAt(bill, 'full');
            } catch (error) {
              if (error instanceof BillValidationError) return;
              throw error;
            }
            priced++;
            const records = analyticsRecordsOf(full, context);
            expect(analyticsRecordsOf(pricedAt(bill, 'summary'), context)).toEqual(records);
            expect(analyticsRecordsOf(pricedAt(bill, 'none'), context)).toEqual(records);
            // One record per line, the bill counted once, every column present.
            expect(records).toHaveLength(full.lines.length);
            expect(records.filter((r) => r.first_line)).toHaveLength(1);
            // Exactly the table's columns, and exactly the struct fields in the list columns: the
            // sinks send a record as it is (lambdas/app/analytics/record-json.ts), so nothing else may be on it.
            for (const record of records) {
              expect(Object.keys(record).sort()).toEqual(ANALYTICS_COLUMNS.map(([name]) => name).sort());
              for (const [name, type] of ANALYTICS_COLUMNS) {
                if (typeof type !== 'object') continue;
                const fields = type.list.map(([field]) => field).sort();
                for (const item of record[name] as readonly object[])
                  expect(Object.keys(item).sort()).toEqual(fields);
              }
            }
          }),
          { numRuns: 60 },
        );
        // Not vacuous: most generated bills are priced, not refused.
        expect(priced).toBeGreaterThan(30);
      });
    }
  });

  it('keeps amounts as exact cents: the lines, buckets and adjustments add up to the bill totals', () => {
    fc.assert(
      fc.property(professionalBill, (bill) => {
        let priced: PricedBill;
        try {
          priced = pricedAt(bill, 'none');
        } catch (error) {
          if (error instanceof BillValidationError) return;
          throw error;
        }
        const records = analyticsRecordsOf(priced, context);
        const sum = (f: (r: (typeof records)[number]) => number) => records.reduce((s, r) => s + f(r), 0);
        const toCents = (s: string) => Math.round(Number(s) * 100);
        const notUnpriced = records.filter((r) => r.status !== 'unpriced');
        expect(sum((r) => (r.status === 'unpriced' ? 0 : r.billed_cents))).toBe(
          toCents(priced.totals.billed) - toCents(priced.totals.unpricedBilled),
        );
        expect(notUnpriced.reduce((s, r) => s + (r.allowed_cents ?? 0), 0)).toBe(
          toCents(priced.totals.allowed),
        );
        for (const r of notUnpriced) {
          const buckets =
            (r.fee_schedule_cents ?? 0) +
            (r.bill_review_cents ?? 0) +
            (r.ppo_cents ?? 0) +
            (r.ur_cents ?? 0) +
            (r.negotiated_cents ?? 0) +
            (r.adjuster_cents ?? 0) +
            (r.customer_cents ?? 0);
          expect(buckets).toBe(r.allowed_cents);
          expect(Number.isSafeInteger(r.billed_cents)).toBe(true);
        }
        for (const r of records.filter((x) => x.status === 'unpriced')) {
          expect(r.allowed_cents).toBeNull();
          expect(r.unpriced_reason).toMatch(/^[A-Z-]+$/);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('takes month, zip3, type of bill, place of service, method and edition from the bill', () => {
    const office = pricedAt(example('office-visit.json'), 'full');
    const [first] = analyticsRecordsOf(office, context);
    expect(first).toMatchObject({
      tenant: 'tenant-a',
      month: office.lines[0]?.dateOfService.slice(0, 7),
      priced_on: '2026-12-07',
      zip3: office.location.zip.slice(0, 3),
      place_of_service: office.lines[0]?.placeOfService,
      type_of_bill: null,
      fee_method: office.lines[0]?.feeSchedule?.method,
      edition: office.lines[0]?.feeSchedule?.edition,
      bill_type: 'professional',
      pricing_ms: 2.5,
    });
    const outpatient = pricedAt(example('facility-outpatient.json'), 'full');
    const [line] = analyticsRecordsOf(outpatient, context);
    expect(line?.type_of_bill).toBe(outpatient.facility?.typeOfBill);
    expect(line?.type_of_bill).toMatch(/^0\d{3}$/);
    expect(line?.place_of_service).toBeNull();
    expect(line?.billing_npi).toBe(outpatient.facility?.facility.npi);
  });

  it('takes each line its rendering NPI from the normalised bill, else the bill rendering provider', () => {
    const bill = {
      ...example('office-visit.json'),
      renderingProvider: { npi: '1234567893' },
      lines: [
        { code: '99213', dateOfService: '2025-03-04', charge: '150.00', renderingProviderNpi: '1245319599' },
        { code: '97110', dateOfService: '2025-03-04', charge: '80.00' },
      ],
    };
    const normalised = normaliseRequest(bill);
    const priced = pricedAt(bill, 'none');
    const records = analyticsRecordsOf(priced, {
      ...context,
      renderingNpis: renderingNpisOf(normalised, priced),
    });
    expect(records.map((r) => r.rendering_npi)).toEqual(['1245319599', '1234567893']);
    expect(analyticsRecordsOf(priced, context).map((r) => r.rendering_npi)).toEqual([
      '1234567893',
      '1234567893',
    ]);
  });
});

describe('zip3Of', () => {
  it('keeps the first three digits of an unrestricted ZIP', () => {
    expect(zip3Of('85001')).toBe('850');
    expect(zip3Of('19901-1234')).toBe('199');
  });

  it("replaces HHS's 17 restricted prefixes with 000", () => {
    expect(RESTRICTED_ZIP3.size).toBe(17);
    for (const prefix of RESTRICTED_ZIP3) expect(zip3Of(`${prefix}01`)).toBe('000');
    // 03601 (Alstead, NH) is in restricted ZIP3 036; 03801 (Portsmouth, NH) is not.
    expect(zip3Of('03601')).toBe('000');
    expect(zip3Of('03801')).toBe('038');
  });

  it('is null without a ZIP of five digits', () => {
    expect(zip3Of(undefined)).toBeNull();
    expect(zip3Of('8500')).toBeNull();
    expect(zip3Of(PHI.address)).toBeNull();
  });

  it('a bill served in a restricted ZIP3 is stored as 000', () => {
    const office = pricedAt(example('office-visit.json'), 'none');
    // 83001 (Jackson, WY) is in restricted ZIP3 830.
    const placed = { ...office, location: { ...office.location, zip: '83001' } };
    const records = analyticsRecordsOf(placed, context);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.zip3 === '000')).toBe(true);
  });
});

describe('npiOrNull', () => {
  it('keeps an NPI with its check digit and drops anything else', () => {
    // CMS's worked example of the NPI check digit: 123456789 → 3.
    expect(npiOrNull('1234567893')).toBe('1234567893');
    expect(npiOrNull('1234567890')).toBeNull();
    expect(npiOrNull('987654329')).toBeNull();
    expect(npiOrNull(PHI.ssn)).toBeNull();
    expect(npiOrNull(undefined)).toBeNull();
  });
});

describe('no PHI in the records', () => {
  const patient = {
    firstName: PHI.name,
    lastName: PHI.name,
    birthDate: PHI.birthDate,
    memberId: PHI.memberId,
    ssn: PHI.ssn,
    address: { line1: PHI.address, city: PHI.name, zip: '19901' },
  };
  const claim = { claimNumber: PHI.claimNumber, injuryDate: PHI.birthDate, employer: { name: PHI.name } };
  const party = { name: `${PHI.name} ${PHI.address}`, taxId: PHI.ssn, npi: '987654329' };
  const reason = { groupCode: 'CO', carc: '45', internalCode: PHI.claimNumber, stateCode: PHI.ssn };
  const externalValues = [
    { bucket: 'ppo', mode: 'replace', percent: '90', source: `${PHI.name} ${PHI.memberId}`, reason },
  ];

  /** Our bill JSON with a marker in every field the schema takes as text, and in fields it does not know. */
  const ownBill = {
    ...example('office-visit.json'),
    billId: PHI.claimNumber,
    controlNumber: PHI.claimNumber,
    jurisdiction: 'US-MEDICARE',
    patient,
    claim,
    notes: `${PHI.name} ${PHI.ssn} ${PHI.address}`,
    serviceFacility: { ...party, zip: '19901' },
    billingProvider: party,
    renderingProvider: party,
    payer: {
      name: PHI.name,
      id: PHI.memberId,
      contact: {
        phone: '555-0100',
        mailingAddress: PHI.address,
        appealInstructions: `${PHI.name} ${PHI.ssn}`,
      },
    },
    receivedDate: PHI.birthDate,
    externalValues,
    lines: [
      {
        code: '99213',
        dateOfService: '2025-03-04',
        charge: '150.00',
        renderingProviderNpi: '987654329',
        note: PHI.memberId,
        externalValues: [{ bucket: 'adjuster', mode: 'add', amount: '-5.00', source: PHI.address, reason }],
      },
      { code: '97110', dateOfService: '2025-03-04', charge: '80.00', patientName: PHI.name },
    ],
  };

  /** The 837P-style claim JSON of the example, its patient, subscriber and providers full of markers. */
  const claimJson = (() => {
    const c = example('claim-837p.json') as Record<string, unknown> & {
      providers?: Record<string, unknown>[];
    };
    return {
      ...c,
      controlNumber: PHI.claimNumber,
      subscriber: { memberId: PHI.memberId, firstName: PHI.name, dateOfBirth: PHI.birthDate, ssn: PHI.ssn },
      patient,
      claimInformation: {
        ...(c.claimInformation as object),
        patientControlNumber: PHI.claimNumber,
        claimFilingCode: PHI.memberId,
      },
      providers: (c.providers ?? []).map((p) => ({ ...p, organizationName: PHI.name, ssn: PHI.ssn })),
    };
  })();

  /** A facility bill with markers in the patient, party and free-text fields. */
  const facilityJson = {
    ...example('facility-outpatient.json'),
    billId: PHI.claimNumber,
    patient,
    claim,
    payer: { name: PHI.name, id: PHI.memberId },
    externalValues,
  };

  for (const [kind, bill] of [
    ['our bill JSON', ownBill],
    ['the 837P claim JSON', claimJson],
    ['a facility bill', facilityJson],
  ] as const) {
    it(`finds no marker in the records of ${kind}, at any level`, () => {
      for (const level of ['full', 'summary', 'none'] as const) {
        let normalised: ReturnType<typeof normaliseRequest>;
        try {
          normalised = normaliseRequest(bill);
        } catch (e) {
          throw new Error(JSON.stringify((e as BillValidationError).errors));
        }
        const priced = pricedAt(bill, level);
        // Not vacuous: the markers reached the priced bill the records are built from.
        if (level === 'full' && kind !== 'the 837P claim JSON')
          expect(phiIn(JSON.stringify(priced))).not.toEqual([]);
        const records = analyticsRecordsOf(priced, {
          ...context,
          renderingNpis: renderingNpisOf(normalised, priced),
        });
        expect(records.length).toBeGreaterThan(0);
        expect(phiIn(JSON.stringify(records)), `${kind} at ${level}`).toEqual([]);
        expect(JSON.stringify(records)).not.toContain(PHI.claimNumber);
      }
    });
  }
});
