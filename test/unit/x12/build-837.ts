import { interchange, segment } from '../../../lambdas/x12/write.js';

/**
 * A workers' compensation 837P built for the tests with the project's own X12 writer: a billing
 * provider in Delaware, an employer as subscriber (HL 22, SBR09 WC) with the injured worker as
 * patient (HL 23, REF*Y4 claim number), claims with CLM11 "EM" and the state, REF*G1 prior
 * authorisation, lines with DTP*472. The names and numbers are made up.
 */
export interface BuiltLine {
  readonly code: string;
  readonly charge: string;
  readonly units?: string;
  readonly date?: string;
  readonly modifiers?: readonly string[];
  readonly authorization?: string;
}

export interface BuiltClaim {
  readonly id: string;
  readonly state?: string;
  readonly lines: readonly BuiltLine[];
  readonly authorization?: string;
}

/** The segments of one 837P transaction set with the claims given. */
export function professionalSet(claims: readonly BuiltClaim[]): string[] {
  const segments = [
    segment('BHT', '0019', '00', 'B1', '20250305', '1200', 'CH'),
    segment('NM1', '41', '2', 'SUBMITTER', '', '', '', '', '46', 'S1'),
    segment('PER', 'IC', 'DESK', 'TE', '3025550100'),
    segment('NM1', '40', '2', 'RECEIVER', '', '', '', '', '46', 'R1'),
    segment('HL', '1', '', '20', '1'),
    segment('NM1', '85', '2', 'DOVER ORTHOPAEDICS', '', '', '', '', 'XX', '1609948736'),
    segment('N3', '1 STATE ST'),
    segment('N4', 'DOVER', 'DE', '199013022'),
    segment('REF', 'EI', '510000001'),
    segment('HL', '2', '1', '22', '1'),
    segment('SBR', 'P', '', '', '', '', '', '', '', 'WC'),
    segment('NM1', 'IL', '2', 'ACME WIDGETS'),
    segment('NM1', 'PR', '2', 'FIRST STATE MUTUAL', '', '', '', '', 'PI', 'FSM01'),
    segment('N3', 'PO BOX 1'),
    segment('N4', 'WILMINGTON', 'DE', '19801'),
    segment('HL', '3', '2', '23', '0'),
    segment('PAT', '20'),
    segment('NM1', 'QC', '1', 'WORKER', 'PAT'),
    segment('N3', '2 MAIN ST'),
    segment('N4', 'DOVER', 'DE', '19901'),
    segment('DMG', 'D8', '19800101', 'F'),
    segment('REF', 'Y4', 'WC-2025-0001'),
  ];
  for (const claim of claims) {
    const total = claim.lines.reduce((cents, l) => cents + Math.round(Number(l.charge) * 100), 0);
    segments.push(
      segment(
        'CLM',
        claim.id,
        (total / 100).toFixed(2),
        '',
        '',
        ['11', 'B', '1'],
        'Y',
        'A',
        'Y',
        'Y',
        '',
        claim.state === undefined ? undefined : ['EM', '', '', claim.state],
      ),
      segment('DTP', '439', 'D8', '20250220'),
    );
    if (claim.authorization !== undefined) segments.push(segment('REF', 'G1', claim.authorization));
    segments.push(segment('HI', ['ABK', 'S83241A']));
    claim.lines.forEach((l, i) => {
      segments.push(
        segment('LX', String(i + 1)),
        segment('SV1', ['HC', l.code, ...(l.modifiers ?? [])], l.charge, 'UN', l.units ?? '1', '', '', '1'),
        segment('DTP', '472', 'D8', l.date ?? '20250304'),
      );
      if (l.authorization !== undefined) segments.push(segment('REF', 'G1', l.authorization));
    });
  }
  return segments;
}

/** A whole 837P interchange of the sets given (each a list of claims). */
export function professional837(sets: readonly (readonly BuiltClaim[])[], guide = '005010X222A1'): string {
  return interchange(
    {
      sender: { qualifier: 'ZZ', id: 'CLEARINGHOUSE' },
      receiver: { qualifier: 'ZZ', id: 'PAYER' },
      interchangeControlNumber: 101,
      groupControlNumber: 7,
      functionalIdentifier: 'HC',
      version: guide,
      usage: 'T',
      at: new Date('2025-03-05T12:00:00Z'),
    },
    sets.map((claims, i) => ({
      id: '837',
      controlNumber: String(1001 + i),
      implementation: guide,
      segments: professionalSet(claims),
    })),
  );
}
