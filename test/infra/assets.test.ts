import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FEE_INDEX_PATH } from '../../lambdas/handlers/shared/routes.js';
import {
  FEE_INDEX_PATH_IN_LAYER,
  FeeIndexLayer,
  FeeIndexMissingError,
} from '../../lib/constructs/fee-index-layer.js';
import { NodeFunction } from '../../lib/constructs/node-function.js';

const INDEX_BYTES = Buffer.from('stand-in fee index: the real one comes from npm run build:index');

let dir: string;
let outdir: string;
let stack: Stack;

/** Directory of the staged asset whose display name is `displayName`. */
function assetDir(displayName: string): string {
  const manifest = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { displayName: string; source: { path: string } }>;
  };
  const asset = Object.values(manifest.files).find((f) => f.displayName === displayName);
  if (asset === undefined) throw new Error(`no asset ${displayName}`);
  return join(outdir, asset.source.path);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wcbr-assets-'));
  outdir = join(dir, 'cdk.out');
  writeFileSync(join(dir, 'fee-index.bin'), INDEX_BYTES);
  const app = new App({ outdir });
  stack = new Stack(app, 'Assets', { env: { region: 'us-east-1' } });
  new FeeIndexLayer(stack, 'FeeIndex', { indexFile: join(dir, 'fee-index.bin') });
  new NodeFunction(stack, 'PreTokenGeneration', {
    entry: 'lambdas/handlers/pre-token-generation/handler.ts',
    logEncryptionKey: new Key(stack, 'Key'),
  });
  app.synth();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fee index layer', () => {
  it('stages the index so that Lambda mounts it at /opt/fee-index/fee-index.bin', () => {
    expect(join('/opt', FEE_INDEX_PATH_IN_LAYER)).toBe(LAMBDA_FEE_INDEX_PATH);
    const staged = join(assetDir('FeeIndex/Resource/Code'), FEE_INDEX_PATH_IN_LAYER);
    expect(readFileSync(staged)).toEqual(INDEX_BYTES);
  });

  it("names the index's SHA-256 in the layer description", () => {
    const sha256 = createHash('sha256').update(INDEX_BYTES).digest('hex');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::LayerVersion', {
      Description: `Fee schedule index at ${LAMBDA_FEE_INDEX_PATH} (sha256 ${sha256})`,
    });
  });

  it('refuses to synth without the index and says how to build it', () => {
    const build = () =>
      new FeeIndexLayer(new Stack(new App(), 'Missing'), 'FeeIndex', {
        indexFile: join(dir, 'nowhere', 'fee-index.bin'),
      });
    expect(build).toThrow(FeeIndexMissingError);
    expect(build).toThrow(/npm run build:index/);
  });
});

describe('function bundle', () => {
  it('is one minified ESM file with the require banner and a source map, built by the local esbuild', () => {
    const bundle = assetDir('PreTokenGeneration/Resource/Code');
    const code = readFileSync(join(bundle, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __wcbrCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).toContain('sourceMappingURL=index.mjs.map');
    expect(existsSync(join(bundle, 'index.mjs.map'))).toBe(true);
    // The group-to-scope mapping is bundled in, not read at run time.
    expect(code).toContain('bill-reviewers');
  });

  it('checks the runtime mode before the handler module starts: no WCBR_MODE=aws in Lambda, no init', () => {
    const bundle = join(assetDir('PreTokenGeneration/Resource/Code'), 'index.mjs');
    // The bundle as Lambda's Node 22 starts it: imported once, in a fresh process.
    const start = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(bundle).href)})`],
        {
          env: {
            PATH: process.env.PATH ?? '',
            AWS_LAMBDA_FUNCTION_NAME: 'Wcbr-dev-PreTokenGeneration',
            ...env,
          },
          encoding: 'utf8',
        },
      );
    const refused = start({});
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('RuntimeConfigError');
    expect(refused.stderr).toContain('WCBR_MODE must be "aws" in Lambda');
    expect(start({ WCBR_MODE: 'aws', RECON_LOCAL_KEY_FILE: '/tmp/key.json' }).stderr).toContain(
      'RECON_LOCAL_KEY_FILE configures a local-only fallback',
    );
    const started = start({ WCBR_MODE: 'aws' });
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
  });

  it('refuses a handler entry that does not exist', () => {
    const app = new App();
    const other = new Stack(app, 'Other');
    expect(
      () =>
        new NodeFunction(other, 'Nothing', {
          entry: 'lambdas/handlers/no-such-handler/handler.ts',
          logEncryptionKey: new Key(other, 'Key'),
        }),
    ).toThrow(/handler entry lambdas\/handlers\/no-such-handler\/handler.ts does not exist/);
  });
});
