/**
 * What the index build takes from a store of supplied files (docs/supplied-data/README.md, "In the
 * index"): supplied editions merged into a copy of the registry (`billTypes.professional.supplied`),
 * fee-table and contract-table rows as `state-table` data sets, the contracts, and the provenance of
 * every file for the release's header.
 */
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import type { SuppliedContract, SuppliedProvenance } from '../../lambdas/domain/supplied.js';
import type { AnyImportedDataset, StateTableRow } from '../import/records.js';
import { type Edition, loadJurisdictions } from '../jurisdictions/registry.js';
import { suppliedConflicts } from './conflicts.js';
import { readSuppliedStore, type StoredItem, SuppliedStoreError } from './store.js';
import type { SuppliedFeeRow } from './validate.js';

/** The build's inputs from the store. */
export interface SuppliedBuildInputs {
  /** A copy of the registry with the supplied editions merged in; the registry given is untouched. */
  readonly jurisdictions: Jurisdiction[];
  /** One `state-table` data set a fee table or contract table. */
  readonly datasets: AnyImportedDataset[];
  readonly contracts: SuppliedContract[];
  readonly supplied: SuppliedProvenance[];
}

/**
 * Reads a store, re-checks it (a conflict refused at `add` is refused at build too: the store may
 * have been mirrored from elsewhere, the registry may have gained an edition since), and turns it
 * into the build's inputs.
 *
 * @param storeDir - the store
 * @param jurisdictions - the official registry (default: ours); not modified
 * @returns the inputs
 * @throws SuppliedStoreError naming every problem
 */
export function suppliedBuildInputs(
  storeDir: string,
  jurisdictions: readonly Jurisdiction[] = loadJurisdictions(),
): SuppliedBuildInputs {
  const items = readSuppliedStore(storeDir, jurisdictions);
  const conflicts = suppliedConflicts(items, jurisdictions);
  if (conflicts.length > 0) throw new SuppliedStoreError(conflicts);
  return buildInputsOf(items, jurisdictions);
}

/**
 * The build's inputs from checked, conflict-free items.
 *
 * @param items - the store's items
 * @param jurisdictions - the official registry; not modified
 * @returns the inputs
 */
export function buildInputsOf(
  items: readonly StoredItem[],
  jurisdictions: readonly Jurisdiction[],
): SuppliedBuildInputs {
  const registry = structuredClone(jurisdictions) as Jurisdiction[];
  const byId = new Map(registry.map((j) => [j.id, j]));
  const datasets: AnyImportedDataset[] = [];
  const contracts: SuppliedContract[] = [];
  for (const item of items) {
    const input = item.input;
    const provenance = item.provenance;
    const source = {
      citation: input.source.citation,
      ...(input.source.url === undefined ? {} : { url: input.source.url }),
    };
    if (input.kind === 'contract') {
      const table = input.terms.table !== undefined;
      if (table)
        datasets.push(tableDataset(item, `contract-${item.id}`, `contract:${input.tenant}:${item.id}`, ''));
      contracts.push({
        id: item.id,
        name: input.name,
        tenant: input.tenant,
        providers: { npis: [...(input.providers.npis ?? [])], tins: [...(input.providers.tins ?? [])] },
        bucket: input.bucket,
        jurisdictions: [...(input.jurisdictions ?? [])],
        effective: input.effective,
        termination: input.termination,
        terms:
          input.terms.percentOfAllowance !== undefined
            ? { kind: 'percent-of-allowance', percent: input.terms.percentOfAllowance }
            : { kind: 'table', edition: `state-table/contract-${item.id}` },
        reason: input.reason ?? {
          groupCode: 'CO',
          carc: '45',
          internalCode: input.bucket === 'ppo' ? 'CONTRACT-PPO' : 'CONTRACT-NEGOTIATED',
        },
        provenance,
      });
      continue;
    }
    const j = byId.get(input.jurisdiction);
    // Checked when the item was read; a registry without it is a caller's mistake.
    if (j === undefined)
      throw new SuppliedStoreError([
        { file: item.file, message: `${input.jurisdiction} is not in the registry` },
      ]);
    const notes = [
      `Supplied by ${provenance.suppliedBy} on ${provenance.suppliedAt.slice(0, 10)} (${item.file}): the customer's figures, not values we publish.`,
      ...(provenance.supersedes
        ? [`Supersedes our official edition for ${input.effective} to ${input.termination ?? 'open'}.`]
        : []),
      ...(input.notes ?? []),
    ];
    const edition: Edition =
      input.kind === 'conversion-factors'
        ? {
            id: item.id,
            effective: input.effective,
            termination: input.termination,
            effectiveStated: true,
            method: 'rbrvs-state-cf',
            factors: input.factors.map((f) => ({ category: f.category, value: f.value, source })),
            notes,
            sources: [source],
            supplied: provenance,
          }
        : {
            id: item.id,
            effective: input.effective,
            termination: input.termination,
            effectiveStated: true,
            method: 'state-table',
            data: item.rowsFile ?? item.file,
            notes,
            sources: [source],
            supplied: provenance,
          };
    if (input.kind === 'fee-table')
      datasets.push(
        tableDataset(item, item.id, `${input.jurisdiction}:supplied:${item.id}`, input.jurisdiction),
      );
    const professional = j.billTypes.professional;
    professional.supplied = [...(professional.supplied ?? []), edition].sort((a, b) =>
      a.effective.localeCompare(b.effective),
    );
  }
  return { jurisdictions: registry, datasets, contracts, supplied: items.map((i) => i.provenance) };
}

/** A fee table's rows (a fee-table file's or a contract's) as a `state-table` data set. */
function tableDataset(
  item: StoredItem,
  editionKey: string,
  partition: string,
  state: string,
): AnyImportedDataset {
  const input = item.input;
  const rows = item.rows ?? [];
  const file = item.rowsFile ?? item.file;
  const label =
    input.kind === 'fee-table'
      ? input.label
      : input.kind === 'contract'
        ? `${input.name} (contract table)`
        : item.id;
  return {
    dataset: 'state-table',
    year: Number(input.effective.slice(0, 4)),
    label: `${label} (supplied: ${item.id})`,
    effective: input.effective,
    complete: true,
    source: { file, sha256: item.sha256, rows: rows.length },
    notes: [
      `Supplied by ${item.provenance.suppliedBy} on ${item.provenance.suppliedAt.slice(0, 10)}: the customer's figures, not values we publish (source: ${input.source.citation}).`,
    ],
    records: rows.map((r) => stateRow(r, state, file)),
    partition,
    editionId: `state-table/${editionKey}`,
  };
}

function stateRow(r: SuppliedFeeRow, state: string, file: string): StateTableRow {
  return {
    state,
    code: r.code,
    modifier: r.modifier,
    qualifier: '',
    status: r.byReport ? 'by-report' : 'priced',
    // A rural amount makes the row's basis setting-rural: rural lines get it, others the setting's.
    basis: r.rural === '' ? 'setting' : 'setting-rural',
    nonFacility: r.nonFacility,
    facility: r.facility,
    nonRural: '',
    rural: r.rural,
    category: '',
    reference: '',
    file,
    line: r.line,
    seq: 0,
    pctc: r.pctc,
  };
}
