import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildIndexFromDirectory, readDatasets } from '../fee-data/load-datasets.js';
import { DEFAULT_INDEX_FILE, referenceDataDir, SAMPLE_DIR } from '../fee-data/paths.js';
import { writeSample } from '../fee-data/sample.js';
import { SAMPLE_CODES } from '../fee-data/sample-codes.js';
import { keepIppsSampleRecord } from '../fee-data/sample-codes-ipps.js';
import {
  addSupplied,
  formatSuppliedError,
  readStoreManifest,
  removeSupplied,
  SuppliedStoreError,
} from '../fee-data/supplied/store.js';
import { loadFeeIndexFile, verifyFeeIndex } from '../lambdas/adapters/fee-index-file.js';
import { BillTooLargeError } from '../lambdas/app/answers.js';
import { TENANT_ID } from '../lambdas/app/tenant.js';
import {
  billRemittance,
  interchangeAnswer,
  interchangeRemittance,
  type X12RequestOptions,
} from '../lambdas/app/x12/answers.js';
import { normaliseRequest } from '../lambdas/engine/bill/normalise-request.js';
import { BillValidationError, NotFoundError } from '../lambdas/engine/errors.js';
import { isExplainLevel } from '../lambdas/engine/explain.js';
import { type FeeQuery, lookupFee } from '../lambdas/engine/fee-lookup.js';
import { summariseJurisdiction } from '../lambdas/engine/jurisdiction-summary.js';
import { priceRequest } from '../lambdas/engine/price-request.js';
import type { PricedBill } from '../lambdas/engine/priced-bill.js';
import type { FeeIndex } from '../lambdas/fee-index/reader.js';
import { X12SyntaxError } from '../lambdas/x12/errors.js';
import { ensureLocalIndex, localSuppliedStore } from './local-index.js';

const USAGE = `wcbr: workers' compensation bill review

  wcbr price [FILE|-] [--explain full|summary|none] [--jurisdiction J] [--835] [--tenant T] [--index FILE]
                                               price a bill (JSON) or the claims of an X12 837 and print
                                               the answer as JSON, or with --835 as an X12 835; J prices
                                               every claim of an 837 (else each claim's CLM11-4); T's
                                               contracts apply (none without --tenant)
  wcbr price --batch FILE|DIR [--explain full|summary|none] [--out DIR] [--workers N] [--tenant T] [--index FILE]
                                               price JSON lines of bills on every core: results.jsonl
                                               and summary.json in DIR (default .), a progress bar on stderr
  wcbr fee --jurisdiction J --code C [--modifier M] [--date YYYY-MM-DD]
           [--zip Z | --locality CARRIER-LOC] [--facility] [--index FILE]
  wcbr fee --batch FILE|- [--index FILE]       one JSON query per line, one JSON answer per line
  wcbr data build [--from DIR] [--out FILE] [--supplied DIR]
                                               build the fee index (default: from fee-data/sample, with the
                                               local store of supplied files when it has items)
  wcbr data add FILE... [--store DIR] [--by NAME] [--replace]
                                               check supplied files (docs/supplied-data) and add them to the
                                               store (default <state dir>/supplied); any error: nothing added
  wcbr data remove ID [--store DIR]            remove a supplied file from the store
  wcbr data sample [--from DIR] [--out DIR]    regenerate fee-data/sample from the official files
  wcbr data verify [--index FILE]              check the index checksum; list its release, editions and supplied files
  wcbr data ensure                             build the local index (sample + local supplied store) if missing or stale
  wcbr data check [--index FILE] [--previous SUMMARY.json] [--summary]
                                               the full-size checks of a data release (exit 1 on a failure);
                                               --summary prints the summary the next release compares with
  wcbr release publish|status|rollback --stage S [--to RELEASE] [--region R]
                                               start, watch or roll back a data release of a deployed stage
  wcbr release upload --stage S FILE…          validate supplied files and put them in the stage's data bucket
  wcbr jurisdictions [--json] [--index FILE]   every jurisdiction: method, editions, sources
  wcbr serve [--no-recon] [--recon-keys kms|local] [--no-smartbill] [--smartbill-port N] [--no-batch] [--batch-port N]
             [--state-dir DIR] [--fresh]       run the API locally (what npm start runs); Recons and
                                               their keys persist in DIR (.wcbr-local), --fresh empties them
  wcbr recons export --deidentified --tenant T [--out FILE] [--env-from FILE]
                                               a tenant's Recons, HIPAA Safe Harbor de-identified (JSON lines)
  wcbr smartbill FILE|- [--out PATH]           render the SmartBill page of a priced bill JSON
  wcbr smartbill keys --stage NAME [--out DIR] make a stage's SmartBill signing key pair (for deploying)
  wcbr token [--client]                        print a fresh access token for the running local stack
  wcbr bench [--only S,...] [--index FILE]     run the benchmarks (npm run bench); --only engine, index, http,
                                               init, recon, smartbill, event-loop, bulk, x12, analytics, supplied, release runs those
                                               alone; FILE: an index built before; --skip-http leaves out the HTTP runs
`;

/** A command-line failure with the exit code to use. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function readInput(file: string | undefined): string {
  if (file === undefined || file === '-') return readFileSync(0, 'utf8');
  return readFileSync(file, 'utf8');
}

function openIndex(file: string | undefined): FeeIndex {
  return loadFeeIndexFile(file ?? ensureLocalIndex().file);
}

function errorObject(error: unknown): Record<string, unknown> {
  if (error instanceof BillValidationError)
    return { error: { status: 422, message: error.message, errors: error.errors } };
  if (error instanceof NotFoundError)
    return { error: { status: 404, message: error.message, errors: error.errors } };
  if (error instanceof X12SyntaxError)
    return { error: { status: 400, message: error.message, errors: error.errors } };
  if (error instanceof BillTooLargeError)
    return { error: { status: 413, message: error.message, errors: error.errors } };
  if (error instanceof SyntaxError)
    return { error: { status: 400, message: `not valid JSON: ${error.message}`, errors: [] } };
  return {
    error: { status: 500, message: error instanceof Error ? error.message : String(error), errors: [] },
  };
}

function print(value: unknown, pretty = true): void {
  process.stdout.write(`${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
}

function price(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      index: { type: 'string' },
      835: { type: 'boolean' },
      jurisdiction: { type: 'string' },
      explain: { type: 'string' },
      tenant: { type: 'string' },
    },
    allowPositionals: true,
  });
  const tenant = values.tenant;
  if (tenant !== undefined && !TENANT_ID.test(tenant)) {
    throw new UsageError('--tenant must be a tenant id (letters, digits, . _ -, at most 128)');
  }
  const index = openIndex(values.index);
  try {
    const text = readInput(positionals[0]);
    const explain = values.explain ?? 'full';
    if (!isExplainLevel(explain)) throw new UsageError('--explain must be full, summary or none');
    // An X12 837 starts with its ISA header; anything else is read as a JSON bill.
    const x12 = text.trimStart().startsWith('ISA');
    const options: X12RequestOptions = {
      requestId: `cli-${randomUUID()}`,
      explain,
      at: new Date(),
      ...(values.jurisdiction === undefined ? {} : { jurisdiction: values.jurisdiction.toUpperCase() }),
      ...(tenant === undefined ? {} : { tenant }),
    };
    // The tenant's contracts apply (issue 20); without --tenant, none does.
    const pricing = tenant === undefined ? {} : { tenant };
    if (values[835]) {
      const remittance = x12
        ? interchangeRemittance(index, text, options).x12
        : billRemittance(
            priceRequest(index, normaliseRequest(JSON.parse(text)), pricing) as PricedBill,
            options,
          );
      process.stdout.write(remittance);
      return 0;
    }
    if (x12) {
      print(interchangeAnswer(index, text, options));
      return 0;
    }
    print(priceRequest(index, normaliseRequest(JSON.parse(text)), { explain, ...pricing }));
    return 0;
  } catch (error) {
    if (error instanceof Error && error.name === 'UsageError') throw error;
    print(errorObject(error));
    return 1;
  }
}

function feeQueryOf(raw: Record<string, unknown>): FeeQuery {
  const text = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string')
      throw new BillValidationError('Bad query.', [{ field: key, errorMessage: 'must be a string' }]);
    return value;
  };
  const facility = raw.facility;
  if (facility !== undefined && typeof facility !== 'boolean') {
    throw new BillValidationError('Bad query.', [
      { field: 'facility', errorMessage: 'must be true or false' },
    ]);
  }
  const jurisdiction = text('jurisdiction');
  const code = text('code');
  const missing = [...(jurisdiction ? [] : ['jurisdiction']), ...(code ? [] : ['code'])];
  if (missing.length > 0) {
    throw new BillValidationError(
      'Bad query.',
      missing.map((field) => ({ field, errorMessage: 'is required' })),
    );
  }
  const optional = (key: 'modifier' | 'date' | 'zip' | 'locality') => {
    const value = text(key);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    jurisdiction: jurisdiction as string,
    code: code as string,
    ...optional('modifier'),
    ...optional('date'),
    ...optional('zip'),
    ...optional('locality'),
    facility: facility === true,
  };
}

function fee(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      jurisdiction: { type: 'string' },
      code: { type: 'string' },
      modifier: { type: 'string' },
      date: { type: 'string' },
      zip: { type: 'string' },
      locality: { type: 'string' },
      facility: { type: 'boolean' },
      batch: { type: 'string' },
      index: { type: 'string' },
    },
  });
  const index = openIndex(values.index);
  if (values.batch !== undefined) {
    const lines = readInput(values.batch).split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    const out: string[] = [];
    for (const line of lines) {
      try {
        const raw = JSON.parse(line) as unknown;
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
          throw new BillValidationError('Bad query.', [
            { field: '(line)', errorMessage: 'must be a JSON object' },
          ]);
        }
        out.push(JSON.stringify(lookupFee(index, feeQueryOf(raw as Record<string, unknown>))));
      } catch (error) {
        out.push(JSON.stringify(errorObject(error)));
      }
    }
    process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
    return 0;
  }
  try {
    const { index: _index, batch: _batch, ...flags } = values;
    print(lookupFee(index, feeQueryOf(flags)));
    return 0;
  } catch (error) {
    print(errorObject(error));
    return 1;
  }
}

function data(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub === 'add') return dataAdd(rest);
  if (sub === 'remove') return dataRemove(rest);
  const { values } = parseArgs({
    args: rest,
    options: {
      from: { type: 'string' },
      out: { type: 'string' },
      index: { type: 'string' },
      supplied: { type: 'string' },
      'no-supplied': { type: 'boolean' },
    },
  });
  if (sub === 'build') {
    // The local store is included when it has items (what `npm start` prices with), unless told.
    const localStore = localSuppliedStore();
    const store =
      values.supplied ??
      (values['no-supplied'] !== true && readStoreManifest(localStore).items.length > 0
        ? localStore
        : undefined);
    const report = buildIndexFromDirectory(
      path.resolve(values.from ?? SAMPLE_DIR),
      path.resolve(values.out ?? DEFAULT_INDEX_FILE),
      store === undefined ? {} : { supplied: path.resolve(store) },
    );
    for (const d of report.datasets)
      process.stderr.write(
        `  ${d.dataset.padEnd(16)} ${d.label.padEnd(40)} ${String(d.rows).padStart(8)} rows  ${d.file}\n`,
      );
    process.stderr.write(
      `wrote ${report.out}: ${(report.bytes / 1024 / 1024).toFixed(2)} MB from ${report.builtFrom} data${store === undefined ? '' : ` and ${report.supplied} supplied file(s) of ${store}`}, release ${report.release} (import ${report.importMs} ms, build ${report.buildMs} ms)\n`,
    );
    return 0;
  }
  if (sub === 'sample') {
    const from = path.resolve(values.from ?? referenceDataDir());
    const { datasets, builtFrom, ptp } = readDatasets(from);
    if (builtFrom !== 'official')
      throw new UsageError(`${from} is a sample; give the directory of official files`);
    const codes = new Set(SAMPLE_CODES);
    const manifest = writeSample(
      datasets,
      (dataset, record) =>
        keepIppsSampleRecord(dataset.dataset, record) ??
        (!('code' in record) || codes.has((record as { code: string }).code)),
      SAMPLE_CODES,
      path.resolve(values.out ?? SAMPLE_DIR),
      {
        tables: ptp,
        // An edit between two sample codes. CMS's dated file is held only as an excerpt whose
        // column 1 codes are none of the sample's, so of it every edit naming a sample code is kept.
        keep: (table, edit) =>
          table.dated
            ? codes.has(edit.column1) || codes.has(edit.column2)
            : codes.has(edit.column1) && codes.has(edit.column2),
      },
    );
    for (const d of manifest.datasets)
      process.stderr.write(`  ${d.file.padEnd(44)} ${String(d.rows).padStart(7)} rows of ${d.source.file}\n`);
    return 0;
  }
  if (sub === 'ensure') {
    ensureLocalIndex();
    return 0;
  }
  if (sub === 'verify') {
    const index = openIndex(values.index);
    const ok = verifyFeeIndex(index);
    print({
      checksum: ok ? 'ok' : 'MISMATCH',
      release: index.release()?.id ?? null,
      builtFrom: index.header.builtFrom,
      bytes: index.byteLength,
      records: index.counts(),
      editions: index.header.editions.map((e) => ({
        id: e.id,
        label: e.label,
        effective: e.effective,
        termination: e.termination,
        file: e.source.file,
        sha256: e.source.sha256,
        complete: e.complete,
        notes: e.notes,
      })),
      supplied: suppliedListing(index),
    });
    return ok ? 0 : 1;
  }
  throw new UsageError(`unknown data command ${sub ?? ''}`);
}

/** Every supplied file of an index's release, with the jurisdiction or tenant it is for. */
function suppliedListing(index: FeeIndex) {
  const jurisdictionOf = new Map<string, string>();
  for (const j of index.jurisdictions())
    for (const e of j.billTypes.professional.supplied ?? []) jurisdictionOf.set(e.id, j.id);
  const tenantOf = new Map(index.contracts().map((c) => [c.id, c.tenant]));
  return (index.release()?.supplied ?? []).map((p) => ({
    id: p.id,
    kind: p.kind,
    ...(tenantOf.has(p.id)
      ? { tenant: tenantOf.get(p.id) }
      : { jurisdiction: jurisdictionOf.get(p.id) ?? null }),
    suppliedBy: p.suppliedBy,
    suppliedAt: p.suppliedAt,
    file: p.file,
    sha256: p.sha256,
    source: p.source,
    supersedes: p.supersedes,
  }));
}

/** `wcbr data add FILE... [--store DIR] [--by NAME] [--replace]`. */
function dataAdd(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { store: { type: 'string' }, by: { type: 'string' }, replace: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (positionals.length === 0)
    throw new UsageError('wcbr data add FILE... [--store DIR] [--by NAME] [--replace]');
  const store = path.resolve(values.store ?? localSuppliedStore());
  const result = addSupplied(store, positionals, {
    by: values.by ?? operatorName(),
    now: new Date(),
    replace: values.replace === true,
  });
  if (!result.ok) {
    for (const error of result.errors) process.stderr.write(`${formatSuppliedError(error)}\n`);
    process.stderr.write(`${result.errors.length} error(s): nothing added to ${store}\n`);
    return 1;
  }
  for (const e of result.added)
    process.stdout.write(
      `${result.replaced.includes(e.id) ? 'replaced' : 'added'} ${e.id} (${e.kind}, ${e.jurisdiction ?? `tenant ${e.tenant}`}) from ${e.file}, sha256 ${e.sha256}, supplied by ${e.suppliedBy} at ${e.suppliedAt}\n`,
    );
  process.stdout.write(
    `store ${store}: the local index is rebuilt at the next wcbr serve, price or data ensure\n`,
  );
  return 0;
}

/** `wcbr data remove ID [--store DIR]`. */
function dataRemove(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { store: { type: 'string' } },
    allowPositionals: true,
  });
  const id = positionals[0];
  if (id === undefined || positionals.length > 1) throw new UsageError('wcbr data remove ID [--store DIR]');
  const store = path.resolve(values.store ?? localSuppliedStore());
  try {
    const entry = removeSupplied(store, id);
    process.stdout.write(`removed ${entry.id} (${entry.file}) from ${store}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof SuppliedStoreError)) throw error;
    for (const e of error.errors) process.stderr.write(`${formatSuppliedError(e)}\n`);
    return 1;
  }
}

/** Who is adding files, when `--by` is not given: the operator's user name. */
function operatorName(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

function jurisdictions(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, index: { type: 'string' } } });
  const list = openIndex(values.index).jurisdictions().map(summariseJurisdiction);
  if (values.json) {
    print(list);
    return 0;
  }
  for (const j of list) {
    const editions = j.editions
      .map((e) => `${e.id} (${e.effective} to ${e.termination ?? 'open'})`)
      .join(', ');
    process.stdout.write(`${j.id.padEnd(12)} ${j.method.padEnd(20)} ${editions}\n`);
    for (const e of j.supplied ?? [])
      process.stdout.write(
        `${''.padEnd(12)} supplied: ${e.id} (${e.method}, ${e.effective} to ${e.termination ?? 'open'}) by ${e.supplied.suppliedBy} on ${e.supplied.suppliedAt.slice(0, 10)}\n`,
      );
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'price':
      if (args.some((arg) => arg === '--batch' || arg.startsWith('--batch='))) {
        const { priceBatchCommand } = await import('../lambdas/local/batch-cli.js');
        const indexFlag = args.indexOf('--index');
        const indexFile = indexFlag === -1 ? undefined : args[indexFlag + 1];
        return priceBatchCommand(args, indexFile ?? ensureLocalIndex().file);
      }
      return price(args);
    case 'fee':
      return fee(args);
    case 'data':
      if (args[0] === 'check') {
        const { dataCheckCommand } = await import('./data-check.js');
        return dataCheckCommand(args.slice(1), () => ensureLocalIndex().file);
      }
      return data(args);
    case 'release': {
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
      const { releaseCommand } = await import('./release.js');
      return releaseCommand(args);
    }
    case 'jurisdictions':
      return jurisdictions(args);
    case 'serve': {
      const { serve } = await import('./serve.js');
      return serve(args);
    }
    case 'token': {
      const { token } = await import('./token.js');
      return token(args);
    }
    case 'recons': {
      // The AWS SDK warns on Node 20 at every call; the local tools run on Node 20 by design.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
      const { reconsCommand } = await import('../lambdas/local/recon-export-cli.js');
      return reconsCommand(args);
    }
    case 'smartbill': {
      if (args[0] === 'keys') {
        const { smartbillKeysCommand } = await import('./smartbill-keys.js');
        return smartbillKeysCommand(args.slice(1));
      }
      const { smartbillCommand } = await import('../lambdas/smartbill/cli.js');
      return smartbillCommand(args);
    }
    case 'bench': {
      const { runBenchmarks } = await import('../bench/run.js');
      return runBenchmarks(args);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

// `wcbr jurisdictions | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wcbr: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE);
    process.exitCode = 2;
  },
);
