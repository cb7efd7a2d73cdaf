import type { SectionInfo } from './header.js';
import type { TableLayout } from './schema.js';

/** The file is not a fee index, or is damaged. */
export class FeeIndexFormatError extends Error {
  override readonly name = 'FeeIndexFormatError';
}

/**
 * One section of the index: fixed-width records sorted by their key, read in place. Every reader
 * of the index (reader.ts and the facility readers) searches its sections through this class.
 */
export class Table {
  readonly view: DataView;
  readonly count: number;
  readonly size: number;

  constructor(bytes: Uint8Array, bodyStart: number, section: SectionInfo, table: TableLayout) {
    if (section.recordSize !== table.recordSize) {
      throw new FeeIndexFormatError(
        `section ${section.name} has ${section.recordSize}-byte records; this reader expects ${table.recordSize}`,
      );
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset + bodyStart + section.offset, section.length);
    this.count = section.count;
    this.size = section.recordSize;
  }

  /** First record index whose key is not less than the probe (compare < 0 means record < probe). */
  lowerBound(compare: (at: number) => number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(mid * this.size) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Byte offset of the record `compare` returns 0 for, or -1 when there is none (the table is
   * sorted in `compare`'s order).
   */
  find(compare: (at: number) => number): number {
    const i = this.lowerBound(compare);
    if (i >= this.count) return -1;
    const at = i * this.size;
    return compare(at) === 0 ? at : -1;
  }

  // Accessors take the field's byte offset (from `off`), resolved once per table at module load,
  // so the hot path does no property lookups by name.
  u8(at: number, offset: number): number {
    return this.view.getUint8(at + offset);
  }
  u16(at: number, offset: number): number {
    return this.view.getUint16(at + offset, true);
  }
  u32(at: number, offset: number): number {
    return this.view.getUint32(at + offset, true);
  }
  i32(at: number, offset: number): number {
    return this.view.getInt32(at + offset, true);
  }
  char(at: number, offset: number): string {
    const c = this.view.getUint8(at + offset);
    return c === 0 ? '' : (CHARS[c] as string);
  }
  char2(at: number, offset: number): string {
    const v = this.view.getUint16(at + offset, true);
    return (v & 0xff ? (CHARS[v & 0xff] as string) : '') + (v >> 8 ? (CHARS[v >> 8] as string) : '');
  }
}

/** One-character strings by code, so reading a character allocates nothing. */
const CHARS: readonly string[] = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
