import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError } from './http.js';

/**
 * Path parameters, decoded exactly once. API Gateway (REST, Lambda proxy) hands a handler its
 * `pathParameters` already percent-decoded, and the local adapter does the same with
 * {@link decodePathSegment}; a handler that decodes again turns `/v1/jurisdictions/%25` (the
 * parameter `%`) into a URIError, a 500, and `%2541` into `A`. So the one place a raw segment is
 * decoded is the gateway (or the local adapter standing in for it), and the one place a handler
 * reads a parameter is {@link pathParameter}, which never decodes.
 */

/** Longest path parameter a handler accepts: every identifier of this API is far shorter. */
export const MAX_PATH_PARAMETER_LENGTH = 256;

/**
 * Decodes one raw path segment as API Gateway does before it calls a handler: once. Malformed
 * percent-encoding (`%`, `%E0`, the overlong `%C0%AF`) names the parameter in a 400, never a 500.
 *
 * @param name - the parameter's name in the route's path template (the field of the error)
 * @param raw - the segment as it appeared in the request's path
 * @returns the decoded value
 * @throws BadRequestError when the segment is not valid percent-encoded UTF-8
 * @example
 * decodePathSegment('id', 'US%2DMEDICARE'); // 'US-MEDICARE'
 */
export function decodePathSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError(`The path parameter ${name} is not valid percent-encoded UTF-8.`, [
      {
        field: name,
        errorMessage: 'must be percent-encoded UTF-8 (write % itself as %25)',
      },
    ]);
  }
}

/**
 * A path parameter of the request, as the gateway decoded it: present, not empty, at most
 * {@link MAX_PATH_PARAMETER_LENGTH} characters. It is not decoded again (see the module comment).
 *
 * @param event - the API Gateway proxy event
 * @param name - the parameter's name in the route's path template
 * @returns the value
 * @throws BadRequestError naming the parameter when it is missing, empty or too long
 * @example
 * pathParameter(event, 'code'); // '99213'
 */
export function pathParameter(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, name: string): string {
  const parameters = event.pathParameters;
  const value =
    parameters !== null && parameters !== undefined && Object.hasOwn(parameters, name)
      ? parameters[name]
      : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new BadRequestError(`The path parameter ${name} is missing.`, [
      { field: name, errorMessage: 'is required' },
    ]);
  }
  if (value.length > MAX_PATH_PARAMETER_LENGTH) {
    throw new BadRequestError(`The path parameter ${name} is too long.`, [
      { field: name, errorMessage: `must be at most ${MAX_PATH_PARAMETER_LENGTH} characters` },
    ]);
  }
  return value;
}
