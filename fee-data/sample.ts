import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dayNumber } from '../lambdas/fee-index/header.js';
import { encodeCode } from '../lambdas/fee-index/schema.js';
import { type PtpDataset, type PtpRecord, ptpRecordAt } from './import/ncci-ptp.js';
import type { AnyImportedDataset, DatasetKind, SourceInfo } from './import/records.js';
import { NO_DAY, type PtpPairs } from './import/records-national.js';
import { parseCsv } from './import/text.js';

/**
 * The project's own data format for `fee-data/sample/`: one CSV per data set whose columns are the
 * importer's record fields (codes and numbers only, never a CPT descriptor), and a manifest naming
 * the official file each came from with its checksum. `wcbr data sample` writes it from the
 * official files with the project's importers; `wcbr data build` reads it back.
 *
 * NCCI PTP tables are kept as columnar pairs by the importer ({@link PtpDataset}); in the sample
 * each is a CSV of its edits (the fields of {@link PtpRecord}: codes, dates, modifier indicator,
 * CMS's rationale, source line), one row an edit, and its manifest entry names the form
 * (`cms`, dated; `derived`, undated).
 */

export interface SampleManifestEntry {
  readonly dataset: DatasetKind;
  readonly file: string;
  readonly year: number;
  readonly label: string;
  readonly effective: string;
  readonly complete: boolean;
  readonly source: SourceInfo;
  readonly notes: readonly string[];
  /** Rows in the sample file (the source's row count is in `source.rows`). */
  readonly rows: number;
  /** SHA-256 of the sample CSV, so a hand edit is caught. */
  readonly sha256: string;
  readonly partition?: string;
  readonly editionId?: string;
  /** NCCI PTP tables only: 'cms' (CMS's dated file) or 'derived' (the undated table). */
  readonly form?: PtpDataset['form'];
}

export interface SampleManifest {
  readonly format: 'wcbr-sample';
  readonly version: 1;
  readonly description: string;
  readonly codes: readonly string[];
  readonly datasets: readonly SampleManifestEntry[];
}

/** Raised when a sample directory is incomplete or was edited by hand. */
export class SampleError extends Error {
  override readonly name = 'SampleError';
}

const MANIFEST = 'manifest.json';

function csvCell(value: unknown): string {
  const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(records: readonly object[]): string {
  const first = records[0];
  if (!first) return '';
  const fields = Object.keys(first);
  const lines = [fields.join(',')];
  for (const record of records) {
    const row = record as Record<string, unknown>;
    lines.push(fields.map((f) => csvCell(row[f])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** What {@link readSample} returns: the data sets and the NCCI PTP tables (kept apart, as the build takes them). */
export interface Sample {
  readonly datasets: AnyImportedDataset[];
  readonly ptp: PtpDataset[];
}

/** The NCCI PTP tables to put in a sample and which of their edits to keep. */
export interface SamplePtp {
  readonly tables: readonly PtpDataset[];
  readonly keep: (table: PtpDataset, edit: PtpRecord) => boolean;
}

/** Field types of each record kind that are not strings. */
const NUMERIC_FIELDS = new Set(['line', 'seq']);
const BOOLEAN_FIELDS = new Set(['nonFacilityNa', 'facilityNa']);

/** The sample CSV columns of an NCCI PTP table: dated (CMS's file) or undated (the derived table). */
const PTP_COLUMNS = {
  dated: [
    'column1',
    'column2',
    'inExistencePrior1996',
    'effective',
    'deletion',
    'modifierIndicator',
    'rationale',
    'line',
  ],
  undated: ['column1', 'column2', 'modifierIndicator', 'rationale', 'line'],
} as const;

/** One edit as a sample CSV row: an undated table has no date columns, a deletion "*" is empty. */
function ptpSampleRow(table: PtpDataset, edit: PtpRecord): Record<string, unknown> {
  const columns = table.dated ? PTP_COLUMNS.dated : PTP_COLUMNS.undated;
  const cells: Record<string, unknown> = {
    ...edit,
    inExistencePrior1996: edit.inExistencePrior1996 === true,
    deletion: edit.deletion ?? '',
  };
  return Object.fromEntries(columns.map((c) => [c, cells[c]]));
}

/**
 * Writes a sample: the given data sets restricted by `keep` (per data set), and the NCCI PTP
 * tables restricted by `ptp.keep` (per edit), as CSVs and a manifest. Written to a temporary
 * directory and renamed, so a failed run leaves the old sample whole.
 *
 * @param datasets - imported official data sets
 * @param keep - which records of a data set to keep
 * @param codes - the codes the sample was cut to (recorded in the manifest)
 * @param outDir - target directory
 * @param ptp - imported NCCI PTP tables and which of their edits to keep
 */
export function writeSample(
  datasets: readonly AnyImportedDataset[],
  keep: (dataset: AnyImportedDataset, record: object) => boolean,
  codes: readonly string[],
  outDir: string,
  ptp: SamplePtp = { tables: [], keep: () => false },
): SampleManifest {
  const temporary = `${outDir}.tmp-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  const entries: SampleManifestEntry[] = [];
  const add = (
    dataset: Omit<AnyImportedDataset | PtpDataset, 'records' | 'pairs'>,
    records: readonly object[],
    partition: string | undefined,
    extra: Partial<SampleManifestEntry>,
  ) => {
    const file = `${dataset.dataset}-${partition ? `${partition}-` : ''}${dataset.year}-${dataset.source.sha256.slice(0, 8)}.csv`;
    const csv = toCsv(records);
    writeFileSync(path.join(temporary, file), csv);
    entries.push({
      dataset: dataset.dataset,
      file,
      year: dataset.year,
      label: dataset.label,
      effective: dataset.effective,
      complete: dataset.complete,
      source: dataset.source,
      notes: dataset.notes,
      rows: records.length,
      sha256: createHash('sha256').update(csv).digest('hex'),
      ...extra,
    });
  };
  for (const dataset of datasets) {
    add(
      dataset,
      (dataset.records as readonly object[]).filter((r) => keep(dataset, r)),
      dataset.partition,
      {
        ...(dataset.partition === undefined ? {} : { partition: dataset.partition }),
        ...(dataset.editionId === undefined ? {} : { editionId: dataset.editionId }),
      },
    );
  }
  for (const table of ptp.tables) {
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < table.pairs.count; i++) {
      const edit = ptpRecordAt(table.pairs, i);
      if (ptp.keep(table, edit)) rows.push(ptpSampleRow(table, edit));
    }
    // The build gives a PTP table its partition and edition id from its form, so none is stored.
    add(table, rows, table.form, { form: table.form });
  }
  const manifest: SampleManifest = {
    format: 'wcbr-sample',
    version: 1,
    description:
      "A sample of the official CMS files in the project's own format (codes and numbers only), made by `wcbr data sample` with the project's importers. Each data set names its official source file and checksum.",
    codes: [...codes].sort(),
    datasets: entries,
  };
  writeFileSync(path.join(temporary, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(temporary, outDir);
  return manifest;
}

/**
 * Reads an NCCI PTP table's sample CSV back into columnar pairs, as the importer returns them.
 *
 * @throws SampleError naming the file and line when a row is not as {@link writeSample} writes it
 */
function readPtpPairs(text: string, entry: SampleManifestEntry, filePath: string): PtpPairs {
  const dated = entry.form === 'cms';
  const want: readonly string[] = dated ? PTP_COLUMNS.dated : PTP_COLUMNS.undated;
  const [header, ...data] = parseCsv(text, entry.file).rows;
  if (header && header.cells.join(',') !== want.join(',')) {
    throw new SampleError(`${filePath} line ${header.line}: the header is not "${want.join(',')}"`);
  }
  const n = data.length;
  const column1 = new Uint32Array(n);
  const column2 = new Uint32Array(n);
  const prior = dated ? new Uint8Array(n) : null;
  const effectiveDay = dated ? new Int32Array(n) : null;
  const deletionDay = dated ? new Int32Array(n) : null;
  const modifierIndicator = new Uint8Array(n);
  const rationale = new Uint16Array(n);
  const line = new Uint32Array(n);
  const rationales: string[] = [];
  data.forEach((row, i) => {
    const bad = (column: string, expected: string): never => {
      throw new SampleError(
        `${filePath} line ${row.line}: ${column} ${JSON.stringify(row.cells[want.indexOf(column)] ?? '')} is not ${expected}`,
      );
    };
    if (row.cells.length !== want.length) {
      throw new SampleError(
        `${filePath} line ${row.line}: the row has ${row.cells.length} columns, expected ${want.length}`,
      );
    }
    const cell = (column: string) => row.cells[want.indexOf(column)] as string;
    const code = (column: string) => {
      const key = cell(column).length === 5 ? encodeCode(cell(column), 5) : -1;
      return key < 0 ? bad(column, 'a five-character HCPCS code') : key;
    };
    const day = (column: string) => {
      const value = dayNumber(cell(column));
      return Number.isNaN(value) ? bad(column, 'a date as YYYY-MM-DD') : value;
    };
    column1[i] = code('column1');
    column2[i] = code('column2');
    if (prior && effectiveDay && deletionDay) {
      const flag = cell('inExistencePrior1996');
      if (flag !== 'true' && flag !== 'false') bad('inExistencePrior1996', 'true or false');
      prior[i] = flag === 'true' ? 1 : 0;
      effectiveDay[i] = day('effective');
      deletionDay[i] = cell('deletion') === '' ? NO_DAY : day('deletion');
    }
    const indicator = cell('modifierIndicator');
    if (indicator !== '0' && indicator !== '1' && indicator !== '9') bad('modifierIndicator', '0, 1 or 9');
    modifierIndicator[i] = Number(indicator);
    const text = cell('rationale');
    if (text === '') bad('rationale', 'a rationale');
    let r = rationales.indexOf(text);
    if (r < 0) r = rationales.push(text) - 1;
    rationale[i] = r;
    const source = Number(cell('line'));
    if (!Number.isInteger(source) || source < 1) bad('line', 'a line number');
    line[i] = source;
  });
  return {
    count: n,
    column1,
    column2,
    inExistencePrior1996: prior,
    effectiveDay,
    deletionDay,
    modifierIndicator,
    rationale,
    rationales,
    line,
  };
}

/**
 * Reads a sample directory back into data sets and NCCI PTP tables, checking every CSV against
 * the manifest's checksum.
 *
 * @param dir - e.g. fee-data/sample
 * @returns the data sets and the PTP tables (for `buildIndexBytes(datasets, { ptp })`)
 * @throws SampleError naming the file when a file is missing, does not match its checksum, or
 *   (a PTP table) holds a row that is not an edit
 */
export function readSample(dir: string): Sample {
  let manifest: SampleManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as SampleManifest;
  } catch (error) {
    throw new SampleError(
      `${path.join(dir, MANIFEST)}: cannot read the sample manifest (${(error as Error).message})`,
    );
  }
  if (manifest.format !== 'wcbr-sample') throw new SampleError(`${dir} is not a sample directory`);
  const datasets: AnyImportedDataset[] = [];
  const ptp: PtpDataset[] = [];
  for (const entry of manifest.datasets) {
    const filePath = path.join(dir, entry.file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(filePath);
    } catch {
      throw new SampleError(`${filePath}: listed in the manifest but missing`);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
      throw new SampleError(
        `${filePath}: does not match the manifest's checksum; regenerate it with \`wcbr data sample\``,
      );
    }
    const common = {
      year: entry.year,
      label: entry.label,
      effective: entry.effective,
      complete: entry.complete,
      source: entry.source,
      notes: entry.notes,
    };
    if (entry.dataset === 'ncci-ptp') {
      if (entry.form !== 'cms' && entry.form !== 'derived') {
        throw new SampleError(`${filePath}: the manifest gives this NCCI PTP table no form (cms or derived)`);
      }
      ptp.push({
        dataset: 'ncci-ptp',
        form: entry.form,
        dated: entry.form === 'cms',
        ...common,
        pairs: readPtpPairs(bytes.toString('utf8'), entry, filePath),
      });
      continue;
    }
    const [header, ...data] = parseCsv(bytes.toString('utf8'), entry.file).rows;
    const records = header
      ? data.map((row) =>
          Object.fromEntries(
            header.cells.map((field, i) => {
              const cell = row.cells[i] ?? '';
              if (NUMERIC_FIELDS.has(field)) return [field, Number(cell)];
              if (BOOLEAN_FIELDS.has(field)) return [field, cell === 'true'];
              return [field, cell];
            }),
          ),
        )
      : [];
    datasets.push({
      dataset: entry.dataset,
      ...common,
      records,
      ...(entry.partition === undefined ? {} : { partition: entry.partition }),
      ...(entry.editionId === undefined ? {} : { editionId: entry.editionId }),
    } as AnyImportedDataset);
  }
  return { datasets, ptp };
}
