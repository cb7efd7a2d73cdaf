import { beforeAll, describe, expect, it } from 'vitest';
import { buildIndexBytes } from '../../../../fee-data/build-index.js';
import type { AnyImportedDataset, Zip5Record } from '../../../../fee-data/import/records.js';
import type { OppsWageIndexRecord } from '../../../../fee-data/import/records-opps.js';
import {
  selectOppsWageIndex,
  statesOfCbsaName,
} from '../../../../lambdas/engine/facility/opps-wage-index.js';
import type { Facility } from '../../../../lambdas/engine/facility/types.js';
import { FeeIndex } from '../../../../lambdas/fee-index/reader.js';

/*
 * Which wage index an OPPS hospital is paid on, on an index holding only these official rows:
 *
 * cbsa-wage-index-2025.csv (cbsa, effective, geographic, reclassified, imputed floor, name):
 *   line 4   03,20250101,1.1097,0.9976,0.0000,ARIZONA
 *   line 32  31,20250101,0.0000,0.0000,1.1548,NEW JERSEY
 *   line 34  33,20250101,1.3056,1.1639,0.0000,NEW YORK
 *   line 325 35614,20250101,1.2961,1.2657,0.0000,New York-Jersey City-White Plains NY-NJ
 *   line 347 38060,20250101,1.0163,0.9969,0.0000,Phoenix-Mesa-Chandler AZ
 * cbsa-wage-index-2026.csv line 2: 01,20260101,0.7393,0.7393,0.0000,ALABAMA
 * outmigration-adjustment-2026.csv line 4: 01019,0.1537,20260101
 * ZIP5_OCT2025.txt line 24834: NJ 07310 (carrier 12402, locality 01); line 26150: NY 10001 (13202 01).
 */
const source = (file: string, rows: number) => ({ file, sha256: file.padEnd(64, '0').slice(0, 64), rows });

function wage(year: number, records: OppsWageIndexRecord[]): AnyImportedDataset {
  return {
    dataset: 'opps-wage-index',
    year,
    label: `OPPS wage index CY${year} (CMS pricer)`,
    effective: `${year}-01-01`,
    complete: true,
    source: source(`cbsa-wage-index-${year}.csv`, records.length),
    notes: [],
    records,
  };
}

const zip = (state: string, code: string, carrier: string, line: number): Zip5Record => ({
  state,
  zip: code,
  carrier,
  locality: '01',
  ruralIndicator: '',
  labCbLocality: '',
  plusFourFlag: '0',
  partBPaymentIndicator: '',
  yearQuarter: '20254',
  line,
});

let index: FeeIndex;
beforeAll(() => {
  const datasets: AnyImportedDataset[] = [
    wage(2025, [
      {
        cbsa: '03',
        geographic: '1.1097',
        reclassified: '0.9976',
        imputedFloor: '0.0000',
        name: 'ARIZONA',
        line: 4,
      },
      {
        cbsa: '31',
        geographic: '0.0000',
        reclassified: '0.0000',
        imputedFloor: '1.1548',
        name: 'NEW JERSEY',
        line: 32,
      },
      {
        cbsa: '33',
        geographic: '1.3056',
        reclassified: '1.1639',
        imputedFloor: '0.0000',
        name: 'NEW YORK',
        line: 34,
      },
      {
        cbsa: '35614',
        geographic: '1.2961',
        reclassified: '1.2657',
        imputedFloor: '0.0000',
        name: 'New York-Jersey City-White Plains NY-NJ',
        line: 325,
      },
      {
        cbsa: '38060',
        geographic: '1.0163',
        reclassified: '0.9969',
        imputedFloor: '0.0000',
        name: 'Phoenix-Mesa-Chandler AZ',
        line: 347,
      },
    ]),
    wage(2026, [
      {
        cbsa: '01',
        geographic: '0.7393',
        reclassified: '0.7393',
        imputedFloor: '0.0000',
        name: 'ALABAMA',
        line: 2,
      },
    ]),
    {
      dataset: 'opps-out-migration',
      year: 2026,
      label: 'OPPS out-migration adjustment CY2026 (CMS pricer)',
      effective: '2026-01-01',
      complete: true,
      source: source('outmigration-adjustment-2026.csv', 1),
      notes: [],
      records: [{ county: '01019', factor: '0.1537', line: 4 }],
    },
    {
      dataset: 'zip5',
      year: 2025,
      label: 'ZIP5 2025 Q4',
      effective: '2025-01-01',
      complete: true,
      source: source('ZIP5_OCT2025.txt', 2),
      notes: [],
      records: [zip('NJ', '07310', '12402', 24834), zip('NY', '10001', '13202', 26150)],
    },
  ];
  index = FeeIndex.fromBytes(buildIndexBytes(datasets, { builtFrom: 'official' }));
});

const select = (facility: Facility, date = '2025-03-04') => {
  const choice = selectOppsWageIndex(index, facility, date);
  if (choice.kind !== 'found') throw new Error(choice.message);
  return choice;
};

describe('selectOppsWageIndex', () => {
  it("keeps a CBSA's geographic value when it is above every floor that applies (Jersey City, NJ: 1.2961 > imputed 1.1548)", () => {
    const choice = select({ zip: '07310', cbsa: '35614' });
    expect(choice.used).toMatchObject({ value: '1.2961', basis: 'geographic', cbsa: '35614' });
    expect(choice.value).toBe(12961);
  });

  it("takes the floor of the hospital's own state in a CBSA of two states (New York, NY: rural 1.3056 > 1.2961)", () => {
    const choice = select({ zip: '10001', cbsa: '35614' });
    expect(choice.used).toMatchObject({ value: '1.3056', basis: 'rural-floor', cbsa: '33' });
    expect(choice.steps.some((s) => s.source?.line === 34)).toBe(true);
  });

  it("places a hospital whose ZIP is unknown in the CBSA's only state (Phoenix, AZ: rural floor 1.1097)", () => {
    expect(select({ zip: '00000', cbsa: '38060' }).used).toMatchObject({
      value: '1.1097',
      basis: 'rural-floor',
    });
  });

  it('applies no floor when the hospital cannot be placed in one state, and says so', () => {
    const choice = select({ zip: '00000', cbsa: '35614' });
    expect(choice.used.basis).toBe('geographic');
    expect(choice.notices.join(' ')).toContain('no rural or imputed floor');
  });

  it('pays a rural hospital on its rural area with no floor', () => {
    expect(select({ zip: '00000', cbsa: '03' }).used).toMatchObject({ value: '1.1097', basis: 'geographic' });
  });

  it('keeps the rural floor when a reclassification pays less (Phoenix reclassified into Phoenix: 0.9969)', () => {
    expect(select({ zip: '00000', cbsa: '38060', reclassifiedCbsa: '38060' }).used.basis).toBe('rural-floor');
  });

  it('adds the county out-migration adjustment to a hospital that is not reclassified (0.7393 + 0.1537 = 0.8930)', () => {
    const choice = select({ zip: '00000', cbsa: '01', county: '01019' }, '2026-03-04');
    expect(choice.used).toMatchObject({ value: '0.8930', basis: 'geographic+out-migration' });
    expect(choice.steps.at(-1)?.source).toMatchObject({ file: 'outmigration-adjustment-2026.csv', line: 4 });
  });

  it('gives a reclassified hospital no out-migration adjustment, and says so', () => {
    const choice = select(
      { zip: '00000', cbsa: '01', county: '01019', reclassifiedCbsa: '01' },
      '2026-03-04',
    );
    expect(choice.used.value).toBe('0.7393');
    expect(choice.notices.join(' ')).toContain('not eligible');
  });

  it('says so when the out-migration table of the year is not held (2025)', () => {
    const choice = select({ zip: '00000', cbsa: '38060', county: '01019' });
    expect(choice.used.value).toBe('1.1097');
    expect(choice.notices.join(' ')).toContain('No out-migration adjustment applied for 2025-03-04');
  });

  it('refuses to guess an area: no CBSA on the bill, or a CBSA the table lacks', () => {
    const none = selectOppsWageIndex(index, { zip: '85004' }, '2025-03-04');
    expect(none.kind === 'none' && none.message).toContain('send facility.cbsa');
    const unknown = selectOppsWageIndex(index, { zip: '85004', cbsa: '99999' }, '2025-03-04');
    expect(unknown.kind === 'none' && unknown.message).toContain('not in OPPS wage index CY2025');
  });
});

describe('statesOfCbsaName', () => {
  it('reads the states at the end of a CBSA name, with or without a comma', () => {
    expect(statesOfCbsaName('New York-Jersey City-White Plains NY-NJ')).toEqual(['NY', 'NJ']);
    expect(statesOfCbsaName('Providence-Warwick, RI-MA')).toEqual(['RI', 'MA']);
    expect(statesOfCbsaName('ALABAMA')).toEqual([]);
  });
});
