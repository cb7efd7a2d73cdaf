/**
 * Importer for the Louisiana radiology fee schedule as extracted by the source repository's author
 * (`state-wc/LA/LA_radiology_db_import.csv`, layout `proc_cd,modifier,description,rate,
 * rate_unit,is_by_report,region_type,region_value`). Radiology only; the year is not stated.
 *
 * Two extraction faults are handled:
 *
 * - By report: the extractor left IS_BY_REPORT "False" everywhere and wrote the schedule's "BR"
 *   at the end of the descriptor ("...nuclear exam    BR"); for those rows the RATE cell holds
 *   the next code of the PDF read as a number (79900 → "80048.0"). Such rows are imported as
 *   by report with no amount (cleaning rule `br-in-descriptor`), their RATE ignored.
 * - Repeated rows: a row whose code, modifier and amount equal an earlier row's is dropped
 *   (`duplicate`); rows of one code and modifier with different amounts are all dropped
 *   (`conflicting-duplicate`).
 *
 * Descriptors are read only to find "BR" and are never kept.
 */
import {
  count,
  dropRepeats,
  lineList,
  plural,
  readDbImport,
  type StateFeeDataset,
  type StateFeeRecord,
  unroundedOf,
} from './records-state.js';
import { field, RULES, readImportFile, sourceInfo } from './text.js';

/**
 * Imports the Louisiana radiology extraction from disk.
 *
 * @param path - path of the CSV
 * @returns the records, with every cleaned and dropped row counted
 * @throws ImportError when any part of the file is not as expected
 */
export function importLa(path: string): StateFeeDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseLa(bytes, fileName);
}

/**
 * Imports the Louisiana radiology extraction from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name
 * @returns the records, with every cleaned and dropped row counted
 * @throws ImportError naming file, line and column when any part of the file is not as expected
 */
export function parseLa(bytes: Uint8Array, fileName: string): StateFeeDataset {
  const { rows, trailingBlankLines } = readDbImport(bytes, fileName, 'LA');
  const cleaned: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const brLines: number[] = [];
  const candidates = rows.map((row): StateFeeRecord => {
    const code = field(fileName, row.row, 0, 'PROC_CD', RULES.hcpcs);
    const base = { state: 'LA' as const, code, modifier: row.modifier };
    if (row.isByReport || row.descriptorSaysBr) {
      if (!row.isByReport) {
        count(cleaned, 'br-in-descriptor');
        brLines.push(row.row.line);
      }
      return {
        ...base,
        status: 'by-report',
        byReport: true,
        basis: 'none',
        nonFacility: null,
        facility: null,
        file: fileName,
        line: row.row.line,
      };
    }
    return {
      ...base,
      status: 'priced',
      byReport: false,
      basis: 'single',
      nonFacility: row.rate.amount,
      facility: row.rate.amount,
      ...unroundedOf({ nonFacility: row.rate, facility: row.rate }),
      file: fileName,
      line: row.row.line,
    };
  });
  const { kept, duplicateLines, conflictLines } = dropRepeats(candidates, (r) => `${r.code} ${r.modifier}`);
  if (duplicateLines.length > 0) count(dropped, 'duplicate', duplicateLines.length);
  if (conflictLines.length > 0) count(dropped, 'conflicting-duplicate', conflictLines.length);

  const notes = [
    `Radiology only (codes ${codeRange(kept)}), not the whole Louisiana schedule. The file does not state the ` +
      'year or the effective date.',
    'Rates are printed with one decimal ("1051.0") and kept as cents ("1051.00"); one rate for every setting.',
    `${plural(rows.length, 'data row')}: ${plural(kept.length, 'record')}, ` +
      `${plural(duplicateLines.length + conflictLines.length, 'row')} dropped.`,
  ];
  if (brLines.length > 0) {
    notes.push(
      `Cleaned (br-in-descriptor): ${plural(brLines.length, 'row')} whose descriptor ends in "BR" imported as by ` +
        `report with no amount; their RATE cell is the next code of the PDF read as a number (${lineList(brLines)}).`,
    );
  }
  if (duplicateLines.length > 0) {
    notes.push(
      `Dropped (duplicate): ${plural(duplicateLines.length, 'row')} repeating an earlier row's code, modifier and ` +
        `amount (${lineList(duplicateLines)}).`,
    );
  }
  if (conflictLines.length > 0) {
    notes.push(
      `Dropped (conflicting-duplicate): ${plural(conflictLines.length, 'row')} of codes listed more than once ` +
        `with different amounts; none is kept (${lineList(conflictLines)}).`,
    );
  }
  if (trailingBlankLines.length > 0) {
    notes.push(`${plural(trailingBlankLines.length, 'blank row')} at the end of the file skipped.`);
  }
  notes.push('Descriptors are not imported.');
  return {
    dataset: 'state-table',
    state: 'LA',
    year: null,
    label: "Louisiana workers' compensation radiology fee schedule (year not stated)",
    effective: null,
    release: null,
    complete: false,
    sources: [sourceInfo(fileName, bytes, rows.length)],
    notes,
    cleaned,
    dropped,
    records: kept,
    conversionFactors: {},
  };
}

/** "70010–79900": the lowest and highest code. */
function codeRange(records: readonly StateFeeRecord[]): string {
  const codes = records.map((r) => r.code).sort();
  return codes.length === 0 ? 'none' : `${codes[0]}–${codes.at(-1)}`;
}
