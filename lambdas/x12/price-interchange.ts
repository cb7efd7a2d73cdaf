import { type NormalisedAnyBill, normaliseRequest } from '../engine/bill/normalise-request.js';
import { BillValidationError, type FieldError } from '../engine/errors.js';
import type { ExplainLevel } from '../engine/explain.js';
import { type PricedAnswer, priceRequest } from '../engine/price-request.js';
import type { FeeIndex } from '../fee-index/reader.js';
import {
  type Acknowledgment,
  type AckSegmentError,
  ackError,
  type GroupAcknowledgment,
  groupStatus,
  type SetAcknowledgment,
} from './ack-999.js';
import { type ClaimFromX12, claimsOf, findingAt, sourceOf } from './claims-837.js';
import type { X12FieldError } from './errors.js';
import { type InboundEnvelope, readInterchange, type X12Finding } from './read.js';
import type { RemittanceClaim, RemittanceParties } from './remittance-claim.js';

/**
 * Pricing an 837 interchange: every claim of every accepted transaction set becomes our JSON bill
 * and goes through the same `normaliseRequest` and `priceRequest` as a JSON bill (never a second
 * pricing path); the errors become the 999. A file we cannot read at all throws X12SyntaxError
 * (400). Nothing here logs: the claims are PHI.
 */

export type { Acknowledgment } from './ack-999.js';
export type { InboundEnvelope } from './read.js';

/** The request's options: its jurisdiction (wins over the claims') and explanation level. */
export interface PriceInterchangeOptions {
  readonly jurisdiction?: string;
  readonly explain?: ExplainLevel;
  /** The tenant the claims are priced for: its contracts apply (issue 20); none: no contract. */
  readonly tenant?: string;
  /**
   * Prices one claim's bill at a level; default the engine's `priceRequest`. The caller's own
   * (the price route's) also sends each claim's analytics records (issue 19).
   */
  readonly price?: ClaimPricer;
}

/** Prices one normalised claim at a level. */
export type ClaimPricer = (bill: NormalisedAnyBill, explain: ExplainLevel) => PricedAnswer;

/** A claim priced. */
export interface PricedClaim {
  /** ST02 of its transaction set. */
  readonly transactionSet: string;
  /** CLM01, the patient control number (PHI: never logged). */
  readonly claimId: string;
  /** REF*Y4, the property and casualty claim number (PHI). */
  readonly claimNumber?: string;
  /** priceRequest's answer at the level asked. */
  readonly answer: PricedAnswer;
  /** What the 835 says about the claim beyond its priced bill ({@link remittanceOf} joins them). */
  readonly remittance: Omit<RemittanceClaim, 'priced'>;
  readonly parties: RemittanceParties;
}

/**
 * A priced claim as the 835 writer takes it. The 835 reads each line's date of service and the
 * facility bill's dates, which only the full answer carries (`summary` and `none` leave them out):
 * price with `explain: 'full'` to remit.
 *
 * @param claim - a claim of {@link priceInterchange}'s answer, priced in full
 * @returns the claim's remittance facts with its priced bill, and its payer and payee
 * @throws Error when the claim was priced at a lighter level (a caller's mistake, never a client's)
 */
export function remittanceOf(claim: PricedClaim): {
  readonly remittance: RemittanceClaim;
  readonly parties: RemittanceParties;
} {
  if ('explain' in claim.answer) {
    throw new Error(`an 835 is written from full answers; this claim was priced at ${claim.answer.explain}`);
  }
  return { remittance: { ...claim.remittance, priced: claim.answer }, parties: claim.parties };
}

/** A claim (or a whole transaction set, without claimId) we could not price, and why. */
export interface RejectedClaim {
  readonly transactionSet: string;
  readonly claimId?: string;
  readonly errors: readonly X12FieldError[];
}

/** The answer to an 837 interchange. */
export interface PricedInterchange {
  readonly envelope: InboundEnvelope;
  readonly claims: readonly PricedClaim[];
  readonly rejected: readonly RejectedClaim[];
  readonly acknowledgment: Acknowledgment;
}

/** The acknowledgment of an interchange without pricing. */
export interface AcknowledgedInterchange {
  readonly envelope: InboundEnvelope;
  readonly rejected: readonly RejectedClaim[];
  readonly acknowledgment: Acknowledgment;
}

/** The X12 error (999 and JSON) for a normaliser field error on a claim. */
function fromFieldError(claim: ClaimFromX12, error: FieldError): X12Finding {
  const source = sourceOf(claim, error.field);
  const required = error.errorMessage === 'is required';
  const dateField = /date/i.test(error.field);
  // IK404 carries codes and amounts back, never a date or a name (the 999 needs no PHI to be read).
  const value = dateField ? undefined : valueAt(claim.bill, error.field);
  return findingAt(
    source,
    `${error.field}: ${error.errorMessage}`,
    '8',
    required ? '1' : dateField ? '8' : '7',
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined,
  );
}

/** The value at a JSON path of a bill ("lines[2].code"), for IK404. */
function valueAt(bill: unknown, path: string): unknown {
  let here: unknown = bill;
  for (const part of path.split(/[.[\]]/)) {
    if (part === '') continue;
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

const publicError = (f: X12Finding): X12FieldError => ({
  field: f.field,
  errorMessage: f.errorMessage,
  segment: f.segment,
  position: f.position,
  ...(f.setPosition === undefined ? {} : { setPosition: f.setPosition }),
  ...(f.loop === undefined ? {} : { loop: f.loop }),
  ...(f.element === undefined ? {} : { element: f.element }),
  ...(f.component === undefined ? {} : { component: f.component }),
});

type ClaimStep = (claim: ClaimFromX12) => PricedAnswer | undefined;

function run(text: string, jurisdiction: string | undefined, step: ClaimStep) {
  const read = readInterchange(text);
  const claims: PricedClaim[] = [];
  const rejected: RejectedClaim[] = [];
  const groups: GroupAcknowledgment[] = [];
  for (const group of read.groups) {
    const sets: SetAcknowledgment[] = [];
    for (const set of group.sets) {
      const base = { controlNumber: set.controlNumber, implementation: set.implementation };
      const read837 =
        set.findings.length === 0 ? claimsOf(set, read.delimiters, { jurisdiction }) : undefined;
      const setFindings = [...set.findings, ...(read837?.findings ?? [])];
      if (setFindings.length > 0 || read837 === undefined) {
        const codes = [...new Set(setFindings.map((f) => f.setCode ?? '5'))];
        sets.push({
          ...base,
          status: 'R',
          codes,
          errors: setFindings.filter((f) => f.segmentCode !== undefined).map((f) => ackError(f)),
        });
        rejected.push({ transactionSet: set.controlNumber, errors: setFindings.map(publicError) });
        continue;
      }
      const errors: AckSegmentError[] = [];
      let priced = 0;
      for (const claim of read837.claims) {
        let findings: X12Finding[] = [...claim.findings];
        let answer: PricedAnswer | undefined;
        if (findings.length === 0) {
          try {
            answer = step(claim);
          } catch (error) {
            if (!(error instanceof BillValidationError)) throw error;
            findings = error.errors.map((e) => fromFieldError(claim, e));
          }
        }
        if (findings.length > 0) {
          errors.push(...findings.map((f) => ackError(f, claim.claimId)));
          rejected.push({
            transactionSet: set.controlNumber,
            claimId: claim.claimId,
            errors: findings.map(publicError),
          });
          continue;
        }
        priced++;
        if (answer !== undefined) {
          claims.push({
            transactionSet: set.controlNumber,
            claimId: claim.claimId,
            ...(claim.remittance.claimNumber === undefined
              ? {}
              : { claimNumber: claim.remittance.claimNumber }),
            answer,
            remittance: claim.remittance,
            parties: claim.parties,
          });
        }
      }
      const allRejected = read837.claims.length > 0 && priced === 0;
      sets.push({
        ...base,
        status: errors.length === 0 ? 'A' : allRejected ? 'R' : 'E',
        codes: errors.length === 0 ? [] : ['I5'],
        errors,
      });
    }
    groups.push({
      functionalId: group.functionalId,
      controlNumber: group.controlNumber,
      version: group.version,
      sets,
      ...groupStatus(sets),
    });
  }
  return { envelope: read.envelope, claims, rejected, acknowledgment: { groups } };
}

/**
 * Prices every claim of an 837P/837I interchange.
 *
 * @param index - the fee index
 * @param text - the interchange
 * @param options - `jurisdiction` (wins over CLM11) and `explain` (default "full")
 * @returns the envelope, the priced claims, the rejected claims and sets, and the 999 acknowledgment
 * @throws X12SyntaxError when the file is not one readable 005010 837 interchange (answered 400)
 * @example priceInterchange(index, text, { jurisdiction: 'CA', explain: 'summary' }).claims[0].answer.totals
 */
export function priceInterchange(
  index: FeeIndex,
  text: string,
  options: PriceInterchangeOptions = {},
): PricedInterchange {
  const explain = options.explain ?? 'full';
  const price: ClaimPricer =
    options.price ??
    ((bill, level) =>
      priceRequest(
        index,
        bill,
        options.tenant === undefined ? { explain: level } : { explain: level, tenant: options.tenant },
      ));
  return run(text, options.jurisdiction, (claim) => price(normaliseRequest(claim.bill), explain));
}

/**
 * The 999 of an interchange without pricing: the same reading and the same normaliser (codes,
 * dates, units, places), but not the fee index's checks (an unknown code or jurisdiction is
 * found only when pricing).
 *
 * @param text - the interchange
 * @param options - `jurisdiction` (wins over CLM11)
 * @returns the envelope, the rejected claims and sets, and the acknowledgment
 * @throws X12SyntaxError when the file is not one readable 005010 837 interchange (answered 400)
 * @example write999(acknowledgeInterchange(text).acknowledgment, envelope, { at, controlNumber: 1 })
 */
export function acknowledgeInterchange(
  text: string,
  options: { readonly jurisdiction?: string } = {},
): AcknowledgedInterchange {
  const { envelope, rejected, acknowledgment } = run(text, options.jurisdiction, (claim) => {
    normaliseRequest(claim.bill);
    return undefined;
  });
  return { envelope, rejected, acknowledgment };
}
