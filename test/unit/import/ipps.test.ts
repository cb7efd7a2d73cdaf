import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importIppsDrgTable, importIppsRates, importIppsWageIndex } from '../../../fee-data/import/ipps.js';
import { importIppsData } from '../../../fee-data/import/ipps-index.js';
import { importErrorOf } from './import-test-helpers.js';
import { referenceDataDir, referenceFile } from './reference-data.js';

/*
 * The IPPS pricer files (SOURCES.md § 11c, § 11e), read in their native layouts. Rows quoted:
 *   drgstable-2026…csv line 384: 470,20251001,1.9289,1.9,,2.2,Y,,…
 *   ratex-2025…csv line 2: tab1,nat,1,04478.09,2146.30
 *   ratex-2027…csv line 2: tab1,nat,1,04456.72,2295.89
 *   cms-pricer/cbsa-wage-index-2026.csv line 347: 38060,,20251001,0.9786,0.9640,0.0000,"Phoenix-Mesa-Chandler, AZ"
 */
const DRG = () => referenceFile('facility', 'ipps', 'drgstable-2026_FY2026_MSDRG_weights.csv');
const WAGE = () => referenceFile('facility', 'ipps', 'cms-pricer', 'cbsa-wage-index-2026.csv');
const scratch = mkdtempSync(join(tmpdir(), 'wcbr-ipps-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function variant(name: string, from: string, edit: (text: string) => string): string {
  const path = join(scratch, name);
  writeFileSync(path, edit(readFileSync(from, 'utf8')));
  return path;
}

describe('the IPPS MS-DRG table', () => {
  it('keeps weight, lengths of stay and flags as printed, with the line, and no titles', () => {
    const d = importIppsDrgTable(DRG());
    expect(d).toMatchObject({
      dataset: 'ipps-drg',
      year: 2026,
      effective: '2025-10-01',
      editionId: 'ipps-drg/FY2026',
    });
    expect(d.records).toHaveLength(772);
    expect(d.records.find((r) => r.drg === '470')).toEqual({
      drg: '470',
      weight: '1.9289',
      gmlos: '1.9',
      amlos: '2.2',
      postAcute: 'Y',
      specialPay: '',
      lowVolume: '',
      line: 384,
    });
  });

  it('rejects a weight that is not four decimals, naming the line and column', () => {
    const path = variant('drgstable-2026-bad.csv', DRG(), (t) =>
      t.replace('470,20251001,1.9289', '470,20251001,1.93'),
    );
    const error = importErrorOf(() => importIppsDrgTable(path));
    expect(error.message).toMatch(/line 384/);
    expect(error.message).toMatch(/weight/);
  });
});

describe('the IPPS standardized amounts and wage index', () => {
  it('drops the zero padding and takes the fiscal year it is given', () => {
    const d = importIppsRates(
      referenceFile('facility', 'ipps', 'ratex-2025_FY2025_IPPS_standardized_amounts.csv'),
      2025,
      [],
    );
    expect(d.records[0]).toEqual({
      table: '1',
      scope: 'nat',
      largeUrban: '1',
      labor: '4478.09',
      nonLabor: '2146.30',
      line: 2,
    });
    expect(d.effective).toBe('2024-10-01');
  });

  it('reads the wage index by area, and a carry-forward year is not imported', () => {
    const w = importIppsWageIndex(WAGE());
    expect(w.records.find((r) => r.area === '38060')).toMatchObject({
      geographic: '0.9786',
      reclassified: '0.9640',
      imputedFloor: '0.0000',
      line: 347,
    });
    const all = importIppsData(referenceDataDir());
    expect(all.filter((d) => d.dataset === 'ipps-wage-index').map((d) => d.year)).toEqual([2026]);
    const fy2026 = all.find((d) => d.dataset === 'ipps-rates' && d.year === 2026);
    expect(fy2026?.source.file).toMatch(/^ratex-2027/);
    expect(fy2026?.records[0]).toMatchObject({ labor: '4456.72', nonLabor: '2295.89' });
  });

  it('rejects a wage index file whose rows carry two effective dates', () => {
    const path = variant('cbsa-wage-index-2026.csv', WAGE(), (t) =>
      t.replace('38060,,20251001', '38060,,20260101'),
    );
    expect(importErrorOf(() => importIppsWageIndex(path)).message).toMatch(/2 effective dates/);
  });
});
