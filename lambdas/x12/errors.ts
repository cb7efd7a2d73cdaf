/**
 * The errors of an X12 interchange, each at its place in the file. Where an error sits decides
 * what the client gets (docs/decisions/017-x12-claims-in.md): a file that cannot be read as one
 * 005010 837 interchange (ISA/IEA, GS/GE, truncation) is an {@link X12SyntaxError}, answered 400;
 * an error inside a transaction set rejects that set (or only its claim) in the 999, and the other
 * sets are priced.
 */

/** Where in an interchange something is: the segment, its place, and the element at fault. */
export interface X12Position {
  /** The segment id, "CLM". */
  readonly segment: string;
  /** The segment's ordinal position in the file, 1 for ISA. */
  readonly position: number;
  /** Its position in its transaction set, 1 for ST (the 999's IK302); absent outside a set. */
  readonly setPosition?: number;
  /** The 837 loop it belongs to, "2300" (the 999's IK303), when known. */
  readonly loop?: string;
  /** The element's position in the segment, 1-based (IK401-1); absent when the segment is at fault. */
  readonly element?: number;
  /** The component's position in a composite element, 1-based (IK401-2). */
  readonly component?: number;
}

/** One error, positioned, with the X12 field name ("CLM05-1", "SE01") and a plain message. */
export interface X12FieldError extends X12Position {
  /** The segment id with the element and component, "CLM05-1"; the segment id alone for a segment. */
  readonly field: string;
  readonly errorMessage: string;
}

/**
 * The X12 field name of a position: "CLM05-1" for CLM's fifth element's first component, "SE01",
 * or the segment id alone.
 *
 * @param segment - the segment id
 * @param element - the element position, 1-based
 * @param component - the component position, 1-based
 * @returns the field name
 */
export function x12Field(segment: string, element?: number, component?: number): string {
  if (element === undefined) return segment;
  const e = `${segment}${String(element).padStart(2, '0')}`;
  return component === undefined ? e : `${e}-${component}`;
}

/**
 * The body is not a readable 005010 837 interchange (not X12, ISA or IEA wrong, a functional group
 * wrong, truncated): answered 400 with every error found, each naming its segment and element.
 * Nothing was priced.
 */
export class X12SyntaxError extends Error {
  override readonly name = 'X12SyntaxError';
  readonly errors: readonly X12FieldError[];

  constructor(message: string, errors: readonly X12FieldError[]) {
    super(message);
    this.errors = errors;
  }
}
