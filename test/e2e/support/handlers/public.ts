import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Stub handler of a route without scopes. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return {
    statusCode: 200,
    body: JSON.stringify({ ok: true, authorizer: event.requestContext.authorizer ?? null }),
  };
}
