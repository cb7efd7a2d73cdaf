import type { PricedBill } from '../../engine/priced-bill.js';

/**
 * The ports the SmartBill delivery declares (STYLE.md, layering): where a rendered page is stored,
 * and how a stored page becomes a link. Adapters in `lambdas/adapters/` implement them with an
 * injected SDK client; the pricing handler builds them once at module scope. The constants are
 * shared by the handler, the local edge and the CDK construct, so the deployed and local delivery
 * cannot drift apart.
 */

/** Key prefix of every stored page; the CloudFront behaviour and the writer's grant are scoped to it. */
export const SMARTBILL_KEY_PREFIX = 'smartbills/';

/**
 * A stored page's key: the prefix, 32 base64url characters (24 random bytes, 192 bits) and `.html`.
 * The key is the page's capability: it is never listed and cannot be guessed.
 */
export const SMARTBILL_KEY_PATTERN = /^smartbills\/[A-Za-z0-9_-]{32}\.html$/;

/**
 * The page id inside a page key (the `{id}` of `DELETE /v1/smartbills/{id}` and of the gate record).
 *
 * @param key - a key matching {@link SMARTBILL_KEY_PATTERN}
 * @returns its 32 base64url characters
 */
export function pageIdOfKey(key: string): string {
  return key.slice(SMARTBILL_KEY_PREFIX.length, -'.html'.length);
}

/**
 * The unlock endpoint of a page: its path with `.unlock` in place of `.html`, under the same signed
 * query string (a custom policy whose resource is `smartbills/<id>.*` covers both).
 */
export const SMARTBILL_UNLOCK_PATTERN = /^\/smartbills\/([A-Za-z0-9_-]{32})\.unlock$/;

/** How long a signed SmartBill link is valid unless configured otherwise (issue 7: 30 days). */
export const DEFAULT_SMARTBILL_URL_TTL_DAYS = 30;

/** Longest a signed link may be valid, in days: checked in the stage config and again at start-up. */
export const MAX_SMARTBILL_URL_TTL_DAYS = 365;

/** How long a stored page is kept unless configured otherwise (issue 7: 90 days). */
export const DEFAULT_SMARTBILL_RETENTION_DAYS = 90;

/** Content type of a stored page. */
export const SMARTBILL_CONTENT_TYPE = 'text/html; charset=utf-8';

/**
 * Cache-Control of a stored page and of every response that serves it: the page is meant for one
 * viewer and its URL carries a signature, so neither a shared cache nor the browser keeps a copy.
 */
export const SMARTBILL_CACHE_CONTROL = 'private, no-store, max-age=0';

/**
 * Content-Security-Policy of a served page. The page is one self-contained file (issue 7: no
 * external scripts or fonts), so nothing but its own inline script and style and `data:` images
 * (the QR code) may load; it fetches nothing, posts nothing and cannot be framed. `frame-ancestors`
 * only works as a response header (a `<meta>` CSP ignores it), hence its place here.
 */
export const SMARTBILL_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Where rendered SmartBill pages are kept: S3 in AWS, s3rver locally. */
export interface SmartBillStore {
  /**
   * Stores one rendered page under a new unguessable key.
   *
   * @param html - the complete page
   * @returns the key it was stored under (matches {@link SMARTBILL_KEY_PATTERN})
   */
  put(html: string): Promise<{ readonly key: string }>;
  /**
   * Stores one rendered page under a key chosen before (the link is signed while the page renders).
   *
   * @param key - a key from `newSmartBillKey()` (matches {@link SMARTBILL_KEY_PATTERN})
   * @param html - the complete page
   */
  putAt(key: string, html: string): Promise<void>;
  /**
   * Reads a stored page (the local edge serves it; in AWS CloudFront reads the bucket itself).
   *
   * @param key - a key returned by {@link put}
   * @returns the page, or null when no object has that key
   */
  get(key: string): Promise<string | null>;
}

/** Turns a stored page's key into a link a browser can open until it expires. */
export interface SmartBillLinker {
  /**
   * @param key - a key returned by {@link SmartBillStore.put}
   * @param expiresAt - the instant the link stops working (a canned policy has one-second resolution)
   * @returns an absolute signed URL
   */
  signedUrl(key: string, expiresAt: Date): string;
}

/**
 * One page to render: the priced bill (which carries no patient data), the key its link already
 * names, and the dates the page shows.
 */
export interface SmartBillRenderJob {
  readonly key: string;
  readonly priced: PricedBill;
  /** ISO 8601 instant the bill was priced. */
  readonly generatedAt: string;
  /** ISO 8601 instant the link stops working. */
  readonly expiresAt: string;
  /** The tenant that priced the bill (may revoke the page); '' when the token named none. */
  readonly tenantId?: string;
}

/**
 * Hands a page over to be rendered and stored. Making the page costs microseconds of key material
 * and ~14 ms of HTML and compression for 50 lines; the two writes (gate record, page) are what the
 * pricing answer does not wait for: in AWS a renderer function is invoked asynchronously, locally
 * the page is rendered in the background of the same process. The link works once the page is
 * stored, a fraction of a second later.
 */
export interface SmartBillPublisher {
  /**
   * @param job - what to render
   * @returns once the job is handed over (not rendered)
   */
  publish(job: SmartBillRenderJob): Promise<void>;
}
