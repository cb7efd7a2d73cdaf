import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOppsCap } from '../../fee-data/import/opps-cap.js';
import { referenceDataDir } from '../../fee-data/paths.js';
import { lookupFee } from '../../lambdas/engine/fee-lookup.js';
import { rbrvsFee } from '../../lambdas/engine/fee-schedules/rbrvs.js';
import { formatCents } from '../../lambdas/engine/money.js';
import type { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { nationalIndex } from '../support/national-index.js';

/*
 * Full size: the index built from every official Medicare file in ../shared/reference-data, and
 * fees checked across all localities against figures CMS itself computed: OPPSCAP_Oct2025.csv
 * prices every OPPS-capped code in every locality (facility and non-facility), so each of its
 * rows is an official expected amount for our RBRVS formula with the cap.
 */
const dir = referenceDataDir();

describe('the national index from the official files', () => {
  let index: FeeIndex;

  beforeAll(() => {
    index = nationalIndex();
  }, 60_000);

  it('holds every row of every file we import', () => {
    expect(index.counts()).toMatchObject({
      'pfs-rvu': 19_090 + 3,
      gpci: 109 * 2,
      zip5: 42_956,
      'locality-county': 109,
      'opps-cap': 16_100,
      'anesthesia-cf': 109,
      // AZ 14,965 + GA 12,188 + NC 20,164 + AL 10,435 + LA 1,891 (the state importers' counts)
      'state-table': 59_643,
      // AZ 279 + GA 280 anesthesia base units
      'state-anesthesia': 279 + 280,
      // CLFS 2025 Q4 2,149 + 2026 Q3 2,206 rows (clfs importer counts)
      clfs: 2_149 + 2_206,
      // the rows marked RURAL of the 32,035 (the others are competitive bidding areas)
      'dme-rural-zip': 15_911,
      nadac: 46,
      // MUE: 15,095 derived + 15 from the CMS excerpt
      mue: 15_110,
      jurisdictions: 53,
      // Issue 16: the FY2026 MS-DRG table's 772 rows (773 lines less the header); two ratex files of
      // 60 rows; the FY2026 wage index's 471 areas (the 2027 file is a carry-forward, left out);
      // Georgia's 766 MS-DRGs (767 lines less the header) and its rows that carry an APC, OP MAR,
      // SI, ASC MAR or PI (the Georgia importer's records with those columns).
      'ipps-drg': 772,
      'ipps-rates': 60 * 2,
      'ipps-wage-index': 471,
      'state-drg': 766,
      'state-facility': 10_224,
      // OPPS (SOURCES.md § 11a, 11e): Addendum B January 2025, 18,562 codes; APC tables 986 + 1,030;
      // wage index 471 areas a year; out-migration 205 counties; Addendum J 432 pairs (560 lines:
      // title, header, 126 tab-only rows at the end)
      'opps-addendum-b': 18_562,
      'opps-apc-rate': 986 + 1_030,
      'opps-wage-index': 471 * 2,
      'opps-out-migration': 205,
      'opps-capc-complexity': 432,
    });
    // DMEPOS: one record per code, modifiers and state with a fee, from 3,511 + 3,515 rows.
    expect(index.counts().dmepos).toBeGreaterThan(300_000);
    expect(index.header.editions.map((e) => e.id)).toEqual([
      'pfs-rvu/2025',
      'pfs-rvu/2026',
      'gpci/2025',
      'gpci/2026',
      'zip5/2025',
      'locality-county/2025',
      'opps-cap/2025',
      'anesthesia-cf/2025',
      'state-table/AL-2024',
      'state-table/AZ-2024',
      'state-table/GA-2024',
      'state-table/LA-RADIOLOGY-YEAR-UNKNOWN',
      'state-table/NC-2025',
      'state-anesthesia/AZ-2024',
      'state-anesthesia/GA-2024',
      'clfs/2025',
      'clfs/2026',
      'dmepos/2025',
      'dmepos/2026',
      'dme-rural-zip/2026',
      'nadac/2026',
      'mue/cms-2026',
      'mue/derived-2026',
      'ncci-ptp/cms-2026',
      'ncci-ptp/derived-2026',
      'ipps-drg/FY2026',
      'ipps-rates/FY2025',
      'ipps-rates/FY2026',
      'ipps-wage-index/FY2026',
      'state-drg/GA-2024',
      'state-facility/GA-2024',
      'opps-addendum-b/2025',
      'opps-apc-rate/2025',
      'opps-apc-rate/2026',
      'opps-wage-index/2025',
      'opps-wage-index/2026',
      'opps-out-migration/2026',
      'opps-capc-complexity/2025',
      // ASC (issue 16): Addenda AA, BB, EE, FF of October 2025 and January 2026, the ASC wage index
      // of CY2025 and CY2026 (test/full/facility-asc.test.ts counts their rows).
      'asc-aa/2025',
      'asc-aa/2026',
      'asc-bb/2025',
      'asc-bb/2026',
      'asc-ee/2025',
      'asc-ee/2026',
      'asc-ff/2025',
      'asc-ff/2026',
      'asc-wage-index/2025',
      'asc-wage-index/2026',
    ]);
  });

  it('prices every OPPS-capped code in every locality exactly as OPPSCAP_Oct2025.csv, both settings', () => {
    const cap = importOppsCap(path.join(dir, 'mpfs-oppscap', 'OPPSCAP_Oct2025.csv'));
    const gpciEdition = index.editionFor('gpci', '2025-07-01')?.edition;
    let checked = 0;
    let notInGpci = 0;
    const mismatches: string[] = [];
    for (const row of cap.records) {
      if (row.procedureStatus !== 'A') continue;
      if (!gpciEdition || !index.gpci(row.carrier, row.locality, gpciEdition)) {
        notInGpci++;
        continue;
      }
      for (const setting of ['facility', 'non-facility'] as const) {
        const result = rbrvsFee(index, {
          code: row.code,
          modifiers: row.modifier ? [row.modifier] : [],
          date: '2025-07-01',
          locality: { carrier: row.carrier, locality: row.locality },
          setting,
        });
        const expected = setting === 'facility' ? row.facilityPrice : row.nonFacilityPrice;
        const got = result.kind === 'priced' ? formatCents(result.unitAmount) : result.kind;
        // A notice would mean the formula disagreed with the file and the file's price was used.
        if (got !== expected || result.notices.some((n) => n.includes('OPPS cap file'))) {
          mismatches.push(
            `${row.code}-${row.modifier} ${row.carrier}/${row.locality} ${setting}: ${got} vs ${expected}`,
          );
        }
        checked++;
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // 6,322 status-A rows × 2 settings; 348 more rows are the six southern California localities, which the cap
    // file lists under carrier 01112 as well as 01182 while Addendum E lists them under 01182 only.
    expect(checked).toBe(12_644);
    expect(notInGpci).toBe(348);
  });

  it('prices 99213 in each of the 109 localities, 2025, from ZIP5 to GPCI', () => {
    const edition = index.editionFor('gpci', '2025-03-04')?.edition;
    const localities = edition ? index.localities(edition) : [];
    expect(localities).toHaveLength(109);
    for (const gpci of localities) {
      const answer = lookupFee(index, {
        jurisdiction: 'US-MEDICARE',
        code: '99213',
        date: '2025-03-04',
        locality: `${gpci.carrier}-${gpci.locality}`,
      });
      expect(answer.status).toBe('priced');
      expect(answer.edition).toBe('pfs-rvu/2025');
    }
    // Delaware, GPCI2025.csv line 40 and PPRRVU2025_Oct.csv line 12807:
    // (1.30×1.009 + 1.35×0.992 + 0.10×0.949) × 32.3465 = 88.8170197 → 88.82
    expect(
      lookupFee(index, { jurisdiction: 'US-MEDICARE', code: '99213', date: '2025-03-04', zip: '19901' })
        .amount,
    ).toBe('88.82');
  });

  it('answers the state tables from the complete official files (SOURCES.md, values stated in the state files)', () => {
    const at = (jurisdiction: string, code: string, zip: string, facility = false) =>
      lookupFee(index, { jurisdiction, code, zip, date: '2025-03-04', facility }).amount;
    expect(at('AZ', '27447', '85001', true)).toBe('2777.04');
    expect(at('GA', '27447', '30301', true)).toBe('4935.80');
    expect(at('NC', '72148', '27601')).toBe('345.36');
    expect(at('AL', '99213', '35203')).toBe('84.14');
    expect(at('LA', '72148', '70112')).toBe('1051.00');
  });

  it('holds the 2.1 million NCCI PTP pairs and the MUEs, dated where CMS dates them', () => {
    expect(index.counts()['ncci-ptp-pairs']).toBe(2_140_693 + 100);
    const derived = index.editionById('ncci-ptp/derived-2026');
    const cms = index.editionById('ncci-ptp/cms-2026');
    if (!derived || !cms) throw new Error('PTP editions missing');
    // ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz line 36: 0001A,99213,1 (undated)
    expect(index.ptpEdit(derived, '0001A', '99213')).toMatchObject({
      modifierIndicator: 1,
      effective: null,
      deletion: null,
    });
    // ccipra-v322r0-f1 excerpt line 22: 0001A 99213, effective 20220101, deleted 20231231, indicator 1
    expect(index.ptpEdit(cms, '0001A', '99213')).toMatchObject({
      modifierIndicator: 1,
      effective: '2022-01-01',
      deletion: '2023-12-31',
      rationale: 'CPT Manual or CMS manual coding instruction',
    });
    expect(index.ptpEdit(derived, '99213', '0001A')).toBeUndefined();
    // mue_practitioner_derived.csv line 2: 0001U, MUE 1, MAI 2
    const mue = index.editionById('mue/derived-2026');
    if (!mue) throw new Error('MUE edition missing');
    expect(index.mue('0001U', mue)).toMatchObject({ mueValue: 1, mai: '2' });
  });

  it('prices DMEPOS in the right state and rural column, and never denies what another schedule pays', () => {
    const fee = (code: string, zip: string, date: string) =>
      lookupFee(index, { jurisdiction: 'US-MEDICARE', code, zip, date });
    // DMEPOS25_APR_full_states.csv line 156: A4595, TX (NR) 12.51, TX (R) 26.96. ZIP 77002 is on the
    // rural ZIP list only as "Houston TX CBA" (line 30403): not rural.
    expect(fee('A4595', '77002', '2025-06-16').amount).toBe('12.51');
    // ZIP5: 63001 is state EM (eastern Missouri); line 370: A6575, MO (NR) 100.34.
    expect(fee('A6575', '63001', '2025-06-16').amount).toBe('100.34');
    // A0425 (ambulance) has status X on the PFS and no schedule we hold: unpriced, not denied.
    expect(fee('A0425', '19901', '2025-06-16')).toMatchObject({ status: 'unpriced', amount: null });
    // CLFS_2025_Q4V1.csv: 36415 00009.09 with EFF_DATE 20250101, so it prices June 2025 too.
    expect(fee('36415', '19901', '2025-06-16').amount).toBe('9.09');
  });

  it('prices the 2026 excerpt rows on 2026 GPCIs and CF 33.4009, and no other 2026 code', () => {
    // PPRRVU2026 excerpt: 0001F (status I), 0005F (I), 00100 (J); CF 33.4009 on each row.
    const i = lookupFee(index, {
      jurisdiction: 'US-MEDICARE',
      code: '0001F',
      date: '2026-05-01',
      zip: '19901',
    });
    expect(i).toMatchObject({ status: 'denied', edition: 'pfs-rvu/2026' });
    const missing = lookupFee(index, {
      jurisdiction: 'US-MEDICARE',
      code: '99213',
      date: '2026-05-01',
      zip: '19901',
    });
    expect(missing).toMatchObject({ status: 'unpriced', amount: null, unpriced: { code: 'NOT-IN-EDITION' } });
  });
});
