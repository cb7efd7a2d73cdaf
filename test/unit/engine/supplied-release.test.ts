import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { normaliseBill } from '../../../lambdas/engine/bill/normalise.js';
import { normaliseFacilityBill } from '../../../lambdas/engine/bill/normalise-facility.js';
import { type ExplainLevel, priceRequest } from '../../../lambdas/engine/price-request.js';
import {
  AmountsPricedBillSchema,
  PricedBillSchema,
  SummaryPricedBillSchema,
} from '../../../lambdas/engine/priced-bill-schema.js';
import { priceInterchange } from '../../../lambdas/x12/price-interchange.js';
import { sampleIndex } from '../../support/fee-index.js';
import { provenance, suppliedIndex } from '../../support/supplied-index.js';
import { professional837 } from '../../support/x12-837.js';

/*
 * Every priced answer names the data release that priced it (issue 20): the index's release id,
 * at every explanation level, for professional and facility bills and each claim of an 837.
 */
const SCHEMAS = { full: PricedBillSchema, summary: SummaryPricedBillSchema, none: AmountsPricedBillSchema };
const LEVELS: readonly ExplainLevel[] = ['full', 'summary', 'none'];

const professional = () =>
  normaliseBill({
    jurisdiction: 'FL',
    serviceFacility: { zip: '33101' },
    lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00' }],
  });
const outpatient = () =>
  normaliseFacilityBill({
    jurisdiction: 'US-MEDICARE',
    billType: 'outpatient',
    typeOfBill: '0131',
    facility: { zip: '30303', npi: '1234567893' },
    lines: [{ revenueCode: '0360', code: '29881', charge: '5000.00', dateOfService: '2025-03-04' }],
  });

describe('the data release on every priced answer', () => {
  const index = sampleIndex();
  const release = index.release()?.id as string;

  it('is the index release id, "r" and 12 hex digits', () => {
    expect(release).toMatch(/^r[0-9a-f]{12}$/);
  });

  it.each(LEVELS)('names it at explain=%s, professional and facility, as the schema says', (explain) => {
    for (const bill of [professional(), outpatient()]) {
      const answer = priceRequest(index, bill, { explain });
      expect(answer.dataRelease).toBe(release);
      expect(v.safeParse(SCHEMAS[explain], answer).success).toBe(true);
    }
  });

  it('names it on each claim of an 837 answered as JSON', () => {
    const text = professional837([[{ id: 'C1', state: 'DE', lines: [{ code: '99214', charge: '300.00' }] }]]);
    const priced = priceInterchange(index, text, { explain: 'summary' });
    expect(priced.claims.length).toBe(1);
    for (const claim of priced.claims) expect(claim.answer.dataRelease).toBe(release);
  });

  it('changes with the data: an index with a supplied file is another release', () => {
    const c = {
      id: 'acme-ppo-2025',
      name: 'Acme PPO',
      tenant: 'acme',
      providers: { npis: ['1234567893'], tins: [] },
      bucket: 'ppo' as const,
      jurisdictions: [],
      effective: '2025-01-01',
      termination: null,
      terms: { kind: 'percent-of-allowance' as const, percent: '90' },
      reason: { groupCode: 'CO' as const, carc: '45' },
      provenance: provenance('acme-ppo-2025', 'contract'),
    };
    const other = suppliedIndex({ contracts: [c] });
    expect(other.release()?.id).not.toBe(release);
    expect(priceRequest(other, professional()).dataRelease).toBe(other.release()?.id);
  });

  it('refuses an answer without it, or with a release id of another form', () => {
    const answer = priceRequest(index, professional());
    const { dataRelease: _, ...without } = answer;
    expect(v.safeParse(PricedBillSchema, without).success).toBe(false);
    expect(v.safeParse(PricedBillSchema, { ...answer, dataRelease: 'latest' }).success).toBe(false);
  });
});
