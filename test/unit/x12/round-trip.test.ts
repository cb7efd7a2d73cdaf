/**
 * The public 837P samples (test/fixtures/x12/SOURCES.md: the 005010 TR3 examples as
 * LinuxForHealth/x12 transcribes them) round-tripped as a client would (issue 18, "Tests"): each
 * file priced on the national index and answered as JSON, then the same file answered as an 835;
 * every amount of the 835 (claim charge and payment, each line's charge, payment and adjustments)
 * is checked against the JSON answer. The samples' 1996–2006 dates lie outside our editions, so
 * their lines are unpriced: paid 0.00 with the whole charge under OA 133 (decision 018).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interchangeAnswer, interchangeRemittance } from '../../../lambdas/app/x12/answers.js';
import { parseCents } from '../../../lambdas/engine/money.js';
import type { PricedBill } from '../../../lambdas/engine/priced-bill.js';
import { nationalIndex } from '../../support/national-index.js';
import { read835 } from '../../support/read-835.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/x12');
const SAMPLES = readdirSync(FIXTURES).filter((name) => name.endsWith('.837') && !name.includes('004010'));

describe('837P samples → JSON → 835', () => {
  it('remits every claim priced with the JSON answer’s amounts, to the cent', () => {
    const index = nationalIndex();
    let files = 0;
    let lines = 0;
    for (const name of SAMPLES) {
      const text = readFileSync(path.join(FIXTURES, name), 'utf8');
      const options = {
        requestId: `round-trip-${name}`,
        jurisdiction: 'US-MEDICARE',
        explain: 'full' as const,
        at: new Date('2026-12-07T12:00:00Z'),
      };
      const json = interchangeAnswer(index, text, options);
      if (json.claims.length === 0) continue;
      files++;
      const claims = read835(interchangeRemittance(index, text, options).x12).sets.flatMap((s) => s.claims);
      expect(
        claims.map((c) => c.elements[0]),
        name,
      ).toEqual(json.claims.map((c) => c.claimId));
      for (const [i, claim] of claims.entries()) {
        const bill = json.claims[i]?.bill as PricedBill;
        expect([claim.charge, claim.payment], `${name} claim ${i + 1}`).toEqual([
          parseCents(bill.totals.billed),
          parseCents(bill.totals.allowed),
        ]);
        expect(claim.lines).toHaveLength(bill.lines.length);
        for (const [j, line] of claim.lines.entries()) {
          const priced = bill.lines[j] as PricedBill['lines'][number];
          const paid = priced.allowed === null ? 0 : parseCents(priced.allowed);
          expect([line.charge, line.payment], `${name} claim ${i + 1} line ${j + 1}`).toEqual([
            parseCents(priced.billed),
            paid,
          ]);
          // Every cent withheld has its CAS: charge − payment = Σ CAS.
          expect(line.cas.reduce((n, c) => n + c.amount, 0)).toBe(parseCents(priced.billed) - paid);
          if (priced.allowed === null)
            expect(line.cas.map((c) => [c.group, c.carc])).toEqual([['OA', '133']]);
          lines++;
        }
      }
    }
    // Not vacuous: most samples have a claim we price (the others are rejected in the 999, tested
    // in read-837.test.ts).
    expect(files).toBeGreaterThanOrEqual(5);
    expect(lines).toBeGreaterThanOrEqual(15);
  }, 60_000);
});
