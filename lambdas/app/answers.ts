import type { APIGatewayProxyResult } from 'aws-lambda';
import { BillValidationError, type FieldError, NotFoundError } from '../engine/errors.js';
import { logFailure, loggableRequestId } from '../observability/logger.js';
import { X12SyntaxError } from '../x12/errors.js';
import { DependencyUnavailableError } from './dependency-errors.js';
import { InvalidPageTokenError } from './recon/ports.js';

/**
 * The answers every use case ends with, in the API's one error shape (DESIGN.md, API conventions):
 * the errors a use case throws, each mapped by class to its HTTP status and body, JSON answers, and
 * the parsing of a JSON body. They live in the application layer because the Recon workflow's
 * output is itself the HTTP answer (API Gateway maps it as is, docs/decisions/007-recon.md), so the
 * Recon service and the handlers' error middleware (handlers/shared/http.ts) answer alike.
 */

/** Largest body accepted, as API Gateway's REST payload limit: 10 MB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The body is not JSON: answered 400. */
export class MalformedJsonError extends Error {
  override readonly name = 'MalformedJsonError';
}

/** The body is over {@link MAX_BODY_BYTES}: answered 413. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/** The route that prices bills too large for one synchronous request (issue 17, § 3). */
export const BULK_ROUTE = 'POST /v1/batches';

/**
 * A bill with more lines than one synchronous request prices (app/answers/size-policy.ts,
 * decision 014): answered 413, naming the bulk route, with the `lines` field in error.
 */
export class BillTooLargeError extends Error {
  override readonly name = 'BillTooLargeError';
  readonly errors: readonly FieldError[];
  /** What the client is told to do instead; the bulk route when not given. */
  readonly userMessage: string;

  constructor(message: string, errors: readonly FieldError[], userMessage?: string) {
    super(message);
    this.errors = errors;
    this.userMessage =
      userMessage ??
      `This bill is too large to price in one request; send it to the bulk route, ${BULK_ROUTE}.`;
  }
}

/** The body is sent as a media type the route does not read: answered 415, naming those it reads. */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
  /** The media types the route reads, in the order it prefers them. */
  readonly accepted: readonly string[];

  constructor(message: string, accepted: readonly string[] = ['application/json']) {
    super(message);
    this.accepted = accepted;
  }
}

/**
 * The client's Accept header allows none of the media types the route answers in (RFC 9110,
 * 12.5.1): answered 406, naming those it does.
 */
export class NotAcceptableError extends Error {
  override readonly name = 'NotAcceptableError';
  /** The media types the route answers in. */
  readonly offered: readonly string[];

  constructor(message: string, offered: readonly string[]) {
    super(message);
    this.offered = offered;
  }
}

/** A request that is well-formed but not allowed for this caller (no tenant, say): answered 403. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** A query parameter or path part that cannot be used: answered 400 with the field named. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[]) {
    super(message);
    this.errors = errors;
  }
}

/**
 * The request conflicts with what is stored (a Recon sequence at or below the latest with other
 * content): answered 409, with what the caller needs to recover (the latest sequence).
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly errors: readonly FieldError[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    errors: readonly FieldError[],
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.errors = errors;
    this.details = details;
  }
}

/**
 * One error of an error body: a field and what is wrong with it; an X12 error (a 400 for an 837
 * file, decision 017) also names the segment, its ordinal position in the file and the element
 * (and component) at fault, the field then being the X12 name, "CLM05-1".
 */
export interface ErrorField extends FieldError {
  readonly segment?: string;
  readonly position?: number;
  /** Inside a transaction set: the segment's position in it (ST = 1) and its 837 loop. */
  readonly setPosition?: number;
  readonly loop?: string;
  readonly element?: number;
  readonly component?: number;
}

/** The error body of every 4xx and 5xx (DESIGN.md, API conventions). */
export interface ErrorBody {
  readonly statusCode: number;
  readonly userMessage: string;
  readonly developerMessage: string;
  /** At most {@link MAX_FIELD_ERRORS}, in the order they were found. */
  readonly errors: readonly ErrorField[];
  /** How many field errors were found beyond those listed; absent when all are listed. */
  readonly moreErrors?: number;
  readonly requestId: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * A JSON response with the request id in a header.
 *
 * @param statusCode - HTTP status
 * @param body - any JSON value
 * @param requestId - the request id
 * @returns the proxy result
 */
export function jsonResponse(statusCode: number, body: unknown, requestId: string): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, 'x-request-id': requestId }, body: JSON.stringify(body) };
}

/**
 * A text response (an X12 answer) with the request id in a header.
 *
 * @param statusCode - HTTP status
 * @param body - the text
 * @param contentType - its media type, "application/edi-x12"
 * @param requestId - the request id
 * @returns the proxy result
 */
export function textResponse(
  statusCode: number,
  body: string,
  contentType: string,
  requestId: string,
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': contentType, 'cache-control': 'no-store', 'x-request-id': requestId },
    body,
  };
}

/**
 * Most field errors an error body lists. A 999-line bill (the most a request prices, decision 014)
 * with three bad fields on every line has 2,997 of them; the first hundred show the client what is
 * wrong, and `moreErrors` says how many were left out.
 */
export const MAX_FIELD_ERRORS = 100;

function errorResponse(
  statusCode: number,
  userMessage: string,
  developerMessage: string,
  errors: readonly ErrorField[],
  requestId: string,
  details: Readonly<Record<string, unknown>> = {},
): APIGatewayProxyResult {
  const more = errors.length - MAX_FIELD_ERRORS;
  const body: ErrorBody =
    more > 0
      ? {
          statusCode,
          userMessage,
          developerMessage: `${developerMessage} The first ${MAX_FIELD_ERRORS} of ${errors.length} field errors are listed; ${more} more are not.`,
          errors: errors.slice(0, MAX_FIELD_ERRORS),
          moreErrors: more,
          requestId,
        }
      : { statusCode, userMessage, developerMessage, errors, requestId };
  return jsonResponse(statusCode, { ...body, ...details }, requestId);
}

/**
 * The HTTP answer to an error, by class: 400 malformed JSON, an unreadable X12 file or a bad parameter, 403, 404, 409,
 * 413, 422 field errors, 503 with Retry-After when a dependency is unavailable for now
 * (DependencyUnavailableError); anything else is a generic 500 with the request id, never a stack trace
 * (and is logged by name). Shared by the handler middleware and the Recon workflow's tasks, so an
 * error reads the same whichever path it took.
 *
 * @param error - what was thrown
 * @param requestId - the request id
 * @returns the proxy result
 */
export function errorResult(error: unknown, requestId: string): APIGatewayProxyResult {
  if (error instanceof MalformedJsonError) {
    return errorResponse(400, 'The request body is not valid JSON.', error.message, [], requestId);
  }
  if (error instanceof BadRequestError) {
    return errorResponse(
      400,
      'Some parameters cannot be used; see errors.',
      error.message,
      error.errors,
      requestId,
    );
  }
  if (error instanceof X12SyntaxError) {
    return errorResponse(
      400,
      'The X12 file cannot be read as one 005010 837 interchange; see errors.',
      error.message,
      error.errors.map((e) => ({
        field: e.field,
        errorMessage: e.errorMessage,
        segment: e.segment,
        position: e.position,
        ...(e.element === undefined ? {} : { element: e.element }),
        ...(e.component === undefined ? {} : { component: e.component }),
      })),
      requestId,
    );
  }
  if (error instanceof InvalidPageTokenError) {
    return errorResponse(
      400,
      'The page token was not issued for this listing.',
      error.message,
      [
        {
          field: 'pageToken',
          errorMessage: 'use the nextPageToken of the previous page of the same listing',
        },
      ],
      requestId,
    );
  }
  if (error instanceof UnsupportedMediaTypeError) {
    const types = error.accepted.join(' or ');
    return errorResponse(
      415,
      `Send the body as ${types}.`,
      error.message,
      [{ field: 'Content-Type', errorMessage: `must be ${types} (a charset parameter is fine)` }],
      requestId,
    );
  }
  if (error instanceof NotAcceptableError) {
    const types = error.offered.join(' or ');
    return errorResponse(
      406,
      `This operation answers in ${types} only.`,
      error.message,
      [{ field: 'Accept', errorMessage: `must allow ${types} (or send no Accept header)` }],
      requestId,
    );
  }
  if (error instanceof BillTooLargeError) {
    return errorResponse(413, error.userMessage, error.message, error.errors, requestId);
  }
  if (error instanceof PayloadTooLargeError) {
    return errorResponse(413, 'The request is too large.', error.message, [], requestId);
  }
  if (error instanceof BillValidationError) {
    return errorResponse(
      422,
      'Some fields cannot be accepted; see errors.',
      error.message,
      error.errors,
      requestId,
    );
  }
  if (error instanceof ForbiddenError) {
    return errorResponse(403, 'This operation is not allowed for your token.', error.message, [], requestId);
  }
  if (error instanceof NotFoundError) {
    return errorResponse(404, 'Not found.', error.message, error.errors, requestId);
  }
  if (error instanceof ConflictError) {
    return errorResponse(
      409,
      'This conflicts with what is stored; see errors.',
      error.message,
      error.errors,
      requestId,
      error.details,
    );
  }
  if (error instanceof DependencyUnavailableError) {
    // Not the caller's fault and not a bug (so not logged as unhandled: the request line carries
    // the status and the error's name): tell them when to try again (RFC 9110, 10.2.3).
    const result = errorResponse(
      503,
      'A service this API depends on is unavailable for now; nothing was changed. Try again after the Retry-After seconds.',
      error.message,
      [],
      requestId,
    );
    return { ...result, headers: { ...result.headers, 'retry-after': String(error.retryAfterSeconds) } };
  }
  logFailure({ requestId: loggableRequestId(requestId) }, error);
  return errorResponse(
    500,
    'Something went wrong on our side; the request changed nothing. Quote the request id if you contact us.',
    'Internal error.',
    [],
    requestId,
  );
}

/**
 * Deepest nesting of objects and arrays a request body may have. Our deepest real shape (a
 * clearinghouse claim with its lines, adjustments and references) is under 10 levels; 64 leaves
 * room for any honest client. A body nested thousands deep (`[[[[…`) costs nothing to send but
 * recursion everywhere it goes (normalisation, canonical JSON, logging): it is refused before any
 * of that, and before JSON.parse builds it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests objects and arrays deeper than `limit`: one pass over the characters,
 * no recursion and no allocation, skipping strings (so brackets inside strings do not count).
 * It judges nesting only; JSON.parse still judges the syntax. About 3 µs for a 10-line bill
 * (1 kB) on our machines (printed by test/handlers/routes-fuzz.test.ts), so about 30 ms at most
 * for a 10 MB body, against JSON.parse's own cost of the same order.
 *
 * @param text - the body
 * @param limit - the deepest nesting allowed
 * @returns true when some value is nested deeper than `limit`
 */
export function jsonNestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Parses a request body: 400 when it nests deeper than {@link MAX_JSON_DEPTH} (checked first, by
 * {@link jsonNestedDeeperThan}) or is not JSON.
 *
 * @param text - the body, decoded
 * @returns the parsed value
 * @throws BadRequestError for a body nested too deep; MalformedJsonError for one that is not JSON
 */
export function parseJsonBody(text: string): unknown {
  if (jsonNestedDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`The body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`, [
      {
        field: 'body',
        errorMessage: `must nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep`,
      },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError(`The body is not valid JSON: ${(error as Error).message}`);
  }
}
