import { createHash } from 'node:crypto';
import { BillValidationError } from '../../engine/errors.js';
import type { ExplainLevel } from '../../engine/explain.js';
import { cents, formatCents, parseCents } from '../../engine/money.js';
import type { PricedAnswer } from '../../engine/price-request.js';
import type { PricedBill } from '../../engine/priced-bill.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { type Acknowledgment, write999 } from '../../x12/ack-999.js';
import type { X12FieldError } from '../../x12/errors.js';
import { remittanceOfJsonBill } from '../../x12/payment.js';
import {
  acknowledgeInterchange,
  type ClaimPricer,
  type PricedInterchange,
  priceInterchange,
  remittanceOf,
} from '../../x12/price-interchange.js';
import { type InboundEnvelope, serviceLineCount } from '../../x12/read.js';
import { write835 } from '../../x12/remit-835.js';
import type { PaymentDetails } from '../../x12/remittance-claim.js';
import type { InterchangeParty } from '../../x12/write.js';
import { BillTooLargeError, BULK_ROUTE } from '../answers.js';

/**
 * The X12 use cases of the price and acknowledgment routes (issue 18): an 837 interchange priced
 * and answered as JSON or as an 835, a JSON bill answered as an 835, and an 837 acknowledged with
 * a 999 without pricing. The X12 itself is read and written by lambdas/x12 (pure); here are the
 * clock, the answer's control numbers, the limits of one synchronous request and the JSON answer's
 * shape. Nothing here logs: claims are PHI.
 */

/**
 * Most service lines one synchronous X12 request prices, over all its claims: five times the
 * largest JSON bill (999 lines), so a clearinghouse file of a few hundred claims prices in one
 * request (about 60 ms of pricing on one core), while its fully explained JSON answer (~6 KB a
 * line) stays a size the answer store takes. Larger files go to the bulk route.
 */
export const MAX_X12_SERVICE_LINES = 5_000;

/** Who we are in the envelopes we write when no inbound interchange says (a JSON bill's 835). */
export const OUR_INTERCHANGE_ID: InterchangeParty = { qualifier: 'ZZ', id: 'WCBR' };

/** What an X12 answer needs beyond the body: the request, its level and payment, the time. */
export interface X12RequestOptions {
  readonly requestId: string;
  /** `jurisdiction` query parameter: wins over each claim's CLM11 (decision 017). */
  readonly jurisdiction?: string;
  readonly explain: ExplainLevel;
  /** From the payment query parameters; undefined for a review-only 835. */
  readonly payment?: PaymentDetails;
  /** The answer's time, read from the caller's clock. */
  readonly at: Date;
  /** Prices each claim (default the engine's): the price route's also sends analytics records. */
  readonly price?: ClaimPricer;
  /** The tenant the claims are priced for (the token's): its contracts apply (issue 20). */
  readonly tenant?: string;
}

/**
 * The interchange (and group) control number of an answer: nine digits derived from the request
 * id, so that one request always answers the same number and two requests almost never share one
 * (the sender matches answers by it; ISA13 is 1 to 999999999).
 *
 * @param requestId - the request's id
 * @returns 1 to 999999999
 */
export function controlNumberOf(requestId: string): number {
  const digest = createHash('sha256').update(requestId).digest();
  return (digest.readUInt32BE(0) % 999_999_999) + 1;
}

/** An X12 answer's envelope: from the inbound receiver back to its sender, in its usage. */
function replyEnvelope(envelope: InboundEnvelope, options: X12RequestOptions) {
  return {
    sender: envelope.receiver,
    receiver: envelope.sender,
    usage: envelope.usage,
    interchangeControlNumber: controlNumberOf(options.requestId),
    requestId: options.requestId,
    at: options.at,
  };
}

/**
 * Refuses, before any reading or pricing, an interchange with more service lines than one request
 * prices: 413 naming the bulk route, as a JSON bill of more than 999 lines is.
 *
 * @param text - the interchange as sent
 * @throws BillTooLargeError (413)
 */
export function refuseUnanswerableInterchange(text: string): void {
  const lines = serviceLineCount(text);
  if (lines > MAX_X12_SERVICE_LINES) {
    // The bulk route reads JSON lines, not X12 (yet): the advice is to split the file.
    throw new BillTooLargeError(
      `The interchange holds ${lines} service lines; one request prices at most ${MAX_X12_SERVICE_LINES}. Split it into interchanges of at most ${MAX_X12_SERVICE_LINES} service lines, or send its claims as JSON lines to the bulk route, ${BULK_ROUTE}.`,
      [{ field: 'LX', errorMessage: `at most ${MAX_X12_SERVICE_LINES} service lines (LX) a request` }],
      `This interchange is too large to price in one request; split it into interchanges of at most ${MAX_X12_SERVICE_LINES} service lines.`,
    );
  }
}

/** The JSON answer's acknowledgment: the structure, and the 999 itself. */
export interface AcknowledgmentAnswer {
  /** AK901 of each functional group, and each set's IK501 with its errors. */
  readonly groups: Acknowledgment['groups'];
  /** The 999 (005010X231A1) as X12, ready to send back to the submitter. */
  readonly x12: string;
}

/** The totals of the claims priced (rejected claims are not in them), in dollars as strings. */
export interface InterchangeTotals {
  readonly claims: number;
  readonly priced: number;
  readonly rejected: number;
  readonly lines: number;
  readonly billed: string;
  readonly allowed: string;
  readonly withheld: string;
  /** Billed amount of unpriced lines (not in allowed or withheld). */
  readonly unpricedBilled: string;
}

/** `POST /v1/bills/price` with an 837 body, answered as JSON. */
export interface InterchangeAnswer {
  readonly requestId: string;
  readonly interchange: {
    /** ISA13 of the 837. */
    readonly controlNumber: string;
    /** ISA06 and ISA08. */
    readonly sender: string;
    readonly receiver: string;
    readonly usage: 'P' | 'T';
  };
  readonly claims: readonly {
    readonly transactionSet: string;
    /** CLM01, also the bill's billId. */
    readonly claimId: string;
    /** REF*Y4, the property and casualty claim number, passed through. */
    readonly claimNumber?: string;
    readonly bill: PricedAnswer;
  }[];
  readonly rejected: readonly {
    readonly transactionSet: string;
    readonly claimId?: string;
    readonly errors: readonly X12FieldError[];
  }[];
  readonly totals: InterchangeTotals;
  readonly acknowledgment: AcknowledgmentAnswer;
}

function totalsOf(priced: PricedInterchange): InterchangeTotals {
  let billed = 0;
  let allowed = 0;
  let withheld = 0;
  let unpricedBilled = 0;
  let lines = 0;
  for (const claim of priced.claims) {
    const t = claim.answer.totals;
    billed += parseCents(t.billed);
    allowed += parseCents(t.allowed);
    withheld += parseCents(t.withheld);
    unpricedBilled += parseCents(t.unpricedBilled);
    lines += t.lines;
  }
  return {
    claims: priced.claims.length + priced.rejected.filter((r) => r.claimId !== undefined).length,
    priced: priced.claims.length,
    rejected: priced.rejected.filter((r) => r.claimId !== undefined).length,
    lines,
    billed: formatCents(cents(billed)),
    allowed: formatCents(cents(allowed)),
    withheld: formatCents(cents(withheld)),
    unpricedBilled: formatCents(cents(unpricedBilled)),
  };
}

/**
 * An 837 priced and answered as JSON: each claim's priced bill at the level asked, the claims we
 * could not price with their positioned errors, the totals, and the 999.
 *
 * @param index - the fee index
 * @param text - the interchange
 * @param options - request id, jurisdiction, level, time
 * @returns the answer
 * @throws X12SyntaxError (400) when the file is not one readable 005010 837 interchange
 */
export function interchangeAnswer(
  index: FeeIndex,
  text: string,
  options: X12RequestOptions,
): InterchangeAnswer {
  refuseUnanswerableInterchange(text);
  const priced = priceInterchange(index, text, {
    explain: options.explain,
    ...(options.jurisdiction === undefined ? {} : { jurisdiction: options.jurisdiction }),
    ...(options.price === undefined ? {} : { price: options.price }),
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
  });
  const { envelope } = priced;
  return {
    requestId: options.requestId,
    interchange: {
      controlNumber: String(envelope.controlNumber).padStart(9, '0'),
      sender: envelope.sender.id,
      receiver: envelope.receiver.id,
      usage: envelope.usage,
    },
    claims: priced.claims.map((c) => ({
      transactionSet: c.transactionSet,
      claimId: c.claimId,
      ...(c.claimNumber === undefined ? {} : { claimNumber: c.claimNumber }),
      bill: c.answer,
    })),
    rejected: priced.rejected,
    totals: totalsOf(priced),
    acknowledgment: {
      groups: priced.acknowledgment.groups,
      x12: write999(priced.acknowledgment, envelope, {
        at: options.at,
        controlNumber: controlNumberOf(options.requestId),
      }),
    },
  };
}

/**
 * An 837 priced and answered as an 835 for the claims priced (the claims rejected are in the 999:
 * `Accept: application/json`, or the acknowledgment route).
 *
 * @param index - the fee index
 * @param text - the interchange
 * @param options - request id, jurisdiction, payment, time (the level is always full: the 835 reads dates)
 * @returns the 835, the claims it remits and how many were rejected
 * @throws X12SyntaxError (400) when the file is not one readable 005010 837 interchange
 */
export function interchangeRemittance(
  index: FeeIndex,
  text: string,
  options: X12RequestOptions,
): {
  readonly x12: string;
  /** The claims remitted, priced in full (for metrics and the request's log line). */
  readonly priced: readonly PricedAnswer[];
  readonly rejected: number;
} {
  refuseUnanswerableInterchange(text);
  const priced = priceInterchange(index, text, {
    explain: 'full',
    ...(options.jurisdiction === undefined ? {} : { jurisdiction: options.jurisdiction }),
    ...(options.price === undefined ? {} : { price: options.price }),
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
  });
  if (priced.claims.length === 0) {
    // An 835 remits something: with no claim priced there is nothing to remit, only the 999.
    throw new BillValidationError(
      `No claim of the interchange could be priced (${priced.rejected.length} rejected): the errors say why; the 999 is answered as JSON (Accept: application/json) or by POST /v1/x12/acknowledgments.`,
      priced.rejected.flatMap((r) =>
        r.errors.map((e) => ({
          ...e,
          errorMessage: `${r.claimId === undefined ? `transaction set ${r.transactionSet}` : `claim ${r.claimId}`}: ${e.errorMessage}`,
        })),
      ),
    );
  }
  const x12 = write835(priced.claims.map(remittanceOf), {
    ...replyEnvelope(priced.envelope, options),
    ...(options.payment === undefined ? {} : { payment: options.payment }),
  });
  return { x12, priced: priced.claims.map((c) => c.answer), rejected: priced.rejected.length };
}

/**
 * A JSON bill's priced answer as an 835, from us to the payee the bill names.
 *
 * @param priced - the bill priced in full
 * @param options - request id, payment, time
 * @returns the 835
 */
export function billRemittance(priced: PricedBill, options: X12RequestOptions): string {
  const input = remittanceOfJsonBill(priced, options.requestId);
  const payee = priced.parties.billingProvider;
  return write835([input], {
    sender: OUR_INTERCHANGE_ID,
    receiver: { qualifier: 'ZZ', id: payee?.npi ?? payee?.taxId ?? 'PAYEE' },
    usage: 'P',
    interchangeControlNumber: controlNumberOf(options.requestId),
    requestId: options.requestId,
    at: options.at,
    ...(options.payment === undefined ? {} : { payment: options.payment }),
  });
}

/**
 * An 837 acknowledged without pricing: the same reading and normalising as the price route
 * (codes, dates, units, places, the jurisdiction each claim needs), answered as the 999 and its
 * structure.
 *
 * @param text - the interchange
 * @param options - request id, jurisdiction, time
 * @returns the acknowledgment
 * @throws X12SyntaxError (400) when the file is not one readable 005010 837 interchange
 */
export function interchangeAcknowledgment(
  text: string,
  options: Pick<X12RequestOptions, 'requestId' | 'jurisdiction' | 'at'>,
): AcknowledgmentAnswer & { readonly rejected: PricedInterchange['rejected'] } {
  refuseUnanswerableInterchange(text);
  const acknowledged = acknowledgeInterchange(
    text,
    options.jurisdiction === undefined ? {} : { jurisdiction: options.jurisdiction },
  );
  return {
    groups: acknowledged.acknowledgment.groups,
    rejected: acknowledged.rejected,
    x12: write999(acknowledged.acknowledgment, acknowledged.envelope, {
      at: options.at,
      controlNumber: controlNumberOf(options.requestId),
    }),
  };
}
