import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildIndexFromDirectory } from '../fee-data/load-datasets.js';
import { REPO_ROOT, referenceDataDir } from '../fee-data/paths.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';

/**
 * `npm run bench`: the figures issue #2 names, each printed beside its target and written to
 * bench/results.json. Timings are measured here and only here; tests never assert them.
 */

interface Result {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: string;
  readonly met: boolean;
}

const results: Result[] = [];

function record(name: string, value: number, unit: string, target: string, met: boolean): void {
  results.push({ name, value, unit, target, met });
  process.stdout.write(
    `${met ? 'MET ' : 'MISS'}  ${name.padEnd(48)} ${String(value).padStart(12)} ${unit.padEnd(8)} target ${target}\n`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** A ten-line professional bill of codes common on workers' comp bills (Delaware, 2025). */
export function tenLineBill(): object {
  const lines = [
    { code: '99213' },
    { code: '97110', units: 3 },
    { code: '97140', units: 2 },
    { code: '97530', units: 2 },
    { code: '72148', modifiers: ['26'] },
    { code: '72148', modifiers: ['TC'] },
    { code: '20610' },
    { code: '64483' },
    { code: '98940' },
    { code: '99080' },
  ];
  return {
    billId: 'BENCH-10',
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    lines: lines.map((l, i) => ({ lineNumber: i + 1, dateOfService: '2025-03-04', charge: '400.00', ...l })),
  };
}

/**
 * A 60-line hospital outpatient claim in the institutional claim JSON (issue 16): one knee
 * arthroscopy (J1) with what a surgical day bills around it, labs, therapy and clinic visits over
 * a series of dates, codes only (the sample and the full index hold them).
 */
export function sixtyLineOutpatientClaim(): object {
  const day = ['29881', '20610', '36415', '80053', '97110', 'G0463'] as const;
  const revenue: Readonly<Record<(typeof day)[number], string>> = {
    '29881': '0360',
    '20610': '0450',
    '36415': '0300',
    '80053': '0301',
    '97110': '0420',
    G0463: '0510',
  };
  const serviceLines = Array.from({ length: 60 }, (_, i) => {
    const code = day[i % day.length] as (typeof day)[number];
    const date = `202503${String(3 + Math.floor(i / day.length)).padStart(2, '0')}`;
    return {
      assignedNumber: String(i + 1),
      serviceDate: date,
      institutionalService: {
        serviceLineRevenueCode: revenue[code],
        procedureCode: code,
        lineItemChargeAmount: code === '29881' ? '9500.00' : '240.00',
        measurementUnit: 'UN',
        serviceUnitCount: code === '97110' ? '2' : '1',
      },
    };
  });
  return {
    controlNumber: 'BENCH-OP-60',
    jurisdiction: 'US-MEDICARE',
    billing: { npi: '1234567893', address: { postalCode: '30303' } },
    facility: { cbsa: '12054' },
    claimInformation: {
      placeOfServiceCode: '13',
      claimFrequencyCode: '1',
      claimDateInformation: { statementBeginDate: '20250303', statementEndDate: '20250312' },
      serviceLines,
    },
  };
}

/**
 * Engine throughput as deployed: the engine bundled by esbuild (minified, like the Lambda) and run
 * in a fresh process, so the figure is not that of the TypeScript loader the CLI runs under.
 */
async function benchEngine(indexFile: string): Promise<void> {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-engine-'));
  const outfile = path.join(dir, 'engine.mjs');
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'bench/engine-throughput.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile,
    logLevel: 'error',
  });
  const billFile = path.join(dir, 'bill.json');
  writeFileSync(billFile, JSON.stringify(tenLineBill()));
  const perSecond = Number(
    execFileSync(process.execPath, [outfile, indexFile, billFile], { encoding: 'utf8' }),
  );
  record(
    '(a) engine: 10-line bills per second (one process)',
    perSecond,
    'bills/s',
    '>= 20000',
    perSecond >= 20_000,
  );
  const claimFile = path.join(dir, 'outpatient-claim.json');
  writeFileSync(claimFile, JSON.stringify(sixtyLineOutpatientClaim()));
  const claimsPerSecond = Number(
    execFileSync(process.execPath, [outfile, indexFile, claimFile, '5000'], { encoding: 'utf8' }),
  );
  record(
    '(a) engine: 60-line outpatient claims per second',
    claimsPerSecond,
    'claims/s',
    '>= 5000',
    claimsPerSecond >= 5_000,
  );
}

function benchIndex(file: string): void {
  const size = statSync(file).size;
  const mb = Math.round((size / 1024 / 1024) * 100) / 100;
  record('(b) index size (full national data we hold)', mb, 'MB', '<= 40', mb <= 40);
  // Load = one file read + opening the header, in a fresh process each time (no warm page cache
  // advantage beyond the OS's), median of 7.
  const script = `const {readFileSync}=require('node:fs');const t=performance.now();const b=readFileSync(process.argv[1]);
const v=new DataView(b.buffer,b.byteOffset);const n=v.getUint32(12,true);JSON.parse(new TextDecoder().decode(b.subarray(16,16+n)));
process.stdout.write(String(performance.now()-t));`;
  const fresh: number[] = [];
  for (let i = 0; i < 7; i++) {
    fresh.push(Number(execFileSync(process.execPath, ['-e', script, file], { encoding: 'utf8' })));
  }
  // And through the real reader in this process.
  const inProcess: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    FeeIndex.fromBytes(readFileSync(file));
    inProcess.push(performance.now() - start);
  }
  const load = Math.round(Math.max(median(fresh), median(inProcess)) * 100) / 100;
  record('(b) index load time (read + open)', load, 'ms', '<= 30', load <= 30);
}

async function benchHttp(indexFile: string): Promise<void> {
  process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startLocalStack } = await import('../lambdas/local/stack.js');
  const autocannon = (await import('autocannon')).default;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-'));
  // Two API worker processes (this machine's two cores), as a deployment runs several Lambda instances.
  const stack = await startLocalStack({
    port: 0,
    cognitoPort: 0,
    stateDir,
    feeIndexPath: indexFile,
    quiet: true,
    workers: 2,
  });
  try {
    const token = await stack.token('client');
    const body = JSON.stringify(tenLineBill());
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const warm = await fetch(`${stack.url}/v1/bills/price`, { method: 'POST', headers, body });
    if (warm.status !== 200) throw new Error(`warm-up request answered ${warm.status}: ${await warm.text()}`);
    const run = await autocannon({
      url: `${stack.url}/v1/bills/price`,
      method: 'POST',
      headers,
      body,
      connections: 50,
      duration: 10,
    });
    const errors = run.errors + run.timeouts + run.non2xx;
    record(
      '(c) local HTTP p50 (auth + 10-line bill, 50 conns, 10 s)',
      run.latency.p50,
      'ms',
      '<= 3',
      run.latency.p50 <= 3,
    );
    record('(c) local HTTP p99', run.latency.p99, 'ms', '<= 15', run.latency.p99 <= 15);
    record('(c) local HTTP errors (errors + timeouts + non-2xx)', errors, 'count', '0', errors === 0);
    record('(c) local HTTP throughput', Math.round(run.requests.average), 'req/s', 'report', true);
    // Issue 16: a 60-line outpatient claim (institutional claim JSON) through the same route.
    const claim = JSON.stringify(sixtyLineOutpatientClaim());
    const warmClaim = await fetch(`${stack.url}/v1/bills/price`, { method: 'POST', headers, body: claim });
    if (warmClaim.status !== 200)
      throw new Error(`warm-up claim answered ${warmClaim.status}: ${await warmClaim.text()}`);
    const facility = await autocannon({
      url: `${stack.url}/v1/bills/price`,
      method: 'POST',
      headers,
      body: claim,
      connections: 50,
      duration: 10,
    });
    const facilityErrors = facility.errors + facility.timeouts + facility.non2xx;
    record('(c) local HTTP p50, 60-line outpatient claim', facility.latency.p50, 'ms', 'report', true);
    record('(c) local HTTP p99, 60-line outpatient claim', facility.latency.p99, 'ms', 'report', true);
    record('(c) local HTTP errors, outpatient claims', facilityErrors, 'count', '0', facilityErrors === 0);
  } finally {
    await stack.stop();
  }
}

async function benchBundle(indexFile: string): Promise<void> {
  const esbuild = await import('esbuild');
  const { REQUIRE_BANNER } = await import('../lib/constructs/node-function.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bundle-'));
  const outfile = path.join(dir, 'index.mjs');
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'lambdas/handlers/price-bill/handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile,
    // As NodeFunction bundles it (lib/constructs/node-function.ts).
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  const kb = Math.round(statSync(outfile).size / 1024);
  record('(d) pricing Lambda bundle (minified ESM)', kb, 'kB', '<= 500', kb <= 500);
  // The Lambda runtime provides the AWS SDK the bundle leaves out; here the repository's copy does.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // Init = importing the bundle, which opens the index at module scope, in a fresh process.
  const runner = path.join(dir, 'init.mjs');
  writeFileSync(
    runner,
    `const t=performance.now();await import(${JSON.stringify(outfile)});process.stdout.write(String(performance.now()-t));`,
  );
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    times.push(
      Number(
        execFileSync(process.execPath, [runner], {
          encoding: 'utf8',
          env: { ...process.env, FEE_INDEX_PATH: indexFile, WCBR_LOG: 'off' },
        }),
      ),
    );
  }
  const init = Math.round(median(times) * 10) / 10;
  record('(d) pricing Lambda init (import + index load)', init, 'ms', '<= 150', init <= 150);
}

/** Recon submissions through the local workflow (DynamoDB Local, moto KMS, the ASL run locally). */
async function benchReconSubmissions(indexFile: string): Promise<void> {
  const { benchRecon } = await import('./recon.js');
  const run = await benchRecon({ indexFile });
  record(
    '(e) Recon submissions through the local workflow',
    Math.round(run.submissionsPerSecond * 10) / 10,
    '/s',
    'report',
    true,
  );
  record('(e) Recon submission p50 / p99', run.p50Ms, 'ms', `report (p99 ${run.p99Ms} ms)`, true);
  record('(e) Recon errors', run.errors, 'count', '0', run.errors === 0);
}

/** Page key and gate record, render and store of a 50-line SmartBill in s3rver (decision 009). */
async function benchSmartBill(indexFile: string): Promise<void> {
  const { benchSmartBillPage } = await import('./smartbill.js');
  const run = await benchSmartBillPage(indexFile);
  record(
    '(f) SmartBill render + store, 50 lines',
    run.totalMs,
    'ms',
    `report (render ${run.renderMs} ms, store ${run.storeMs} ms, ${run.kilobytes} kB)`,
    true,
  );
  record('(f) SmartBill page key + gate record', run.gateUs, 'µs', 'report (no key stretching)', true);
}

/**
 * Issue 17, target 4(g): bulk repricing on worker threads, bills per second per core with every
 * core, and its scaling from 1 to N workers, beside the engine alone in one thread (same run).
 */
async function benchBulkRepricing(indexFile: string): Promise<void> {
  const { benchBulk } = await import('./bulk.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-bulk-'));
  const run = await benchBulk(indexFile, tenLineBill(), dir);
  const reference = Math.round(run.inProcessBillsPerSecond);
  record('(g) reference: engine alone, 1 thread, 10-line bills', reference, 'bills/s', 'report', true);
  const one = run.runs[0]?.billsPerSecond ?? 0;
  for (const r of run.runs) {
    const rate = Math.round(r.billsPerSecond);
    record(
      `(g) wcbr price --batch, ${r.workers} worker${r.workers === 1 ? '' : 's'}`,
      rate,
      'bills/s',
      `report (${Math.round(rate / r.workers)}/s per worker, ${(r.billsPerSecond / (one * r.workers)).toFixed(2)} of linear; engine alone beside it ${Math.round(r.referenceBillsPerSecond)}/s)`,
      true,
    );
  }
  const all = run.runs.at(-1);
  if (all !== undefined) {
    const perCore = Math.round(all.billsPerSecond / run.cores);
    record(
      `(g) bills/s per core, all ${run.cores} cores`,
      perCore,
      'bills/s',
      `report (${(perCore / reference).toFixed(2)} of the 1-thread engine; ${(1000 / one).toFixed(3)} ms a bill on 1 worker)`,
      true,
    );
  }
}

/** The sections `--only` can name. */
const SECTIONS = ['engine', 'index', 'http', 'bundle', 'recon', 'smartbill', 'bulk'] as const;

/**
 * Runs every benchmark on the full national index built from the official files.
 *
 * @param args - `--skip-http` to leave out the HTTP run; `--only <section>` (repeatable) to run
 *   only those sections (engine, index, http, bundle, recon, smartbill, bulk)
 * @returns exit code
 */
export async function runBenchmarks(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'skip-http': { type: 'boolean' },
      from: { type: 'string' },
      only: { type: 'string', multiple: true },
    },
  });
  const only = values.only ?? [];
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new Error(`--only takes one of ${SECTIONS.join(', ')} (got ${name})`);
    }
  }
  const run = (section: (typeof SECTIONS)[number]) => only.length === 0 || only.includes(section);
  const from = values.from ?? referenceDataDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-index-'));
  const indexFile = path.join(dir, 'fee-index.bin');
  const report = buildIndexFromDirectory(from, indexFile);
  process.stdout.write(
    `machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}\n` +
      `index: ${report.builtFrom} data from ${from} (import ${report.importMs} ms, build ${report.buildMs} ms)\n\n`,
  );
  if (run('engine')) await benchEngine(indexFile);
  if (run('index')) benchIndex(indexFile);
  if (run('http') && !values['skip-http']) await benchHttp(indexFile);
  if (run('bundle')) await benchBundle(indexFile);
  if (run('recon') && !values['skip-http']) await benchReconSubmissions(indexFile);
  if (run('smartbill')) await benchSmartBill(indexFile);
  if (run('bulk')) await benchBulkRepricing(indexFile);
  const out = path.join(REPO_ROOT, 'bench', 'results.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(REPO_ROOT, out)}\n`);
  return 0;
}
