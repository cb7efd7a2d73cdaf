/**
 * No PHI in any log, through the Lambda handlers (issue 15, item 2): every route's handler module
 * is invoked with API Gateway proxy events that carry PHI-like markers in every path parameter,
 * query parameter, header and body field (test/support/phi-requests.ts), and everything the
 * process writes to stdout and stderr (the Powertools logger's lines, the EMF metric lines, the
 * Lambda runtime's stand-ins) is searched for them. The Recon route runs its workflow's task
 * modules (the Lambda functions of the state machine) against DynamoDB Local.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import type { ReconBackends } from '../../lambdas/local/recon-stack.js';
import { PHI, type PhiRequest, phiIn, phiRequests } from '../support/phi-requests.js';
import { loadRouteHandlers, type RouteHandler } from '../support/route-handlers.js';

// Logs and metrics on, as in Lambda, before any module reads the environment: the test reads
// what they write.
vi.hoisted(() => {
  process.env.WCBR_LOG = 'on';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

let handlers = new Map<string, RouteHandler>();
let backends: ReconBackends | undefined;

/** A machine client of every scope; the person's username claim carries a marker too. */
const CLAIMS = {
  client_id: 'phi-client',
  token_use: 'access',
  scope: ROUTES.flatMap((r) => r.scopes).join(' '),
  'cognito:username': PHI.name,
};

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  ({ backends, handlers } = await loadRouteHandlers('wcbr-phi-logs-'));
});

afterAll(async () => {
  await backends?.stop();
});

function proxyEvent(request: PhiRequest): APIGatewayProxyEvent {
  const { route } = request;
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(request.pathParameters[name] ?? ''),
  );
  const names = Object.keys(request.pathParameters);
  return {
    body: request.body,
    headers: { ...request.headers },
    multiValueHeaders: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v]])),
    httpMethod: route.method,
    isBase64Encoded: false,
    path,
    pathParameters: names.length === 0 ? null : { ...request.pathParameters },
    queryStringParameters: Object.keys(request.query).length === 0 ? null : { ...request.query },
    multiValueQueryStringParameters:
      Object.keys(request.query).length === 0
        ? null
        : Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, [v]])),
    stageVariables: null,
    resource: route.path,
    requestContext: {
      requestId: randomUUID(),
      stage: 'test',
      path: `/test${path}`,
      httpMethod: route.method,
      resourcePath: route.path,
      identity: { sourceIp: '203.0.113.7', userAgent: request.headers['user-agent'] ?? null },
      authorizer: { claims: CLAIMS },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

describe('the Lambda handlers never log PHI', () => {
  it('answers every route with markers everywhere, and no log line holds one', async () => {
    // Prepare
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const requests = phiRequests(ROUTES);
    const statuses: number[] = [];
    // Act
    try {
      for (const request of requests) {
        const handler = handlers.get(request.route.id);
        if (!handler) throw new Error(`no handler for ${request.route.id}`);
        const context = { awsRequestId: randomUUID(), functionName: request.route.id } as Context;
        const response = await handler(proxyEvent(request), context);
        statuses.push(response.statusCode);
      }
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    // Assess
    const text = written.join('');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const offending = lines.filter((line) => phiIn(line).length > 0);
    expect(offending, offending.join('\n')).toEqual([]);
    // Not vacuous: every request logged a line, the Recon and pricing requests that succeeded
    // wrote metrics, and each route answered the request it can answer.
    const requestLines = lines.filter((line) => line.includes('"message":"request"'));
    // (The Recon route's 415 is API Gateway's own answer in AWS: no function runs, nothing logs.)
    const gatewayAnswered = requests.filter(
      (r) => r.route.id === 'SubmitRecon' && r.headers['content-type'] !== 'application/json',
    );
    expect(requestLines.length).toBe(requests.length - gatewayAnswered.length);
    expect(lines.some((line) => line.includes('"BillsPriced"'))).toBe(true);
    expect(statuses.filter((s) => s < 300).length).toBeGreaterThanOrEqual(ROUTES.length);
    expect(statuses.every((s) => s < 500)).toBe(true);
    // The request lines name the route, and only a known jurisdiction and well-formed codes.
    const fee = requestLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.route === 'GetFeeSchedule');
    expect(fee.some((line) => line.jurisdiction === 'US-MEDICARE')).toBe(true);
  });
});
