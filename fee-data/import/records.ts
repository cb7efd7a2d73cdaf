/**
 * The records the importers produce from official files and `fee-data/build-index.ts` turns into
 * the binary fee index. Every number stays a decimal string exactly as the official file printed
 * it (after trimming), so nothing is lost or rounded between the file and the index; every record
 * keeps the physical line it came from so an answer can name its source row.
 */

import type { DatasetKind } from '../../lambdas/fee-index/header.js';
import type { AscDataset } from './records-asc.js';
import type {
  IppsDrgRecord,
  IppsRateRecord,
  IppsWageIndexRecord,
  StateDrgRow,
  StateFacilityRow,
} from './records-ipps.js';
import type { ClfsRecord, DmeRuralZipRecord, MueRecord, NadacRecord } from './records-national.js';
import type { OppsImportedDataset } from './records-opps.js';

/** The kinds of data set the index holds. */
export type { DatasetKind };

/** Where an imported data set came from. */
export interface SourceInfo {
  /** File name (no directory), as published or as found in the reference directory. */
  readonly file: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  /** Data rows imported. */
  readonly rows: number;
  /** Release as the file states it (for example "RELEASED 09/11/2025", "20254"), when it does. */
  readonly release?: string;
}

/** One data set read from one official file. */
export interface ImportedDataset<R> {
  readonly dataset: DatasetKind;
  /** The calendar year the data is for (CY for CMS physician files). */
  readonly year: number;
  /** A short label for the release, e.g. "RVU25D (October 2025)". */
  readonly label: string;
  /**
   * First date the data applies to (YYYY-MM-DD). For a quarterly file this is the quarter's
   * first day; the index builder decides how far back an edition is applied and says so.
   */
  readonly effective: string;
  /** False when the file is an excerpt of the official file (for example three rows of 2026). */
  readonly complete: boolean;
  readonly source: SourceInfo;
  /** Anything a reader of an answer priced on this data should know (excerpt, undated, ...). */
  readonly notes: readonly string[];
  readonly records: readonly R[];
  /**
   * Data sets of one kind that are not successive editions of each other (one state's table and
   * another's) carry different partitions; editions run one after another within a partition.
   */
  readonly partition?: string;
  /** The edition's id when `${dataset}/${year}` is not enough (state tables: "state-table/AZ-2024"). */
  readonly editionId?: string;
}

/** A row of the CMS PPRRVU file (2025: 31 columns; 2026 adds PRIC IND). */
export interface RvuRecord {
  readonly code: string;
  /** '' for the global service, else '26', 'TC' or '53'. */
  readonly modifier: string;
  readonly status: string;
  readonly workRvu: string;
  readonly nonFacilityPeRvu: string;
  readonly nonFacilityNa: boolean;
  readonly facilityPeRvu: string;
  readonly facilityNa: boolean;
  readonly mpRvu: string;
  readonly pctcIndicator: string;
  /** '000', '010', '090', 'MMM', 'XXX', 'YYY', 'ZZZ'. */
  readonly globalDays: string;
  readonly preOp: string;
  readonly intraOp: string;
  readonly postOp: string;
  readonly multipleProcedure: string;
  readonly bilateralSurgery: string;
  readonly assistantSurgery: string;
  readonly coSurgeons: string;
  readonly teamSurgery: string;
  /** 2026 layout only ('' in 2025). */
  readonly pricingIndicator: string;
  readonly endoscopicBase: string;
  readonly conversionFactor: string;
  readonly physicianSupervision: string;
  readonly calculationFlag: string;
  readonly imagingFamily: string;
  readonly oppsNonFacilityPe: string;
  readonly oppsFacilityPe: string;
  readonly oppsMp: string;
  /** 1-based physical line in the source file. */
  readonly line: number;
}

/** A row of Addendum E (GPCI). */
export interface GpciRecord {
  /** Five digits, leading zeros kept ("01112"). */
  readonly carrier: string;
  readonly state: string;
  /** Two digits ("05"). */
  readonly locality: string;
  readonly name: string;
  readonly workGpci: string;
  readonly peGpci: string;
  readonly mpGpci: string;
  readonly line: number;
}

/** A record of the ZIP5 file (fixed width, layout in ZIP5lyout.txt). */
export interface Zip5Record {
  readonly state: string;
  readonly zip: string;
  readonly carrier: string;
  readonly locality: string;
  /** '' urban, 'R' rural, 'B' super rural. */
  readonly ruralIndicator: string;
  readonly labCbLocality: string;
  readonly plusFourFlag: string;
  readonly partBPaymentIndicator: string;
  /** YYYYQ, e.g. "20254". */
  readonly yearQuarter: string;
  readonly line: number;
}

/** A locality of the locality–county crosswalk (continuation rows folded into one record). */
export interface LocalityCountyRecord {
  readonly carrier: string;
  readonly locality: string;
  readonly state: string;
  readonly feeScheduleArea: string;
  readonly counties: string;
  readonly line: number;
}

/** A row of the OPPS cap file. */
export interface OppsCapRecord {
  readonly code: string;
  readonly modifier: string;
  readonly procedureStatus: string;
  readonly carrier: string;
  readonly locality: string;
  readonly facilityPrice: string;
  readonly nonFacilityPrice: string;
  readonly line: number;
}

/** A row of the anesthesia conversion factor file. */
export interface AnesthesiaCfRecord {
  readonly carrier: string;
  readonly locality: string;
  readonly name: string;
  readonly conversionFactor: string;
  readonly line: number;
}

/**
 * One row of a state's professional fee table as the index keeps it: the amounts in cents as
 * decimal strings ('' when the row has none) and what the row says about payment.
 */
export interface StateTableRow {
  readonly state: string;
  readonly code: string;
  readonly modifier: string;
  /** Alabama's code suffix ("C", "6", "P"), '' elsewhere. */
  readonly qualifier: string;
  /** priced, by-report, by-agreement, bundled, not-established, see-other, facility-only, no-amount. */
  readonly status: string;
  /** setting, single, rural, none, setting-rural (a supplied table's rural column). */
  readonly basis: string;
  readonly nonFacility: string;
  readonly facility: string;
  readonly nonRural: string;
  readonly rural: string;
  readonly category: string;
  readonly reference: string;
  /** The state file the row came from and its physical line. */
  readonly file: string;
  readonly line: number;
  /** Position among rows of the same code + modifier (Alabama's qualifiers), for a unique key. */
  readonly seq: number;
  /** The PFS PC/TC indicator a supplied table gives (issue 20); absent from the states' own tables. */
  readonly pctc?: string;
}

export type AnyImportedDataset =
  | (ImportedDataset<RvuRecord> & { readonly dataset: 'pfs-rvu' })
  | (ImportedDataset<GpciRecord> & { readonly dataset: 'gpci' })
  | (ImportedDataset<Zip5Record> & { readonly dataset: 'zip5' })
  | (ImportedDataset<LocalityCountyRecord> & { readonly dataset: 'locality-county' })
  | (ImportedDataset<OppsCapRecord> & { readonly dataset: 'opps-cap' })
  | (ImportedDataset<AnesthesiaCfRecord> & { readonly dataset: 'anesthesia-cf' })
  | (ImportedDataset<StateTableRow> & { readonly dataset: 'state-table' })
  | (ImportedDataset<ClfsRecord> & { readonly dataset: 'clfs' })
  | (ImportedDataset<DmeposFlatRecord> & { readonly dataset: 'dmepos' })
  | (ImportedDataset<DmeRuralZipRecord> & { readonly dataset: 'dme-rural-zip' })
  | (ImportedDataset<NadacRecord> & { readonly dataset: 'nadac' })
  | (ImportedDataset<MueRecord> & { readonly dataset: 'mue' })
  | (ImportedDataset<StateAnesthesiaRow> & { readonly dataset: 'state-anesthesia' })
  // Inpatient (IPPS) and a state's facility tables (issue 16; records-ipps.ts).
  | (ImportedDataset<IppsDrgRecord> & { readonly dataset: 'ipps-drg' })
  | (ImportedDataset<IppsRateRecord> & { readonly dataset: 'ipps-rates' })
  | (ImportedDataset<IppsWageIndexRecord> & { readonly dataset: 'ipps-wage-index' })
  | (ImportedDataset<StateDrgRow> & { readonly dataset: 'state-drg' })
  | (ImportedDataset<StateFacilityRow> & { readonly dataset: 'state-facility' })
  // OPPS (hospital outpatient): records-opps.ts
  | OppsImportedDataset
  // ASC (issue 16): records-asc.ts
  | AscDataset;

/** Anesthesia base units of a state's table, as the index keeps them. */
export interface StateAnesthesiaRow {
  readonly state: string;
  readonly code: string;
  /** priced, by-report, see-other. */
  readonly status: string;
  /** Base units as printed ('' unless priced). */
  readonly baseUnits: string;
  readonly file: string;
  readonly line: number;
}

/** A DMEPOS fee for one state, as the index keeps it ('' when the file has none). */
export interface DmeposFlatRecord {
  readonly code: string;
  readonly modifier: string;
  readonly modifier2: string;
  readonly state: string;
  readonly nonRural: string;
  readonly rural: string;
  readonly line: number;
}
