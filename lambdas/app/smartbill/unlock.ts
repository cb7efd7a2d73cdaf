import { type SmartBillGateStore, type UnlockOutcome, unlockPage } from '../../smartbill/gate.js';

/**
 * The unlock endpoint's HTTP answer, shared by the unlock Lambda (behind CloudFront) and the local
 * edge, so both answer the same statuses and bodies. The signature was checked before this runs
 * (CloudFront, or the edge's own check); this checks the amount and the per-client rate.
 */

/** Largest unlock body read: `{"amount":"…"}` fits many times over. */
export const MAX_UNLOCK_BODY_BYTES = 1024;

/** Unlock requests one client may make in {@link UNLOCK_RATE_WINDOW_MS} (all pages together). */
export const UNLOCK_RATE_LIMIT = 20;
/** The rate limit's window. */
export const UNLOCK_RATE_WINDOW_MS = 60_000;

/** An HTTP answer of the unlock endpoint (JSON body). */
export interface UnlockAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const STATUS: Readonly<Record<UnlockOutcome['status'], number>> = {
  open: 200,
  format: 400,
  mismatch: 403,
  locked: 423,
  revoked: 410,
  expired: 410,
  'not-found': 404,
};

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'private, no-store, max-age=0',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * A fixed-window counter per client: the local edge's whole rate limit, and a per-instance brake in
 * the unlock function (the WAF rate-based rule is the one that holds across instances in AWS).
 */
export class UnlockRateLimiter {
  readonly #hits = new Map<string, { start: number; count: number }>();
  readonly #limit: number;
  readonly #windowMs: number;

  /**
   * @param limit - requests per window per client
   * @param windowMs - the window
   */
  public constructor(limit = UNLOCK_RATE_LIMIT, windowMs = UNLOCK_RATE_WINDOW_MS) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /**
   * Counts one request.
   *
   * @param client - the client's address
   * @param nowMs - epoch milliseconds
   * @returns seconds to wait when over the limit, or 0
   */
  public take(client: string, nowMs: number): number {
    const entry = this.#hits.get(client);
    if (entry === undefined || nowMs - entry.start >= this.#windowMs) {
      // Forget finished windows now and then so the map cannot grow without bound.
      if (this.#hits.size > 10_000) {
        for (const [k, v] of this.#hits) if (nowMs - v.start >= this.#windowMs) this.#hits.delete(k);
      }
      this.#hits.set(client, { start: nowMs, count: 1 });
      return 0;
    }
    entry.count += 1;
    return entry.count > this.#limit ? Math.ceil((entry.start + this.#windowMs - nowMs) / 1000) : 0;
  }
}

function amountOf(body: string): string | null {
  if (Buffer.byteLength(body, 'utf8') > MAX_UNLOCK_BODY_BYTES) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    const amount = (parsed as { amount?: unknown } | null)?.amount;
    return typeof amount === 'string' ? amount : null;
  } catch {
    return null;
  }
}

/**
 * Answers one unlock request.
 *
 * @param deps - gate store, clock, rate limiter
 * @param request - the page id (from the path), the client's address and the raw body
 * @returns status, headers and JSON body: 200 `{key}`; 400 format; 403 mismatch with `attemptsLeft`;
 *   404; 410 revoked or expired; 423 locked; 429 with `Retry-After`
 */
export async function answerUnlock(
  deps: {
    readonly store: SmartBillGateStore;
    readonly now: () => Date;
    readonly limiter: UnlockRateLimiter;
  },
  request: { readonly pageId: string; readonly client: string; readonly body: string },
): Promise<UnlockAnswer> {
  const wait = deps.limiter.take(request.client, deps.now().getTime());
  if (wait > 0) {
    return {
      statusCode: 429,
      headers: { ...HEADERS, 'retry-after': String(wait) },
      body: JSON.stringify({ status: 'busy' }),
    };
  }
  const amount = amountOf(request.body);
  const outcome: UnlockOutcome =
    amount === null ? { status: 'format' } : await unlockPage(deps, request.pageId, amount);
  return { statusCode: STATUS[outcome.status], headers: HEADERS, body: JSON.stringify(outcome) };
}
