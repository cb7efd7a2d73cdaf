import type { Jurisdiction } from '../domain/jurisdiction-schema.js';
import { CONTRACTS_SECTION, type DataRelease, type SuppliedContract } from '../domain/supplied.js';
import {
  ASC_AA_TABLE,
  ASC_BB_TABLE,
  ASC_EE_TABLE,
  ASC_FF_TABLE,
  ASC_WAGE_INDEX_TABLE,
} from './facility-asc.js';
import {
  IPPS_DRG_FLAGS,
  IPPS_DRG_TABLE,
  IPPS_RATES_TABLE,
  IPPS_WAGE_INDEX_TABLE,
  STATE_DRG_TABLE,
  STATE_FACILITY_TABLE,
} from './facility-ipps.js';
import { OppsTables } from './facility-opps-reader.js';
import type { DatasetKind, EditionInfo, IndexHeader, SectionInfo } from './header.js';
import { dateOfDay, dayNumber } from './header.js';
import {
  ANESTHESIA_CF_TABLE,
  CLFS_TABLE,
  DME_RURAL_ZIP_TABLE,
  DMEPOS_TABLE,
  decodeCode,
  encodeCode,
  FORMAT_VERSION,
  GLOBAL_DAYS_CODES,
  GPCI_TABLE,
  JURISDICTIONS_SECTION,
  LOCALITY_COUNTY_TABLE,
  layout,
  MAGIC,
  MUE_TABLE,
  NADAC_TABLE,
  OPPS_CAP_TABLE,
  PTP_DATES_TABLE,
  PTP_DIRECTORY_TABLE,
  PTP_PAIRS_TABLE,
  PTP_RATIONALES_TABLE,
  RVU_TABLE,
  STATE_ANESTHESIA_TABLE,
  STATE_ROW_BASES,
  STATE_ROW_STATUSES,
  STATE_TABLE,
  type TableLayout,
  ZIP5_TABLE,
} from './schema.js';
import { FeeIndexFormatError, Table } from './table.js';

export { FeeIndexFormatError } from './table.js';

const GLOBAL_DAYS_TEXT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(GLOBAL_DAYS_CODES).map(([text, code]) => [code, text]),
);

/** Relative values of one code + modifier in one edition, as the official row printed them. */
export interface RvuEntry {
  readonly code: string;
  readonly modifier: string;
  readonly edition: EditionInfo;
  readonly status: string;
  /** RVUs in hundredths (1.30 → 130). */
  readonly workRvu: number;
  readonly nonFacilityPeRvu: number;
  readonly facilityPeRvu: number;
  readonly mpRvu: number;
  readonly nonFacilityNa: boolean;
  readonly facilityNa: boolean;
  readonly oppsNonFacilityPe: number;
  readonly oppsFacilityPe: number;
  readonly oppsMp: number;
  /** Conversion factor in ten-thousandths (32.3465 → 323465). */
  readonly conversionFactor: number;
  readonly pctcIndicator: string;
  readonly globalDays: string;
  /** Percentages in hundredths of one (0.10 → 10). */
  readonly preOp: number;
  readonly intraOp: number;
  readonly postOp: number;
  readonly multipleProcedure: string;
  readonly bilateralSurgery: string;
  readonly assistantSurgery: string;
  readonly coSurgeons: string;
  readonly teamSurgery: string;
  readonly endoscopicBase: string;
  readonly imagingFamily: string;
  /** Physical line of the row in the edition's source file. */
  readonly line: number;
}

export interface GpciEntry {
  readonly carrier: string;
  readonly locality: string;
  readonly state: string;
  readonly name: string;
  readonly edition: EditionInfo;
  /** GPCIs in ten-thousandths (1.014 → 10140). */
  readonly workGpci: number;
  readonly peGpci: number;
  readonly mpGpci: number;
  readonly line: number;
}

export interface ZipEntry {
  readonly zip: string;
  readonly carrier: string;
  readonly locality: string;
  readonly state: string;
  readonly ruralIndicator: string;
  /** The ZIP's locality depends on its +4 extension (CMS ZIP9 file). */
  readonly plusFour: boolean;
  readonly edition: EditionInfo;
  readonly line: number;
}

export interface LocalityCountyEntry {
  readonly carrier: string;
  readonly locality: string;
  readonly state: string;
  readonly feeScheduleArea: string;
  readonly counties: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

export interface OppsCapEntry {
  readonly procedureStatus: string;
  /** Prices in cents. */
  readonly facilityPrice: number;
  readonly nonFacilityPrice: number;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** An NCCI procedure-to-procedure edit. */
export interface PtpEdit {
  readonly column1: string;
  readonly column2: string;
  /** 0 never bypassed, 1 bypassed by an allowed modifier, 9 not applicable. */
  readonly modifierIndicator: number;
  readonly rationale: string;
  readonly inExistencePrior1996: boolean;
  /** Dates for CMS's dated files; null for the undated table (treat as in force on every date). */
  readonly effective: string | null;
  readonly deletion: string | null;
  readonly edition: EditionInfo;
}

/** The PTP edits of one column 1 code in one edition: a run of pairs sorted by column 2. */
export interface PtpRun {
  readonly edition: EditionInfo;
  readonly column1: string;
  readonly first: number;
  readonly count: number;
}

/** A medically unlikely edit. */
export interface MueEntry {
  readonly mueValue: number;
  /** 1 per line, 2 per day (policy), 3 per day (clinical). */
  readonly mai: string;
  readonly rationale: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A clinical lab fee schedule rate. */
export interface ClfsEntry {
  /** Cents. */
  readonly rate: number;
  readonly indicator: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A DMEPOS fee for one state, in cents (null when the file has none). */
export interface DmeposEntry {
  readonly nonRural: number | null;
  readonly rural: number | null;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A NADAC weekly cost. */
export interface NadacEntry {
  /** Per pricing unit, in hundred-thousandths of a dollar (0.28527 → 28527). */
  readonly perUnit: number;
  readonly pricingUnit: string;
  readonly effective: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A row of a state's professional fee table. */
export interface StateTableEntry {
  readonly code: string;
  readonly modifier: string;
  readonly qualifier: string;
  readonly status: (typeof STATE_ROW_STATUSES)[number];
  readonly basis: (typeof STATE_ROW_BASES)[number];
  /** Amounts in cents, or null when the row has none. */
  readonly nonFacility: number | null;
  readonly facility: number | null;
  readonly nonRural: number | null;
  readonly rural: number | null;
  readonly category: string;
  readonly reference: string;
  readonly file: string;
  readonly line: number;
  /** The PFS PC/TC indicator a supplied table gives for the row (issue 20); '' when none. */
  readonly pctc: string;
  readonly edition: EditionInfo;
}

export interface AnesthesiaCfEntry {
  /** In ten-thousandths. */
  readonly conversionFactor: number;
  readonly edition: EditionInfo;
  readonly line: number;
}

// ---------------------------------------------------------------------------------------------
// ASC (issue 16): entries of the Addenda AA/BB/EE/FF and the ASC wage index sections.

/** A row of ASC Addendum AA or BB. */
export interface AscRateEntry {
  readonly addendum: 'AA' | 'BB';
  readonly code: string;
  /** Payment indicator ("A2", "J8", "K2"). */
  readonly indicator: string;
  /** AA's "Subject to Multiple Procedure Discounting" ('Y' or 'N'); '' for BB. */
  readonly multipleProcedure: string;
  /** Payment weight in ten-thousandths (29.2047 → 292047); null when the row has none. */
  readonly weight: number | null;
  /** National unadjusted payment rate in cents; null when the row has none. */
  readonly rate: number | null;
  /** Number of CMS's asterisks in the row's unnamed second column. */
  readonly marker: number;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A row of ASC Addendum FF (device offsets). Amounts in cents, percentages in hundredths; null when none. */
export interface AscDeviceEntry {
  readonly indicator: string;
  readonly apc: string | undefined;
  readonly apcOffsetPercent: number | null;
  readonly oppsRate: number | null;
  readonly offsetPercent: number | null;
  readonly devicePortion: number | null;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A row of the ASC wage index. */
export interface AscWageIndexEntry {
  readonly cbsa: string;
  readonly name: string;
  /** In ten-thousandths (0.9786 → 9786); null when the file lists the area without a value. */
  readonly wageIndex: number | null;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** Which edition of a data set prices a date, and whether that took stretching. */
export interface EditionChoice {
  readonly edition: EditionInfo;
  /** The date is after the edition's year and no later edition is held. */
  readonly pastLatest: boolean;
}

/** Byte offsets of every field of a layout, as plain numbers. */
function offsetsOf<const F extends string>(table: TableLayout, fields: readonly F[]): Record<F, number> {
  const out = {} as Record<F, number>;
  for (const f of fields) {
    const offset = table.offsets[f];
    if (offset === undefined) throw new FeeIndexFormatError(`${table.schema.name} has no field ${f}`);
    out[f] = offset;
  }
  return out;
}

const TABLE_LAYOUTS = {
  rvu: layout(RVU_TABLE),
  gpci: layout(GPCI_TABLE),
  zip5: layout(ZIP5_TABLE),
  localityCounty: layout(LOCALITY_COUNTY_TABLE),
  oppsCap: layout(OPPS_CAP_TABLE),
  anesthesiaCf: layout(ANESTHESIA_CF_TABLE),
  state: layout(STATE_TABLE),
  clfs: layout(CLFS_TABLE),
  stateAnesthesia: layout(STATE_ANESTHESIA_TABLE),
  dmepos: layout(DMEPOS_TABLE),
  dmeRural: layout(DME_RURAL_ZIP_TABLE),
  nadac: layout(NADAC_TABLE),
  mue: layout(MUE_TABLE),
  ptpDirectory: layout(PTP_DIRECTORY_TABLE),
  ptpPairs: layout(PTP_PAIRS_TABLE),
  ptpDates: layout(PTP_DATES_TABLE),
  ptpRationales: layout(PTP_RATIONALES_TABLE),
  // Inpatient (IPPS) and a state's facility tables (issue 16).
  ippsDrg: layout(IPPS_DRG_TABLE),
  ippsRates: layout(IPPS_RATES_TABLE),
  ippsWageIndex: layout(IPPS_WAGE_INDEX_TABLE),
  stateDrg: layout(STATE_DRG_TABLE),
  stateFacility: layout(STATE_FACILITY_TABLE),
  // ASC (issue 16)
  ascAa: layout(ASC_AA_TABLE),
  ascBb: layout(ASC_BB_TABLE),
  ascEe: layout(ASC_EE_TABLE),
  ascFf: layout(ASC_FF_TABLE),
  ascWageIndex: layout(ASC_WAGE_INDEX_TABLE),
};

const R = offsetsOf(
  TABLE_LAYOUTS.rvu,
  RVU_TABLE.fields.map((f) => f.name),
);
const G = offsetsOf(
  TABLE_LAYOUTS.gpci,
  GPCI_TABLE.fields.map((f) => f.name),
);
const Z = offsetsOf(
  TABLE_LAYOUTS.zip5,
  ZIP5_TABLE.fields.map((f) => f.name),
);
const L = offsetsOf(
  TABLE_LAYOUTS.localityCounty,
  LOCALITY_COUNTY_TABLE.fields.map((f) => f.name),
);
const O = offsetsOf(
  TABLE_LAYOUTS.oppsCap,
  OPPS_CAP_TABLE.fields.map((f) => f.name),
);
const S = offsetsOf(
  TABLE_LAYOUTS.state,
  STATE_TABLE.fields.map((f) => f.name),
);
const SA = offsetsOf(
  TABLE_LAYOUTS.stateAnesthesia,
  STATE_ANESTHESIA_TABLE.fields.map((f) => f.name),
);
const C = offsetsOf(
  TABLE_LAYOUTS.clfs,
  CLFS_TABLE.fields.map((f) => f.name),
);
const D = offsetsOf(
  TABLE_LAYOUTS.dmepos,
  DMEPOS_TABLE.fields.map((f) => f.name),
);
const DR = offsetsOf(
  TABLE_LAYOUTS.dmeRural,
  DME_RURAL_ZIP_TABLE.fields.map((f) => f.name),
);
const N = offsetsOf(
  TABLE_LAYOUTS.nadac,
  NADAC_TABLE.fields.map((f) => f.name),
);
const M = offsetsOf(
  TABLE_LAYOUTS.mue,
  MUE_TABLE.fields.map((f) => f.name),
);
const PD = offsetsOf(
  TABLE_LAYOUTS.ptpDirectory,
  PTP_DIRECTORY_TABLE.fields.map((f) => f.name),
);
const PP = offsetsOf(
  TABLE_LAYOUTS.ptpPairs,
  PTP_PAIRS_TABLE.fields.map((f) => f.name),
);
const PT = offsetsOf(
  TABLE_LAYOUTS.ptpDates,
  PTP_DATES_TABLE.fields.map((f) => f.name),
);
const PR = offsetsOf(
  TABLE_LAYOUTS.ptpRationales,
  PTP_RATIONALES_TABLE.fields.map((f) => f.name),
);
const A = offsetsOf(
  TABLE_LAYOUTS.anesthesiaCf,
  ANESTHESIA_CF_TABLE.fields.map((f) => f.name),
);
// Inpatient (IPPS) and a state's facility tables (issue 16).
const IPD = offsetsOf(
  TABLE_LAYOUTS.ippsDrg,
  IPPS_DRG_TABLE.fields.map((f) => f.name),
);
const IPR = offsetsOf(
  TABLE_LAYOUTS.ippsRates,
  IPPS_RATES_TABLE.fields.map((f) => f.name),
);
const IPW = offsetsOf(
  TABLE_LAYOUTS.ippsWageIndex,
  IPPS_WAGE_INDEX_TABLE.fields.map((f) => f.name),
);
const SDR = offsetsOf(
  TABLE_LAYOUTS.stateDrg,
  STATE_DRG_TABLE.fields.map((f) => f.name),
);
const SFA = offsetsOf(
  TABLE_LAYOUTS.stateFacility,
  STATE_FACILITY_TABLE.fields.map((f) => f.name),
);

/** An MS-DRG of the IPPS table in one edition (fiscal year), as the pricer file printed it. */
export interface IppsDrgEntry {
  readonly drg: string;
  readonly edition: EditionInfo;
  /** Relative weight in ten-thousandths (1.9289 → 19289). */
  readonly weight: number;
  /** Geometric mean length of stay in tenths of a day (1.9 → 19). */
  readonly gmlos: number;
  readonly amlos: number;
  readonly postAcute: boolean;
  readonly specialPay: boolean;
  readonly lowVolume: boolean;
  readonly line: number;
}

/** One row of the IPPS standardized amount table (national, large urban "1"). */
export interface IppsRateEntry {
  readonly table: number;
  readonly edition: EditionInfo;
  /** Cents. */
  readonly labor: number;
  readonly nonLabor: number;
  readonly line: number;
}

/** The IPPS wage index of one area in one edition. */
export interface IppsWageIndexEntry {
  /** "38060" or "03" (state rural area). */
  readonly area: string;
  readonly edition: EditionInfo;
  /** Ten-thousandths (0.9786 → 9786). */
  readonly geographic: number;
  readonly reclassified: number;
  readonly imputedFloor: number;
  readonly name: string;
  readonly line: number;
}

/** A state's inpatient MS-DRG amount. */
export interface StateDrgEntry {
  readonly drg: string;
  readonly edition: EditionInfo;
  /** Cents, or null for "NA". */
  readonly amount: number | null;
  readonly file: string;
  readonly line: number;
}

/** A state's hospital outpatient / ASC row for a code + modifier. */
export interface StateFacilityEntry {
  readonly code: string;
  readonly modifier: string;
  readonly edition: EditionInfo;
  /** Cents, or null when the row has no amount. */
  readonly outpatientMar: number | null;
  readonly ascMar: number | null;
  readonly apc: string;
  readonly statusIndicator: string;
  readonly paymentIndicator: string;
  readonly file: string;
  readonly line: number;
}
// ASC (issue 16): AA and BB share one layout.
const ASC_R = offsetsOf(
  TABLE_LAYOUTS.ascAa,
  ASC_AA_TABLE.fields.map((f) => f.name),
);
const ASC_E = offsetsOf(
  TABLE_LAYOUTS.ascEe,
  ASC_EE_TABLE.fields.map((f) => f.name),
);
const ASC_F = offsetsOf(
  TABLE_LAYOUTS.ascFf,
  ASC_FF_TABLE.fields.map((f) => f.name),
);
const ASC_W = offsetsOf(
  TABLE_LAYOUTS.ascWageIndex,
  ASC_WAGE_INDEX_TABLE.fields.map((f) => f.name),
);

/**
 * The fee index, read in place from one buffer: only the small JSON header is parsed; every lookup
 * is a binary search over fixed-width records.
 *
 * @example
 * const index = FeeIndex.fromBytes(readFileSync('layers/fee-index/fee-index.bin'));
 * const rvu = index.rvu('99213', '', index.editionFor('pfs-rvu', '2025-03-04')!.edition);
 */
export class FeeIndex {
  readonly header: IndexHeader;
  readonly byteLength: number;
  private readonly bytes: Uint8Array;
  private readonly bodyStart: number;
  private readonly rvuTable: Table;
  private readonly gpciTable: Table;
  private readonly zipTable: Table;
  private readonly localityCountyTable: Table;
  private readonly oppsCapTable: Table;
  private readonly anesthesiaCfTable: Table;
  /** Absent in an index built without them. */
  private readonly stateTable: Table | undefined;
  private readonly clfsTable: Table | undefined;
  private readonly stateAnesthesiaTable: Table | undefined;
  private readonly dmeposTable: Table | undefined;
  private readonly dmeRuralTable: Table | undefined;
  private readonly nadacTable: Table | undefined;
  private readonly mueTable: Table | undefined;
  private readonly ptpDirectory: Table | undefined;
  private readonly ptpPairs: Table | undefined;
  private readonly ptpDates: Table | undefined;
  private readonly ptpRationales: Table | undefined;
  private readonly ippsDrgTable: Table | undefined;
  private readonly ippsRatesTable: Table | undefined;
  private readonly ippsWageIndexTable: Table | undefined;
  private readonly stateDrgTable: Table | undefined;
  private readonly stateFacilityTable: Table | undefined;
  private readonly ippsAreasCache = new Map<number, readonly IppsWageIndexEntry[]>();
  // ASC (issue 16)
  private readonly ascAaTable: Table | undefined;
  private readonly ascBbTable: Table | undefined;
  private readonly ascEeTable: Table | undefined;
  private readonly ascFfTable: Table | undefined;
  private readonly ascWageIndexTable: Table | undefined;
  private readonly strings: DataView;
  private readonly stringCache = new Map<number, string>();
  /** Day numbers of dates seen, so a lookup does not parse the same date twice. */
  private readonly dayCache = new Map<string, number>();
  private readonly editionsById = new Map<string, EditionInfo>();
  private readonly gpciCache = new Map<string, GpciEntry | null>();
  private readonly rvuCache = new Map<string, RvuEntry | null>();
  private readonly mueCache = new Map<string, MueEntry | null>();
  private readonly ptpRunCache = new Map<string, PtpRun | null>();
  private readonly ptpRationaleCache = new Map<number, string>();
  private registry: Jurisdiction[] | undefined;
  private registryById: Map<string, Jurisdiction> | undefined;
  private contractList: SuppliedContract[] | undefined;
  private readonly editionsByKind = new Map<
    DatasetKind,
    { edition: EditionInfo; from: number; to: number }[]
  >();

  private constructor(bytes: Uint8Array) {
    if (bytes.length < 16) throw new FeeIndexFormatError('the file is too short to be a fee index');
    const magic = new TextDecoder().decode(bytes.subarray(0, 8));
    if (magic !== MAGIC) throw new FeeIndexFormatError('the file is not a fee index (bad magic bytes)');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getUint32(8, true);
    if (version !== FORMAT_VERSION) {
      throw new FeeIndexFormatError(`fee index format ${version}; this reader reads ${FORMAT_VERSION}`);
    }
    const headerLength = view.getUint32(12, true);
    if (16 + headerLength > bytes.length)
      throw new FeeIndexFormatError('the header runs past the end of the file');
    this.header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as IndexHeader;
    this.bytes = bytes;
    this.byteLength = bytes.length;
    this.bodyStart = Math.ceil((16 + headerLength) / 8) * 8;
    const section = (name: string): SectionInfo => {
      const found = this.header.sections.find((s) => s.name === name);
      if (!found) throw new FeeIndexFormatError(`the index has no ${name} section`);
      if (this.bodyStart + found.offset + found.length > bytes.length) {
        throw new FeeIndexFormatError(`section ${name} runs past the end of the file (truncated?)`);
      }
      return found;
    };
    this.rvuTable = new Table(bytes, this.bodyStart, section(RVU_TABLE.name), TABLE_LAYOUTS.rvu);
    this.gpciTable = new Table(bytes, this.bodyStart, section(GPCI_TABLE.name), TABLE_LAYOUTS.gpci);
    this.zipTable = new Table(bytes, this.bodyStart, section(ZIP5_TABLE.name), TABLE_LAYOUTS.zip5);
    this.localityCountyTable = new Table(
      bytes,
      this.bodyStart,
      section(LOCALITY_COUNTY_TABLE.name),
      TABLE_LAYOUTS.localityCounty,
    );
    this.oppsCapTable = new Table(bytes, this.bodyStart, section(OPPS_CAP_TABLE.name), TABLE_LAYOUTS.oppsCap);
    this.anesthesiaCfTable = new Table(
      bytes,
      this.bodyStart,
      section(ANESTHESIA_CF_TABLE.name),
      TABLE_LAYOUTS.anesthesiaCf,
    );
    const stateSection = this.header.sections.find((x) => x.name === STATE_TABLE.name);
    this.stateTable = stateSection
      ? new Table(bytes, this.bodyStart, section(STATE_TABLE.name), TABLE_LAYOUTS.state)
      : undefined;
    this.clfsTable = this.optionalTable(CLFS_TABLE.name, TABLE_LAYOUTS.clfs);
    this.stateAnesthesiaTable = this.optionalTable(
      STATE_ANESTHESIA_TABLE.name,
      TABLE_LAYOUTS.stateAnesthesia,
    );
    this.dmeposTable = this.optionalTable(DMEPOS_TABLE.name, TABLE_LAYOUTS.dmepos);
    this.dmeRuralTable = this.optionalTable(DME_RURAL_ZIP_TABLE.name, TABLE_LAYOUTS.dmeRural);
    this.nadacTable = this.optionalTable(NADAC_TABLE.name, TABLE_LAYOUTS.nadac);
    this.mueTable = this.optionalTable(MUE_TABLE.name, TABLE_LAYOUTS.mue);
    this.ptpDirectory = this.optionalTable(PTP_DIRECTORY_TABLE.name, TABLE_LAYOUTS.ptpDirectory);
    this.ptpPairs = this.optionalTable(PTP_PAIRS_TABLE.name, TABLE_LAYOUTS.ptpPairs);
    this.ptpDates = this.optionalTable(PTP_DATES_TABLE.name, TABLE_LAYOUTS.ptpDates);
    this.ptpRationales = this.optionalTable(PTP_RATIONALES_TABLE.name, TABLE_LAYOUTS.ptpRationales);
    this.ippsDrgTable = this.optionalTable(IPPS_DRG_TABLE.name, TABLE_LAYOUTS.ippsDrg);
    this.ippsRatesTable = this.optionalTable(IPPS_RATES_TABLE.name, TABLE_LAYOUTS.ippsRates);
    this.ippsWageIndexTable = this.optionalTable(IPPS_WAGE_INDEX_TABLE.name, TABLE_LAYOUTS.ippsWageIndex);
    this.stateDrgTable = this.optionalTable(STATE_DRG_TABLE.name, TABLE_LAYOUTS.stateDrg);
    this.stateFacilityTable = this.optionalTable(STATE_FACILITY_TABLE.name, TABLE_LAYOUTS.stateFacility);
    // ASC (issue 16)
    this.ascAaTable = this.optionalTable(ASC_AA_TABLE.name, TABLE_LAYOUTS.ascAa);
    this.ascBbTable = this.optionalTable(ASC_BB_TABLE.name, TABLE_LAYOUTS.ascBb);
    this.ascEeTable = this.optionalTable(ASC_EE_TABLE.name, TABLE_LAYOUTS.ascEe);
    this.ascFfTable = this.optionalTable(ASC_FF_TABLE.name, TABLE_LAYOUTS.ascFf);
    this.ascWageIndexTable = this.optionalTable(ASC_WAGE_INDEX_TABLE.name, TABLE_LAYOUTS.ascWageIndex);
    const { offset, length } = this.header.strings;
    if (this.bodyStart + offset + length > bytes.length) {
      throw new FeeIndexFormatError('the string table runs past the end of the file (truncated?)');
    }
    this.strings = new DataView(bytes.buffer, bytes.byteOffset + this.bodyStart + offset, length);
    for (const edition of this.header.editions) {
      this.editionsById.set(edition.id, edition);
      const list = this.editionsByKind.get(edition.dataset) ?? [];
      list.push({
        edition,
        from: dayNumber(edition.effective),
        to: edition.termination === null ? Number.POSITIVE_INFINITY : dayNumber(edition.termination),
      });
      this.editionsByKind.set(edition.dataset, list);
    }
  }

  /**
   * Opens an index held in memory (one file read; nothing else is parsed).
   *
   * @param bytes - the whole index file
   * @returns the index
   */
  static fromBytes(bytes: Uint8Array): FeeIndex {
    return new FeeIndex(bytes);
  }

  // OPPS (hospital outpatient): facility-opps-reader.ts ---------------------------------------
  private oppsTables: OppsTables | null | undefined;

  /**
   * The OPPS lookups (Addendum B, APC rates, wage index, out-migration, Addendum J), opened on
   * first use; undefined in an index built without OPPS data.
   *
   * @returns the lookups, or undefined
   */
  opps(): OppsTables | undefined {
    if (this.oppsTables === undefined) {
      const has = this.header.sections.some((s) => s.name === 'opps-addendum-b');
      this.oppsTables = has
        ? new OppsTables({
            table: (name, layout) => {
              const info = this.header.sections.find((x) => x.name === name);
              if (!info) return undefined;
              if (this.bodyStart + info.offset + info.length > this.bytes.length) {
                throw new FeeIndexFormatError(`section ${name} runs past the end of the file (truncated?)`);
              }
              return new Table(this.bytes, this.bodyStart, info, layout);
            },
            string: (id) => this.string(id),
            edition: (index) => this.edition(index),
          })
        : null;
    }
    return this.oppsTables ?? undefined;
  }
  // ---------------------------------------------------------------------------------------------

  /** The bytes after the header, for checksum verification. */
  body(): Uint8Array {
    return this.bytes.subarray(this.bodyStart);
  }

  /** An edition by its id ("pfs-rvu/2025"). */
  editionById(id: string): EditionInfo | undefined {
    return this.editionsById.get(id);
  }

  /** All editions of one data set, oldest first. */
  editions(kind: DatasetKind): readonly EditionInfo[] {
    return (this.editionsByKind.get(kind) ?? []).map((e) => e.edition);
  }

  /**
   * The edition of a data set in force on a date: the one whose effective–termination range holds
   * it. A date after the last edition's year, while that edition has no termination, is priced on
   * it and flagged `pastLatest`.
   *
   * @param kind - data set
   * @param date - YYYY-MM-DD
   * @returns the edition, or undefined when none covers the date
   */
  editionFor(kind: DatasetKind, date: string): EditionChoice | undefined {
    let day = this.dayCache.get(date);
    if (day === undefined) {
      day = dayNumber(date);
      if (this.dayCache.size > 10_000) this.dayCache.clear();
      this.dayCache.set(date, day);
    }
    for (const e of this.editionsByKind.get(kind) ?? []) {
      if (day >= e.from && day <= e.to) {
        const pastLatest = e.edition.termination === null && Number(date.slice(0, 4)) > e.edition.year;
        return { edition: e.edition, pastLatest };
      }
    }
    return undefined;
  }

  private string(id: number): string {
    let value = this.stringCache.get(id);
    if (value === undefined) {
      const start = this.strings.getUint32(4 * id, true);
      const end = this.strings.getUint32(4 * id + 4, true);
      value = new TextDecoder().decode(
        new Uint8Array(this.strings.buffer, this.strings.byteOffset + start, end - start),
      );
      this.stringCache.set(id, value);
    }
    return value;
  }

  private edition(index: number): EditionInfo {
    const edition = this.header.editions[index];
    if (!edition)
      throw new FeeIndexFormatError(`a record names edition ${index}, which the header does not have`);
    return edition;
  }

  /**
   * Relative values of a code + modifier in one edition.
   *
   * @param code - HCPCS code
   * @param modifier - '' for the global service, or '26', 'TC', '53'
   * @param edition - from {@link editionFor}
   * @returns the entry, or undefined when the edition has no row for it
   */
  rvu(code: string, modifier: string, edition: EditionInfo): RvuEntry | undefined {
    // Bills repeat a small set of codes (office visits, therapy): keep the entries read, bounded.
    const cacheKey = `${code}|${modifier}|${edition.index}`;
    const cached = this.rvuCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.readRvu(code, modifier, edition);
    if (this.rvuCache.size >= 50_000) this.rvuCache.clear();
    this.rvuCache.set(cacheKey, entry ?? null);
    return entry;
  }

  private readRvu(code: string, modifier: string, edition: EditionInfo): RvuEntry | undefined {
    const codeKey = encodeCode(code, 5);
    const modKey = encodeCode(modifier, 2);
    if (codeKey < 0 || modKey < 0) return undefined;
    const t = this.rvuTable;
    const cmp = (at: number) =>
      t.u32(at, R.code) - codeKey || t.u16(at, R.modifier) - modKey || t.u16(at, R.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    const naFlags = t.u8(at, R.naFlags);
    const endo = t.u32(at, R.endoscopicBase);
    return Object.freeze({
      code,
      modifier,
      edition,
      status: t.char(at, R.status),
      workRvu: t.i32(at, R.workRvu),
      nonFacilityPeRvu: t.i32(at, R.nonFacilityPeRvu),
      facilityPeRvu: t.i32(at, R.facilityPeRvu),
      mpRvu: t.i32(at, R.mpRvu),
      nonFacilityNa: (naFlags & 1) !== 0,
      facilityNa: (naFlags & 2) !== 0,
      oppsNonFacilityPe: t.i32(at, R.oppsNonFacilityPe),
      oppsFacilityPe: t.i32(at, R.oppsFacilityPe),
      oppsMp: t.i32(at, R.oppsMp),
      conversionFactor: t.u32(at, R.conversionFactor),
      pctcIndicator: t.char(at, R.pctcIndicator),
      globalDays: GLOBAL_DAYS_TEXT[t.char(at, R.globalDays)] ?? '',
      preOp: t.u8(at, R.preOp),
      intraOp: t.u8(at, R.intraOp),
      postOp: t.u8(at, R.postOp),
      multipleProcedure: t.char(at, R.multipleProcedure),
      bilateralSurgery: t.char(at, R.bilateralSurgery),
      assistantSurgery: t.char(at, R.assistantSurgery),
      coSurgeons: t.char(at, R.coSurgeons),
      teamSurgery: t.char(at, R.teamSurgery),
      endoscopicBase: endo === 0 ? '' : decodeCode(endo, 5),
      imagingFamily: t.char2(at, R.imagingFamily),
      line: t.u32(at, R.line),
    });
  }

  /**
   * The editions of the RVU file that hold a code (any modifier), oldest first; empty for a code
   * we have never seen.
   */
  rvuEditionsOf(code: string): EditionInfo[] {
    const codeKey = encodeCode(code, 5);
    if (codeKey < 0) return [];
    const t = this.rvuTable;
    const found = new Set<number>();
    for (let i = t.lowerBound((at) => t.u32(at, R.code) - codeKey); i < t.count; i++) {
      const at = i * t.size;
      if (t.u32(at, R.code) !== codeKey) break;
      found.add(t.u16(at, R.edition));
    }
    return [...found].sort((a, b) => a - b).map((e) => this.edition(e));
  }

  /** Whether any edition of the RVU file holds the code. */
  hasCode(code: string): boolean {
    const codeKey = encodeCode(code, 5);
    if (codeKey < 0) return false;
    const t = this.rvuTable;
    return t.find((at) => t.u32(at, R.code) - codeKey) >= 0;
  }

  /** GPCIs of a carrier + locality in one edition. */
  gpci(carrier: string, locality: string, edition: EditionInfo): GpciEntry | undefined {
    // There are ~110 localities an edition: every bill line asks for one, so keep them.
    const cacheKey = `${carrier}-${locality}-${edition.index}`;
    const cached = this.gpciCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.readGpci(carrier, locality, edition);
    if (this.gpciCache.size < 10_000) this.gpciCache.set(cacheKey, entry ?? null);
    return entry;
  }

  private readGpci(carrier: string, locality: string, edition: EditionInfo): GpciEntry | undefined {
    const c = Number(carrier);
    const l = Number(locality);
    const t = this.gpciTable;
    const cmp = (at: number) =>
      t.u32(at, G.carrier) - c || t.u8(at, G.locality) - l || t.u16(at, G.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return Object.freeze({
      carrier: String(c).padStart(5, '0'),
      locality: String(l).padStart(2, '0'),
      state: t.char2(at, G.state),
      name: this.string(t.u32(at, G.name)),
      edition,
      workGpci: t.u32(at, G.workGpci),
      peGpci: t.u32(at, G.peGpci),
      mpGpci: t.u32(at, G.mpGpci),
      line: t.u32(at, G.line),
    });
  }

  /** Every carrier + locality of a GPCI edition, in file key order. */
  localities(edition: EditionInfo): GpciEntry[] {
    const t = this.gpciTable;
    const out: GpciEntry[] = [];
    for (let i = 0; i < t.count; i++) {
      const at = i * t.size;
      if (t.u16(at, G.edition) !== edition.index) continue;
      const entry = this.gpci(String(t.u32(at, G.carrier)), String(t.u8(at, G.locality)), edition);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Carrier + locality of a five-digit ZIP code in one edition of the ZIP5 file. */
  zip(zip: string, edition: EditionInfo): ZipEntry | undefined {
    const z = Number(zip);
    if (!/^\d{5}$/.test(zip)) return undefined;
    const t = this.zipTable;
    const cmp = (at: number) => t.u32(at, Z.zip) - z || t.u16(at, Z.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return {
      zip,
      carrier: String(t.u32(at, Z.carrier)).padStart(5, '0'),
      locality: String(t.u8(at, Z.locality)).padStart(2, '0'),
      state: t.char2(at, Z.state),
      ruralIndicator: t.char(at, Z.ruralIndicator),
      plusFour: t.char(at, Z.plusFourFlag) === '1',
      edition,
      line: t.u32(at, Z.line),
    };
  }

  /** The counties of a locality. */
  localityCounties(carrier: string, locality: string, edition: EditionInfo): LocalityCountyEntry | undefined {
    const c = Number(carrier);
    const l = Number(locality);
    const t = this.localityCountyTable;
    const cmp = (at: number) =>
      t.u32(at, L.carrier) - c || t.u8(at, L.locality) - l || t.u16(at, L.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return {
      carrier: String(c).padStart(5, '0'),
      locality: String(l).padStart(2, '0'),
      state: this.string(t.u32(at, L.state)),
      feeScheduleArea: this.string(t.u32(at, L.feeScheduleArea)),
      counties: this.string(t.u32(at, L.counties)),
      edition,
      line: t.u32(at, L.line),
    };
  }

  /** The OPPS-capped price row of a code + modifier at a carrier + locality, if the cap file has one. */
  oppsCap(
    code: string,
    modifier: string,
    edition: EditionInfo,
    carrier: string,
    locality: string,
  ): OppsCapEntry | undefined {
    const codeKey = encodeCode(code, 5);
    const modKey = encodeCode(modifier, 2);
    if (codeKey < 0 || modKey < 0) return undefined;
    const c = Number(carrier);
    const l = Number(locality);
    const t = this.oppsCapTable;
    const cmp = (at: number) =>
      t.u32(at, O.code) - codeKey ||
      t.u16(at, O.modifier) - modKey ||
      t.u16(at, O.edition) - edition.index ||
      t.u32(at, O.carrier) - c ||
      t.u8(at, O.locality) - l;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return {
      procedureStatus: t.char(at, O.procedureStatus),
      facilityPrice: t.u32(at, O.facilityPrice),
      nonFacilityPrice: t.u32(at, O.nonFacilityPrice),
      edition,
      line: t.u32(at, O.line),
    };
  }

  /** The locality-adjusted anesthesia conversion factor. */
  anesthesiaCf(carrier: string, locality: string, edition: EditionInfo): AnesthesiaCfEntry | undefined {
    const c = Number(carrier);
    const l = Number(locality);
    const t = this.anesthesiaCfTable;
    const cmp = (at: number) =>
      t.u32(at, A.carrier) - c || t.u8(at, A.locality) - l || t.u16(at, A.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return { conversionFactor: t.u32(at, A.conversionFactor), edition, line: t.u32(at, A.line) };
  }

  /** The data release this index is (issue 20), from the header; undefined for an older index. */
  release(): DataRelease | undefined {
    return this.header.release;
  }

  /**
   * The contracts the customers supplied (issue 20), every tenant's: the engine applies a bill's
   * tenant's only. Parsed on first use; empty when the index holds none.
   */
  contracts(): readonly SuppliedContract[] {
    if (this.contractList === undefined) {
      const section = this.header.sections.find((s) => s.name === CONTRACTS_SECTION);
      this.contractList = section
        ? (JSON.parse(
            new TextDecoder().decode(
              this.bytes.subarray(
                this.bodyStart + section.offset,
                this.bodyStart + section.offset + section.length,
              ),
            ),
          ) as SuppliedContract[])
        : [];
    }
    return this.contractList;
  }

  /** The jurisdiction registry the index was built with (parsed on first use). */
  jurisdictions(): readonly Jurisdiction[] {
    if (this.registry === undefined) {
      const section = this.header.sections.find((s) => s.name === JURISDICTIONS_SECTION);
      this.registry = section
        ? (JSON.parse(
            new TextDecoder().decode(
              this.bytes.subarray(
                this.bodyStart + section.offset,
                this.bodyStart + section.offset + section.length,
              ),
            ),
          ) as Jurisdiction[])
        : [];
      this.registryById = new Map(this.registry.map((j) => [j.id, j]));
    }
    return this.registry;
  }

  /** One jurisdiction by id ("AZ", "US-MEDICARE"), case-insensitive. */
  jurisdiction(id: string): Jurisdiction | undefined {
    this.jurisdictions();
    return this.registryById?.get(id.trim().toUpperCase());
  }

  /**
   * The rows of a state table edition for a code + modifier (several for Alabama's qualifiers).
   *
   * @param edition - a state-table edition
   * @param code - HCPCS code
   * @param modifier - '' or a modifier
   * @returns the rows, in file order
   */
  stateRows(edition: EditionInfo, code: string, modifier: string): StateTableEntry[] {
    const codeKey = encodeCode(code, 5);
    const modKey = encodeCode(modifier, 2);
    if (codeKey < 0 || modKey < 0 || !this.stateTable) return [];
    const t = this.stateTable;
    const cmp = (at: number) =>
      t.u16(at, S.edition) - edition.index || t.u32(at, S.code) - codeKey || t.u16(at, S.modifier) - modKey;
    const rows: StateTableEntry[] = [];
    const amount = (at: number, offset: number) => {
      const v = t.i32(at, offset);
      return v < 0 ? null : v;
    };
    for (let i = t.lowerBound(cmp); i < t.count; i++) {
      const at = i * t.size;
      if (cmp(at) !== 0) break;
      rows.push({
        code,
        modifier,
        qualifier: this.string(t.u32(at, S.qualifier)),
        status: STATE_ROW_STATUSES[t.u8(at, S.status)] ?? 'no-amount',
        basis: STATE_ROW_BASES[t.u8(at, S.basis)] ?? 'none',
        nonFacility: amount(at, S.nonFacility),
        facility: amount(at, S.facility),
        nonRural: amount(at, S.nonRural),
        rural: amount(at, S.rural),
        category: this.string(t.u32(at, S.category)),
        reference: this.string(t.u32(at, S.reference)),
        file: this.string(t.u32(at, S.file)),
        line: t.u32(at, S.line),
        pctc: t.char(at, S.pctc),
        edition,
      });
    }
    return rows;
  }

  /** A state's anesthesia base units for a code (state-anesthesia edition). */
  stateAnesthesia(
    edition: EditionInfo,
    code: string,
  ):
    | { baseUnits: number | null; status: string; file: string; line: number; edition: EditionInfo }
    | undefined {
    const t = this.stateAnesthesiaTable;
    const codeKey = encodeCode(code, 5);
    if (!t || codeKey < 0) return undefined;
    const cmp = (at: number) => t.u16(at, SA.edition) - edition.index || t.u32(at, SA.code) - codeKey;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    const base = t.i32(at, SA.baseUnits);
    return {
      baseUnits: base < 0 ? null : base,
      status: STATE_ROW_STATUSES[t.u8(at, SA.status)] ?? 'no-amount',
      file: this.string(t.u32(at, SA.file)),
      line: t.u32(at, SA.line),
      edition,
    };
  }

  /** Whether a state table edition lists a code under any modifier. */
  stateHasCode(edition: EditionInfo, code: string): boolean {
    const codeKey = encodeCode(code, 5);
    if (codeKey < 0 || !this.stateTable) return false;
    const t = this.stateTable;
    return t.find((at) => t.u16(at, S.edition) - edition.index || t.u32(at, S.code) - codeKey) >= 0;
  }

  /**
   * The first codes a state table edition lists, in code order (the release checks try a supplied
   * table on its own codes, whatever they are).
   *
   * @param edition - a state-table edition
   * @param limit - at most this many distinct codes
   * @returns the codes
   */
  stateCodes(edition: EditionInfo, limit: number): string[] {
    const t = this.stateTable;
    if (!t) return [];
    const codes: string[] = [];
    for (let i = t.lowerBound((at) => t.u16(at, S.edition) - edition.index); i < t.count; i++) {
      const at = i * t.size;
      if (t.u16(at, S.edition) !== edition.index || codes.length >= limit) break;
      const code = decodeCode(t.u32(at, S.code), 5);
      if (codes[codes.length - 1] !== code) codes.push(code);
    }
    return codes;
  }

  private optionalTable(name: string, table: TableLayout): Table | undefined {
    const found = this.header.sections.find((x) => x.name === name);
    return found ? new Table(this.bytes, this.bodyStart, found, table) : undefined;
  }

  /** The clinical lab fee schedule rate of a code + modifier in an edition. */
  clfs(code: string, modifier: string, edition: EditionInfo): ClfsEntry | undefined {
    const t = this.clfsTable;
    const codeKey = encodeCode(code, 5);
    const modKey = encodeCode(modifier, 2);
    if (!t || codeKey < 0 || modKey < 0) return undefined;
    const cmp = (at: number) =>
      t.u32(at, C.code) - codeKey || t.u16(at, C.modifier) - modKey || t.u16(at, C.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return { rate: t.u32(at, C.rate), indicator: t.char(at, C.indicator), edition, line: t.u32(at, C.line) };
  }

  /** The DMEPOS fee of a code + modifiers in a state and edition. */
  dmepos(
    code: string,
    modifier: string,
    modifier2: string,
    state: string,
    edition: EditionInfo,
  ): DmeposEntry | undefined {
    const t = this.dmeposTable;
    const codeKey = encodeCode(code, 5);
    const modKey = encodeCode(modifier, 2);
    const mod2Key = encodeCode(modifier2, 2);
    if (!t || codeKey < 0 || modKey < 0 || mod2Key < 0 || state.length !== 2) return undefined;
    const stateKey = state.charCodeAt(0) | (state.charCodeAt(1) << 8);
    const cmp = (at: number) =>
      t.u32(at, D.code) - codeKey ||
      t.u16(at, D.modifier) - modKey ||
      t.u16(at, D.modifier2) - mod2Key ||
      t.u16(at, D.state) - stateKey ||
      t.u16(at, D.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    const amount = (offset: number) => {
      const v = t.i32(at, offset);
      return v < 0 ? null : v;
    };
    return { nonRural: amount(D.nonRural), rural: amount(D.rural), edition, line: t.u32(at, D.line) };
  }

  /** The modifiers (first, second) a DMEPOS code has rows for in an edition and state. */
  dmeposModifiers(code: string, state: string, edition: EditionInfo): [string, string][] {
    const t = this.dmeposTable;
    const codeKey = encodeCode(code, 5);
    if (!t || codeKey < 0) return [];
    const stateKey = state.charCodeAt(0) | (state.charCodeAt(1) << 8);
    const out: [string, string][] = [];
    for (let i = t.lowerBound((at) => t.u32(at, D.code) - codeKey); i < t.count; i++) {
      const at = i * t.size;
      if (t.u32(at, D.code) !== codeKey) break;
      if (t.u16(at, D.state) === stateKey && t.u16(at, D.edition) === edition.index) {
        out.push([decodeCode(t.u16(at, D.modifier), 2), decodeCode(t.u16(at, D.modifier2), 2)]);
      }
    }
    return out;
  }

  /** Whether a ZIP is on the DMEPOS rural ZIP list of an edition (the line of the list when it is). */
  dmeRuralZip(zip: string, edition: EditionInfo): number | undefined {
    const t = this.dmeRuralTable;
    if (!t || !/^\d{5}$/.test(zip)) return undefined;
    const z = Number(zip);
    const cmp = (at: number) => t.u32(at, DR.zip) - z || t.u16(at, DR.edition) - edition.index;
    const at = t.find(cmp);
    return at < 0 ? undefined : t.u32(at, DR.line);
  }

  /** The NADAC cost of an 11-digit NDC in an edition (week). */
  nadac(ndc: string, edition: EditionInfo): NadacEntry | undefined {
    const t = this.nadacTable;
    if (!t || !/^\d{11}$/.test(ndc)) return undefined;
    const high = Number(ndc.slice(0, 5));
    const low = Number(ndc.slice(5));
    const cmp = (at: number) =>
      t.u32(at, N.ndcHigh) - high || t.u32(at, N.ndcLow) - low || t.u16(at, N.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return {
      perUnit: t.u32(at, N.perUnit),
      pricingUnit: t.char2(at, N.pricingUnit),
      effective: this.string(t.u32(at, N.effective)),
      edition,
      line: t.u32(at, N.line),
    };
  }

  /**
   * The editions of the clinical lab fee schedule and the DMEPOS schedule that list a code (any
   * modifier, any state), oldest first: what a code priced on those schedules is dated by when a
   * fee question names no date. Empty for a code neither lists.
   *
   * @param code - five-character HCPCS code
   * @returns the editions, oldest first
   */
  labOrDmeEditionsOf(code: string): EditionInfo[] {
    const codeKey = encodeCode(code, 5);
    if (codeKey < 0) return [];
    const found = new Set<number>();
    for (const [t, codeAt, editionAt] of [
      [this.clfsTable, C.code, C.edition],
      [this.dmeposTable, D.code, D.edition],
    ] as const) {
      if (!t) continue;
      for (let i = t.lowerBound((at) => t.u32(at, codeAt) - codeKey); i < t.count; i++) {
        const at = i * t.size;
        if (t.u32(at, codeAt) !== codeKey) break;
        found.add(t.u16(at, editionAt));
      }
    }
    return [...found].sort((a, b) => a - b).map((e) => this.edition(e));
  }

  /** Whether any edition of the lab fee schedule or the DMEPOS schedule lists a code. */
  hasLabOrDmeCode(code: string): boolean {
    const codeKey = encodeCode(code, 5);
    if (codeKey < 0) return false;
    for (const [t, offset] of [
      [this.clfsTable, C.code],
      [this.dmeposTable, D.code],
    ] as const) {
      if (!t) continue;
      if (t.find((at) => t.u32(at, offset) - codeKey) >= 0) return true;
    }
    return false;
  }

  /**
   * The run of PTP edits whose column 1 is a code, in one edition: found once per line, then
   * searched for each other line's code with {@link ptpEditIn}. Undefined when the code is column 1
   * of no edit (most codes on most bills), so a bill's pairs cost one search per line.
   *
   * @param edition - an ncci-ptp edition
   * @param column1 - the column 1 code
   * @returns the run, or undefined
   */
  ptpRun(edition: EditionInfo, column1: string): PtpRun | undefined {
    const dir = this.ptpDirectory;
    if (!dir || !this.ptpPairs) return undefined;
    const cacheKey = `${column1}|${edition.index}`;
    const cached = this.ptpRunCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const key1 = encodeCode(column1, 5);
    let run: PtpRun | undefined;
    if (key1 >= 0) {
      const at = dir.find((x) => dir.u16(x, PD.edition) - edition.index || dir.u32(x, PD.column1) - key1);
      if (at >= 0) run = { edition, column1, first: dir.u32(at, PD.first), count: dir.u32(at, PD.count) };
    }
    if (this.ptpRunCache.size >= 50_000) this.ptpRunCache.clear();
    this.ptpRunCache.set(cacheKey, run ?? null);
    return run;
  }

  /**
   * The edit of a column 2 code within a column 1 code's run.
   *
   * @param run - from {@link ptpRun}
   * @param column2 - the column 2 code
   * @returns the edit, or undefined when the pair is not an edit
   */
  ptpEditIn(run: PtpRun, column2: string): PtpEdit | undefined {
    const pairs = this.ptpPairs;
    const key2 = encodeCode(column2, 5);
    if (!pairs || key2 < 0) return undefined;
    let lo = run.first;
    let hi = run.first + run.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pairs.u32(mid * pairs.size, PP.column2) < key2) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= run.first + run.count || pairs.u32(lo * pairs.size, PP.column2) !== key2) return undefined;
    const at = lo * pairs.size;
    let effective: string | null = null;
    let deletion: string | null = null;
    const dates = this.ptpDates;
    if (dates) {
      const i = dates.lowerBound((x) => dates.u32(x, PT.pair) - lo);
      if (i < dates.count && dates.u32(i * dates.size, PT.pair) === lo) {
        effective = dateOfDay(dates.i32(i * dates.size, PT.effectiveDay));
        const del = dates.i32(i * dates.size, PT.deletionDay);
        deletion = del < 0 ? null : dateOfDay(del);
      }
    }
    return {
      column1: run.column1,
      column2,
      modifierIndicator: pairs.u8(at, PP.modifierIndicator),
      rationale: this.ptpRationale(run.edition, pairs.u16(at, PP.rationale)),
      inExistencePrior1996: (pairs.u8(at, PP.flags) & 1) === 1,
      effective,
      deletion,
      edition: run.edition,
    };
  }

  /**
   * The NCCI PTP edit of a column 1 / column 2 pair in one edition, if there is one.
   *
   * @param edition - an ncci-ptp edition
   * @param column1 - the column 1 code
   * @param column2 - the column 2 code
   * @returns the edit, or undefined
   */
  ptpEdit(edition: EditionInfo, column1: string, column2: string): PtpEdit | undefined {
    const run = this.ptpRun(edition, column1);
    return run ? this.ptpEditIn(run, column2) : undefined;
  }

  private ptpRationale(edition: EditionInfo, index: number): string {
    // A handful of rationales per edition: read each once.
    const cacheKey = edition.index * 65_536 + index;
    const cached = this.ptpRationaleCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const t = this.ptpRationales;
    if (!t) return '';
    const i = t.lowerBound((at) => t.u16(at, PR.edition) - edition.index || t.u16(at, PR.index) - index);
    const text = i < t.count ? this.string(t.u32(i * t.size, PR.text)) : '';
    this.ptpRationaleCache.set(cacheKey, text);
    return text;
  }

  /** The MUE of a code in an edition. */
  mue(code: string, edition: EditionInfo): MueEntry | undefined {
    const cacheKey = `${code}|${edition.index}`;
    const cached = this.mueCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.readMue(code, edition);
    if (this.mueCache.size >= 50_000) this.mueCache.clear();
    this.mueCache.set(cacheKey, entry ?? null);
    return entry;
  }

  private readMue(code: string, edition: EditionInfo): MueEntry | undefined {
    const t = this.mueTable;
    const codeKey = encodeCode(code, 5);
    if (!t || codeKey < 0) return undefined;
    const cmp = (at: number) => t.u32(at, M.code) - codeKey || t.u16(at, M.edition) - edition.index;
    const at = t.find(cmp);
    if (at < 0) return undefined;
    return {
      mueValue: t.u32(at, M.mueValue),
      mai: t.char(at, M.mai),
      rationale: this.string(t.u32(at, M.rationale)),
      edition,
      line: t.u32(at, M.line),
    };
  }

  // -------------------------------------------------------------------------------------------
  // ASC (issue 16)

  /**
   * The row of ASC Addendum AA or BB for a code in an edition of that addendum.
   *
   * @param addendum - 'AA' (covered surgical procedures) or 'BB' (covered ancillary services)
   * @param code - HCPCS code
   * @param edition - an asc-aa or asc-bb edition (from {@link editionFor})
   * @returns the row, or undefined when the addendum does not list the code
   */
  ascRate(addendum: 'AA' | 'BB', code: string, edition: EditionInfo): AscRateEntry | undefined {
    const t = addendum === 'AA' ? this.ascAaTable : this.ascBbTable;
    const codeKey = encodeCode(code, 5);
    if (!t || codeKey < 0) return undefined;
    const at = t.find((x) => t.u32(x, ASC_R.code) - codeKey || t.u16(x, ASC_R.edition) - edition.index);
    if (at < 0) return undefined;
    const weight = t.i32(at, ASC_R.weight);
    const rate = t.i32(at, ASC_R.rate);
    return {
      addendum,
      code,
      indicator: t.char2(at, ASC_R.indicator),
      multipleProcedure: t.char(at, ASC_R.multipleProcedure),
      weight: weight < 0 ? null : weight,
      rate: rate < 0 ? null : rate,
      marker: t.u8(at, ASC_R.marker),
      edition,
      line: t.u32(at, ASC_R.line),
    };
  }

  /** The physical line of a code on ASC Addendum EE (excluded from ASC payment) in an edition, if listed. */
  ascExcluded(code: string, edition: EditionInfo): number | undefined {
    const t = this.ascEeTable;
    const codeKey = encodeCode(code, 5);
    if (!t || codeKey < 0) return undefined;
    const at = t.find((x) => t.u32(x, ASC_E.code) - codeKey || t.u16(x, ASC_E.edition) - edition.index);
    return at < 0 ? undefined : t.u32(at, ASC_E.line);
  }

  /** The ASC Addendum FF row (device offset) of a code in an edition. */
  ascDevice(code: string, edition: EditionInfo): AscDeviceEntry | undefined {
    const t = this.ascFfTable;
    const codeKey = encodeCode(code, 5);
    if (!t || codeKey < 0) return undefined;
    const at = t.find((x) => t.u32(x, ASC_F.code) - codeKey || t.u16(x, ASC_F.edition) - edition.index);
    if (at < 0) return undefined;
    const amount = (offset: number) => {
      const v = t.i32(at, offset);
      return v < 0 ? null : v;
    };
    const apc = t.u32(at, ASC_F.apc);
    return {
      indicator: t.char2(at, ASC_F.indicator),
      apc: apc === 0 ? undefined : String(apc).padStart(4, '0'),
      apcOffsetPercent: amount(ASC_F.apcOffsetPercent),
      oppsRate: amount(ASC_F.oppsRate),
      offsetPercent: amount(ASC_F.offsetPercent),
      devicePortion: amount(ASC_F.devicePortion),
      edition,
      line: t.u32(at, ASC_F.line),
    };
  }

  /**
   * Every row of an area in an ASC wage index edition: one, or more where the file lists the area
   * more than once (CY2025 has 27 such areas, with different values).
   *
   * @param cbsa - five digits, or two for a state's rural area
   * @param edition - an asc-wage-index edition
   * @returns the rows, in file order (empty when the area is not listed)
   */
  ascWageIndex(cbsa: string, edition: EditionInfo): AscWageIndexEntry[] {
    const t = this.ascWageIndexTable;
    if (!t || !/^(\d{2}|\d{5})$/.test(cbsa)) return [];
    const key = Number(cbsa);
    const cmp = (x: number) => t.u32(x, ASC_W.cbsa) - key || t.u16(x, ASC_W.edition) - edition.index;
    const out: AscWageIndexEntry[] = [];
    for (let i = t.lowerBound(cmp); i < t.count; i++) {
      const at = i * t.size;
      if (cmp(at) !== 0) break;
      out.push({
        cbsa,
        name: this.string(t.u32(at, ASC_W.name)),
        wageIndex: t.i32(at, ASC_W.wageIndex) < 0 ? null : t.i32(at, ASC_W.wageIndex),
        edition,
        line: t.u32(at, ASC_W.line),
      });
    }
    return out;
  }

  /** Whether any ASC edition held lists a code on Addendum AA, BB or EE. */
  hasAscCode(code: string): boolean {
    const codeKey = encodeCode(code, 5);
    if (codeKey < 0) return false;
    for (const [t, offset] of [
      [this.ascAaTable, ASC_R.code],
      [this.ascBbTable, ASC_R.code],
      [this.ascEeTable, ASC_E.code],
    ] as const) {
      if (t && t.find((x) => t.u32(x, offset) - codeKey) >= 0) return true;
    }
    return false;
  }

  /** Number of records per section, for reports. */
  // ---------------------------------------------------------------------------------------------
  // Inpatient (IPPS) and a state's facility tables (issue 16)

  /**
   * An MS-DRG of the IPPS table in one edition.
   *
   * @param drg - three digits ("470")
   * @param edition - an `ipps-drg` edition
   * @returns the entry, or undefined when the edition has no such MS-DRG
   */
  ippsDrg(drg: string, edition: EditionInfo): IppsDrgEntry | undefined {
    const t = this.ippsDrgTable;
    if (!t || !/^\d{3}$/.test(drg)) return undefined;
    const key = Number(drg);
    const at = t.find((a) => t.u16(a, IPD.drg) - key || t.u16(a, IPD.edition) - edition.index);
    if (at < 0) return undefined;
    const flags = t.u8(at, IPD.flags);
    return {
      drg,
      edition,
      weight: t.u32(at, IPD.weight),
      gmlos: t.u32(at, IPD.gmlos),
      amlos: t.u32(at, IPD.amlos),
      postAcute: (flags & IPPS_DRG_FLAGS.postAcute) !== 0,
      specialPay: (flags & IPPS_DRG_FLAGS.specialPay) !== 0,
      lowVolume: (flags & IPPS_DRG_FLAGS.lowVolume) !== 0,
      line: t.u32(at, IPD.line),
    };
  }

  /**
   * A national standardized amount of an IPPS rates edition (scope "nat", large urban "1").
   *
   * @param edition - an `ipps-rates` edition
   * @param table - 1 to 10 (the file's tab1 … tab10)
   * @returns labor and non-labor shares in cents, or undefined
   */
  ippsRate(edition: EditionInfo, table: number): IppsRateEntry | undefined {
    const t = this.ippsRatesTable;
    if (!t) return undefined;
    const at = t.find(
      (a) =>
        t.u16(a, IPR.edition) - edition.index ||
        t.u8(a, IPR.table) - table ||
        t.u8(a, IPR.scope) - 0 ||
        t.u8(a, IPR.largeUrban) - 1,
    );
    if (at < 0) return undefined;
    return {
      table,
      edition,
      labor: t.u32(at, IPR.labor),
      nonLabor: t.u32(at, IPR.nonLabor),
      line: t.u32(at, IPR.line),
    };
  }

  /**
   * The IPPS wage index of an area in one edition.
   *
   * @param area - five-digit CBSA or two-digit state rural area
   * @param edition - an `ipps-wage-index` edition
   */
  ippsWageIndex(area: string, edition: EditionInfo): IppsWageIndexEntry | undefined {
    const t = this.ippsWageIndexTable;
    if (!t || !/^(\d{2}|\d{5})$/.test(area)) return undefined;
    const key = Number(area);
    const at = t.find((a) => t.u32(a, IPW.area) - key || t.u16(a, IPW.edition) - edition.index);
    return at < 0 ? undefined : this.ippsWageIndexAt(at, edition);
  }

  private ippsWageIndexAt(at: number, edition: EditionInfo): IppsWageIndexEntry {
    const t = this.ippsWageIndexTable as Table;
    const n = t.u32(at, IPW.area);
    return {
      area: String(n).padStart(n < 100 ? 2 : 5, '0'),
      edition,
      geographic: t.u32(at, IPW.geographic),
      reclassified: t.u32(at, IPW.reclassified),
      imputedFloor: t.u32(at, IPW.imputedFloor),
      name: this.string(t.u32(at, IPW.name)),
      line: t.u32(at, IPW.line),
    };
  }

  /** The state rural areas (two-digit codes) of an IPPS wage index edition, read once. */
  ippsRuralAreas(edition: EditionInfo): readonly IppsWageIndexEntry[] {
    const cached = this.ippsAreasCache.get(edition.index);
    if (cached) return cached;
    const t = this.ippsWageIndexTable;
    const out: IppsWageIndexEntry[] = [];
    if (t) {
      for (let i = 0; i < t.count; i++) {
        const at = i * t.size;
        if (t.u32(at, IPW.area) >= 100) break;
        if (t.u16(at, IPW.edition) === edition.index) out.push(this.ippsWageIndexAt(at, edition));
      }
    }
    this.ippsAreasCache.set(edition.index, out);
    return out;
  }

  /** A state's inpatient MS-DRG amount in one edition of its `state-drg` table. */
  stateDrg(drg: string, edition: EditionInfo): StateDrgEntry | undefined {
    const t = this.stateDrgTable;
    if (!t || !/^\d{3}$/.test(drg)) return undefined;
    const key = Number(drg);
    const at = t.find((a) => t.u16(a, SDR.edition) - edition.index || t.u16(a, SDR.drg) - key);
    if (at < 0) return undefined;
    const amount = t.i32(at, SDR.amount);
    return {
      drg,
      edition,
      amount: amount < 0 ? null : amount,
      file: this.string(t.u32(at, SDR.file)),
      line: t.u32(at, SDR.line),
    };
  }

  /** A state's hospital outpatient / ASC row of a code + modifier in one edition of its `state-facility` table. */
  stateFacility(code: string, modifier: string, edition: EditionInfo): StateFacilityEntry | undefined {
    const t = this.stateFacilityTable;
    const codeKey = encodeCode(code, 5);
    const modKey = encodeCode(modifier, 2);
    if (!t || codeKey < 0 || modKey < 0) return undefined;
    const at = t.find(
      (a) =>
        t.u16(a, SFA.edition) - edition.index ||
        t.u32(a, SFA.code) - codeKey ||
        t.u16(a, SFA.modifier) - modKey,
    );
    if (at < 0) return undefined;
    const op = t.i32(at, SFA.outpatientMar);
    const asc = t.i32(at, SFA.ascMar);
    return {
      code,
      modifier,
      edition,
      outpatientMar: op < 0 ? null : op,
      ascMar: asc < 0 ? null : asc,
      apc: this.string(t.u32(at, SFA.apc)),
      statusIndicator: this.string(t.u32(at, SFA.statusIndicator)),
      paymentIndicator: this.string(t.u32(at, SFA.paymentIndicator)),
      file: this.string(t.u32(at, SFA.file)),
      line: t.u32(at, SFA.line),
    };
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.header.sections.map((s) => [s.name, s.count]));
  }
}
