/**
 * Content negotiation on the routes that take claims as X12 or bills as JSON and answer in either
 * (issue 18): the Accept header (RFC 9110, 12.5.1) picks the answer's media type, the Content-Type
 * picks the reader; anything else is a 406 or a 415 naming what the route takes.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  answerMediaType,
  type BillBodyEvent,
  billBody,
  errorResult,
  X12_MEDIA_TYPE,
} from '../../lambdas/handlers/shared/http.js';
import { proxyEvent } from '../support/proxy-event.js';

const OFFERED = ['application/json', X12_MEDIA_TYPE] as const;

function chosen(accept: string | undefined): string {
  return answerMediaType(accept === undefined ? {} : { Accept: accept }, [...OFFERED]);
}

function status(act: () => unknown): APIGatewayProxyResult | undefined {
  try {
    act();
    return undefined;
  } catch (error) {
    return errorResult(error, 'req-neg');
  }
}

describe('answerMediaType', () => {
  it('answers JSON when the client names no preference', () => {
    expect(chosen(undefined)).toBe('application/json');
    expect(chosen('')).toBe('application/json');
    expect(chosen('*/*')).toBe('application/json');
    expect(chosen('application/*')).toBe('application/json');
  });

  it('answers X12 when the client asks for it, in any case and with parameters', () => {
    expect(chosen('application/edi-x12')).toBe(X12_MEDIA_TYPE);
    expect(chosen('Application/EDI-X12; charset=utf-8')).toBe(X12_MEDIA_TYPE);
    expect(answerMediaType({ aCCept: 'application/edi-x12' }, [...OFFERED])).toBe(X12_MEDIA_TYPE);
  });

  it('follows the weights, the most specific range giving a type its weight', () => {
    expect(chosen('application/json;q=0.5, application/edi-x12')).toBe(X12_MEDIA_TYPE);
    expect(chosen('application/json, application/edi-x12;q=0.9')).toBe('application/json');
    // */* allows everything, but application/json is specifically refused (q=0).
    expect(chosen('application/json;q=0, */*')).toBe(X12_MEDIA_TYPE);
    // Equal weights: the route's order (JSON first) decides.
    expect(chosen('application/edi-x12, application/json')).toBe('application/json');
  });

  it('is 406 naming the types it answers when the client allows none of them', () => {
    for (const accept of ['text/html', 'application/json;q=0', 'text/*', 'application/xml, image/png']) {
      const result = status(() => chosen(accept));
      expect(result?.statusCode, accept).toBe(406);
      expect(JSON.parse(result?.body ?? '{}').errors[0]).toEqual({
        field: 'Accept',
        errorMessage: 'must allow application/json or application/edi-x12 (or send no Accept header)',
      });
    }
  });

  it('skips malformed ranges, and answers a header of nothing but them with 406, never a failure', () => {
    expect(chosen('garbage, ;;;, /, application/edi-x12')).toBe(X12_MEDIA_TYPE);
    // An unreadable weight counts as 0 (not acceptable), as a weight outside 0..1 does.
    expect(status(() => chosen('application/edi-x12;q=abc'))?.statusCode).toBe(406);
    expect(status(() => chosen('garbage, ;;;, /'))?.statusCode).toBe(406);
    // At most 64 ranges are read: a 5,000-range header costs no more than that.
    expect(status(() => chosen(`${'x/y,'.repeat(5000)}application/edi-x12`))?.statusCode).toBe(406);
  });
});

describe('billBody', () => {
  const read = (headers: Record<string, string>, body: string | null) => {
    const event = proxyEvent({ headers, body }) as BillBodyEvent;
    billBody().before?.({ event } as never);
    return event;
  };

  it('keeps an X12 body as text and parses nothing', () => {
    const event = read({ 'Content-Type': 'application/edi-x12' }, 'ISA*00*...');
    expect(event.x12Body).toBe('ISA*00*...');
    expect(event.parsedBody).toBeUndefined();
  });

  it('reads JSON as the JSON routes do, with or without a Content-Type', () => {
    expect(read({ 'content-type': 'application/json; charset=utf-8' }, '{"a":1}').parsedBody).toEqual({
      a: 1,
    });
    expect(read({}, '{"a":1}').parsedBody).toEqual({ a: 1 });
  });

  it('is 415 naming both types for any other media type, and 400 without a body', () => {
    const unsupported = status(() => read({ 'content-type': 'text/plain' }, 'ISA*00'));
    expect(unsupported?.statusCode).toBe(415);
    expect(JSON.parse(unsupported?.body ?? '{}').userMessage).toBe(
      'Send the body as application/json or application/edi-x12.',
    );
    expect(status(() => read({ 'content-type': 'application/edi-x12' }, ''))?.statusCode).toBe(400);
  });
});
