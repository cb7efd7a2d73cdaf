/**
 * HIPAA Safe Harbor de-identification of a stored Recon sequence (45 CFR § 164.514(b)(2)). The
 * sequences are built the way the workflow seals them: the bill as sent, its priced form by the
 * engine on the sample index, and the delta. The restricted ZIP3s are the ones HHS lists ("Guidance
 * Regarding Methods for De-identification of PHI", November 26, 2012, § 3.4), typed here from the
 * guidance, not read from the module under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGE_90_OR_OLDER,
  DeidentificationError,
  type DeidentifiedRecord,
  deidentifySequence,
  pseudonymDerivedFrom,
  SAFE_HARBOR_RESTRICTED_ZIP3,
} from '../../../lambdas/app/recon/deidentify.js';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { priceBill } from '../../../lambdas/engine/price-bill.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { reconDelta } from '../../../lambdas/engine/recon/delta.js';
import { sampleIndex } from '../../support/fee-index.js';

const index = sampleIndex();

/** HHS guidance § 3.4: the 17 three-digit ZIP codes of 20,000 people or fewer (2000 Census). */
const HHS_RESTRICTED = [
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
];

const PSEUDONYM = '5b1f3c9e-0d7a-4a57-9a43-6f0f2a4e8c11';

interface Identifiers {
  firstName: string;
  lastName: string;
  memberId: string;
  ssn: string;
  line1: string;
  line2: string;
  city: string;
  claimNumber: string;
  employerName: string;
  employerLine1: string;
  controlNumber: string;
  billId: string;
  npi: string;
  providerName: string;
  taxId: string;
  priorAuthorization: string;
  payerName: string;
}

const IDENTIFIERS: Identifiers = {
  firstName: 'Zebulon',
  lastName: 'Quixotefield',
  memberId: 'MBR-QX-884211',
  ssn: '078-05-1120',
  line1: '42 Larkspur Lane',
  line2: 'Apartment 7F',
  city: 'Dover',
  claimNumber: 'CLM-QX-55120',
  employerName: 'Larkspur Widgets LLC',
  employerLine1: '9 Foundry Road',
  controlNumber: 'CN-QX-0042',
  billId: 'BILL-QX-77',
  npi: '1234567893',
  providerName: 'Dr Ophelia Quill',
  taxId: '51-0123456',
  priorAuthorization: 'PA-QX-3141',
  payerName: 'Quill Mutual Casualty',
};

function bill(ids: Identifiers = IDENTIFIERS, patient: object = {}, extra: object = {}) {
  return {
    controlNumber: ids.controlNumber,
    sequence: 2,
    billId: ids.billId,
    jurisdiction: 'US-MEDICARE',
    receivedDate: '2025-03-11',
    payer: { name: ids.payerName, id: 'PAYER-QX' },
    serviceFacility: { zip: '19901', name: ids.providerName },
    billingProvider: { npi: ids.npi, zip: '19901-3022', name: ids.providerName, taxId: ids.taxId },
    renderingProvider: { npi: ids.npi, zip: '19904', name: ids.providerName },
    patient: {
      firstName: ids.firstName,
      lastName: ids.lastName,
      birthDate: '1961-07-19',
      memberId: ids.memberId,
      ssn: ids.ssn,
      address: { line1: ids.line1, line2: ids.line2, city: ids.city, state: 'DE', zip: '19901' },
      ...patient,
    },
    claim: {
      claimNumber: ids.claimNumber,
      injuryDate: '2025-02-20',
      employer: {
        name: ids.employerName,
        address: { line1: ids.employerLine1, city: ids.city, zip: '19901' },
      },
    },
    lines: [
      {
        lineNumber: 1,
        code: '99213',
        modifiers: ['25'],
        dateOfService: '2025-03-04',
        units: 1,
        charge: '80.00',
        renderingProviderNpi: ids.npi,
        priorAuthorization: ids.priorAuthorization,
      },
      {
        lineNumber: 2,
        code: '97110',
        dateOfService: '2025-03-05',
        units: 2,
        placeOfService: '11',
        charge: '90.00',
        externalValues: [
          {
            bucket: 'ppo',
            mode: 'add',
            percent: '-10',
            source: `PPO contract of ${ids.providerName}`,
            reason: { groupCode: 'CO', carc: '45', rarc: 'N381', stateCode: 'P1' },
          },
        ],
      },
    ],
    ...extra,
  };
}

function price(input: object): PricedBill {
  return priceBill(index, normaliseBill(input));
}

function content(input: object = bill(), priced: PricedBill = price(input), delta: unknown = null) {
  return {
    bill: input,
    priced,
    delta: delta ?? reconDelta(null, priced, null),
    storedAt: '2025-04-02T10:11:12.345Z',
    missingSequences: [],
  };
}

const BASE_PRICED = price(bill());
const BASE = content(bill(), BASE_PRICED);
const BASE_RECORD = deidentifySequence(BASE, { pseudonym: PSEUDONYM });
const BASE_JSON = JSON.stringify(BASE_RECORD);

/** Every string and number in a value, for checks that must not depend on JSON quoting. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) leaves(item, out);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) leaves(item, out);
  else if (typeof value === 'string' || typeof value === 'number') out.push(String(value));
  return out;
}

describe('deidentifySequence', () => {
  describe('removes the identifiers of § 164.514(b)(2)(i)', () => {
    it('(A) names: patient, employer, payer and providers', () => {
      for (const name of [
        IDENTIFIERS.firstName,
        IDENTIFIERS.lastName,
        IDENTIFIERS.employerName,
        IDENTIFIERS.payerName,
        IDENTIFIERS.providerName,
        'Ophelia',
        'Quill',
      ]) {
        expect(BASE_JSON).not.toContain(name);
      }
    });

    it('(B) street addresses and city; the state stays (it is not smaller than a state)', () => {
      for (const part of [
        IDENTIFIERS.line1,
        IDENTIFIERS.line2,
        IDENTIFIERS.employerLine1,
        IDENTIFIERS.city,
      ]) {
        expect(BASE_JSON).not.toContain(part);
      }
      expect(BASE_RECORD.patient.state).toBe('DE');
    });

    it('(C) dates: every date becomes its year; no full date is left anywhere', () => {
      expect(BASE_RECORD.serviceYears).toEqual({ first: 2025, last: 2025 });
      expect(BASE_RECORD.receivedYear).toBe(2025);
      expect(BASE_RECORD.storedYear).toBe(2025);
      expect(BASE_RECORD.claim).toEqual({ injuryYear: 2025 });
      expect(BASE_RECORD.patient.birthYear).toBe(1961);
      expect(BASE_RECORD.lines.map((l) => l.serviceYear)).toEqual([2025, 2025]);
      expect(BASE_RECORD.delta?.lines.map((l) => l.serviceYear)).toEqual([2025, 2025]);
      expect(BASE_JSON).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      for (const date of ['1961-07-19', '2025-03-04', '2025-03-05', '2025-02-20', '2025-03-11', '07-19']) {
        expect(BASE_JSON).not.toContain(date);
      }
    });

    it('(D)–(R) numbers: member id, SSN, claim number, control number, bill id, NPI, tax id, prior authorisation', () => {
      for (const id of [
        IDENTIFIERS.memberId,
        IDENTIFIERS.ssn,
        '078051120',
        IDENTIFIERS.claimNumber,
        IDENTIFIERS.controlNumber,
        IDENTIFIERS.billId,
        IDENTIFIERS.npi,
        IDENTIFIERS.taxId,
        IDENTIFIERS.priorAuthorization,
        'PAYER-QX',
      ]) {
        expect(BASE_JSON).not.toContain(id);
      }
    });

    it('replaces the control number by the pseudonym the caller supplies (§ 164.514(c))', () => {
      expect(BASE_RECORD.controlNumber).toBe(PSEUDONYM);
    });

    it('drops the Medicare locality and the free text of messages, explanations and value sources', () => {
      expect(BASE_JSON).not.toContain('DELAWARE');
      expect(BASE_JSON).not.toContain('locality');
      expect(BASE_JSON).not.toContain('PPO contract');
      expect(BASE_JSON).not.toContain('message');
      expect(BASE_JSON).not.toContain('explanation');
    });
  });

  describe('ages (§ 164.514(b)(2)(i)(C))', () => {
    const at = (birthDate: string, options: { referenceYear?: number } = {}) => {
      const input = bill(IDENTIFIERS, { birthDate });
      return deidentifySequence(content(input, BASE_PRICED), { pseudonym: PSEUDONYM, ...options }).patient;
    };

    it('states the age as of the year of the first date of service, by year', () => {
      // 2025 − 1961, whether or not the birthday (19 July) had come by 4 March.
      expect(at('1961-07-19')).toMatchObject({ age: 64, birthYear: 1961 });
      expect(at('1961-01-01')).toMatchObject({ age: 64, birthYear: 1961 });
    });

    it('keeps an age of 89 and its birth year', () => {
      expect(at('1936-12-31')).toMatchObject({ age: 89, birthYear: 1936 });
    });

    it('aggregates ages over 89 into "90+" and omits the birth year', () => {
      expect(at('1935-01-01')).toEqual({ age: AGE_90_OR_OLDER, birthYear: null, zip3: '199', state: 'DE' });
      expect(at('1901-06-30')).toMatchObject({ age: '90+', birthYear: null });
      expect(JSON.stringify(at('1935-01-01'))).not.toContain('1935');
    });

    it('aggregates when the year of release makes the patient 90 or older', () => {
      expect(at('1936-12-31', { referenceYear: 2026 })).toMatchObject({ age: '90+', birthYear: null });
    });

    it('gives no age without a birth date', () => {
      const input = bill(IDENTIFIERS, { birthDate: undefined });
      const patient = deidentifySequence(content(input, BASE_PRICED), { pseudonym: PSEUDONYM }).patient;
      expect(patient).toMatchObject({ age: null, birthYear: null });
    });
  });

  describe('ZIP codes (§ 164.514(b)(2)(i)(B))', () => {
    const zip3For = (zip: string) =>
      deidentifySequence(content(bill(IDENTIFIERS, { address: { zip } }), BASE_PRICED), {
        pseudonym: PSEUDONYM,
      }).patient.zip3;

    it('keeps the first three digits of a ZIP or ZIP+4', () => {
      expect(zip3For('19901')).toBe('199');
      expect(zip3For('94105-1234')).toBe('941');
      expect(zip3For('606011234')).toBe('606');
    });

    it('turns each restricted three-digit ZIP HHS lists into "000"', () => {
      expect([...SAFE_HARBOR_RESTRICTED_ZIP3].sort()).toEqual(HHS_RESTRICTED);
      for (const prefix of HHS_RESTRICTED) expect(zip3For(`${prefix}42`)).toBe('000');
      expect(zip3For('03701')).toBe('037');
    });

    it('reduces provider and pricing ZIPs the same way, and never keeps a ZIP5', () => {
      expect(BASE_RECORD.providers).toEqual({
        billingProvider: { zip3: '199' },
        renderingProvider: { zip3: '199' },
        serviceFacility: { zip3: '199' },
      });
      expect(BASE_RECORD.location).toEqual({ zip3: '199', source: 'serviceFacility' });
      for (const zip of ['19901', '19904', '3022']) expect(leaves(BASE_RECORD).join(' ')).not.toContain(zip);
    });

    it('applies a restricted set the caller passes (a newer Census)', () => {
      const record = deidentifySequence(BASE, { pseudonym: PSEUDONYM, restrictedZip3: new Set(['199']) });
      expect(record.patient.zip3).toBe('000');
      expect(record.location?.zip3).toBe('000');
    });

    it('drops a value that is not a ZIP', () => {
      expect(zip3For('Dover DE')).toBeNull();
    });
  });

  describe('keeps what analytics needs', () => {
    it('jurisdiction, sequence, codes, modifiers, units, place of service and money per line', () => {
      expect(BASE_RECORD).toMatchObject({
        schema: 'wcbr.recon.deidentified/1',
        sequence: 2,
        jurisdiction: 'US-MEDICARE',
        billType: 'professional',
        billFormat: 'bill',
        missingSequences: [],
      });
      const [first, second] = BASE_RECORD.lines;
      const pricedLines = BASE_PRICED.lines;
      expect(first).toMatchObject({
        lineNumber: 1,
        code: '99213',
        modifiers: ['25'],
        units: 1,
        placeOfService: '11',
        status: pricedLines[0]?.status,
        billed: '80.00',
        allowed: pricedLines[0]?.allowed,
        withheld: pricedLines[0]?.withheld,
        buckets: pricedLines[0]?.buckets,
      });
      expect(second).toMatchObject({ lineNumber: 2, code: '97110', units: 2, billed: '90.00' });
      expect(second?.feeSchedule).toEqual({
        method: pricedLines[1]?.feeSchedule?.method,
        unitAmount: pricedLines[1]?.feeSchedule?.unitAmount,
        amount: pricedLines[1]?.feeSchedule?.amount,
        edition: pricedLines[1]?.feeSchedule?.edition,
        setting: pricedLines[1]?.feeSchedule?.setting,
      });
    });

    it('adjustment reason codes (internal, CARC, group, RARC, state) with amounts, and rule decisions', () => {
      const line = BASE_PRICED.lines[1];
      expect(BASE_RECORD.lines[1]?.adjustments).toEqual(
        line?.adjustments.map((a) => ({
          bucket: a.bucket,
          amount: a.amount,
          internalCode: a.internalCode,
          groupCode: a.groupCode,
          carc: a.carc,
          rarc: a.rarc ?? null,
          stateCode: a.stateCode ?? null,
        })),
      );
      expect(BASE_RECORD.lines[1]?.adjustments).toContainEqual(
        expect.objectContaining({
          bucket: 'ppo',
          groupCode: 'CO',
          carc: '45',
          rarc: 'N381',
          stateCode: 'P1',
        }),
      );
      expect(BASE_RECORD.lines[0]?.rules).toEqual(
        BASE_PRICED.lines[0]?.rules.map((r) => ({ rule: r.rule, decision: r.decision })),
      );
    });

    it('the totals and the delta totals', () => {
      const t = BASE_PRICED.totals;
      expect(BASE_RECORD.totals).toEqual({
        billed: t.billed,
        allowed: t.allowed,
        withheld: t.withheld,
        withheldByBucket: t.withheldByBucket,
        buckets: t.buckets,
        unpricedBilled: t.unpricedBilled,
        lines: t.lines,
        pricedLines: t.pricedLines,
        deniedLines: t.deniedLines,
        unpricedLines: t.unpricedLines,
      });
      const d = reconDelta(null, BASE_PRICED, null);
      expect(BASE_RECORD.delta).toMatchObject({
        againstSequence: null,
        counts: d.counts,
        totals: d.totals,
        total: d.total,
        direction: d.direction,
        additionalAmountDue: d.additionalAmountDue,
        overpayment: d.overpayment,
      });
    });

    it('a delta against a prior sequence, line by line', () => {
      const prior = price(bill(IDENTIFIERS, {}, { lines: [bill().lines[0]] }));
      const delta = reconDelta(prior, BASE_PRICED, 1);
      const record = deidentifySequence(
        { ...content(bill(), BASE_PRICED, delta), missingSequences: [] },
        {
          pseudonym: PSEUDONYM,
          sequence: 2,
          latest: true,
        },
      );
      expect(record).toMatchObject({ sequence: 2, latest: true });
      expect(record.delta).toMatchObject({
        againstSequence: 1,
        total: delta.total,
        direction: delta.direction,
      });
      expect(record.delta?.lines.map((l) => [l.match, l.code, l.allowed?.change])).toEqual(
        delta.lines.map((l) => [l.match, l.code, l.allowed.change]),
      );
    });
  });

  describe('837P claims', () => {
    const claim = {
      controlNumber: IDENTIFIERS.controlNumber,
      sequence: 1,
      jurisdiction: 'US-MEDICARE',
      subscriber: {
        memberId: IDENTIFIERS.memberId,
        firstName: IDENTIFIERS.firstName,
        lastName: IDENTIFIERS.lastName,
        dateOfBirth: '19610719',
        address: {
          address1: IDENTIFIERS.line1,
          city: IDENTIFIERS.city,
          state: 'DE',
          postalCode: '199013022',
        },
      },
      providers: [
        { providerType: 'BillingProvider', npi: IDENTIFIERS.npi, address: { postalCode: '199013022' } },
      ],
      claimInformation: {
        patientControlNumber: IDENTIFIERS.billId,
        placeOfServiceCode: '11',
        serviceFacilityLocation: { address: { postalCode: '199013022' } },
        serviceLines: [
          {
            serviceDate: '20250304',
            professionalService: {
              procedureIdentifier: 'HC',
              lineItemChargeAmount: '209',
              procedureCode: '99214',
              measurementUnit: 'UN',
              serviceUnitCount: '1',
            },
          },
        ],
      },
    };

    it('reads the subscriber (or the dependent, when the patient is not the subscriber)', () => {
      const record = deidentifySequence(content(claim), { pseudonym: PSEUDONYM });
      expect(record).toMatchObject({
        billFormat: '837p',
        patient: { age: 64, birthYear: 1961, zip3: '199', state: 'DE' },
        serviceYears: { first: 2025, last: 2025 },
      });
      const json = JSON.stringify(record);
      for (const id of Object.values(IDENTIFIERS)) expect(json).not.toContain(id);
      for (const part of ['19610719', '20250304', '199013022', '19901']) expect(json).not.toContain(part);

      const dependent = {
        ...claim,
        dependent: { firstName: 'Ida', dateOfBirth: '20100102', address: { postalCode: '82101' } },
      };
      expect(deidentifySequence(content(dependent), { pseudonym: PSEUDONYM }).patient).toMatchObject({
        age: 15,
        birthYear: 2010,
        zip3: '000',
      });
    });
  });

  describe('whitelist: unknown fields never appear', () => {
    const MARKER = 'UNKNOWN-FIELD-MARKER-93172';

    it('extra fields at every level of the bill, the priced bill and the delta', () => {
      const input = bill(
        IDENTIFIERS,
        { favouriteColour: MARKER, address: { zip: '19901', county: MARKER } },
        { notes: MARKER, employerPhone: MARKER },
      );
      const priced = {
        ...BASE_PRICED,
        secret: MARKER,
        totals: { ...BASE_PRICED.totals, note: MARKER },
        lines: BASE_PRICED.lines.map((line) => ({
          ...line,
          patientName: MARKER,
          feeSchedule: line.feeSchedule && { ...line.feeSchedule, provider: MARKER },
          adjustments: line.adjustments.map((a) => ({ ...a, memo: MARKER })),
          rules: line.rules.map((r) => ({ ...r, detail: MARKER })),
        })),
      } as unknown as PricedBill;
      const delta = { ...reconDelta(null, BASE_PRICED, null), comment: MARKER };
      const json = JSON.stringify(
        deidentifySequence({ ...content(input, priced, delta), extra: MARKER }, { pseudonym: PSEUDONYM }),
      );
      expect(json).not.toContain(MARKER);
      expect(json).not.toContain('favouriteColour');
      expect(json).not.toContain('patientName');
    });

    it('free text in a kept field is dropped, not copied (fields keep only their format)', () => {
      const priced = {
        ...BASE_PRICED,
        jurisdiction: { ...BASE_PRICED.jurisdiction, id: `Patient ${IDENTIFIERS.lastName}` },
        lines: BASE_PRICED.lines.map((line) => ({
          ...line,
          code: IDENTIFIERS.lastName,
          modifiers: [IDENTIFIERS.firstName],
          billed: IDENTIFIERS.ssn,
        })),
      } as unknown as PricedBill;
      const record = deidentifySequence(content(bill(), priced, reconDelta(null, BASE_PRICED, null)), {
        pseudonym: PSEUDONYM,
      });
      expect(record.jurisdiction).toBeNull();
      expect(record.lines[0]).toMatchObject({ code: null, modifiers: [], billed: null });
      const json = JSON.stringify(record);
      for (const id of [IDENTIFIERS.lastName, IDENTIFIERS.firstName, IDENTIFIERS.ssn])
        expect(json).not.toContain(id);
    });

    it('gives nulls, not an error, for content of another shape', () => {
      const record = deidentifySequence('not a sequence', { pseudonym: PSEUDONYM });
      expect(record).toMatchObject({
        controlNumber: PSEUDONYM,
        sequence: null,
        lines: [],
        totals: null,
        delta: null,
      });
    });

    it('property: arbitrary extra keys and values anywhere never reach the output', () => {
      const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__');
      const marker = fc.string({ minLength: 12, maxLength: 40 }).map((s) => `XQ${s}QX`);
      fc.assert(
        fc.property(
          fc.dictionary(key, marker, { minKeys: 1, maxKeys: 4 }),
          fc.integer({ min: 0, max: 5 }),
          (extra, where) => {
            const input = structuredClone(bill()) as Record<string, unknown> & {
              patient: object;
              lines: object[];
            };
            const priced = structuredClone(BASE_PRICED) as unknown as Record<string, unknown> & {
              lines: object[];
            };
            const targets: object[] = [
              input,
              input.patient,
              input.lines[0] as object,
              priced,
              priced.lines[1] as object,
            ];
            const target = targets[where % targets.length] as Record<string, unknown>;
            for (const [k, value] of Object.entries(extra))
              Object.defineProperty(target, k, {
                value,
                enumerable: true,
                writable: true,
                configurable: true,
              });
            const delta = where === 5 ? { ...reconDelta(null, BASE_PRICED, null), ...extra } : null;
            const json = JSON.stringify(
              deidentifySequence(content(input, priced as unknown as PricedBill, delta), {
                pseudonym: PSEUDONYM,
              }),
            );
            for (const value of Object.values(extra)) expect(json).not.toContain(value);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('property: no identifier of the input appears in the output', () => {
    // Strings that can appear in any record whatever the patient (keys, codes, amounts) are not
    // leaks: a generated identifier that happens to be one is skipped (fc.pre), so each run tests
    // a value that could only be in the output by leaking.
    const noise = fc.string({ minLength: 5, maxLength: 30 });
    const identifiers = fc.record<Identifiers>({
      firstName: noise,
      lastName: noise,
      memberId: noise,
      ssn: fc.stringMatching(/^\d{3}-\d{2}-\d{4}$/),
      line1: noise,
      line2: noise,
      city: noise,
      claimNumber: noise,
      employerName: noise,
      employerLine1: noise,
      controlNumber: fc.stringMatching(/^[A-Za-z0-9._-]{6,64}$/),
      billId: noise,
      npi: fc.stringMatching(/^\d{10}$/),
      providerName: noise,
      taxId: fc.stringMatching(/^\d{2}-\d{7}$/),
      priorAuthorization: noise,
      payerName: noise,
    });
    const day = fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2025-03-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    const zip = fc.stringMatching(/^\d{5}$/);

    it('names, addresses, numbers, full dates and ZIP5s', () => {
      fc.assert(
        fc.property(
          identifiers,
          day,
          day,
          zip,
          zip,
          (ids, birthDate, serviceDate, patientZip, providerZip) => {
            const texts = Object.values(ids);
            for (const value of [...texts, birthDate, serviceDate, patientZip, providerZip]) {
              fc.pre(!BASE_JSON.includes(value) && !PSEUDONYM.includes(value));
            }
            const input = bill(ids, {
              birthDate,
              address: { line1: ids.line1, line2: ids.line2, city: ids.city, zip: patientZip },
            });
            // The priced bill repeats the providers and the bill id as sent, and the dates of service.
            const priced: PricedBill = {
              ...BASE_PRICED,
              billId: ids.billId,
              parties: {
                payer: { name: ids.payerName, id: ids.memberId },
                billingProvider: { npi: ids.npi, taxId: ids.taxId, name: ids.providerName, zip: providerZip },
                renderingProvider: { npi: ids.npi, name: ids.providerName, zip: providerZip },
                serviceFacility: { name: ids.providerName, zip: providerZip },
              },
              location: { zip: providerZip, source: 'serviceFacility' },
              dates: { firstService: serviceDate, lastService: serviceDate, received: serviceDate },
              lines: BASE_PRICED.lines.map((line) => ({ ...line, dateOfService: serviceDate })),
            };
            const record: DeidentifiedRecord = deidentifySequence(content(input, priced), {
              pseudonym: PSEUDONYM,
            });
            const json = JSON.stringify(record);
            for (const value of texts) expect(json).not.toContain(value);
            for (const value of [birthDate, serviceDate, patientZip, providerZip]) {
              expect(leaves(record).some((leaf) => leaf.includes(value))).toBe(false);
            }
            expect(json).not.toMatch(/\d{4}-\d{2}-\d{2}/);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('pseudonyms', () => {
    it('refuses an empty pseudonym', () => {
      expect(() => deidentifySequence(BASE, { pseudonym: ' ' })).toThrow(DeidentificationError);
    });

    it('refuses a pseudonym derived from the control number or the bill id', () => {
      expect(() => deidentifySequence(BASE, { pseudonym: IDENTIFIERS.controlNumber })).toThrow(
        DeidentificationError,
      );
      expect(() => deidentifySequence(BASE, { pseudonym: `x-${IDENTIFIERS.billId}` })).toThrow(
        /must not be derived/,
      );
    });
  });
});

describe('pseudonymDerivedFrom', () => {
  it('takes a short identifier inside a random pseudonym as chance, not derivation (control number "7")', () => {
    const record = deidentifySequence(content(bill({ ...IDENTIFIERS, controlNumber: '7', billId: '7' })), {
      pseudonym: '7b7c7d7e-0000-4000-8000-000000000007',
    });
    expect(record.controlNumber).toBe('7b7c7d7e-0000-4000-8000-000000000007');
    expect(pseudonymDerivedFrom('7b7c7d7e-0000-4000-8000-000000000007', '7')).toBe(false);
  });

  it('still refuses the identifier itself, in any case, and a long identifier inside the pseudonym', () => {
    expect(pseudonymDerivedFrom('7', '7')).toBe(true);
    expect(pseudonymDerivedFrom('cn-qx-0042', 'CN-QX-0042')).toBe(true);
    expect(pseudonymDerivedFrom(`p-${'BILL-QX-77'}-1`, 'BILL-QX-77')).toBe(true);
    expect(pseudonymDerivedFrom('a1b2c3d4-0000', 'A1B2C3D4')).toBe(true);
    expect(pseudonymDerivedFrom('a1b2c3d-0000', 'A1B2C3D')).toBe(false);
  });
});
