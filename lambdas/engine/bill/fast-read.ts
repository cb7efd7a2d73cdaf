/**
 * The readers both fast paths (fast-bill.ts for professional bills, fast-facility.ts for facility
 * bills and institutional claims) build on: each returns the value when it is plainly well-formed
 * and otherwise throws {@link FALLBACK}, which sends the request to the Valibot schema (the only
 * place field errors are written).
 */

/** Signals "not the fast path": the caller falls back to the schema. */
class Fallback extends Error {}
export const FALLBACK: Error = new Fallback();

export type Dict = Record<string, unknown>;

/** A plain object (not null, not an array). */
export function object(value: unknown): Dict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw FALLBACK;
  return value as Dict;
}

/** An array of min to max items. */
export function list(value: unknown, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) throw FALLBACK;
  return value;
}

/** A string. */
export function str(value: unknown): string {
  if (typeof value !== 'string') throw FALLBACK;
  return value;
}

/** A string of at most max characters. */
export function maxText(value: unknown, max: number): string {
  const s = str(value);
  if (s.length > max) throw FALLBACK;
  return s;
}

/** A string the pattern matches as it is. */
export function matching(value: unknown, pattern: RegExp): string {
  const s = str(value);
  if (!pattern.test(s)) throw FALLBACK;
  return s;
}

/** A string the pattern matches once trimmed (the trimmed string). */
export function trimmed(value: unknown, pattern: RegExp): string {
  const s = str(value).trim();
  if (!pattern.test(s)) throw FALLBACK;
  return s;
}

/** A string the pattern matches once trimmed and upper-cased (that string). */
export function upper(value: unknown, pattern: RegExp): string {
  const s = str(value).trim().toUpperCase();
  if (!pattern.test(s)) throw FALLBACK;
  return s;
}

/** A whole number from min to max. */
export function integer(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw FALLBACK;
  return value;
}

/** The request's true/false fields (qrCode, analytics, compare): each a boolean when present. */
export const BOOLEAN_FIELDS = ['qrCode', 'analytics', 'compare'] as const;
