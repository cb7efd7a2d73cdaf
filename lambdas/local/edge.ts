/**
 * The local CloudFront edge: serves stored SmartBill pages to a browser only through a signed URL,
 * checked the way CloudFront checks a signed URL (canned or custom policy) for a behaviour whose
 * trusted key group holds `publicKeys`, and serves each page's unlock endpoint
 * (`POST smartbills/<id>.unlock`, decision 009) behind the same check, as the CloudFront behaviour
 * in front of the unlock function does. There is no CloudFront emulator (ENVIRONMENT.md), so this
 * is the project's own code, tested against URLs made by the AWS SDK's signer.
 *
 * CloudFront's procedure, and so this one's:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html
 * 1. The base URL is the URL the viewer asked for without the signing parameters (`Expires`,
 *    `Signature`, `Key-Pair-Id`, and `Hash-Algorithm` when present), "including your own query
 *    string parameters, if any".
 * 2. The canned policy is rebuilt from it, with no white space:
 *    `{"Statement":[{"Resource":"<base URL>","Condition":{"DateLessThan":{"AWS:EpochTime":<Expires>}}}]}`.
 * 3. `Signature` is the RSA signature of that policy (SHA-1, or SHA-256 with `Hash-Algorithm=SHA256`)
 *    in CloudFront's URL-safe base64 (`+`→`-`, `=`→`_`, `/`→`~`), checked with the public key
 *    `Key-Pair-Id` names in the trusted key group.
 * 4. The request is allowed only before `Expires` (epoch seconds, UTC).
 * A custom policy (`Policy=` instead of `Expires=`) carries its policy JSON in CloudFront's base64;
 * the signature is over those bytes, its resource may hold `*` (any characters) and `?` (one), and
 * its conditions are `DateLessThan` (required) and `DateGreaterThan`; an `IpAddress` condition is
 * refused (the project never signs one).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html
 * Anything else is 403, with one body for every reason so that a refusal tells nothing. An object
 * that does not exist is 404, and only after a valid signature: an unsigned request learns nothing
 * about which pages exist.
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  SMARTBILL_CACHE_CONTROL,
  SMARTBILL_CONTENT_SECURITY_POLICY,
  SMARTBILL_CONTENT_TYPE,
  SMARTBILL_KEY_PATTERN,
  SMARTBILL_UNLOCK_PATTERN,
  type SmartBillStore,
} from '../app/smartbill/ports.js';
import { answerUnlock, MAX_UNLOCK_BODY_BYTES, UnlockRateLimiter } from '../app/smartbill/unlock.js';
import type { SmartBillGateStore } from '../smartbill/gate.js';
import { type StatusPageReason, statusPage } from '../smartbill/status-page.js';

/** The query parameters CloudFront reads for a canned-policy signed URL (and removes to get the base URL). */
const SIGNING_PARAMETERS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
type SigningParameter = (typeof SIGNING_PARAMETERS)[number];

/** Why a request was refused or served; for the optional decision log, never for the response body. */
export type EdgeDecision =
  | 'served'
  | 'not-found'
  | 'method-not-allowed'
  | 'missing-parameter'
  | 'duplicate-parameter'
  | 'malformed-policy'
  | 'resource-mismatch'
  | 'not-yet-valid'
  | 'rate-limited'
  | 'unlock'
  | 'malformed-expires'
  | 'unknown-hash-algorithm'
  | 'unknown-key-pair'
  | 'bad-signature'
  | 'expired';

/** The outcome of {@link verifySignedUrl}. */
export type SignedUrlCheck =
  | { readonly ok: true; readonly path: string; readonly expires: number; readonly keyPairId: string }
  | {
      readonly ok: false;
      readonly reason: Exclude<
        EdgeDecision,
        'served' | 'not-found' | 'method-not-allowed' | 'rate-limited' | 'unlock'
      >;
    };

/**
 * The canned policy CloudFront signs and verifies, byte for byte (JSON with no white space, the
 * resource first, the expiry as a JSON number).
 *
 * @param resource - the base URL: the full URL without the signing parameters
 * @param expires - epoch seconds
 * @returns the policy statement as signed
 */
export function cannedPolicy(resource: string, expires: number): string {
  return JSON.stringify({
    Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }],
  });
}

/** The parts of a custom policy this edge honours; null for anything else. */
function readCustomPolicy(
  json: string,
): { readonly resource: string; readonly dateLessThan: number; readonly dateGreaterThan?: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const statements = (parsed as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements) || statements.length !== 1) return null;
  const statement = statements[0] as {
    Resource?: unknown;
    Condition?: {
      DateLessThan?: { 'AWS:EpochTime'?: unknown };
      DateGreaterThan?: { 'AWS:EpochTime'?: unknown };
      IpAddress?: unknown;
    };
  };
  const resource = statement.Resource;
  const less = statement.Condition?.DateLessThan?.['AWS:EpochTime'];
  const greater = statement.Condition?.DateGreaterThan?.['AWS:EpochTime'];
  if (typeof resource !== 'string' || !Number.isSafeInteger(less)) return null;
  if (statement.Condition?.IpAddress !== undefined) return null;
  if (greater !== undefined && !Number.isSafeInteger(greater)) return null;
  return {
    resource,
    dateLessThan: less as number,
    ...(greater === undefined ? {} : { dateGreaterThan: greater as number }),
  };
}

/**
 * CloudFront's resource match: `*` any run of characters (none included), `?` exactly one, every
 * other character itself.
 *
 * @param pattern - the policy's resource
 * @param value - the base URL requested
 * @returns whether it matches
 */
export function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** CloudFront's URL-safe base64 back to standard base64 (`-`→`+`, `_`→`=`, `~`→`/`). */
function fromCloudFrontBase64(value: string): string {
  return value.replace(/[-_~]/g, (c) => (c === '-' ? '+' : c === '_' ? '=' : '/'));
}

function decodeComponent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * Checks a signed URL as CloudFront does, canned or custom policy (see the module comment).
 *
 * @param url - the absolute URL the viewer requested (scheme, host as sent in `Host`, raw path and query)
 * @param publicKeys - the trusted key group: public key PEM by key pair id
 * @param now - the time of the request
 * @returns ok with the raw path, or the reason for a 403
 */
export function verifySignedUrl(
  url: string,
  publicKeys: ReadonlyMap<string, string | KeyObject>,
  now: Date,
): SignedUrlCheck {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const own: string[] = [];
  const signing = new Map<SigningParameter, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    if (name !== null && value !== null && (SIGNING_PARAMETERS as readonly string[]).includes(name)) {
      if (signing.has(name as SigningParameter)) return { ok: false, reason: 'duplicate-parameter' };
      signing.set(name as SigningParameter, value);
    } else {
      // The viewer's own parameters stay in the base URL exactly as sent (order and encoding).
      own.push(pair);
    }
  }
  const expiresText = signing.get('Expires');
  const policyText = signing.get('Policy');
  const signature = signing.get('Signature');
  const keyPairId = signing.get('Key-Pair-Id');
  if (signature === undefined || keyPairId === undefined) return { ok: false, reason: 'missing-parameter' };
  // Exactly one of the two forms.
  if ((expiresText === undefined) === (policyText === undefined))
    return { ok: false, reason: 'missing-parameter' };
  let expires = 0;
  if (expiresText !== undefined) {
    if (!/^\d{1,12}$/.test(expiresText)) return { ok: false, reason: 'malformed-expires' };
    expires = Number(expiresText);
  }

  const hashAlgorithm = signing.get('Hash-Algorithm');
  let digest: 'sha1' | 'sha256';
  if (hashAlgorithm === undefined) digest = 'sha1';
  else if (hashAlgorithm === 'SHA256') digest = 'sha256';
  else return { ok: false, reason: 'unknown-hash-algorithm' };

  const publicKey = publicKeys.get(keyPairId);
  if (publicKey === undefined) return { ok: false, reason: 'unknown-key-pair' };

  const standard = fromCloudFrontBase64(signature);
  const signatureBytes = Buffer.from(standard, 'base64');
  // Node's base64 decoder skips stray characters and ignores the unused bits of the last group, so
  // two different strings can decode to the same bytes; only the canonical encoding is accepted,
  // which is what every signer produces.
  if (signatureBytes.length === 0 || signatureBytes.toString('base64') !== standard) {
    return { ok: false, reason: 'bad-signature' };
  }
  const resource = own.length === 0 ? base : `${base}?${own.join('&')}`;
  let signed: Buffer;
  if (policyText === undefined) {
    signed = Buffer.from(cannedPolicy(resource, expires), 'utf8');
  } else {
    const standardPolicy = fromCloudFrontBase64(policyText);
    signed = Buffer.from(standardPolicy, 'base64');
    if (signed.length === 0 || signed.toString('base64') !== standardPolicy) {
      return { ok: false, reason: 'malformed-policy' };
    }
  }
  let valid: boolean;
  try {
    valid = verify(digest, signed, publicKey, signatureBytes);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad-signature' };
  let notBefore = 0;
  if (policyText !== undefined) {
    const policy = readCustomPolicy(signed.toString('utf8'));
    if (policy === null) return { ok: false, reason: 'malformed-policy' };
    if (!wildcardMatches(policy.resource, resource)) return { ok: false, reason: 'resource-mismatch' };
    expires = policy.dateLessThan;
    notBefore = policy.dateGreaterThan ?? 0;
  }

  // DateLessThan: allowed while the request time is before Expires.
  if (now.getTime() >= expires * 1000) return { ok: false, reason: 'expired' };
  if (now.getTime() <= notBefore * 1000) return { ok: false, reason: 'not-yet-valid' };

  const pathStart = base.indexOf('/', base.indexOf('//') + 2);
  return { ok: true, path: pathStart === -1 ? '/' : base.slice(pathStart), expires, keyPairId };
}

/** Options of {@link createLocalEdgeHandler}. */
export interface LocalEdgeOptions {
  /** Where pages are read from (the local S3SmartBillStore on s3rver). */
  readonly store: Pick<SmartBillStore, 'get'>;
  /** Where pages' gate records are (DynamoDB Local under `npm start`): the unlock endpoint's store. */
  readonly gate: SmartBillGateStore;
  /** The trusted key group: public key PEM by key pair id. */
  readonly publicKeys: ReadonlyMap<string, string>;
  /**
   * The time of a request (tests inject one to check expiry).
   *
   * @default () => new Date()
   */
  readonly clock?: () => Date;
  /**
   * The scheme viewers use to reach the edge; it is part of the signed resource.
   *
   * @default 'http'
   */
  readonly scheme?: 'http' | 'https';
  /**
   * The per-client limit of unlock requests (the stand-in for the WAF rate-based rule).
   *
   * @default 20 a minute per client address
   */
  readonly limiter?: UnlockRateLimiter;
  /**
   * Told the outcome of every request (no URL, no key: safe to log).
   *
   * @default none
   */
  readonly onDecision?: (decision: EdgeDecision) => void;
}

/** Headers of every response: nothing is cached, sniffed, framed or sent on as a referrer. */
const COMMON_HEADERS = {
  'cache-control': SMARTBILL_CACHE_CONTROL,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': SMARTBILL_CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
} as const;

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  extra: Readonly<Record<string, string>> = {},
): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...extra,
    'content-type': contentType,
    'content-length': bytes.length,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** How long an unlock body may take to arrive (a slow client is dropped, as CloudFront's origin timeout would). */
const UNLOCK_BODY_TIMEOUT_MS = 10_000;

/** Reads a small request body, or null when it is too large or too slow. */
function readSmallBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(null), UNLOCK_BODY_TIMEOUT_MS);
    let done = false;
    function finish(value: string | null): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(null);
      else chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(null));
  });
}

/**
 * The edge as a request listener, for `http.createServer` or to mount in another local server.
 * `GET`/`HEAD` of `smartbills/<id>.html` serves the page; `POST smartbills/<id>.unlock` answers the
 * unlock endpoint (app/smartbill/unlock.ts), both only under a valid signature. A refused, expired or
 * missing page answers a plain HTML page that says what to do (status-page.ts).
 *
 * @param options - store, gate, trusted keys and clock
 * @returns a request listener
 */
export function createLocalEdgeHandler(
  options: LocalEdgeOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const clock = options.clock ?? (() => new Date());
  const scheme = options.scheme ?? 'http';
  const limiter = options.limiter ?? new UnlockRateLimiter();
  // Parse each PEM once; a bad one fails here, at start-up.
  const keys = new Map([...options.publicKeys].map(([id, pem]) => [id, createPublicKey(pem)] as const));
  const decide = options.onDecision ?? (() => {});

  return (req, res) => {
    const html = (status: number, reason: StatusPageReason): void =>
      send(req, res, status, SMARTBILL_CONTENT_TYPE, statusPage(reason));
    const deny = (reason: EdgeDecision): void => {
      decide(reason);
      html(403, reason === 'expired' ? 'expired' : 'invalid');
    };
    const unlock = req.method === 'POST';
    // CloudFront's page behaviour allows GET and HEAD; the unlock behaviour allows POST.
    if (req.method !== 'GET' && req.method !== 'HEAD' && !unlock) return deny('method-not-allowed');
    const host = req.headers.host;
    if (host === undefined || host === '') return deny('missing-parameter');
    const check = verifySignedUrl(`${scheme}://${host}${req.url ?? '/'}`, keys, clock());
    if (!check.ok) return deny(check.reason);

    if (unlock) {
      const match = SMARTBILL_UNLOCK_PATTERN.exec(check.path);
      if (match === null) return deny('method-not-allowed');
      decide('unlock');
      readSmallBody(req, MAX_UNLOCK_BODY_BYTES)
        .then((body) =>
          answerUnlock(
            { store: options.gate, now: clock, limiter },
            { pageId: match[1] as string, client: req.socket.remoteAddress ?? '', body: body ?? '' },
          ),
        )
        .then(
          (answer) => {
            if (answer.statusCode === 429) decide('rate-limited');
            res.writeHead(answer.statusCode, { ...COMMON_HEADERS, ...answer.headers });
            res.end(answer.body);
          },
          () => send(req, res, 502, 'application/json; charset=utf-8', '{"status":"unavailable"}'),
        );
      return;
    }

    const key = decodeComponent(check.path.slice(1));
    if (key === null || !SMARTBILL_KEY_PATTERN.test(key)) {
      decide('not-found');
      return html(404, 'not-found');
    }
    options.store.get(key).then(
      (page) => {
        if (page === null) {
          decide('not-found');
          html(404, 'not-found');
        } else {
          decide('served');
          send(req, res, 200, SMARTBILL_CONTENT_TYPE, page);
        }
      },
      () => {
        // The store failed (s3rver down): a gateway error, as CloudFront gives when the origin fails.
        send(req, res, 502, 'text/plain; charset=utf-8', 'The page store is not reachable.\n');
      },
    );
  };
}

/**
 * The edge as an HTTP server (not yet listening).
 *
 * @param options - store, trusted keys and clock
 * @returns a `node:http` server
 */
export function createLocalEdge(options: LocalEdgeOptions): Server {
  return createServer(createLocalEdgeHandler(options));
}

/** A listening local edge. */
export interface RunningLocalEdge {
  /** `http://127.0.0.1:<port>`: the signer's base URL. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts the edge on loopback.
 *
 * @param options - as {@link createLocalEdge}, and the port
 * @returns its URL and a stop function
 */
export async function startLocalEdge(
  options: LocalEdgeOptions & { readonly port?: number },
): Promise<RunningLocalEdge> {
  const server = createLocalEdge(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The local signing key pair (the stand-in for the key pair whose public part the stack deploys). */
export interface LocalSigningKey {
  /** Id of the public key, shaped like a CloudFront public key id (`K` and 13 characters). */
  readonly keyPairId: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/** File of the local signing key in the state directory. */
export const LOCAL_SIGNING_KEY_FILE = 'smartbill-signing-key.json';

function isLocalSigningKey(value: unknown): value is LocalSigningKey {
  const v = value as Partial<LocalSigningKey> | null;
  return (
    typeof v?.keyPairId === 'string' &&
    typeof v.privateKeyPem === 'string' &&
    typeof v.publicKeyPem === 'string'
  );
}

/**
 * Reads the local SmartBill signing key from the state directory, or creates one (RSA 2048, the
 * size CloudFront requires, PEM) on first use. The file is mode 0600 and its directory 0700: it
 * holds a private key. Creation is atomic (hard link of a complete file), so two processes
 * starting together end with the same key.
 *
 * @param dir - the local stack's state directory
 * @returns the key pair and its id
 */
export async function loadOrCreateLocalSigningKey(dir: string): Promise<LocalSigningKey> {
  const file = join(dir, LOCAL_SIGNING_KEY_FILE);
  const read = async (): Promise<LocalSigningKey> => {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (!isLocalSigningKey(parsed)) throw new Error(`${file} is not a SmartBill signing key file`);
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return parsed;
  };
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key: LocalSigningKey = {
    keyPairId: `K${createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 13)
      .toUpperCase()}`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
  };
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(tmp, 0o600);
  try {
    await link(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process created it first: use theirs.
    await unlink(tmp);
    return read();
  }
  await unlink(tmp);
  return key;
}
