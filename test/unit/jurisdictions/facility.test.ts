import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FACILITY_SECTION_END,
  FACILITY_SECTION_START,
  facilitySection,
} from '../../../fee-data/jurisdictions/facility-table.js';
import {
  JURISDICTIONS_DIR,
  JurisdictionFileError,
  jurisdictionById,
  loadJurisdictions,
  parseJurisdictionFile,
} from '../../../fee-data/jurisdictions/registry.js';
import { REPO_ROOT, referenceDataDir } from '../../../fee-data/paths.js';
import {
  FACILITY_BILL_TYPES,
  type FacilityBillType,
  type Jurisdiction,
} from '../../../lambdas/domain/jurisdiction-schema.js';
import { summariseJurisdiction } from '../../../lambdas/engine/jurisdiction-summary.js';
import { editionFor, facilityEditionFor } from '../../../lambdas/engine/jurisdictions.js';

const list = loadJurisdictions();

function get(id: string): Jurisdiction {
  const j = jurisdictionById(list, id);
  if (j === undefined) throw new Error(`no jurisdiction ${id}`);
  return j;
}

function facility(id: string, name: (typeof FACILITY_BILL_TYPES)[number]): FacilityBillType {
  const bt = get(id).billTypes[name];
  if (bt === undefined) throw new Error(`${id} records no ${name} method`);
  return bt;
}

/** The factors of a bill type's latest edition, as category → value. */
function factors(id: string, name: (typeof FACILITY_BILL_TYPES)[number]): Record<string, string> {
  const latest = facility(id, name).editions.at(-1);
  return Object.fromEntries((latest?.factors ?? []).map((f) => [f.category, f.value]));
}

const BASIS = { outpatient: 'opps', asc: 'asc', inpatient: 'ipps' } as const;

describe('every jurisdiction records its facility methods', () => {
  it('all 53 files have outpatient, asc and inpatient', () => {
    expect(list).toHaveLength(53);
    for (const j of list) {
      for (const name of FACILITY_BILL_TYPES) expect(j.billTypes[name], `${j.id} ${name}`).toBeDefined();
    }
  });

  it('every facility factor carries a source with a citation and an https link', () => {
    let count = 0;
    for (const j of list) {
      for (const name of FACILITY_BILL_TYPES) {
        for (const e of facility(j.id, name).editions) {
          for (const f of e.factors ?? []) {
            count++;
            expect(f.source.citation.length, `${j.id} ${e.id} ${f.category}`).toBeGreaterThan(20);
            expect(f.source.url, `${j.id} ${e.id} ${f.category}`).toMatch(/^https:\/\/\S+$/);
          }
        }
      }
    }
    // Guard against running vacuously: TX, CA, NC and OH hold factors in two editions each.
    expect(count).toBeGreaterThan(20);
  });

  it('every facility edition has a source, and every reference file named exists', () => {
    const dir = referenceDataDir();
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new Error(`reference data directory not found: ${dir} (set WCBR_REFERENCE_DATA)`);
    }
    const files = new Set<string>();
    for (const j of list) {
      for (const name of FACILITY_BILL_TYPES) {
        for (const e of facility(j.id, name).editions) {
          expect(e.sources.length, `${j.id} ${e.id}`).toBeGreaterThan(0);
          for (const s of e.sources) if (s.file) files.add(s.file);
        }
      }
    }
    expect(files.size).toBeGreaterThan(10);
    for (const file of files) expect(existsSync(path.join(dir, file)), file).toBe(true);
  });

  it('an edition whose date is not stated says how it was found', () => {
    for (const j of list) {
      for (const name of FACILITY_BILL_TYPES) {
        for (const e of facility(j.id, name).editions) {
          if (!e.effectiveStated) expect(e.notes?.length ?? 0, `${j.id} ${e.id}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('a fallback names the jurisdiction and what it lacks, has no factors, and prices on a held US-MEDICARE edition of its basis', () => {
    const medicare = new Map(
      FACILITY_BILL_TYPES.map((n) => [n, new Set(facility('US-MEDICARE', n).editions.map((e) => e.id))]),
    );
    let fallbacks = 0;
    for (const j of list) {
      for (const name of FACILITY_BILL_TYPES) {
        const bt = facility(j.id, name);
        if (bt.method !== 'medicare-fallback') continue;
        fallbacks++;
        expect(bt.basis, `${j.id} ${name}`).toBe(BASIS[name]);
        expect(bt.missing?.includes(j.name), `${j.id} ${name} names itself in missing`).toBe(true);
        for (const e of bt.editions) {
          expect(medicare.get(name)?.has(e.data ?? ''), `${j.id} ${e.id} data ${e.data}`).toBe(true);
          expect(e.factors ?? [], `${j.id} ${e.id}`).toEqual([]);
        }
      }
    }
    expect(fallbacks).toBeGreaterThan(50); // guard against running vacuously
  });

  it('a percent of Medicare prices on the US-MEDICARE edition of its basis', () => {
    const byBasis = {
      opps: new Set(facility('US-MEDICARE', 'outpatient').editions.map((e) => e.id)),
      asc: new Set(facility('US-MEDICARE', 'asc').editions.map((e) => e.id)),
      ipps: new Set(facility('US-MEDICARE', 'inpatient').editions.map((e) => e.id)),
    };
    for (const j of list) {
      for (const name of FACILITY_BILL_TYPES) {
        const bt = facility(j.id, name);
        if (bt.method !== 'percent-of-medicare') continue;
        for (const e of bt.editions) {
          expect(byBasis[bt.basis ?? 'opps'].has(e.data ?? ''), `${j.id} ${e.id} data ${e.data}`).toBe(true);
        }
      }
    }
  });

  it('an unsupported method says what is missing and cites what was read', () => {
    const unsupported = list.flatMap((j) =>
      FACILITY_BILL_TYPES.filter((n) => facility(j.id, n).method === 'unsupported').map(
        (n) => `${j.id} ${n}`,
      ),
    );
    // Each read in its rule (see the sources on each bill type): state tables, per diems, cost-to-charge ratios, Medicaid or own DRG rates.
    expect(unsupported).toEqual([
      ...['AL outpatient', 'AL asc', 'AL inpatient', 'AR inpatient', 'CO inpatient', 'FL outpatient'],
      ...['FL inpatient', 'IL outpatient', 'IL asc', 'IL inpatient', 'KS inpatient', 'KY outpatient'],
      ...['KY asc', 'KY inpatient', 'ME outpatient', 'ME asc', 'ME inpatient', 'MI outpatient'],
      ...['MI inpatient', 'MS outpatient', 'MS inpatient', 'MT outpatient', 'MT asc', 'MT inpatient'],
      ...['NY outpatient', 'NY asc', 'NY inpatient', 'OH asc', 'OR outpatient', 'OR inpatient'],
      ...['TN inpatient', 'VA outpatient', 'VA asc', 'VA inpatient', 'WA outpatient', 'WA inpatient'],
    ]);
    for (const at of unsupported) {
      const [id, name] = at.split(' ') as [string, (typeof FACILITY_BILL_TYPES)[number]];
      const bt = facility(id, name);
      expect(bt.missing?.length ?? 0, at).toBeGreaterThan(50);
      expect(bt.sources?.[0]?.url, at).toMatch(/^https:\/\//);
      expect(bt.editions, at).toEqual([]);
    }
  });
});

describe('the facility methods we hold a source for', () => {
  it('US-MEDICARE is medicare on OPPS, ASC and IPPS, with the CMS files held', () => {
    expect(
      FACILITY_BILL_TYPES.map((n) => [facility('US-MEDICARE', n).method, facility('US-MEDICARE', n).basis]),
    ).toEqual([
      ['medicare', 'opps'],
      ['medicare', 'asc'],
      ['medicare', 'ipps'],
    ]);
    expect(
      facility('US-MEDICARE', 'inpatient').editions.map((e) => [e.id, e.effective, e.termination]),
    ).toEqual([
      ['US-MEDICARE-IPPS-FY2025', '2024-10-01', '2025-09-30'],
      ['US-MEDICARE-IPPS-FY2026', '2025-10-01', null],
    ]);
    const opps2026 = facility('US-MEDICARE', 'outpatient').editions.find(
      (e) => e.id === 'US-MEDICARE-OPPS-2026',
    );
    expect(opps2026?.sources.map((s) => s.file)).toContain('facility/opps/cms-pricer/apc-rate-2026.csv');
  });

  it('Texas: ASC 235% (153% with implants paid apart) under 28 TAC §134.402; hospital outpatient and inpatient on Medicare, their §134.403(f)/§134.404(f) percentages not read', () => {
    expect(factors('TX', 'asc')).toEqual({ all: '2.35', 'implants-carved-out': '1.53' });
    expect(facility('TX', 'asc').editions[0]?.factors?.[0]?.source.url).toBe(
      'https://www.tdi.texas.gov/wc/fee/ascfaq.html',
    );
    expect(facility('TX', 'asc').carveOuts?.[0]?.payment.kind).toBe('not-modelled');
    // A percentage we could not read in any source is not priced on: Medicare at 100%, saying why.
    for (const [type, section] of [
      ['outpatient', '§134.403'],
      ['inpatient', '§134.404'],
    ] as const) {
      expect(facility('TX', type).method).toBe('medicare-fallback');
      expect(factors('TX', type)).toEqual({});
      expect(facility('TX', type).carveOuts).toBeUndefined();
      expect(facility('TX', type).missing).toContain(section);
    }
  });

  it('California: inpatient 1.20 (8 CCR § 9789.22(a)); outpatient and ASC 1.22 on the OPPS for surgery (§ 9789.33(a))', () => {
    expect(factors('CA', 'inpatient')).toEqual({ all: '1.20' });
    expect(factors('CA', 'outpatient')).toEqual({ surgery: '1.22' });
    expect(factors('CA', 'asc')).toEqual({ surgery: '1.22' });
    expect(facility('CA', 'asc').basis).toBe('opps');
    expect(facility('CA', 'asc').editions.map((e) => e.data)).toEqual([
      'US-MEDICARE-OPPS-2025',
      'US-MEDICARE-OPPS-2026',
    ]);
  });

  it('North Carolina: 04 NCAC 10J .0103(b)(3) inpatient 160% and (c)(3) outpatient 200% from January 1, 2017; ASC not read', () => {
    expect(factors('NC', 'inpatient')).toEqual({ all: '1.60' });
    expect(factors('NC', 'outpatient')).toEqual({ all: '2.00' });
    expect(facility('NC', 'asc').method).toBe('medicare-fallback');
  });

  it("South Carolina: 140% of Medicare for inpatient and outpatient facility services since October 1, 2006 (the Commission's page)", () => {
    for (const n of FACILITY_BILL_TYPES) expect(factors('SC', n), n).toEqual({ all: '1.40' });
    expect(facility('SC', 'asc').basis).toBe('asc');
  });

  it('Tennessee: outpatient and surgery centres at 150% of Medicare APC rates (0800-02-18-.07(1)(c)); inpatient per diems are not a Medicare multiple', () => {
    expect(factors('TN', 'outpatient')).toEqual({ all: '1.50' });
    expect(factors('TN', 'asc')).toEqual({ all: '1.50' });
    expect(facility('TN', 'asc').basis).toBe('opps');
    expect(facility('TN', 'inpatient').method).toBe('unsupported');
  });

  it('Indiana: medical service facilities at 200% of Medicare from July 1, 2014 (Ind. Code § 22-3-3-5.2)', () => {
    for (const n of FACILITY_BILL_TYPES) expect(factors('IN', n), n).toEqual({ all: '2.00' });
  });

  it('Ohio: OAC 4123-6-37.1 inpatient 1.181, 4123-6-37.2 outpatient 1.485 (children 2.758), ASC on its own appendix', () => {
    expect(factors('OH', 'inpatient')).toEqual({ all: '1.181' });
    expect(factors('OH', 'outpatient')).toEqual({ all: '1.485', 'childrens-hospital': '2.758' });
    expect(facility('OH', 'asc').method).toBe('unsupported');
  });

  it('Georgia prices from its own Inpatient_Hospital and Outpatient tables, held in the reference data', () => {
    expect(
      FACILITY_BILL_TYPES.map((n) => [facility('GA', n).method, facility('GA', n).editions[0]?.data]),
    ).toEqual([
      ['state-table', 'state-wc/GA/csv/Outpatient.csv'],
      ['state-table', 'state-wc/GA/csv/Outpatient.csv'],
      ['state-table', 'state-wc/GA/csv/Inpatient_Hospital.csv'],
    ]);
    // Outpatient.csv line 1 (header): ",CODE,DESCRIPTION,APC,OP MAR,SI,ASC MAR,PI"; Inpatient_Hospital.csv: ",MS-DRG,DESCRIPTION,FEE".
    const dir = referenceDataDir();
    expect(
      readFileSync(path.join(dir, 'state-wc/GA/csv/Outpatient.csv'), 'utf8').split('\n')[0]?.trim(),
    ).toBe(',CODE,DESCRIPTION,APC,OP MAR,SI,ASC MAR,PI');
    expect(
      readFileSync(path.join(dir, 'state-wc/GA/csv/Inpatient_Hospital.csv'), 'utf8').split('\n')[0]?.trim(),
    ).toBe(',MS-DRG,DESCRIPTION,FEE');
  });

  it('counts: sourced methods per bill type, the rest on Medicare', () => {
    const count = (name: (typeof FACILITY_BILL_TYPES)[number], methods: string[]) =>
      list.filter((j) => methods.includes(facility(j.id, name).method)).length;
    const sourced = ['percent-of-medicare', 'state-table', 'medicare', 'unsupported'];
    expect(FACILITY_BILL_TYPES.map((n) => count(n, sourced))).toEqual([20, 15, 23]);
    expect(FACILITY_BILL_TYPES.map((n) => count(n, ['percent-of-medicare']))).toEqual([6, 5, 5]);
    expect(FACILITY_BILL_TYPES.map((n) => count(n, ['medicare-fallback']))).toEqual([33, 38, 30]);
  });
});

describe('facilityEditionFor', () => {
  it('picks the inpatient edition by discharge date across the federal fiscal year (IPPS FY2026 from October 1, 2025)', () => {
    const nc = get('NC');
    expect(facilityEditionFor(nc, 'inpatient', '2025-09-30')?.edition.id).toBe('NC-IPPS-FY2025');
    expect(facilityEditionFor(nc, 'inpatient', '2025-10-01')?.edition.id).toBe('NC-IPPS-FY2026');
    expect(facilityEditionFor(nc, 'inpatient', '2025-10-01')?.method.method).toBe('percent-of-medicare');
    expect(facilityEditionFor(nc, 'inpatient', '2026-09-30')?.pastLatest).toBe(false);
    expect(facilityEditionFor(nc, 'inpatient', '2026-10-01')?.pastLatest).toBe(true);
    expect(facilityEditionFor(nc, 'inpatient', '2024-09-30')).toBeUndefined();
  });

  it('outpatient and ASC follow the calendar year; an unsupported method has no edition', () => {
    expect(facilityEditionFor(get('NC'), 'outpatient', '2026-03-02')?.edition.data).toBe(
      'US-MEDICARE-OPPS-2026',
    );
    expect(facilityEditionFor(get('CA'), 'asc', '2025-06-30')?.edition.data).toBe('US-MEDICARE-OPPS-2025');
    expect(facilityEditionFor(get('FL'), 'inpatient', '2026-03-02')).toBeUndefined();
  });

  it('rejects a date that is not a calendar date, as editionFor does', () => {
    expect(() => facilityEditionFor(get('TX'), 'asc', '2025-02-29')).toThrow(RangeError);
    expect(() => editionFor(get('TX'), '2025-02-29')).toThrow(RangeError);
  });
});

describe('the summary (GET /v1/jurisdictions) shows the facility methods', () => {
  it('North Carolina inpatient and Texas ASC: method, basis, factors by edition, carve-outs and linked sources', () => {
    const s = summariseJurisdiction(get('NC')).facility.inpatient;
    expect(s).toMatchObject({ method: 'percent-of-medicare', basis: 'ipps' });
    expect(s?.editions.at(-1)).toEqual({
      id: 'NC-IPPS-FY2026',
      effective: '2025-10-01',
      termination: null,
      factors: [{ category: 'all', value: '1.60' }],
    });
    expect(s?.sources.every((x) => x.url?.startsWith('https://'))).toBe(true);
    const asc = summariseJurisdiction(get('TX')).facility.asc;
    expect(asc).toMatchObject({ method: 'percent-of-medicare', basis: 'asc', carveOuts: ['implantables'] });
    expect(s?.sources.every((x) => x.url?.startsWith('https://'))).toBe(true);
  });

  it('an unsupported method shows what is missing and what was read', () => {
    const s = summariseJurisdiction(get('FL')).facility.inpatient;
    expect(s?.method).toBe('unsupported');
    expect(s?.missing).toMatch(/per diem/);
    expect(s?.sources[0]?.url).toMatch(/^https:\/\/www\.flrules\.org\//);
  });
});

describe('docs/jurisdictions.md', () => {
  it('holds the facility section as generated from the files (regenerate: npx tsx fee-data/jurisdictions/facility-table.ts)', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'jurisdictions.md'), 'utf8');
    const start = doc.indexOf(FACILITY_SECTION_START);
    const end = doc.indexOf(FACILITY_SECTION_END);
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start, end + FACILITY_SECTION_END.length)).toBe(facilitySection(list));
  });
});

describe('the facility schema rules, each naming the file and the field', () => {
  const tx = () => JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'TX.json'), 'utf8')) as Jurisdiction;
  const nc = () => JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'NC.json'), 'utf8')) as Jurisdiction;
  /**
   * North Carolina's inpatient method with a cost-plus implant carve-out added: no file holds one
   * now (Texas's hospital percentages and implant amounts were not read), so the schema's carve-out
   * rules are tried on this fixture. Its numbers are made up and price nothing.
   */
  const withCarveOut = (): Jurisdiction => {
    const j = nc();
    const inpatient = j.billTypes.inpatient;
    if (inpatient === undefined) throw new Error('fixture changed');
    for (const e of inpatient.editions) {
      e.factors = [
        ...(e.factors ?? []),
        {
          category: 'implants-carved-out',
          value: '1.10',
          source: { citation: 'a made-up rule', url: 'https://example.org' },
        },
      ];
    }
    (inpatient as { carveOuts?: unknown }).carveOuts = [
      {
        id: 'implantables',
        when: 'on-request',
        factorCategory: 'implants-carved-out',
        payment: {
          kind: 'cost-plus',
          costBasis: 'invoice',
          addOnPercent: '10',
          perItemAddOnCap: '1000.00',
          perClaimAddOnCap: '2000.00',
        },
        needs: ['the implant invoice'],
        source: { citation: 'a made-up rule', url: 'https://example.org', section: '(g)' },
      },
    ];
    return j;
  };
  const ak = () => JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'AK.json'), 'utf8')) as Jurisdiction;

  function rejects(file: string, j: unknown, field: RegExp): void {
    let error: unknown;
    try {
      parseJurisdictionFile(file, JSON.stringify(j));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JurisdictionFileError);
    expect((error as JurisdictionFileError).field).toMatch(field);
  }

  it('accepts the files as they are (the acceptance case for each rule below)', () => {
    expect(() => parseJurisdictionFile('TX.json', JSON.stringify(tx()))).not.toThrow();
    expect(() => parseJurisdictionFile('AK.json', JSON.stringify(ak()))).not.toThrow();
    expect(() => parseJurisdictionFile('NC.json', JSON.stringify(withCarveOut()))).not.toThrow();
  });

  it('a facility factor without an https link', () => {
    const j = nc();
    const f = j.billTypes.inpatient?.editions[0]?.factors?.[0];
    if (f === undefined) throw new Error('fixture changed');
    (f.source as { url?: string }).url = undefined;
    rejects('NC.json', j, /^billTypes\.inpatient\.editions\.0\.factors\.0\.source\.url$/);
  });

  it('a facility factor that is a percentage, not a multiplier ("143" for 143%)', () => {
    const j = nc();
    const f = j.billTypes.inpatient?.editions[0]?.factors?.[0];
    if (f === undefined) throw new Error('fixture changed');
    f.value = '143';
    rejects('NC.json', j, /^billTypes\.inpatient\.editions\.0\.factors\.0\.value$/);
  });

  it('a percent-of-medicare edition without factors', () => {
    const j = nc();
    const e = j.billTypes.outpatient?.editions[1];
    if (e === undefined) throw new Error('fixture changed');
    e.factors = [];
    rejects('NC.json', j, /^billTypes\.outpatient\.editions\.1\.factors$/);
  });

  it('a category given twice in an edition', () => {
    const j = tx();
    const e = j.billTypes.asc?.editions[0];
    if (e?.factors?.[1] === undefined) throw new Error('fixture changed');
    e.factors[1].category = 'all';
    rejects('TX.json', j, /^billTypes\.asc\.editions\.0\.factors$/);
  });

  it('a method that prices on Medicare without its basis', () => {
    const j = ak();
    if (j.billTypes.asc === undefined) throw new Error('fixture changed');
    j.billTypes.asc.basis = undefined;
    rejects('AK.json', j, /^billTypes\.asc\.basis$/);
  });

  it('a fallback that does not say what is missing, or that carries factors', () => {
    const j = ak();
    if (j.billTypes.inpatient === undefined) throw new Error('fixture changed');
    j.billTypes.inpatient.missing = undefined;
    rejects('AK.json', j, /^billTypes\.inpatient\.missing$/);
    const k = ak();
    const e = k.billTypes.inpatient?.editions[0];
    if (e === undefined) throw new Error('fixture changed');
    e.factors = [
      { category: 'all', value: '1.00', source: { citation: 'a made-up rule', url: 'https://example.org' } },
    ];
    rejects('AK.json', k, /^billTypes\.inpatient\.editions\.0\.factors$/);
  });

  it('an unsupported method without a cited source', () => {
    const j = JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'FL.json'), 'utf8')) as Jurisdiction;
    if (j.billTypes.inpatient === undefined) throw new Error('fixture changed');
    j.billTypes.inpatient.sources = [];
    rejects('FL.json', j, /^billTypes\.inpatient\.sources$/);
  });

  it('a state-table edition that names no table', () => {
    const j = JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'GA.json'), 'utf8')) as Jurisdiction;
    const e = j.billTypes.inpatient?.editions[0];
    if (e === undefined) throw new Error('fixture changed');
    e.data = undefined;
    rejects('GA.json', j, /^billTypes\.inpatient\.editions\.0\.data$/);
  });

  it("a carve-out whose factor category is not among the edition's factors", () => {
    const j = withCarveOut();
    const c = j.billTypes.inpatient?.carveOuts?.[0];
    if (c === undefined) throw new Error('fixture changed');
    c.factorCategory = 'implants';
    rejects('NC.json', j, /^billTypes\.inpatient\.carveOuts\.0\.factorCategory$/);
  });

  it('a cost-plus carve-out whose cap is not dollars and cents', () => {
    const j = withCarveOut();
    const c = j.billTypes.inpatient?.carveOuts?.[0];
    if (c?.payment.kind !== 'cost-plus') throw new Error('fixture changed');
    c.payment.perItemAddOnCap = '1000';
    rejects('NC.json', j, /^billTypes\.inpatient\.carveOuts\.0\.payment\.perItemAddOnCap$/);
  });

  it('facility editions out of order', () => {
    const j = nc();
    const eds = j.billTypes.inpatient?.editions;
    if (eds?.[1] === undefined) throw new Error('fixture changed');
    eds[1].effective = '2025-09-01';
    rejects('NC.json', j, /^billTypes\.inpatient\.editions\.1\.effective$/);
  });

  it('an unknown method', () => {
    const j = tx() as unknown as { billTypes: { asc: { method: string } } };
    j.billTypes.asc.method = 'per-diem';
    rejects('TX.json', j, /^billTypes\.asc\.method$/);
  });
});
