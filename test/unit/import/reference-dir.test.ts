import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importReferenceDirectory } from '../../../fee-data/import/reference-dir.js';
import { crlf, fileLines } from './import-test-helpers.js';
import { referenceDataDir, referenceFile } from './reference-data.js';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A scratch reference directory with small files cut from the real ones (outside the repo). */
function scratchDir(kinds: { rvu?: boolean; gpci?: boolean; zip5?: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wcbr-refdir-'));
  scratch.push(dir);
  const write = (folder: string, name: string, text: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, name), text, 'latin1');
  };
  if (kinds.rvu) {
    write(
      'mpfs-rvu',
      'PPRRVU2025_Oct.csv',
      crlf(fileLines(referenceFile('mpfs-rvu', 'PPRRVU2025_Oct.csv')).slice(0, 13)),
    );
  }
  if (kinds.gpci) {
    write(
      'mpfs-gpci-locality',
      'GPCI2025.csv',
      crlf(fileLines(referenceFile('mpfs-gpci-locality', 'GPCI2025.csv'))),
    );
  }
  if (kinds.zip5) {
    const lines = fileLines(referenceFile('mpfs-zip-locality', 'ZIP5_OCT2025.txt')).slice(0, 3);
    write('mpfs-zip-locality', 'ZIP5_OCT2025.txt', crlf(lines));
    write('mpfs-zip-locality', 'ZIP5lyout.txt', 'Zip5 Record Layout\r\n');
  }
  // Folders and files this importer does not know must be ignored.
  write('clfs', 'CLFS_2025_Q4V1.csv', 'not,a,physician,file\r\n');
  write('mpfs-rvu', 'RVU25D_layout.pdf', '%PDF-1.4\r\n');
  return dir;
}

describe('importReferenceDirectory', () => {
  it('imports every physician fee schedule file of the shared reference data, in a fixed order', () => {
    const datasets = importReferenceDirectory(referenceDataDir());
    expect(datasets.map((d) => [d.dataset, d.source.file, d.source.rows])).toEqual([
      ['pfs-rvu', 'PPRRVU2025_Oct.csv', 19_090],
      ['pfs-rvu', 'PPRRVU2026_Jul_nonQPP.HEADER_excerpt.csv', 3],
      ['gpci', 'GPCI2025.csv', 109],
      ['gpci', 'GPCI2026.csv', 109],
      ['locality-county', '25LOCCO.csv', 109],
      ['zip5', 'ZIP5_OCT2025.txt', 42_956],
      ['opps-cap', 'OPPSCAP_Oct2025.csv', 16_100],
      ['anesthesia-cf', 'ANES2025.csv', 109],
    ]);
    for (const d of datasets) expect(d.records).toHaveLength(d.source.rows);
  });

  it('imports a directory with only the required kinds and ignores other folders and files', () => {
    const datasets = importReferenceDirectory(scratchDir({ rvu: true, gpci: true, zip5: true }));
    expect(datasets.map((d) => d.dataset)).toEqual(['pfs-rvu', 'gpci', 'zip5']);
  });

  it('names every missing required kind', () => {
    const dir = scratchDir({ rvu: true });
    expect(() => importReferenceDirectory(dir)).toThrow(
      `reference data directory ${dir} has no GPCI (mpfs-gpci-locality/GPCI*.csv), no ZIP5 (mpfs-zip-locality/ZIP5_*.txt)`,
    );
    expect(() => importReferenceDirectory(scratchDir({ gpci: true, zip5: true }))).toThrow(
      /no PPRRVU \(mpfs-rvu/,
    );
  });

  it('fails naming a directory that does not exist', () => {
    expect(() => importReferenceDirectory('/nonexistent/wcbr-ref')).toThrow(
      'reference data directory not found: /nonexistent/wcbr-ref',
    );
  });
});
