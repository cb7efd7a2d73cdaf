import { BatchConfigError, batchPortsFrom } from '../shared/batch-deps.js';

/**
 * The ports of the state machine's steps, built once a process (at module scope, as a handler's).
 *
 * @returns store and objects
 * @throws BatchConfigError when the function has no batch table and bucket
 */
export function stepPorts(): NonNullable<ReturnType<typeof batchPortsFrom>> {
  const ports = batchPortsFrom();
  if (ports === null) throw new BatchConfigError('BATCH_TABLE and BATCH_BUCKET are not set');
  return ports;
}
