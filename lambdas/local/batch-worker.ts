/**
 * A bulk repricing worker thread (`wcbr price --batch`, the local batch route): opens the fee index
 * once, then prices the chunks it is sent, each read from the input file by byte range, and answers
 * the chunk's results part and tally. The bills never leave the machine and are never logged.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadFeeIndexFile } from '../adapters/fee-index-file.js';
import { priceChunk } from '../app/batch/chunk.js';
import type { BatchWorkerData, BatchWorkerReply, BatchWorkerTask } from './batch-pool.js';

const { indexPath } = workerData as BatchWorkerData;
const index = loadFeeIndexFile(indexPath);

function readRange(file: string, start: number, end: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

parentPort?.on('message', (task: BatchWorkerTask) => {
  let reply: BatchWorkerReply;
  try {
    const { part, tally } = priceChunk(
      index,
      readRange(task.file, task.start, task.end),
      task.firstLine,
      task.explain,
      task.tenant,
    );
    reply = { id: task.id, ok: true, part, tally };
  } catch (error) {
    // A bill's failure is already a row; this is a read failure of the chunk itself. Its name only.
    reply = { id: task.id, ok: false, error: error instanceof Error ? error.name : 'Error' };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ ready: true });
