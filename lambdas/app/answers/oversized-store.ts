/**
 * Where an answer too large to return synchronously is kept, and the signed link to it (issue 17,
 * § 2; docs/decisions/014-answer-size-policy.md). The price route uses it today; the Recon route
 * will store its oversized answers through the same port, so its shape is fixed here.
 */

/** How long a link to a stored answer works: 15 minutes (decision 014). */
export const OVERSIZED_ANSWER_LINK_TTL_SECONDS = 15 * 60;

/** Days a stored answer is kept before the bucket's lifecycle rule deletes it (decision 014). */
export const OVERSIZED_ANSWER_RETENTION_DAYS = 1;

/** Every stored answer's key starts with it; the pricing function may write and read these keys only. */
export const OVERSIZED_ANSWER_KEY_PREFIX = 'answers/';

/** What a tenant id and a request id may hold in a key: the tenant alphabet of app/tenant.ts. */
const KEY_PART = /^[A-Za-z0-9._-]{1,128}$/;

/** A stored answer: the link that reads it back, until when, and its size. */
export interface StoredAnswer {
  /** A signed, short-lived GET link to the answer, byte for byte. */
  readonly url: string;
  /** When the link stops working (ISO 8601, UTC). */
  readonly expiresAt: string;
  /** The stored body's size in bytes (UTF-8). */
  readonly bytes: number;
}

/** The port: store a complete answer for a tenant and hand back a signed link to it. */
export interface OversizedAnswerStore {
  /**
   * @param input - the tenant (from the token), the request id, the complete body and its media type
   * @returns the link, its expiry and the body's size
   */
  store(input: {
    tenantId: string;
    requestId: string;
    body: string;
    contentType: string;
  }): Promise<StoredAnswer>;
}

/**
 * The key of a stored answer: `answers/<tenant>/<request id>.json`, under the tenant's prefix so a
 * tenant's answers can be listed, audited or removed together. Both parts are checked against a
 * safe alphabet (no `/`, no `..`), so no input can write outside its tenant's prefix.
 *
 * @param tenantId - the caller's tenant, from its token
 * @param requestId - the request's id
 * @returns the object key
 * @throws TypeError when either part holds other characters
 * @example oversizedAnswerKey('tenant-a', 'c0ffee') // 'answers/tenant-a/c0ffee.json'
 */
export function oversizedAnswerKey(tenantId: string, requestId: string): string {
  if (!KEY_PART.test(tenantId) || tenantId === '.' || tenantId === '..') {
    throw new TypeError('not a tenant id');
  }
  if (!KEY_PART.test(requestId) || requestId === '.' || requestId === '..') {
    throw new TypeError('not a request id');
  }
  return `${OVERSIZED_ANSWER_KEY_PREFIX}${tenantId}/${requestId}.json`;
}
