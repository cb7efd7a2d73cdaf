import {
  OPPS_ADDENDUM_B_TABLE,
  OPPS_APC_RATE_TABLE,
  OPPS_COMPLEXITY_TABLE,
  OPPS_OUT_MIGRATION_TABLE,
  OPPS_WAGE_INDEX_TABLE,
} from './facility-opps-schema.js';
import type { EditionInfo } from './header.js';
import { decodeCode, encodeCode, layout, type TableLayout } from './schema.js';
import type { Table } from './table.js';

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
  /** The section as a table of the layout, or undefined when the index has none. */
  readonly table: (name: string, layout: TableLayout) => Table | undefined;
  readonly string: (id: number) => string;
  readonly edition: (index: number) => EditionInfo;
}

const DAY_MS = 86_400_000;

/** A section read by field name (the OPPS lookups are written by name; the table does the searching). */
class Records {
  readonly count: number;
  readonly size: number;
  readonly at: Readonly<Record<string, number>>;
  private readonly table: Table;

  constructor(access: OppsIndexAccess, table: TableLayout) {
    const found = access.table(table.schema.name, table);
    if (!found) throw new Error(`the index has no ${table.schema.name} section`);
    this.table = found;
    this.count = found.count;
    this.size = found.size;
    this.at = table.offsets;
  }

  /** First record index whose key is not less than the probe (compare < 0: record < probe). */
  lowerBound(compare: (offset: number) => number): number {
    return this.table.lowerBound(compare);
  }

  find(compare: (offset: number) => number): number {
    return this.table.find(compare);
  }

  u8(offset: number, field: string): number {
    return this.table.u8(offset, this.at[field] as number);
  }
  u16(offset: number, field: string): number {
    return this.table.u16(offset, this.at[field] as number);
  }
  u32(offset: number, field: string): number {
    return this.table.u32(offset, this.at[field] as number);
  }
  i32(offset: number, field: string): number {
    return this.table.i32(offset, this.at[field] as number);
  }
  char2(offset: number, field: string): string {
    return this.table.char2(offset, this.at[field] as number);
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
    this.outMigrationTable = access.table(OPPS_OUT_MIGRATION_TABLE.name, LAYOUTS.outMigration)
      ? new Records(access, LAYOUTS.outMigration)
      : undefined;
    this.complexityTable = access.table(OPPS_COMPLEXITY_TABLE.name, LAYOUTS.complexity)
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
    const rated = t.u8(at, 'rated') === 1;
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
