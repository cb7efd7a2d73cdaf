import { interchange, segment, x12Date } from '../../lambdas/x12/write.js';

/**
 * Builds 837P interchanges (005010X222A1) from professional bills in our JSON shape, for tests and
 * the bench: the same bills priced as JSON and as X12 must give the same amounts. The claims are
 * workers' compensation claims as the companion guides lay them out (the employer as subscriber in
 * 2000B with SBR09 "WC", the injured worker as patient in 2000C, CLM11 "EM" with the state, the
 * accident date DTP*439, the property and casualty claim number REF*Y4). The patient's name and
 * numbers are made up and marked as such.
 */

/** The professional bill fields this builder writes (a subset of BillSchema). */
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

/** What the claims say beyond the bills. */
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

const cents = (amount: string) => Math.round(Number(amount) * 100);
const money = (c: number) => (c / 100).toFixed(2);

function claimSegments(
  bill: Bill837Input,
  index: number,
  ordinal: number,
  options: Build837Options,
): string[] {
  const total = bill.lines.reduce((sum, l) => sum + cents(l.charge), 0);
  const zip = bill.billingProvider?.zip ?? bill.serviceFacility?.zip ?? '19901';
  const out = [
    segment('HL', String(index * 3 + 1), '', '20', '1'),
    segment(
      'NM1',
      '85',
      '2',
      'BILLING PROVIDER',
      '',
      '',
      '',
      '',
      'XX',
      bill.billingProvider?.npi ?? '1234567893',
    ),
    segment('N3', '1 MAIN STREET'),
    segment('N4', 'DOVER', 'DE', zip),
    segment('REF', 'EI', bill.billingProvider?.taxId ?? '123456789'),
    segment('HL', String(index * 3 + 2), String(index * 3 + 1), '22', '1'),
    segment('SBR', 'P', '', 'EMPLOYER GROUP', '', '', '', '', '', 'WC'),
    segment('NM1', 'IL', '2', 'ACME EMPLOYER'),
    segment('NM1', 'PR', '2', 'EXAMPLE WC CARRIER', '', '', '', '', 'PI', '99999'),
    segment('HL', String(index * 3 + 3), String(index * 3 + 2), '23', '0'),
    segment('PAT', '20'),
    // Made-up patient: a test name, not a person.
    segment('NM1', 'QC', '1', 'TESTPATIENT', `CLAIMANT${ordinal + 1}`),
    segment('N3', '2 TEST ROAD'),
    segment('N4', 'DOVER', 'DE', zip),
    segment('DMG', 'D8', '19800101', 'U'),
  ];
  const claimNumber = options.claimNumber?.(ordinal);
  if (claimNumber !== undefined) out.push(segment('REF', 'Y4', claimNumber));
  out.push(
    segment(
      'CLM',
      bill.billId ?? `CLAIM${ordinal + 1}`,
      money(total),
      '',
      '',
      [bill.placeOfService ?? bill.lines[0]?.placeOfService ?? '11', 'B', '1'],
      'Y',
      'A',
      'Y',
      'Y',
      '',
      options.state === undefined ? undefined : ['EM', '', '', options.state],
    ),
    segment('DTP', '439', 'D8', x12Date(bill.lines[0]?.dateOfService ?? '2025-01-01')),
    segment('HI', ['ABK', 'S83241A']),
  );
  if (bill.serviceFacility?.zip !== undefined) {
    out.push(
      segment(
        'NM1',
        '77',
        '2',
        'SERVICE FACILITY',
        '',
        '',
        '',
        '',
        'XX',
        bill.serviceFacility.npi ?? '1234567893',
      ),
      segment('N3', '3 CLINIC WAY'),
      segment('N4', 'DOVER', 'DE', bill.serviceFacility.zip),
    );
  }
  bill.lines.forEach((line, i) => {
    out.push(
      segment('LX', String(line.lineNumber ?? i + 1)),
      segment(
        'SV1',
        ['HC', line.code, ...(line.modifiers ?? [])],
        line.charge,
        'UN',
        String(line.units ?? 1),
        line.placeOfService ?? '',
        '',
        '1',
      ),
      segment('DTP', '472', 'D8', x12Date(line.dateOfService)),
    );
    if (line.priorAuthorization !== undefined) out.push(segment('REF', 'G1', line.priorAuthorization));
    if (line.renderingProviderNpi !== undefined) {
      out.push(segment('NM1', '82', '1', 'RENDERING', 'DOCTOR', '', '', '', 'XX', line.renderingProviderNpi));
    }
  });
  return out;
}

/**
 * An 837P interchange holding one claim per bill.
 *
 * @param bills - professional bills in our JSON shape
 * @param options - the state, claim numbers, claims per transaction set, usage
 * @returns the interchange text
 * @example build837([tenLineBill()], { state: 'DE' })
 */
export function build837(bills: readonly Bill837Input[], options: Build837Options = {}): string {
  const perSet = options.claimsPerSet ?? Math.max(1, bills.length);
  const sets = [];
  for (let start = 0, n = 1; start < bills.length; start += perSet, n++) {
    const segments = [
      segment('BHT', '0019', '00', `BATCH${n}`, '20250310', '1200', 'CH'),
      segment('NM1', '41', '2', 'TEST SUBMITTER', '', '', '', '', '46', 'SUBMITTER1'),
      segment('PER', 'IC', 'EDI DESK', 'TE', '3025550100'),
      segment('NM1', '40', '2', 'WCBR', '', '', '', '', '46', 'WCBR'),
    ];
    bills.slice(start, start + perSet).forEach((bill, i) => {
      segments.push(...claimSegments(bill, i, start + i, options));
    });
    sets.push({
      id: '837',
      controlNumber: String(n).padStart(4, '0'),
      implementation: '005010X222A1',
      segments,
    });
  }
  return interchange(
    {
      sender: { qualifier: 'ZZ', id: 'SUBMITTER1' },
      receiver: { qualifier: 'ZZ', id: 'WCBR' },
      interchangeControlNumber: 1,
      groupControlNumber: 1,
      functionalIdentifier: 'HC',
      version: '005010X222A1',
      usage: options.usage ?? 'T',
      at: new Date('2025-03-10T12:00:00Z'),
    },
    sets,
  );
}
