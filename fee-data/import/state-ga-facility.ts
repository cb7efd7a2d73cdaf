/**
 * Georgia's facility tables as index data sets (issue 16): the Inpatient Hospital sheet (MS-DRG →
 * fee) and the hospital outpatient and surgery-centre columns (APC, OP MAR, SI, ASC MAR, PI) that
 * the Outpatient sheet and the professional sheets carry. `state-ga.ts` reads the files; this turns
 * its records into the `state-drg` and `state-facility` sections, dated like Georgia's
 * professional table (the files state no date: fee-data/jurisdictions/GA.json says how it is dated).
 */
import { createHash } from 'node:crypto';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import type { AnyImportedDataset } from './records.js';
import type { StateDrgRow, StateFacilityRow } from './records-ipps.js';
import type { AnyStateDataset, StateDrgDataset, StateFeeDataset } from './records-state.js';

function gaEdition(jurisdictions: readonly Jurisdiction[]) {
  const j = jurisdictions.find((x) => x.id === 'GA');
  const edition =
    j?.billTypes.professional.method === 'state-table' ? j.billTypes.professional.editions[0] : undefined;
  if (!j || !edition)
    throw new Error('GA: the jurisdiction file has no state-table edition to date its facility tables');
  return edition;
}

function combined(sources: StateFeeDataset['sources']) {
  const shas = sources.map((s) => s.sha256).join('');
  return {
    file: sources.map((s) => s.file).join(' + '),
    sha256: sources.length === 1 ? shas : createHash('sha256').update(shas).digest('hex'),
    rows: sources.reduce((n, s) => n + s.rows, 0),
  };
}

/**
 * Georgia's inpatient MS-DRG amounts and outpatient/ASC rows, from the state importer's data sets.
 *
 * @param datasets - from importStateDirectory (Georgia's professional table and MS-DRG sheet)
 * @param jurisdictions - the registry, for Georgia's edition date
 * @returns a 'state-drg' and a 'state-facility' data set (none when Georgia was not imported)
 */
export function gaFacilityDatasets(
  datasets: readonly AnyStateDataset[],
  jurisdictions: readonly Jurisdiction[],
): AnyImportedDataset[] {
  const out: AnyImportedDataset[] = [];
  const drg = datasets.find((d): d is StateDrgDataset => d.dataset === 'state-drg' && d.state === 'GA');
  const table = datasets.find((d): d is StateFeeDataset => d.dataset === 'state-table' && d.state === 'GA');
  if (!drg && !table) return out;
  const edition = gaEdition(jurisdictions);
  const dated = edition.effectiveStated
    ? []
    : [
        `${edition.id}: the effective date is inferred like Georgia's professional table; see fee-data/jurisdictions/GA.json.`,
      ];
  if (drg) {
    const records: StateDrgRow[] = drg.records.map((r) => ({
      state: 'GA',
      drg: r.drg,
      amount: r.amount ?? '',
      file: r.file,
      line: r.line,
    }));
    out.push({
      dataset: 'state-drg',
      year: Number(edition.effective.slice(0, 4)),
      label: `${drg.label}, dated ${edition.effective}${edition.effectiveStated ? '' : ' by inference'}`,
      effective: edition.effective,
      complete: drg.complete,
      source: combined(drg.sources),
      notes: [
        ...dated,
        ...drg.notes,
        'The SBWC names the 2024 schedule’s MS-DRG version as 41.1 (https://sbwc.georgia.gov/publications-and-forms/publications/fee-schedules/medical-and-dental-fee-schedules); the file itself does not.',
      ],
      records,
      partition: 'GA',
      editionId: `state-drg/${edition.id}`,
    });
  }
  if (table) {
    const records: StateFacilityRow[] = [];
    for (const r of table.records) {
      const x = r.extra;
      if (!x) continue;
      if (
        x.apc === undefined &&
        x.outpatientMar === undefined &&
        x.statusIndicator === undefined &&
        x.ascMar === undefined &&
        x.paymentIndicator === undefined
      )
        continue;
      records.push({
        state: 'GA',
        code: r.code,
        modifier: r.modifier,
        apc: x.apc ?? '',
        outpatientMar: x.outpatientMar ?? '',
        statusIndicator: x.statusIndicator ?? '',
        ascMar: x.ascMar ?? '',
        paymentIndicator: x.paymentIndicator ?? '',
        file: r.file,
        line: r.line,
      });
    }
    out.push({
      dataset: 'state-facility',
      year: Number(edition.effective.slice(0, 4)),
      label: `Georgia SBWC hospital outpatient and ASC amounts (OP MAR, ASC MAR by HCPCS), dated ${edition.effective}${edition.effectiveStated ? '' : ' by inference'}`,
      effective: edition.effective,
      complete: table.complete,
      source: combined(table.sources),
      notes: [
        ...dated,
        'The APC, OP MAR, SI, ASC MAR and PI columns of the Outpatient sheet and of the professional sheets, one row per code + modifier; a row without any of them is not included.',
        '"0" in OP MAR or ASC MAR is kept as printed (an amount of $0.00); an empty cell is no amount.',
      ],
      records,
      partition: 'GA',
      editionId: `state-facility/${edition.id}`,
    });
  }
  return out;
}
