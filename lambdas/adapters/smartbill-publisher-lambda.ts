import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  SMARTBILL_KEY_PATTERN,
  type SmartBillPublisher,
  type SmartBillRenderJob,
} from '../app/smartbill/ports.js';
import type { PricedBill } from '../engine/priced-bill.js';
import { awsSdk } from './aws-sdk.js';

/**
 * Largest event an asynchronous Lambda invocation takes. AWS documents 256 KB for asynchronous
 * invocations (the `Event` invocation type); a larger payload is refused with 413, so a job over it
 * is rendered where it was priced instead (the `oversize` publisher).
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_ASYNC_EVENT_BYTES = 256 * 1024;

/** The renderer function's event: the job with the priced bill deflated (JSON compresses ~10×). */
export interface SmartBillRenderEvent {
  readonly version: 1;
  readonly key: string;
  readonly generatedAt: string;
  readonly expiresAt: string;
  /** The tenant that may revoke the page ('' for none). */
  readonly tenantId?: string;
  /** The priced bill's JSON, deflate-raw, base64. */
  readonly pricedDeflated: string;
}

/** A renderer event that is not one (only this project's pricing function sends them). */
export class RenderEventError extends Error {
  override readonly name = 'RenderEventError';
}

/**
 * @param job - a render job
 * @returns the event for the renderer function, as JSON text
 */
export function encodeRenderEvent(job: SmartBillRenderJob): string {
  const event: SmartBillRenderEvent = {
    version: 1,
    key: job.key,
    generatedAt: job.generatedAt,
    expiresAt: job.expiresAt,
    tenantId: job.tenantId ?? '',
    pricedDeflated: deflateRawSync(JSON.stringify(job.priced)).toString('base64'),
  };
  return JSON.stringify(event);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * @param event - what the renderer function was invoked with
 * @returns the render job
 * @throws RenderEventError when the event is not a render event
 */
export function decodeRenderEvent(event: unknown): SmartBillRenderJob {
  const e = event as Partial<SmartBillRenderEvent> | null;
  if (
    e?.version !== 1 ||
    typeof e.key !== 'string' ||
    !SMARTBILL_KEY_PATTERN.test(e.key) ||
    typeof e.generatedAt !== 'string' ||
    !ISO_INSTANT.test(e.generatedAt) ||
    typeof e.expiresAt !== 'string' ||
    !ISO_INSTANT.test(e.expiresAt) ||
    typeof e.pricedDeflated !== 'string' ||
    (e.tenantId !== undefined && (typeof e.tenantId !== 'string' || e.tenantId.length > 128))
  ) {
    throw new RenderEventError('not a SmartBill render event');
  }
  let priced: unknown;
  try {
    priced = JSON.parse(inflateRawSync(Buffer.from(e.pricedDeflated, 'base64')).toString('utf8'));
  } catch {
    throw new RenderEventError('the render event does not hold a priced bill');
  }
  const p = priced as Partial<PricedBill> | null;
  if (typeof p?.totals?.billed !== 'string' || !Array.isArray(p.lines)) {
    throw new RenderEventError('the render event does not hold a priced bill');
  }
  return {
    key: e.key,
    generatedAt: e.generatedAt,
    expiresAt: e.expiresAt,
    tenantId: e.tenantId ?? '',
    priced: p as PricedBill,
  };
}

/** Options of {@link LambdaSmartBillPublisher}. */
export interface LambdaSmartBillPublisherOptions {
  /** Injected client (module scope of the pricing handler). */
  readonly client: LambdaClient;
  /** The renderer function (name or ARN). */
  readonly functionName: string;
  /** What takes a job too large for an asynchronous event (renders and stores before answering). */
  readonly oversize: SmartBillPublisher;
}

/**
 * The AWS publisher: one asynchronous invocation (`InvocationType: 'Event'`) of the renderer
 * function per page. Lambda queues the event, retries a failed render twice and then hands it to
 * the function's failure destination.
 */
export class LambdaSmartBillPublisher implements SmartBillPublisher {
  readonly #client: LambdaClient;
  readonly #functionName: string;
  readonly #oversize: SmartBillPublisher;

  /**
   * @param options - client, renderer function and the oversize fallback
   */
  public constructor(options: LambdaSmartBillPublisherOptions) {
    this.#client = options.client;
    this.#functionName = options.functionName;
    this.#oversize = options.oversize;
  }

  /**
   * @param job - the page to make
   * @throws Error when Lambda does not accept the event (status other than 202)
   */
  public async publish(job: SmartBillRenderJob): Promise<void> {
    const payload = encodeRenderEvent(job);
    if (Buffer.byteLength(payload, 'utf8') > MAX_ASYNC_EVENT_BYTES) {
      await this.#oversize.publish(job);
      return;
    }
    const { InvokeCommand } = awsSdk.lambda();
    const out = await this.#client.send(
      new InvokeCommand({
        FunctionName: this.#functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(payload),
      }),
    );
    if (out.StatusCode !== 202) {
      throw new Error(`the SmartBill renderer did not accept the page (status ${out.StatusCode})`);
    }
  }
}
