import { decodeRenderEvent } from '../../adapters/smartbill-publisher-lambda.js';
import { renderAndStore } from '../../app/smartbill/service.js';
import { loggableJurisdiction, loggableRequestId, logRequest } from '../../observability/logger.js';
import { recordSmartBillRendererFailure } from '../../observability/powertools.js';
import { traced } from '../../observability/tracing.js';
import { smartBillRenderPortsFrom } from '../shared/smartbill-deps.js';

const ports = smartBillRenderPortsFrom(process.env, traced);

/**
 * The SmartBill renderer (invoked asynchronously by the pricing function, one event a page):
 * makes the page's random key and gate record, renders the page sealed under that key and stores
 * it under the key the link already names. A thrown
 * error makes Lambda retry the event twice, then send it to the failure destination.
 *
 * @param event - a render event (`encodeRenderEvent`)
 * @param context - Lambda context (its request id goes to the log line)
 */
export async function handler(event: unknown, context: { readonly awsRequestId: string }): Promise<void> {
  const started = performance.now();
  let job: ReturnType<typeof decodeRenderEvent>;
  try {
    job = decodeRenderEvent(event);
    await renderAndStore(ports, job);
  } catch (error) {
    // Counted here, where Lambda's retries still follow; the dead-letter queue alarm sees the rest.
    recordSmartBillRendererFailure();
    throw error;
  }
  const jurisdiction = loggableJurisdiction(job.priced.jurisdiction.id);
  logRequest({
    requestId: loggableRequestId(context.awsRequestId),
    route: 'RenderSmartBill',
    statusCode: 201,
    latencyMs: Math.round(performance.now() - started),
    lines: job.priced.lines.length,
    ...(jurisdiction === undefined ? {} : { jurisdiction }),
  });
}
