/**
 * The local CloudFront edge: serves stored SmartBill pages to a browser only through a signed URL,
 * checked the way CloudFront checks a signed URL with a canned policy for a behaviour whose
 * trusted key group holds `publicKeys`. There is no CloudFront emulator (ENVIRONMENT.md), so this
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
  type SmartBillStore,
} from '../handlers/shared/smartbill-ports.js';

/** The query parameters CloudFront reads for a canned-policy signed URL (and removes to get the base URL). */
const SIGNING_PARAMETERS = ['Expires', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
type SigningParameter = (typeof SIGNING_PARAMETERS)[number];

/** Why a request was refused or served; for the optional decision log, never for the response body. */
export type EdgeDecision =
  | 'served'
  | 'not-found'
  | 'method-not-allowed'
  | 'missing-parameter'
  | 'duplicate-parameter'
  | 'custom-policy-unsupported'
  | 'malformed-expires'
  | 'unknown-hash-algorithm'
  | 'unknown-key-pair'
  | 'bad-signature'
  | 'expired';

/** The outcome of {@link verifyCannedPolicyUrl}. */
export type SignedUrlCheck =
  | { readonly ok: true; readonly path: string; readonly expires: number; readonly keyPairId: string }
  | {
      readonly ok: false;
      readonly reason: Exclude<EdgeDecision, 'served' | 'not-found' | 'method-not-allowed'>;
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
 * Checks a signed URL as CloudFront does for a canned policy (see the module comment).
 *
 * @param url - the absolute URL the viewer requested (scheme, host as sent in `Host`, raw path and query)
 * @param publicKeys - the trusted key group: public key PEM by key pair id
 * @param now - the time of the request
 * @returns ok with the raw path, or the reason for a 403
 */
export function verifyCannedPolicyUrl(
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
  // A custom policy (`Policy=`) is a different format; the project signs canned policies only, so a
  // URL that carries one was not made by it.
  if (own.some((p) => p === 'Policy' || p.startsWith('Policy='))) {
    return { ok: false, reason: 'custom-policy-unsupported' };
  }
  const expiresText = signing.get('Expires');
  const signature = signing.get('Signature');
  const keyPairId = signing.get('Key-Pair-Id');
  if (expiresText === undefined || signature === undefined || keyPairId === undefined) {
    return { ok: false, reason: 'missing-parameter' };
  }
  if (!/^\d{1,12}$/.test(expiresText)) return { ok: false, reason: 'malformed-expires' };
  const expires = Number(expiresText);

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
  let valid: boolean;
  try {
    valid = verify(digest, Buffer.from(cannedPolicy(resource, expires), 'utf8'), publicKey, signatureBytes);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad-signature' };

  // DateLessThan: allowed while the request time is before Expires.
  if (now.getTime() >= expires * 1000) return { ok: false, reason: 'expired' };

  const pathStart = base.indexOf('/', base.indexOf('//') + 2);
  return { ok: true, path: pathStart === -1 ? '/' : base.slice(pathStart), expires, keyPairId };
}

/** Options of {@link createLocalEdgeHandler}. */
export interface LocalEdgeOptions {
  /** Where pages are read from (the local S3SmartBillStore on s3rver). */
  readonly store: Pick<SmartBillStore, 'get'>;
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
): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': contentType, 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const FORBIDDEN = 'Forbidden: this link is not valid or has expired.\n';
const NOT_FOUND = 'Not found.\n';

/**
 * The edge as a request listener, for `http.createServer` or to mount in another local server.
 *
 * @param options - store, trusted keys and clock
 * @returns a request listener
 */
export function createLocalEdgeHandler(
  options: LocalEdgeOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const clock = options.clock ?? (() => new Date());
  const scheme = options.scheme ?? 'http';
  // Parse each PEM once; a bad one fails here, at start-up.
  const keys = new Map([...options.publicKeys].map(([id, pem]) => [id, createPublicKey(pem)] as const));
  const decide = options.onDecision ?? (() => {});

  return (req, res) => {
    const deny = (reason: EdgeDecision): void => {
      decide(reason);
      send(req, res, 403, 'text/plain; charset=utf-8', FORBIDDEN);
    };
    // CloudFront's default allowed methods for a cached behaviour: GET and HEAD.
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny('method-not-allowed');
    const host = req.headers.host;
    if (host === undefined || host === '') return deny('missing-parameter');
    const check = verifyCannedPolicyUrl(`${scheme}://${host}${req.url ?? '/'}`, keys, clock());
    if (!check.ok) return deny(check.reason);

    const key = decodeComponent(check.path.slice(1));
    if (key === null || !SMARTBILL_KEY_PATTERN.test(key)) {
      decide('not-found');
      return send(req, res, 404, 'text/plain; charset=utf-8', NOT_FOUND);
    }
    options.store.get(key).then(
      (html) => {
        if (html === null) {
          decide('not-found');
          send(req, res, 404, 'text/plain; charset=utf-8', NOT_FOUND);
        } else {
          decide('served');
          send(req, res, 200, SMARTBILL_CONTENT_TYPE, html);
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
