/**
 * "Never a 500 for anything a client sent" (DESIGN.md), for every route of the route table, not
 * only the price route (test/handlers/handlers.test.ts fuzzes bill bodies in depth): arbitrary
 * path segments, query strings, headers and bodies go through what API Gateway does with them
 * (decode each path segment once, and build the REST proxy event with the local adapter's own
 * buildProxyEvent) and then the route's own handler, the Recon routes against DynamoDB Local.
 * Every answer is under 500, in the error shape when it is an error, and one the OpenAPI document
 * declares. Fixed seed, bounded runs: seconds.
 *
 * Names a plain object already has (`constructor`, `__proto__`, `toString`, `valueOf`) come as
 * header and query names, and bodies come nested up to 5,000 deep (issue 15, item 3): the first
 * answered 500 on every route locally, the second on the body routes.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/handlers/openapi/document.js';
import { errorResult, jsonNestedDeeperThan, MAX_JSON_DEPTH } from '../../lambdas/handlers/shared/http.js';
import { ROUTES, type RouteDefinition } from '../../lambdas/handlers/shared/routes.js';
import { buildProxyEvent, decodePathParameters } from '../../lambdas/local/http-adapter.js';
import type { ReconBackends } from '../../lambdas/local/recon-stack.js';
import { answerSchema, checkJsonSchema } from '../support/json-schema.js';
import { loadRouteHandlers, type RouteHandler } from '../support/route-handlers.js';

let handlers = new Map<string, RouteHandler>();
const document = openApiDocument();
let backends: ReconBackends | undefined;

/** A machine client of every scope: its own tenant, as the Cognito authorizer passes its claims. */
const CLAIMS = {
  client_id: 'fuzz-client',
  token_use: 'access',
  scope: ROUTES.flatMap((r) => r.scopes).join(' '),
};

beforeAll(async () => {
  process.env.WCBR_LOG = 'off';
  ({ backends, handlers } = await loadRouteHandlers('wcbr-fuzz-routes-'));
});

afterAll(async () => {
  await backends?.stop();
});

/** Raw path segments as a client may write them: valid, percent-ish, malformed, long, unicode. */
const segment = fc.oneof(
  fc.constantFrom(
    '%',
    '%25',
    '%E0',
    '%C0%AF',
    '%ZZ',
    '%2F',
    '__proto__',
    'constructor',
    'toString',
    'US-MEDICARE',
    'us-medicare',
    'AZ',
    '99213',
    '64999',
    'CN-FUZZ-1',
    '1',
    '0',
    '9999',
    '10000',
    '-1',
    '1e3',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.string({ maxLength: 20 }).map((s) => s.replaceAll('/', '')),
  fc.integer({ min: 300, max: 3000 }).map((n) => 'A'.repeat(n)),
);

/** What every plain object already holds: a client may send any of them as a name. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'] as const;

const key = fc.oneof(
  fc.constantFrom('date', 'zip', 'locality', 'modifier', 'facility', 'limit', 'pageToken'),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ maxLength: 10 }),
);
const value = fc.oneof(
  fc.constantFrom('2025-03-04', '19901', '12102-01', '26', 'true', 'false', '25', '', '%', '%E0', '0', '101'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 300, max: 3000 }).map((n) => '9'.repeat(n)),
);

const body = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant(
    JSON.stringify({
      controlNumber: 'CN-FUZZ-1',
      sequence: 1,
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
    }),
  ),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}'),
  // Nested at, just past, and far past the documented limit (MAX_JSON_DEPTH, 64).
  fc.constantFrom(64, 65, 5_000).map((depth) => `${'['.repeat(depth - 1)}{}${']'.repeat(depth - 1)}`),
  fc.constant(
    `{"controlNumber":"CN-DEEP","sequence":1,"jurisdiction":"US-MEDICARE","lines":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
  ),
);

/** Extra headers, by name, including the names a plain object already has. */
const extraHeaders = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom('x-trace', 'accept')), value),
  { maxLength: 3 },
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'Application/JSON; charset=UTF-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
  ';;;',
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
  // Pairs, not a dictionary: a dictionary cannot hold a `__proto__` entry reliably.
  query: fc.option(fc.array(fc.tuple(key, value), { maxLength: 4 }), { nil: null }),
  body,
  contentType,
  headers: extraHeaders,
  claims: fc.boolean(),
});

interface FuzzRequest {
  readonly route: RouteDefinition;
  readonly segments: readonly string[];
  readonly query: readonly (readonly [string, string])[] | null;
  readonly body: string | null;
  readonly contentType: string | undefined;
  readonly headers: readonly (readonly [string, string])[];
  readonly claims: boolean;
}

/** The parts of an IncomingMessage buildProxyEvent reads. */
function fakeRequest(rawHeaders: string[]): Parameters<typeof buildProxyEvent>[0]['req'] {
  return {
    rawHeaders,
    headers: { host: '127.0.0.1' },
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1', localPort: 3000 },
  } as unknown as Parameters<typeof buildProxyEvent>[0]['req'];
}

/** The event API Gateway would send, or the 400 it (the local adapter) answers for a bad segment. */
function eventFor(input: FuzzRequest): APIGatewayProxyEvent | APIGatewayProxyResult {
  const { route } = input;
  const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const raw = Object.fromEntries(names.map((name, i) => [name, input.segments[i] ?? '']));
  const decoded = decodePathParameters(raw);
  if (!decoded.ok) return errorResult(decoded.error, 'req-fuzz');
  const rawHeaders = input.contentType === undefined ? [] : ['Content-Type', input.contentType];
  for (const [name, text] of input.headers) rawHeaders.push(name, text);
  const url = new URL(`http://127.0.0.1${route.path}`);
  for (const [name, text] of input.query ?? []) url.searchParams.append(name, text);
  const body = route.method === 'POST' ? input.body : null;
  return buildProxyEvent({
    req: fakeRequest(rawHeaders),
    route,
    url,
    pathParameters: names.length > 0 ? decoded.values : {},
    body: Buffer.from(body ?? '', 'utf8'),
    claims: input.claims ? { ...CLAIMS } : null,
    requestId: 'req-fuzz',
    startedAt: Date.now(),
    stage: 'local',
  });
}

describe('every route, fuzzed', () => {
  it('never answers 500 to anything a client sends, and answers what the document declares', async () => {
    const seen = new Map<string, Set<number>>();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const built = eventFor(input);
        const result =
          'statusCode' in built
            ? built
            : await (handlers.get(input.route.id) as RouteHandler)(built, {
                awsRequestId: 'lambda-fuzz',
                functionName: input.route.id,
              } as Context);
        const statuses = seen.get(input.route.id) ?? new Set<number>();
        statuses.add(result.statusCode);
        seen.set(input.route.id, statuses);
        expect(result.statusCode, JSON.stringify(input).slice(0, 300)).toBeLessThan(500);
        if (String(result.headers?.['content-type']).startsWith('text/html')) {
          // The KPI page answers HTML, and the document declares it so for this status.
          const paths = document.paths as Record<
            string,
            Record<string, { responses: Record<string, unknown> }>
          >;
          const declared = paths[input.route.path]?.[input.route.method.toLowerCase()]?.responses[
            String(result.statusCode)
          ] as { content?: Record<string, unknown> } | undefined;
          expect(declared?.content?.['text/html'], input.route.id).toBeDefined();
          return;
        }
        const answer: unknown = JSON.parse(result.body);
        if (result.statusCode >= 400) {
          expect(answer).toMatchObject({ statusCode: result.statusCode, requestId: 'req-fuzz' });
        }
        const schema = answerSchema(document, input.route.method, input.route.path, result.statusCode);
        expect(
          checkJsonSchema(answer, schema ?? false, document)
            .slice(0, 5)
            .join('\n'),
        ).toBe('');
      }),
      { seed: 1414, numRuns: 600 },
    );
    // Not vacuous: every route was called, and some answered other than 400.
    expect([...seen.keys()].sort()).toEqual(ROUTES.map((r) => r.id).sort());
    expect([...seen.values()].some((s) => [...s].some((status) => status < 300))).toBe(true);
    if (process.env.WCBR_FUZZ_STATS) console.log(JSON.stringify([...seen].map(([id, s]) => [id, [...s]])));
  });
});

/** One request through buildProxyEvent and the route's handler. */
async function answer(
  input: Partial<FuzzRequest> & Pick<FuzzRequest, 'route'>,
): Promise<APIGatewayProxyResult> {
  const built = eventFor({
    segments: ['US-MEDICARE', '99213', '1'],
    query: null,
    body: null,
    contentType: 'application/json',
    headers: [],
    claims: true,
    ...input,
  });
  if ('statusCode' in built) return built;
  return (handlers.get(input.route.id) as RouteHandler)(built, {
    awsRequestId: 'lambda-fuzz',
    functionName: input.route.id,
  } as Context);
}

describe('names every plain object already has', () => {
  it.each(PROTOTYPE_NAMES)(
    'answers %s as a header and as a query parameter on every route, never 500',
    async (name) => {
      for (const route of ROUTES) {
        const result = await answer({ route, query: [[name, '1']], headers: [[name, 'x']] });
        expect(result.statusCode, `${route.id} with ${name}`).toBeLessThan(500);
      }
    },
  );

  it('keeps a query parameter named like a prototype member as an entry of its own', () => {
    const event = eventFor({
      route: ROUTES.find((r) => r.id === 'ListJurisdictions') as RouteDefinition,
      segments: [],
      query: [
        ['constructor', 'a'],
        ['__proto__', 'b'],
      ],
      body: null,
      contentType: undefined,
      headers: [['valueOf', 'c']],
      claims: false,
    }) as APIGatewayProxyEvent;
    expect(Object.getPrototypeOf(event.queryStringParameters)).toBeNull();
    expect(Object.entries(event.queryStringParameters ?? {})).toEqual([
      ['constructor', 'a'],
      ['__proto__', 'b'],
    ]);
    expect(event.multiValueQueryStringParameters?.constructor).toEqual(['a']);
    expect(event.multiValueHeaders.valueOf).toEqual(['c']);
  });
});

describe('bodies nested too deep', () => {
  const bodyRoutes = ROUTES.filter((r) => r.method === 'POST');

  it.each(bodyRoutes.map((r) => r.id))(
    'refuses a body nested 5,000 deep on %s with 400 naming body',
    async (id) => {
      const route = bodyRoutes.find((r) => r.id === id) as RouteDefinition;
      const deep = `{"controlNumber":"CN-DEEP","sequence":1,"lines":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      const result = await answer({ route, body: deep });
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body)).toMatchObject({
        errors: [
          {
            field: 'body',
            errorMessage: `must nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep`,
          },
        ],
      });
    },
  );

  it('takes nesting up to the limit (the answer is about the bill, not its depth)', async () => {
    const route = ROUTES.find((r) => r.id === 'PriceBill') as RouteDefinition;
    const atLimit = `{"lines":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    const result = await answer({ route, body: atLimit });
    expect(result.statusCode).toBe(422);
  });
});

describe('jsonNestedDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or after escaped quotes', () => {
    expect(jsonNestedDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonNestedDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(jsonNestedDeeperThan('{"a":"[[[[{{{{","b":"\\"[[[["}', 1)).toBe(false);
    expect(jsonNestedDeeperThan('"\\\\"[[', 1)).toBe(true);
  });

  it('costs microseconds on a 10-line bill (a figure printed, not asserted)', () => {
    const bill = JSON.stringify({
      jurisdiction: 'US-MEDICARE',
      serviceFacility: { zip: '19901' },
      lines: Array.from({ length: 10 }, (_, i) => ({
        code: '99213',
        modifiers: ['25'],
        dateOfService: '2025-03-04',
        units: 1,
        charge: `${150 + i}.00`,
      })),
    });
    const runs = 10_000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) jsonNestedDeeperThan(bill, MAX_JSON_DEPTH);
    const micros = ((performance.now() - started) * 1000) / runs;
    process.stdout.write(`depth scan of a 10-line bill (${bill.length} chars): ${micros.toFixed(2)} µs\n`);
  });
});

describe('GET /v1/fee-schedules edge cases of issue 15', () => {
  const route = ROUTES.find((r) => r.id === 'GetFeeSchedule') as RouteDefinition;

  it.each(['US-MEDICARE', 'CA', 'TX', 'HI', 'NY'])(
    'answers E0114 in %s without a date on the latest DMEPOS edition (200, dateDefaulted)',
    async (jurisdiction) => {
      const result = await answer({ route, segments: [jurisdiction, 'E0114'], query: [['zip', '19901']] });
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ date: '2026-01-01', dateDefaulted: true });
    },
  );

  it('answers malformed percent-encoding in the path with 400 naming the parameter', async () => {
    const result = await answer({ route, segments: ['US-MEDICARE', '%C0%AF'] });
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ errors: [{ field: 'code' }] });
  });
});

describe('tenant of a person token (issue 15, item 4)', () => {
  it('answers 403 on every Recon route to a token whose username is empty', async () => {
    const claims = { ...CLAIMS, username: '', client_id: 'people-client', 'cognito:groups': 'tenant-fuzz' };
    for (const route of ROUTES.filter((r) => r.recon !== undefined || r.workflow !== undefined)) {
      const built = eventFor({
        route,
        segments: ['CN-EMPTY-USER', '1'],
        query: null,
        body:
          route.method === 'POST' ? JSON.stringify({ controlNumber: 'CN-EMPTY-USER', sequence: 1 }) : null,
        contentType: 'application/json',
        headers: [],
        claims: true,
      }) as APIGatewayProxyEvent;
      (built.requestContext.authorizer as { claims: object }).claims = claims;
      const result = await (handlers.get(route.id) as RouteHandler)(built, {
        awsRequestId: 'lambda-fuzz',
        functionName: route.id,
      } as Context);
      expect(result.statusCode, route.id).toBe(403);
    }
  });
});
