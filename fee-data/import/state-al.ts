/**
 * Importer for the Alabama 2024 physicians' fee schedule as extracted from the state's PDF by the
 * source repository's author (`state-wc/AL/AL_2024_db_import_alabama_PDF_extracted.csv`, layout
 * `proc_cd,modifier,description,rate,rate_unit,is_by_report,region_type,region_value`).
 *
 * The PDF prints every code with a suffix ("0001U-8", "11000-2", "99213-6", "99213-C",
 * "72148-P", "71271 TC") and no legend for it. The suffix is part of the schedule, not an
 * extraction artefact: rows of one code with different suffixes can have different maximum fees
 * (99203-C $143.88, 99203-6 $135.54; 72148-5 $1,117.18, 72148-P $387.59). So the suffix is kept,
 * as `qualifier`, and only "TC" (the technical component modifier itself) is also read as the
 * modifier. The cleaning rules, applied to PROC_CD, are:
 *
 * 1. `cpt-label-glued`: "<code>-<suffix>CPT" ("99213-6CPT", "27447-2CPT"): the extractor glued
 *    the "CPT" of the next cell's "CPT CODE:" label to the code. "CPT" is removed.
 * 2. `hyphen-missing`: "<code><letter>" ("S5551Q"; the PDF itself prints it so): read as code
 *    and suffix.
 *
 * Rows that cannot be cleaned are dropped and counted by reason:
 *
 * - `suffix-missing`: a bare five-character code ("71271"): the PDF prints these "71271 TC", the
 *   extractor lost the suffix, and the row cannot be told from the code's other rows.
 * - `unrecognised-code`: PROC_CD fits none of the forms above.
 * - `duplicate`: the same code, suffix and rate again (90620-6 and 90621-6 are printed twice).
 * - `conflicting-duplicate`: the same code and suffix with different rates (all such rows).
 *
 * The extraction is not the whole PDF: each row with the glued "CPT" took the next entry's label,
 * and the extractor lost that entry. Codes missing here may still be in the PDF.
 */
import {
  count,
  type DbImportRow,
  dropRepeats,
  lineList,
  plural,
  readDbImport,
  type StateFeeDataset,
  type StateFeeRecord,
  unroundedOf,
} from './records-state.js';
import { readImportFile, sourceInfo } from './text.js';

/** The cleaning rules and drop reasons, as counted on the data set. */
export const AL_CLEANING_RULES = ['cpt-label-glued', 'hyphen-missing'] as const;
export const AL_DROP_REASONS = [
  'suffix-missing',
  'unrecognised-code',
  'duplicate',
  'conflicting-duplicate',
] as const;

const WITH_SUFFIX = /^([0-9A-Z]{5})-([0-9A-Z]{1,2})$/;
const GLUED_CPT = /^([0-9A-Z]{5})-([0-9A-Z]{1,2})CPT$/;
const NO_HYPHEN = /^([0-9A-Z]{5})([A-Z])$/;
const BARE = /^[0-9A-Z]{5}$/;

/** What PROC_CD says once cleaned. */
export type AlProcCd =
  | {
      readonly kind: 'code';
      readonly code: string;
      readonly suffix: string;
      readonly rule?: (typeof AL_CLEANING_RULES)[number];
    }
  | { readonly kind: 'dropped'; readonly reason: 'suffix-missing' | 'unrecognised-code' };

/**
 * Applies the cleaning rules to one PROC_CD.
 *
 * @param procCd - the cell, trimmed
 * @returns the code and suffix (and the rule that cleaned it, if any), or why the row is dropped
 */
export function cleanAlProcCd(procCd: string): AlProcCd {
  const plain = WITH_SUFFIX.exec(procCd);
  if (plain !== null) return { kind: 'code', code: plain[1] as string, suffix: plain[2] as string };
  const glued = GLUED_CPT.exec(procCd);
  if (glued !== null) {
    return { kind: 'code', code: glued[1] as string, suffix: glued[2] as string, rule: 'cpt-label-glued' };
  }
  const noHyphen = NO_HYPHEN.exec(procCd);
  if (noHyphen !== null) {
    return {
      kind: 'code',
      code: noHyphen[1] as string,
      suffix: noHyphen[2] as string,
      rule: 'hyphen-missing',
    };
  }
  return { kind: 'dropped', reason: BARE.test(procCd) ? 'suffix-missing' : 'unrecognised-code' };
}

/**
 * Imports the Alabama extraction from disk.
 *
 * @param path - path of the CSV
 * @returns the records, with every cleaned and dropped row counted
 * @throws ImportError when the file is malformed (header, column count, a rate that is not a number, ...)
 */
export function importAl(path: string): StateFeeDataset {
  const { bytes, fileName } = readImportFile(path);
  return parseAl(bytes, fileName);
}

/**
 * Imports the Alabama extraction from its bytes.
 *
 * @param bytes - the file's bytes
 * @param fileName - the file's name; a year in it ("AL_2024_...") is taken as the year
 * @returns the records, with every cleaned and dropped row counted
 * @throws ImportError naming file, line and column when the file is malformed
 */
export function parseAl(bytes: Uint8Array, fileName: string): StateFeeDataset {
  const { rows, trailingBlankLines } = readDbImport(bytes, fileName, 'AL');
  const cleaned: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const cleanedLines = new Map<string, number[]>();
  const droppedLines = new Map<string, number[]>();
  const note = (map: Map<string, number[]>, reason: string, line: number) => {
    const lines = map.get(reason) ?? [];
    lines.push(line);
    map.set(reason, lines);
  };

  const candidates: StateFeeRecord[] = [];
  for (const row of rows) {
    const procCd = cleanAlProcCd(row.procCd);
    if (procCd.kind === 'dropped') {
      count(dropped, procCd.reason);
      note(droppedLines, procCd.reason, row.row.line);
      continue;
    }
    if (procCd.rule !== undefined) {
      count(cleaned, procCd.rule);
      note(cleanedLines, procCd.rule, row.row.line);
    }
    candidates.push(toRecord(row, procCd.code, procCd.suffix, fileName));
  }
  const { kept, duplicateLines, conflictLines } = dropRepeats(
    candidates,
    (r) => `${r.code} ${r.modifier} ${r.qualifier ?? ''}`,
  );
  for (const line of duplicateLines) note(droppedLines, 'duplicate', line);
  for (const line of conflictLines) note(droppedLines, 'conflicting-duplicate', line);
  if (duplicateLines.length > 0) count(dropped, 'duplicate', duplicateLines.length);
  if (conflictLines.length > 0) count(dropped, 'conflicting-duplicate', conflictLines.length);

  const yearMatch = /(?:^|\D)(20\d{2})(?:\D|$)/.exec(fileName);
  const year = yearMatch === null ? null : Number(yearMatch[1]);
  const totalDropped = Object.values(dropped).reduce((a, b) => a + b, 0);
  const notes = [
    year === null
      ? 'The extraction states no year or effective date.'
      : `Year ${year} from the file name; the extraction itself states no year or effective date.`,
    'Every code carries the suffix the PDF prints after it (qualifier: "2", "6", "8", "P", "TC", ...). The PDF ' +
      'has no legend for it, and one code can have different maximum fees under different suffixes, so a ' +
      'lookup must not pick among differing amounts. Only the suffix "TC" is also read as the modifier TC.',
    `${plural(rows.length, 'data row')}: ${plural(kept.length, 'record')}, ${plural(totalDropped, 'row')} dropped.`,
    ...AL_CLEANING_RULES.filter((rule) => cleaned[rule] !== undefined).map(
      (rule) =>
        `Cleaned (${rule}): ${plural(cleaned[rule] ?? 0, 'row')}, ${lineList(cleanedLines.get(rule) ?? [])}. ${RULE_TEXT[rule]}`,
    ),
    ...AL_DROP_REASONS.filter((reason) => dropped[reason] !== undefined).map(
      (reason) =>
        `Dropped (${reason}): ${plural(dropped[reason] ?? 0, 'row')}, ${lineList(droppedLines.get(reason) ?? [])}. ${DROP_TEXT[reason]}`,
    ),
    'Incomplete: the extractor lost the PDF entry that follows each entry with the glued "CPT" ' +
      `(${plural(cleaned['cpt-label-glued'] ?? 0, 'such row')}); a code missing here may still be in the PDF.`,
    'Amounts are printed with one or two decimals ("84.14", "228.3") and kept as cents ("228.30").',
  ];
  if (trailingBlankLines.length > 0) {
    notes.push(`${plural(trailingBlankLines.length, 'blank row')} at the end of the file skipped.`);
  }
  return {
    dataset: 'state-table',
    state: 'AL',
    year,
    label: `Alabama workers' compensation physicians' fee schedule${year === null ? '' : ` ${year}`} (PDF extraction)`,
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

const RULE_TEXT: Record<(typeof AL_CLEANING_RULES)[number], string> = {
  'cpt-label-glued': '"99213-6CPT" read as 99213 suffix 6: the "CPT" is the next cell\'s "CPT CODE:" label.',
  'hyphen-missing': '"S5551Q" read as S5551 suffix Q (the PDF prints it without the hyphen).',
};

const DROP_TEXT: Record<(typeof AL_DROP_REASONS)[number], string> = {
  'suffix-missing': 'A bare code: the extractor lost its suffix (the PDF prints e.g. "71271 TC").',
  'unrecognised-code': 'PROC_CD is not a code with a suffix.',
  duplicate: 'The same code, suffix and rate as an earlier row.',
  'conflicting-duplicate':
    'The same code and suffix as another row with a different rate; none of them is kept.',
};

function toRecord(row: DbImportRow, code: string, suffix: string, file: string): StateFeeRecord {
  const modifier = row.modifier !== '' ? row.modifier : suffix === 'TC' ? 'TC' : '';
  const base = { state: 'AL' as const, code, modifier, qualifier: suffix };
  if (row.isByReport || row.descriptorSaysBr) {
    return {
      ...base,
      status: 'by-report',
      byReport: true,
      basis: 'none',
      nonFacility: null,
      facility: null,
      file,
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
    file,
    line: row.row.line,
  };
}
