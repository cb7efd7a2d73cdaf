import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** Stub handler: 200 with what the local API Gateway passed in (claims, route, request ids). */
export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  const claims = (event.requestContext.authorizer?.claims ?? null) as Record<string, string> | null;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: claims?.client_id ?? null,
      scope: claims?.scope ?? null,
      token_use: claims?.token_use ?? null,
      groups: claims?.['cognito:groups'] ?? null,
      exp: claims?.exp ?? null,
      functionName: context.functionName,
      remainingMs: context.getRemainingTimeInMillis(),
      resource: event.resource,
      path: event.path,
      pathParameters: event.pathParameters,
      queryStringParameters: event.queryStringParameters,
      bodyLength: event.body?.length ?? 0,
      requestId: event.requestContext.requestId,
      feeIndexPath: process.env.FEE_INDEX_PATH ?? null,
    }),
  };
}
