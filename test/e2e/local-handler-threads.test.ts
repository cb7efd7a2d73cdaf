/**
 * Issue 17, § 2 (decision 014): the local API prices a large bill in a worker thread, not on its
 * event loop. The adapter sends a price request with a large body to the pool and everything else
 * to the handler on its own thread; the pool runs the real price handler and answers exactly what
 * the handler answers in this thread; a handler error in a thread is a 500 with the same body. The
 * event loop's delay itself is measured by `npm run bench`, never asserted here.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEE_INDEX_PATH_ENV, ROUTES, type RouteDefinition } from '../../lambdas/handlers/shared/routes.js';
import {
  createHandlerThreads,
  type HandlerThreads,
  LARGE_BODY_BYTES,
} from '../../lambdas/local/handler-threads.js';
import { createApiServer } from '../../lambdas/local/http-adapter.js';
import { cognitoLocalJwks } from '../../lambdas/local/jwt.js';
import { sampleIndexFile } from '../support/fee-index.js';
import { billWithValues } from '../support/large-bill.js';

const PRICE = ROUTES.find((r) => r.id === 'PriceBill') as RouteDefinition;
/** The price route without a token (the authorizer is not what this file is about). */
const OPEN_PRICE: RouteDefinition = { ...PRICE, scopes: [] };

function eventOf(body: string): APIGatewayProxyEvent {
  return {
    body,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: PRICE.path,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: PRICE.path,
    requestContext: { requestId: 'req-thread-1' } as APIGatewayProxyEvent['requestContext'],
  };
}

let threads: HandlerThreads;

beforeAll(() => {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  process.env.WCBR_LOG = 'off';
  threads = createHandlerThreads(1);
});

afterAll(async () => {
  await threads?.close();
});

describe('the handler threads', () => {
  it('answer what the price handler answers in this thread, byte for byte', async () => {
    const body = JSON.stringify(billWithValues(200));
    const handler = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as (
      event: APIGatewayProxyEvent,
      context: Context,
    ) => Promise<APIGatewayProxyResult>;
    const here = await handler(eventOf(body), { awsRequestId: 'x' } as Context);
    const there = (await threads.run(PRICE, eventOf(body), Date.now() + 29_000)) as APIGatewayProxyResult;
    expect(here.statusCode).toBe(200);
    expect(there.statusCode).toBe(200);
    expect(there.body === here.body).toBe(true);
  }, 60_000);

  it('report a handler that throws as an error carrying its name only', async () => {
    const broken: RouteDefinition = { ...PRICE, entry: 'test/e2e/support/handlers/no-such-handler.ts' };
    await expect(threads.run(broken, eventOf('{}'), Date.now() + 29_000)).rejects.toThrow();
  }, 60_000);
});

describe('the adapter', () => {
  let server: Server;
  let url: string;
  const offloaded: string[] = [];
  const inline: string[] = [];

  beforeAll(async () => {
    const pool: HandlerThreads = {
      run: async (_route, event) => {
        offloaded.push(event.body ?? '');
        return { statusCode: 200, body: '{"where":"thread"}' };
      },
      close: async () => undefined,
    };
    server = createApiServer({
      routes: [OPEN_PRICE, { ...OPEN_PRICE, id: 'Other', path: '/v1/other' }],
      auth: {
        issuer: 'http://localhost:9229/local_x',
        jwks: cognitoLocalJwks(),
        allowedClientIds: new Set(),
      },
      quiet: true,
      loadHandler: async () => async (event) => {
        inline.push(event.body ?? '');
        return { statusCode: 200, body: '{"where":"loop"}' };
      },
      handlerThreads: { pool, routes: new Set(['PriceBill']) },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const post = async (path: string, body: string) =>
    (await (await fetch(`${url}${path}`, { method: 'POST', body })).json()) as { where: string };

  it('sends a price request of at least LARGE_BODY_BYTES to the threads, and a smaller one to its own loop', async () => {
    const large = JSON.stringify({ pad: 'x'.repeat(LARGE_BODY_BYTES) });
    const small = JSON.stringify({ pad: 'x'.repeat(100) });
    expect(await post('/v1/bills/price', large)).toEqual({ where: 'thread' });
    expect(await post('/v1/bills/price', small)).toEqual({ where: 'loop' });
    // Another route stays on the loop whatever its size.
    expect(await post('/v1/other', large)).toEqual({ where: 'loop' });
    expect(offloaded).toEqual([large]);
    expect(inline).toEqual([small, large]);
  });
});
