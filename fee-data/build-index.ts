import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Jurisdiction } from '../lambdas/domain/jurisdiction-schema.js';
import {
  CONTRACTS_SECTION,
  type SuppliedContract,
  type SuppliedProvenance,
} from '../lambdas/domain/supplied.js';
import {
  ASC_AA_TABLE,
  ASC_BB_TABLE,
  ASC_EE_TABLE,
  ASC_FF_TABLE,
  ASC_WAGE_INDEX_TABLE,
} from '../lambdas/fee-index/facility-asc.js';
import {
  IPPS_DRG_FLAGS,
  IPPS_DRG_TABLE,
  IPPS_RATE_SCOPES,
  IPPS_RATES_TABLE,
  IPPS_WAGE_INDEX_TABLE,
  STATE_DRG_TABLE,
  STATE_FACILITY_TABLE,
} from '../lambdas/fee-index/facility-ipps.js';
import type { DatasetKind, EditionInfo, IndexHeader, SectionInfo } from '../lambdas/fee-index/header.js';
import { dateOfDay, dayNumber } from '../lambdas/fee-index/header.js';
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
  type TableSchema,
  ZIP5_TABLE,
} from '../lambdas/fee-index/schema.js';
import { OPPS_TABLE_OF, oppsRows } from './build-index-opps.js';
import type { AnyImportedDataset } from './import/records.js';
import type { PtpDataset } from './import/records-national.js';

/** Raised when imported records cannot be encoded (a value out of range, an unknown character). */
export class IndexBuildError extends Error {
  override readonly name = 'IndexBuildError';
}

/** A record ready for encoding: field name → encoded-able value. */
type Row = Record<string, string | number>;

class StringTable {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

/**
 * Converts an exact decimal string to an integer scaled by 10^scale, refusing anything it would round.
 *
 * @param text - e.g. "1.30", "0.869", "32.3465", "" (read as zero)
 * @param scale - decimal places kept
 * @param where - what to name in an error
 * @returns the scaled integer
 */
export function scaleDecimal(text: string, scale: number, where: string): number {
  const value = text.trim() === '' ? '0' : text.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new IndexBuildError(`${where}: "${text}" is not a decimal number`);
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) {
    throw new IndexBuildError(`${where}: "${text}" has more than ${scale} decimals`);
  }
  const scaled = Number((match[2] ?? '0') + fraction.padEnd(scale, '0'));
  if (!Number.isSafeInteger(scaled) || scaled > 0x7fffffff) {
    throw new IndexBuildError(`${where}: "${text}" is out of range`);
  }
  return match[1] === '-' ? -scaled : scaled;
}

function asciiChar(text: string, where: string): number {
  if (text.length === 0) return 0;
  const code = text.charCodeAt(0);
  if (text.length > 1 || code < 0x20 || code > 0x7e)
    throw new IndexBuildError(`${where}: "${text}" is not one character`);
  return code;
}

function asciiChar2(text: string, where: string): number {
  if (text.length > 2) throw new IndexBuildError(`${where}: "${text}" is longer than two characters`);
  return asciiChar(text.charAt(0), where) | (asciiChar(text.charAt(1), where) << 8);
}

function encodeTable(table: TableLayout, rows: Row[], strings: StringTable): Uint8Array {
  const { schema, recordSize, offsets } = table;
  const bytes = new Uint8Array(rows.length * recordSize);
  const view = new DataView(bytes.buffer);
  rows.forEach((row, i) => {
    const base = i * recordSize;
    for (const field of schema.fields) {
      const at = base + (offsets[field.name] as number);
      const raw = row[field.name];
      const where = `${schema.name} record for ${JSON.stringify(row.code ?? row.zip ?? row.carrier)} field ${field.name}`;
      if (raw === undefined) throw new IndexBuildError(`${where}: missing`);
      const text = String(raw);
      switch (field.type) {
        case 'code': {
          const key = encodeCode(text, 5);
          if (key < 0) throw new IndexBuildError(`${where}: "${text}" is not a HCPCS code`);
          view.setUint32(at, key, true);
          break;
        }
        case 'mod': {
          const key = encodeCode(text, 2);
          if (key < 0) throw new IndexBuildError(`${where}: "${text}" is not a modifier`);
          view.setUint16(at, key, true);
          break;
        }
        case 'char':
          view.setUint8(at, asciiChar(text, where));
          break;
        case 'char2':
          view.setUint16(at, asciiChar2(text, where), true);
          break;
        case 'str':
          view.setUint32(at, strings.id(text), true);
          break;
        case 'u8':
        case 'u16':
        case 'u32':
        case 'i32': {
          const n = typeof raw === 'number' ? raw : scaleDecimal(text, field.scale ?? 0, where);
          const max = field.type === 'u8' ? 0xff : field.type === 'u16' ? 0xffff : 0xffffffff;
          const min = field.type === 'i32' ? -0x80000000 : 0;
          if (!Number.isInteger(n) || n < min || n > (field.type === 'i32' ? 0x7fffffff : max)) {
            throw new IndexBuildError(`${where}: ${text} does not fit ${field.type}`);
          }
          if (field.type === 'u8') view.setUint8(at, n);
          else if (field.type === 'u16') view.setUint16(at, n, true);
          else if (field.type === 'u32') view.setUint32(at, n, true);
          else view.setInt32(at, n, true);
          break;
        }
      }
    }
  });
  return bytes;
}

/**
 * Writes the NCCI PTP sections: a directory row per column 1 code of each edition pointing at its
 * run of 8-byte pairs (sorted by column 2), the dates of dated editions' pairs, and the rationales.
 */
function writePtpSections(
  ptp: readonly PtpDataset[],
  editions: readonly EditionInfo[],
  strings: StringTable,
): { info: Omit<SectionInfo, 'offset'>; bytes: Uint8Array }[] {
  const pairsLayout = layout(PTP_PAIRS_TABLE);
  const total = ptp.reduce((n, p) => n + p.pairs.count, 0);
  const pairs = new Uint8Array(total * pairsLayout.recordSize);
  const view = new DataView(pairs.buffer);
  const directory: Row[] = [];
  const dates: Row[] = [];
  const rationales: Row[] = [];
  let next = 0;
  const ordered = editions
    .filter((e) => e.dataset === 'ncci-ptp')
    .map((e) => ({
      edition: e,
      data: ptp.find(
        (p) =>
          p.source.sha256 === e.source.sha256 && p.form === (e.id.includes('undated') ? 'derived' : p.form),
      ),
    }));
  for (const { edition, data } of ordered) {
    if (!data) throw new IndexBuildError(`edition ${edition.id} lost its PTP table`);
    const p = data.pairs;
    // Sort the edition's pairs by column 1 then column 2 (the derived file is sorted; CMS's may not be).
    const order = Array.from({ length: p.count }, (_, i) => i).sort(
      (a, b) =>
        (p.column1[a] as number) - (p.column1[b] as number) ||
        (p.column2[a] as number) - (p.column2[b] as number),
    );
    p.rationales.forEach((text, index) => {
      rationales.push({ edition: edition.index, index, text });
    });
    // One directory entry per run of pairs with the same column 1 code.
    let runStart = next;
    let runKey = -1;
    const closeRun = () => {
      if (runKey >= 0)
        directory.push({
          edition: edition.index,
          column1: decodeCode(runKey, 5),
          first: runStart,
          count: next - runStart,
        });
    };
    for (const i of order) {
      const column1 = p.column1[i] as number;
      if (column1 !== runKey) {
        closeRun();
        runKey = column1;
        runStart = next;
      }
      const at = next * pairsLayout.recordSize;
      view.setUint32(at + (pairsLayout.offsets.column2 as number), p.column2[i] as number, true);
      view.setUint16(at + (pairsLayout.offsets.rationale as number), p.rationale[i] as number, true);
      view.setUint8(at + (pairsLayout.offsets.modifierIndicator as number), p.modifierIndicator[i] as number);
      view.setUint8(at + (pairsLayout.offsets.flags as number), p.inExistencePrior1996?.[i] ? 1 : 0);
      if (p.effectiveDay && p.deletionDay) {
        dates.push({
          pair: next,
          effectiveDay: p.effectiveDay[i] as number,
          deletionDay: p.deletionDay[i] as number,
        });
      }
      next++;
    }
    closeRun();
  }
  const section = (schema: TableSchema, rows: Row[]) => {
    const table = layout(schema);
    rows.sort(keyComparator(schema));
    const bytes = encodeTable(table, rows, strings);
    return {
      info: { name: schema.name, length: bytes.length, recordSize: table.recordSize, count: rows.length },
      bytes,
    };
  };
  return [
    section(PTP_DIRECTORY_TABLE, directory),
    {
      info: {
        name: PTP_PAIRS_TABLE.name,
        length: pairs.length,
        recordSize: pairsLayout.recordSize,
        count: total,
      },
      bytes: pairs,
    },
    section(PTP_DATES_TABLE, dates),
    section(PTP_RATIONALES_TABLE, rationales),
  ];
}

/** Compares two rows by the schema's key, encoded as the reader will compare them. */
function keyComparator(schema: TableSchema): (a: Row, b: Row) => number {
  const keyFields = schema.key.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) throw new IndexBuildError(`${schema.name}: key field ${name} is not a field`);
    return field;
  });
  const encode = (field: (typeof keyFields)[number], value: string | number): number => {
    if (field.type === 'code') return encodeCode(String(value), 5);
    if (field.type === 'mod') return encodeCode(String(value), 2);
    if (field.type === 'char2') return asciiChar2(String(value), schema.name);
    if (field.type === 'char') return asciiChar(String(value), schema.name);
    return typeof value === 'number' ? value : scaleDecimal(String(value), field.scale ?? 0, schema.name);
  };
  return (a, b) => {
    for (const field of keyFields) {
      const d =
        encode(field, a[field.name] as string | number) - encode(field, b[field.name] as string | number);
      if (d !== 0) return d;
    }
    return 0;
  };
}

const DATASET_ORDER: readonly DatasetKind[] = [
  'pfs-rvu',
  'gpci',
  'zip5',
  'locality-county',
  'opps-cap',
  'anesthesia-cf',
  'state-table',
  'state-anesthesia',
  'clfs',
  'dmepos',
  'dme-rural-zip',
  'nadac',
  'mue',
  'ncci-ptp',
  // Inpatient (IPPS) and a state's facility tables (issue 16).
  'ipps-drg',
  'ipps-rates',
  'ipps-wage-index',
  'state-drg',
  'state-facility',
  // OPPS (hospital outpatient): build-index-opps.ts
  ...(Object.keys(OPPS_TABLE_OF) as DatasetKind[]),
  // ASC (issue 16)
  'asc-aa',
  'asc-bb',
  'asc-ee',
  'asc-ff',
  'asc-wage-index',
];

/**
 * Data sets that map places rather than price services: CMS publishes them quarterly and they rarely
 * change, so the earliest one we hold is applied from January 1 of its year, and says so.
 */
const CROSSWALKS: ReadonlySet<DatasetKind> = new Set(['zip5', 'locality-county', 'dme-rural-zip']);

/**
 * Orders the data sets into editions: per kind by effective date; each edition runs until the day
 * before the next one of its kind, the last stays in force (termination null).
 */
function planEditions(datasets: readonly AnyImportedDataset[], sampled: boolean): EditionInfo[] {
  const editions: EditionInfo[] = [];
  const groups: AnyImportedDataset[][] = [];
  for (const kind of DATASET_ORDER) {
    const partitions = [
      ...new Set(datasets.filter((d) => d.dataset === kind).map((d) => d.partition ?? '')),
    ].sort();
    for (const partition of partitions) {
      groups.push(datasets.filter((d) => d.dataset === kind && (d.partition ?? '') === partition));
    }
  }
  for (const group of groups) {
    const kind = (group[0] as AnyImportedDataset).dataset;
    const ofKind = group.sort(
      (a, b) => a.effective.localeCompare(b.effective) || a.label.localeCompare(b.label),
    );
    ofKind.forEach((dataset, i) => {
      const next = ofKind[i + 1];
      if (next && next.effective === dataset.effective) {
        throw new IndexBuildError(
          `two ${kind} files take effect on ${dataset.effective}: ${dataset.source.file} and ${next.source.file}; keep one`,
        );
      }
      const notes = [...dataset.notes];
      let effective = dataset.effective;
      if (i === 0 && CROSSWALKS.has(kind) && !effective.endsWith('-01-01')) {
        effective = `${dataset.year}-01-01`;
        notes.push(
          `${dataset.label} is applied from ${effective}: the crosswalk files for earlier quarters of ${dataset.year} are not held.`,
        );
      }
      if (Number.isNaN(dayNumber(effective))) {
        throw new IndexBuildError(`${dataset.source.file}: effective date ${effective} is not a date`);
      }
      const termination = next ? dateOfDay(dayNumber(next.effective) - 1) : null;
      editions.push({
        index: editions.length,
        id:
          dataset.editionId ??
          `${kind}/${dataset.year}${ofKind.filter((d) => d.year === dataset.year).length > 1 ? `-${effective}` : ''}`,
        dataset: kind,
        year: dataset.year,
        label: dataset.label,
        effective,
        termination,
        complete: dataset.complete,
        sampled,
        source: dataset.source,
        notes,
      });
    });
  }
  return editions;
}

function rowsOf(dataset: AnyImportedDataset, edition: number): Row[] {
  switch (dataset.dataset) {
    case 'pfs-rvu':
      return dataset.records.map((r) => {
        const globalDays = GLOBAL_DAYS_CODES[r.globalDays];
        if (globalDays === undefined) {
          throw new IndexBuildError(
            `${dataset.source.file} line ${r.line}: unknown GLOB DAYS "${r.globalDays}"`,
          );
        }
        const { nonFacilityNa, facilityNa, ...rest } = r;
        return {
          ...rest,
          edition,
          naFlags: (nonFacilityNa ? 1 : 0) | (facilityNa ? 2 : 0),
          globalDays,
          endoscopicBase: r.endoscopicBase,
        };
      });
    case 'gpci':
      return dataset.records.map((r) => ({
        ...r,
        carrier: Number(r.carrier),
        locality: Number(r.locality),
        edition,
      }));
    case 'zip5':
      return dataset.records.map((r) => ({
        ...r,
        zip: Number(r.zip),
        carrier: Number(r.carrier),
        locality: Number(r.locality),
        edition,
      }));
    case 'locality-county':
      return dataset.records.map((r) => ({
        ...r,
        carrier: Number(r.carrier),
        locality: Number(r.locality),
        edition,
      }));
    case 'opps-cap':
      return dataset.records.map((r) => ({
        ...r,
        carrier: Number(r.carrier),
        locality: Number(r.locality),
        edition,
      }));
    case 'anesthesia-cf':
      return dataset.records.map((r) => ({
        ...r,
        carrier: Number(r.carrier),
        locality: Number(r.locality),
        edition,
      }));
    case 'state-table':
      return dataset.records.map((r) => {
        const where = `${r.file} line ${r.line}`;
        const amount = (text: string) => (text === '' ? -1 : scaleDecimal(text, 2, where));
        const status = STATE_ROW_STATUSES.indexOf(r.status as (typeof STATE_ROW_STATUSES)[number]);
        const basis = STATE_ROW_BASES.indexOf(r.basis as (typeof STATE_ROW_BASES)[number]);
        if (status < 0 || basis < 0)
          throw new IndexBuildError(`${where}: unknown status ${r.status} or basis ${r.basis}`);
        return {
          ...r,
          edition,
          status,
          basis,
          nonFacility: amount(r.nonFacility),
          facility: amount(r.facility),
          nonRural: amount(r.nonRural),
          rural: amount(r.rural),
          pctc: r.pctc ?? '',
        };
      });
    case 'state-anesthesia':
      return dataset.records.map((r) => ({
        ...r,
        edition,
        status: STATE_ROW_STATUSES.indexOf(r.status as (typeof STATE_ROW_STATUSES)[number]),
        baseUnits: r.baseUnits === '' ? -1 : scaleDecimal(r.baseUnits, 2, `${r.file} line ${r.line}`),
      }));
    case 'clfs':
      return dataset.records.map((r) => ({ ...r, edition }));
    case 'dmepos':
      return dataset.records.map((r) => {
        const where = `${dataset.source.file} line ${r.line}`;
        const amount = (text: string) => (text === '' ? -1 : scaleDecimal(text, 2, where));
        return { ...r, edition, nonRural: amount(r.nonRural), rural: amount(r.rural) };
      });
    case 'dme-rural-zip':
      return dataset.records.map((r) => ({ ...r, zip: Number(r.zip), edition }));
    case 'nadac':
      return dataset.records.map(({ genericPerUnit: _g, genericEffectiveDate: _d, ...r }) => ({
        ...r,
        ndcHigh: Number(r.ndc.slice(0, 5)),
        ndcLow: Number(r.ndc.slice(5)),
        edition,
        effective: r.effectiveDate,
      }));
    case 'mue':
      return dataset.records.map((r) => ({ ...r, edition }));
    // OPPS (hospital outpatient): build-index-opps.ts
    case 'opps-addendum-b':
    case 'opps-apc-rate':
    case 'opps-wage-index':
    case 'opps-out-migration':
    case 'opps-capc-complexity':
      return oppsRows(dataset, edition);
    default:
      return facilityRowsOf(dataset, edition);
  }
}

/** Rows of the inpatient (IPPS) and state facility data sets (issue 16; layouts in facility-ipps.ts). */
function facilityRowsOf(dataset: AnyImportedDataset, edition: number): Row[] {
  const where = (line: number) => `${dataset.source.file} line ${line}`;
  const cents = (text: string, line: number) => (text === '' ? -1 : scaleDecimal(text, 2, where(line)));
  switch (dataset.dataset) {
    case 'ipps-drg':
      return dataset.records.map((r) => ({
        drg: Number(r.drg),
        edition,
        weight: r.weight,
        gmlos: r.gmlos,
        amlos: r.amlos,
        line: r.line,
        flags:
          (r.postAcute === 'Y' ? IPPS_DRG_FLAGS.postAcute : 0) |
          (r.specialPay === 'Y' ? IPPS_DRG_FLAGS.specialPay : 0) |
          (r.lowVolume === 'Y' ? IPPS_DRG_FLAGS.lowVolume : 0),
      }));
    case 'ipps-rates':
      return dataset.records.map((r) => {
        const scope = IPPS_RATE_SCOPES.indexOf(r.scope as (typeof IPPS_RATE_SCOPES)[number]);
        if (scope < 0) throw new IndexBuildError(`${where(r.line)}: unknown scope ${r.scope}`);
        return {
          edition,
          table: Number(r.table),
          scope,
          largeUrban: Number(r.largeUrban),
          labor: r.labor,
          nonLabor: r.nonLabor,
          line: r.line,
        };
      });
    case 'ipps-wage-index':
      return dataset.records.map((r) => ({ ...r, area: Number(r.area), edition }));
    case 'state-drg':
      return dataset.records.map((r) => ({
        edition,
        drg: Number(r.drg),
        amount: cents(r.amount, r.line),
        file: r.file,
        line: r.line,
      }));
    case 'state-facility':
      return dataset.records.map((r) => ({
        ...r,
        edition,
        outpatientMar: cents(r.outpatientMar, r.line),
        ascMar: cents(r.ascMar, r.line),
      }));
    // ASC (issue 16): amounts and weights the row lacks are -1.
    case 'asc-aa':
    case 'asc-bb':
      return dataset.records.map((r) => {
        const where = `${dataset.source.file} line ${r.line}`;
        return {
          ...r,
          edition,
          marker: r.marker.length,
          weight: r.weight === '' ? -1 : scaleDecimal(r.weight, 4, where),
          rate: r.rate === '' ? -1 : scaleDecimal(r.rate, 2, where),
        };
      });
    case 'asc-ee':
      return dataset.records.map((r) => ({ ...r, edition }));
    case 'asc-ff':
      return dataset.records.map((r) => {
        const where = `${dataset.source.file} line ${r.line}`;
        const amount = (text: string) => (text === '' ? -1 : scaleDecimal(text, 2, where));
        return {
          ...r,
          edition,
          apc: r.apc === '' ? 0 : Number(r.apc),
          apcOffsetPercent: amount(r.apcOffsetPercent),
          oppsRate: amount(r.oppsRate),
          offsetPercent: amount(r.offsetPercent),
          devicePortion: amount(r.devicePortion),
        };
      });
    case 'asc-wage-index':
      return dataset.records.map((r) => ({
        ...r,
        cbsa: Number(r.cbsa),
        edition,
        wageIndex:
          r.wageIndex === '' ? -1 : scaleDecimal(r.wageIndex, 4, `${dataset.source.file} line ${r.line}`),
      }));
    default:
      throw new IndexBuildError(`no rows for data set ${dataset.dataset}`);
  }
}

const TABLE_OF: Record<DatasetKind, TableSchema> = {
  'pfs-rvu': RVU_TABLE,
  gpci: GPCI_TABLE,
  zip5: ZIP5_TABLE,
  'locality-county': LOCALITY_COUNTY_TABLE,
  'opps-cap': OPPS_CAP_TABLE,
  'anesthesia-cf': ANESTHESIA_CF_TABLE,
  'state-table': STATE_TABLE,
  'state-anesthesia': STATE_ANESTHESIA_TABLE,
  clfs: CLFS_TABLE,
  dmepos: DMEPOS_TABLE,
  'dme-rural-zip': DME_RURAL_ZIP_TABLE,
  nadac: NADAC_TABLE,
  mue: MUE_TABLE,
  // NCCI PTP pairs are written by writePtpSections, not as records (PTP_PAIRS_TABLE documents them).
  'ncci-ptp': PTP_PAIRS_TABLE,
  // Inpatient (IPPS) and a state's facility tables (issue 16).
  'ipps-drg': IPPS_DRG_TABLE,
  'ipps-rates': IPPS_RATES_TABLE,
  'ipps-wage-index': IPPS_WAGE_INDEX_TABLE,
  'state-drg': STATE_DRG_TABLE,
  'state-facility': STATE_FACILITY_TABLE,
  // OPPS (hospital outpatient): build-index-opps.ts
  ...OPPS_TABLE_OF,
  // ASC (issue 16)
  'asc-aa': ASC_AA_TABLE,
  'asc-bb': ASC_BB_TABLE,
  'asc-ee': ASC_EE_TABLE,
  'asc-ff': ASC_FF_TABLE,
  'asc-wage-index': ASC_WAGE_INDEX_TABLE,
};

export interface BuildOptions {
  /** 'sample' when the data sets come from fee-data/sample. */
  readonly builtFrom: 'official' | 'sample';
  /**
   * The jurisdiction registry (fee-data/jurisdictions), carried in the index as a JSON section so
   * the data and the rules that use it ship and version together. Default: none.
   */
  readonly jurisdictions?: readonly Jurisdiction[];
  /** NCCI PTP tables (their pairs travel as typed arrays, not records). Default: none. */
  readonly ptp?: readonly PtpDataset[];
  /** Every supplied file the index holds (issue 20), named in the header's release. Default: none. */
  readonly supplied?: readonly SuppliedProvenance[];
  /** The customers' contracts (issue 20), carried as a JSON section. Default: none. */
  readonly contracts?: readonly SuppliedContract[];
  /**
   * When the release was built, ISO 8601 UTC, for the header. Default: `SOURCE_DATE_EPOCH` (seconds)
   * when set, so a reproducible build can pin it, else now. It is in the header, not the body, so
   * the release id (from the body's checksum) does not depend on it.
   */
  readonly builtAt?: string;
}

/**
 * Encodes imported data sets as the binary fee index (layout in lambdas/fee-index/FORMAT.md).
 *
 * @param datasets - what the importers produced
 * @param options - provenance
 * @returns the index bytes
 */
export function buildIndexBytes(datasets: readonly AnyImportedDataset[], options: BuildOptions): Uint8Array {
  const ptp = options.ptp ?? [];
  // PTP tables take part in edition planning like any data set; their pairs are written apart.
  const ptpAsDatasets = ptp.map(
    (p) =>
      ({
        ...p,
        dataset: 'ncci-ptp',
        records: [],
        partition: p.form,
        editionId: `ncci-ptp/${p.form}-${p.year}`,
      }) as unknown as AnyImportedDataset,
  );
  const editions = planEditions([...datasets, ...ptpAsDatasets], options.builtFrom === 'sample');
  const strings = new StringTable();
  const bodies: { info: Omit<SectionInfo, 'offset'>; bytes: Uint8Array }[] = [];

  for (const kind of DATASET_ORDER) {
    if (kind === 'ncci-ptp') {
      bodies.push(...writePtpSections(ptp, editions, strings));
      continue;
    }
    const schema = TABLE_OF[kind];
    const table = layout(schema);
    const rows: Row[] = [];
    for (const edition of editions.filter((e) => e.dataset === kind)) {
      const dataset = datasets.find(
        (d) =>
          d.dataset === kind &&
          d.source.sha256 === edition.source.sha256 &&
          (d.editionId ?? edition.id) === edition.id,
      );
      if (!dataset) throw new IndexBuildError(`edition ${edition.id} lost its data set`);
      for (const row of rowsOf(dataset, edition.index)) rows.push(row);
    }
    const compare = keyComparator(schema);
    rows.sort(compare);
    for (let i = 1; i < rows.length; i++) {
      if (compare(rows[i - 1] as Row, rows[i] as Row) === 0) {
        const row = rows[i] as Row;
        throw new IndexBuildError(
          `${schema.name}: two records share the key ${schema.key.map((k) => `${k}=${row[k]}`).join(' ')} (line ${row.line})`,
        );
      }
    }
    const bytes = encodeTable(table, rows, strings);
    bodies.push({
      info: { name: schema.name, length: bytes.length, recordSize: table.recordSize, count: rows.length },
      bytes,
    });
  }

  const encoder = new TextEncoder();
  // The jurisdiction registry: one JSON array, parsed by the reader on first use.
  const registry = encoder.encode(JSON.stringify(options.jurisdictions ?? []));
  bodies.push({
    info: {
      name: JURISDICTIONS_SECTION,
      length: registry.length,
      recordSize: 0,
      count: options.jurisdictions?.length ?? 0,
    },
    bytes: registry,
  });

  // The customers' contracts (issue 20): one JSON array, parsed by the reader on first use.
  const contracts = encoder.encode(JSON.stringify(options.contracts ?? []));
  bodies.push({
    info: {
      name: CONTRACTS_SECTION,
      length: contracts.length,
      recordSize: 0,
      count: options.contracts?.length ?? 0,
    },
    bytes: contracts,
  });

  // String table: u32 offsets (count + 1) then UTF-8 bytes.
  const encoded = strings.values.map((s) => encoder.encode(s));
  const stringBytes = new Uint8Array(4 * (encoded.length + 1) + encoded.reduce((n, b) => n + b.length, 0));
  const stringView = new DataView(stringBytes.buffer);
  let cursor = 4 * (encoded.length + 1);
  encoded.forEach((b, i) => {
    stringView.setUint32(4 * i, cursor, true);
    stringBytes.set(b, cursor);
    cursor += b.length;
  });
  stringView.setUint32(4 * encoded.length, cursor, true);

  // Body: sections then strings, each 8-byte aligned; offsets are relative to the body start.
  const align = (n: number) => Math.ceil(n / 8) * 8;
  const sections: SectionInfo[] = [];
  let bodyLength = 0;
  for (const body of bodies) {
    sections.push({ ...body.info, offset: bodyLength });
    bodyLength = align(bodyLength + body.bytes.length);
  }
  const stringsOffset = bodyLength;
  bodyLength = align(bodyLength + stringBytes.length);
  const body = new Uint8Array(bodyLength);
  bodies.forEach((b, i) => {
    body.set(b.bytes, (sections[i] as SectionInfo).offset);
  });
  body.set(stringBytes, stringsOffset);

  const bodySha256 = createHash('sha256').update(body).digest('hex');
  const header: IndexHeader = {
    format: 'wcbr-fee-index',
    version: FORMAT_VERSION,
    builtFrom: options.builtFrom,
    editions,
    sections,
    strings: { offset: stringsOffset, length: stringBytes.length, count: encoded.length },
    bodySha256,
    release: {
      id: releaseIdOf(bodySha256),
      builtAt: options.builtAt ?? buildTime(),
      builtFrom: options.builtFrom,
      supplied: [...(options.supplied ?? [])],
    },
  };
  const headerBytes = encoder.encode(JSON.stringify(header));
  const bodyStart = align(16 + headerBytes.length);
  const file = new Uint8Array(bodyStart + body.length);
  const fileView = new DataView(file.buffer);
  file.set(encoder.encode(MAGIC), 0);
  fileView.setUint32(8, FORMAT_VERSION, true);
  fileView.setUint32(12, headerBytes.length, true);
  file.set(headerBytes, 16);
  file.set(body, bodyStart);
  return file;
}

/**
 * The data release id of an index body: `r` and the first 12 hex digits of its SHA-256, so the same
 * official and supplied files always make the same release, and two releases differ when any byte
 * of their data does.
 *
 * @param bodySha256 - the header's bodySha256
 * @returns the release id, e.g. "r3f9a0c1d2e4b"
 */
export function releaseIdOf(bodySha256: string): string {
  return `r${bodySha256.slice(0, 12)}`;
}

function buildTime(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString();
}

/**
 * Writes the index atomically: to a temporary file beside the target, then renamed over it, so a
 * reader never sees a half-written index and a failed build leaves the old one in place.
 *
 * @param bytes - from {@link buildIndexBytes}
 * @param outFile - target path
 */
export function writeIndexFile(bytes: Uint8Array, outFile: string): void {
  mkdirSync(path.dirname(outFile), { recursive: true });
  const temporary = `${outFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, outFile);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
