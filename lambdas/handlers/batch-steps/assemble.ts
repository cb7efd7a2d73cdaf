import { assembleBatch, failBatch } from '../../app/batch/service.js';
import { stepPorts } from './deps.js';

const ports = stepPorts();

/**
 * The final step: results.jsonl and summary.json from the chunks' parts and tallies, and the batch
 * marked succeeded. With `failure` (the state machine's catch), the batch is marked failed instead.
 *
 * @param input - the batch, and the failure when an earlier step failed as a whole
 * @returns the counts
 */
export async function handler(input: {
  readonly tenantId: string;
  readonly batchId: string;
  readonly failure?: unknown;
}): Promise<{ readonly priced: number; readonly failed: number } | { readonly failedBatch: true }> {
  if (input.failure !== undefined) {
    // The error's name only (Step Functions' Error field): never a cause that could quote a bill.
    const name = (input.failure as { Error?: unknown }).Error;
    await failBatch(
      ports,
      input,
      `The batch could not be run (${typeof name === 'string' ? name : 'error'}).`,
    );
    return { failedBatch: true };
  }
  return assembleBatch(ports, input);
}
