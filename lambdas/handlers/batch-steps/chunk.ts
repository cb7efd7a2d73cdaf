import { type ChunkTask, inProcessPricer, runChunk } from '../../app/batch/service.js';
import { openFeeIndex } from '../shared/fee-index.js';
import { stepPorts } from './deps.js';

const ports = stepPorts();
const pricer = inProcessPricer(openFeeIndex());

/**
 * The Distributed Map's child step: one chunk of the input priced into its results part and tally,
 * its counts added to the batch's progress. A bill that cannot be priced is an error row: only an
 * S3 or DynamoDB failure fails the step (and Step Functions retries it).
 *
 * @param task - an item of the manifest
 * @returns the chunk's counts
 */
export function handler(task: ChunkTask): Promise<{ readonly done: number; readonly failed: number }> {
  return runChunk(ports, pricer, task);
}
