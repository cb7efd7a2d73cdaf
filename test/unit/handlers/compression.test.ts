/**
 * Which encoding an answer goes out in (issue 17, item 1): API Gateway's choice (gzip or deflate,
 * by the request's Accept-Encoding and its q-values; br is not one it offers), which the local
 * adapter copies.
 */
import { describe, expect, it } from 'vitest';
import { acceptedEncoding } from '../../../lambdas/handlers/shared/compression.js';

describe('acceptedEncoding', () => {
  it.each([
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'gzip'],
    ['br, gzip;q=0.8', 'gzip'],
    ['deflate', 'deflate'],
    ['gzip;q=0, deflate', 'deflate'],
    ['GZIP', 'gzip'],
    ['*', 'gzip'],
    ['*;q=0.1, gzip;q=0', 'deflate'],
  ] as const)('%s → %s', (header, expected) => {
    expect(acceptedEncoding(header)).toBe(expected);
  });

  it.each([[undefined], [''], ['br'], ['identity'], ['gzip;q=0'], ['gzip;q=0, deflate;q=0'], ['*;q=0']])(
    '%s → identity',
    (header) => {
      expect(acceptedEncoding(header)).toBeUndefined();
    },
  );
});
