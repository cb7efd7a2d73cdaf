import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIndexBytes } from '../../fee-data/build-index.js';
import type { StateTableRow } from '../../fee-data/import/records.js';
import { loadJurisdictions } from '../../fee-data/jurisdictions/registry.js';
import { SAMPLE_DIR } from '../../fee-data/paths.js';
import { readSample } from '../../fee-data/sample.js';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import type { SuppliedContract, SuppliedKind, SuppliedProvenance } from '../../lambdas/domain/supplied.js';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';

/**
 * The sample index with files a customer supplied (issue 20) added by hand, as the index build adds
 * them once the DATA work reads them: supplied editions on the jurisdictions, supplied tables as
 * `state-table` data sets (edition `state-table/<id>`, partition `<J>:supplied:<id>`), contracts,
 * and their provenance in the release. Every figure in them is a test input (a SUPPLIED INPUT), not
 * a claim about any state's schedule.
 */

type Edition = Jurisdiction['billTypes']['professional']['editions'][number];

/** Who supplied a test file: a made-up operator of a made-up payer. */
export function provenance(id: string, kind: SuppliedKind): SuppliedProvenance {
  return {
    id,
    kind,
    suppliedBy: 'ops@payer.example',
    suppliedAt: '2026-12-01T09:30:00.000Z',
    file: `${id}.json`,
    sha256: 'a'.repeat(64),
    source: { citation: `Payer's licensed copy, file ${id}`, url: 'https://payer.example/schedules' },
    supersedes: false,
  };
}

/** A supplied edition of a jurisdiction, as the build merges it into `professional.supplied`. */
/**
 * A tenant's contract paying 90% of the state fee schedule (the PPO bucket) to one NPI: the
 * percentage is a SUPPLIED INPUT of the tests that use it, not any network's rate.
 *
 * @param tenant - the tenant whose bills it applies to
 * @param npi - the provider it covers (default: CMS's worked example of a valid NPI)
 * @returns the contract as the index carries it
 */
export function ppoContract90(tenant: string, npi = '1234567893'): SuppliedContract {
  return {
    id: 'acme-ppo-2025',
    name: 'Acme PPO',
    tenant,
    providers: { npis: [npi], tins: [] },
    bucket: 'ppo',
    jurisdictions: [],
    effective: '2025-01-01',
    termination: null,
    terms: { kind: 'percent-of-allowance', percent: '90' },
    reason: { groupCode: 'CO', carc: '45' },
    provenance: provenance('acme-ppo-2025', 'contract'),
  };
}

export interface SuppliedEditionInput {
  readonly jurisdiction: string;
  readonly edition: Edition;
}

/** One row of a supplied table (amounts as decimal strings; blank: none). */
export interface TableRowInput {
  readonly code: string;
  readonly modifier?: string;
  readonly nonFacility?: string;
  readonly facility?: string;
  readonly rural?: string;
  readonly byReport?: boolean;
}

/** A supplied table (a fee table edition or a contract's table). */
export interface TableInput {
  readonly jurisdiction: string;
  /** The index edition id: `state-table/<id>`. */
  readonly editionId: string;
  readonly partition: string;
  readonly effective: string;
  readonly rows: readonly TableRowInput[];
}

/** A conversion factor edition or fee table edition the customer supplied. */
export function suppliedEdition(
  id: string,
  kind: 'conversion-factors' | 'fee-table',
  effective: string,
  termination: string | null,
  factors: readonly { category: string; value: string }[] = [],
): Edition {
  const p = provenance(id, kind);
  const source = { citation: p.source.citation, url: p.source.url };
  return {
    id,
    effective,
    termination,
    effectiveStated: true,
    ...(kind === 'conversion-factors' ? { factors: factors.map((f) => ({ ...f, source })) } : {}),
    sources: [source],
    method: kind === 'conversion-factors' ? 'rbrvs-state-cf' : 'state-table',
    supplied: p,
  };
}

function tableDataset(t: TableInput) {
  const file = `${t.editionId.replace(/^state-table\//, '')}.csv`;
  const records: StateTableRow[] = t.rows.map((r, i) => ({
    state: t.jurisdiction,
    code: r.code,
    modifier: r.modifier ?? '',
    qualifier: '',
    status: r.byReport ? 'by-report' : 'priced',
    basis: r.rural === undefined ? 'setting' : 'setting-rural',
    nonFacility: r.nonFacility ?? '',
    facility: r.facility ?? '',
    nonRural: '',
    rural: r.rural ?? '',
    category: '',
    reference: '',
    file,
    line: i + 2,
    seq: 0,
  }));
  return {
    dataset: 'state-table' as const,
    year: Number(t.effective.slice(0, 4)),
    label: `${file} (supplied)`,
    effective: t.effective,
    complete: true,
    source: { file, sha256: 'b'.repeat(64), rows: records.length },
    notes: [],
    records,
    partition: t.partition,
    editionId: t.editionId,
  };
}

/** What a customer supplied, for {@link suppliedIndex}. */
export interface SuppliedInput {
  readonly editions?: readonly SuppliedEditionInput[];
  readonly tables?: readonly TableInput[];
  readonly contracts?: readonly SuppliedContract[];
}

/**
 * The sample index with supplied editions, tables and contracts.
 *
 * @param input - what the customer supplied
 * @returns the index, opened in memory
 */
export function suppliedIndex(input: SuppliedInput): FeeIndex {
  return FeeIndex.fromBytes(suppliedIndexBytes(input));
}

/**
 * The same index written to a fresh temporary file (for the handlers).
 *
 * @param input - what the customer supplied
 * @returns the file's path
 */
export function suppliedIndexFile(input: SuppliedInput): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'wcbr-supplied-')), 'fee-index.bin');
  writeFileSync(file, suppliedIndexBytes(input));
  return file;
}

function suppliedIndexBytes(input: SuppliedInput): Uint8Array {
  const { datasets, ptp } = readSample(SAMPLE_DIR);
  const editions = input.editions ?? [];
  const jurisdictions = loadJurisdictions().map((j) => {
    const own = editions.filter((e) => e.jurisdiction === j.id).map((e) => e.edition);
    if (own.length === 0) return j;
    const professional = { ...j.billTypes.professional, supplied: own };
    return { ...j, billTypes: { ...j.billTypes, professional } };
  });
  const supplied = [
    ...editions.map((e) => e.edition.supplied as SuppliedProvenance),
    ...(input.contracts ?? []).map((c) => c.provenance),
  ];
  return buildIndexBytes([...datasets, ...(input.tables ?? []).map(tableDataset)], {
    builtFrom: 'sample',
    jurisdictions,
    ptp,
    supplied,
    contracts: input.contracts ?? [],
  });
}
