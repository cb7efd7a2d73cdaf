/**
 * The checks every 835 we write must pass, against the answers it was written from: envelope
 * counts, the balancing equations of issue 18, and every amount and code the JSON answer carries.
 * Used by the 835 property and the worked examples (test/unit/x12/).
 */
import { expect } from 'vitest';
import type { PricedBill } from '../../lambdas/engine/priced-bill.js';
import type { RemittanceInput } from '../../lambdas/x12/remit-835.js';
import type { PaymentDetails } from '../../lambdas/x12/remittance-claim.js';
import { type Cas, cents, read835 } from './read-835.js';

/** A line's adjustments as the JSON answer carries them, summed by group and CARC. */
function expectedCas(line: PricedBill['lines'][number]): Map<string, number> {
  const out = new Map<string, number>();
  if (line.allowed === null) out.set('OA 133', cents(line.billed));
  else
    for (const a of line.adjustments) {
      const key = `${a.groupCode} ${a.carc}`;
      out.set(key, (out.get(key) ?? 0) + cents(a.amount));
    }
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}

function casMap(cas: readonly Cas[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cas) out.set(`${c.group} ${c.carc}`, (out.get(`${c.group} ${c.carc}`) ?? 0) + c.amount);
  return out;
}

/**
 * Whether every line of a JSON answer balances on its own: its adjustments sum to billed less
 * allowed (an unpriced line has none, and the 835 gives it one). Computed here, not by the writer.
 *
 * @param answer - a priced bill
 * @returns false when some line's adjustments do not add up
 */
export function answerBalances(answer: PricedBill): boolean {
  return answer.lines.every(
    (l) =>
      l.allowed === null ||
      cents(l.billed) - cents(l.allowed) === l.adjustments.reduce((t, a) => t + cents(a.amount), 0),
  );
}

/** A value as written: X12 delimiters become spaces, trailing spaces go. */
const safe = (value: string) => value.replace(/[*:^~\r\n]/g, ' ').trimEnd();

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Checks one 835 against the claims it was written from.
 *
 * @param text - the 835
 * @param claims - what write835 was given
 * @param pay - the payment details it was given
 * @returns the number of lines checked
 */
export function checkRemittance(
  text: string,
  claims: readonly RemittanceInput[],
  pay: PaymentDetails | undefined,
) {
  const read = read835(text);
  // Envelope counts: node-x12 checks SE01/IEA01 against the file; we check them again, and GE01.
  expect(read.ge01).toBe(String(read.sets.length));
  expect(read.iea01).toBe('1');
  for (const set of read.sets) expect(set.se01).toBe(String(set.segmentCount));
  // One set per payee and payer, in the order each first came; claims in file order within it.
  const groups = new Map<string, RemittanceInput[]>();
  for (const c of claims) {
    const { payer, payee } = c.parties;
    const key = [payee.npi, payee.taxId, payee.name, payer.id, payer.name].join('|');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const expected = [...groups.values()];
  expect(read.sets).toHaveLength(expected.length);
  let lines = 0;
  read.sets.forEach((set, s) => {
    const inputs = expected[s] as RemittanceInput[];
    expect(set.claims).toHaveLength(inputs.length);
    expect(set.payee[1]).toBe(safe(inputs[0]?.parties.payee.name as string));
    let setPayment = 0;
    set.claims.forEach((claim, c) => {
      const input = inputs[c] as RemittanceInput;
      expect(claim.elements[0]).toBe(safe(input.remittance.patientControlNumber));
      const answer = input.remittance.priced;
      expect(claim.lines).toHaveLength(answer.lines.length);
      // CLP03 − CLP04 = Σ claim and line CAS; CLP04 = Σ SVC03; CLP03 is the bill's charge.
      const casTotal =
        sum(claim.cas.map((c) => c.amount)) + sum(claim.lines.flatMap((l) => l.cas.map((c) => c.amount)));
      expect(claim.charge - claim.payment).toBe(casTotal);
      expect(claim.payment).toBe(sum(claim.lines.map((l) => l.payment)));
      expect(claim.charge).toBe(cents(answer.totals.billed));
      expect(claim.payment).toBe(cents(answer.totals.allowed));
      const pr = sum(claim.lines.flatMap((l) => l.cas.filter((c) => c.group === 'PR').map((c) => c.amount)));
      expect(claim.patientResponsibility).toBe(pr);
      claim.lines.forEach((line, i) => {
        const json = answer.lines[i] as PricedBill['lines'][number];
        // SVC02 − SVC03 = Σ the line's CAS.
        expect(line.charge - line.payment).toBe(sum(line.cas.map((c) => c.amount)));
        expect(line.charge).toBe(cents(json.billed));
        expect(line.payment).toBe(json.allowed === null ? 0 : cents(json.allowed));
        expect(line.allowed).toBe(json.allowed === null ? undefined : cents(json.allowed));
        expect(casMap(line.cas)).toEqual(expectedCas(json));
        // At most six triplets a segment: a CAS never holds more than 19 elements (checked by count).
        expect(line.remarks).toEqual([
          ...new Set(json.adjustments.flatMap((a) => (a.rarc === undefined ? [] : [a.rarc]))),
        ]);
        expect(line.controlNumber).toBe(String(json.lineNumber));
        expect(line.serviceDate).toBe(json.dateOfService.replaceAll('-', ''));
        if (line.procedure[0] === 'NU') {
          // A facility line without a HCPCS code: the answer names it by its revenue code.
          expect(line.procedure).toEqual(['NU', json.facility?.revenueCode]);
          expect(json.code).toBe(json.facility?.revenueCode);
        } else expect(line.procedure).toEqual(['HC', json.code, ...json.modifiers]);
        lines++;
      });
      setPayment += claim.payment;
    });
    if (pay === undefined) {
      expect(set.bpr.slice(0, 4)).toEqual(['H', '0.00', 'C', 'NON']);
    } else {
      // BPR02 = Σ CLP04 of the set.
      expect(set.bpr.slice(0, 4)).toEqual(['I', set.bpr[1], 'C', pay.method]);
      expect(cents(set.bpr[1])).toBe(setPayment);
      expect(set.bpr[15]).toBe(pay.date.replaceAll('-', ''));
      expect(set.trn[1]).toBe(pay.traceNumber);
    }
  });
  return lines;
}
