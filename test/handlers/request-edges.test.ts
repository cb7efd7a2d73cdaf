/**
 * What a new user sends that the handlers mishandled (issue 14, item 7): path parameters decoded
 * twice (a 500 for `%`), a `text/plain` body priced as JSON, and a 13 MB list of field errors for
 * a 60,000-line bill. Handler level, as API Gateway calls the functions; the local adapter's side
 * of the same rules is tested at the end.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FIELD_ERRORS } from '../../lambdas/handlers/shared/http.js';
import {
  decodePathSegment,
  MAX_PATH_PARAMETER_LENGTH,
  pathParameter,
} from '../../lambdas/handlers/shared/path-parameters.js';
import { FEE_INDEX_PATH_ENV, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { createRouter, decodePathParameters } from '../../lambdas/local/http-adapter.js';
import { sampleIndexFile } from '../support/fee-index.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let priceBill: Handler;
let getFee: Handler;
let getJurisdiction: Handler;

const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;

function event(extra: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path: '/',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/',
    requestContext: { requestId: 'req-edges-1' } as APIGatewayProxyEvent['requestContext'],
    ...extra,
  };
}

async function call(handler: Handler, e: APIGatewayProxyEvent) {
  const response = await handler(e, context);
  return {
    status: response.statusCode,
    text: response.body,
    body: JSON.parse(response.body) as Record<string, unknown>,
  };
}

const visit = JSON.stringify({
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
});

const post = (body: string, headers: Record<string, string>) =>
  call(
    priceBill,
    event({ httpMethod: 'POST', path: '/v1/bills/price', resource: '/v1/bills/price', body, headers }),
  );

const jurisdiction = (id: string) =>
  call(
    getJurisdiction,
    event({ path: `/v1/jurisdictions/${id}`, resource: '/v1/jurisdictions/{id}', pathParameters: { id } }),
  );

const fee = (jurisdictionId: string, code: string) =>
  call(
    getFee,
    event({
      resource: '/v1/fee-schedules/{jurisdiction}/{code}',
      pathParameters: { jurisdiction: jurisdictionId, code },
      queryStringParameters: { date: '2025-03-04', zip: '19901' },
    }),
  );

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  priceBill = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as Handler;
  getFee = (await import('../../lambdas/handlers/get-fee-schedule/handler.js')).handler as unknown as Handler;
  getJurisdiction = (await import('../../lambdas/handlers/get-jurisdiction/handler.js'))
    .handler as unknown as Handler;
});

describe('path parameters', () => {
  it('are read as API Gateway decoded them, never decoded again: `%` is an unknown id (404, 422), not a 500', async () => {
    // GET /v1/jurisdictions/%25 reaches the function as id "%".
    const percent = await jurisdiction('%');
    expect(percent.status).toBe(404);
    expect(percent.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    const unknownJurisdiction = await fee('%', '99213');
    expect(unknownJurisdiction.status).toBe(422);
    expect(unknownJurisdiction.body.errors).toEqual([expect.objectContaining({ field: 'jurisdiction' })]);
    const badCode = await fee('US-MEDICARE', '%');
    expect(badCode.status).toBe(422);
    expect(badCode.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
  });

  it('are not decoded a second time: `%41%5A` (sent as %2541%255A) is not AZ', async () => {
    expect((await jurisdiction('az')).status).toBe(200);
    expect((await jurisdiction('%41%5A')).status).toBe(404);
  });

  it('answer 400 naming the parameter when missing, empty or too long', async () => {
    const empty = await jurisdiction('');
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ field: 'id', errorMessage: 'is required' }]);
    const long = await jurisdiction('A'.repeat(MAX_PATH_PARAMETER_LENGTH + 1));
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([
      { field: 'id', errorMessage: `must be at most ${MAX_PATH_PARAMETER_LENGTH} characters` },
    ]);
  });

  it('are looked up as own properties only', () => {
    expect(() => pathParameter({ pathParameters: {} }, 'constructor')).toThrow(/is missing/);
    expect(() => pathParameter({ pathParameters: null }, '__proto__')).toThrow(/is missing/);
  });

  it('are decoded once by the gateway side, malformed percent-encoding being a 400 field error', () => {
    expect(decodePathSegment('id', 'US%2DMEDICARE')).toBe('US-MEDICARE');
    expect(decodePathSegment('id', '%25')).toBe('%');
    for (const malformed of ['%', '%E0', '%C0%AF', '%ZZ', 'a%2']) {
      expect(() => decodePathSegment('code', malformed), malformed).toThrow(
        expect.objectContaining({
          name: 'BadRequestError',
          errors: [{ field: 'code', errorMessage: 'must be percent-encoded UTF-8 (write % itself as %25)' }],
        }),
      );
    }
  });

  it('are matched raw by the local router and decoded after the match (a bad segment cannot change the route)', () => {
    const route = createRouter(ROUTES);
    const match = route('GET', '/v1/fee-schedules/%25/99213');
    expect(match).toMatchObject({
      kind: 'found',
      route: { id: 'GetFeeSchedule' },
      rawPathParameters: { jurisdiction: '%25', code: '99213' },
    });
    if (match.kind !== 'found') throw new Error('no match');
    expect(decodePathParameters(match.rawPathParameters)).toEqual({
      ok: true,
      values: { jurisdiction: '%', code: '99213' },
    });
    const bad = route('GET', '/v1/jurisdictions/%E0');
    expect(bad).toMatchObject({ kind: 'found', route: { id: 'GetJurisdiction' } });
    if (bad.kind !== 'found') throw new Error('no match');
    const decoded = decodePathParameters(bad.rawPathParameters);
    expect(decoded.ok).toBe(false);
  });
});

describe('Content-Type of a body', () => {
  it.each([
    ['text/plain'],
    ['text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded'],
    ['application/problem+json'],
    ['multipart/form-data; boundary=x'],
    [''],
  ])('answers %j with 415 and the error shape, pricing nothing', async (type) => {
    const response = await post(visit, { 'Content-Type': type });
    expect(response.status).toBe(415);
    expect(Object.keys(response.body).sort()).toEqual([
      'developerMessage',
      'errors',
      'requestId',
      'statusCode',
      'userMessage',
    ]);
    expect(response.body).toMatchObject({
      statusCode: 415,
      requestId: 'req-edges-1',
      errors: [{ field: 'Content-Type', errorMessage: expect.any(String) }],
    });
    expect(response.body).not.toHaveProperty('lines');
  });

  it.each([
    [{ 'content-type': 'application/json' }],
    [{ 'Content-Type': 'Application/JSON; Charset=UTF-8' }],
    [{ 'CONTENT-TYPE': 'application/json;charset=utf-8' }],
    // No Content-Type: read as JSON, as API Gateway reads it for the Recon route's template.
    [{}],
  ])('prices a JSON body sent with %j', async (headers) => {
    const response = await post(visit, headers);
    expect(response.status).toBe(200);
    // PPRRVU2025_Oct.csv line 12807 × GPCI2025.csv line 40 × CF 32.3465 = 88.82 (see the engine tests)
    expect((response.body.lines as { allowed: string }[])[0]?.allowed).toBe('88.82');
  });
});

describe('a 900-line body with a bad field on every line', () => {
  it('answers 422 with the first 100 field errors and how many more there were', async () => {
    // Each line has a number for its code and no date or charge: three field errors a line. (It was
    // 60,000 lines; issue 17 refuses more than 999 up front with 413, test/handlers/answer-size.test.ts.)
    const lines = Array.from({ length: 900 }, () => ({ code: 99213 }));
    const body = JSON.stringify({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, lines });
    const response = await post(body, { 'content-type': 'application/json' });
    expect(response.status).toBe(422);
    const errors = response.body.errors as { field: string; errorMessage: string }[];
    expect(errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(errors.slice(0, 3).map((e) => e.field)).toEqual([
      'lines[0].code',
      'lines[0].dateOfService',
      'lines[0].charge',
    ]);
    for (const error of errors) expect(Object.keys(error).sort()).toEqual(['errorMessage', 'field']);
    const total = 900 * 3;
    expect(response.body.moreErrors).toBe(total - MAX_FIELD_ERRORS);
    expect(response.body.developerMessage).toContain(
      `The first ${MAX_FIELD_ERRORS} of ${total} field errors are listed; ${total - MAX_FIELD_ERRORS} more are not.`,
    );
    expect(response.text.length).toBeLessThan(50_000);
  });

  it('lists every field error, with no moreErrors, when there are at most 100', async () => {
    const lines = Array.from({ length: 50 }, () => ({ code: '99213', dateOfService: '2025-03-04' }));
    const body = JSON.stringify({ jurisdiction: 'US-MEDICARE', serviceFacility: { zip: '19901' }, lines });
    const response = await post(body, { 'content-type': 'application/json' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toHaveLength(50);
    expect(response.body).not.toHaveProperty('moreErrors');
  });
});
