import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Edition,
  editionFor,
  JURISDICTIONS_DIR,
  JurisdictionFileError,
  jurisdictionById,
  loadJurisdictions,
  parseJurisdictionFile,
} from '../../../fee-data/jurisdictions/registry.js';
import type { Jurisdiction } from '../../../lambdas/domain/jurisdiction-schema.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const STATES = [
  'AK',
  'AL',
  'AR',
  'AZ',
  'CA',
  'CO',
  'CT',
  'DE',
  'FL',
  'GA',
  'HI',
  'IA',
  'ID',
  'IL',
  'IN',
  'KS',
  'KY',
  'LA',
  'MA',
  'MD',
  'ME',
  'MI',
  'MN',
  'MO',
  'MS',
  'MT',
  'NC',
  'ND',
  'NE',
  'NH',
  'NJ',
  'NM',
  'NV',
  'NY',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VA',
  'VT',
  'WA',
  'WI',
  'WV',
  'WY',
];
const ALL_IDS = [...STATES, 'DC', 'US-MEDICARE', 'US-OWCP'].sort();

const list = loadJurisdictions();

function get(id: string): Jurisdiction {
  const j = jurisdictionById(list, id);
  if (j === undefined) throw new Error(`no jurisdiction ${id}`);
  return j;
}

function editions(id: string): Edition[] {
  return get(id).billTypes.professional.editions;
}

function edition(id: string, editionId: string): Edition {
  const e = editions(id).find((x) => x.id === editionId);
  if (e === undefined) throw new Error(`no edition ${editionId} in ${id}`);
  return e;
}

/** Every source object anywhere in a jurisdiction, with where it sits. */
function sourcesOf(
  j: Jurisdiction,
): { at: string; source: { citation: string; url?: string; file?: string } }[] {
  const out: { at: string; source: { citation: string; url?: string; file?: string } }[] = [];
  j.billTypes.professional.editions.forEach((e, i) => {
    e.sources.forEach((s, k) => {
      out.push({ at: `${j.id} editions.${i}.sources.${k}`, source: s });
    });
    (e.factors ?? []).forEach((f, k) => {
      out.push({ at: `${j.id} editions.${i}.factors.${k}`, source: f.source });
    });
  });
  if (j.locationRule.source) out.push({ at: `${j.id} locationRule`, source: j.locationRule.source });
  for (const key of ['ncci', 'mue', 'lesserOfBilled', 'drugDispensingFee'] as const) {
    const value = j[key];
    if (value) out.push({ at: `${j.id} ${key}`, source: value.source });
  }
  return out;
}

/** The shared reference data beside the repository; a missing directory fails, never skips. */
function referenceDir(): string {
  const dir = path.resolve(
    process.env.WCBR_REFERENCE_DATA ?? path.join(REPO, '..', 'shared', 'reference-data'),
  );
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`reference data directory not found: ${dir} (set WCBR_REFERENCE_DATA)`);
  }
  return dir;
}

describe('loadJurisdictions on the repository files', () => {
  it('loads and validates all 53 files, sorted by id', () => {
    expect(list).toHaveLength(53);
    expect(list.map((j) => j.id)).toEqual(ALL_IDS);
  });

  it('holds exactly the 50 states, DC, US-OWCP and US-MEDICARE, each in <ID>.json', () => {
    expect(STATES).toHaveLength(50);
    for (const id of ALL_IDS) expect(existsSync(path.join(JURISDICTIONS_DIR, `${id}.json`))).toBe(true);
  });

  it('finds a jurisdiction by id, ignoring case and spaces', () => {
    expect(jurisdictionById(list, ' az ')?.name).toBe('Arizona');
    expect(jurisdictionById(list, 'us-owcp')?.id).toBe('US-OWCP');
    expect(jurisdictionById(list, 'XX')).toBeUndefined();
  });
});

describe('every number has a source', () => {
  it('every factor names a citation and a file or a link', () => {
    for (const j of list) {
      for (const e of j.billTypes.professional.editions) {
        for (const f of e.factors ?? []) {
          expect(f.source.citation.length, `${j.id} ${e.id} ${f.category}`).toBeGreaterThan(10);
          expect(
            f.source.file !== undefined || f.source.url !== undefined,
            `${j.id} ${e.id} ${f.category}`,
          ).toBe(true);
        }
      }
    }
  });

  it('every edition has at least one source', () => {
    for (const j of list) {
      for (const e of j.billTypes.professional.editions)
        expect(e.sources.length, `${j.id} ${e.id}`).toBeGreaterThan(0);
    }
  });

  it('every reference file a source names exists in the shared reference data', () => {
    const dir = referenceDir();
    const files = new Set(
      list.flatMap((j) => sourcesOf(j).flatMap((s) => (s.source.file ? [s.source.file] : []))),
    );
    expect(files.size).toBeGreaterThan(10);
    for (const file of files) expect(existsSync(path.join(dir, file)), file).toBe(true);
  });

  it('an edition whose date is not stated by a source says how it was found', () => {
    for (const j of list) {
      for (const e of j.billTypes.professional.editions) {
        if (!e.effectiveStated) expect(e.notes?.length ?? 0, `${j.id} ${e.id}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('methods', () => {
  it('US-MEDICARE is medicare with the 2025 and 2026 editions and their CMS files', () => {
    const j = get('US-MEDICARE');
    expect(j.billTypes.professional.method).toBe('medicare');
    expect(editions('US-MEDICARE').map((e) => [e.id, e.effective])).toEqual([
      ['US-MEDICARE-2025', '2025-01-01'],
      ['US-MEDICARE-2026', '2026-01-01'],
    ]);
    expect(edition('US-MEDICARE', 'US-MEDICARE-2025').sources.map((s) => s.file)).toContain(
      'mpfs-rvu/PPRRVU2025_Oct.csv',
    );
    expect(edition('US-MEDICARE', 'US-MEDICARE-2026').sources.map((s) => s.file)).toContain(
      'mpfs-gpci-locality/GPCI2026.csv',
    );
  });

  it('the Medicare CFs are those the RVU files print (PPRRVU2025_Oct.csv line 12807: 99213 ... 32.3465)', () => {
    const dir = referenceDir();
    const line =
      readFileSync(path.join(dir, 'mpfs-rvu', 'PPRRVU2025_Oct.csv'), 'latin1').split(/\r?\n/)[12806] ?? '';
    expect(line.startsWith('99213,')).toBe(true);
    expect(line.split(',')[24]).toBe('32.3465');
    const f = edition('US-MEDICARE', 'US-MEDICARE-2025').factors?.find((x) => x.category === 'all');
    expect(f?.value).toBe('32.3465');
    expect(edition('US-MEDICARE', 'US-MEDICARE-2026').factors?.find((x) => x.category === 'all')?.value).toBe(
      '33.4009',
    );
  });

  it('every medicare-fallback names what is missing and prices on US-MEDICARE editions we hold', () => {
    const medicare = new Set(editions('US-MEDICARE').map((e) => e.id));
    const fallbacks = list.filter((j) => j.billTypes.professional.method === 'medicare-fallback');
    expect(fallbacks.length).toBeGreaterThanOrEqual(40);
    for (const j of fallbacks) {
      const bt = j.billTypes.professional;
      expect(bt.missing, j.id).toBeDefined();
      expect(bt.missing?.includes(j.name), `${j.id} names itself in missing`).toBe(true);
      expect(bt.editions.length, j.id).toBeGreaterThan(0);
      for (const e of bt.editions) {
        expect(medicare.has(e.data ?? ''), `${j.id} ${e.id} data ${e.data}`).toBe(true);
        expect(e.factors ?? [], `${j.id} ${e.id}: a fallback has no factors of its own`).toEqual([]);
      }
    }
  });

  it('the jurisdictions we hold a schedule or rule for use it', () => {
    const methods = Object.fromEntries(list.map((j) => [j.id, j.billTypes.professional.method]));
    expect(methods).toMatchObject({
      AZ: 'state-table',
      GA: 'state-table',
      NC: 'state-table',
      AL: 'state-table',
      LA: 'state-table',
      TX: 'rbrvs-state-cf',
      CA: 'rbrvs-state-cf',
      'US-OWCP': 'rbrvs-state-cf',
      HI: 'percent-of-medicare',
      'US-MEDICARE': 'medicare',
    });
  });

  it('a method that cannot price yet says what is missing (CA, US-OWCP, TX, LA beyond radiology)', () => {
    for (const id of ['CA', 'US-OWCP', 'TX', 'LA']) {
      expect(get(id).billTypes.professional.missing?.length ?? 0, id).toBeGreaterThan(20);
    }
    expect(edition('CA', 'CA-2019').factors).toBeUndefined();
    expect(edition('US-OWCP', 'US-OWCP-2023-07-09').factors).toBeUndefined();
  });
});

describe('editions', () => {
  it('are in order of effective date and do not overlap, in every jurisdiction', () => {
    for (const j of list) {
      const eds = j.billTypes.professional.editions;
      for (let i = 1; i < eds.length; i++) {
        const prev = eds[i - 1] as Edition;
        const cur = eds[i] as Edition;
        expect(cur.effective > prev.effective, `${j.id} ${cur.id} after ${prev.id}`).toBe(true);
        if (prev.termination !== null)
          expect(prev.termination < cur.effective, `${j.id} ${prev.id}`).toBe(true);
      }
      for (const e of eds) {
        if (e.termination !== null) expect(e.termination >= e.effective, `${j.id} ${e.id}`).toBe(true);
      }
      expect(new Set(eds.map((e) => e.id)).size, j.id).toBe(eds.length);
    }
  });
});

describe('the facts we hold', () => {
  it('Arizona 2024: surgery 72, radiology 70, anesthesia 61, all other 68, from the AZ file', () => {
    const e = edition('AZ', 'AZ-2024');
    const byCategory = Object.fromEntries((e.factors ?? []).map((f) => [f.category, f.value]));
    expect(byCategory).toEqual({ surgery: '72', radiology: '70', anesthesia: '61', all: '68' });
    for (const f of e.factors ?? []) expect(f.source.file).toBe('state-wc/AZ/csv/RBRVS_FeeSchedule2024.csv');
  });

  it('the AZ factors are the ones the AZ file prints (lines 2-5)', () => {
    const lines = readFileSync(path.join(referenceDir(), 'state-wc/AZ/csv/RBRVS_FeeSchedule2024.csv'), 'utf8')
      .split(/\r?\n/)
      .slice(1, 5);
    expect(lines.map((l) => l.split(',').filter((c) => c !== ''))).toEqual([
      ['Surgery', '72'],
      ['Radiology', '70'],
      ['All Other', '68'],
      ['Anesthesia', '61'],
    ]);
  });

  it('Texas 2024: 67.81 and 85.12 for surgery in a facility, citing 28 TAC §134.203', () => {
    const e = edition('TX', 'TX-2024');
    expect([e.effective, e.termination, e.effectiveStated]).toEqual(['2024-01-01', '2024-12-31', true]);
    expect((e.factors ?? []).map((f) => [f.category, f.value])).toEqual([
      ['all', '67.81'],
      ['surgery-facility', '85.12'],
    ]);
    for (const f of e.factors ?? []) {
      expect(f.source.citation).toContain('28 TAC §134.203');
      expect(f.source.url).toMatch(/^https:\/\/www\.tdi\.texas\.gov\//);
    }
  });

  it('Texas 2025 and 2026: the Medicare year is held but the DWC CF is not, and the notes say so', () => {
    for (const id of ['TX-2025', 'TX-2026']) {
      const e = edition('TX', id);
      expect(e.factors, id).toBeUndefined();
      expect(e.notes?.join(' '), id).toMatch(/not in our data/);
    }
    expect(edition('TX', 'TX-2024').notes?.join(' ')).toMatch(/CY2024 Medicare PFS, which we do not hold/);
  });

  it('Georgia and North Carolina: years inferred from their codes, not stated', () => {
    const ga = edition('GA', 'GA-2024');
    const nc = edition('NC', 'NC-2025');
    expect([ga.effective, ga.effectiveStated]).toEqual(['2024-04-01', false]);
    expect([nc.effective, nc.effectiveStated]).toEqual(['2025-01-01', false]);
    expect(ga.notes?.join(' ')).toMatch(/99441-99443/);
    expect(nc.notes?.join(' ')).toMatch(/98016/);
  });

  it('Alabama 2024 is effective March 1, 2024 as its PDF states', () => {
    const e = edition('AL', 'AL-2024');
    expect([e.effective, e.effectiveStated]).toEqual(['2024-03-01', true]);
  });

  it('Louisiana holds radiology only, year unknown, and sends the rest to Medicare', () => {
    const e = edition('LA', 'LA-RADIOLOGY-YEAR-UNKNOWN');
    expect(e.effectiveStated).toBe(false);
    expect(e.notes?.[0]).toMatch(/^Year unknown/);
    expect(get('LA').billTypes.professional.missing).toMatch(/falls back to the Medicare PFS/);
  });

  it('Delaware pays the lesser of billed and fee (19 Del. C. §2322B) and records its out-of-state rule as not applied', () => {
    const de = get('DE');
    expect(de.lesserOfBilled?.value).toBe(true);
    expect(de.lesserOfBilled?.source.citation).toContain('§2322B');
    expect(de.locationRule.outOfState).toMatch(/lesser of the out-of-state and in-state totals/);
  });

  it('what is not sourced stays null', () => {
    for (const id of ['FL', 'NY', 'CA', 'AZ']) {
      const j = get(id);
      expect([j.mue, j.drugDispensingFee], id).toEqual([null, null]);
    }
    expect(get('TX').mue).toBeNull();
    expect(get('US-MEDICARE').drugDispensingFee).toBeNull();
  });

  it('Texas adds a $4.00 dispensing fee per prescription, citing 28 TAC §134.503 on the Secretary of State site', () => {
    const fee = get('TX').drugDispensingFee;
    expect(fee?.value).toBe('4.00');
    expect(fee?.source.citation).toContain('28 TAC §134.503(c)(1)(A)-(B)');
    expect(fee?.source.url).toMatch(/^https:\/\/texreg\.sos\.state\.tx\.us\/.*ti=28&pt=2&ch=134&rl=503$/);
    expect(get('TX').notes?.some((n) => n.includes('parenteral') && n.includes('NADAC'))).toBe(true);
  });

  it('Medicare applies its own NCCI edits (since 1996) and MUEs (since 2007), with CMS as the source', () => {
    const m = get('US-MEDICARE');
    expect(m.ncci).toMatchObject({ adopted: true, from: '1996-01-01' });
    expect(m.mue).toMatchObject({ adopted: true, from: '2007-01-01' });
    expect(m.mue?.source.url).toMatch(/^https:\/\/www\.cms\.gov\//);
  });
});

describe('editionFor', () => {
  it('picks the Medicare edition of the date and flags a date past the last edition', () => {
    const m = get('US-MEDICARE');
    expect(editionFor(m, '2024-12-31')).toBeUndefined();
    expect(editionFor(m, '2025-01-01')).toEqual({
      edition: edition('US-MEDICARE', 'US-MEDICARE-2025'),
      pastLatest: false,
    });
    expect(editionFor(m, '2025-12-31')?.edition.id).toBe('US-MEDICARE-2025');
    expect(editionFor(m, '2026-01-01')).toEqual({
      edition: edition('US-MEDICARE', 'US-MEDICARE-2026'),
      pastLatest: false,
    });
    expect(editionFor(m, '2026-12-31')?.pastLatest).toBe(false);
    expect(editionFor(m, '2027-01-01')).toEqual({
      edition: edition('US-MEDICARE', 'US-MEDICARE-2026'),
      pastLatest: true,
    });
  });

  it('honours a termination date (Texas 2024 ends 2024-12-31)', () => {
    const tx = get('TX');
    expect(editionFor(tx, '2023-12-31')).toBeUndefined();
    expect(editionFor(tx, '2024-12-31')?.edition.id).toBe('TX-2024');
    expect(editionFor(tx, '2025-01-01')?.edition.id).toBe('TX-2025');
    expect(editionFor(tx, '2025-12-31')).toEqual({ edition: edition('TX', 'TX-2025'), pastLatest: false });
    expect(editionFor(tx, '2028-06-01')).toEqual({ edition: edition('TX', 'TX-2026'), pastLatest: true });
  });

  it('measures an edition year from its effective date (Alabama from March 1, Georgia from April 1)', () => {
    const al = get('AL');
    expect(editionFor(al, '2024-02-29')).toBeUndefined();
    expect(editionFor(al, '2024-03-01')).toEqual({ edition: edition('AL', 'AL-2024'), pastLatest: false });
    expect(editionFor(al, '2025-02-28')?.pastLatest).toBe(false);
    expect(editionFor(al, '2025-03-01')?.pastLatest).toBe(true);
    expect(editionFor(get('GA'), '2025-03-31')?.pastLatest).toBe(false);
    expect(editionFor(get('GA'), '2025-04-01')?.pastLatest).toBe(true);
  });

  it('a fallback state follows the Medicare editions', () => {
    expect(editionFor(get('FL'), '2025-06-30')?.edition.data).toBe('US-MEDICARE-2025');
    expect(editionFor(get('FL'), '2026-06-30')?.edition.data).toBe('US-MEDICARE-2026');
    expect(editionFor(get('FL'), '2024-06-30')).toBeUndefined();
  });

  it('returns nothing in a gap after a terminated edition, and ends an open edition the day before the next', () => {
    const base = get('AL');
    const e = (id: string, effective: string, termination: string | null): Edition => ({
      id,
      effective,
      termination,
      effectiveStated: true,
      sources: [{ citation: 'synthetic' }],
    });
    const j: Jurisdiction = {
      ...base,
      billTypes: {
        professional: {
          method: 'state-table',
          editions: [
            e('A', '2020-01-01', '2020-12-31'),
            e('B', '2022-01-01', null),
            e('C', '2023-07-01', null),
          ],
        },
      },
    };
    expect(editionFor(j, '2021-06-01')).toBeUndefined();
    expect(editionFor(j, '2022-12-31')).toEqual({ edition: e('B', '2022-01-01', null), pastLatest: false });
    expect(editionFor(j, '2023-06-30')).toEqual({ edition: e('B', '2022-01-01', null), pastLatest: true });
    expect(editionFor(j, '2023-07-01')?.edition.id).toBe('C');
  });

  it('rejects a date that is not a calendar date', () => {
    const m = get('US-MEDICARE');
    expect(() => editionFor(m, '2025-02-29')).toThrow(RangeError);
    expect(() => editionFor(m, '2025-13-01')).toThrow(RangeError);
    expect(() => editionFor(m, '03/01/2025')).toThrow(RangeError);
    expect(editionFor(get('AL'), '2028-02-29')?.pastLatest).toBe(true);
  });
});

describe('loadJurisdictions rejects a broken file, naming the file and the field', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  function withFile(name: string, content: string): string {
    dir = mkdtempSync(path.join(tmpdir(), 'wcbr-jur-'));
    writeFileSync(path.join(dir, name), content);
    return dir;
  }

  const az = readFileSync(path.join(JURISDICTIONS_DIR, 'AZ.json'), 'utf8');

  it('a factor value that is not a decimal', () => {
    const broken = az.replace('"value": "72"', '"value": "72 dollars"');
    expect(() => loadJurisdictions(withFile('AZ.json', broken))).toThrow(
      /^AZ\.json: billTypes\.professional\.editions\.0\.factors\.0\.value: /,
    );
  });

  it('a url that is not https', () => {
    const tx = readFileSync(path.join(JURISDICTIONS_DIR, 'TX.json'), 'utf8').replace(
      'https://www.tdi.texas.gov/',
      'http://www.tdi.texas.gov/',
    );
    const err = (() => {
      try {
        loadJurisdictions(withFile('TX.json', tx));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(JurisdictionFileError);
    expect((err as JurisdictionFileError).file).toBe('TX.json');
    expect((err as JurisdictionFileError).field).toMatch(
      /^billTypes\.professional\.editions\.0\.factors\.0\.source\.url$/,
    );
  });

  it('an id that is not the file name', () => {
    expect(() => loadJurisdictions(withFile('AK.json', az))).toThrow(
      'AK.json: id: is "AZ" but the file is named for "AK"',
    );
  });

  it('overlapping editions', () => {
    const j = JSON.parse(readFileSync(path.join(JURISDICTIONS_DIR, 'TX.json'), 'utf8')) as Jurisdiction;
    const eds = j.billTypes.professional.editions;
    (eds[1] as Edition).effective = '2024-12-01';
    expect(() => parseJurisdictionFile('TX.json', JSON.stringify(j))).toThrow(
      'TX.json: billTypes.professional.editions.1.effective: overlaps TX-2024, which ends 2024-12-31',
    );
  });

  it('text that is not JSON', () => {
    expect(() => loadJurisdictions(withFile('AZ.json', '{ "id": '))).toThrow(/^AZ\.json: not valid JSON/);
  });
});

describe('docs/jurisdictions.md', () => {
  const doc = readFileSync(path.join(REPO, 'docs', 'jurisdictions.md'), 'utf8');
  const rows = doc
    .split('\n')
    .filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| id '))
    .map((l) => l.split('|').map((c) => c.trim()));

  it('lists every jurisdiction once, with the method of its file', () => {
    expect(rows.map((r) => r[1])).toEqual(ALL_IDS);
    for (const r of rows) expect(r[3], r[1]).toBe(get(r[1] ?? '').billTypes.professional.method);
  });

  it('lists every edition of every file', () => {
    for (const r of rows) {
      for (const e of editions(r[1] ?? '')) expect(r[4], `${r[1]} ${e.id}`).toContain(e.id);
    }
  });
});
