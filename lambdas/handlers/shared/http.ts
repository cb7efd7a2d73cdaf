import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  BULK_ROUTE,
  errorResult,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
  MalformedJsonError,
  PayloadTooLargeError,
  parseJsonBody,
  UnsupportedMediaTypeError,
} from '../../app/answers.js';
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
  PayloadTooLargeError,
  parseJsonBody,
  UnsupportedMediaTypeError,
} from '../../app/answers.js';

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

/**
 * Parses the JSON body (415 when it is declared as another media type, 400 when it is not JSON or
 * nests deeper than {@link MAX_JSON_DEPTH}, 413 over 10 MB) and stores it on the event.
 *
 * @returns the middleware
 */
export function jsonBody(): MiddlewareObj<ParsedBodyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === null || body === undefined || body === '') {
        throw new MalformedJsonError('The request has no body; send the bill as JSON.');
      }
      requireJsonContentType(request.event.headers);
      const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
      if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
        throw new PayloadTooLargeError(
          `The body is over 10 MB, API Gateway's limit; send bills this large to the bulk route, ${BULK_ROUTE}.`,
        );
      }
      request.event.parsedBody = parseJsonBody(text);
    },
  };
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
