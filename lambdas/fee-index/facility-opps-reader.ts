import {
  OPPS_ADDENDUM_B_TABLE,
  OPPS_APC_RATE_TABLE,
  OPPS_COMPLEXITY_TABLE,
  OPPS_OUT_MIGRATION_TABLE,
  OPPS_WAGE_INDEX_TABLE,
} from './facility-opps-schema.js';
import type { EditionInfo, SectionInfo } from './header.js';
import { decodeCode, encodeCode, layout, type TableLayout } from './schema.js';

/**
 * Lookups in the OPPS sections of the fee index (layouts in facility-opps-schema.ts), kept apart
 * from reader.ts so the facility branches merge without conflicts. `FeeIndex.opps()` opens them.
 */

/** A HCPCS code's row of OPPS Addendum B. */
export interface OppsCodeEntry {
  readonly code: string;
  /** Status indicator: "J1", "T", "Q1" … */
  readonly si: string;
  /** APC as Addendum B prints it ("5115"), or undefined. */
  readonly apc: string | undefined;
  /** National unadjusted rate in thousandths of a dollar (128.87 → 128870), or null when none is printed. */
  readonly rateMills: number | null;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** An APC's row of the CMS pricer APC table in force on a day. */
export interface OppsApcEntry {
  readonly apc: string;
  readonly si: string;
  /** Cents. */
  readonly rate: number;
  /** YYYY-MM-DD the row takes effect. */
  readonly effective: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** An area's row of the CMS pricer wage index table; values in ten-thousandths (0.9786 → 9786). */
export interface OppsWageIndexEntry {
  /** As CMS numbers it: five digits, or two for a state's rural area. */
  readonly cbsa: string;
  readonly geographic: number;
  readonly reclassified: number;
  readonly imputedFloor: number;
  readonly name: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** A county's out-migration adjustment, in ten-thousandths. */
export interface OppsOutMigrationEntry {
  readonly county: string;
  readonly factor: number;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** An Addendum J complexity adjustment pair. */
export interface OppsComplexityEntry {
  readonly primary: string;
  readonly secondary: string;
  readonly adjustedCode: string;
  /** Four digits as Addendum B prints APCs ("5116"). */
  readonly adjustedApc: string;
  readonly edition: EditionInfo;
  readonly line: number;
}

/** What the fee index lends the OPPS lookups: its sections' bytes, strings and editions. */
export interface OppsIndexAccess {
  readonly section: (name: string) => { readonly view: DataView; readonly info: SectionInfo } | undefined;
  readonly string: (id: number) => string;
  readonly edition: (index: number) => EditionInfo;
}

const DAY_MS = 86_400_000;

class Records {
  readonly view: DataView;
  readonly count: number;
  readonly size: number;
  readonly at: Readonly<Record<string, number>>;

  constructor(access: OppsIndexAccess, table: TableLayout) {
    const section = access.section(table.schema.name);
    if (!section) throw new Error(`the index has no ${table.schema.name} section`);
    if (section.info.recordSize !== table.recordSize) {
      throw new Error(
        `section ${table.schema.name} has ${section.info.recordSize}-byte records; this reader expects ${table.recordSize}`,
      );
    }
    this.view = section.view;
    this.count = section.info.count;
    this.size = table.recordSize;
    this.at = table.offsets;
  }

  /** First record index whose key is not less than the probe (compare < 0: record < probe). */
  lowerBound(compare: (offset: number) => number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(mid * this.size) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(compare: (offset: number) => number): number {
    const i = this.lowerBound(compare);
    if (i >= this.count) return -1;
    return compare(i * this.size) === 0 ? i * this.size : -1;
  }

  u16(offset: number, field: string): number {
    return this.view.getUint16(offset + (this.at[field] as number), true);
  }
  u32(offset: number, field: string): number {
    return this.view.getUint32(offset + (this.at[field] as number), true);
  }
  i32(offset: number, field: string): number {
    return this.view.getInt32(offset + (this.at[field] as number), true);
  }
  char2(offset: number, field: string): string {
    const v = this.u16(offset, field);
    return (v & 0xff ? String.fromCharCode(v & 0xff) : '') + (v >> 8 ? String.fromCharCode(v >> 8) : '');
  }
}

const LAYOUTS = {
  addendumB: layout(OPPS_ADDENDUM_B_TABLE),
  apc: layout(OPPS_APC_RATE_TABLE),
  wage: layout(OPPS_WAGE_INDEX_TABLE),
  outMigration: layout(OPPS_OUT_MIGRATION_TABLE),
  complexity: layout(OPPS_COMPLEXITY_TABLE),
};

/** The APC as Addendum B prints it: at least four digits ("5115", "0701"). */
export function apcText(apc: number): string {
  return String(apc).padStart(4, '0');
}

/** The OPPS lookups of one fee index. */
export class OppsTables {
  private readonly addendumB: Records;
  private readonly apc: Records;
  private readonly wage: Records;
  private readonly outMigrationTable: Records | undefined;
  private readonly complexityTable: Records | undefined;
  private readonly access: OppsIndexAccess;
  /** Bills repeat a small set of codes and APCs: the entries read, bounded like the RVU cache. */
  private readonly codeCache = new Map<string, OppsCodeEntry | null>();
  private readonly apcCache = new Map<string, OppsApcEntry | null>();
  /**
   * Addendum J pairs asked of a claim: every J1 primary against every line (a 60-line claim asks
   * hundreds of times for a handful of pairs), bounded like the code cache.
   */
  private readonly complexityCache = new Map<string, OppsComplexityEntry | null>();

  constructor(access: OppsIndexAccess) {
    this.access = access;
    this.addendumB = new Records(access, LAYOUTS.addendumB);
    this.apc = new Records(access, LAYOUTS.apc);
    this.wage = new Records(access, LAYOUTS.wage);
    this.outMigrationTable = access.section(OPPS_OUT_MIGRATION_TABLE.name)
      ? new Records(access, LAYOUTS.outMigration)
      : undefined;
    this.complexityTable = access.section(OPPS_COMPLEXITY_TABLE.name)
      ? new Records(access, LAYOUTS.complexity)
      : undefined;
  }

  /**
   * A code's Addendum B row in an edition.
   *
   * @param code - HCPCS code
   * @param edition - an opps-addendum-b edition
   * @returns the row, or undefined when the edition does not list the code
   */
  code(code: string, edition: EditionInfo): OppsCodeEntry | undefined {
    const key = `${code}|${edition.index}`;
    const cached = this.codeCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.readCode(code, edition);
    if (this.codeCache.size >= 50_000) this.codeCache.clear();
    this.codeCache.set(key, entry ?? null);
    return entry;
  }

  private readCode(code: string, edition: EditionInfo): OppsCodeEntry | undefined {
    const t = this.addendumB;
    const key = encodeCode(code, 5);
    if (key < 0) return undefined;
    const at = t.find((o) => t.u32(o, 'code') - key || t.u16(o, 'edition') - edition.index);
    if (at < 0) return undefined;
    const apc = t.u32(at, 'apc');
    const rated = t.view.getUint8(at + (t.at.rated as number)) === 1;
    return {
      code,
      si: t.char2(at, 'si'),
      apc: apc === 0 ? undefined : apcText(apc),
      rateMills: rated ? t.u32(at, 'rate') : null,
      edition,
      line: t.u32(at, 'line'),
    };
  }

  /** Whether any edition of Addendum B lists a code. */
  hasCode(code: string): boolean {
    const t = this.addendumB;
    const key = encodeCode(code, 5);
    return key >= 0 && t.find((o) => t.u32(o, 'code') - key) >= 0;
  }

  /**
   * An APC's rate in an edition on a day: the row with the latest effective date not after it.
   *
   * @param apc - the APC number ("5115" or "05115")
   * @param edition - an opps-apc-rate edition
   * @param day - the date of service as days since 1970-01-01
   * @returns the row, or undefined when the APC has none in force
   */
  apcRate(apc: string, edition: EditionInfo, day: number): OppsApcEntry | undefined {
    const cacheKey = `${apc}|${edition.index}|${day}`;
    const cached = this.apcCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.readApcRate(apc, edition, day);
    if (this.apcCache.size >= 50_000) this.apcCache.clear();
    this.apcCache.set(cacheKey, entry ?? null);
    return entry;
  }

  private readApcRate(apc: string, edition: EditionInfo, day: number): OppsApcEntry | undefined {
    const t = this.apc;
    const key = Number(apc);
    if (!Number.isInteger(key)) return undefined;
    // The first row past (apc, edition, day), then step back to the row in force on the day.
    const i =
      t.lowerBound(
        (o) =>
          t.u32(o, 'apc') - key || t.u16(o, 'edition') - edition.index || t.i32(o, 'effectiveDay') - day - 1,
      ) - 1;
    if (i < 0) return undefined;
    const at = i * t.size;
    if (t.u32(at, 'apc') !== key || t.u16(at, 'edition') !== edition.index) return undefined;
    const effectiveDay = t.i32(at, 'effectiveDay');
    return {
      apc: apcText(key),
      si: t.char2(at, 'si'),
      rate: t.u32(at, 'rate'),
      effective: new Date(effectiveDay * DAY_MS).toISOString().slice(0, 10),
      edition,
      line: t.u32(at, 'line'),
    };
  }

  /**
   * An area's wage index row.
   *
   * @param cbsa - five digits, or two for a state's rural area
   * @param edition - an opps-wage-index edition
   * @returns the row, or undefined when the table has no such area
   */
  wageIndex(cbsa: string, edition: EditionInfo): OppsWageIndexEntry | undefined {
    if (!/^(\d{2}|\d{5})$/.test(cbsa)) return undefined;
    const t = this.wage;
    const key = Number(cbsa);
    const at = t.find((o) => t.u32(o, 'cbsa') - key || t.u16(o, 'edition') - edition.index);
    if (at < 0) return undefined;
    return {
      cbsa,
      geographic: t.u32(at, 'geographic'),
      reclassified: t.u32(at, 'reclassified'),
      imputedFloor: t.u32(at, 'imputedFloor'),
      name: this.access.string(t.u32(at, 'name')),
      edition,
      line: t.u32(at, 'line'),
    };
  }

  /** A county's out-migration adjustment in an edition, or undefined when it has none. */
  outMigration(county: string, edition: EditionInfo): OppsOutMigrationEntry | undefined {
    const t = this.outMigrationTable;
    if (!t || !/^\d{5}$/.test(county)) return undefined;
    const key = Number(county);
    const at = t.find((o) => t.u32(o, 'county') - key || t.u16(o, 'edition') - edition.index);
    if (at < 0) return undefined;
    return { county, factor: t.u32(at, 'factor'), edition, line: t.u32(at, 'line') };
  }

  /** The Addendum J complexity adjustment of a primary + secondary pair, or undefined. */
  complexity(primary: string, secondary: string, edition: EditionInfo): OppsComplexityEntry | undefined {
    const key = `${primary}|${secondary}|${edition.index}`;
    const cached = this.complexityCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const entry = this.readComplexity(primary, secondary, edition);
    if (this.complexityCache.size >= 50_000) this.complexityCache.clear();
    this.complexityCache.set(key, entry ?? null);
    return entry;
  }

  private readComplexity(
    primary: string,
    secondary: string,
    edition: EditionInfo,
  ): OppsComplexityEntry | undefined {
    const t = this.complexityTable;
    const p = encodeCode(primary, 5);
    const s = encodeCode(secondary, 5);
    if (!t || p < 0 || s < 0) return undefined;
    const at = t.find(
      (o) => t.u32(o, 'primary') - p || t.u32(o, 'secondary') - s || t.u16(o, 'edition') - edition.index,
    );
    if (at < 0) return undefined;
    const adjusted = t.u32(at, 'adjustedCode');
    return {
      primary,
      secondary,
      adjustedCode: decodeCode(adjusted, 5),
      adjustedApc: apcText(t.u32(at, 'adjustedApc')),
      edition,
      line: t.u32(at, 'line'),
    };
  }
}
