/**
 * Holds a real answer of the API to the OpenAPI document it serves: the route is found with the
 * local adapter's router (the route table's path templates), the schema with the answer's status
 * (or `default`), and the body checked with the tests' JSON Schema checker.
 */
import { expect } from 'vitest';
import { openApiDocument } from '../../../lambdas/handlers/openapi/document.js';
import { ROUTES } from '../../../lambdas/handlers/shared/routes.js';
import { createRouter } from '../../../lambdas/local/http-adapter.js';
import { answerSchema, checkJsonSchema } from '../../support/json-schema.js';

const document = openApiDocument();
const route = createRouter(ROUTES);

/**
 * Expects the answer to be one the document declares for its route and status.
 *
 * @param method - the request's method
 * @param pathName - the request's path (query string allowed)
 * @param status - the answer's status
 * @param body - the answer's parsed body
 */
export function expectDocumented(method: string, pathName: string, status: number, body: unknown): void {
  const match = route(method, new URL(pathName, 'http://localhost').pathname);
  if (match.kind !== 'found') return; // the adapter's own 404/405: no operation to hold it to
  const schema = answerSchema(document, method, match.route.path, status);
  expect(schema, `${method} ${match.route.path} declares ${status}`).toBeDefined();
  const problems = checkJsonSchema(body, schema ?? false, document);
  expect(problems.slice(0, 10).join('\n'), `${method} ${pathName} ${status}`).toBe('');
}
