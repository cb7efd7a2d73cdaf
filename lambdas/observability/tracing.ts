import { Tracer } from '@aws-lambda-powertools/tracer';
import { serviceName } from './powertools.js';

/**
 * The Powertools Tracer, for the functions whose work is AWS SDK calls (the Recon functions, the
 * SmartBill renderer). It loads aws-xray-sdk-core (about 125 kB minified and 100 ms of import), so
 * the pricing function does not import it: its segment comes from Lambda's active tracing, and its
 * only SDK call (handing a page to the renderer) is not worth a tenth of a second of every cold
 * start (docs/decisions/010-observability.md). Outside Lambda, or with
 * `POWERTOOLS_TRACE_ENABLED=false`, the Tracer is off and {@link traced} returns the client as is.
 */
export const tracer = new Tracer({ serviceName });

/**
 * An AWS SDK v3 client with X-Ray subsegments for its calls when tracing is on; the client itself
 * otherwise.
 *
 * @param client - the SDK client
 * @returns the same client
 */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
