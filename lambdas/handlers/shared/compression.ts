/**
 * Response compression, the same locally and in AWS (issue 17, item 1): API Gateway compresses a
 * REST API's answer of at least `minimumCompressionSize` bytes with gzip or deflate when the
 * request's Accept-Encoding allows it, and leaves smaller answers and other encodings (br
 * included: API Gateway does not offer it) as they are
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gzip-compression-decompression.html).
 * The local adapter does the same with this threshold and this choice of encoding.
 */

/** Answers of at least this many bytes are compressed when the client accepts it. */
export const MIN_COMPRESSION_BYTES = 1024;

/**
 * The encoding to answer in, from a request's Accept-Encoding: gzip, else deflate, when the client
 * lists it with a non-zero quality (or `*`); none otherwise.
 *
 * @param header - the Accept-Encoding header as sent (several values joined by commas)
 * @returns 'gzip', 'deflate' or undefined (identity)
 * @example acceptedEncoding('br, gzip;q=0.8') // 'gzip'
 */
export function acceptedEncoding(header: string | undefined): 'gzip' | 'deflate' | undefined {
  if (!header) return undefined;
  const quality = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (name !== '') quality.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (name: string) => (quality.get(name) ?? quality.get('*') ?? 0) > 0;
  if (accepts('gzip')) return 'gzip';
  if (accepts('deflate')) return 'deflate';
  return undefined;
}
