import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildIndexFromDirectory } from '../fee-data/load-datasets.js';
import { REPO_ROOT, referenceDataDir } from '../fee-data/paths.js';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { EXPLAIN_LEVELS } from '../lambdas/engine/explain.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';
import { TEN_LINE_CODES } from '../test/support/bills.js';
import { median } from './stats.js';

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

/** A ten-line professional bill of codes common on workers' comp bills (Delaware, 2025). */
export function tenLineBill(): object {
  const lines = TEN_LINE_CODES;
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
  const run = (file: string, ...args: string[]): number =>
    Number(execFileSync(process.execPath, [outfile, indexFile, file, ...args], { encoding: 'utf8' }));
  const perSecond = run(billFile);
  record(
    '(a) engine: 10-line bills per second (one process)',
    perSecond,
    'bills/s',
    '>= 20000',
    perSecond >= 20_000,
  );
  const claimFile = path.join(dir, 'outpatient-claim.json');
  writeFileSync(claimFile, JSON.stringify(sixtyLineOutpatientClaim()));
  const claimsPerSecond = run(claimFile, '5000');
  record(
    '(a) engine: 60-line outpatient claims per second',
    claimsPerSecond,
    'claims/s',
    '>= 5000',
    claimsPerSecond >= 5_000,
  );
  benchExplainLevels(billFile, claimFile, indexFile, outfile);
}

/**
 * Issue 17, target 4(a): engine at `explain=summary` plus serializing its answer against today's
 * path (`full` plus serializing), on the same 10-line bill, in alternating rounds of one process so
 * that both see the same machine (bench/engine-throughput.ts, "compare"); and the bytes a line of
 * each level's answer takes, for the 10-line bill and the 60-line outpatient claim.
 */
function benchExplainLevels(
  billFile: string,
  claimFile: string,
  indexFile: string,
  engineFile: string,
): void {
  const compare = JSON.parse(
    execFileSync(process.execPath, [engineFile, indexFile, billFile, '20000', 'compare', 'full', 'summary'], {
      encoding: 'utf8',
    }),
  ) as { first: number; second: number; ratio: number };
  record(
    '(a) summary+serialize vs full+serialize, same bill, same run',
    compare.ratio,
    '×',
    `>= 4 (summary ${compare.second} vs full ${compare.first} bills/s)`,
    compare.ratio >= 4,
  );
  const index = FeeIndex.fromBytes(readFileSync(indexFile));
  for (const [name, file] of [
    ['10-line bill', billFile],
    ['60-line outpatient claim', claimFile],
  ] as const) {
    const bill: unknown = JSON.parse(readFileSync(file, 'utf8'));
    for (const explain of EXPLAIN_LEVELS) {
      const answer = priceRequest(index, normaliseRequest(bill), { explain });
      const perLine = Math.round(Buffer.byteLength(JSON.stringify(answer)) / answer.lines.length);
      const summaryTarget = explain === 'summary' && name === '10-line bill';
      record(
        `(a) answer bytes per line, ${name}, explain=${explain}`,
        perLine,
        'B/line',
        summaryTarget ? '<= 600' : 'report',
        summaryTarget ? perLine <= 600 : true,
      );
    }
  }
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

/** The offered load of the latency figures (issue 17, 4(c)): below saturation on this machine. */
const OFFERED_RATE = 200;

/**
 * Where a priced bill's time goes inside the handler, in this process (run by the same loader as
 * the API workers): the engine, serializing the answer, and the whole handler (middy, body parsing,
 * logging off). Median of five rounds, microseconds per bill.
 */
async function handlerBreakdown(indexFile: string, bill: string): Promise<Record<string, number>> {
  process.env.FEE_INDEX_PATH = indexFile;
  const { loadFeeIndexFile } = await import('../lambdas/adapters/fee-index-file.js');
  const { normaliseRequest } = await import('../lambdas/engine/bill/normalise-request.js');
  const { priceRequest } = await import('../lambdas/engine/price-request.js');
  const { handler } = await import('../lambdas/handlers/price-bill/handler.js');
  const index = loadFeeIndexFile(indexFile);
  const answer = priceRequest(index, normaliseRequest(JSON.parse(bill)));
  const event = {
    body: bill,
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: { requestId: 'bench' },
  } as unknown as Parameters<typeof handler>[0];
  const context = { awsRequestId: 'bench', functionName: 'PriceBill' } as Parameters<typeof handler>[1];
  const steps: Record<string, () => unknown> = {
    engine: () => priceRequest(index, normaliseRequest(JSON.parse(bill))),
    serialize: () => JSON.stringify(answer),
    handler: () => handler(event, context),
  };
  const out: Record<string, number> = {};
  for (const [name, step] of Object.entries(steps)) {
    for (let i = 0; i < 1000; i++) await step();
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < 1000; i++) await step();
      rounds.push(performance.now() - start);
    }
    out[name] = Math.round(median(rounds));
  }
  return out;
}

async function benchHttp(indexFile: string): Promise<void> {
  process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { startLocalStack } = await import('../lambdas/local/stack.js');
  const { captureAnswer, cpuMs, openLoopInChild, startBareServer } = await import('./http-load.js');
  const autocannon = (await import('autocannon')).default;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-'));
  const workers = 2;
  // Two API worker processes (this machine's two cores), as a deployment runs several Lambda instances.
  const stack = await startLocalStack({
    port: 0,
    cognitoPort: 0,
    stateDir,
    feeIndexPath: indexFile,
    quiet: true,
    workers,
  });
  try {
    const token = await stack.token('client');
    const body = JSON.stringify(tenLineBill());
    // No Accept-Encoding, as autocannon and the open-loop sender send none: the answers go
    // uncompressed, and the bare server below repeats those very bytes.
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const priceUrl = `${stack.url}/v1/bills/price`;
    const warm = await captureAnswer(priceUrl, headers, body);
    if (warm.status !== 200) throw new Error(`warm-up request answered ${warm.status}: ${warm.body}`);
    const inside = await handlerBreakdown(indexFile, body);
    record(
      '(c) handler per bill, in process (no HTTP)',
      inside.handler as number,
      'µs',
      `report (engine ${inside.engine} µs, serializing the ${warm.body.length} B answer ${inside.serialize} µs)`,
      true,
    );

    // Latency at a fixed offered load, open loop (bench/http-load.ts says why), and the same load
    // on a bare node:http server answering the same bytes: the latency this machine and this
    // sender give any server, so a tail both share is the machine's (other processes, the sender).
    const bare = await startBareServer(
      stateDir,
      { status: warm.status, headers: warm.headers, body: warm.body },
      workers,
    );
    try {
      const schedule = { headers, body, rate: OFFERED_RATE, durationMs: 15_000, warmupMs: 2_000 };
      const fixed = await openLoopInChild({ url: priceUrl, ...schedule });
      const floorFixed = await openLoopInChild({ url: `${bare.url}/v1/bills/price`, ...schedule });
      const at = `${OFFERED_RATE} req/s offered, ${fixed.measured} requests, sender stall ${fixed.senderStallMs} ms`;
      record(
        `(c) local HTTP p50 at ${OFFERED_RATE} req/s (10-line bill)`,
        fixed.p50Ms,
        'ms',
        `<= 3 (${at})`,
        fixed.p50Ms <= 3,
      );
      record(
        `(c) local HTTP p99 at ${OFFERED_RATE} req/s`,
        fixed.p99Ms,
        'ms',
        `<= 15 (max ${fixed.maxMs} ms)`,
        fixed.p99Ms <= 15,
      );
      record(
        `(c) local HTTP errors at ${OFFERED_RATE} req/s`,
        fixed.errors,
        'count',
        `0 (sent ${fixed.sentPerSecond} req/s)`,
        fixed.errors === 0,
      );
      record(
        `(c) reference: bare node:http p50 at ${OFFERED_RATE} req/s`,
        floorFixed.p50Ms,
        'ms',
        `reference (p99 ${floorFixed.p99Ms} ms, max ${floorFixed.maxMs} ms, sender stall ${floorFixed.senderStallMs} ms)`,
        true,
      );
      // What a browser, curl --compressed or fetch() sends: the answer is gzipped (>= 1 KiB).
      const gzipped = await openLoopInChild({
        url: priceUrl,
        ...schedule,
        durationMs: 10_000,
        headers: { ...headers, 'accept-encoding': 'gzip' },
        sameLength: false,
      });
      record(
        `(c) local HTTP p50 at ${OFFERED_RATE} req/s, Accept-Encoding: gzip`,
        gzipped.p50Ms,
        'ms',
        `report (p99 ${gzipped.p99Ms} ms, errors ${gzipped.errors})`,
        gzipped.errors === 0,
      );

      // Saturation: 50 connections, closed loop, against the API and then against the floor.
      const saturate = async (url: string, pids: readonly number[]) => {
        const before = cpuMs(pids);
        const result = await autocannon({
          url,
          method: 'POST',
          headers,
          body,
          connections: 50,
          duration: 10,
        });
        const after = cpuMs(pids);
        const cpuUs =
          before === undefined || after === undefined || result.requests.total === 0
            ? undefined
            : Math.round(((after - before) * 1000) / result.requests.total);
        return { ...result, cpuUs };
      };
      const run = await saturate(priceUrl, stack.apiPids);
      const errors = run.errors + run.timeouts + run.non2xx;
      record('(c) local HTTP errors at saturation (50 conns)', errors, 'count', '0', errors === 0);
      record(
        '(c) local HTTP p50 / p99 at saturation',
        run.latency.p50,
        'ms',
        `report (p99 ${run.latency.p99} ms)`,
        true,
      );
      const floor = await saturate(`${bare.url}/v1/bills/price`, bare.pids);
      const api = Math.round(run.requests.average);
      const bareRate = Math.round(floor.requests.average);
      record(
        `(c) reference: bare node:http, same ${warm.body.length} B answer`,
        bareRate,
        'req/s',
        `reference (${workers} processes, 50 conns)`,
        true,
      );
      const share = Math.round((api / bareRate) * 100);
      record('(c) local HTTP saturation throughput', api, 'req/s', `>= 50% of bare (${share}%)`, share >= 50);
      if (run.cpuUs !== undefined && floor.cpuUs !== undefined) {
        // The same comparison by CPU time, which the neighbours on a shared machine do not change.
        const cpuShare = Math.round((floor.cpuUs / run.cpuUs) * 100);
        record(
          '(c) reference: bare node:http CPU per request',
          floor.cpuUs,
          'µs',
          'reference (server processes, user + system)',
          true,
        );
        record(
          '(c) local HTTP CPU per request (API workers)',
          run.cpuUs,
          'µs',
          `report (bare is ${cpuShare}% of it)`,
          true,
        );
      }

      // Issue 17 § 1: the same route at explain=summary (what a payment-posting system asks for),
      // at the same offered load and at saturation, beside a bare server sending the summary's bytes.
      const summaryUrl = `${priceUrl}?explain=summary`;
      const warmSummary = await captureAnswer(summaryUrl, headers, body);
      if (warmSummary.status !== 200) {
        throw new Error(`warm-up summary request answered ${warmSummary.status}: ${warmSummary.body}`);
      }
      const bareSummary = await startBareServer(
        mkdtempSync(path.join(stateDir, 'bare-summary-')),
        { status: warmSummary.status, headers: warmSummary.headers, body: warmSummary.body },
        workers,
      );
      try {
        const fixedSummary = await openLoopInChild({ url: summaryUrl, ...schedule, durationMs: 10_000 });
        record(
          `(c) local HTTP p50 at ${OFFERED_RATE} req/s, explain=summary`,
          fixedSummary.p50Ms,
          'ms',
          `<= 3 (p99 ${fixedSummary.p99Ms} ms, target <= 15; ${warmSummary.body.length} B answer; errors ${fixedSummary.errors})`,
          fixedSummary.p50Ms <= 3 && fixedSummary.errors === 0,
        );
        const lean = await saturate(summaryUrl, stack.apiPids);
        const leanFloor = await saturate(`${bareSummary.url}/v1/bills/price`, bareSummary.pids);
        const leanRate = Math.round(lean.requests.average);
        const leanShare = Math.round((leanRate / Math.round(leanFloor.requests.average)) * 100);
        record(
          '(c) local HTTP saturation throughput, explain=summary',
          leanRate,
          'req/s',
          `>= 50% of bare (${leanShare}% of ${Math.round(leanFloor.requests.average)} req/s sending the same ${warmSummary.body.length} B; errors ${lean.errors + lean.timeouts + lean.non2xx})`,
          leanShare >= 50,
        );
      } finally {
        await bareSummary.stop();
      }
    } finally {
      await bare.stop();
    }
    // Issue 16: a 60-line outpatient claim (institutional claim JSON) through the same route.
    const claim = JSON.stringify(sixtyLineOutpatientClaim());
    const warmClaim = await captureAnswer(priceUrl, headers, claim);
    if (warmClaim.status !== 200)
      throw new Error(`warm-up claim answered ${warmClaim.status}: ${warmClaim.body}`);
    const facility = await autocannon({
      url: priceUrl,
      method: 'POST',
      headers,
      body: claim,
      connections: 50,
      duration: 10,
    });
    const facilityErrors = facility.errors + facility.timeouts + facility.non2xx;
    record(
      '(c) local HTTP p50, 60-line outpatient claim',
      facility.latency.p50,
      'ms',
      'report (50 conns)',
      true,
    );
    record('(c) local HTTP p99, 60-line outpatient claim', facility.latency.p99, 'ms', 'report', true);
    record('(c) local HTTP errors, outpatient claims', facilityErrors, 'count', '0', facilityErrors === 0);
  } finally {
    await stack.stop();
  }
}

async function benchBundle(indexFile: string): Promise<void> {
  const esbuild = await import('esbuild');
  const { LAMBDA_EXTERNAL_MODULES, LAMBDA_START_MODULE, REQUIRE_BANNER } = await import(
    '../lib/constructs/node-function.js'
  );
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
    inject: [path.join(REPO_ROOT, LAMBDA_START_MODULE)],
    external: [...LAMBDA_EXTERNAL_MODULES],
    logLevel: 'error',
  });
  const kb = Math.round(statSync(outfile).size / 1024);
  record('(d) pricing Lambda bundle (minified ESM)', kb, 'kB', '<= 500', kb <= 500);
  // The reference of the same run: a bundle that only opens the index as the handler does
  // (handlers/shared/fee-index.ts), bundled the same way.
  const indexOnly = path.join(dir, 'index-only.mjs');
  await esbuild.build({
    stdin: {
      contents:
        "import { openFeeIndex } from './lambdas/handlers/shared/fee-index.ts'; export const index = openFeeIndex();",
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile: indexOnly,
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    external: [...LAMBDA_EXTERNAL_MODULES],
    logLevel: 'error',
  });
  // The Lambda runtime provides the AWS SDK the bundle leaves out; here the repository's copy does.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // Init = importing the bundle, which opens the index at module scope, in a fresh process; the
  // environment is the deployed one (SmartBill configured, renderer function named) so that what
  // the handler builds at init is what it builds in Lambda.
  const runner = path.join(dir, 'init.mjs');
  writeFileSync(
    runner,
    'const t=performance.now();await import(process.argv[2]);process.stdout.write(String(performance.now()-t));',
  );
  // Not the local stack's settings an earlier section left in this process's environment: a
  // deployed function refuses local-only ones (runtime-mode.ts), as Lambda would.
  const { LOCAL_ONLY_SETTINGS } = await import('../lambdas/handlers/shared/runtime-mode.js');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !LOCAL_ONLY_SETTINGS.includes(name)),
  );
  const env = {
    ...inherited,
    FEE_INDEX_PATH: indexFile,
    WCBR_LOG: 'off',
    WCBR_MODE: 'aws',
    AWS_REGION: 'us-east-1',
    SMARTBILL_BASE_URL: 'https://smartbills.example.com',
    SMARTBILL_KEY_PAIR_ID: 'K2BENCHKEYPAIR',
    SMARTBILL_SIGNING_KEY_SECRET_ID: 'bench-smartbill-signing-key',
    SMARTBILL_RENDERER_FUNCTION: 'bench-smartbill-renderer',
    SMARTBILL_BUCKET: 'bench-smartbills',
    SMARTBILL_GATE_TABLE: 'bench-smartbill-gate',
    SMARTBILL_KMS_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/bench',
    // The oversized answers' bucket and key, as the API stack sets them (decision 014).
    OVERSIZED_ANSWERS_BUCKET: 'bench-answers',
    OVERSIZED_ANSWERS_KMS_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/bench-answers',
  };
  const initOf = (file: string) => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      times.push(Number(execFileSync(process.execPath, [runner, file], { encoding: 'utf8', env })));
    }
    return Math.round(median(times) * 10) / 10;
  };
  // Alternated, so a burst of load from elsewhere falls on both.
  const handlerTimes: number[] = [];
  const indexTimes: number[] = [];
  for (let round = 0; round < 3; round++) {
    handlerTimes.push(initOf(outfile));
    indexTimes.push(initOf(indexOnly));
  }
  const init = median(handlerTimes);
  const alone = median(indexTimes);
  record('(d) reference: index load alone (bundle that opens it)', alone, 'ms', 'reference', true);
  record('(d) pricing Lambda init (import + index load)', init, 'ms', '<= 150', init <= 150);
  const ratio = Math.round((init / alone) * 100) / 100;
  record('(d) pricing Lambda init / index load alone', ratio, '×', '<= 2', ratio <= 2);
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

/**
 * Issue 18: a 100-claim 837P of 10-line claims read, priced and answered as an 835, beside the
 * same bills sent as JSON one by one (parse, price, full answer serialised), in the same run
 * (target: the X12 path costs at most 1.5× the JSON path).
 */
async function benchX12Section(indexFile: string): Promise<void> {
  const { benchX12 } = await import('./x12.js');
  const run = benchX12(indexFile, tenLineBill() as { lines: unknown[] });
  const ratio = run.jsonClaimsPerSecond / run.x12ClaimsPerSecond;
  record(
    '(x12) reference: JSON bills, parse + price + full answer',
    Math.round(run.jsonClaimsPerSecond),
    'claims/s',
    `report (the same ${run.claims} bills of ${run.linesPerClaim} lines, one request each)`,
    true,
  );
  record(
    '(x12) 837 read + price + 835 written',
    Math.round(run.x12ClaimsPerSecond),
    'claims/s',
    `X12 cost <= 1.5x JSON (${ratio.toFixed(2)}x; 837 ${Math.round(run.x12Bytes / 1024)} kB, 835 ${Math.round(run.remittanceBytes / 1024)} kB)`,
    ratio <= 1.5,
  );
  record(
    '(x12) 837 read + price + JSON answer (full)',
    Math.round(run.x12JsonClaimsPerSecond),
    'claims/s',
    `report (${(run.jsonClaimsPerSecond / run.x12JsonClaimsPerSecond).toFixed(2)}x the JSON path)`,
    true,
  );
}

/** Athena's price per byte scanned ($5 per TB) and its minimum per query (10 MB). */
const ATHENA_DOLLARS_PER_TB = 5;
const ATHENA_MINIMUM_BYTES = 10 * 1024 * 1024;

/**
 * Issue 19: KPI-like queries over 10 million generated line records in the local Parquet layout,
 * p50 and p99 over 20 runs (5 for the peers' snapshot), with the bytes Athena would scan for each
 * beside the whole table's; the compactor's rate and the cost of small files; and pricing with the
 * spool sink against without, in the same run (target: >= 90%).
 */
/** Sections that need no fee index: `--only` of these alone skips building one. */
const WITHOUT_INDEX: readonly Section[] = ['supplied'];

/** Issue 20: `wcbr data add`'s checks of a fee table of the row limit, beside the CSV reader alone. */
async function benchSuppliedSection(): Promise<void> {
  const { benchSupplied } = await import('./supplied.js');
  const run = benchSupplied();
  const mb = Math.round((run.bytes / 1024 / 1024) * 10) / 10;
  record(
    '(sd) reference: CSV reader alone, same file',
    run.parseMs,
    'ms',
    `report (${run.rows} rows, ${mb} MB)`,
    true,
  );
  record(
    '(sd) supplied fee table checked (data add)',
    run.checkMs,
    'ms',
    `<= 10000 (${run.rows} rows, the limit)`,
    run.checkMs <= 10_000,
  );
}

async function benchAnalyticsSection(indexFile: string): Promise<void> {
  const { benchAnalytics } = await import('./analytics.js');
  const run = await benchAnalytics(indexFile, tenLineBill());
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const dollars = (bytes: number) => (Math.max(bytes, ATHENA_MINIMUM_BYTES) / 1e12) * ATHENA_DOLLARS_PER_TB;
  const { data } = run;
  process.stdout.write(
    `analytics data: ${data.root} (${data.generatedMs === undefined ? 'reused' : `generated in ${Math.round(data.generatedMs / 1000)} s`})\n`,
  );
  record(
    '(an) Parquet size, generated line records',
    mb(data.bytes),
    'MB',
    `report (${data.records.toLocaleString('en-US')} records, ${data.files} files, ${Math.round(data.bytes / data.records)} B/record)`,
    true,
  );
  record(
    '(an) reference: Athena bytes, every column of every partition',
    mb(data.allColumnsBytes),
    'MB',
    `reference ($${dollars(data.allColumnsBytes).toFixed(5)} a query at $5/TB)`,
    true,
  );
  for (const q of run.queries) {
    record(
      `(an) ${q.name}, p50`,
      q.p50Ms,
      'ms',
      `report (p99 ${q.p99Ms} ms over ${q.runs} runs; ${q.rows} rows)`,
      true,
    );
    record(
      `(an) ${q.name}, Athena bytes (est.)`,
      mb(q.athenaBytes),
      'MB',
      `report ($${dollars(q.athenaBytes).toFixed(5)} at $5/TB, 10 MB minimum; ${Math.round((q.athenaBytes / data.allColumnsBytes) * 1000) / 10}% of the table)`,
      true,
    );
  }
  record('(an) compactor: spool to Parquet', run.compactorRecordsPerSecond, 'records/s', 'report', true);
  record(
    `(an) one partition in ${run.merged.files} small files, query p50`,
    run.merged.smallFilesMs,
    'ms',
    `report (the same records in 1 file: ${run.merged.oneFileMs} ms)`,
    true,
  );
  const { offMicros, spoolMicros, firehoseMicros, firehoseRecords } = run.pricing;
  if (firehoseRecords === 0) throw new Error('the Firehose variant sent no records: analytics was not on');
  record(
    '(an) reference: price handler, analytics off (10-line bill, a tenant token)',
    Math.round(1e6 / offMicros),
    'bills/s',
    `reference (${offMicros} µs a bill, median of 7 alternating rounds)`,
    true,
  );
  for (const [name, micros] of [
    ['local spool', spoolMicros],
    ['Firehose sink, client answering at once', firehoseMicros],
  ] as const) {
    const share = offMicros / micros;
    record(
      `(an) price handler, analytics on (${name})`,
      Math.round(1e6 / micros),
      'bills/s',
      `>= 90% of off (${(share * 100).toFixed(1)}%: ${micros} µs a bill, same rounds)`,
      share >= 0.9,
    );
  }
  const { offRequestsPerSecond, onRequestsPerSecond, runs } = run.http;
  record(
    '(an) reference: local API saturated, analytics off (50 conns, 2 workers)',
    offRequestsPerSecond,
    'req/s',
    `reference (median of ${runs} runs alternating with on)`,
    true,
  );
  const httpShare = onRequestsPerSecond / offRequestsPerSecond;
  record(
    '(an) local API saturated, analytics on (spool + compactor)',
    onRequestsPerSecond,
    'req/s',
    `>= 90% of off (${(httpShare * 100).toFixed(1)}%; the compactor shares the cores, Firehose's work in AWS)`,
    httpShare >= 0.9,
  );
}

/**
 * Issue 20 (decision 020): the release workflow's Check step (the five full-size checks) and the
 * Build step's layer archive on the national index, beside the checksum alone in the same run.
 * The targets are the steps' Lambda timeouts with a wide margin, and Lambda's layer size limit.
 */
async function benchReleaseSection(indexFile: string): Promise<void> {
  const { benchRelease } = await import('./release.js');
  const run = benchRelease(indexFile);
  if (run.failed.length > 0)
    throw new Error(`a release check fails on the national index: ${run.failed.join('; ')}`);
  record(
    '(release) full-size checks on the national index',
    Math.round(run.checksMs),
    'ms',
    `<= 60000 (Check's timeout is 600 s; the checksum alone ${Math.round(run.checksumMs)} ms)`,
    run.checksMs <= 60_000,
  );
  record(
    '(release) layer archive of the national index',
    Math.round((run.archiveBytes / 1024 / 1024) * 10) / 10,
    'MB',
    `<= 250 unzipped, 50 zipped (Lambda layers; the index ${Math.round((run.indexBytes / 1024 / 1024) * 10) / 10} MB, archived in ${Math.round(run.archiveMs)} ms)`,
    run.indexBytes <= 250 * 1024 * 1024 && run.archiveBytes <= 50 * 1024 * 1024,
  );
}

/** The sections of the bench, in the order they run; `--only` picks some. */
const SECTIONS = [
  'engine',
  'index',
  'http',
  'init',
  'recon',
  'smartbill',
  'event-loop',
  'bulk',
  'x12',
  'analytics',
  'supplied',
  'release',
] as const;
type Section = (typeof SECTIONS)[number];

/**
 * Issue 17, § 2 (decision 014): the longest the local API's event loop is held while the 999-line
 * bill with external values is priced over HTTP (its answer, above Lambda's limit, is stored and
 * answered 303), measured with perf_hooks.monitorEventLoopDelay in the API's process, beside the
 * time to price and serialise the same bill in process, and beside the same HTTP run with the bill
 * priced on the event loop itself (`handlerThreads: 0`), all in this run.
 */
async function benchEventLoop(indexFile: string): Promise<void> {
  process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { billWithValues } = await import('../test/support/large-bill.js');
  const { normaliseRequest } = await import('../lambdas/engine/bill/normalise-request.js');
  const { priceRequest } = await import('../lambdas/engine/price-request.js');
  const { startLocalStack } = await import('../lambdas/local/stack.js');
  const body = JSON.stringify(billWithValues());
  const index = FeeIndex.fromBytes(readFileSync(indexFile));
  const inProcess: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const answer = JSON.stringify({
      requestId: 'bench',
      ...priceRequest(index, normaliseRequest(JSON.parse(body))),
    });
    inProcess.push(performance.now() - start);
    bytes = Buffer.byteLength(answer);
  }
  const overHttp = async (handlerThreads: number) => {
    const stack = await startLocalStack({
      port: 0,
      cognitoPort: 0,
      stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-loop-')),
      feeIndexPath: indexFile,
      quiet: true,
      handlerThreads,
    });
    try {
      const token = await stack.token('client');
      const post = async () => {
        const response = await fetch(`${stack.url}/v1/bills/price`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
          redirect: 'manual',
        });
        await response.text();
        if (response.status !== 303) throw new Error(`the 999-line bill answered ${response.status}`);
      };
      // Warm: the handler module loaded (in the threads too), the SDK's clients built.
      for (let i = 0; i < Math.max(2, handlerThreads); i++) await post();
      const delays: number[] = [];
      const latencies: number[] = [];
      const idle: number[] = [];
      for (let i = 0; i < 7; i++) {
        const histogram = monitorEventLoopDelay({ resolution: 5 });
        histogram.enable();
        const start = performance.now();
        await post();
        latencies.push(performance.now() - start);
        histogram.disable();
        delays.push(histogram.max / 1e6);
        // The machine's own floor, as long again with nothing to do: what a busy shared host adds.
        const floor = monitorEventLoopDelay({ resolution: 5 });
        floor.enable();
        await new Promise((resolve) => setTimeout(resolve, latencies.at(-1)));
        floor.disable();
        idle.push(floor.max / 1e6);
      }
      return {
        maxDelay: Math.max(...delays),
        medianDelay: median(delays),
        idleMax: Math.max(...idle),
        latency: median(latencies),
      };
    } finally {
      await stack.stop();
    }
  };
  const threaded = await overHttp(2);
  const onLoop = await overHttp(0);
  const priceMs = Math.round(median(inProcess));
  record(
    '(size) max event-loop delay, 999-line bill over HTTP',
    Math.round(threaded.maxDelay * 10) / 10,
    'ms',
    `<= 50 (median of 7 runs ${Math.round(threaded.medianDelay * 10) / 10} ms; idle loop's max ${Math.round(threaded.idleMax * 10) / 10} ms; priced in process in ${priceMs} ms, ${Math.round(bytes / 1024)} kB answer; priced on the loop itself: max ${Math.round(onLoop.maxDelay)} ms)`,
    threaded.maxDelay <= 50,
  );
  record(
    '(size) 999-line bill over HTTP: 303 answer time',
    Math.round(threaded.latency),
    'ms',
    `report (in process ${priceMs} ms; on the loop ${Math.round(onLoop.latency)} ms)`,
    true,
  );
}

/**
 * Runs every benchmark (or the sections `--only` names) on the full national index built from the
 * official files.
 *
 * @param args - `--skip-http` to leave out the HTTP runs (http, recon, event-loop); `--only a,b` to run only
 *   those sections (engine, index, http, init, recon, smartbill, event-loop, bulk, x12, analytics, supplied, release); `--index FILE` to use an index
 *   already built instead of building one; `--from DIR` the official files
 * @returns exit code
 */
export async function runBenchmarks(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'skip-http': { type: 'boolean' },
      from: { type: 'string' },
      only: { type: 'string', multiple: true },
      index: { type: 'string' },
    },
  });
  const only = (values.only ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '');
  const unknown = only.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench section ${unknown.join(', ')}; the sections are ${SECTIONS.join(', ')}\n`,
    );
    return 2;
  }
  const skipped = new Set<Section>(values['skip-http'] ? ['http', 'recon', 'event-loop'] : []);
  const runs = (section: Section) =>
    !skipped.has(section) && (only.length === 0 || (only as readonly string[]).includes(section));
  let indexFile = '';
  if (only.length > 0 && only.every((s) => WITHOUT_INDEX.includes(s as Section))) {
    process.stdout.write(
      `machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}\n` +
        'index: none (the sections run need none)\n\n',
    );
  } else if (values.index === undefined) {
    const from = values.from ?? referenceDataDir();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-index-'));
    indexFile = path.join(dir, 'fee-index.bin');
    const report = buildIndexFromDirectory(from, indexFile);
    process.stdout.write(
      `machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}\n` +
        `index: ${report.builtFrom} data from ${from} (import ${report.importMs} ms, build ${report.buildMs} ms)\n\n`,
    );
  } else {
    indexFile = path.resolve(values.index);
    process.stdout.write(
      `machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}\n` +
        `index: ${indexFile} (given)\n\n`,
    );
  }
  if (runs('engine')) await benchEngine(indexFile);
  if (runs('index')) benchIndex(indexFile);
  if (runs('http')) await benchHttp(indexFile);
  if (runs('init')) await benchBundle(indexFile);
  if (runs('recon')) await benchReconSubmissions(indexFile);
  if (runs('smartbill')) await benchSmartBill(indexFile);
  if (runs('event-loop')) await benchEventLoop(indexFile);
  if (runs('bulk')) await benchBulkRepricing(indexFile);
  if (runs('x12')) await benchX12Section(indexFile);
  if (runs('analytics')) await benchAnalyticsSection(indexFile);
  if (runs('supplied')) await benchSuppliedSection();
  if (runs('release')) await benchReleaseSection(indexFile);
  // A partial run does not replace the full run's figures.
  const out = path.join(REPO_ROOT, 'bench', only.length === 0 ? 'results.json' : 'results-partial.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(REPO_ROOT, out)}\n`);
  return 0;
}
