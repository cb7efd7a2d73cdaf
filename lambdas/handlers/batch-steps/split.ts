import { parseInputKey } from '../../app/batch/ports.js';
import { splitBatch } from '../../app/batch/service.js';
import { stepPorts } from './deps.js';

const ports = stepPorts();

/** What EventBridge delivers for S3's "Object Created" (the fields the step reads). */
export interface ObjectCreatedEvent {
  readonly detail?: { readonly object?: { readonly key?: string; readonly etag?: string } };
}

/**
 * The split step, first state of the batch state machine: the upload's "Object Created" event in,
 * the input read once and cut into chunks, the manifest (the Distributed Map's ItemReader) written,
 * the batch marked running. Anything that is not a batch's first upload is skipped.
 *
 * @param event - the EventBridge event
 * @returns the batch and its manifest's key, or `{ skipped: true }`
 */
export async function handler(event: ObjectCreatedEvent): Promise<
  | { readonly skipped: true }
  | {
      readonly skipped: false;
      readonly tenantId: string;
      readonly batchId: string;
      readonly manifestKey: string;
      readonly chunks: number;
      readonly total: number;
    }
> {
  const key = event.detail?.object?.key;
  // EventBridge sends the key URL-encoded as S3 notifications do; batch keys need no encoding.
  const target = key === undefined ? null : parseInputKey(decodeURIComponent(key.replaceAll('+', ' ')));
  if (target === null) return { skipped: true };
  const etag = event.detail?.object?.etag;
  const split = await splitBatch(
    ports,
    target,
    ports.objects.stream(`batches/${target.tenantId}/${target.batchId}/input.jsonl`),
    undefined,
    etag === undefined ? undefined : `"${etag.replaceAll('"', '')}"`,
  );
  if (split === null) return { skipped: true };
  return {
    skipped: false,
    ...target,
    manifestKey: split.manifestKey,
    chunks: split.chunks,
    total: split.total,
  };
}
