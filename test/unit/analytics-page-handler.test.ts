import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyticsPageSecurityPolicy } from '../../lambdas/app/analytics/page/render.js';
import { ANALYTICS_PAGE_ENV } from '../../lambdas/handlers/shared/analytics-page-env.js';

/*
 * GET /analytics: the page with the configuration of the environment, its policy as a header, and
 * 503 in words when the sign-in settings are missing or unusable.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let handler: Handler;

const event = {
  httpMethod: 'GET',
  path: '/analytics',
  headers: {},
  requestContext: { requestId: '0f0e0d0c-0b0a-4908-8706-050403020100' },
} as unknown as APIGatewayProxyEvent;
const context = { awsRequestId: '0f0e0d0c-0b0a-4908-8706-050403020100' } as Context;

beforeAll(async () => {
  process.env.WCBR_LOG = 'off';
  handler = (await import('../../lambdas/handlers/analytics-page/handler.js')).handler as unknown as Handler;
});

afterEach(() => {
  for (const name of Object.values(ANALYTICS_PAGE_ENV)) delete process.env[name];
});

describe('GET /analytics', () => {
  it('serves the page with the configured endpoint and client, and its policy as a header', async () => {
    process.env[ANALYTICS_PAGE_ENV.cognitoEndpoint] = 'http://127.0.0.1:45678';
    process.env[ANALYTICS_PAGE_ENV.clientId] = 'peopleclient1';
    const answer = await handler(event, context);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers?.['content-security-policy']).toBe(
      analyticsPageSecurityPolicy({ cognitoEndpoint: 'http://127.0.0.1:45678' }),
    );
    expect(answer.headers?.['x-content-type-options']).toBe('nosniff');
    expect(answer.body).toContain('"cognitoEndpoint":"http://127.0.0.1:45678"');
    expect(answer.body).toContain('"clientId":"peopleclient1","askApiKey":false');
  });

  it('asks for the API key where the environment says the API requires one', async () => {
    process.env[ANALYTICS_PAGE_ENV.cognitoEndpoint] = 'https://cognito-idp.eu-west-1.amazonaws.com/';
    process.env[ANALYTICS_PAGE_ENV.clientId] = 'peopleclient2';
    process.env[ANALYTICS_PAGE_ENV.askApiKey] = 'true';
    const answer = await handler(event, context);
    expect(answer.body).toContain('"askApiKey":true');
    expect(answer.headers?.['content-security-policy']).toContain(
      "connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com;",
    );
  });

  it.each([
    ['nothing set', {}],
    ['no client id', { [ANALYTICS_PAGE_ENV.cognitoEndpoint]: 'http://127.0.0.1:1' }],
    ['no endpoint', { [ANALYTICS_PAGE_ENV.clientId]: 'abc' }],
    [
      'an endpoint that is not a URL',
      { [ANALYTICS_PAGE_ENV.cognitoEndpoint]: 'cognito', [ANALYTICS_PAGE_ENV.clientId]: 'abc' },
    ],
  ])('answers 503 in words with %s', async (_name, env) => {
    Object.assign(process.env, env);
    const answer = await handler(event, context);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('<h1>The KPI page is not available</h1>');
    expect(answer.body).not.toContain('<script');
  });
});
