import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AnyImportedDataset, DatasetKind, SourceInfo } from './import/records.js';
import { parseCsv } from './import/text.js';

/**
 * The project's own data format for `fee-data/sample/`: one CSV per data set whose columns are the
 * importer's record fields (codes and numbers only, never a CPT descriptor), and a manifest naming
 * the official file each came from with its checksum. `wcbr data sample` writes it from the
 * official files with the project's importers; `wcbr data build` reads it back.
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

/** Field types of each record kind that are not strings. */
const NUMERIC_FIELDS = new Set(['line', 'seq']);
const BOOLEAN_FIELDS = new Set(['nonFacilityNa', 'facilityNa']);

/**
 * Writes a sample: the given data sets restricted by `keep` (per data set), as CSVs and a manifest.
 * Written to a temporary directory and renamed, so a failed run leaves the old sample whole.
 *
 * @param datasets - imported official data sets
 * @param keep - which records of a data set to keep
 * @param codes - the codes the sample was cut to (recorded in the manifest)
 * @param outDir - target directory
 */
export function writeSample(
  datasets: readonly AnyImportedDataset[],
  keep: (dataset: AnyImportedDataset, record: object) => boolean,
  codes: readonly string[],
  outDir: string,
): SampleManifest {
  const temporary = `${outDir}.tmp-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  const entries: SampleManifestEntry[] = [];
  for (const dataset of datasets) {
    const records = (dataset.records as readonly object[]).filter((r) => keep(dataset, r));
    const file = `${dataset.dataset}-${dataset.partition ? `${dataset.partition}-` : ''}${dataset.year}-${dataset.source.sha256.slice(0, 8)}.csv`;
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
      ...(dataset.partition === undefined ? {} : { partition: dataset.partition }),
      ...(dataset.editionId === undefined ? {} : { editionId: dataset.editionId }),
    });
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
 * Reads a sample directory back into data sets, checking every CSV against the manifest's checksum.
 *
 * @param dir - e.g. fee-data/sample
 * @returns the data sets
 * @throws SampleError when a file is missing or does not match its checksum
 */
export function readSample(dir: string): AnyImportedDataset[] {
  let manifest: SampleManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as SampleManifest;
  } catch (error) {
    throw new SampleError(
      `${path.join(dir, MANIFEST)}: cannot read the sample manifest (${(error as Error).message})`,
    );
  }
  if (manifest.format !== 'wcbr-sample') throw new SampleError(`${dir} is not a sample directory`);
  return manifest.datasets.map((entry) => {
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
    return {
      dataset: entry.dataset,
      year: entry.year,
      label: entry.label,
      effective: entry.effective,
      complete: entry.complete,
      source: entry.source,
      notes: entry.notes,
      records,
      ...(entry.partition === undefined ? {} : { partition: entry.partition }),
      ...(entry.editionId === undefined ? {} : { editionId: entry.editionId }),
    } as AnyImportedDataset;
  });
}
