import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIndexBytes, IndexBuildError, writeIndexFile } from '../../../fee-data/build-index.js';
import type {
  AnyImportedDataset,
  GpciRecord,
  RvuRecord,
  Zip5Record,
} from '../../../fee-data/import/records.js';
import { FeeIndex, FeeIndexFormatError } from '../../../lambdas/fee-index/reader.js';
import { decodeCode, encodeCode } from '../../../lambdas/fee-index/schema.js';

const CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const codeArb = fc.string({ unit: fc.constantFrom(...CHARS), minLength: 5, maxLength: 5 });
const hundredths = fc.integer({ min: 0, max: 99_999 }).map((n) => (n / 100).toFixed(2));
const gpciArb = fc
  .integer({ min: 0, max: 29_999 })
  .map((n) => (n / 10_000).toFixed(4).replace(/0{1,3}$/, ''));
const charArb = fc.constantFrom('0', '1', '2', '3', '4', '9');

const rvuArb = (line: number): fc.Arbitrary<RvuRecord> =>
  fc.record({
    code: codeArb,
    modifier: fc.constantFrom('', '26', 'TC', '53'),
    status: fc.constantFrom('A', 'B', 'C', 'I', 'N', 'R', 'T', 'X'),
    workRvu: hundredths,
    nonFacilityPeRvu: hundredths,
    nonFacilityNa: fc.boolean(),
    facilityPeRvu: hundredths,
    facilityNa: fc.boolean(),
    mpRvu: hundredths,
    pctcIndicator: charArb,
    globalDays: fc.constantFrom('000', '010', '090', 'MMM', 'XXX', 'YYY', 'ZZZ'),
    preOp: fc.integer({ min: 0, max: 100 }).map((n) => (n / 100).toFixed(2)),
    intraOp: fc.integer({ min: 0, max: 100 }).map((n) => (n / 100).toFixed(2)),
    postOp: fc.integer({ min: 0, max: 100 }).map((n) => (n / 100).toFixed(2)),
    multipleProcedure: charArb,
    bilateralSurgery: charArb,
    assistantSurgery: charArb,
    coSurgeons: charArb,
    teamSurgery: charArb,
    pricingIndicator: fc.constantFrom('', '9'),
    endoscopicBase: fc.oneof(fc.constant(''), codeArb),
    conversionFactor: fc.integer({ min: 1, max: 999_999 }).map((n) => (n / 10_000).toFixed(4)),
    physicianSupervision: fc.constantFrom('09', '01', '6A'),
    calculationFlag: fc.constant('0'),
    imagingFamily: fc.constantFrom('99', '88', '01'),
    oppsNonFacilityPe: hundredths,
    oppsFacilityPe: hundredths,
    oppsMp: hundredths,
    line: fc.constant(line),
  });

function dataset<R>(kind: AnyImportedDataset['dataset'], year: number, records: R[]): AnyImportedDataset {
  return {
    dataset: kind,
    year,
    label: `${kind} ${year}`,
    effective: `${year}-01-01`,
    complete: true,
    source: { file: `${kind}-${year}.csv`, sha256: `${kind}${year}`.padEnd(64, '0'), rows: records.length },
    notes: [],
    records,
  } as unknown as AnyImportedDataset;
}

const GPCI: GpciRecord = {
  carrier: '12102',
  state: 'DE',
  locality: '01',
  name: 'DELAWARE',
  workGpci: '1.009',
  peGpci: '0.992',
  mpGpci: '0.949',
  line: 40,
};
const ZIP: Zip5Record = {
  state: 'DE',
  zip: '19901',
  carrier: '12102',
  locality: '01',
  ruralIndicator: '',
  labCbLocality: 'Z9',
  plusFourFlag: '0',
  partBPaymentIndicator: 'A',
  yearQuarter: '20254',
  line: 6631,
};

function build(rvus: RvuRecord[]): FeeIndex {
  return FeeIndex.fromBytes(
    buildIndexBytes(
      [dataset('pfs-rvu', 2025, rvus), dataset('gpci', 2025, [GPCI]), dataset('zip5', 2025, [ZIP])],
      { builtFrom: 'official' },
    ),
  );
}

describe('fee index', () => {
  describe('round trip (property)', () => {
    it('reads back every RVU record exactly as imported', () => {
      const unique = fc.uniqueArray(
        fc.integer({ min: 1, max: 1_000_000 }).chain((line) => rvuArb(line)),
        { minLength: 1, maxLength: 60, selector: (r) => `${r.code}|${r.modifier}` },
      );
      fc.assert(
        fc.property(unique, (records) => {
          const index = build(records);
          const edition = index.editionFor('pfs-rvu', '2025-06-01')?.edition;
          if (!edition) throw new Error('no 2025 edition');
          for (const r of records) {
            const back = index.rvu(r.code, r.modifier, edition);
            expect(back).toBeDefined();
            const hundred = (text: string) => Math.round(Number(text) * 100);
            expect(back).toMatchObject({
              code: r.code,
              modifier: r.modifier,
              status: r.status,
              workRvu: hundred(r.workRvu),
              nonFacilityPeRvu: hundred(r.nonFacilityPeRvu),
              facilityPeRvu: hundred(r.facilityPeRvu),
              mpRvu: hundred(r.mpRvu),
              nonFacilityNa: r.nonFacilityNa,
              facilityNa: r.facilityNa,
              oppsNonFacilityPe: hundred(r.oppsNonFacilityPe),
              oppsFacilityPe: hundred(r.oppsFacilityPe),
              oppsMp: hundred(r.oppsMp),
              conversionFactor: Math.round(Number(r.conversionFactor) * 10_000),
              pctcIndicator: r.pctcIndicator,
              globalDays: r.globalDays,
              preOp: hundred(r.preOp),
              intraOp: hundred(r.intraOp),
              postOp: hundred(r.postOp),
              multipleProcedure: r.multipleProcedure,
              bilateralSurgery: r.bilateralSurgery,
              assistantSurgery: r.assistantSurgery,
              coSurgeons: r.coSurgeons,
              teamSurgery: r.teamSurgery,
              endoscopicBase: r.endoscopicBase,
              imagingFamily: r.imagingFamily,
              line: r.line,
            });
            expect(index.rvuEditionsOf(r.code).map((e) => e.id)).toEqual(['pfs-rvu/2025']);
          }
        }),
        { numRuns: 60 },
      );
    });

    it('reads back GPCIs of any value exactly', () => {
      fc.assert(
        fc.property(gpciArb, gpciArb, gpciArb, (w, p, m) => {
          const index = FeeIndex.fromBytes(
            buildIndexBytes(
              [
                dataset('pfs-rvu', 2025, []),
                dataset('gpci', 2025, [{ ...GPCI, workGpci: w, peGpci: p, mpGpci: m }]),
                dataset('zip5', 2025, [ZIP]),
              ],
              { builtFrom: 'official' },
            ),
          );
          const edition = index.editionFor('gpci', '2025-01-01')?.edition;
          if (!edition) throw new Error('no 2025 GPCI edition');
          const g = index.gpci('12102', '01', edition);
          expect([g?.workGpci, g?.peGpci, g?.mpGpci]).toEqual(
            [w, p, m].map((t) => Math.round(Number(t) * 10_000)),
          );
          expect(g?.name).toBe('DELAWARE');
        }),
        { numRuns: 100 },
      );
    });

    it('encodes codes so numeric order is text order', () => {
      fc.assert(
        fc.property(codeArb, codeArb, (a, b) => {
          expect(decodeCode(encodeCode(a, 5), 5)).toBe(a);
          expect(Math.sign(encodeCode(a, 5) - encodeCode(b, 5))).toBe(a < b ? -1 : a > b ? 1 : 0);
        }),
      );
    });
  });

  describe('editions', () => {
    it('ends each edition the day before the next and keeps the last in force', () => {
      const index = FeeIndex.fromBytes(
        buildIndexBytes(
          [
            dataset('pfs-rvu', 2025, []),
            dataset('pfs-rvu', 2026, []),
            dataset('gpci', 2025, [GPCI]),
            dataset('zip5', 2025, [ZIP]),
          ],
          { builtFrom: 'official' },
        ),
      );
      expect(index.editions('pfs-rvu').map((e) => [e.effective, e.termination])).toEqual([
        ['2025-01-01', '2025-12-31'],
        ['2026-01-01', null],
      ]);
      expect(index.editionFor('pfs-rvu', '2025-12-31')?.edition.year).toBe(2025);
      expect(index.editionFor('pfs-rvu', '2026-01-01')?.edition.year).toBe(2026);
      expect(index.editionFor('pfs-rvu', '2027-03-01')).toMatchObject({
        pastLatest: true,
        edition: { year: 2026 },
      });
      expect(index.editionFor('pfs-rvu', '2024-12-31')).toBeUndefined();
    });
  });

  describe('rejections', () => {
    it('refuses two records with the same key, and a value with more decimals than the index keeps', () => {
      const base = fc.sample(rvuArb(1), 1)[0] as RvuRecord;
      expect(() => build([base, { ...base, line: 2 }])).toThrow(IndexBuildError);
      expect(() => build([{ ...base, workRvu: '1.234' }])).toThrow(/more than 2 decimals/);
    });

    it('refuses a truncated or foreign file by name', () => {
      const bytes = buildIndexBytes(
        [
          dataset('pfs-rvu', 2025, fc.sample(rvuArb(1), 1)),
          dataset('gpci', 2025, [GPCI]),
          dataset('zip5', 2025, [ZIP]),
        ],
        {
          builtFrom: 'official',
        },
      );
      expect(() => FeeIndex.fromBytes(bytes.subarray(0, bytes.length - 200))).toThrow(FeeIndexFormatError);
      expect(() => FeeIndex.fromBytes(new TextEncoder().encode('not an index at all'))).toThrow(
        /not a fee index/,
      );
    });

    it('writes atomically: a failed write leaves the previous index whole', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-write-'));
      const file = path.join(dir, 'fee-index.bin');
      writeFileSync(file, 'previous');
      expect(() => writeIndexFile(new Uint8Array(4), path.join(file, 'not-a-dir', 'x.bin'))).toThrow();
      expect(readFileSync(file, 'utf8')).toBe('previous');
    });
  });
});

describe('dayNumber', () => {
  it('agrees with Date.UTC on every real date and refuses impossible ones (property)', async () => {
    const { dayNumber, dateOfDay } = await import('../../../lambdas/fee-index/header.js');
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (day) => {
        const date = dateOfDay(day);
        expect(dayNumber(date)).toBe(day);
      }),
    );
    expect(['2025-02-29', '2025-13-01', '2025-00-10', '2024-02-30', '2025-1-01', 'x'].map(dayNumber)).toEqual(
      Array(6).fill(Number.NaN),
    );
    expect(dayNumber('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
  });
});
