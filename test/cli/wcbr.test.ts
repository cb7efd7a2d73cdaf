import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { read835 } from '../support/read-835.js';
import { build837 } from '../support/x12-837.js';

const WCBR = path.join(REPO_ROOT, 'bin', 'wcbr.mjs');
let index: string;

function wcbr(args: string[], input?: string) {
  return spawnSync(process.execPath, [WCBR, ...args], { input, encoding: 'utf8', cwd: REPO_ROOT });
}

beforeAll(() => {
  index = sampleIndexFile();
});

describe('wcbr', () => {
  it('fee prints {"amount": ...} with the explanation', () => {
    const out = wcbr([
      'fee',
      '--jurisdiction',
      'US-MEDICARE',
      '--code',
      '99213',
      '--date',
      '2025-03-04',
      '--zip',
      '19901',
      '--index',
      index,
    ]);
    expect(out.status).toBe(0);
    const answer = JSON.parse(out.stdout);
    // PPRRVU2025_Oct.csv line 12807 and GPCI2025.csv line 40: 2.7458 × 32.3465 = 88.817… → 88.82
    expect(Object.keys(answer)[0]).toBe('amount');
    expect(answer).toMatchObject({ amount: '88.82', code: '99213' });
  });

  it('fee --batch answers each line in order, with an error object for a bad query', () => {
    const queries = [
      JSON.stringify({ jurisdiction: 'US-MEDICARE', code: '99213', date: '2025-03-04', zip: '19901' }),
      'not json',
      JSON.stringify({
        jurisdiction: 'US-MEDICARE',
        code: '99213',
        date: '2025-03-04',
        locality: '12102-01',
        facility: true,
      }),
      JSON.stringify({ jurisdiction: 'US-MEDICARE', code: '9999Z', zip: '19901' }),
      JSON.stringify({ code: '99213' }),
    ].join('\n');
    const out = wcbr(['fee', '--batch', '-', '--index', index], `${queries}\n`);
    expect(out.status).toBe(0);
    const answers = out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers).toHaveLength(5);
    expect(answers[0].amount).toBe('88.82');
    expect(answers[1].error.status).toBe(400);
    // facility: (1.30×1.009 + 0.57×0.992 + 0.10×0.949) × 32.3465 = 63.788… → 63.79
    expect(answers[2].amount).toBe('63.79');
    expect(answers[3].error.status).toBe(404);
    expect(answers[4].error.errors).toEqual([{ field: 'jurisdiction', errorMessage: 'is required' }]);
  });

  it('price prints the priced bill from a file or standard input', () => {
    const file = path.join(REPO_ROOT, 'examples', 'bills', 'office-visit.json');
    const fromFile = JSON.parse(wcbr(['price', file, '--index', index]).stdout);
    const fromStdin = JSON.parse(wcbr(['price', '-', '--index', index], readFileSync(file, 'utf8')).stdout);
    expect(fromFile.totals.allowed).toBe('88.82');
    expect(fromStdin).toEqual(fromFile);
  });

  it('data build writes an index from the sample and data verify checks it', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'wcbr-cli-')), 'index.bin');
    execFileSync(process.execPath, [WCBR, 'data', 'build', '--out', out], { cwd: REPO_ROOT, stdio: 'pipe' });
    const verify = JSON.parse(
      execFileSync(process.execPath, [WCBR, 'data', 'verify', '--index', out], { encoding: 'utf8' }),
    );
    expect(verify.checksum).toBe('ok');
    expect(verify.builtFrom).toBe('sample');
    expect(verify.editions.map((e: { id: string }) => e.id)).toContain('pfs-rvu/2026');
  });

  it('jurisdictions --json lists every jurisdiction with id, method, editions and sources', () => {
    const out = wcbr(['jurisdictions', '--json', '--index', index]);
    const list = JSON.parse(out.stdout) as {
      id: string;
      method: string;
      editions: unknown[];
      sources: unknown[];
    }[];
    expect(list).toHaveLength(53);
    for (const j of list)
      expect(Object.keys(j)).toEqual(expect.arrayContaining(['id', 'method', 'editions', 'sources']));
    expect(list.find((j) => j.id === 'TX')?.method).toBe('rbrvs-state-cf');
  });

  it('fails with a clear message for an unknown command', () => {
    const out = wcbr(['frobnicate']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown command frobnicate');
  });

  it('price reads an X12 837 and answers its claims as JSON, or with --835 as an 835 of the same amounts', () => {
    const bill = {
      billId: 'PCN-CLI-1',
      serviceFacility: { zip: '19901' },
      lines: [
        { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
        { code: '97110', units: 2, dateOfService: '2025-03-04', charge: '160.00' },
      ],
    };
    const text = build837([bill], { state: 'DE' });
    const json = wcbr(['price', '-', '--index', index, '--explain', 'summary'], text);
    expect(json.status).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.claims[0].claimId).toBe('PCN-CLI-1');
    expect(answer.claims[0].bill.explain).toBe('summary');
    const plain = JSON.parse(
      wcbr(['price', '-', '--index', index], JSON.stringify({ ...bill, jurisdiction: 'DE' })).stdout,
    );
    expect(answer.claims[0].bill.totals).toEqual(plain.totals);
    const remit = wcbr(['price', '-', '--index', index, '--835'], text);
    expect(remit.status).toBe(0);
    const claim = read835(remit.stdout).sets[0]?.claims[0];
    expect(claim?.elements.slice(0, 4)).toEqual([
      'PCN-CLI-1',
      '1',
      plain.totals.billed,
      plain.totals.allowed,
    ]);
    const broken = wcbr(['price', '-', '--index', index], text.slice(0, 300));
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout).error.status).toBe(400);
  });
});
