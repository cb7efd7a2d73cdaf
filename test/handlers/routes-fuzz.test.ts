/**
 * "Never a 500 for anything a client sent" (DESIGN.md), for every route of the route table, not
 * only the price route (test/handlers/handlers.test.ts fuzzes bill bodies in depth): arbitrary
 * path segments, query strings, headers and bodies go through what API Gateway does with them
 * (decode each path segment once, as the local adapter does) and then the route's own handler,
 * the Recon routes against DynamoDB Local. Every answer is under 500, in the error shape when it
 * is an error, and one the OpenAPI document declares. Fixed seed, bounded runs: seconds.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/handlers/openapi/document.js';
import { errorResult } from '../../lambdas/handlers/shared/http.js';
import { FEE_INDEX_PATH_ENV, ROUTES, type RouteDefinition } from '../../lambdas/handlers/shared/routes.js';
import { decodePathParameters } from '../../lambdas/local/http-adapter.js';
import { type ReconBackends, startReconBackends } from '../../lambdas/local/recon-stack.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { answerSchema, checkJsonSchema } from '../support/json-schema.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const handlers = new Map<string, Handler>();
const document = openApiDocument();
let backends: ReconBackends | undefined;

/** A machine client of every scope: its own tenant, as the Cognito authorizer passes its claims. */
const CLAIMS = {
  client_id: 'fuzz-client',
  token_use: 'access',
  scope: ROUTES.flatMap((r) => r.scopes).join(' '),
};

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  backends = await startReconBackends({
    keys: 'local',
    stateDir: mkdtempSync(join(tmpdir(), 'wcbr-fuzz-routes-')),
  });
  // The Recon handlers read their environment when their modules load.
  Object.assign(process.env, backends.environment);
  for (const route of ROUTES) {
    const module = (await import(`../../${route.entry.replace(/\.ts$/, '.js')}`)) as { handler: unknown };
    handlers.set(route.id, module.handler as Handler);
  }
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

const key = fc.oneof(
  fc.constantFrom(
    'date',
    'zip',
    'locality',
    'modifier',
    'facility',
    'limit',
    'pageToken',
    '__proto__',
    'constructor',
  ),
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
  query: fc.option(fc.dictionary(key, value, { maxKeys: 4 }), { nil: null }),
  body,
  contentType,
  claims: fc.boolean(),
});

interface FuzzRequest {
  readonly route: RouteDefinition;
  readonly segments: readonly string[];
  readonly query: Record<string, string> | null;
  readonly body: string | null;
  readonly contentType: string | undefined;
  readonly claims: boolean;
}

/** The event API Gateway would send, or the 400 it (the local adapter) answers for a bad segment. */
function eventFor(input: FuzzRequest): APIGatewayProxyEvent | APIGatewayProxyResult {
  const { route } = input;
  const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const raw = Object.fromEntries(names.map((name, i) => [name, input.segments[i] ?? '']));
  const decoded = decodePathParameters(raw);
  if (!decoded.ok) return errorResult(decoded.error, 'req-fuzz');
  const headers: Record<string, string> =
    input.contentType === undefined ? {} : { 'Content-Type': input.contentType };
  return {
    body: route.method === 'POST' ? input.body : null,
    headers,
    multiValueHeaders: {},
    httpMethod: route.method,
    isBase64Encoded: false,
    path: route.path,
    pathParameters: names.length > 0 ? decoded.values : null,
    queryStringParameters: input.query,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: route.path,
    requestContext: {
      requestId: 'req-fuzz',
      ...(input.claims ? { authorizer: { claims: CLAIMS } } : {}),
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
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
            : await (handlers.get(input.route.id) as Handler)(built, {
                awsRequestId: 'lambda-fuzz',
                functionName: input.route.id,
              } as Context);
        const statuses = seen.get(input.route.id) ?? new Set<number>();
        statuses.add(result.statusCode);
        seen.set(input.route.id, statuses);
        expect(result.statusCode, JSON.stringify(input).slice(0, 300)).toBeLessThan(500);
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
