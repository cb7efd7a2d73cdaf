import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  BULK_ROUTE,
  errorResult,
  ForbiddenError,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
  MalformedJsonError,
  NotAcceptableError,
  PayloadTooLargeError,
  parseJsonBody,
  UnsupportedMediaTypeError,
} from '../../app/answers.js';
import { type TokenClaims, tenantOf } from '../../app/tenant.js';
import { BillValidationError } from '../../engine/errors.js';
import {
  type LogCode,
  type LogJurisdiction,
  type LogRoute,
  loggableErrorName,
  loggableRequestId,
  logRequest,
  type RequestLog,
} from '../../observability/logger.js';

/**
 * The HTTP edge of the handlers: request ids, media type and query parameters of an API Gateway
 * event, the JSON body middleware and the error middleware. The answers themselves (error classes,
 * their statuses and bodies, JSON answers, body parsing) are lambdas/app/answers.ts, re-exported
 * here so a handler imports its HTTP helpers from one place.
 */
export {
  BadRequestError,
  BillTooLargeError,
  BULK_ROUTE,
  ConflictError,
  type ErrorBody,
  errorResult,
  ForbiddenError,
  jsonNestedDeeperThan,
  jsonResponse,
  MAX_BODY_BYTES,
  MAX_FIELD_ERRORS,
  MAX_JSON_DEPTH,
  MalformedJsonError,
  NotAcceptableError,
  PayloadTooLargeError,
  parseJsonBody,
  textResponse,
  UnsupportedMediaTypeError,
} from '../../app/answers.js';

/**
 * The claims of the caller's verified token, as the authorizer (API Gateway's, or the local
 * stack's) put them on the event; undefined on an event without one.
 *
 * @param event - the API Gateway event
 * @returns the claims
 */
export function tokenClaimsOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): TokenClaims | undefined {
  return (event.requestContext?.authorizer as { claims?: TokenClaims } | null | undefined)?.claims;
}

/**
 * The caller's tenant, from the verified token only, on a route whose data is the tenant's.
 *
 * @param event - the API Gateway event
 * @returns the tenant id
 * @throws ForbiddenError (403) when the token names no tenant
 */
export function requireTenant(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const tenant = tenantOf(tokenClaimsOf(event));
  if (tenant === null) {
    throw new ForbiddenError(
      'The token names no tenant: a person needs exactly one tenant-<id> group, a machine client is its own tenant.',
    );
  }
  return tenant;
}

/** The request id API Gateway assigned (or Lambda's, when invoked another way). */
export function requestIdOf(event: APIGatewayProxyEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/**
 * The media type of a request's `Content-Type` header, lower case and without parameters
 * (`application/json; charset=utf-8` → `application/json`); undefined when there is no header.
 * Header names are matched in any case: API Gateway passes them as the client spelled them.
 *
 * @param headers - the event's headers (single-value; the last value wins, as in API Gateway)
 * @returns the media type, or undefined
 */
export function mediaTypeOf(headers: APIGatewayProxyEvent['headers'] | null | undefined): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  let value: string | undefined;
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'content-type') value = headers[name] ?? undefined;
  }
  if (value === undefined) return undefined;
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Refuses a body declared as anything but JSON with 415, so a `text/plain` or form-encoded body
 * (what `curl -d` sends) is never priced as if it were JSON. Only `application/json` itself is
 * taken, with any parameters and in any case: the Recon route in AWS is API Gateway's mapping
 * template for `application/json` with passthrough NEVER, which refuses every other media type
 * (`application/*+json` included) with 415, and every route answers alike. A request without a
 * Content-Type is read as JSON, as API Gateway reads it for that route ("Method request behavior
 * for payloads without mapping templates", API Gateway developer guide: no Content-Type defaults
 * to application/json).
 *
 * @param headers - the event's headers
 * @throws UnsupportedMediaTypeError when the header names another media type
 */
export function requireJsonContentType(headers: APIGatewayProxyEvent['headers'] | null | undefined): void {
  const mediaType = mediaTypeOf(headers);
  if (mediaType === undefined || mediaType === 'application/json') return;
  throw new UnsupportedMediaTypeError(
    `The body is sent as ${JSON.stringify(mediaType.slice(0, 100))}; this API reads application/json only (curl: -H 'content-type: application/json').`,
  );
}

/**
 * One entry of a map keyed by names the client chose (query string, headers), read as an own
 * property only: a name like `constructor` or `toString` that the client did not send is never
 * taken from Object.prototype, whether the map has a prototype (API Gateway's JSON in Lambda) or
 * not (the local adapter).
 *
 * @param map - `queryStringParameters` or `headers` of the event (null when absent)
 * @param name - the parameter's name, exactly
 * @returns the value, or undefined when the client did not send it as a string
 * @example
 * ownParameter(event.queryStringParameters, 'limit'); // '25' or undefined
 */
export function ownParameter(
  map: Readonly<Record<string, string | undefined>> | null | undefined,
  name: string,
): string | undefined {
  if (map === null || map === undefined || !Object.hasOwn(map, name)) return undefined;
  const value = map[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The named query parameters the client sent, as a fresh object holding only those names (own
 * properties of the query, strings): what a handler hands its query schema.
 *
 * @param event - the API Gateway event
 * @param names - the parameters the route reads
 * @returns an object with the parameters present
 */
export function queryParameters<N extends string>(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
  names: readonly N[],
): Partial<Record<N, string>> {
  const out: Partial<Record<N, string>> = {};
  for (const name of names) {
    const value = ownParameter(event.queryStringParameters, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Handler events after {@link jsonBody}: the parsed body. */
export interface ParsedBodyEvent extends APIGatewayProxyEvent {
  parsedBody?: unknown;
}

/** The media type of X12 EDI (RFC 1767): 837 claims in, 835 remittance and 999 acknowledgments out. */
export const X12_MEDIA_TYPE = 'application/edi-x12';

/**
 * The body's text, decoded and held to API Gateway's limit (400 when there is none, 413 over
 * 10 MB).
 *
 * @param event - the request
 * @param what - what the body should hold, for the message when there is none
 * @returns the text
 */
function bodyText(event: APIGatewayProxyEvent, what: string): string {
  const { body, isBase64Encoded } = event;
  if (body === null || body === undefined || body === '') {
    throw new MalformedJsonError(`The request has no body; send ${what}.`);
  }
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `The body is over 10 MB, API Gateway's limit; send bills this large to the bulk route, ${BULK_ROUTE}.`,
    );
  }
  return text;
}

/**
 * Parses the JSON body (415 when it is declared as another media type, 400 when it is not JSON or
 * nests deeper than {@link MAX_JSON_DEPTH}, 413 over 10 MB) and stores it on the event.
 *
 * @returns the middleware
 */
export function jsonBody(): MiddlewareObj<ParsedBodyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const text = bodyText(request.event, 'the bill as JSON');
      requireJsonContentType(request.event.headers);
      request.event.parsedBody = parseJsonBody(text);
    },
  };
}

/** Handler events after {@link billBody}: a parsed JSON body, or the text of an X12 interchange. */
export interface BillBodyEvent extends ParsedBodyEvent {
  /** The interchange as sent, when the body is `application/edi-x12` (parsedBody is then unset). */
  x12Body?: string;
}

/**
 * The body of a route that takes a bill as JSON or claims as X12 (`Content-Type:
 * application/edi-x12`): the X12 text is kept as it is for the X12 reader; anything else is read
 * as {@link jsonBody} reads it (415 for a third media type, naming both).
 *
 * @returns the middleware
 */
export function billBody(): MiddlewareObj<BillBodyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const mediaType = mediaTypeOf(request.event.headers);
      if (mediaType === X12_MEDIA_TYPE) {
        request.event.x12Body = bodyText(request.event, 'an X12 837 interchange');
        return;
      }
      const text = bodyText(request.event, 'the bill as JSON, or claims as X12 (application/edi-x12)');
      if (mediaType !== undefined && mediaType !== 'application/json') {
        throw new UnsupportedMediaTypeError(
          `The body is sent as ${JSON.stringify(mediaType.slice(0, 100))}; this operation reads a bill as application/json or claims as ${X12_MEDIA_TYPE}.`,
          ['application/json', X12_MEDIA_TYPE],
        );
      }
      request.event.parsedBody = parseJsonBody(text);
    },
  };
}

/** One media range of an Accept header: type/subtype and its weight. */
interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function mediaRanges(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  // A bounded header: API Gateway limits headers to 10 KB; we read at most 64 ranges.
  for (const part of accept.split(',', 64)) {
    const [range = '', ...parameters] = part.split(';');
    const [type = '', subtype = ''] = range.trim().toLowerCase().split('/');
    if (type === '' || subtype === '') continue;
    let q = 1;
    for (const parameter of parameters) {
      const [name, value] = parameter.split('=');
      if (name?.trim().toLowerCase() === 'q') {
        const weight = Number(value?.trim());
        q = Number.isFinite(weight) && weight >= 0 && weight <= 1 ? weight : 0;
      }
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/**
 * Content negotiation (RFC 9110, 12.5.1): which of the media types a route answers in the client's
 * Accept header prefers. The most specific range that matches a type gives its weight; among equal
 * weights the route's order decides (its first type is its default). No Accept header, or an empty
 * one, takes the default.
 *
 * @param headers - the event's headers (names in any case)
 * @param offered - the types the route answers in, its default first
 * @returns the chosen media type, one of `offered`
 * @throws NotAcceptableError (406) when the header allows none of them
 * @example answerMediaType({ Accept: 'application/edi-x12' }, ['application/json', X12_MEDIA_TYPE]) // 'application/edi-x12'
 */
export function answerMediaType(
  headers: APIGatewayProxyEvent['headers'] | null | undefined,
  offered: readonly [string, ...string[]],
): string {
  let accept: string | undefined;
  for (const name of Object.keys(headers ?? {})) {
    if (name.toLowerCase() === 'accept') accept = headers?.[name] ?? undefined;
  }
  if (accept === undefined || accept.trim() === '') return offered[0];
  const ranges = mediaRanges(accept);
  let best: string | undefined;
  let bestQ = 0;
  for (const candidate of offered) {
    const [type, subtype] = candidate.split('/') as [string, string];
    let q: number | undefined;
    let specificity = -1;
    for (const range of ranges) {
      const s =
        range.type === type && range.subtype === subtype
          ? 2
          : range.type === type && range.subtype === '*'
            ? 1
            : range.type === '*' && range.subtype === '*'
              ? 0
              : -1;
      if (s > specificity) {
        specificity = s;
        q = range.q;
      }
    }
    if (q !== undefined && q > bestQ) {
      best = candidate;
      bestQ = q;
    }
  }
  if (best === undefined) {
    throw new NotAcceptableError(
      `The Accept header (${JSON.stringify(accept.slice(0, 100))}) allows none of the media types this operation answers in: ${offered.join(', ')}.`,
      offered,
    );
  }
  return best;
}

/**
 * What the access log middleware adds to a request's log line: checked values only (make them
 * with `loggableJurisdiction` and `loggableCodes` from logger.ts).
 */
export interface LogDetails {
  lines?: number;
  jurisdiction?: LogJurisdiction;
  codes?: LogCode[];
}

/** Handler context after {@link httpErrors}: details for the request log. */
export interface LoggedContext extends Context {
  logDetails?: LogDetails;
}

/**
 * Maps domain errors to HTTP answers by class and logs one metadata-only line per request:
 * 400 malformed JSON, 404 not found, 413 too large, 422 field errors; anything else is a generic
 * 500 with the request id, never a stack trace (Middy http-error-handler style).
 *
 * @param route - route id for the log
 * @returns the middleware
 */
export function httpErrors(
  route: LogRoute,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext> {
  const started = new WeakMap<object, number>();
  const log = (
    event: APIGatewayProxyEvent,
    context: LoggedContext,
    statusCode: number,
    extra: Pick<RequestLog, 'errorName' | 'fieldErrors'> = {},
  ) => {
    logRequest({
      requestId: loggableRequestId(requestIdOf(event, context)),
      route,
      statusCode,
      latencyMs: Math.round((performance.now() - (started.get(event) ?? performance.now())) * 100) / 100,
      ...(context.logDetails ?? {}),
      ...extra,
    });
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: (request) => {
      log(request.event, request.context, request.response?.statusCode ?? 200);
    },
    onError: (request) => {
      const { error, event, context } = request;
      const requestId = requestIdOf(event, context);
      const response = errorResult(error, requestId);
      request.response = response;
      log(event, context, response.statusCode, {
        errorName: loggableErrorName(error),
        ...(error instanceof BillValidationError ? { fieldErrors: error.errors.length } : {}),
      });
    },
  };
}
