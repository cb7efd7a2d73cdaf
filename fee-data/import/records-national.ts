/**
 * The records of the national Medicare data sets beyond the physician fee schedule: NCCI
 * procedure-to-procedure (PTP) edits, medically unlikely edits (MUE), the clinical laboratory fee
 * schedule (CLFS), the DMEPOS fee schedule and its rural ZIP list, and NADAC drug prices.
 *
 * As in `records.ts`, every number stays a decimal string exactly as the official file printed
 * it (after trimming; "00720.00" stays "00720.00", "3.9" stays "3.9"), and every record keeps the
 * physical line it came from. Descriptor columns (CLFS SHORTDESC/LONGDESC/EXTENDED LONGDESC,
 * DMEPOS Description) are read past and never kept: they hold the AMA's copyrighted CPT
 * descriptors. NADAC's "NDC Description" is a drug product name, not a CPT descriptor, and is
 * kept so an explanation can name the drug.
 *
 * The data set kinds here are not yet members of the index's `DatasetKind`
 * (`lambdas/fee-index/header.ts`); {@link NationalDatasetKind} lists them until the index holds them.
 *
 * The end of this file has the few helpers the importers of these data sets share.
 */
import { dayNumber } from '../../lambdas/fee-index/header.js';
import type { ImportedDataset } from './records.js';
import { type CsvRow, type FieldRule, field, ImportError } from './text.js';

/** The kinds of data set the national importers produce. */
export type NationalDatasetKind = 'ncci-ptp' | 'mue' | 'clfs' | 'dmepos' | 'dme-rural-zip' | 'nadac';

/** An imported national data set: {@link ImportedDataset} with one of the national kinds. */
export type NationalDataset<K extends NationalDatasetKind, R> = Omit<ImportedDataset<R>, 'dataset'> & {
  readonly dataset: K;
};

// ---------------------------------------------------------------------------------------------
// NCCI PTP

/** NCCI PTP modifier indicator: 0 no modifier allowed, 1 allowed, 9 the edit does not apply. */
export type PtpModifierIndicator = '0' | '1' | '9';

/**
 * One NCCI PTP edit as a plain object. The importers do not return these (2.1 million of them
 * would take about 300 MB); they return a {@link PtpPairs} table, and `ptpRecordAt` in
 * `ncci-ptp.ts` makes one of these from a row of it.
 */
export interface PtpRecord {
  /** Column 1 (comprehensive) code. */
  readonly column1: string;
  /** Column 2 (component) code. */
  readonly column2: string;
  /** True for CMS's "*" (the edit existed before 1996); absent when the file does not say. */
  readonly inExistencePrior1996?: boolean;
  /** YYYY-MM-DD, or null when the file is undated. */
  readonly effective: string | null;
  /** YYYY-MM-DD (the last day the edit applies), or null when not deleted ("*") or undated. */
  readonly deletion: string | null;
  readonly modifierIndicator: PtpModifierIndicator;
  /** "Misuse of Column Two code with Column One code", ... */
  readonly rationale: string;
  readonly line: number;
}

/** {@link PtpPairs.effectiveDay} / {@link PtpPairs.deletionDay} value for "no date" ("*"). */
export const NO_DAY = -1;

/**
 * NCCI PTP edits stored by column: row `i` of the table is `column1[i]`, `column2[i]`, ... The
 * typed arrays take 24 bytes a row (about 51 MB for the 2.1 million pairs of the practitioner
 * table) where objects would take about 150. Every array has exactly `count` elements.
 *
 * - Codes are base-37 keys as `encodeCode(code, 5)` of `lambdas/fee-index/schema.ts` makes them
 *   (`decodeCode(key, 5)` gives the code back), so numeric order is text order.
 * - Dates are day numbers since 1970-01-01 (`dayNumber`/`dateOfDay` of
 *   `lambdas/fee-index/header.ts`); a deletion date of "*" (not deleted) is {@link NO_DAY}.
 * - `effectiveDay`, `deletionDay` and `inExistencePrior1996` are null for a file that does not
 *   state them (the undated derived form): there is no date to use, and a null makes every user
 *   of the table face that.
 */
export interface PtpPairs {
  readonly count: number;
  /** Column 1 code keys. */
  readonly column1: Uint32Array;
  /** Column 2 code keys. */
  readonly column2: Uint32Array;
  /** 1 when CMS marks the edit "*" (in existence prior to 1996), else 0; null when not stated. */
  readonly inExistencePrior1996: Uint8Array | null;
  /** Effective date as a day number; null when the file is undated. */
  readonly effectiveDay: Int32Array | null;
  /** Deletion date as a day number, {@link NO_DAY} when not deleted; null when undated. */
  readonly deletionDay: Int32Array | null;
  /** 0, 1 or 9. */
  readonly modifierIndicator: Uint8Array;
  /** Index into {@link rationales}. */
  readonly rationale: Uint16Array;
  /** The distinct rationale texts, in the order first seen. */
  readonly rationales: readonly string[];
  /** Physical line (for a .gz file, in the decompressed text). */
  readonly line: Uint32Array;
}

/** An imported NCCI PTP file. Its edits are in `pairs`, not in a records array. */
export type PtpDataset = Omit<NationalDataset<'ncci-ptp', never>, 'records'> & {
  /** 'cms': CMS's dated tab-separated file; 'derived': the undated CSV of the reference data. */
  readonly form: 'cms' | 'derived';
  /** False for the undated form: every edit is to be treated as in force on every date. */
  readonly dated: boolean;
  readonly pairs: PtpPairs;
};

// ---------------------------------------------------------------------------------------------
// MUE

/** A medically unlikely edit. */
export interface MueRecord {
  readonly code: string;
  /** Most units of service per line (MAI 1) or per day (MAI 2, 3), e.g. "1", "0", "24". */
  readonly mueValue: string;
  /** MUE adjudication indicator: 1 line edit, 2 date of service edit (policy), 3 (clinical). */
  readonly mai: '1' | '2' | '3';
  /** "Code Descriptor / CPT Instruction", "Nature of Analyte", ... */
  readonly rationale: string;
  readonly line: number;
}

/** An imported MUE table. */
export type MueDataset = NationalDataset<'mue', MueRecord> & {
  /** Which MUE table: "Practitioner Services", "Outpatient Hospital Services", ... */
  readonly services: string;
  /** 'cms': CMS's CSV; 'derived': the undated CSV of the reference data. */
  readonly form: 'cms' | 'derived';
  /** False for the undated derived form. */
  readonly dated: boolean;
};

// ---------------------------------------------------------------------------------------------
// CLFS

/** A row of the clinical laboratory fee schedule. */
export interface ClfsRecord {
  readonly code: string;
  /** '' or 'QW' (CLIA-waived). */
  readonly modifier: string;
  /** EFF_DATE as YYYY-MM-DD: when this rate took effect in the year. */
  readonly effectiveDate: string;
  /** 'N' (national limitation amount) or 'L' (locally priced: the rate is 0). */
  readonly indicator: string;
  /** As printed: "00720.00" in most rows, "35.92" or "0" in a few. */
  readonly rate: string;
  readonly line: number;
}

/** An imported CLFS file. */
export type ClfsDataset = NationalDataset<'clfs', ClfsRecord> & {
  /** 1–4, from the file name ("Q4V1"). */
  readonly quarter: number;
  /** The version within the quarter, from the file name ("Q4V1" → 1). */
  readonly version: number;
};

// ---------------------------------------------------------------------------------------------
// DMEPOS

/** The DMEPOS fee of one item in one state. */
export interface DmeposFee {
  /** The "(NR)" column; null when the cell is empty. */
  readonly nonRural: string | null;
  /**
   * The "(R)" column; null when the cell is empty. CMS prints 0 for items without a separate
   * rural fee (the file does not say more; the non-rural fee is then the one to use).
   */
  readonly rural: string | null;
}

/** A row of the DMEPOS fee schedule: one code and modifier pair, with its fee in every state. */
export interface DmeposRecord {
  readonly code: string;
  readonly modifier: string;
  readonly modifier2: string;
  /** JURIS: 'D' (DME MAC), 'J' (Part B carrier, joint), 'L' (local Part B). */
  readonly jurisdiction: string;
  /** CATG: 'IN', 'PO', 'CR', 'OS', ... */
  readonly category: string;
  readonly ceiling: string;
  readonly floor: string;
  /** By two-letter state or territory code, in the file's column order. */
  readonly fees: Readonly<Record<string, DmeposFee>>;
  readonly line: number;
}

/** An imported DMEPOS fee schedule file. */
export type DmeposDataset = NationalDataset<'dmepos', DmeposRecord> & {
  /** The state and territory codes of the file's (NR)/(R) column pairs, in file order. */
  readonly states: readonly string[];
};

/** A ZIP code of the DMEPOS rural ZIP list. */
export interface DmeRuralZipRecord {
  readonly state: string;
  /** Five digits; the file drops leading zeros ("1223"), which are restored ("01223"). */
  readonly zip: string;
  /** YEAR/QTR as printed, e.g. "202601". */
  readonly yearQuarter: string;
  /** LOCATION as printed: "RURAL", or the competitive bidding area ("Huntington  WV CBA"). */
  readonly location: string;
  readonly line: number;
}

/** An imported DMEPOS rural ZIP file. */
export type DmeRuralZipDataset = NationalDataset<'dme-rural-zip', DmeRuralZipRecord> & {
  readonly quarter: number;
};

// ---------------------------------------------------------------------------------------------
// NADAC

/** A row of the weekly NADAC file. */
export interface NadacRecord {
  /** Eleven digits, leading zeros kept ("00904756160"). */
  readonly ndc: string;
  /** "NDC Description": the drug product's name ("ACETAMINOPHEN 500 MG TABLET"). */
  readonly description: string;
  /** "NADAC Per Unit", dollars, as printed ("0.28527"). */
  readonly perUnit: string;
  /** YYYY-MM-DD. */
  readonly effectiveDate: string;
  /** 'EA', 'ML' or 'GM'. */
  readonly pricingUnit: string;
  /** 'C/I' (chain and independent pharmacies), ... */
  readonly pharmacyType: string;
  /** 'Y' or 'N'. */
  readonly otc: string;
  /** As printed: "1", "1, 5", "2, 5", ... */
  readonly explanationCode: string;
  /** "Classification for Rate Setting": 'G' generic, 'B' brand, ... */
  readonly classification: string;
  /** "Corresponding Generic Drug NADAC Per Unit", or null when empty. */
  readonly genericPerUnit: string | null;
  /** "Corresponding Generic Drug Effective Date" (YYYY-MM-DD), or null when empty. */
  readonly genericEffectiveDate: string | null;
  /** "As of Date" (YYYY-MM-DD): the week of the file. */
  readonly asOfDate: string;
  readonly line: number;
}

/** An imported NADAC file. */
export type NadacDataset = NationalDataset<'nadac', NadacRecord> & {
  /** The week the file is "as of" (YYYY-MM-DD); it identifies the edition. */
  readonly asOfDate: string;
};

/** Any national data set. */
export type AnyNationalDataset =
  | PtpDataset
  | MueDataset
  | ClfsDataset
  | DmeposDataset
  | DmeRuralZipDataset
  | NadacDataset;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the national importers

/** True when the file name says the file is a part of the official file. */
export function isPartialFileName(fileName: string): boolean {
  return /excerpt|subset|sample/i.test(fileName);
}

/** The note for a file whose name says it is a part of the official file. */
export function partialFileNote(fileName: string, rows: number): string {
  return (
    `Part of the official file, not all of it (the file name "${fileName}" says so): ${rows} rows; ` +
    'an entry missing here may still be in the official file.'
  );
}

/** A date as CMS prints it: "20250101". */
export const YYYYMMDD: FieldRule = { pattern: /^\d{8}$/, expected: 'a date as YYYYMMDD' };
/** A date as NADAC prints it: "04/22/2026". */
export const MM_DD_YYYY: FieldRule = { pattern: /^\d{2}\/\d{2}\/\d{4}$/, expected: 'a date as MM/DD/YYYY' };

/**
 * Reads a date cell as YYYY-MM-DD.
 *
 * @param file - file name for errors
 * @param row - the row
 * @param index - 0-based cell index
 * @param columnName - the column's name
 * @param rule - {@link YYYYMMDD} or {@link MM_DD_YYYY}
 * @returns YYYY-MM-DD
 * @throws ImportError when the cell is not in the form or not a calendar date (20250231)
 */
export function dateField(
  file: string,
  row: CsvRow,
  index: number,
  columnName: string,
  rule: typeof YYYYMMDD | typeof MM_DD_YYYY,
): string {
  const value = field(file, row, index, columnName, rule);
  const iso =
    rule === YYYYMMDD
      ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`
      : `${value.slice(6, 10)}-${value.slice(0, 2)}-${value.slice(3, 5)}`;
  if (Number.isNaN(dayNumber(iso))) {
    throw new ImportError(
      { file, line: row.line, column: index + 1, columnName },
      `${JSON.stringify(value)} is not a calendar date`,
    );
  }
  return iso;
}

/** The note for skipped trailing blank rows, or none. */
export function blankRowsNote(blankLines: readonly number[]): string[] {
  if (blankLines.length === 0) return [];
  const s = blankLines.length === 1 ? '' : 's';
  return [
    `${blankLines.length} blank row${s} at the end of the file (line${s} ${blankLines.join(', ')}) skipped.`,
  ];
}

/**
 * Rejects a second row with the same key.
 *
 * @param seen - keys seen so far and their lines
 * @param key - this row's key
 * @param what - the key as the error names it ("0001U", "A4216-NU")
 * @param file - file name for the error
 * @param row - the row
 * @param column - 1-based column the error points at
 * @param columnName - that column's name
 * @throws ImportError naming the earlier line
 */
export function requireUnique(
  seen: Map<string, number>,
  key: string,
  what: string,
  file: string,
  row: CsvRow,
  column: number,
  columnName: string,
): void {
  const earlier = seen.get(key);
  if (earlier !== undefined) {
    throw new ImportError(
      { file, line: row.line, column, columnName },
      `${what} is already on line ${earlier}`,
    );
  }
  seen.set(key, row.line);
}
