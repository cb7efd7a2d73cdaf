/**
 * The OpenAPI document is derived from the Valibot schemas of the answers (never written by hand),
 * declares every path parameter, and describes what the handlers really answer: each route's real
 * answers are checked against `/openapi.json` as the handler serves it. The Recon routes' answers
 * are checked the same way in test/e2e/recon.test.ts (they need DynamoDB Local).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RESPONSE_SCHEMAS,
  ROUTE_ANSWERS,
  responseJsonSchema,
} from '../../lambdas/handlers/openapi/document.js';
import { ANALYTICS_PAGE_ENV } from '../../lambdas/handlers/shared/analytics-page-env.js';
import { FEE_INDEX_PATH_ENV, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { answerSchema, checkJsonSchema } from '../support/json-schema.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;
const handlers = new Map<string, Handler>();
let document: Record<string, unknown>;

function event(route: string, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const definition = ROUTES.find((r) => r.id === route);
  if (!definition) throw new Error(`no route ${route}`);
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: definition.method,
    isBase64Encoded: false,
    path: definition.path,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: definition.path,
    requestContext: { requestId: 'req-openapi-1' } as APIGatewayProxyEvent['requestContext'],
    ...extra,
  };
}

/** Calls a route's handler and checks its answer against the served document. */
async function answerOf(route: string, extra: Partial<APIGatewayProxyEvent> = {}) {
  const handler = handlers.get(route);
  if (!handler) throw new Error(`no handler for ${route}`);
  const definition = ROUTES.find((r) => r.id === route);
  const response = await handler(event(route, extra), context);
  const body: unknown = JSON.parse(response.body);
  const schema = answerSchema(
    document,
    definition?.method ?? 'GET',
    definition?.path ?? '',
    response.statusCode,
  );
  expect(schema, `${route} declares an answer for ${response.statusCode}`).toBeDefined();
  return {
    status: response.statusCode,
    body,
    problems: checkJsonSchema(body, schema ?? false, document),
  };
}

const visit = {
  jurisdiction: 'US-MEDICARE',
  serviceFacility: { zip: '19901' },
  billingProvider: { npi: '1234567893', name: 'Clinic', zip: '19901' },
  lines: [
    { code: '99213', dateOfService: '2025-03-04', charge: '150.00' },
    { code: '72148', modifiers: ['26'], dateOfService: '2025-03-04', charge: '300.00' },
    { code: '64999', dateOfService: '2025-03-04', charge: '90.00' },
  ],
};

beforeAll(async () => {
  process.env[FEE_INDEX_PATH_ENV] = (await import('../support/fee-index.js')).sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  for (const route of ROUTES.filter((r) => r.recon === undefined && r.workflow === undefined)) {
    const module = (await import(`../../${route.entry.replace(/\.ts$/, '.js')}`)) as { handler: unknown };
    handlers.set(route.id, module.handler as Handler);
  }
  const served = await (handlers.get('OpenApi') as Handler)(event('OpenApi'), context);
  document = JSON.parse(served.body) as Record<string, unknown>;
});

describe('the OpenAPI document', () => {
  it('derives every answer schema from its Valibot schema', () => {
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) {
      expect(schemas[name], name).toEqual(responseJsonSchema(schema));
    }
    // The KPI page answers HTML (its own test below), every other route JSON of a named schema.
    for (const route of ROUTES.filter((r) => r.id !== 'AnalyticsPage')) {
      const ok = route.id === 'SubmitRecon' || route.id === 'CreateBatch' ? 201 : 200;
      expect(answerSchema(document, route.method, route.path, ok), route.id).toEqual({
        $ref: `#/components/schemas/${ROUTE_ANSWERS[route.id]}`,
      });
    }
  });

  it('types no answer as a bare object', () => {
    const bare = JSON.stringify(document.paths).match(/"schema":\{"type":"object"\}/g);
    expect(bare).toBeNull();
  });

  it('declares every path parameter of every operation', () => {
    for (const route of ROUTES) {
      const operation = (
        document.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>
      )[route.path]?.[route.method.toLowerCase()];
      const declared = (operation?.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const templated = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(declared.sort(), `${route.method} ${route.path}`).toEqual(templated.sort());
    }
  });

  it('declares the Recon answer’s priced bill without the requestId it does not carry', () => {
    const schemas = (
      document.components as { schemas: Record<string, { properties: Record<string, unknown> }> }
    ).schemas;
    const priced = schemas.ReconAnswer?.properties.priced as { properties: Record<string, unknown> };
    expect(Object.keys(priced.properties)).not.toContain('requestId');
    expect(Object.keys(schemas.PriceBillAnswer?.properties ?? {})).toContain('requestId');
  });

  it('serves without a token: the health and OpenAPI routes have no scopes', () => {
    for (const id of ['Health', 'OpenApi']) {
      expect(ROUTES.find((r) => r.id === id)?.scopes, id).toEqual([]);
    }
  });

  it('is checked by a checker that can fail: an undeclared field, a wrong type, a missing field', () => {
    const priced = (document.components as { schemas: Record<string, unknown> }).schemas.FeeAnswer as object;
    expect(checkJsonSchema({}, priced, document).join('\n')).toMatch(/missing amount/);
    expect(
      checkJsonSchema({ requestId: 'r', status: 'priced', extra: 1 }, priced, document).join('\n'),
    ).toMatch(/extra is not declared/);
    expect(checkJsonSchema({ requestId: 1 }, priced, document).join('\n')).toMatch(
      /\$\.requestId: expected string/,
    );
  });
});

describe('real answers of every route match /openapi.json', () => {
  it('POST /v1/bills/price: a priced bill (a priced, an unpriced line), and its errors', async () => {
    const priced = await answerOf('PriceBill', { body: JSON.stringify(visit) });
    expect(priced.status).toBe(200);
    expect(priced.problems.slice(0, 20).join('\n')).toBe('');
    for (const [body, headers, status] of [
      ['{"lines": [', {}, 400],
      [JSON.stringify({ lines: [{}] }), {}, 422],
      [JSON.stringify(visit), { 'content-type': 'text/plain' }, 415],
      [JSON.stringify({ ...visit, lines: Array.from({ length: 200 }, () => ({})) }), {}, 422],
    ] as const) {
      const error = await answerOf('PriceBill', { body, headers });
      expect(error.status).toBe(status);
      expect(error.problems).toEqual([]);
    }
  });

  it('POST /v1/bills/price at explain=summary and none (query or bill field), professional and facility', async () => {
    const outpatient = {
      jurisdiction: 'US-MEDICARE',
      billType: 'outpatient',
      facility: { zip: '30303', cbsa: '12054' },
      lines: [
        { revenueCode: '0360', code: '29881', dateOfService: '2025-03-04', charge: '9500.00' },
        { revenueCode: '0300', code: '36415', dateOfService: '2025-03-04', charge: '25.00' },
      ],
    };
    const schemas = (document.components as { schemas: Record<string, object> }).schemas;
    for (const bill of [visit, outpatient]) {
      for (const explain of ['summary', 'none'] as const) {
        for (const extra of [
          { body: JSON.stringify(bill), queryStringParameters: { explain } },
          { body: JSON.stringify({ ...bill, explain }) },
        ]) {
          const answer = await answerOf('PriceBill', extra);
          expect(answer.status).toBe(200);
          expect((answer.body as { explain: string }).explain).toBe(explain);
          expect(answer.problems.slice(0, 20).join('\n')).toBe('');
          // Each level is told apart by the document: a summary is neither a full nor an amounts answer.
          const own = explain === 'summary' ? 'PriceBillSummaryAnswer' : 'PriceBillAmountsAnswer';
          for (const name of ['PriceBillAnswer', 'PriceBillSummaryAnswer', 'PriceBillAmountsAnswer']) {
            const problems = checkJsonSchema(answer.body, schemas[name] as object, document);
            expect(problems.length === 0, `${explain} as ${name}`).toBe(name === own);
          }
        }
      }
    }
    const refused = await answerOf('PriceBill', {
      body: JSON.stringify(visit),
      queryStringParameters: { explain: 'verbose' },
    });
    expect(refused.status).toBe(422);
    expect(refused.problems).toEqual([]);
  });

  it('documents the explain query parameter with its three levels', () => {
    const operation = (
      document.paths as Record<string, Record<string, { parameters?: Record<string, unknown>[] }>>
    )['/v1/bills/price']?.post;
    const explain = operation?.parameters?.find((p) => p.name === 'explain');
    expect(explain?.in).toBe('query');
    expect((explain?.schema as { enum?: string[] } | undefined)?.enum).toEqual(['full', 'summary', 'none']);
    expect(String(explain?.description)).toMatch(/summary/);
  });

  it('GET /v1/fee-schedules/{jurisdiction}/{code}: priced, unpriced and its errors', async () => {
    for (const [code, status] of [
      ['99213', 200],
      ['64999', 200],
      ['9999Z', 404],
      ['%', 422],
    ] as const) {
      const answer = await answerOf('GetFeeSchedule', {
        pathParameters: { jurisdiction: 'US-MEDICARE', code },
        queryStringParameters: { date: '2025-03-04', zip: '19901' },
      });
      expect(answer.status, code).toBe(status);
      expect(answer.problems.join('\n'), code).toBe('');
    }
  });

  it('GET /v1/jurisdictions and every /v1/jurisdictions/{id}', async () => {
    const list = await answerOf('ListJurisdictions');
    expect(list.status).toBe(200);
    expect(list.problems).toEqual([]);
    const ids = (list.body as { jurisdictions: { id: string }[] }).jurisdictions.map((j) => j.id);
    expect(ids.length).toBeGreaterThan(50);
    for (const id of [...ids, 'ZZ', '%']) {
      const one = await answerOf('GetJurisdiction', { pathParameters: { id } });
      expect(one.status, id).toBe(ids.includes(id) ? 200 : 404);
      expect(one.problems, id).toEqual([]);
    }
  });

  it('GET /analytics: the KPI page, HTML with its 200 and its 503, as declared', async () => {
    const declared = (
      document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>
    )['/analytics']?.get?.responses;
    const html = { content: { 'text/html': { schema: { type: 'string' } } } };
    expect(declared?.['200']).toMatchObject(html);
    expect(declared?.['503']).toMatchObject(html);
    const handler = handlers.get('AnalyticsPage') as Handler;
    const unset = await handler(event('AnalyticsPage'), context);
    expect(unset.statusCode).toBe(503);
    expect(unset.headers?.['content-type']).toMatch(/^text\/html/);
    process.env[ANALYTICS_PAGE_ENV.cognitoEndpoint] = 'http://127.0.0.1:9229';
    process.env[ANALYTICS_PAGE_ENV.clientId] = 'openapiclient';
    try {
      const served = await handler(event('AnalyticsPage'), context);
      expect(served.statusCode).toBe(200);
      expect(served.headers?.['content-type']).toMatch(/^text\/html/);
    } finally {
      delete process.env[ANALYTICS_PAGE_ENV.cognitoEndpoint];
      delete process.env[ANALYTICS_PAGE_ENV.clientId];
    }
  });

  it('GET /v1/reason-codes, /v1/health and /openapi.json', async () => {
    for (const route of ['ListReasonCodes', 'Health', 'OpenApi']) {
      const answer = await answerOf(route);
      expect(answer.status, route).toBe(200);
      expect(answer.problems.join('\n'), route).toBe('');
    }
  });
});
