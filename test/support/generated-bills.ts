/**
 * Generated bills for property tests (fast-check): professional bills with external values,
 * outpatient and surgery-centre bills built from the examples, and inpatient claims. Shared by the
 * explanation-level property (test/unit/engine/explain.test.ts) and the 835 property
 * (test/unit/x12/remit-835.property.test.ts). Codes only; no dollar figure here is an expectation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { REPO_ROOT } from '../../fee-data/paths.js';

/** Every example bill in examples/bills, by file name. */
export const EXAMPLE_BILLS = [
  'office-visit.json',
  'imaging-and-therapy.json',
  'no-edition.json',
  'claim-837p.json',
  'facility-outpatient.json',
  'facility-asc.json',
  'facility-inpatient-837i.json',
] as const;

/** One of the example bills in examples/bills, parsed. */
export function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples/bills', name), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A money string from 0.00 to max cents. */
export const money = (max: number) => fc.integer({ min: 0, max }).map((c) => (c / 100).toFixed(2));

const reason = { groupCode: 'CO', carc: '45' };

/** External values of the three kinds decision 006 names: replace, add (a reduction) and override. */
export const externalValue = fc.oneof(
  fc.record({
    bucket: fc.constantFrom('ppo', 'negotiated', 'customer'),
    mode: fc.constant('replace'),
    percent: fc.integer({ min: 0, max: 100 }).map(String),
  }),
  fc.record({
    bucket: fc.constantFrom('adjuster', 'ur'),
    mode: fc.constant('add'),
    amount: money(5_000).map((a) => `-${a}`),
  }),
  fc.record({ bucket: fc.constant('negotiated'), mode: fc.constant('override'), amount: money(50_000) }),
);

/** A professional line: common codes, modifiers, dates in and out of our editions, a value or none. */
export const professionalLine = fc.record({
  code: fc.constantFrom(
    '99213',
    '97110',
    '97140',
    '72148',
    '20610',
    '64483',
    '99080',
    '64999',
    '36415',
    'E0114',
  ),
  modifiers: fc.subarray(['26', 'TC', '59', '25', '50', 'RR'], { maxLength: 3 }),
  dateOfService: fc.constantFrom('2019-03-01', '2025-03-04', '2025-03-05', '2026-02-02'),
  units: fc.integer({ min: 1, max: 4 }),
  charge: money(200_000),
  placeOfService: fc.constantFrom('11', '22'),
  externalValues: fc.array(
    externalValue.map((x) => ({ ...x, source: 'vendor', reason })),
    { maxLength: 1 },
  ),
});

/** A professional bill of one to eight generated lines in one of six jurisdictions. */
export const professionalBill = fc.record({
  jurisdiction: fc.constantFrom('US-MEDICARE', 'AZ', 'NC', 'TX', 'CA', 'GA'),
  serviceFacility: fc.constantFrom({ zip: '19901' }, { zip: '85001' }, { zip: '27601' }, { zip: '94105' }),
  lines: fc.array(professionalLine, { minLength: 1, maxLength: 8 }),
});

/** The facility examples with their lines chosen, charged and counted by the generator. */
export const facilityBill = fc
  .tuple(
    fc.constantFrom('facility-outpatient.json', 'facility-asc.json'),
    fc.constantFrom('US-MEDICARE', 'GA', 'NC', 'TX', 'CA', 'OH'),
    fc.array(fc.record({ pick: fc.nat(), charge: money(1_000_000), units: fc.integer({ min: 1, max: 3 }) }), {
      minLength: 1,
      maxLength: 8,
    }),
  )
  .map(([name, jurisdiction, picks]) => {
    const bill = example(name);
    const lines = bill.lines as Record<string, unknown>[];
    return {
      ...bill,
      jurisdiction,
      lines: picks.map((p, i) => ({
        ...(lines[p.pick % lines.length] as object),
        lineNumber: i + 1,
        charge: p.charge,
        units: p.units,
      })),
    };
  });

/** The inpatient example claim with generated charges in one of four jurisdictions. */
export const inpatientClaim = fc
  .tuple(
    fc.constantFrom('US-MEDICARE', 'GA', 'NC', 'TX'),
    fc.array(money(5_000_000), { minLength: 4, maxLength: 4 }),
  )
  .map(([jurisdiction, charges]) => {
    const claim = example('facility-inpatient-837i.json') as {
      claimInformation: { serviceLines: { institutionalService: Record<string, unknown> }[] };
    };
    return {
      ...claim,
      jurisdiction,
      claimInformation: {
        ...claim.claimInformation,
        serviceLines: claim.claimInformation.serviceLines.map((l, i) => ({
          ...l,
          institutionalService: { ...l.institutionalService, lineItemChargeAmount: charges[i] },
        })),
      },
    };
  });
