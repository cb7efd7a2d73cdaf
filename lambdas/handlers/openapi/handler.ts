import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { openApiDocument } from './document.js';

const document = openApiDocument();

/** GET /openapi.json: the OpenAPI 3.1 document generated from the schemas. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('OpenApi'))
  .handler(async (event, context) => jsonResponse(200, document, requestIdOf(event, context)));
