import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { smartbillKeysCommand } from '../../bin/smartbill-keys.js';
import { REPO_ROOT } from '../../lib/repo-root.js';
import { addStage } from '../../lib/stages/stage.js';
import {
  smartBillPublicKeyFile,
  stageConfigNamed,
  withPublicKeyFile,
} from '../../lib/stages/stage-config.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'wcbr-keys-'));
/** Stands in for the repository root, so the test never writes config/smartbill/ of the checkout. */
const root = mkdtempSync(path.join(os.tmpdir(), 'wcbr-keys-root-'));

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

/** Runs the command and collects what it writes. */
function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const chunks = { stdout: '', stderr: '' };
  const write = (to: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => {
    chunks[to] += String(chunk);
    return true;
  };
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = write('stdout') as typeof process.stdout.write;
  process.stderr.write = write('stderr') as typeof process.stderr.write;
  try {
    const withRoot = args.includes('--config-root') ? args : [...args, '--config-root', root];
    return { code: smartbillKeysCommand(withRoot), ...chunks };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

describe('wcbr smartbill keys', () => {
  it('writes the private key 0600, the public key where synth reads it, and prints a secret command per region', () => {
    // Act: the dev stage of cdk.json (regions and secret name come from there)
    const { code, stdout } = run(['--stage', 'dev', '--out', out]);
    // Assess
    expect(code).toBe(0);
    const file = path.join(out, 'smartbill-dev-private.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const publicFile = smartBillPublicKeyFile(root, 'dev');
    expect(stdout).toContain(publicFile);
    const publicPem = readFileSync(publicFile, 'utf8');
    // What synth reads for a stage whose cdk.json has no key: this very file.
    const stages = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
        context: { stages: { dev: { smartBill?: object } } };
      }
    ).context.stages;
    const dev = { ...stages.dev, smartBill: { ...stages.dev.smartBill, publicKeyPem: undefined } };
    const config = withPublicKeyFile(stageConfigNamed({ dev }, 'dev'), root);
    expect(config.smartBill.publicKeyPem).toBe(publicPem);
    expect(createPublicKey(publicPem).export({ type: 'spki', format: 'der' })).toEqual(
      createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
    );
    expect(stdout).not.toContain('PRIVATE KEY');
    expect(stdout).toContain(
      `aws secretsmanager create-secret --region us-east-1 --name wcbr/dev/smartbill-signing-key --secret-string file://${file}`,
    );
  });

  it('never overwrites a key file that is already there', () => {
    const dir = mkdtempSync(path.join(out, 'again-'));
    expect(run(['--stage', 'dev', '--out', dir]).code).toBe(0);
    const first = readFileSync(path.join(dir, 'smartbill-dev-private.pem'), 'utf8');
    expect(() => run(['--stage', 'dev', '--out', dir])).toThrow(/EEXIST/);
    expect(readFileSync(path.join(dir, 'smartbill-dev-private.pem'), 'utf8')).toBe(first);
  });

  it('refuses an unknown stage, naming the known ones, and writes nothing', () => {
    const dir = path.join(out, 'never');
    const { code, stderr } = run(['--stage', 'nosuch', '--out', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('stage "nosuch" is not configured');
    expect(stderr).toContain('dev');
    expect(() => statSync(dir)).toThrow(/ENOENT/);
  });

  it('asks for a stage', () => {
    const { code, stderr } = run([]);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: wcbr smartbill keys --stage NAME');
  });

  it('synth without a key in cdk.json or config/smartbill/ says which command to run, and where the key goes', () => {
    const stages = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
        context: { stages: { dev: { smartBill?: object } } };
      }
    ).context.stages;
    const dev = { ...stages.dev, smartBill: { ...stages.dev.smartBill, publicKeyPem: undefined } };
    const empty = mkdtempSync(path.join(out, 'fresh-clone-'));
    const config = withPublicKeyFile(stageConfigNamed({ dev }, 'dev'), empty);
    expect(config.smartBill.publicKeyPem).toBeUndefined();
    expect(() => addStage(new App(), config)).toThrow(
      /run `npx wcbr smartbill keys --stage dev` \(it writes config\/smartbill\/dev\.public\.pem, which synth reads\)/,
    );
  });
});
