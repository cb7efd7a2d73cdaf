import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseRequest } from '../../../lambdas/engine/bill/normalise-request.js';
import { priceRequest } from '../../../lambdas/engine/price-request.js';
import { write999 } from '../../../lambdas/x12/ack-999.js';
import { claimsOf } from '../../../lambdas/x12/claims-837.js';
import { X12SyntaxError } from '../../../lambdas/x12/errors.js';
import { acknowledgeInterchange, priceInterchange } from '../../../lambdas/x12/price-interchange.js';
import { readInterchange } from '../../../lambdas/x12/read.js';
import { sampleIndex } from '../../support/fee-index.js';
import { nationalIndex } from '../../support/national-index.js';
import { professional837 } from '../../support/x12-837.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/x12');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** The 005010 TR3 examples of test/fixtures/x12/SOURCES.md. */
const SAMPLES = [
  'demo.ambulance.example5.837',
  'demo.autoaccident.837',
  'demo.cob.2ndary.example4.837',
  'demo.cob.example3.A.837',
  'demo.cob.example3.B.837',
  'demo.cob.example3.C.837',
  'demo.cob.example4.837',
  'demo.drug.example10.1.837',
  'demo.drug.example10.2.837',
  'demo.drug.example10.3.837',
  'demo.example1.837',
  'demo.example11.837',
  'demo.example12.837',
  'demo.example2.837',
  'demo.example6.837',
  'demo.example7.837',
  'demo.example8.837',
  'demo.example9.837',
  'institutional-claim.837i',
  'out-of-network-repriced-claim.837i',
  'ppo-repriced-claim.837i',
  'two-claims-single-provider.837i',
];

const cents = (amount: string) => Math.round(Number(amount) * 100);

/**
 * The file's own numbers, read without our reader: per claim, CLM02 and the SV102/SV203 of its
 * lines (split on the file's own "~" and "*", the separators every sample uses).
 */
function fileClaims(text: string): { clm02: number; lines: number[] }[] {
  const claims: { clm02: number; lines: number[] }[] = [];
  for (const raw of text.split('~')) {
    const e = raw.trim().split('*');
    if (e[0] === 'CLM') claims.push({ clm02: cents(e[2] ?? ''), lines: [] });
    if (e[0] === 'SV1') claims.at(-1)?.lines.push(cents(e[2] ?? ''));
    if (e[0] === 'SV2') claims.at(-1)?.lines.push(cents(e[3] ?? ''));
  }
  return claims;
}

describe('837 samples (005010 TR3 examples, LinuxForHealth x12)', () => {
  it.each(SAMPLES)('%s reads into its claims and lines with the amounts of the file', (name) => {
    const text = fixture(name);
    const expected = fileClaims(text);
    expect(expected.length).toBeGreaterThan(0);
    const read = readInterchange(text);
    const claims = read.groups.flatMap((g) =>
      g.sets.flatMap((s) => claimsOf(s, read.delimiters, { jurisdiction: 'US-MEDICARE' }).claims),
    );
    expect(claims).toHaveLength(expected.length);
    claims.forEach((claim, i) => {
      const lines = claim.bill.lines as { charge: string }[];
      const file = expected[i] as { clm02: number; lines: number[] };
      expect(lines.map((l) => cents(l.charge))).toEqual(file.lines);
      // CLM02 balances with its lines in the file, and in our bill.
      expect(lines.reduce((sum, l) => sum + cents(l.charge), 0)).toBe(file.clm02);
    });
  });

  it('every claim of every sample is priced or rejected with a positioned reason, none lost', () => {
    const index = nationalIndex();
    for (const name of SAMPLES) {
      const text = fixture(name);
      const priced = priceInterchange(index, text, { jurisdiction: 'US-MEDICARE', explain: 'none' });
      const rejectedClaims = priced.rejected.filter((r) => r.claimId !== undefined);
      expect(priced.claims.length + rejectedClaims.length, name).toBe(fileClaims(text).length);
      for (const r of priced.rejected) {
        for (const e of r.errors) {
          expect(e.segment, name).toMatch(/^[A-Z][A-Z0-9]{1,2}$/);
          expect(e.position, name).toBeGreaterThan(0);
        }
      }
      // Their dates (1996-2006) are before every edition we hold: priced lines are unpriced.
      for (const c of priced.claims) {
        expect(c.answer.totals.allowed, name).toBe('0.00');
        expect(c.answer.totals.unpricedLines, name).toBe(c.answer.totals.lines);
      }
    }
  });

  it('a sample whose composites use another separator than its ISA16 is a 999 rejection naming SV101-1', () => {
    // demo.example6.837 declares ":" in ISA16 and writes "HC>98940" in SV101.
    const priced = acknowledgeInterchange(fixture('demo.example6.837'), { jurisdiction: 'US-MEDICARE' });
    expect(priced.rejected[0]?.errors[0]).toMatchObject({ field: 'SV101-1', segment: 'SV1', element: 1 });
    expect(priced.acknowledgment.groups[0]?.sets[0]?.status).toBe('R');
  });

  it('the 004010 workers-compensation.837 is refused with a clear message', () => {
    const text = fixture('workers-compensation.004010.837');
    expect(() => readInterchange(text)).toThrow(X12SyntaxError);
    try {
      readInterchange(text);
    } catch (error) {
      const e = error as X12SyntaxError;
      expect(e.errors[0]).toMatchObject({ field: 'GS08', segment: 'GS', position: 2, element: 8 });
      expect(e.errors[0]?.errorMessage).toContain('004010');
    }
  });
});

const GOOD = { id: 'GOOD1', state: 'DE', lines: [{ code: '99214', charge: '209.00' }] };

function syntaxErrorOf(text: string): X12SyntaxError {
  try {
    readInterchange(text);
  } catch (error) {
    if (error instanceof X12SyntaxError) return error;
    throw error;
  }
  throw new Error('expected an X12SyntaxError');
}

describe('malformed interchanges', () => {
  const text = professional837([[GOOD], [GOOD]]);

  it.each([
    ['no IEA', text.slice(0, text.indexOf('IEA*')), 'IEA'],
    ['no GE', text.slice(0, text.indexOf('GE*')), 'GE'],
    ['no SE', text.slice(0, text.indexOf('\nSE*')), 'SE'],
    ['cut inside a segment', text.slice(0, text.indexOf('SV1*') + 10), 'SV1'],
  ])('truncated (%s) is a 400 naming the missing segment', (_name, cut, segment) => {
    expect(syntaxErrorOf(cut).errors[0]?.segment).toBe(segment);
  });

  it('a component separator equal to the element separator is a 400 naming ISA16', () => {
    const swapped = `${text.slice(0, 104)}*${text.slice(105)}`;
    expect(syntaxErrorOf(swapped).errors[0]).toMatchObject({ field: 'ISA16', segment: 'ISA', position: 1 });
  });

  it('an ISA that is not 106 characters is a 400 naming the element', () => {
    expect(
      syntaxErrorOf(text.replace('*ZZ*CLEARINGHOUSE  *', '*ZZ*CLEARINGHOUSE *')).errors[0],
    ).toMatchObject({
      segment: 'ISA',
      element: 6,
    });
  });

  it('GE01 and IEA01 that do not count their sets and groups are 400s naming them', () => {
    expect(syntaxErrorOf(text.replace('GE*2*7', 'GE*3*7')).errors[0]).toMatchObject({ field: 'GE01' });
    expect(syntaxErrorOf(text.replace('IEA*1*', 'IEA*2*')).errors[0]).toMatchObject({ field: 'IEA01' });
    expect(syntaxErrorOf(text.replace('GE*2*7', 'GE*2*8')).errors[0]).toMatchObject({ field: 'GE02' });
  });

  it('an SE01 that does not count its set rejects that set (IK502 4); the other set is priced', () => {
    const bad = text.replace(/SE\*(\d+)\*1001/, (_m, n) => `SE*${Number(n) + 1}*1001`);
    const priced = priceInterchange(sampleIndex(), bad, { explain: 'none' });
    const sets = priced.acknowledgment.groups[0]?.sets;
    expect(sets?.map((s) => s.status)).toEqual(['R', 'A']);
    expect(sets?.[0]?.codes).toEqual(['4']);
    expect(priced.claims.map((c) => c.transactionSet)).toEqual(['1002']);
    expect(priced.rejected[0]).toMatchObject({ transactionSet: '1001' });
    expect(priced.rejected[0]?.errors[0]).toMatchObject({ field: 'SE01', segment: 'SE' });
    expect(priced.acknowledgment.groups[0]?.status).toBe('P');
  });

  it('an ST/SE control number mismatch rejects that set (IK502 3)', () => {
    const bad = text.replace(/SE\*(\d+)\*1002/, 'SE*$1*1003');
    const ack = acknowledgeInterchange(bad, {}).acknowledgment;
    expect(ack.groups[0]?.sets[1]).toMatchObject({ status: 'R', codes: ['3'] });
  });

  it('a segment the 837 does not have rejects its set with IK3 naming it (IK304 6)', () => {
    const bad = text
      .replace('HI*ABK:S83241A~', 'HI*ABK:S83241A~\nZZZ*1~')
      .replace(/SE\*(\d+)\*1001/, (_m, n) => `SE*${Number(n) + 1}*1001`);
    const ack = acknowledgeInterchange(bad, {}).acknowledgment;
    const set = ack.groups[0]?.sets[0];
    expect(set?.status).toBe('R');
    expect(set?.errors[0]).toMatchObject({ segment: 'ZZZ', code: '6', loop: '2300' });
  });

  it('a service line before any claim rejects its set as an unexpected segment (IK304 2)', () => {
    const bad = text
      .replace('HL*3*2*23*0~', 'HL*3*2*23*0~\nLX*1~')
      .replace(/SE\*(\d+)\*1001/, (_m, n) => `SE*${Number(n) + 1}*1001`);
    const set = acknowledgeInterchange(bad, {}).acknowledgment.groups[0]?.sets[0];
    expect(set?.errors[0]).toMatchObject({ segment: 'LX', code: '2' });
  });
});

describe('a set with one bad claim among good ones', () => {
  const text = professional837([
    [
      GOOD,
      {
        id: 'BAD1',
        state: 'DE',
        lines: [
          { code: '9921', charge: '100.00' },
          { code: '99214', charge: '50.00' },
        ],
      },
      { id: 'BAD2', state: 'DE', lines: [{ code: '99214', charge: '50.00', date: '20251340' }] },
    ],
  ]);

  it('prices the good claim and rejects the bad one with its segments and elements', () => {
    const priced = priceInterchange(sampleIndex(), text, { explain: 'none' });
    expect(priced.claims.map((c) => c.claimId)).toEqual(['GOOD1']);
    expect(priced.rejected.map((r) => [r.claimId, r.errors.map((e) => e.field)])).toEqual([
      ['BAD1', ['SV101-2']],
      ['BAD2', ['DTP03']],
    ]);
    expect(priced.rejected[1]?.errors[0]).toMatchObject({ segment: 'DTP', loop: '2400', element: 3 });
    const set = priced.acknowledgment.groups[0]?.sets[0];
    expect(set?.status).toBe('E');
    const code = set?.errors.find((e) => e.segment === 'SV1');
    expect(code).toMatchObject({ claimId: 'BAD1', loop: '2400', code: '8' });
    expect(code?.elements[0]).toMatchObject({ element: 1, component: 2, code: '7', badValue: '9921' });
    const x12 = write999(priced.acknowledgment, priced.envelope, {
      at: new Date('2026-12-07T12:00:00Z'),
      controlNumber: 9,
    });
    expect(x12).toContain('AK1*HC*7*005010X222A1~');
    expect(x12).toContain('AK2*837*1001*005010X222A1~');
    expect(x12).toMatch(/IK3\*SV1\*\d+\*2400\*8~\nCTX\*CLM01:BAD1~\nIK4\*1:2\*234\*7\*9921~/);
    expect(x12).toContain('IK5*E*I5~');
    expect(x12).toContain('CTX*CLM01:BAD2~');
    expect(x12).toContain('AK9*E*1*1*1~');
    // The answer goes back to the sender: ISA sender and receiver swapped, usage kept.
    expect(x12.slice(0, 106)).toContain('*ZZ*PAYER          *ZZ*CLEARINGHOUSE  *');
    expect(x12.slice(102, 103)).toBe('T');
  });

  it('the same claims without a jurisdiction anywhere are rejected, naming how to send one', () => {
    const none = professional837([[{ ...GOOD, state: undefined }]]);
    const priced = priceInterchange(sampleIndex(), none, { explain: 'none' });
    expect(priced.rejected[0]?.errors[0]).toMatchObject({ field: 'CLM11-4', segment: 'CLM', element: 11 });
    expect(priced.rejected[0]?.errors[0]?.errorMessage).toContain('jurisdiction query parameter');
    // The request's jurisdiction prices it.
    expect(
      priceInterchange(sampleIndex(), none, { jurisdiction: 'DE', explain: 'none' }).claims,
    ).toHaveLength(1);
  });
});

describe('an 837I sample (two-claims-single-provider.837i)', () => {
  it('maps the facility fields of its claims', () => {
    const read = readInterchange(fixture('two-claims-single-provider.837i'));
    const set = read.groups[0]?.sets[0];
    if (set === undefined) throw new Error('no set');
    const [first] = claimsOf(set, read.delimiters, { jurisdiction: 'US-MEDICARE' }).claims;
    // CLM*756048Q*89.95***13:A:1, DTP*434*RD8*20050315-20050315, CL1*1**01, 2010AA N4 17111,
    // SV2*0730*HC:93005*76.56*UN*3.00, DTP*472*D8*20050315.
    expect(first?.bill).toMatchObject({
      billId: '756048Q',
      billType: 'outpatient',
      typeOfBill: '0131',
      facility: { npi: '1234567890', zip: '17111', name: 'JONES HOSPITAL', taxId: '123456789' },
      dischargeStatus: '01',
      payer: { name: 'TRICARE', id: '99999' },
    });
    expect(((first?.bill.lines ?? []) as object[])[1]).toEqual({
      lineNumber: 2,
      revenueCode: '0730',
      code: '93005',
      charge: '76.56',
      units: 3,
      dateOfService: '2005-03-15',
    });
    expect(first?.remittance).toMatchObject({
      claimFilingIndicator: 'CH',
      facilityCode: '13',
      frequencyCode: '1',
    });
  });
});

describe('a workers compensation 837P', () => {
  const claim = {
    id: 'PCN-77',
    state: 'DE',
    authorization: 'AUTH-1',
    lines: [
      { code: '99214', charge: '209.00', modifiers: ['25'] },
      { code: '97110', charge: '120.00', units: '3', authorization: 'AUTH-2' },
    ],
  };
  const text = professional837([[claim]]);
  const json = {
    billId: 'PCN-77',
    jurisdiction: 'DE',
    placeOfService: '11',
    billingProvider: { npi: '1609948736', zip: '199013022', name: 'DOVER ORTHOPAEDICS', taxId: '510000001' },
    payer: { name: 'FIRST STATE MUTUAL', id: 'FSM01' },
    lines: [
      {
        lineNumber: 1,
        code: '99214',
        modifiers: ['25'],
        charge: '209.00',
        units: 1,
        dateOfService: '2025-03-04',
        priorAuthorization: 'AUTH-1',
      },
      {
        lineNumber: 2,
        code: '97110',
        charge: '120.00',
        units: 3,
        dateOfService: '2025-03-04',
        priorAuthorization: 'AUTH-2',
      },
    ],
  };

  it('maps field by field to the equivalent JSON bill, with its remittance facts', () => {
    const read = readInterchange(text);
    const set = read.groups[0]?.sets[0];
    if (set === undefined) throw new Error('no set');
    const [read837] = claimsOf(set, read.delimiters).claims;
    expect(read837?.bill).toEqual(json);
    expect(read837?.remittance).toEqual({
      patientControlNumber: 'PCN-77',
      claimNumber: 'WC-2025-0001',
      claimFilingIndicator: 'WC',
      facilityCode: '11',
      frequencyCode: '1',
      patient: { lastName: 'WORKER', firstName: 'PAT' },
    });
    expect(read837?.parties.payer).toEqual({
      name: 'FIRST STATE MUTUAL',
      id: 'FSM01',
      address: { lines: ['PO BOX 1'], city: 'WILMINGTON', state: 'DE', zip: '19801' },
    });
    expect(read837?.parties.payee).toMatchObject({
      name: 'DOVER ORTHOPAEDICS',
      npi: '1609948736',
      taxId: '510000001',
    });
  });

  it('prices to the same answer as the JSON bill', () => {
    const index = sampleIndex();
    const priced = priceInterchange(index, text, { explain: 'summary' });
    expect(priced.rejected).toEqual([]);
    const expected = priceRequest(index, normaliseRequest(json), { explain: 'summary' });
    expect(priced.claims[0]?.answer).toEqual(expected);
    expect(priced.claims[0]?.claimNumber).toBe('WC-2025-0001');
    expect(Number(expected.totals.allowed)).toBeGreaterThan(0);
    expect(priced.acknowledgment.groups[0]).toMatchObject({ status: 'A', accepted: 1 });
  });

  it('a state we hold no jurisdiction for in CLM11-4 rejects the claim there', () => {
    const priced = priceInterchange(sampleIndex(), professional837([[{ ...claim, state: 'ZZ' }]]), {
      explain: 'none',
    });
    expect(priced.rejected[0]?.errors[0]).toMatchObject({
      field: 'CLM11-4',
      segment: 'CLM',
      element: 11,
      component: 4,
    });
  });

  it('the request jurisdiction wins over CLM11-4', () => {
    const read = readInterchange(text);
    const set = read.groups[0]?.sets[0];
    if (set === undefined) throw new Error('no set');
    expect(claimsOf(set, read.delimiters, { jurisdiction: 'US-MEDICARE' }).claims[0]?.bill.jurisdiction).toBe(
      'US-MEDICARE',
    );
  });
});

describe('fuzzing the reader', () => {
  const text = professional837([
    [GOOD, { id: 'TWO', state: 'DE', lines: [{ code: '97110', charge: '40.00', units: '2' }] }],
  ]);
  const index = sampleIndex();
  const outcomes = { read: 0, refused: 0 };
  const survives = (input: string) => {
    try {
      priceInterchange(index, input, { explain: 'none' });
      acknowledgeInterchange(input);
      outcomes.read++;
    } catch (error) {
      if (!(error instanceof X12SyntaxError)) throw error;
      expect(error.errors.length).toBeGreaterThan(0);
      outcomes.refused++;
    }
  };

  afterAll(() => {
    // Not vacuous: the inputs reach both outcomes, so the claims walker and pricing ran on damaged
    // files too.
    expect(outcomes.read).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });

  it('random truncation gives a result or an X12SyntaxError', () => {
    fc.assert(
      fc.property(fc.nat({ max: text.length }), (n) => survives(text.slice(0, n))),
      { numRuns: 300 },
    );
  });

  it('random byte changes give a result or an X12SyntaxError', () => {
    const change = fc.array(fc.tuple(fc.nat({ max: text.length - 1 }), fc.integer({ min: 0, max: 127 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(change, (changes) => {
        const chars = [...text];
        for (const [at, code] of changes) chars[at] = String.fromCharCode(code);
        survives(chars.join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('separator swaps give a result or an X12SyntaxError', () => {
    const separators = fc.constantFrom('*', ':', '^', '~', '|', '>', '\n', 'A', ' ');
    fc.assert(
      fc.property(separators, separators, (from, to) => survives(text.replaceAll(from, to))),
      { numRuns: 100 },
    );
  });
});
