import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * An API Gateway REST proxy event as the handlers receive it: a POST to /v1/bills/price with no
 * headers, parameters or authorizer unless the test names them.
 *
 * @param overrides - the fields a test sets
 * @returns the event
 */
export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/v1/bills/price',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/v1/bills/price',
    requestContext: { requestId: 'req-test-1' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}
