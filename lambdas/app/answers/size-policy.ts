/**
 * The size policy of synchronous answers (issue 17, § 2; docs/decisions/014-answer-size-policy.md):
 * a bill with more lines than {@link MAX_SYNC_LINES} is refused up front with 413 naming the bulk
 * route; an answer whose Lambda proxy result would pass {@link MAX_INLINE_RESPONSE_BYTES} is stored
 * whole ({@link OversizedAnswerStore}) and answered 303 See Other to a signed link, with a small
 * body that carries the link and the bill's totals. No answer is ever cut.
 *
 * Shared by every route that answers a priced bill (the price route today, Recon next): each calls
 * {@link refuseUnanswerableBill} on the parsed body and {@link answerWithinLimit} with its answer.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { BillTooLargeError, BULK_ROUTE, ForbiddenError, jsonResponse } from '../answers.js';
import type { OversizedAnswerStore, StoredAnswer } from './oversized-store.js';

/**
 * Lambda's synchronous invocation payload limit, request and response alike: 6 MB, counted on the
 * whole proxy result as the runtime serialises it (statusCode, headers and the body as a JSON
 * string), https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html.
 */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6_291_456;

/**
 * What is kept free below the limit: headers a middleware or API Gateway's integration adds after
 * the size is measured, and a runtime that frames the payload differently from JSON.stringify.
 * 64 KiB is a hundred times our own headers; it costs 1% of the limit.
 */
export const RESPONSE_MARGIN_BYTES = 65_536;

/** The largest proxy result answered inline: 6,225,920 bytes. */
export const MAX_INLINE_RESPONSE_BYTES = LAMBDA_SYNC_PAYLOAD_BYTES - RESPONSE_MARGIN_BYTES;

/**
 * The most lines a bill priced in one request may have: the X12 837I's limit of service lines a
 * claim (and twenty times the 837P's 50), which the bill schemas have always held. A 999-line bill
 * with external values prices in well under a second in process and its answer is stored in one
 * PUT; a bigger bill is not one claim, and belongs in a batch.
 */
export const MAX_SYNC_LINES = 999;

/**
 * How many lines a request body declares, by the shapes POST /v1/bills/price reads: `lines` (this
 * API's JSON, professional or facility) or `claimInformation.serviceLines` (the claim JSON). Read
 * before validation, so a bill that can never be answered costs no normalisation.
 *
 * @param body - the parsed JSON body
 * @returns the length of the first line list found; 0 when there is none (validation says why)
 */
export function declaredLineCount(body: unknown): number {
  if (body === null || typeof body !== 'object') return 0;
  const lines = (body as { lines?: unknown }).lines;
  if (Array.isArray(lines)) return lines.length;
  const claim = (body as { claimInformation?: unknown }).claimInformation;
  if (claim === null || typeof claim !== 'object') return 0;
  const serviceLines = (claim as { serviceLines?: unknown }).serviceLines;
  return Array.isArray(serviceLines) ? serviceLines.length : 0;
}

/**
 * Refuses, before any pricing, a bill with more lines than one request prices.
 *
 * @param body - the parsed JSON body
 * @param maxLines - default {@link MAX_SYNC_LINES}
 * @throws BillTooLargeError (413, naming the bulk route) above the maximum
 */
export function refuseUnanswerableBill(body: unknown, maxLines: number = MAX_SYNC_LINES): void {
  const count = declaredLineCount(body);
  if (count <= maxLines) return;
  const field = Array.isArray((body as { lines?: unknown }).lines)
    ? 'lines'
    : 'claimInformation.serviceLines';
  throw new BillTooLargeError(
    `The bill has ${count} lines; one request prices at most ${maxLines} (docs/decisions/014-answer-size-policy.md). Price it with the bulk route, ${BULK_ROUTE}.`,
    [{ field, errorMessage: `at most ${maxLines} lines a bill; send larger bills to ${BULK_ROUTE}` }],
  );
}

/**
 * The bytes the body string adds when it is written as a JSON string inside the proxy result,
 * beyond its own UTF-8 bytes: one for each `"` and `\`, one for each `\b\f\n\r\t`, five for each
 * other control character (`\u00XX`), three for each lone surrogate (`\uDXXX` in place of the
 * three bytes of U+FFFD that Buffer.byteLength counts). One pass, no allocation.
 */
function escapeOverhead(text: string): number {
  let extra = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) extra += 1;
    else if (c < 0x20) extra += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 1 : 5;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else extra += 3;
    }
  }
  return extra;
}

/**
 * Whether a proxy result, serialised as the Lambda runtime serialises it
 * (`Buffer.byteLength(JSON.stringify(result))`), is at most `limit` bytes. Exact; the body's
 * characters are only counted when its size alone cannot decide (an escaped character takes at
 * most six bytes for one).
 *
 * @param result - the proxy result
 * @param limit - bytes
 * @returns true when it fits
 */
export function proxyResultFits(result: APIGatewayProxyResult, limit: number): boolean {
  const body = result.body ?? '';
  const envelope = Buffer.byteLength(JSON.stringify({ ...result, body: '' }), 'utf8');
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  if (envelope + bodyBytes > limit) return false;
  if (envelope + 6 * bodyBytes <= limit) return true;
  return envelope + bodyBytes + escapeOverhead(body) <= limit;
}

/** How a route answers a large answer: where it stores one, and from what size. */
export interface AnswerSizePolicy {
  /**
   * Where answers above the limit go; null where none is configured (a bare handler test, the
   * CLI), which answers them inline: only Lambda has the 6 MB limit, and CDK always sets a store.
   */
  readonly store: OversizedAnswerStore | null;
  /** Proxy results above this many bytes are stored (default {@link MAX_INLINE_RESPONSE_BYTES}). */
  readonly maxInlineBytes: number;
}

/** The 303 body: the link to the stored answer, its expiry and size, and what the client needs at once. */
export interface StoredAnswerBody<S extends object> extends StoredAnswer {
  readonly requestId: string;
  readonly userMessage: string;
  /** The bill's totals (and anything else the route says is small and needed without the link). */
  readonly summary: S;
}

/**
 * The answer to send: the JSON answer itself (200) when its proxy result fits the limit, else the
 * answer stored whole for the caller's tenant and a 303 See Other whose `Location` is the signed
 * link, with a body naming the link, its expiry, the stored size and the summary.
 *
 * @param policy - the store and the limit
 * @param input - the request id, the caller's tenant (from the token), the answer and its summary
 * @returns the proxy result
 * @throws ForbiddenError when an answer must be stored and the token names no tenant (403)
 */
export async function answerWithinLimit<S extends object>(
  policy: AnswerSizePolicy,
  input: {
    readonly requestId: string;
    readonly tenantId: string | null;
    readonly answer: unknown;
    readonly summary: S;
  },
): Promise<APIGatewayProxyResult> {
  const inline = jsonResponse(200, input.answer, input.requestId);
  if (policy.store === null || proxyResultFits(inline, policy.maxInlineBytes)) return inline;
  if (input.tenantId === null) {
    throw new ForbiddenError(
      'This answer is too large to send in one response and is stored for your tenant, but your token names none (a person needs exactly one tenant-<id> group).',
    );
  }
  const stored = await policy.store.store({
    tenantId: input.tenantId,
    requestId: input.requestId,
    body: inline.body,
    contentType: 'application/json; charset=utf-8',
  });
  const body: StoredAnswerBody<S> = {
    requestId: input.requestId,
    userMessage: `The answer (${stored.bytes} bytes) is larger than one response carries; it is stored whole: GET the url (Location) before expiresAt.`,
    url: stored.url,
    expiresAt: stored.expiresAt,
    bytes: stored.bytes,
    summary: input.summary,
  };
  const result = jsonResponse(303, body, input.requestId);
  return { ...result, headers: { ...result.headers, location: stored.url } };
}
