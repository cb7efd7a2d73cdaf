/**
 * The local stand-in for S3's presigned GET of oversized answers (decision 014): s3rver stores the
 * answers but checks no signature (ENVIRONMENT.md), so the links the pricing handler signs point
 * here, and this server checks each one as S3 checks query-string authentication (SigV4), then
 * reads the object from s3rver and sends it unchanged.
 *
 * The check signs the request again with the same credentials, the link's own `X-Amz-Date` and
 * `X-Amz-Expires`, through the same presigner the handler used: the link is accepted only if every
 * query parameter and the path are exactly what that signing produces (so a changed key, date,
 * lifetime, credential or signature, or an added parameter, fails), and only before the link's
 * date plus its lifetime. Any refusal is 403 with S3's error shape; an object that is not there
 * (after a valid signature only) is 404.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, type GetObjectCommandOutput, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ANSWER_DIGEST_METADATA } from '../adapters/oversized-answer-store-s3.js';

/** S3's longest presigned URL lifetime (7 days): a longer X-Amz-Expires is refused, as S3 does. */
const MAX_EXPIRES_SECONDS = 604_800;
/** How far in the future a link's date may be (S3 allows the clock skew of 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** Why a request was refused or served (tests and the optional decision log; never in a body). */
export type AnswerEdgeDecision =
  | 'served'
  | 'not-found'
  | 'method-not-allowed'
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'incomplete';

/** Options of {@link startAnswerEdge}. */
export interface AnswerEdgeOptions {
  /** Reads the answers (s3rver). */
  readonly s3: S3Client;
  /** The credentials and region the links are signed with (s3rver's fixed ones locally). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  /** Loopback port (default 0, a free one). */
  readonly port?: number;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  /** Told the outcome of every request. */
  readonly onDecision?: (decision: AnswerEdgeDecision) => void;
}

/** A running edge. */
export interface AnswerEdge {
  /** `http://127.0.0.1:<port>`: the endpoint the handler signs links for. */
  readonly url: string;
  stop(): Promise<void>;
}

/** `YYYYMMDDTHHMMSSZ` → Date, or null. */
function amzDate(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // 20250231T… would roll over into March: only a date that reads back the same is one.
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '') === text ? date : null;
}

/** The query as sorted `name=value` pairs (decoded), one string: what two links are compared by. */
function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Starts the edge on loopback.
 *
 * @param options - the reading client, the signing credentials, port and clock
 * @returns its URL and a stop function
 */
export async function startAnswerEdge(options: AnswerEdgeOptions): Promise<AnswerEdge> {
  const now = options.now ?? (() => new Date());
  const decide = (decision: AnswerEdgeDecision) => options.onDecision?.(decision);
  // One signer a Host (the host is a signed header): what the client connected to, as S3 sees it.
  const signers = new Map<string, S3Client>();
  const signerFor = (host: string): S3Client => {
    let signer = signers.get(host);
    if (signer === undefined) {
      if (signers.size >= 16) throw new Error('too many hosts');
      signer = new S3Client({
        endpoint: `http://${host}`,
        region: options.region,
        forcePathStyle: true,
        credentials: options.credentials,
      });
      signers.set(host, signer);
    }
    return signer;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The method is part of what is signed: a link signed for GET reads with GET only.
    if (req.method !== 'GET') {
      decide('method-not-allowed');
      s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = url.searchParams;
    const [, bucket, ...rest] = url.pathname.split('/');
    const date = amzDate(params.get('X-Amz-Date') ?? '');
    const expires = Number(params.get('X-Amz-Expires'));
    if (
      !bucket ||
      rest.length === 0 ||
      params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
      !params.get('X-Amz-Signature') ||
      date === null ||
      !Number.isInteger(expires) ||
      expires < 1 ||
      expires > MAX_EXPIRES_SECONDS
    ) {
      decide('malformed');
      s3Error(res, 403, 'AccessDenied', 'Query-string authentication requires a complete SigV4 signature.');
      return;
    }
    let key: string;
    try {
      key = rest.map(decodeURIComponent).join('/');
    } catch {
      decide('malformed');
      s3Error(res, 403, 'AccessDenied', 'Query-string authentication requires a complete SigV4 signature.');
      return;
    }
    const host = req.headers.host ?? '';
    if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/.test(host)) {
      decide('malformed');
      s3Error(res, 403, 'AccessDenied', 'The request was not made to this endpoint.');
      return;
    }
    // The same presigner, the same credentials, the link's own date and lifetime: S3's procedure.
    const expected = new URL(
      await getSignedUrl(signerFor(host), new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expires,
        signingDate: date,
      }),
    );
    if (
      !same(expected.pathname, url.pathname) ||
      !same(canonicalQuery(expected.searchParams), canonicalQuery(params))
    ) {
      decide('bad-signature');
      s3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match.');
      return;
    }
    const at = now().getTime();
    if (at >= date.getTime() + expires * 1000) {
      decide('expired');
      s3Error(res, 403, 'AccessDenied', 'Request has expired');
      return;
    }
    if (date.getTime() - at > MAX_SKEW_MS) {
      decide('not-yet-valid');
      s3Error(res, 403, 'AccessDenied', 'Request is not valid yet');
      return;
    }
    let object: GetObjectCommandOutput;
    try {
      object = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        decide('not-found');
        s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        return;
      }
      throw error;
    }
    const body = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    // A body caught mid-write (s3rver has served empty bodies under load) is never sent as the answer.
    const digest = object.Metadata?.[ANSWER_DIGEST_METADATA];
    if (digest === undefined || createHash('sha256').update(body).digest('base64url') !== digest) {
      decide('incomplete');
      s3Error(res, 503, 'SlowDown', 'Please reduce your request rate.');
      return;
    }
    decide('served');
    res.writeHead(200, {
      'content-type': object.ContentType ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'private, no-store',
    });
    res.end(body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) s3Error(res, 500, 'InternalError', 'We encountered an internal error.');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const signer of signers.values()) signer.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
