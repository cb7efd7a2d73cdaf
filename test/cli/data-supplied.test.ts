import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { cfFile, tableFile, tempDir, writeFile } from '../support/supplied.js';

/** `wcbr data add/remove/build/verify/ensure` with supplied files (issue 20). */

const WCBR = path.join(REPO_ROOT, 'bin', 'wcbr.mjs');
const EXAMPLES = [
  'acme-tx-cf-2025.json',
  'acme-ny-table-2026.json',
  'acme-ppo-90.json',
  'acme-negotiated-table.json',
].map((f) => path.join(REPO_ROOT, 'examples', 'supplied', f));

function wcbr(args: string[], stateDir: string) {
  return spawnSync(process.execPath, [WCBR, ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    timeout: 120_000,
    env: { ...process.env, WCBR_STATE_DIR: stateDir },
  });
}

interface Verified {
  checksum: string;
  release: string;
  supplied: {
    id: string;
    kind: string;
    jurisdiction?: string;
    tenant?: string;
    suppliedBy: string;
    sha256: string;
    file: string;
    source: { citation: string };
  }[];
}

describe('wcbr data add', () => {
  it('prints every error as file:row:column: message, exits 1 and adds nothing', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const good = writeFile(dir, 'good.json', cfFile());
    const bad = writeFile(dir, 'bad.json', tableFile({ rows: 'bad.csv' }));
    writeFile(
      dir,
      'bad.csv',
      'code,modifier,non_facility,facility,rural,pctc,by_report\n99213,,1.123,,,,\n9921,,1.00,,,,\n',
    );
    const run = wcbr(['data', 'add', good, bad, '--store', store], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'bad.csv:2:non_facility: an amount is blank or a decimal with at most 2 decimals\n',
    );
    expect(run.stderr).toContain('bad.csv:3:code: a code is five characters, 0-9 and A-Z\n');
    expect(run.stderr).toContain(`2 error(s): nothing added to ${store}`);
    expect(existsSync(path.join(store, 'manifest.json'))).toBe(false);
  });

  it('adds the examples, then build and verify list each with who supplied it, when and from what', () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    const add = wcbr(['data', 'add', ...EXAMPLES, '--store', store, '--by', 'ops@example.test'], dir);
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(add.stdout).toMatch(
      /^added acme-tx-cf-2025 \(conversion-factors, TX\) from acme-tx-cf-2025\.json/m,
    );
    const out = path.join(dir, 'index.bin');
    const build = wcbr(['data', 'build', '--supplied', store, '--out', out], dir);
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).toMatch(/and 4 supplied file\(s\) of .*, release r[0-9a-f]{12}/);
    const verify = wcbr(['data', 'verify', '--index', out], dir);
    expect(verify.status, verify.stderr).toBe(0);
    const verified = JSON.parse(verify.stdout) as Verified;
    expect(verified.checksum).toBe('ok');
    expect(verified.release).toMatch(/^r[0-9a-f]{12}$/);
    expect(
      verified.supplied.map((s) => [s.id, s.kind, s.jurisdiction ?? s.tenant, s.suppliedBy, s.file]),
    ).toEqual([
      ['acme-tx-cf-2025', 'conversion-factors', 'TX', 'ops@example.test', 'acme-tx-cf-2025.json'],
      [
        'acme-ny-table-2026',
        'fee-table',
        'NY',
        'ops@example.test',
        'acme-ny-table-2026.json + acme-ny-table-2026.csv',
      ],
      ['acme-ppo-90', 'contract', 'acme', 'ops@example.test', 'acme-ppo-90.json'],
      ['acme-negotiated-table', 'contract', 'acme', 'ops@example.test', 'acme-negotiated-table.json'],
    ]);
    expect(verified.supplied[0]?.source.citation).toMatch(/illustrative figure, not Texas's/);

    const remove = wcbr(['data', 'remove', 'acme-ppo-90', '--store', store], dir);
    expect(remove.status).toBe(0);
    const again = wcbr(['data', 'remove', 'acme-ppo-90', '--store', store], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('no item acme-ppo-90');
  });

  it('refuses a conflict with an official edition, naming both and how to supersede', () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'tx24.json',
      cfFile({ id: 'test-tx-2024', effective: '2024-03-01', termination: null }),
    );
    const run = wcbr(['data', 'add', file, '--store', path.join(dir, 'store')], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'tx24.json:effective: test-tx-2024 (2024-03-01 to open) overlaps the official edition TX-2024 (2024-01-01 to 2024-12-31), which carries values; add "supersedes": true',
    );
  });
});

describe('the local store', () => {
  it('is <state dir>/supplied by default, and data ensure and verify use <state dir>/fee-index.bin', () => {
    const stateDir = tempDir('wcbr-state-');
    const add = wcbr(['data', 'add', EXAMPLES[0] as string], stateDir);
    expect(add.status, add.stderr).toBe(0);
    expect(existsSync(path.join(stateDir, 'supplied', 'manifest.json'))).toBe(true);
    const ensure = wcbr(['data', 'ensure'], stateDir);
    expect(ensure.status, ensure.stderr).toBe(0);
    expect(existsSync(path.join(stateDir, 'fee-index.bin'))).toBe(true);
    const verify = wcbr(['data', 'verify'], stateDir);
    expect((JSON.parse(verify.stdout) as Verified).supplied.map((s) => s.id)).toEqual(['acme-tx-cf-2025']);
  });
});
