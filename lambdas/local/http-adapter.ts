/**
 * API Gateway (REST, Lambda proxy integration) in front of the real handler modules, on node:http:
 * route matching on method + resource path, the Cognito authorizer's checks (authorizer.ts), the
 * 10 MB payload limit, the REST v1 proxy event and a Lambda context, and the handler's result
 * written back as the HTTP response.
 *
 * Handlers are loaded lazily, by dynamic `import()` of the route's `entry` (resolved from the
 * repository root; under `npm start` tsx is the loader, so `.ts` entries load as they are).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflate, gzip } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { acceptedEncoding, MIN_COMPRESSION_BYTES } from '../handlers/shared/compression.js';
import { BadRequestError, BULK_ROUTE } from '../handlers/shared/http.js';
import { decodePathSegment } from '../handlers/shared/path-parameters.js';
import type { RouteDefinition } from '../handlers/shared/routes.js';
import { loggableErrorName, stackFrames } from '../observability/logger.js';
import { type AuthorizerClaims, type AuthorizerConfig, authorize } from './authorizer.js';
import { type HandlerThreads, LARGE_BODY_BYTES } from './handler-threads.js';
import { REPO_ROOT } from './paths.js';

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type LoadHandler = (route: RouteDefinition) => Promise<LambdaHandler>;

/** One line per request: metadata only (never bodies, tokens, paths or query strings). */
export interface RequestLogEntry {
  readonly time: string;
  readonly method: string;
  /** The route's id; null when no route matched (404/405). */
  readonly routeId: string | null;
  readonly status: number;
  readonly latencyMs: number;
  readonly requestId: string;
}

export interface ApiServerOptions {
  readonly routes: readonly RouteDefinition[];
  /** How a route's handler is obtained; default: dynamic import of `entry` from the repository root. */
  readonly loadHandler?: LoadHandler | undefined;
  readonly auth: AuthorizerConfig;
  /** API Gateway's payload limit: 10 MB. */
  readonly maxBodyBytes?: number | undefined;
  /** API Gateway's integration timeout: 29 s, then 504. */
  readonly timeoutMs?: number | undefined;
  /**
   * How long a request body may take to arrive in full, counted from when the adapter starts
   * reading it (right after the headers): then 408 and the connection is closed. A deadline, not
   * an idle timer, so a client that trickles a byte a second is cut off as one that stops.
   * Default {@link DEFAULT_BODY_TIMEOUT_MS}.
   */
  readonly bodyTimeoutMs?: number | undefined;
  /** Stage name in the event (`requestContext.stage`, `/<stage>` in `requestContext.path`). */
  readonly stage?: string | undefined;
  /** No request or error logging (benchmarks, tests). */
  readonly quiet?: boolean | undefined;
  /** Where request lines go; default: one JSON line on stdout. */
  readonly log?: ((entry: RequestLogEntry) => void) | undefined;
  /**
   * Runs the requests of these routes whose body has at least `minBodyBytes` (default
   * LARGE_BODY_BYTES) in the pool's worker threads instead of on this event loop (decision 014):
   * a large bill is priced there while small requests keep flowing here. The threads load the
   * handlers by `entry`, as {@link defaultLoadHandler} does (never an injected loader).
   */
  readonly handlerThreads?:
    | {
        readonly pool: HandlerThreads;
        readonly routes: ReadonlySet<string>;
        readonly minBodyBytes?: number | undefined;
      }
    | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 29_000;
/** A body not complete 10 s after the headers is dropped (408): 10 MB at 8 Mbit/s fits. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Handler loading
// ---------------------------------------------------------------------------------------------

const loaded = new Map<string, Promise<LambdaHandler>>();

/** Imports `route.entry` (relative to the repository root) once and returns its `handler` export. */
export function defaultLoadHandler(route: RouteDefinition): Promise<LambdaHandler> {
  const file = resolve(REPO_ROOT, route.entry);
  let pending = loaded.get(file);
  if (!pending) {
    pending = import(pathToFileURL(file).href).then((module: { handler?: unknown }) => {
      if (typeof module.handler !== 'function') {
        throw new Error(`${route.entry} does not export a function named handler`);
      }
      return module.handler as LambdaHandler;
    });
    // A failed import is not remembered: fix the file and the next request tries again.
    pending.catch(() => loaded.delete(file));
    loaded.set(file, pending);
  }
  return pending;
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly segments: readonly Segment[];
  /** Literal segments first: API Gateway prefers `/a/b` over `/a/{x}`. */
  readonly specificity: string;
}

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

function compile(route: RouteDefinition): CompiledRoute {
  const segments: Segment[] = route.path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const greedy = /^\{(.+)\+\}$/.exec(s);
      if (greedy?.[1]) return { kind: 'greedy', name: greedy[1] };
      const param = /^\{(.+)\}$/.exec(s);
      if (param?.[1]) return { kind: 'param', name: param[1] };
      return { kind: 'literal', value: s };
    });
  const specificity = segments
    .map((s) => (s.kind === 'literal' ? '2' : s.kind === 'param' ? '1' : '0'))
    .join('');
  return { route, segments, specificity };
}

function matchSegments(compiled: CompiledRoute, parts: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < compiled.segments.length; i++) {
    const segment = compiled.segments[i] as Segment;
    if (segment.kind === 'greedy') {
      if (i >= parts.length) return null;
      params[segment.name] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (segment.kind === 'literal' && segment.value !== part) return null;
    if (segment.kind === 'param') params[segment.name] = part;
  }
  return parts.length === compiled.segments.length ? params : null;
}

/**
 * Decodes the matched segments once each, as API Gateway does before it calls the function.
 *
 * @param raw - the segments by parameter name, as they appeared in the path
 * @returns the decoded values, or the first segment's error (malformed percent-encoding)
 */
export function decodePathParameters(
  raw: Readonly<Record<string, string>>,
):
  | { readonly ok: true; readonly values: Record<string, string> }
  | { readonly ok: false; readonly error: BadRequestError } {
  const values: Record<string, string> = {};
  for (const [name, segment] of Object.entries(raw)) {
    try {
      // A greedy parameter spans several segments: each is decoded, the slashes between stay.
      values[name] = segment
        .split('/')
        .map((part) => decodePathSegment(name, part))
        .join('/');
    } catch (error) {
      if (error instanceof BadRequestError) return { ok: false, error };
      throw error;
    }
  }
  return { ok: true, values };
}

export type RouteMatch =
  | {
      readonly kind: 'found';
      readonly route: RouteDefinition;
      /**
       * The parameters' segments as they appear in the path, still percent-encoded: the adapter
       * decodes them once with decodePathSegment, as API Gateway does, and a malformed one is a 400.
       */
      readonly rawPathParameters: Record<string, string>;
    }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

/** Matches method + path against the route table (most specific resource path first). */
export function createRouter(
  routes: readonly RouteDefinition[],
): (method: string, path: string) => RouteMatch {
  const compiled = routes.map(compile);
  return (method, path) => {
    const parts = path.split('/').filter((s) => s !== '');
    let best: {
      specificity: string;
      matches: { c: CompiledRoute; params: Record<string, string> }[];
    } | null = null;
    for (const c of compiled) {
      const params = matchSegments(c, parts);
      if (!params) continue;
      if (!best || c.specificity > best.specificity)
        best = { specificity: c.specificity, matches: [{ c, params }] };
      else if (c.specificity === best.specificity) best.matches.push({ c, params });
    }
    if (!best) return { kind: 'not-found' };
    // Several templates of equal specificity can match (e.g. /{a} and /{b}); keep the first's resource.
    const resource = best.matches[0]?.c.route.path;
    const sameResource = best.matches.filter((m) => m.c.route.path === resource);
    const hit = sameResource.find((m) => m.c.route.method === method);
    if (hit) return { kind: 'found', route: hit.c.route, rawPathParameters: hit.params };
    return { kind: 'method-not-allowed', allowed: sameResource.map((m) => m.c.route.method) };
  };
}

// ---------------------------------------------------------------------------------------------
// Event and context
// ---------------------------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** `requestContext.requestTime` format: `23/Nov/2026:17:06:07 +0000`. */
function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
  );
}

function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** 1, 2 or 4 for `X-Forwarded-For`, `-Port` or `-Proto` in any spelling; 0 for any other name. */
function forwardedBit(name: string): number {
  switch (name.toLowerCase()) {
    case 'x-forwarded-for':
      return 1;
    case 'x-forwarded-port':
      return 2;
    case 'x-forwarded-proto':
      return 4;
    default:
      return 0;
  }
}

export interface ProxyEventInput {
  readonly req: IncomingMessage;
  readonly route: RouteDefinition;
  readonly url: URL;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly claims: AuthorizerClaims | null;
  readonly requestId: string;
  readonly startedAt: number;
  readonly stage: string;
}

/**
 * A map keyed by names a client chose, with no prototype: a header or query parameter named
 * `constructor`, `__proto__`, `toString` or `valueOf` is then an entry like any other. On a plain
 * object `multiValueHeaders['constructor']` is `Object` itself (so `.push` threw: a 500 on every
 * route) and assigning `['__proto__']` replaces the prototype instead of adding an entry.
 */
function clientKeyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * The REST (v1) Lambda proxy event API Gateway would send for this request. Every map keyed by
 * client-chosen names (headers, query and path parameters) has no prototype ({@link clientKeyed}).
 */
export function buildProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const { req, route, url } = input;
  const headers = clientKeyed<string>();
  const multiValueHeaders = clientKeyed<string[]>();
  // rawHeaders keeps the client's spelling of names, as API Gateway passes them on.
  const raw = req.rawHeaders;
  let forwarded = 0; // which X-Forwarded-* headers the client sent (bits from forwardedBit)
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    headers[name] = value; // the last value wins in `headers`
    const values = multiValueHeaders[name];
    if (values === undefined) multiValueHeaders[name] = [value];
    else values.push(value);
    if (name.length >= 15 && name.length <= 17) forwarded |= forwardedBit(name);
  }
  const sourceIp = sourceIpOf(req);
  const localPort = req.socket.localPort;
  const added: readonly (readonly [number, string, string])[] = [
    [1, 'X-Forwarded-For', sourceIp],
    [2, 'X-Forwarded-Port', localPort === undefined ? '' : String(localPort)],
    [4, 'X-Forwarded-Proto', 'http'],
  ];
  for (const [bit, name, value] of added) {
    if ((forwarded & bit) === 0) {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  for (const [name, value] of url.searchParams) {
    queryStringParameters ??= clientKeyed<string>();
    multiValueQueryStringParameters ??= clientKeyed<string[]>();
    queryStringParameters[name] = value;
    const values = multiValueQueryStringParameters[name] ?? [];
    values.push(value);
    multiValueQueryStringParameters[name] = values;
  }
  const hasPathParameters = Object.keys(input.pathParameters).length > 0;
  const host = req.headers.host ?? 'localhost';
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: hasPathParameters ? Object.assign(clientKeyed<string>(), input.pathParameters) : null,
    stageVariables: null,
    body: input.body.length > 0 ? input.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: input.claims ? { claims: input.claims } : undefined,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      extendedRequestId: input.requestId,
      httpMethod: route.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: req.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/${input.stage}${url.pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: input.requestId,
      requestTime: requestTime(input.startedAt),
      requestTimeEpoch: input.startedAt,
      resourceId: route.id,
      resourcePath: route.path,
      stage: input.stage,
    },
  };
}

function notSupported(name: string): never {
  throw new Error(`context.${name}() is not supported locally: return a promise from the handler`);
}

/** A Lambda context for one invocation of the route's function. */
export function buildLambdaContext(route: RouteDefinition, deadline: number): Context {
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: route.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.id}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${route.id}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => notSupported('done'),
    fail: () => notSupported('fail'),
    succeed: () => notSupported('succeed'),
  };
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export interface ErrorBody {
  readonly statusCode: number;
  readonly userMessage: string;
  readonly developerMessage: string;
  readonly errors: readonly { readonly field: string; readonly errorMessage: string }[];
  readonly requestId: string;
}

function sendError(
  res: ServerResponse,
  requestId: string,
  statusCode: number,
  userMessage: string,
  developerMessage: string,
  extraHeaders: Readonly<Record<string, string>> = {},
  errors: ErrorBody['errors'] = [],
): void {
  const body: ErrorBody = { statusCode, userMessage, developerMessage, errors, requestId };
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
    'x-amzn-RequestId': requestId,
    ...extraHeaders,
  });
  res.end(text);
}

function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  return (
    value !== null &&
    typeof value === 'object' &&
    Number.isInteger((value as { statusCode?: unknown }).statusCode) &&
    ((value as { body?: unknown }).body === undefined ||
      typeof (value as { body?: unknown }).body === 'string')
  );
}

/**
 * Writes a handler's answer. A text answer of at least MIN_COMPRESSION_BYTES is compressed with the
 * encoding the request accepts (gzip, else deflate), as API Gateway does (compression.ts); the
 * compression runs off the event loop (zlib's thread pool).
 */
function writeProxyResult(
  res: ServerResponse,
  requestId: string,
  result: APIGatewayProxyResult,
  acceptEncoding: string | undefined,
): void {
  const headers: Record<string, string | string[]> = {};
  const names = new Map<string, string>(); // lower-case → first spelling
  const put = (name: string, values: string[]) => {
    const key = names.get(name.toLowerCase()) ?? name;
    names.set(name.toLowerCase(), key);
    headers[key] = values.length === 1 ? (values[0] as string) : values;
  };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) put(name, values.map(String));
  for (const [name, value] of Object.entries(result.headers ?? {})) put(name, [String(value)]);
  if (!names.has('content-type')) put('content-type', ['application/json']);
  put('x-amzn-RequestId', [requestId]);
  if (result.body === undefined || result.body === '') {
    put('content-length', ['0']);
    res.writeHead(result.statusCode, headers);
    res.end();
  } else if (result.isBase64Encoded) {
    const body = Buffer.from(result.body, 'base64');
    put('content-length', [String(body.length)]);
    res.writeHead(result.statusCode, headers);
    res.end(body);
  } else {
    const length = Buffer.byteLength(result.body, 'utf8');
    const encoding = length >= MIN_COMPRESSION_BYTES ? acceptedEncoding(acceptEncoding) : undefined;
    if (encoding === undefined || names.has('content-encoding')) {
      // The string goes to the socket as it is and is encoded there: no intermediate Buffer.
      put('content-length', [String(length)]);
      res.writeHead(result.statusCode, headers);
      res.end(result.body, 'utf8');
      return;
    }
    (encoding === 'gzip' ? gzip : deflate)(result.body, (error, compressed) => {
      if (error) {
        put('content-length', [String(length)]);
        res.writeHead(result.statusCode, headers);
        res.end(result.body, 'utf8');
        return;
      }
      put('content-encoding', [encoding]);
      put('vary', ['Accept-Encoding']);
      put('content-length', [String(compressed.length)]);
      res.writeHead(result.statusCode, headers);
      res.end(compressed);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Body
// ---------------------------------------------------------------------------------------------

type BodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'timeout' };

/**
 * Reads the body up to `limit` bytes; past it, stops reading (never buffers more than the limit).
 * A body not complete within `timeoutMs` is given up (what was read is dropped).
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      cleanup();
      req.pause();
      chunks.length = 0;
      resolvePromise({ kind: 'timeout' });
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        resolvePromise({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolvePromise({ kind: 'ok', body: Buffer.concat(chunks, size) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** How long the rest of an oversized upload is read and thrown away before the connection is cut. */
const LINGER_MS = 1_000;

/**
 * After a 413: read and discard what the client still sends, for at most LINGER_MS and `limit`
 * bytes, then cut the connection. Closing at once would make the kernel reset the connection
 * while the client is still sending, and a reset can wipe the 413 from the client's receive buffer
 * before it is read; lingering lets an ordinary oversized request end normally (the connection
 * stays usable) while an endless upload is cut off without anything being buffered.
 */
function discardRest(req: IncomingMessage, limit: number): void {
  if (req.complete || req.readableEnded) return;
  let discarded = 0;
  const cut = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('error', () => clearTimeout(timer));
  req.resume();
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

class TimeoutError extends Error {}

/** Methods a request line names; any other is logged as OTHER. */
const LOGGED_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/** Request lines waiting for the next flush: one write per turn of the event loop, not per request. */
let pendingLines = '';
let flushScheduled = false;
let exitHookInstalled = false;

function flushLog(): void {
  flushScheduled = false;
  if (pendingLines === '') return;
  const text = pendingLines;
  pendingLines = '';
  process.stdout.write(text);
}

function defaultLog(entry: RequestLogEntry): void {
  pendingLines += `${JSON.stringify({ level: 'info', msg: 'request', ...entry })}\n`;
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushLog);
    // A line logged just before the process exits is still written.
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', flushLog);
    }
  }
}

/** The local API Gateway: a node:http server (keep-alive on) routing to the route table's handlers. */
export function createApiServer(options: ApiServerOptions): Server {
  const route = createRouter(options.routes);
  const loadHandler = options.loadHandler ?? defaultLoadHandler;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const stage = options.stage ?? 'local';
  const log = options.quiet ? undefined : (options.log ?? defaultLog);

  const logHandlerError = (routeId: string, requestId: string, error: unknown) => {
    if (options.quiet) return;
    // What the Lambda runtime writes for an invocation error, less the message (it may echo input).
    process.stderr.write(
      `${JSON.stringify({ level: 'error', msg: 'handler error', routeId, requestId, errorType: loggableErrorName(error), stack: stackFrames(error) })}\n`,
    );
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    meta: { routeId: string | null },
  ): Promise<void> {
    // Answers given before the body is read; the unread body is then drained within bounds.
    const refuse: typeof sendError = (...args) => {
      sendError(...args);
      discardRest(req, 2 * maxBodyBytes);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const match = route(method, url.pathname);
    if (match.kind === 'not-found') {
      refuse(res, requestId, 404, 'Not found', 'No resource at this path');
      return;
    }
    if (match.kind === 'method-not-allowed') {
      refuse(
        res,
        requestId,
        405,
        'Method not allowed',
        `This resource answers ${match.allowed.join(', ')} only`,
        { allow: match.allowed.join(', ') },
      );
      return;
    }
    const matched = match.route;
    meta.routeId = matched.id;
    const auth = authorize(req.headers, matched, options.auth);
    if (!auth.ok) {
      const userMessage =
        auth.statusCode === 401
          ? 'Authentication is required'
          : 'You are not allowed to perform this operation';
      refuse(res, requestId, auth.statusCode, userMessage, auth.message);
      return;
    }
    const pathParameters = decodePathParameters(match.rawPathParameters);
    if (!pathParameters.ok) {
      const { error } = pathParameters;
      refuse(res, requestId, 400, 'Some parameters cannot be used; see errors.', error.message, {}, [
        ...error.errors,
      ]);
      return;
    }
    const body = await readBody(req, maxBodyBytes, bodyTimeoutMs);
    if (body.kind === 'timeout') {
      // The rest of the body may never come: answer, then close the connection, which cannot
      // carry another request while a body is still owed on it.
      sendError(
        res,
        requestId,
        408,
        'The request body did not arrive in time; send it again.',
        `The body was not complete within ${bodyTimeoutMs} ms of the headers`,
        { connection: 'close' },
      );
      res.once('finish', () => req.socket.destroySoon());
      return;
    }
    if (body.kind === 'too-large') {
      refuse(
        res,
        requestId,
        413,
        'The request is too large',
        `The request body is larger than ${maxBodyBytes} bytes; send bills this large to the bulk route, ${BULK_ROUTE}`,
      );
      return;
    }
    const startedAt = Date.now();
    const event = buildProxyEvent({
      req,
      route: matched,
      url,
      pathParameters: pathParameters.values,
      body: body.body,
      claims: auth.claims,
      requestId,
      startedAt,
      stage,
    });
    const context = buildLambdaContext(matched, startedAt + timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const threads = options.handlerThreads;
    // A large body of an offloaded route is handled in a worker thread (decision 014).
    const pool =
      threads?.routes.has(matched.id) && body.body.length >= (threads.minBodyBytes ?? LARGE_BODY_BYTES)
        ? threads.pool
        : undefined;
    try {
      const run = pool
        ? pool.run(matched, event, startedAt + timeoutMs)
        : loadHandler(matched).then((handler) => handler(event, context));
      const result: unknown = await Promise.race([
        run,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new TimeoutError()),
            Math.max(0, startedAt + timeoutMs - Date.now()),
          );
        }),
      ]);
      if (!isProxyResult(result)) {
        logHandlerError(matched.id, requestId, new Error('Malformed Lambda proxy response'));
        sendError(res, requestId, 502, 'Something went wrong on our side', 'Malformed Lambda proxy response');
        return;
      }
      writeProxyResult(res, requestId, result, headerText(req.headers['accept-encoding']));
    } catch (error) {
      if (error instanceof TimeoutError) {
        sendError(res, requestId, 504, 'The request took too long', `No answer within ${timeoutMs} ms`);
      } else {
        logHandlerError(matched.id, requestId, error);
        sendError(
          res,
          requestId,
          500,
          'Something went wrong on our side; quote the request id if you contact us',
          'The function failed',
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const meta: { routeId: string | null } = { routeId: null };
    if (log) {
      const started = process.hrtime.bigint();
      res.once('close', () => {
        log({
          time: new Date().toISOString(),
          // Node's parser admits only the methods it knows; the allow-list keeps it so.
          method: LOGGED_METHODS.has(req.method ?? '') ? (req.method as string) : 'OTHER',
          routeId: meta.routeId,
          status: res.statusCode,
          latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          requestId,
        });
      });
    }
    handle(req, res, requestId, meta).catch((error: unknown) => {
      logHandlerError('adapter', requestId, error);
      if (!res.headersSent)
        sendError(res, requestId, 500, 'Something went wrong on our side', 'Adapter failure');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 31_000;
  return server;
}

/** A header's value as one string (Node gives string[] for a repeated header). */
function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
