/**
 * Writing X12: segments, and the interchange envelope (ISA/GS … GE/IEA) around transaction sets.
 * Used by the 835 remittance and the 999 acknowledgment we answer. Pure: the clock and the control
 * numbers come from the caller.
 *
 * Delimiters are the ones the 005010 guides' examples use: `*` elements, `:` components, `^`
 * repetitions (ISA11), `~` segments, with a line feed after each segment so the file reads in any
 * viewer (the line feed is whitespace between segments, which X12 readers skip). A value that would
 * contain a delimiter has it replaced by a space: text from a bill (a name, an id) must never be
 * able to start a new element or segment in our answer.
 */

export const DELIMITERS = {
  element: '*',
  component: ':',
  repetition: '^',
  segment: '~',
} as const;

const DELIMITER_CHARACTERS = /[*:^~\r\n]/g;

/**
 * One element's value made safe to write: delimiters and line breaks become spaces, trailing
 * spaces go.
 *
 * @param value - the value as we hold it
 * @returns the value as written
 */
export function elementValue(value: string): string {
  return value.replace(DELIMITER_CHARACTERS, ' ').trimEnd();
}

/** An element: a plain value, or a composite's components (written with `:`). */
export type Element = string | readonly string[] | undefined;

/**
 * One segment: the tag and its elements, trailing empty elements dropped (X12 forbids writing
 * them).
 *
 * @param tag - the segment id, "CLP"
 * @param elements - its elements in order; undefined or "" for one left empty
 * @returns the segment without its terminator, "CLP*A1*1*100.00"
 * @example segment('CAS', 'CO', '45', '10.00') // "CAS*CO*45*10.00"
 */
export function segment(tag: string, ...elements: readonly Element[]): string {
  const values = elements.map((e) =>
    e === undefined
      ? ''
      : typeof e === 'string'
        ? elementValue(e)
        : e.map(elementValue).join(DELIMITERS.component).replace(/:+$/, ''),
  );
  let last = values.length;
  while (last > 0 && values[last - 1] === '') last--;
  return [tag, ...values.slice(0, last)].join(DELIMITERS.element);
}

/** Who an interchange is from and to: the ISA05–08 qualifier and id pairs. */
export interface InterchangeParty {
  /** ISA05/ISA07: "ZZ" mutually defined, "30" federal tax id, "01" DUNS… */
  readonly qualifier: string;
  /** ISA06/ISA08, at most 15 characters; GS02/GS03 take it too. */
  readonly id: string;
}

/** What an interchange envelope says about itself. */
export interface EnvelopeOptions {
  readonly sender: InterchangeParty;
  readonly receiver: InterchangeParty;
  /** ISA13, 1 to 999999999, written as nine digits; IEA02 repeats it. */
  readonly interchangeControlNumber: number;
  /** GS06, 1 to 999999999; GE02 repeats it. */
  readonly groupControlNumber: number;
  /** GS01: "HP" (835), "FA" (999). */
  readonly functionalIdentifier: string;
  /** GS08: the implementation guide, "005010X221A1" (835) or "005010X231A1" (999). */
  readonly version: string;
  /** ISA15: P production, T test (answer in kind: a test interchange gets a test answer). */
  readonly usage: 'P' | 'T';
  /** When the envelope was written (ISA09/10, GS04/05), as a Date the caller read from its clock. */
  readonly at: Date;
}

/** One transaction set to put in the envelope: its id, control number and body segments. */
export interface TransactionSet {
  /** ST01: "835", "999". */
  readonly id: string;
  /** ST02, 4 to 9 characters, unique in the group; SE02 repeats it. */
  readonly controlNumber: string;
  /** ST03, when the guide uses it (999: "005010X231A1"; the 835 does not). */
  readonly implementation?: string;
  /** The segments between ST and SE, without terminators. */
  readonly segments: readonly string[];
}

const pad = (value: string, width: number) => elementValue(value).slice(0, width).padEnd(width, ' ');
const digits = (n: number, width: number) => String(n).padStart(width, '0');

function checkControlNumber(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 999_999_999) {
    throw new RangeError(`${name} must be a whole number from 1 to 999999999, not ${n}`);
  }
}

/**
 * A whole interchange with one functional group: ISA, GS, each set's ST … SE with its segment
 * count, GE with the set count and IEA with the group count, so the counts are right by
 * construction.
 *
 * @param options - the envelope's parties, control numbers, guide, usage and time
 * @param sets - the transaction sets, in order
 * @returns the interchange text, one segment a line
 * @example interchange({ sender, receiver, interchangeControlNumber: 1, groupControlNumber: 1, functionalIdentifier: 'HP', version: '005010X221A1', usage: 'P', at }, [{ id: '835', controlNumber: '0001', segments }])
 */
export function interchange(options: EnvelopeOptions, sets: readonly TransactionSet[]): string {
  checkControlNumber('interchangeControlNumber', options.interchangeControlNumber);
  checkControlNumber('groupControlNumber', options.groupControlNumber);
  const at = options.at.toISOString(); // 2026-12-07T12:34:56.000Z: the envelope is written in UTC
  const date = at.slice(0, 10).replaceAll('-', '');
  const time = at.slice(11, 16).replace(':', '');
  const icn = digits(options.interchangeControlNumber, 9);
  // ISA is fixed width: every element padded, the component separator its last character.
  const isa = [
    'ISA',
    '00',
    pad('', 10),
    '00',
    pad('', 10),
    pad(options.sender.qualifier, 2),
    pad(options.sender.id, 15),
    pad(options.receiver.qualifier, 2),
    pad(options.receiver.id, 15),
    date.slice(2),
    time,
    DELIMITERS.repetition,
    '00501',
    icn,
    '0',
    options.usage,
    DELIMITERS.component,
  ].join(DELIMITERS.element);
  const lines = [
    isa,
    segment(
      'GS',
      options.functionalIdentifier,
      options.sender.id,
      options.receiver.id,
      date,
      time,
      String(options.groupControlNumber),
      'X',
      options.version,
    ),
  ];
  for (const set of sets) {
    lines.push(segment('ST', set.id, set.controlNumber, set.implementation), ...set.segments);
    lines.push(segment('SE', String(set.segments.length + 2), set.controlNumber));
  }
  lines.push(segment('GE', String(sets.length), String(options.groupControlNumber)));
  lines.push(segment('IEA', '1', icn));
  return `${lines.join(`${DELIMITERS.segment}\n`)}${DELIMITERS.segment}\n`;
}

/**
 * A date as X12 writes it (CCYYMMDD) from our ISO date.
 *
 * @param isoDate - "2026-03-04"
 * @returns "20260304"
 */
export function x12Date(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}
