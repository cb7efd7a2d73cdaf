import { X12Parser } from 'node-x12';
import { type X12FieldError, X12SyntaxError, x12Field } from './errors.js';
import type { InterchangeParty } from './write.js';

/**
 * Reading an 837 interchange: node-x12 splits the segments and elements, and our checks go on top
 * of it (docs/decisions/017-x12-claims-in.md). One pass over the text first (segment ids only, no
 * element split, no regular expression per segment) checks the envelope's order, so node-x12 is
 * only ever given a well-nested interchange: on anything else it either drops segments silently or
 * throws a TypeError (measured on 1.7.1), and a truncated file it accepts as complete. Then the
 * control numbers and counts, which decide between a 400 for the file (ISA/IEA, GS/GE) and a 999
 * rejection of one transaction set (ST/SE), the other sets still priced.
 */

/** The 005010 837 guides we read (GS08 and ST03), by the kind of bill they carry. */
export const IMPLEMENTATION_GUIDES = {
  '005010X222A1': 'professional',
  '005010X222A2': 'professional',
  '005010X223A2': 'institutional',
  '005010X223A3': 'institutional',
} as const satisfies Record<string, 'professional' | 'institutional'>;

export type ClaimKind = 'professional' | 'institutional';

/** The separators an interchange declares in its ISA segment. */
export interface Delimiters {
  /** ISA position 4 (the character after "ISA"). */
  readonly element: string;
  /** ISA16. */
  readonly component: string;
  /** ISA11. */
  readonly repetition: string;
  /** The character after ISA16. */
  readonly segment: string;
}

/** One segment of a transaction set, with where it is. */
export interface Segment {
  readonly tag: string;
  /** Element values as sent, element 1 at index 0; composites unsplit. */
  readonly elements: readonly string[];
  /** Ordinal position in the file, ISA = 1. */
  readonly position: number;
  /** Position in its transaction set, ST = 1. */
  readonly setPosition: number;
}

/**
 * An error the 999 reports: a positioned field error with the 999's codes. Set-level errors (SE01,
 * ST/SE control numbers) carry only `setCode`; a segment's error carries `segmentCode` (IK304) and,
 * when an element is at fault, `elementCode` (IK403), the element's X12 reference number (IK402)
 * and the value sent (IK404).
 */
export interface X12Finding extends X12FieldError {
  /** IK502, the transaction set syntax error code, for an error of the set as a whole. */
  readonly setCode?: string;
  /** IK304, the segment syntax error code. */
  readonly segmentCode?: string;
  /** IK403, the element syntax error code. */
  readonly elementCode?: string;
  /** IK402, the data element reference number, when known. */
  readonly reference?: string;
  /** IK404, a copy of the bad value (never a patient's value). */
  readonly badValue?: string;
}

/** A transaction set as read: its control number, guide, body and the errors of the set itself. */
export interface ReadSet {
  /** ST01, "837". */
  readonly id: string;
  /** ST02. */
  readonly controlNumber: string;
  /** ST03. */
  readonly implementation: string;
  /** From ST03; undefined when ST03 is not a guide we read (the set is then rejected). */
  readonly kind: ClaimKind | undefined;
  /** The segments between ST and SE. */
  readonly segments: readonly Segment[];
  /** Errors that reject the whole set (SE01, ST/SE control numbers, ST01/ST03, a bad segment id). */
  readonly findings: readonly X12Finding[];
}

/** A functional group (GS … GE) as read. */
export interface ReadGroup {
  /** GS01, "HC". */
  readonly functionalId: string;
  /** GS02 and GS03. */
  readonly sender: string;
  readonly receiver: string;
  /** GS06. */
  readonly controlNumber: string;
  /** GS08. */
  readonly version: string;
  readonly sets: readonly ReadSet[];
}

/** What the interchange says about itself: the 999 and 835 answer from it, to its sender. */
export interface InboundEnvelope {
  /** ISA05/06. */
  readonly sender: InterchangeParty;
  /** ISA07/08. */
  readonly receiver: InterchangeParty;
  /** ISA13, as a number. */
  readonly controlNumber: number;
  /** ISA15. */
  readonly usage: 'P' | 'T';
  /** Each group's GS01, GS06 and GS08. */
  readonly groups: readonly {
    readonly functionalId: string;
    readonly controlNumber: string;
    readonly version: string;
  }[];
}

/** A whole interchange as read, its envelope checked. */
export interface ReadInterchange {
  readonly delimiters: Delimiters;
  readonly envelope: InboundEnvelope;
  readonly groups: readonly ReadGroup[];
}

/** The ISA segment's element separators' offsets: fixed width, 106 characters with its terminator. */
const ISA_SEPARATORS = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103] as const;
const ISA_LENGTH = 106;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

function isTagCharacter(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}

/** A segment id: two or three upper-case letters and digits, a letter first (X12.6). */
function validTag(tag: string): boolean {
  if (tag.length < 2 || tag.length > 3) return false;
  const first = tag.charCodeAt(0);
  if (first < 0x41 || first > 0x5a) return false;
  for (let i = 1; i < tag.length; i++) if (!isTagCharacter(tag.charCodeAt(i))) return false;
  return true;
}

function fail(message: string, errors: X12FieldError[]): never {
  throw new X12SyntaxError(message, errors);
}

const at = (
  segment: string,
  position: number,
  errorMessage: string,
  element?: number,
  component?: number,
): X12FieldError => ({
  field: x12Field(segment, element, component),
  errorMessage,
  segment,
  position,
  ...(element === undefined ? {} : { element }),
  ...(component === undefined ? {} : { component }),
});

/** ISA: fixed width, its separators taken from it (X12.5 and the 005010 TR3s' appendix B). */
function readIsa(text: string): { delimiters: Delimiters; isa: string[] } {
  if (!text.startsWith('ISA')) {
    fail('The body is not an X12 interchange: it must start with an ISA segment.', [
      at('ISA', 1, 'an X12 interchange starts with "ISA" and its 106-character header'),
    ]);
  }
  if (text.length < ISA_LENGTH) {
    fail('The body is too short to be an X12 interchange.', [
      at('ISA', 1, `the ISA segment is 106 characters; the body has ${text.length}`),
    ]);
  }
  const element = text.charAt(3);
  for (let i = 1; i < ISA_SEPARATORS.length; i++) {
    const offset = ISA_SEPARATORS[i] as number;
    if (text.charAt(offset) !== element) {
      fail('The ISA segment is not 106 characters of fixed-width elements.', [
        at(
          'ISA',
          1,
          `ISA${String(i).padStart(2, '0')} must be exactly ${offset - (ISA_SEPARATORS[i - 1] as number) - 1} characters, followed by the element separator "${element}"`,
          i,
        ),
      ]);
    }
  }
  const delimiters: Delimiters = {
    element,
    repetition: text.charAt(82),
    component: text.charAt(104),
    segment: text.charAt(105),
  };
  const chars = [delimiters.element, delimiters.repetition, delimiters.component, delimiters.segment];
  const names = [
    'element separator (ISA position 4)',
    'repetition separator (ISA11)',
    'component separator (ISA16)',
    'segment terminator',
  ];
  const elementNumbers = [undefined, 11, 16, undefined];
  for (let i = 0; i < chars.length; i++) {
    const c = (chars[i] as string).charCodeAt(0);
    const printable = isTagCharacter(c) || (c >= 0x61 && c <= 0x7a) || c === 0x20;
    const lineBreak = c === 0x0a || c === 0x0d;
    if (printable || (lineBreak && i !== 3) || chars.indexOf(chars[i] as string) !== i) {
      fail('The interchange declares separators that cannot be told apart from its data.', [
        at(
          'ISA',
          1,
          `the ${names[i]} "${chars[i]}" must be a character of its own: not a letter, digit or space, and different from the other separators`,
          elementNumbers[i],
        ),
      ]);
    }
  }
  const isa = text.slice(4, 105).split(element);
  return { delimiters, isa };
}

interface Scanned {
  readonly tag: string;
  /** The segment's text between its start and its terminator, for a tag we refuse. */
  readonly valid: boolean;
}

/**
 * One pass over the segments: their ids in order and the envelope's nesting. Refuses (400) what
 * node-x12 would misread: an ISA after the first, a segment without elements, a segment outside a
 * transaction set, a set or group without its trailer, a file without IEA, text after IEA.
 */
function scan(text: string, d: Delimiters): Scanned[] {
  const out: Scanned[] = [{ tag: 'ISA', valid: true }];
  let state: 'interchange' | 'group' | 'set' | 'done' = 'interchange';
  let openGroup = 0;
  let openSet = 0;
  let i = ISA_LENGTH;
  const n = text.length;
  while (i < n) {
    while (i < n && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const position = out.length + 1;
    const end = text.indexOf(d.segment, i);
    const sep = text.indexOf(d.element, i);
    const tagEnd = sep >= 0 && (end < 0 || sep < end) ? sep : -1;
    const guess = text.slice(i, Math.min(tagEnd >= 0 ? tagEnd : end >= 0 ? end : n, i + 3));
    if (end < 0) {
      fail('The interchange is truncated: its last segment has no terminator.', [
        at(guess, position, `the file ends inside segment ${guess} (no "${d.segment}" after it)`),
      ]);
    }
    if (tagEnd < 0) {
      fail('A segment has no elements.', [
        at(guess || '(empty)', position, `segment ${position} has no element separator "${d.element}"`),
      ]);
    }
    const tag = text.slice(i, tagEnd);
    const valid = validTag(tag);
    if (state === 'done') {
      fail('There is data after the interchange trailer (IEA).', [
        at(
          tag,
          position,
          'nothing but the next interchange may follow IEA, and a file holds one interchange',
        ),
      ]);
    }
    if (tag === 'ISA') {
      fail('The file holds more than one interchange; send one interchange a request.', [
        at('ISA', position, 'a second ISA: send each interchange in its own request'),
      ]);
    } else if (tag === 'GS') {
      if (state !== 'interchange') {
        fail(
          `The ${state === 'set' ? 'transaction set' : 'functional group'} before segment ${position} has no trailer.`,
          [
            at(
              state === 'set' ? 'SE' : 'GE',
              position,
              `a GS at ${position} before the ${state === 'set' ? `SE of the set at ${openSet}` : `GE of the group at ${openGroup}`}`,
            ),
          ],
        );
      }
      state = 'group';
      openGroup = position;
    } else if (tag === 'ST') {
      if (state !== 'group') {
        fail(
          state === 'set'
            ? 'A transaction set has no trailer (SE).'
            : 'A transaction set is outside a functional group.',
          [
            at(
              'ST',
              position,
              state === 'set'
                ? `the set at ${openSet} has no SE before this ST`
                : 'ST must follow GS or the SE of the previous set',
            ),
          ],
        );
      }
      state = 'set';
      openSet = position;
    } else if (tag === 'SE') {
      if (state !== 'set')
        fail('An SE segment is outside a transaction set.', [at('SE', position, 'SE without its ST')]);
      state = 'group';
    } else if (tag === 'GE') {
      if (state !== 'group') {
        fail(
          state === 'set'
            ? 'A transaction set has no trailer (SE).'
            : 'A GE segment is outside a functional group.',
          [
            at(
              state === 'set' ? 'SE' : 'GE',
              position,
              state === 'set' ? `the set at ${openSet} has no SE before the GE` : 'GE without its GS',
            ),
          ],
        );
      }
      state = 'interchange';
    } else if (tag === 'IEA') {
      if (state !== 'interchange') {
        fail('A functional group has no trailer (GE).', [
          at(
            state === 'set' ? 'SE' : 'GE',
            position,
            `the ${state === 'set' ? `set at ${openSet}` : `group at ${openGroup}`} is not closed before IEA`,
          ),
        ]);
      }
      state = 'done';
    } else if (state !== 'set') {
      fail('A segment is outside a transaction set.', [
        at(
          valid ? tag : guess,
          position,
          `segment ${valid ? tag : `"${guess}"`} must be between an ST and its SE`,
        ),
      ]);
    }
    out.push({ tag, valid });
    i = end + 1;
  }
  if (state !== 'done') {
    const missing = state === 'set' ? 'SE' : state === 'group' ? 'GE' : 'IEA';
    fail(`The interchange is truncated: it ends without its ${missing}.`, [
      at(
        missing,
        out.length + 1,
        `the file ends before the ${missing} segment${state === 'set' ? ` of the set at ${openSet}` : state === 'group' ? ` of the group at ${openGroup}` : ''}`,
      ),
    ]);
  }
  return out;
}

interface ParsedSegment {
  readonly tag: string;
  readonly elements: readonly { readonly value: string }[];
}
interface ParsedTransaction {
  readonly header: ParsedSegment;
  readonly trailer: ParsedSegment;
  readonly segments: readonly ParsedSegment[];
}
interface ParsedGroup {
  readonly header: ParsedSegment;
  readonly trailer: ParsedSegment;
  readonly transactions: readonly ParsedTransaction[];
}

const values = (s: ParsedSegment): string[] => s.elements.map((e) => e.value);

/**
 * Reads an interchange: its ISA (separators, version 00501), the envelope's order, then node-x12's
 * segments and elements, and the control numbers and counts of every level.
 *
 * @param text - the body, decoded
 * @returns the interchange, each transaction set with the errors that reject it
 * @throws X12SyntaxError (answered 400) when the file is not one readable 005010 837 interchange
 * @example readInterchange(fs.readFileSync('claims.837', 'utf8')).groups[0].sets.length
 */
export function readInterchange(text: string): ReadInterchange {
  if (typeof text !== 'string') fail('The body is not text.', [at('ISA', 1, 'send the interchange as text')]);
  let start = 0;
  while (start < text.length && isWhitespace(text.charCodeAt(start))) start++;
  const body = start === 0 ? text : text.slice(start);
  const { delimiters, isa } = readIsa(body);
  const element = (n: number) => isa[n - 1] ?? '';
  if (element(12) !== '00501') {
    fail(
      element(12) === '00401'
        ? 'This is a 004010 interchange (ISA12 00401); we read 005010 837 claims only (005010X222A1/A2 professional, 005010X223A2/A3 institutional).'
        : `ISA12 is "${element(12)}"; we read 005010 interchanges (ISA12 00501) only.`,
      [at('ISA', 1, 'must be 00501 (a 005010 interchange)', 12)],
    );
  }
  const isaControl = element(13);
  if (!/^\d{9}$/.test(isaControl))
    fail('ISA13 is not a control number.', [at('ISA', 1, 'must be nine digits', 13)]);
  const usage = element(15);
  if (usage !== 'P' && usage !== 'T') {
    fail('ISA15 is not a usage indicator.', [at('ISA', 1, 'must be P (production) or T (test)', 15)]);
  }
  const scanned = scan(body, delimiters);

  let parsed: { functionalGroups: readonly ParsedGroup[]; trailer?: ParsedSegment };
  try {
    parsed = new X12Parser(false).parse(body) as unknown as typeof parsed;
  } catch (error) {
    // Not expected after the scan; if node-x12 still refuses, the file is refused with its words.
    return fail('The interchange cannot be read.', [at('ISA', 1, `node-x12: ${(error as Error).message}`)]);
  }
  const groups: ReadGroup[] = [];
  const fileErrors: X12FieldError[] = [];
  let position = 1; // ISA
  for (const g of parsed.functionalGroups) {
    position++;
    const gsPosition = position;
    const gs = values(g.header);
    const gsAt = (e: number, message: string) => at('GS', gsPosition, message, e);
    const version = gs[7] ?? '';
    if (gs[0] !== 'HC') fileErrors.push(gsAt(1, `must be HC (health care claim), not "${gs[0] ?? ''}"`));
    if (!(version in IMPLEMENTATION_GUIDES)) {
      fileErrors.push(
        gsAt(
          8,
          version.startsWith('004010')
            ? `"${version}" is a 004010 guide; we read 005010 837s only (005010X222A1/A2, 005010X223A2/A3)`
            : `must be a 005010 837 guide (005010X222A1/A2 professional, 005010X223A2/A3 institutional), not "${version}"`,
        ),
      );
    }
    const groupControl = gs[5] ?? '';
    if (!/^\d{1,9}$/.test(groupControl))
      fileErrors.push(gsAt(6, 'must be a control number of 1 to 9 digits'));
    const sets: ReadSet[] = [];
    const seen = new Set<string>();
    for (const t of g.transactions) {
      position++;
      const stPosition = position;
      const st = values(t.header);
      const findings: X12Finding[] = [];
      const id = st[0] ?? '';
      const control = st[1] ?? '';
      const implementation = st[2] ?? '';
      const kind = IMPLEMENTATION_GUIDES[implementation as keyof typeof IMPLEMENTATION_GUIDES] as
        | ClaimKind
        | undefined;
      const setError = (
        segment: string,
        pos: number,
        setPos: number,
        e: number,
        code: string,
        message: string,
      ) => findings.push({ ...at(segment, pos, message, e), setPosition: setPos, setCode: code });
      if (id !== '837')
        setError('ST', stPosition, 1, 1, '1', `must be 837, not "${id}": we read claims only`);
      if (!/^[0-9A-Za-z]{4,9}$/.test(control))
        setError('ST', stPosition, 1, 2, '7', 'must be 4 to 9 characters');
      else if (seen.has(control))
        setError('ST', stPosition, 1, 2, '23', `control number ${control} is used twice in the group`);
      seen.add(control);
      if (kind === undefined) {
        setError(
          'ST',
          stPosition,
          1,
          3,
          'I6',
          `must be a 005010 837 guide (005010X222A1/A2, 005010X223A2/A3), not "${implementation}"`,
        );
      } else if (implementation !== version && version in IMPLEMENTATION_GUIDES) {
        const groupKind = IMPLEMENTATION_GUIDES[version as keyof typeof IMPLEMENTATION_GUIDES];
        if (groupKind !== kind)
          setError(
            'ST',
            stPosition,
            1,
            3,
            'I6',
            `is ${kind} but the group's GS08 ${version} is ${groupKind}`,
          );
      }
      const segments: Segment[] = [];
      for (const s of t.segments) {
        position++;
        const setPosition = segments.length + 2;
        const scannedSegment = scanned[position - 1];
        if (scannedSegment !== undefined && !scannedSegment.valid) {
          findings.push({
            ...at(
              scannedSegment.tag.slice(0, 3) || '(empty)',
              position,
              `"${scannedSegment.tag}" is not a segment id`,
            ),
            setPosition,
            segmentCode: '1',
          });
        }
        segments.push({ tag: s.tag, elements: values(s), position, setPosition });
      }
      position++;
      const se = values(t.trailer);
      const count = segments.length + 2;
      if (se[0] !== String(count)) {
        setError(
          'SE',
          position,
          count,
          1,
          '4',
          `says ${se[0] ?? ''} segments; the set has ${count} (ST to SE)`,
        );
      }
      if (se[1] !== control)
        setError('SE', position, count, 2, '3', `is "${se[1] ?? ''}"; ST02 is "${control}"`);
      sets.push({ id, controlNumber: control, implementation, kind, segments, findings });
    }
    position++;
    const ge = values(g.trailer);
    if (ge[0] !== String(g.transactions.length)) {
      fileErrors.push(
        at('GE', position, `says ${ge[0] ?? ''} transaction sets; the group has ${g.transactions.length}`, 1),
      );
    }
    if (ge[1] !== groupControl)
      fileErrors.push(at('GE', position, `is "${ge[1] ?? ''}"; GS06 is "${groupControl}"`, 2));
    groups.push({
      functionalId: gs[0] ?? '',
      sender: gs[1] ?? '',
      receiver: gs[2] ?? '',
      controlNumber: groupControl,
      version,
      sets,
    });
  }
  position++;
  if (position !== scanned.length) {
    // node-x12 and the scan disagree on the segments: refuse rather than misplace an error.
    fail('The interchange cannot be read.', [
      at('IEA', scanned.length, 'node-x12 read a different number of segments'),
    ]);
  }
  const iea = parsed.trailer === undefined ? [] : values(parsed.trailer);
  if (iea[0] !== String(groups.length)) {
    fileErrors.push(
      at('IEA', position, `says ${iea[0] ?? ''} functional groups; the interchange has ${groups.length}`, 1),
    );
  }
  // node-x12 reads IEA02 as a number; ISA13 is compared as one too (both nine digits when sent right).
  if (Number(iea[1]) !== Number(isaControl)) {
    fileErrors.push(at('IEA', position, `does not match ISA13 "${isaControl}"`, 2));
  }
  if (groups.length === 0) fileErrors.push(at('IEA', position, 'the interchange has no functional group'));
  if (fileErrors.length > 0) {
    fail('The interchange envelope is not right; see errors.', fileErrors);
  }
  return {
    delimiters,
    envelope: {
      sender: { qualifier: element(5).trim(), id: element(6).trim() },
      receiver: { qualifier: element(7).trim(), id: element(8).trim() },
      controlNumber: Number(isaControl),
      usage,
      groups: groups.map((g) => ({
        functionalId: g.functionalId,
        controlNumber: g.controlNumber,
        version: g.version,
      })),
    },
    groups,
  };
}

/**
 * How many service lines (LX segments) an interchange holds, counted without reading it: the
 * separators come from the ISA's fixed positions and each segment start is checked for `LX`. For
 * refusing a file larger than one request prices before any work is spent on it; a body that is
 * not X12 counts 0 and is refused by {@link readInterchange}.
 *
 * @param text - the interchange as sent
 * @returns the number of LX segments
 */
export function serviceLineCount(text: string): number {
  if (!text.startsWith('ISA') || text.length < ISA_LENGTH) return 0;
  const tag = `LX${text.charAt(3)}`;
  const terminator = text.charAt(105);
  let count = 0;
  let end = text.indexOf(terminator, ISA_LENGTH - 1);
  while (end !== -1) {
    let start = end + 1;
    while (start < text.length && isWhitespace(text.charCodeAt(start))) start++;
    if (text.startsWith(tag, start)) count++;
    end = text.indexOf(terminator, start);
  }
  return count;
}
