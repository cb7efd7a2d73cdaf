import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { importClfs } from './clfs.js';
import { importDmepos, importDmeRuralZip } from './dmepos.js';
import { importMue } from './mue.js';
import { importNadac } from './nadac.js';
import { importNcciPtp } from './ncci-ptp.js';
import type { AnyImportedDataset, DmeposFlatRecord } from './records.js';
import type {
  ClfsDataset,
  DmeposDataset,
  DmeRuralZipDataset,
  MueDataset,
  NadacDataset,
  PtpDataset,
} from './records-national.js';

/**
 * The national data beyond the physician fee schedule that the index holds: the clinical lab fee
 * schedule, DMEPOS fees by state with the rural ZIP list, and NADAC drug costs. (NCCI and MUE are
 * imported by their importers and join the index with the edits that use them.)
 */

function files(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** DMEPOS records are wide (a fee pair per state); the index keeps one record per state with a fee. */
function flattenDmepos(d: DmeposDataset): AnyImportedDataset {
  const records: DmeposFlatRecord[] = [];
  for (const r of d.records) {
    for (const [state, fee] of Object.entries(r.fees)) {
      if (fee.nonRural === null && fee.rural === null) continue;
      records.push({
        code: r.code,
        modifier: r.modifier,
        modifier2: r.modifier2,
        state,
        nonRural: fee.nonRural ?? '',
        rural: fee.rural === null || fee.rural === '0' ? '' : fee.rural,
        line: r.line,
      });
    }
  }
  return { ...d, dataset: 'dmepos', records };
}

/**
 * Imports the national files found in a reference directory (clfs/, dmepos/, nadac/).
 *
 * @param dir - laid out like ../shared/reference-data
 * @returns the data sets, ready for the index
 */
export function importNationalData(dir: string): AnyImportedDataset[] {
  const out: AnyImportedDataset[] = [];
  for (const file of files(path.join(dir, 'clfs'), /CLFS.*\.csv$/i)) {
    const d: ClfsDataset = importClfs(file);
    // A quarterly CLFS file carries the calendar year's rates (its rows' EFF_DATE is January 1 of
    // the year for all but codes added later), so it prices the whole year, and says so.
    const effective = `${d.year}-01-01`;
    out.push({
      ...d,
      dataset: 'clfs',
      effective,
      notes: [
        ...d.notes,
        `${d.label} is applied to all of ${d.year}: its rates carry the year's EFF_DATE; earlier quarterly files of ${d.year} are not held.`,
      ],
    });
  }
  for (const file of files(path.join(dir, 'dmepos'), /^DMEPOS\d\d_.*\.csv$/i))
    out.push(flattenDmepos(importDmepos(file)));
  for (const file of files(path.join(dir, 'dmepos'), /^DME_Rural_ZIP.*\.csv$/i)) {
    const d: DmeRuralZipDataset = importDmeRuralZip(file);
    // The list also names ZIPs of competitive bidding areas (LOCATION "Houston TX CBA"): only the
    // rows marked RURAL take the rural fee.
    const records = d.records.filter((r) => r.location === 'RURAL');
    out.push({
      ...d,
      dataset: 'dme-rural-zip',
      records,
      notes: [
        ...d.notes,
        `${d.records.length - records.length} competitive bidding area rows are not rural and are left out.`,
      ],
    });
  }
  for (const file of files(path.join(dir, 'nadac'), /NADAC.*\.csv$/i)) {
    const d: NadacDataset = importNadac(file);
    out.push({ ...d, dataset: 'nadac' });
  }
  const ncci = path.join(dir, 'ncci');
  for (const file of [
    ...files(ncci, /^mue.*\.csv$/i),
    ...files(path.join(ncci, 'raw_format_excerpts'), /MUE.*\.csv$/i),
  ]) {
    const d: MueDataset = importMue(file);
    // The undated derived table and a dated CMS file are not successive editions of each other.
    out.push({ ...d, dataset: 'mue', partition: d.form, editionId: `mue/${d.form}-${d.year}` });
  }
  return out;
}

/**
 * Imports the NCCI PTP tables of a reference directory: the undated derived table and CMS's dated
 * files (their pairs stay in typed arrays).
 *
 * @param dir - laid out like ../shared/reference-data
 * @returns the tables
 */
export function importPtpTables(dir: string): PtpDataset[] {
  const ncci = path.join(dir, 'ncci');
  return [
    ...files(ncci, /^ptp.*\.csv\.gz$/i),
    ...files(path.join(ncci, 'raw_format_excerpts'), /^cci.*\.txt$/i),
  ].map(importNcciPtp);
}
