/**
 * Worker threads that price batch chunks on every core (`wcbr price --batch`, the local batch
 * route): each opens the fee index once; chunks go to whichever is free.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExplainLevel } from '../app/batch/price.js';
import type { BatchTally } from '../app/batch/summary.js';

/** What a worker is started with. */
export interface BatchWorkerData {
  readonly indexPath: string;
}

/** A chunk to price: a byte range of an input file. */
export interface BatchWorkerTask {
  readonly id: number;
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly firstLine: number;
  readonly explain: ExplainLevel;
  /** The tenant the bills are priced for (its contracts apply, issue 20); none: no contract. */
  readonly tenant?: string;
}

/** A worker's answer. */
export type BatchWorkerReply =
  | { readonly id: number; readonly ok: true; readonly part: string; readonly tally: BatchTally }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A pool of batch workers. */
export interface BatchPool {
  readonly size: number;
  /** Prices a chunk on the next free worker. */
  price(task: Omit<BatchWorkerTask, 'id'>): Promise<{ part: string; tally: BatchTally }>;
  /** Stops every worker. */
  close(): Promise<void>;
}

/**
 * The worker's code: this module's sibling; from TypeScript sources it first registers tsx in the
 * worker (tsx registered in this thread, as bin/wcbr.mjs does, does not reach a worker thread).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  const selfUrl = import.meta.url;
  if (!selfUrl.endsWith('.ts')) return { code: new URL('./batch-worker.js', selfUrl), eval: false };
  // The ESM entry of tsx's API (require.resolve would give its CommonJS one).
  const tsxApi = pathToFileURL(
    createRequire(selfUrl)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const entry = new URL('./batch-worker.ts', selfUrl).href;
  return {
    code: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

/**
 * Starts `size` workers, each opening the fee index.
 *
 * @param options - the index file and the number of workers (default: every core)
 * @returns the pool, once every worker has opened the index
 */
export async function startBatchPool(options: {
  readonly indexPath: string;
  readonly size?: number | undefined;
}): Promise<BatchPool> {
  const size = options.size ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`workers must be a whole number of at least 1 (got ${size})`);
  const entry = workerEntry();
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const waiting: Array<(worker: Worker) => void> = [];
  const pending = new Map<
    number,
    { resolve: (value: { part: string; tally: BatchTally }) => void; reject: (error: Error) => void }
  >();
  let nextId = 1;
  let closed = false;

  const release = (worker: Worker): void => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  const ready = (worker: Worker): Promise<void> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (message.ready) {
          worker.off('error', reject);
          resolve();
        }
      };
      worker.once('message', onMessage);
      worker.once('error', reject);
    });

  try {
    await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = new Worker(entry.code, {
          eval: entry.eval,
          workerData: { indexPath: options.indexPath } satisfies BatchWorkerData,
        });
        workers.push(worker);
        await ready(worker);
        worker.on('message', (reply: BatchWorkerReply) => {
          const waiter = pending.get(reply.id);
          if (!waiter) return;
          pending.delete(reply.id);
          release(worker);
          if (reply.ok) waiter.resolve({ part: reply.part, tally: reply.tally });
          else waiter.reject(new Error(`a batch worker could not read its chunk (${reply.error})`));
        });
        worker.on('error', (error) => {
          for (const [, waiter] of pending) waiter.reject(error);
          pending.clear();
        });
        idle.push(worker);
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }

  const acquire = (): Promise<Worker> => {
    const worker = idle.pop();
    if (worker) return Promise.resolve(worker);
    return new Promise((resolve) => waiting.push(resolve));
  };

  return {
    size,
    price: async (task) => {
      if (closed) throw new Error('the batch pool is closed');
      const worker = await acquire();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...task, id } satisfies BatchWorkerTask);
      });
    },
    close: async () => {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
