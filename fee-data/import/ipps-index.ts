/**
 * The inpatient (IPPS) data the index holds, from a reference directory's `facility/ipps/`
 * (SOURCES.md § 11c, § 11e), and which fiscal year each file is taken to be.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  type IppsWageIndexDataset,
  importIppsDrgTable,
  importIppsRates,
  importIppsWageIndex,
} from './ipps.js';
import type { AnyImportedDataset } from './records.js';

function files(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Why `ratex-2027` is read as FY2026. The pricer folder has `ratex-2019` … `ratex-2025` and
 * `ratex-2027`, no `ratex-2026`, and its `cbsa-wage-index-2027` is the FY2026 wage index with the
 * next year's date: the pricer carries the current year forward under the next year's name. The
 * amounts agree with the FY2026 IPPS final rule as far as we could check it.
 */
const RATEX_2027_AS_FY2026 = [
  'Dated FY2026 although the file is named ratex-2027: the CMS pricer folder holds no ratex-2026, and it names the FY2026 wage index cbsa-wage-index-2027 too (same values, next year’s date), so the file is read as the FY2026 amounts carried forward.',
  'Checked: tab1 labor + non-labor = $4,456.72 + $2,295.89 = $6,752.61, the FY2026 national standardized amount for hospitals that report quality data and are meaningful EHR users as the Michigan Health & Hospital Association’s summary of the FY2026 IPPS final rule states it (https://www.mha.org/?p=28660: “from $6,624.39 to $6,752.61”); tab3 sums to the same $6,752.61. The shares are 66.0% (tab1) and 62.0% (tab3) labor, the FY2026 labor-related share for wage index > 1 (rebased from 67.6%, same source) and the statutory 62% for wage index ≤ 1 (§ 1886(d)(3)(E) of the Act). The ratios of tab2, tab5 and tab6 to tab1 are 1.01775, 1.00125 and 0.99300 over 1.026, the FY2026 update factors (2.6% update: AAMC, https://www.aamc.org/advocacy-policy/washington-highlights/cms-releases-fy26-inpatient-prospective-payment-system-final-rule).',
  'Not checked: the final rule’s Table 1A–1D itself (Federal Register) was not read, so the labor/non-labor split is confirmed by its ratio and total, not by the printed table.',
];

/** True when two wage index files hold the same values for every area (dates aside). */
function sameValues(a: IppsWageIndexDataset, b: IppsWageIndexDataset): boolean {
  const key = (d: IppsWageIndexDataset) =>
    d.records.map((r) => `${r.area}|${r.geographic}|${r.reclassified}|${r.imputedFloor}`).join('\n');
  return key(a) === key(b);
}

/**
 * Imports the IPPS files of a reference directory: MS-DRG tables, standardized amounts and wage
 * indexes, one edition per fiscal year.
 *
 * - `ratex-2027` is FY2026 (see {@link RATEX_2027_AS_FY2026}); any other `ratex-YYYY` is FY YYYY.
 * - A wage index file whose values equal the previous fiscal year's in every row (the pricer's
 *   `cbsa-wage-index-2027`) is a carry-forward, not that year's wage index: it is left out and the
 *   kept edition says so. A FY2027 stay is not priced on it.
 *
 * @param dir - laid out like ../shared/reference-data
 * @returns the data sets, ready for the index
 */
export function importIppsData(dir: string): AnyImportedDataset[] {
  const ipps = path.join(dir, 'facility', 'ipps');
  const out: AnyImportedDataset[] = [];
  for (const file of files(ipps, /^drgstable-\d{4}.*\.csv$/)) out.push(importIppsDrgTable(file));
  for (const file of files(ipps, /^ratex-\d{4}.*\.csv$/)) {
    const named = Number(/^ratex-(\d{4})/.exec(path.basename(file))?.[1]);
    const hasOwn2026 = files(ipps, /^ratex-2026.*\.csv$/).length > 0;
    if (named === 2027 && !hasOwn2026) out.push(importIppsRates(file, 2026, RATEX_2027_AS_FY2026));
    else out.push(importIppsRates(file, named, []));
  }
  const wage = files(path.join(ipps, 'cms-pricer'), /^cbsa-wage-index-\d{4}\.csv$/).map(importIppsWageIndex);
  wage.forEach((d, i) => {
    const previous = wage[i - 1];
    if (previous && d.year === previous.year + 1 && sameValues(previous, d)) {
      const kept = out.indexOf(previous);
      const note = `${d.source.file} (labelled FY${d.year}, effective ${d.effective}) holds the same values as this file in all ${d.records.length} rows: it is the pricer's carry-forward, not the FY${d.year} wage index, and is not imported.`;
      if (kept >= 0) out[kept] = { ...previous, notes: [...previous.notes, note] };
      wage[i] = { ...previous, notes: [...previous.notes, note] };
      return;
    }
    out.push(d);
  });
  return out;
}
