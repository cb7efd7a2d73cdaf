/**
 * The full-size checks of a data release (issue 20, docs/decisions/020-data-releases.md): what must
 * hold of a newly built national index before it may replace the one in production. They run in
 * the release workflow's Check step and locally (`wcbr data check`), over the same function.
 *
 * Pure: the index, the previous release's summary and the example bills come in; a list of named
 * results goes out. The checksum is verified by the caller's function (a SHA-256 of the body is
 * the adapters' business, lambdas/adapters/fee-index-file.ts `verifyFeeIndex`).
 */
import type { DataRelease } from '../../domain/supplied.js';
import { normaliseRequest } from '../../engine/bill/normalise-request.js';
import { lookupFee } from '../../engine/fee-lookup.js';
import { editionFor } from '../../engine/jurisdictions.js';
import { priceRequest } from '../../engine/price-request.js';
import type { FeeIndex } from '../../fee-index/reader.js';

/**
 * Largest drop, in percent, of a data set's rows from the previous release to the next that the
 * checks accept. Official files grow or shrink by a few codes a year (deleted and new HCPCS); a
 * bigger drop is a truncated or wrong file, which would leave codes unpriced in production.
 */
export const MAX_ROW_DROP_PERCENT = 5;

/**
 * Codes tried when a supplied edition must price at least one line: common office visits,
 * therapy, injections, imaging and a knee arthroscopy, the kinds of service workers' compensation
 * bills carry most (codes only; no descriptors are kept here). The example bills' codes are tried
 * first.
 */
export const PROBE_CODES = [
  '99213',
  '99214',
  '99203',
  '99204',
  '99212',
  '99215',
  '97110',
  '97140',
  '97530',
  '97112',
  '97010',
  '20610',
  '72148',
  '73721',
  '29881',
] as const;

/** What the release workflow keeps of each release for the next one's checks (`releases/<id>/summary.json`). */
export interface ReleaseSummary {
  /** The release (from the index header). */
  readonly release: Pick<DataRelease, 'id' | 'builtAt' | 'builtFrom'> & {
    readonly supplied: readonly string[];
  };
  /** Rows of each data set (the sum over its editions), by data set kind. */
  readonly datasets: Readonly<Record<string, number>>;
  /** The jurisdictions the index holds. */
  readonly jurisdictions: readonly string[];
}

/** One check's outcome. */
export interface CheckResult {
  /** Stable name: `checksum`, `datasets`, `jurisdictions`, `supplied`, `examples`. */
  readonly name: string;
  readonly ok: boolean;
  /** What was checked, or what failed, in words. */
  readonly detail: string;
}

/** An example bill to price: its name (file) and its JSON. */
export interface ExampleBill {
  readonly name: string;
  readonly bill: unknown;
}

/** What the checks compare the index with. */
export interface CheckInputs {
  /** Verifies the body checksum the header records. */
  readonly verifyChecksum: (index: FeeIndex) => boolean;
  /** The release in production (none for the first release: the data set check then passes). */
  readonly previous?: ReleaseSummary | undefined;
  /** Bills that must price without an error (examples/bills). */
  readonly examples: readonly ExampleBill[];
  /** @default MAX_ROW_DROP_PERCENT */
  readonly maxRowDropPercent?: number;
}

/**
 * The summary the next release's checks compare against.
 *
 * @param index - a built index
 * @returns its release, rows by data set and jurisdictions
 * @throws Error when the index names no release (built before issue 20)
 */
export function releaseSummary(index: FeeIndex): ReleaseSummary {
  const release = index.release();
  if (release === undefined) throw new Error('the index names no data release: build it again');
  const datasets: Record<string, number> = {};
  for (const edition of index.header.editions) {
    datasets[edition.dataset] = (datasets[edition.dataset] ?? 0) + edition.source.rows;
  }
  return {
    release: {
      id: release.id,
      builtAt: release.builtAt,
      builtFrom: release.builtFrom,
      supplied: release.supplied.map((s) => s.id),
    },
    datasets,
    jurisdictions: index.jurisdictions().map((j) => j.id),
  };
}

function checkDatasets(index: FeeIndex, inputs: CheckInputs): CheckResult {
  const previous = inputs.previous;
  if (previous === undefined)
    return { name: 'datasets', ok: true, detail: 'no previous release to compare with' };
  const maxDrop = inputs.maxRowDropPercent ?? MAX_ROW_DROP_PERCENT;
  const now = releaseSummary(index).datasets;
  const problems: string[] = [];
  for (const [dataset, rows] of Object.entries(previous.datasets)) {
    const held = now[dataset];
    if (held === undefined) problems.push(`${dataset} is missing (had ${rows} rows)`);
    // Integer arithmetic: held/rows < 1 - maxDrop/100.
    else if (held * 100 < rows * (100 - maxDrop))
      problems.push(`${dataset} dropped from ${rows} to ${held} rows (more than ${maxDrop}%)`);
  }
  const missingJurisdictions = previous.jurisdictions.filter((id) => index.jurisdiction(id) === undefined);
  if (missingJurisdictions.length > 0)
    problems.push(`jurisdictions missing: ${missingJurisdictions.join(', ')}`);
  return problems.length === 0
    ? {
        name: 'datasets',
        ok: true,
        detail: `every data set of ${previous.release.id} is present, none dropped more than ${maxDrop}% of its rows`,
      }
    : { name: 'datasets', ok: false, detail: problems.join('; ') };
}

/** The professional editions of a jurisdiction, supplied first (as the engine consults them). */
function professionalEditions(index: FeeIndex) {
  return index.jurisdictions().flatMap((j) =>
    [...(j.billTypes.professional.supplied ?? []), ...j.billTypes.professional.editions].map((edition) => ({
      jurisdiction: j,
      edition,
    })),
  );
}

/** A Medicare locality of the index (fee queries need one; any will do for these checks). */
function probeLocality(index: FeeIndex): string | undefined {
  for (const edition of index.editions('gpci')) {
    const first = index.localities(edition)[0];
    if (first !== undefined) return `${first.carrier}-${first.locality}`;
  }
  return undefined;
}

function checkJurisdictions(index: FeeIndex): CheckResult {
  const locality = probeLocality(index);
  const firstRvuDay = index
    .editions('pfs-rvu')
    .map((e) => e.effective)
    .sort()[0];
  const problems: string[] = [];
  let editions = 0;
  let beforeData = 0;
  for (const { jurisdiction, edition } of professionalEditions(index)) {
    editions += 1;
    try {
      // The edition must be the one in force on its own first day (else its dates overlap or are
      // out of order), and a fee query on that day must reach an edition without an error.
      const chosen = editionFor(jurisdiction, edition.effective);
      if (chosen === undefined) {
        problems.push(`${jurisdiction.id} ${edition.id}: no edition in force on ${edition.effective}`);
        continue;
      }
      // Fees are asked on the first day both the edition and the Medicare RVUs we hold cover: an
      // edition that ended before them (TX-2024 beside RVUs of 2025) has nothing to resolve to.
      const date =
        firstRvuDay !== undefined && firstRvuDay > edition.effective ? firstRvuDay : edition.effective;
      if (edition.termination !== null && date > edition.termination) {
        beforeData += 1;
        continue;
      }
      const answer = lookupFee(index, {
        jurisdiction: jurisdiction.id,
        code: '99213',
        date,
        ...(locality === undefined ? {} : { locality }),
      });
      if (answer.edition === undefined && answer.status !== 'unpriced')
        problems.push(`${jurisdiction.id} ${edition.id}: a fee on ${date} names no edition`);
    } catch (error) {
      problems.push(
        `${jurisdiction.id} ${edition.id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return problems.length === 0
    ? {
        name: 'jurisdictions',
        ok: true,
        detail: `${editions} professional editions resolve (${beforeData} end before the RVUs held, ${firstRvuDay ?? 'none'}: their dates only)`,
      }
    : { name: 'jurisdictions', ok: false, detail: problems.join('; ') };
}

function exampleCodes(examples: readonly ExampleBill[]): string[] {
  const codes = new Set<string>();
  const text = JSON.stringify(examples.map((e) => e.bill));
  for (const match of text.matchAll(/"(?:code|procedureCode|hcpcs)"\s*:\s*"([0-9A-Z]{5})"/g)) {
    if (match[1] !== undefined) codes.add(match[1]);
  }
  return [...codes];
}

function checkSupplied(index: FeeIndex, examples: readonly ExampleBill[]): CheckResult {
  const codes = [...new Set([...exampleCodes(examples), ...PROBE_CODES])];
  const locality = probeLocality(index);
  const problems: string[] = [];
  let supplied = 0;
  for (const j of index.jurisdictions()) {
    for (const edition of j.billTypes.professional.supplied ?? []) {
      supplied += 1;
      // A supplied table is tried on its own codes first (it may hold none of the common ones).
      const table = index.editionById(`state-table/${edition.id}`);
      const own = table === undefined ? [] : index.stateCodes(table, 50);
      const priced = [...own, ...codes].find((code) => {
        try {
          const answer = lookupFee(index, {
            jurisdiction: j.id,
            code,
            date: edition.effective,
            ...(locality === undefined ? {} : { locality }),
          });
          // Priced on this supplied edition: its jurisdiction step names it (suppliedId).
          return (
            answer.status === 'priced' &&
            answer.amount !== null &&
            answer.explanation.some(
              (step) => step.inputs?.suppliedId === (edition.supplied?.id ?? edition.id),
            )
          );
        } catch {
          return false;
        }
      });
      if (priced === undefined)
        problems.push(
          `${j.id} ${edition.id} (supplied): none of ${codes.length} codes prices on ${edition.effective} (${codes.slice(0, 5).join(', ')}, …)`,
        );
    }
  }
  if (supplied === 0) return { name: 'supplied', ok: true, detail: 'no supplied editions' };
  return problems.length === 0
    ? { name: 'supplied', ok: true, detail: `${supplied} supplied editions each price a line` }
    : { name: 'supplied', ok: false, detail: problems.join('; ') };
}

function checkExamples(index: FeeIndex, examples: readonly ExampleBill[]): CheckResult {
  const problems: string[] = [];
  for (const example of examples) {
    try {
      priceRequest(index, normaliseRequest(example.bill), { explain: 'none' });
    } catch (error) {
      problems.push(`${example.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (examples.length === 0) return { name: 'examples', ok: false, detail: 'no example bills were given' };
  return problems.length === 0
    ? { name: 'examples', ok: true, detail: `${examples.length} example bills price without an error` }
    : { name: 'examples', ok: false, detail: problems.join('; ') };
}

/**
 * Runs every full-size check. The checksum comes first and, when it fails, is the only result:
 * nothing read from a corrupt body means anything.
 *
 * @param index - the newly built index
 * @param inputs - the checksum verifier, the previous release's summary and the example bills
 * @returns one result per check, in order
 * @example runReleaseChecks(index, { verifyChecksum: verifyFeeIndex, previous, examples }).every((c) => c.ok)
 */
export function runReleaseChecks(index: FeeIndex, inputs: CheckInputs): CheckResult[] {
  if (!inputs.verifyChecksum(index))
    return [{ name: 'checksum', ok: false, detail: 'the body does not match the SHA-256 in the header' }];
  return [
    { name: 'checksum', ok: true, detail: `body SHA-256 ${index.header.bodySha256.slice(0, 12)}… matches` },
    checkDatasets(index, inputs),
    checkJurisdictions(index),
    checkSupplied(index, inputs.examples),
    checkExamples(index, inputs.examples),
  ];
}
