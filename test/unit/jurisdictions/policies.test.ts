import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JURISDICTIONS_DIR,
  JurisdictionFileError,
  jurisdictionById,
  loadJurisdictions,
  parseJurisdictionFile,
} from '../../../fee-data/jurisdictions/registry.js';
import { type Jurisdiction, MEDICARE_POLICIES } from '../../../lambdas/domain/jurisdiction-schema.js';
import { adoptsPolicy, policyRecord, stateNumber } from '../../../lambdas/engine/rules/payment-policy.js';

const list = loadJurisdictions();

function get(id: string): Jurisdiction {
  const j = jurisdictionById(list, id);
  if (j === undefined) throw new Error(`no jurisdiction ${id}`);
  return j;
}

/** Alabama's file as JSON, changed by the test, parsed as AL.json: the change is the test's input. */
function parseAlabamaWith(change: (json: Record<string, unknown>) => void): Jurisdiction {
  const json = JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'AL.json'), 'utf8'));
  change(json);
  return parseJurisdictionFile('AL.json', JSON.stringify(json));
}

function refusal(change: (json: Record<string, unknown>) => void): JurisdictionFileError {
  try {
    parseAlabamaWith(change);
  } catch (err) {
    if (err instanceof JurisdictionFileError) return err;
    throw err;
  }
  throw new Error('the file was accepted');
}

// biome-ignore lint/suspicious/noExplicitAny: the tests reach into the raw JSON to break it.
const policies = (json: Record<string, unknown>) => json.policies as any;

describe('a policy entry must rest on a source', () => {
  it('refuses an adoption without a source, naming the file and the field', () => {
    const err = refusal((json) => {
      delete policies(json).bilateral.source;
    });
    expect([err.file, err.field]).toEqual(['AL.json', 'policies.bilateral.source']);
  });

  it('refuses a source without an https link, or without the section it was read at', () => {
    expect(
      refusal((json) => {
        policies(json)['global-surgery'].source.url = 'http://example.org/rule';
      }).field,
    ).toBe('policies.global-surgery.source.url');
    expect(
      refusal((json) => {
        delete policies(json)['global-surgery'].source.section;
      }).field,
    ).toBe('policies.global-surgery.source.section');
  });

  it('refuses a state number without its own source, or under a policy it does not belong to', () => {
    expect(
      refusal((json) => {
        delete policies(json).bilateral.parameters.bilateralPercent.source;
      }).field,
    ).toBe('policies.bilateral.parameters.bilateralPercent.source');
    const wrong = refusal((json) => {
      policies(json).surgeons = {
        adopted: true,
        source: policies(json).bilateral.source,
        parameters: { bilateralPercent: policies(json).bilateral.parameters.bilateralPercent },
      };
    });
    expect([wrong.field, wrong.message]).toEqual([
      'policies.surgeons.parameters.bilateralPercent',
      'AL.json: policies.surgeons.parameters.bilateralPercent: belongs to bilateral, not surgeons',
    ]);
  });

  it('refuses a state number for a policy the state does not adopt, an unknown policy, and a bad date', () => {
    expect(
      refusal((json) => {
        policies(json).bilateral.adopted = false;
      }).message,
    ).toBe('AL.json: policies.bilateral.parameters.bilateralPercent: is given for a policy not adopted');
    expect(
      refusal((json) => {
        policies(json)['multiple-surgery'] = policies(json).bilateral;
      }).field,
    ).toBe('policies.multiple-surgery');
    expect(
      refusal((json) => {
        policies(json).bilateral.from = '1996-02-30';
      }).field,
    ).toBe('policies.bilateral.from');
  });
});

describe('every adoption in every file is cited', () => {
  it('each adopted policy, and each adopted family switch, links to its source over https', () => {
    let adopted = 0;
    for (const j of list) {
      for (const policy of MEDICARE_POLICIES) {
        const found = policyRecord(j, policy);
        if (found?.record.adopted !== true) continue;
        adopted++;
        const where = `${j.id} ${policy}`;
        expect(found.record.source.citation.length, where).toBeGreaterThan(10);
        expect(found.record.source.url, where).toMatch(/^https:\/\/[^\s]+$/);
        if (found.kind === 'policy') expect(found.record.source.section.length, where).toBeGreaterThan(0);
        for (const [name, p] of Object.entries(j.policies?.[policy]?.parameters ?? {})) {
          expect(p.source.url, `${where} ${name}`).toMatch(/^https:\/\//);
        }
      }
    }
    // US-MEDICARE's seven, NC's two NCCI families, Alabama's three, Texas's four.
    expect(adopted).toBe(7 + 2 + 3 + 4);
  });

  it('every file that records no policy of its own says in its notes what was read, for the states read', () => {
    for (const id of ['AZ', 'GA', 'NC', 'LA', 'CA', 'FL', 'NY', 'PA', 'IL', 'OH', 'MI', 'NJ']) {
      expect(
        get(id).notes?.some((n) => n.startsWith('Policies:')),
        id,
      ).toBe(true);
    }
  });
});

describe('adoptsPolicy and stateNumber', () => {
  it("reads a state's own entry, policy by policy, from its date", () => {
    const al = get('AL');
    expect(MEDICARE_POLICIES.filter((p) => adoptsPolicy(al, p, '2025-03-04'))).toEqual([
      'global-surgery',
      'multiple-procedure',
      'bilateral',
    ]);
    expect(adoptsPolicy(al, 'bilateral', '1996-09-11')).toBe(false);
    expect(adoptsPolicy(al, 'bilateral', '1996-09-12')).toBe(true);
    const tx = get('TX');
    expect(MEDICARE_POLICIES.filter((p) => adoptsPolicy(tx, p, '2008-03-01'))).toEqual([
      'global-surgery',
      'multiple-procedure',
      'bilateral',
      'surgeons',
    ]);
    expect(adoptsPolicy(tx, 'surgeons', '2008-02-29')).toBe(false);
  });

  it('falls back to the family switch where a file records no policy of its own', () => {
    const medicare = get('US-MEDICARE');
    expect(MEDICARE_POLICIES.every((p) => adoptsPolicy(medicare, p, '2025-03-04'))).toBe(true);
    expect(adoptsPolicy(medicare, 'mue', '2006-12-31')).toBe(false);
    const nc = get('NC');
    expect(MEDICARE_POLICIES.filter((p) => adoptsPolicy(nc, p, '2025-03-04'))).toEqual([
      'ncci-ptp',
      'ncci-add-on',
    ]);
    const ga = get('GA');
    expect(MEDICARE_POLICIES.some((p) => adoptsPolicy(ga, p, '2025-03-04'))).toBe(false);
  });

  it("gives Alabama's numbers with the clause to cite, and nothing where Medicare's apply", () => {
    const al = get('AL');
    const bilateral = stateNumber(al, 'bilateral', 'bilateralPercent', '2025-03-04');
    expect(bilateral?.value).toBe('180');
    expect(bilateral?.regulation.citation).toMatch(/^Ala\. Admin\. Code r\. 480-5-5-\.15.*, \(2\)\(c\)/);
    expect(stateNumber(al, 'global-surgery', 'majorFollowUpDays', '2025-03-04')?.value).toBe(42);
    expect(stateNumber(al, 'global-surgery', 'preoperativeDay', '2025-03-04')?.value).toBe(false);
    expect(stateNumber(al, 'global-surgery', 'minorFollowUpDays', '2025-03-04')).toBeUndefined();
    expect(stateNumber(al, 'bilateral', 'bilateralPercent', '1990-01-01')).toBeUndefined();
    expect(stateNumber(get('US-MEDICARE'), 'surgeons', 'assistantPercent', '2025-03-04')).toBeUndefined();
  });
});

describe('what the second reading of the ground rules left unknown (issue 14, item 8)', () => {
  // Each of these files says in its notes what was read and why no clause adopting one of Medicare's
  // policies was found; none may apply one on any date until a clause is read and recorded. WI and OK
  // rank among the ten largest markets by 2012 incurred losses and were not read at all.
  const unread = ['AZ', 'GA', 'LA', 'CA', 'FL', 'NY', 'PA', 'IL', 'OH', 'MI', 'NJ', 'WI', 'OK'];
  const dates = ['1996-01-01', '2008-03-01', '2010-06-01', '2025-03-04', '2026-06-01'];

  it('applies none of the seven policies in the states whose ground rules could not be read', () => {
    for (const id of unread) {
      const j = get(id);
      for (const date of dates) {
        expect(
          MEDICARE_POLICIES.filter((p) => adoptsPolicy(j, p, date)),
          `${id} ${date}`,
        ).toEqual([]);
      }
      expect(
        j.notes?.some((n) => n.startsWith('Policies')),
        id,
      ).toBe(true);
    }
  });

  it("keeps Texas's NCCI and MUE unknown: 28 TAC §134.203(b) was not read, and (a) does not name the edits", () => {
    const tx = get('TX');
    for (const p of ['ncci-ptp', 'ncci-add-on', 'mue'] as const) {
      expect(policyRecord(tx, p), p).toBeUndefined();
      expect(adoptsPolicy(tx, p, '2025-03-04'), p).toBe(false);
    }
    expect(tx.notes?.some((n) => /second reading.*§134\.203\(b\).*not read/.test(n))).toBe(true);
  });

  it('says in each edition checked how its effective date was found', () => {
    const edition = (id: string) => get(id).billTypes.professional.editions[0];
    expect(edition('AZ')?.effective).toBe('2023-10-01');
    expect(edition('AZ')?.effectiveStated).toBe(false);
    expect(edition('GA')?.effective).toBe('2024-04-01');
    expect(edition('NC')?.effective).toBe('2025-01-01');
    for (const id of ['AZ', 'GA', 'NC', 'LA']) {
      expect(
        edition(id)?.notes?.some((n) => /second check/i.test(n)),
        id,
      ).toBe(true);
    }
  });
});
