import { type EnvelopeOptions, interchange, segment, x12Date } from '../../lambdas/x12/write.js';

/**
 * Builds 837P interchanges (005010X222A1) for tests and the bench, with the project's own X12
 * writer. The claims are workers' compensation claims as the companion guides lay them out: the
 * employer as subscriber in 2000B with SBR09 "WC", the injured worker as patient in 2000C (with the
 * property and casualty claim number, REF*Y4), CLM11 "EM" with the state, the accident date
 * DTP*439. Names and numbers are made up. Two entry points share one writer of the loops:
 * {@link build837} from bills in our JSON shape (the same bills priced as JSON and as X12 must give
 * the same amounts), and {@link professional837} from claims spelt out for the reader's tests.
 */

/** A party of the 837 (billing provider, payer, service facility) with its address. */
interface Party837 {
  readonly name: string;
  readonly id?: string;
  readonly street?: string;
  readonly city?: string;
  readonly state?: string;
  readonly zip?: string;
  readonly taxId?: string;
}

/** One 2400 service line as written. */
interface Line837 {
  readonly number: string;
  readonly code: string;
  readonly modifiers: readonly string[];
  readonly charge: string;
  readonly units: string;
  readonly placeOfService: string;
  /** CCYYMMDD. */
  readonly date: string;
  readonly authorization?: string;
  readonly renderingNpi?: string;
}

/** One 2300 claim as written. */
interface Claim837 {
  readonly id: string;
  readonly placeOfService: string;
  readonly state?: string;
  /** DTP*439, CCYYMMDD. */
  readonly accidentDate: string;
  readonly authorization?: string;
  readonly facility?: Party837;
  readonly lines: readonly Line837[];
}

/** One billing provider's 2000A, its subscriber (2000B) and patient (2000C), and their claims. */
interface Hierarchy837 {
  readonly provider: Party837;
  readonly payer: Party837;
  readonly subscriber: { readonly group: string; readonly employer: string };
  readonly patient: {
    readonly lastName: string;
    readonly firstName: string;
    readonly memberId?: string;
    readonly street: string;
    readonly zip: string;
    readonly birthDate: string;
    readonly sex: string;
    readonly claimNumber?: string;
  };
  readonly claims: readonly Claim837[];
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

function address(p: Party837): string[] {
  return p.street === undefined
    ? []
    : [segment('N3', p.street), segment('N4', p.city ?? 'DOVER', p.state ?? 'DE', p.zip ?? '19901')];
}

/** The 2000A/B/C loops of one hierarchy and its claims, HL ids from `hl` up. */
function hierarchySegments(h: Hierarchy837, hl: number): string[] {
  const p = h.patient;
  const out = [
    segment('HL', String(hl), '', '20', '1'),
    segment('NM1', '85', '2', h.provider.name, '', '', '', '', 'XX', h.provider.id),
    ...address(h.provider),
    segment('REF', 'EI', h.provider.taxId),
    segment('HL', String(hl + 1), String(hl), '22', '1'),
    segment('SBR', 'P', '', h.subscriber.group, '', '', '', '', '', 'WC'),
    segment('NM1', 'IL', '2', h.subscriber.employer),
    segment('NM1', 'PR', '2', h.payer.name, '', '', '', '', 'PI', h.payer.id),
    ...address(h.payer),
    segment('HL', String(hl + 2), String(hl + 1), '23', '0'),
    segment('PAT', '20'),
    segment('NM1', 'QC', '1', p.lastName, p.firstName, '', '', '', p.memberId && 'MI', p.memberId),
    segment('N3', p.street),
    segment('N4', 'DOVER', 'DE', p.zip),
    segment('DMG', 'D8', p.birthDate, p.sex),
  ];
  if (p.claimNumber !== undefined) out.push(segment('REF', 'Y4', p.claimNumber));
  for (const claim of h.claims) {
    const total = claim.lines.reduce((sum, l) => sum + cents(l.charge), 0);
    out.push(
      segment(
        'CLM',
        claim.id,
        (total / 100).toFixed(2),
        '',
        '',
        [claim.placeOfService, 'B', '1'],
        'Y',
        'A',
        'Y',
        'Y',
        '',
        claim.state === undefined ? undefined : ['EM', '', '', claim.state],
      ),
      segment('DTP', '439', 'D8', claim.accidentDate),
    );
    if (claim.authorization !== undefined) out.push(segment('REF', 'G1', claim.authorization));
    out.push(segment('HI', ['ABK', 'S83241A']));
    if (claim.facility !== undefined) {
      out.push(
        segment('NM1', '77', '2', claim.facility.name, '', '', '', '', 'XX', claim.facility.id),
        ...address(claim.facility),
      );
    }
    for (const line of claim.lines) {
      out.push(
        segment('LX', line.number),
        segment(
          'SV1',
          ['HC', line.code, ...line.modifiers],
          line.charge,
          'UN',
          line.units,
          line.placeOfService,
          '',
          '1',
        ),
        segment('DTP', '472', 'D8', line.date),
      );
      if (line.authorization !== undefined) out.push(segment('REF', 'G1', line.authorization));
      if (line.renderingNpi !== undefined) {
        out.push(segment('NM1', '82', '1', 'RENDERING', 'DOCTOR', '', '', '', 'XX', line.renderingNpi));
      }
    }
  }
  return out;
}

/** One transaction set: the header loops (BHT, 1000A submitter, 1000B receiver), then each hierarchy. */
function setSegments(reference: string, date: string, hierarchies: readonly Hierarchy837[]): string[] {
  const out = [
    segment('BHT', '0019', '00', reference, date, '1200', 'CH'),
    segment('NM1', '41', '2', 'TEST SUBMITTER', '', '', '', '', '46', 'SUBMITTER1'),
    segment('PER', 'IC', 'EDI DESK', 'TE', '3025550100'),
    segment('NM1', '40', '2', 'WCBR', '', '', '', '', '46', 'WCBR'),
  ];
  hierarchies.forEach((h, i) => {
    out.push(...hierarchySegments(h, i * 3 + 1));
  });
  return out;
}

/** The professional bill fields {@link build837} writes (a subset of BillSchema). */
export interface Bill837Input {
  readonly billId?: string;
  readonly placeOfService?: string;
  readonly serviceFacility?: { readonly npi?: string; readonly zip?: string };
  readonly billingProvider?: { readonly npi?: string; readonly zip?: string; readonly taxId?: string };
  readonly lines: readonly {
    readonly lineNumber?: number;
    readonly code: string;
    readonly modifiers?: readonly string[];
    readonly dateOfService: string;
    readonly units?: number;
    readonly charge: string;
    readonly placeOfService?: string;
    readonly priorAuthorization?: string;
    readonly renderingProviderNpi?: string;
  }[];
}

/** What the claims of {@link build837} say beyond the bills. */
export interface Build837Options {
  /** CLM11-4: the state whose workers' compensation law applies; omitted when undefined. */
  readonly state?: string;
  /** REF*Y4 of each claim, by its index; omitted when undefined. */
  readonly claimNumber?: (index: number) => string | undefined;
  /** Claims per transaction set (ST/SE); all in one when undefined. */
  readonly claimsPerSet?: number;
  /** ISA15: T test (default) or P production. */
  readonly usage?: 'P' | 'T';
  /** The patient's name, member id, birth date (CCYYMMDD) and street; made-up test values otherwise. */
  readonly patient?: {
    readonly lastName: string;
    readonly firstName: string;
    readonly memberId?: string;
    readonly birthDate?: string;
    readonly street?: string;
  };
}

/** One bill as its own 2000A/B/C hierarchy and claim. */
function hierarchyOfBill(bill: Bill837Input, ordinal: number, options: Build837Options): Hierarchy837 {
  const zip = bill.billingProvider?.zip ?? bill.serviceFacility?.zip ?? '19901';
  const facility = bill.serviceFacility;
  return {
    provider: {
      name: 'BILLING PROVIDER',
      id: bill.billingProvider?.npi ?? '1234567893',
      street: '1 MAIN STREET',
      zip,
      taxId: bill.billingProvider?.taxId ?? '123456789',
    },
    payer: { name: 'EXAMPLE WC CARRIER', id: '99999' },
    subscriber: { group: 'EMPLOYER GROUP', employer: 'ACME EMPLOYER' },
    patient: {
      lastName: options.patient?.lastName ?? 'TESTPATIENT',
      firstName: options.patient?.firstName ?? `CLAIMANT${ordinal + 1}`,
      ...(options.patient?.memberId === undefined ? {} : { memberId: options.patient.memberId }),
      street: options.patient?.street ?? '2 TEST ROAD',
      zip,
      birthDate: options.patient?.birthDate ?? '19800101',
      sex: 'U',
      ...(options.claimNumber?.(ordinal) === undefined ? {} : { claimNumber: options.claimNumber(ordinal) }),
    },
    claims: [
      {
        id: bill.billId ?? `CLAIM${ordinal + 1}`,
        placeOfService: bill.placeOfService ?? bill.lines[0]?.placeOfService ?? '11',
        ...(options.state === undefined ? {} : { state: options.state }),
        accidentDate: x12Date(bill.lines[0]?.dateOfService ?? '2025-01-01'),
        ...(facility?.zip === undefined
          ? {}
          : {
              facility: {
                name: 'SERVICE FACILITY',
                id: facility.npi ?? '1234567893',
                street: '3 CLINIC WAY',
                zip: facility.zip,
              },
            }),
        lines: bill.lines.map((line, i) => ({
          number: String(line.lineNumber ?? i + 1),
          code: line.code,
          modifiers: line.modifiers ?? [],
          charge: line.charge,
          units: String(line.units ?? 1),
          placeOfService: line.placeOfService ?? '',
          date: x12Date(line.dateOfService),
          ...(line.priorAuthorization === undefined ? {} : { authorization: line.priorAuthorization }),
          ...(line.renderingProviderNpi === undefined ? {} : { renderingNpi: line.renderingProviderNpi }),
        })),
      },
    ],
  };
}

const envelope = (
  sender: string,
  receiver: string,
  controlNumbers: [number, number],
  version: string,
  usage: 'P' | 'T',
  at: string,
): EnvelopeOptions => ({
  sender: { qualifier: 'ZZ', id: sender },
  receiver: { qualifier: 'ZZ', id: receiver },
  interchangeControlNumber: controlNumbers[0],
  groupControlNumber: controlNumbers[1],
  functionalIdentifier: 'HC',
  version,
  usage,
  at: new Date(at),
});

/**
 * An 837P interchange holding one claim per bill, each in its own provider/subscriber/patient
 * hierarchy.
 *
 * @param bills - professional bills in our JSON shape
 * @param options - the state, claim numbers, claims per transaction set, usage, patient
 * @returns the interchange text
 * @example build837([tenLineBill()], { state: 'DE' })
 */
export function build837(bills: readonly Bill837Input[], options: Build837Options = {}): string {
  const perSet = options.claimsPerSet ?? Math.max(1, bills.length);
  const sets = [];
  for (let start = 0, n = 1; start < bills.length; start += perSet, n++) {
    const hierarchies = bills
      .slice(start, start + perSet)
      .map((bill, i) => hierarchyOfBill(bill, start + i, options));
    sets.push({
      id: '837',
      controlNumber: String(n).padStart(4, '0'),
      implementation: '005010X222A1',
      segments: setSegments(`BATCH${n}`, '20250310', hierarchies),
    });
  }
  return interchange(
    envelope('SUBMITTER1', 'WCBR', [1, 1], '005010X222A1', options.usage ?? 'T', '2025-03-10T12:00:00Z'),
    sets,
  );
}

/** A line of {@link professional837}: units as the 837 writes them, date CCYYMMDD (default 20250304). */
export interface BuiltLine {
  readonly code: string;
  readonly charge: string;
  readonly units?: string;
  readonly date?: string;
  readonly modifiers?: readonly string[];
  readonly authorization?: string;
}

/** A claim of {@link professional837}: its CLM01, CLM11-4 state, lines and claim-level REF*G1. */
export interface BuiltClaim {
  readonly id: string;
  readonly state?: string;
  readonly lines: readonly BuiltLine[];
  readonly authorization?: string;
}

/** The one Delaware provider, carrier and injured worker every claim of {@link professional837} shares. */
const DELAWARE: Omit<Hierarchy837, 'claims'> = {
  provider: {
    name: 'DOVER ORTHOPAEDICS',
    id: '1609948736',
    street: '1 STATE ST',
    zip: '199013022',
    taxId: '510000001',
  },
  payer: { name: 'FIRST STATE MUTUAL', id: 'FSM01', street: 'PO BOX 1', city: 'WILMINGTON', zip: '19801' },
  subscriber: { group: '', employer: 'ACME WIDGETS' },
  patient: {
    lastName: 'WORKER',
    firstName: 'PAT',
    street: '2 MAIN ST',
    zip: '19901',
    birthDate: '19800101',
    sex: 'F',
    claimNumber: 'WC-2025-0001',
  },
};

/**
 * A whole 837P interchange of the sets given (each a list of claims under one provider, carrier
 * and patient), for the reader's tests: sets numbered from 1001, from CLEARINGHOUSE to PAYER.
 *
 * @param sets - the claims of each transaction set
 * @param guide - GS08 and ST03
 * @returns the interchange text
 */
export function professional837(sets: readonly (readonly BuiltClaim[])[], guide = '005010X222A1'): string {
  return interchange(
    envelope('CLEARINGHOUSE', 'PAYER', [101, 7], guide, 'T', '2025-03-05T12:00:00Z'),
    sets.map((claims, i) => ({
      id: '837',
      controlNumber: String(1001 + i),
      implementation: guide,
      segments: setSegments('B1', '20250305', [
        {
          ...DELAWARE,
          claims: claims.map((c) => ({
            id: c.id,
            placeOfService: '11',
            ...(c.state === undefined ? {} : { state: c.state }),
            accidentDate: '20250220',
            ...(c.authorization === undefined ? {} : { authorization: c.authorization }),
            lines: c.lines.map((l, n) => ({
              number: String(n + 1),
              code: l.code,
              modifiers: l.modifiers ?? [],
              charge: l.charge,
              units: l.units ?? '1',
              placeOfService: '',
              date: l.date ?? '20250304',
              ...(l.authorization === undefined ? {} : { authorization: l.authorization }),
            })),
          })),
        },
      ]),
    })),
  );
}
