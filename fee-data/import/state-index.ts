import { createHash } from 'node:crypto';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import type { AnyImportedDataset, ImportedDataset, StateAnesthesiaRow, StateTableRow } from './records.js';
import type { AnyStateDataset, StateAnesthesiaDataset, StateFeeDataset } from './records-state.js';

/**
 * Turns the state importers' professional tables into index data sets: one edition per state,
 * dated by the state's jurisdiction file (the tables themselves state no effective date), with the
 * rows flattened to what the engine reads. Anesthesia base units and inpatient DRG amounts are
 * imported but not yet in the index.
 *
 * @param datasets - from importStateDirectory
 * @param jurisdictions - the registry, for each state's state-table edition
 * @returns one 'state-table' data set per state
 */
export function stateTableDatasets(
  datasets: readonly AnyStateDataset[],
  jurisdictions: readonly Jurisdiction[],
): AnyImportedDataset[] {
  return [...feeTables(datasets, jurisdictions), ...anesthesiaTables(datasets, jurisdictions)];
}

function stateEdition(jurisdictions: readonly Jurisdiction[], state: string, label: string) {
  const j = jurisdictions.find((x) => x.id === state);
  const edition =
    j?.billTypes.professional.method === 'state-table' ? j.billTypes.professional.editions[0] : undefined;
  if (!j || !edition)
    throw new Error(`${state}: the jurisdiction file has no state-table edition to date ${label}`);
  return { j, edition };
}

function combinedSource(d: AnyStateDataset) {
  const shas = d.sources.map((s) => s.sha256).join('');
  return {
    file: d.sources.map((s) => s.file).join(' + '),
    sha256: d.sources.length === 1 ? shas : createHash('sha256').update(shas).digest('hex'),
    rows: d.sources.reduce((n, s) => n + s.rows, 0),
  };
}

/** Anesthesia base units (AZ, GA), one edition per state dated like its fee table. */
function anesthesiaTables(
  datasets: readonly AnyStateDataset[],
  jurisdictions: readonly Jurisdiction[],
): AnyImportedDataset[] {
  return datasets
    .filter((d): d is StateAnesthesiaDataset => d.dataset === 'state-anesthesia')
    .map((d) => {
      const { j, edition } = stateEdition(jurisdictions, d.state, d.label);
      const records: StateAnesthesiaRow[] = d.records.map((r) => ({
        state: r.state,
        code: r.code,
        status: r.status,
        baseUnits: r.baseUnits ?? '',
        file: r.file,
        line: r.line,
      }));
      return {
        dataset: 'state-anesthesia' as const,
        year: Number(edition.effective.slice(0, 4)),
        label: `${j.name} anesthesia base units (${d.label})`,
        effective: edition.effective,
        complete: d.complete,
        source: combinedSource(d),
        notes: [...d.notes],
        records,
        partition: d.state,
        editionId: `state-anesthesia/${edition.id}`,
      };
    });
}

function feeTables(
  datasets: readonly AnyStateDataset[],
  jurisdictions: readonly Jurisdiction[],
): AnyImportedDataset[] {
  return datasets
    .filter((d): d is StateFeeDataset => d.dataset === 'state-table')
    .map((d) => {
      const j = jurisdictions.find((x) => x.id === d.state);
      const edition =
        j?.billTypes.professional.method === 'state-table' ? j.billTypes.professional.editions[0] : undefined;
      if (!j || !edition) {
        throw new Error(`${d.state}: the jurisdiction file has no state-table edition to date ${d.label}`);
      }
      const seen = new Map<string, number>();
      const records: StateTableRow[] = d.records.map((r) => {
        const key = `${r.code}|${r.modifier}`;
        const seq = seen.get(key) ?? 0;
        seen.set(key, seq + 1);
        return {
          state: r.state,
          code: r.code,
          modifier: r.modifier,
          qualifier: r.qualifier ?? '',
          status: r.status,
          basis: r.basis,
          nonFacility: r.nonFacility ?? '',
          facility: r.facility ?? '',
          nonRural: r.extra?.nonRuralRate ?? '',
          rural: r.extra?.ruralRate ?? '',
          category: r.category ?? '',
          reference: r.reference ?? '',
          file: r.file,
          line: r.line,
          seq,
        };
      });
      const shas = d.sources.map((s) => s.sha256).join('');
      const dataset: ImportedDataset<StateTableRow> & { dataset: 'state-table' } = {
        dataset: 'state-table',
        year: Number(edition.effective.slice(0, 4)),
        label: edition.effectiveStated ? d.label : `${d.label}, dated ${edition.effective} by inference`,
        effective: edition.effective,
        complete: d.complete,
        source: {
          file: d.sources.map((s) => s.file).join(' + '),
          sha256: d.sources.length === 1 ? shas : createHash('sha256').update(shas).digest('hex'),
          rows: d.sources.reduce((n, s) => n + s.rows, 0),
        },
        notes: [
          ...(edition.effectiveStated
            ? []
            : [
                `${edition.id}: the effective date is inferred; see fee-data/jurisdictions/${j.id}.json for the reasoning.`,
              ]),
          ...d.notes,
          ...Object.entries(d.dropped).map(([reason, n]) => `${n} row(s) not imported: ${reason}`),
        ],
        records,
        partition: d.state,
        editionId: `state-table/${edition.id}`,
      };
      return dataset;
    });
}
