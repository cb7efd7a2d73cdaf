import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { ppoContract90, suppliedIndexFile } from '../support/supplied-index.js';

/*
 * `wcbr price --tenant T` (issue 20): the tenant's contracts apply, none without --tenant. The
 * contract's 90% is a SUPPLIED INPUT; amounts are compared with and without the tenant.
 */
const WCBR = path.join(REPO_ROOT, 'bin', 'wcbr.mjs');
let index: string;

function wcbr(args: string[], input?: string) {
  return spawnSync(process.execPath, [WCBR, ...args], { input, encoding: 'utf8', cwd: REPO_ROOT });
}

const bill = JSON.stringify({
  jurisdiction: 'FL',
  serviceFacility: { zip: '33101' },
  billingProvider: { npi: '1234567893' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00' }],
});

beforeAll(() => {
  index = suppliedIndexFile({
    contracts: [ppoContract90('acme')],
  });
});

describe('wcbr price --tenant', () => {
  it("applies the tenant's contracts, and none without --tenant", () => {
    const mine = JSON.parse(wcbr(['price', '-', '--index', index, '--tenant', 'acme'], bill).stdout);
    const plain = JSON.parse(wcbr(['price', '-', '--index', index], bill).stdout);
    expect(mine.lines[0].supplied[0].id).toBe('acme-ppo-2025');
    expect(mine.lines[0].buckets.ppo).not.toBe('0.00');
    expect(plain.lines[0].buckets.ppo).toBe('0.00');
    expect(mine.dataRelease).toBe(plain.dataRelease);
  });

  it('prices a batch file for the tenant: its contracts apply to every bill', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-tenant-batch-'));
    const input = path.join(dir, 'bills.jsonl');
    writeFileSync(input, `${bill}\n${bill}\n`);
    const ppo = (out: string) =>
      readFileSync(path.join(out, 'results.jsonl'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).answer.lines[0].buckets.ppo);
    const mine = path.join(dir, 'mine');
    const plain = path.join(dir, 'plain');
    const args = ['price', '--batch', input, '--index', index, '--workers', '1', '--explain', 'none'];
    expect(wcbr([...args, '--out', mine, '--tenant', 'acme']).status).toBe(0);
    expect(wcbr([...args, '--out', plain]).status).toBe(0);
    // explain=none names only the buckets that hold an amount.
    expect(ppo(plain)).toEqual([undefined, undefined]);
    expect(ppo(mine).every((p) => typeof p === 'string' && p.startsWith('-'))).toBe(true);
  });

  it('refuses a tenant id of another form, naming the option', () => {
    const out = wcbr(['price', '-', '--index', index, '--tenant', 'a b'], bill);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('--tenant');
  });
});
