import type { InboundEnvelope, X12Finding } from './read.js';
import { interchange, segment } from './write.js';

/**
 * The 999 implementation acknowledgment of an 837 interchange (005010X231A1), as a structure (the
 * JSON answer carries it) and as X12 (`write999`). Code values are the 999 TR3's: IK304 segment
 * syntax errors, IK403 element syntax errors, IK501 and AK901 statuses, IK502 and AK905 error
 * codes; where they come from, and which we use, is docs/decisions/017-x12-claims-in.md.
 *
 * A set is A (accepted: every claim priced), E (accepted with errors noted: priced, some claims
 * rejected) or R (rejected: nothing in it priced). A group is A, E, P (partially accepted: some
 * sets rejected) or R (every set rejected).
 */

/** One element in error (loop 2110 IK4). */
export interface AckElementError {
  /** IK401-1, the element's position in its segment. */
  readonly element: number;
  /** IK401-2, the component's position in a composite. */
  readonly component?: number;
  /** IK402, the data element reference number, when known. */
  readonly reference?: string;
  /** IK403, the element syntax error code. */
  readonly code: string;
  /** IK404, a copy of the bad value. */
  readonly badValue?: string;
}

/** One segment in error (loop 2100 IK3), with the claim it is in (CTX) and its elements (IK4). */
export interface AckSegmentError {
  /** IK301. */
  readonly segment: string;
  /** IK302, the position in the transaction set (ST = 1). */
  readonly position: number;
  /** IK303, the loop id, when known. */
  readonly loop?: string;
  /** IK304, the segment syntax error code. */
  readonly code: string;
  /** CTX*CLM01: the claim's patient control number when the error is inside a claim. */
  readonly claimId?: string;
  readonly elements: readonly AckElementError[];
  /** Our plain words for it (the JSON answer only; the 999 has codes). */
  readonly message: string;
}

/** One transaction set's acknowledgment (loop 2000 AK2 … IK5). */
export interface SetAcknowledgment {
  /** AK202, the set's ST02. */
  readonly controlNumber: string;
  /** AK203, the set's ST03. */
  readonly implementation: string;
  /** IK501. */
  readonly status: 'A' | 'E' | 'R';
  /** IK502–IK506, the set's error codes. */
  readonly codes: readonly string[];
  readonly errors: readonly AckSegmentError[];
}

/** One functional group's acknowledgment (AK1 … AK9). */
export interface GroupAcknowledgment {
  /** AK101, the group's GS01. */
  readonly functionalId: string;
  /** AK102, the group's GS06. */
  readonly controlNumber: string;
  /** AK103, the group's GS08. */
  readonly version: string;
  readonly sets: readonly SetAcknowledgment[];
  /** AK901. */
  readonly status: 'A' | 'E' | 'P' | 'R';
  /** AK902, AK903, AK904: sets included (GE01), received, accepted (A or E). */
  readonly included: number;
  readonly received: number;
  readonly accepted: number;
}

/** An interchange's acknowledgment: one entry a functional group. */
export interface Acknowledgment {
  readonly groups: readonly GroupAcknowledgment[];
}

/**
 * A segment error of the 999 from a finding of the reader or of the claims.
 *
 * @param finding - where and what
 * @param claimId - the claim's CLM01 when the error is inside a claim (CTX)
 * @returns the IK3 (and IK4) of it
 */
export function ackError(finding: X12Finding, claimId?: string): AckSegmentError {
  const elements: AckElementError[] =
    finding.element === undefined
      ? []
      : [
          {
            element: finding.element,
            ...(finding.component === undefined ? {} : { component: finding.component }),
            ...(finding.reference === undefined ? {} : { reference: finding.reference }),
            code: finding.elementCode ?? '7',
            ...(finding.badValue === undefined ? {} : { badValue: finding.badValue }),
          },
        ];
  return {
    segment: finding.segment,
    position: finding.setPosition ?? 0,
    ...(finding.loop === undefined ? {} : { loop: finding.loop }),
    code: finding.segmentCode ?? (elements.length > 0 ? '8' : '2'),
    ...(claimId === undefined ? {} : { claimId }),
    elements,
    message: `${finding.field}: ${finding.errorMessage}`,
  };
}

/**
 * A group's status and counts from its sets' statuses (999 TR3, AK9).
 *
 * @param sets - the sets' acknowledgments
 * @returns AK901, AK902–AK904
 */
export function groupStatus(
  sets: readonly SetAcknowledgment[],
): Pick<GroupAcknowledgment, 'status' | 'included' | 'received' | 'accepted'> {
  const accepted = sets.filter((s) => s.status !== 'R').length;
  const status =
    accepted === 0 && sets.length > 0
      ? 'R'
      : accepted < sets.length
        ? 'P'
        : sets.some((s) => s.status === 'E')
          ? 'E'
          : 'A';
  return { status, included: sets.length, received: sets.length, accepted };
}

/** When and under which control number the 999 is written (the caller's clock and counter). */
export interface AckWriteOptions {
  readonly at: Date;
  /** ISA13 and GS06 of the 999. */
  readonly controlNumber: number;
}

/**
 * The 999 as X12: one 999 transaction set a received functional group, in an interchange from the
 * 837's receiver back to its sender, in the 837's usage (a test file gets a test answer).
 *
 * @param ack - the acknowledgment
 * @param envelope - the inbound interchange's envelope
 * @param options - the time and control number of the answer
 * @returns the 999 interchange
 * @example write999(priced.acknowledgment, priced.envelope, { at: new Date(), controlNumber: 1 })
 */
export function write999(ack: Acknowledgment, envelope: InboundEnvelope, options: AckWriteOptions): string {
  const sets = ack.groups.map((group, g) => {
    const segments: string[] = [segment('AK1', group.functionalId, group.controlNumber, group.version)];
    for (const set of group.sets) {
      segments.push(segment('AK2', '837', set.controlNumber, set.implementation));
      for (const error of set.errors) {
        segments.push(segment('IK3', error.segment, String(error.position), error.loop, error.code));
        if (error.claimId !== undefined) segments.push(segment('CTX', ['CLM01', error.claimId]));
        for (const e of error.elements) {
          segments.push(
            segment(
              'IK4',
              [String(e.element), e.component === undefined ? '' : String(e.component)],
              e.reference,
              e.code,
              e.badValue,
            ),
          );
        }
      }
      segments.push(segment('IK5', set.status, ...set.codes.slice(0, 5)));
    }
    segments.push(
      segment('AK9', group.status, String(group.included), String(group.received), String(group.accepted)),
    );
    return {
      id: '999',
      controlNumber: String(g + 1).padStart(4, '0'),
      implementation: '005010X231A1',
      segments,
    };
  });
  return interchange(
    {
      sender: envelope.receiver,
      receiver: envelope.sender,
      interchangeControlNumber: options.controlNumber,
      groupControlNumber: options.controlNumber,
      functionalIdentifier: 'FA',
      version: '005010X231A1',
      usage: envelope.usage,
      at: options.at,
    },
    sets,
  );
}
