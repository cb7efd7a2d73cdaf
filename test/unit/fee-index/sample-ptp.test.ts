import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importNcciPtp, ptpRecordAt } from '../../../fee-data/import/ncci-ptp.js';
import { SAMPLE_DIR } from '../../../fee-data/paths.js';
import { readSample, SampleError, type SampleManifest, writeSample } from '../../../fee-data/sample.js';
import { sampleIndex } from '../../support/fee-index.js';
import { referenceFile } from '../import/reference-data.js';

/** The NCCI PTP tables of the embedded sample (fee-data/sample), as `wcbr data sample` cut them. */

const manifest = JSON.parse(readFileSync(path.join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as SampleManifest;
const ptpEntry = (form: 'cms' | 'derived') => {
  const entry = manifest.datasets.find((d) => d.dataset === 'ncci-ptp' && d.form === form);
  if (!entry) throw new Error(`fee-data/sample has no ${form} NCCI PTP table`);
  return entry;
};

/** A copy of the sample to break. */
function sampleCopy(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'wcbr-sample-')), 'sample');
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  return dir;
}

describe('the NCCI PTP edits of the embedded sample', () => {
  const index = sampleIndex();
  const derived = index.editionById('ncci-ptp/derived-2026');
  const cms = index.editionById('ncci-ptp/cms-2026');

  it('holds both editions the full build has, sampled, with their sources and notes', () => {
    if (!derived || !cms) throw new Error('PTP editions missing from the sample index');
    expect(derived).toMatchObject({
      sampled: true,
      effective: '1996-01-01',
      source: { file: 'ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz' },
    });
    expect(derived.notes.join(' ')).toMatch(/^UNDATED: /);
    expect(cms).toMatchObject({
      sampled: true,
      complete: false,
      effective: '2026-07-01',
      source: { file: 'ccipra-v322r0-f1.SUBSET_of_excerpt.txt', release: 'v32.2r0' },
    });
    expect(index.counts()['ncci-ptp-pairs']).toBe(ptpEntry('derived').rows + ptpEntry('cms').rows);
  });

  it('answers an undated pair between two sample codes with the indicator the derived file gives', () => {
    if (!derived) throw new Error('PTP edition missing');
    // ptp_practitioner_pairs_NODATES_incl_deleted_derived.csv.gz line 1138601:
    // 29877,29881,0,Misuse of Column Two code with Column One code
    expect(index.ptpEdit(derived, '29877', '29881')).toMatchObject({
      modifierIndicator: 0,
      rationale: 'Misuse of Column Two code with Column One code',
      effective: null,
      deletion: null,
    });
    // same file, line 2123115: 97140,97530,1,Mutually exclusive procedures
    expect(index.ptpEdit(derived, '97140', '97530')).toMatchObject({
      modifierIndicator: 1,
      rationale: 'Mutually exclusive procedures',
    });
    // The file has no 97530/97140 line: the order of the columns matters.
    expect(index.ptpEdit(derived, '97530', '97140')).toBeUndefined();
  });

  it('answers a pair of the dated CMS excerpt with its effective and deletion dates', () => {
    if (!cms) throw new Error('PTP edition missing');
    // ccipra-v322r0-f1.SUBSET_of_excerpt.txt line 22: 0001A 99213, effective 20220101, deleted
    // 20231231, indicator 1 (99213 is a sample code; the excerpt's column 1 codes are not).
    expect(index.ptpEdit(cms, '0001A', '99213')).toMatchObject({
      modifierIndicator: 1,
      effective: '2022-01-01',
      deletion: '2023-12-31',
      rationale: 'CPT Manual or CMS manual coding instruction',
    });
    // line 72: 0001M 80053, effective 20170401, deleted 20181231, indicator 0
    expect(index.ptpEdit(cms, '0001M', '80053')).toMatchObject({
      modifierIndicator: 0,
      effective: '2017-04-01',
      deletion: '2018-12-31',
    });
    // line 7: 0001A/0591T names no sample code, so the sample does not hold it.
    expect(index.ptpEdit(cms, '0001A', '0591T')).toBeUndefined();
  });

  it('keeps of the derived table only pairs of two sample codes, with their source lines', () => {
    const codes = new Set(manifest.codes);
    const { ptp } = readSample(SAMPLE_DIR);
    const table = ptp.find((p) => p.form === 'derived');
    if (!table) throw new Error('derived PTP table missing');
    expect(table.dated).toBe(false);
    expect(table.pairs.effectiveDay).toBeNull();
    expect(table.pairs.count).toBe(ptpEntry('derived').rows);
    for (let i = 0; i < table.pairs.count; i++) {
      const edit = ptpRecordAt(table.pairs, i);
      expect(codes.has(edit.column1) && codes.has(edit.column2)).toBe(true);
    }
    const at = Array.from({ length: table.pairs.count }, (_, i) => ptpRecordAt(table.pairs, i)).find(
      (e) => e.column1 === '29877' && e.column2 === '29881',
    );
    expect(at?.line).toBe(1138601);
  });
});

describe('PTP tables in a sample directory', () => {
  it('read back exactly as the importer gave them (dates, "*" deletions, rationales, lines)', () => {
    const table = importNcciPtp(
      referenceFile('ncci', 'raw_format_excerpts', 'ccipra-v322r0-f1.SUBSET_of_excerpt.txt'),
    );
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'wcbr-sample-')), 'sample');
    const written = writeSample([], () => true, [], dir, { tables: [table], keep: () => true });
    expect(written.datasets).toMatchObject([{ dataset: 'ncci-ptp', form: 'cms', rows: table.pairs.count }]);
    const { datasets, ptp } = readSample(dir);
    expect(datasets).toEqual([]);
    const [read] = ptp;
    if (!read) throw new Error('no PTP table read back');
    const { pairs, ...rest } = table;
    const { pairs: readPairs, ...readRest } = read;
    expect(readRest).toEqual(rest);
    const records = (p: typeof pairs) => Array.from({ length: p.count }, (_, i) => ptpRecordAt(p, i));
    expect(records(readPairs)).toEqual(records(pairs));
    // The excerpt has edits not deleted ("*") and edits deleted: both survive.
    expect(records(readPairs).some((e) => e.deletion === null)).toBe(true);
    expect(records(readPairs).some((e) => e.deletion !== null)).toBe(true);
  });

  it('fail readSample, naming the file, when a PTP CSV was edited', () => {
    const dir = sampleCopy();
    const file = path.join(dir, ptpEntry('derived').file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('29877,29881,0,', '29877,29881,1,'));
    expect(() => readSample(dir)).toThrow(SampleError);
    expect(() => readSample(dir)).toThrow(`${file}: does not match the manifest's checksum`);
  });

  it('fail readSample, naming the file and line, when a PTP row is not an edit (even with a matching checksum)', () => {
    const dir = sampleCopy();
    const entry = ptpEntry('cms');
    const file = path.join(dir, entry.file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = (lines[2] as string).replace(/,2022-01-01,/, ',2022-13-01,');
    const csv = lines.join('\n');
    writeFileSync(file, csv);
    const sha256 = createHash('sha256').update(csv).digest('hex');
    const manifestFile = path.join(dir, 'manifest.json');
    writeFileSync(
      manifestFile,
      readFileSync(manifestFile, 'utf8').replace(`"sha256": "${entry.sha256}"`, `"sha256": "${sha256}"`),
    );
    expect(() => readSample(dir)).toThrow(
      `${file} line 3: effective "2022-13-01" is not a date as YYYY-MM-DD`,
    );
  });
});
