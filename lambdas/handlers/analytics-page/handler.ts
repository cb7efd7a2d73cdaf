import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  type AnalyticsPageConfig,
  analyticsPageConfigProblem,
  analyticsPageSecurityPolicy,
  analyticsPageUnavailable,
  renderAnalyticsPage,
} from '../../app/analytics/page/render.js';
import { ANALYTICS_PAGE_ENV } from '../shared/analytics-page-env.js';
import { httpErrors, type LoggedContext, requestIdOf } from '../shared/http.js';

/**
 * The page's configuration from the environment, or null when it is missing or unusable. Read per
 * request (a string lookup): the local stack learns cognito-local's port after start-up.
 */
function configFrom(env: NodeJS.ProcessEnv): AnalyticsPageConfig | null {
  const cognitoEndpoint = env[ANALYTICS_PAGE_ENV.cognitoEndpoint];
  const clientId = env[ANALYTICS_PAGE_ENV.clientId];
  if (!cognitoEndpoint || !clientId) return null;
  const config = { cognitoEndpoint, clientId, askApiKey: env[ANALYTICS_PAGE_ENV.askApiKey] === 'true' };
  return analyticsPageConfigProblem(config) === null ? config : null;
}

const pages = new Map<string, string>();

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * GET /analytics: the KPI page (app/analytics/page). No token: the page holds no data and signs the
 * reader in itself; its Content-Security-Policy goes in a header too, with `frame-ancestors`.
 * 503 in words when the sign-in settings are not configured (the request log records the status).
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('AnalyticsPage'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const config = configFrom(process.env);
    if (config === null) {
      return {
        statusCode: 503,
        headers: {
          ...HEADERS,
          'content-security-policy':
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          'x-request-id': requestId,
        },
        body: analyticsPageUnavailable(),
      };
    }
    const cacheKey = JSON.stringify(config);
    let body = pages.get(cacheKey);
    if (body === undefined) {
      body = renderAnalyticsPage(config);
      pages.set(cacheKey, body);
    }
    return {
      statusCode: 200,
      headers: {
        ...HEADERS,
        'content-security-policy': analyticsPageSecurityPolicy(config),
        'x-request-id': requestId,
      },
      body,
    };
  });
