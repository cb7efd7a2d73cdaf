import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
import {
  BUNDLE_TARGET,
  LAMBDA_EXTERNAL_MODULES,
  LAMBDA_START_MODULE,
  REQUIRE_BANNER,
} from '../../lib/constructs/node-function.js';
import { REPO_ROOT } from '../../lib/repo-root.js';
import { sampleIndexFile } from '../support/fee-index.js';

/**
 * Issue 17, 4(d): the pricing function's bundle, built as NodeFunction builds it (one minified ESM
 * file, the AWS SDK external, the start-up check injected), loads no AWS SDK package when it is
 * imported, and loads the ones a SmartBill link needs on the first bill, which gets its link.
 * Run in a fresh Node process, so that nothing another test loaded is in its module cache.
 */

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wcbr-price-bundle-'));
  bundle = join(dir, 'index.mjs');
  await build({
    entryPoints: [join(REPO_ROOT, 'lambdas/handlers/price-bill/handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'esm',
    outfile: bundle,
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    inject: [join(REPO_ROOT, LAMBDA_START_MODULE)],
    external: [...LAMBDA_EXTERNAL_MODULES],
    logLevel: 'error',
  });
  // What the Lambda runtime provides (the SDK); here the repository's copy.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Imports the bundle in a fresh process, prices one bill, and reports which SDK packages were loaded when. */
function coldRun(env: Record<string, string>): {
  atImport: string[];
  afterFirstBill: string[];
  status: number;
  body: { smartBill?: { url: string }; notices: string[] };
} {
  const runner = join(dir, 'run.mjs');
  writeFileSync(
    runner,
    `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
const sdk = () => [...new Set(Object.keys(cache).map((p) => /[\\\\/]node_modules[\\\\/](@aws-sdk[\\\\/][^\\\\/]+)/.exec(p)?.[1]?.replace('\\\\', '/')).filter(Boolean))].sort();
const { handler } = await import(process.argv[2]);
const atImport = sdk();
const body = JSON.stringify({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }] });
const res = await handler({ body, headers: { 'content-type': 'application/json' }, isBase64Encoded: false,
  requestContext: { requestId: 'req-bundle-1', authorizer: { claims: { client_id: 'tenant-a' } } } },
  { awsRequestId: 'lambda-1', functionName: 'PriceBill' });
process.stdout.write(JSON.stringify({ atImport, afterFirstBill: sdk(), status: res.statusCode, body: JSON.parse(res.body) }));
process.exit(0);
`,
  );
  const out = execFileSync(process.execPath, [runner, bundle], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    timeout: 60_000,
  });
  return JSON.parse(out);
}

describe('pricing function bundle', () => {
  it('loads no AWS SDK package at import; the first bill loads what its link needs and gets the link', () => {
    const keyFile = join(dir, 'signing-key.json');
    const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    writeFileSync(keyFile, JSON.stringify({ privateKeyPem }));
    // The local configuration (npm start's): signing key file, pages rendered in the background
    // into S3 and the gate in DynamoDB, both at an address where nothing listens (the render fails
    // in the background, after the answer, as a store outage does).
    const nowhere = 'http://127.0.0.1:9';
    const run = coldRun({
      FEE_INDEX_PATH: sampleIndexFile(),
      WCBR_LOG: 'off',
      AWS_REGION: 'us-east-1',
      [SMARTBILL_ENV.baseUrl]: 'http://127.0.0.1:8787',
      [SMARTBILL_ENV.keyPairId]: 'K2LOCALKEYPAIR',
      [SMARTBILL_ENV.signingKeyFile]: keyFile,
      [SMARTBILL_ENV.bucketName]: 'smartbills',
      [SMARTBILL_ENV.s3Endpoint]: nowhere,
      [SMARTBILL_ENV.s3AccessKeyId]: 'S3RVER',
      [SMARTBILL_ENV.s3SecretAccessKey]: 'S3RVER',
      [SMARTBILL_ENV.gateTable]: 'smartbill-gate',
      [SMARTBILL_ENV.gateEndpoint]: nowhere,
    });

    expect(run.atImport).toEqual([]);
    expect(run.status).toBe(200);
    expect(run.body.smartBill?.url).toMatch(
      /^http:\/\/127\.0\.0\.1:8787\/smartbills\/[A-Za-z0-9_-]+\.html\?/,
    );
    expect(run.afterFirstBill).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/client-s3',
        '@aws-sdk/cloudfront-signer',
      ]),
    );
  });
});
