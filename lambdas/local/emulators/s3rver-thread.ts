/**
 * s3rver in a worker thread of its own: the local store of oversized answers (decision 014), which
 * receives uploads of several megabytes (an answer of a 999-line bill is 7 MB). In the API's own
 * thread, s3rver's parsing, hashing and writing of such a body would hold the event loop the
 * worker-thread pricing keeps free; here it holds only its thread. Same server, same directory
 * layout, same endpoint contract as {@link startS3rver}.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunningS3rver, StartS3rverOptions } from './s3rver.js';

/** How long the thread may take to load s3rver and listen. */
const START_TIMEOUT_MS = 30_000;

/** The thread's code: start s3rver with the options it is given, say where, stop when told. */
function threadSource(options: StartS3rverOptions): string {
  const self = import.meta.url;
  const fromTypeScript = self.endsWith('.ts');
  const module = new URL(fromTypeScript ? './s3rver.ts' : './s3rver.js', self).href;
  const register = fromTypeScript
    ? `(await import(${JSON.stringify(pathToFileURL(createRequire(fileURLToPath(self)).resolve('tsx/esm/api')).href)})).register();`
    : '';
  return `(async () => {
    const { parentPort } = await import('node:worker_threads');
    try {
      ${register}
      const { startS3rver } = await import(${JSON.stringify(module)});
      const server = await startS3rver(${JSON.stringify(options)});
      parentPort.on('message', async (message) => {
        if (message === 'stop') { await server.stop(); parentPort.postMessage({ stopped: true }); }
      });
      parentPort.postMessage({ endpoint: server.endpoint, port: server.port });
    } catch (error) {
      parentPort.postMessage({ failed: String(error && error.message || error) });
    }
  })();`;
}

/**
 * Starts s3rver in a new worker thread.
 *
 * @param options - data directory, port and buckets (plain data: they cross into the thread)
 * @returns its endpoint and a stop function (which also ends the thread)
 */
export async function startS3rverThread(options: StartS3rverOptions): Promise<RunningS3rver> {
  const worker = new Worker(threadSource(options), { eval: true });
  const started = await new Promise<{ endpoint: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s3rver did not start in its thread')), START_TIMEOUT_MS);
    worker.once('message', (message: { endpoint?: string; port?: number; failed?: string }) => {
      clearTimeout(timer);
      if (message.endpoint !== undefined && message.port !== undefined) {
        resolve({ endpoint: message.endpoint, port: message.port });
      } else reject(new Error(`s3rver did not start in its thread: ${message.failed ?? 'no reason given'}`));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  // A running store must not keep the process alive on its own (the stack stops it).
  worker.unref();
  let stopped: Promise<void> | undefined;
  return {
    ...started,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3_000);
        worker.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage('stop');
      }).then(async () => {
        await worker.terminate();
      });
      return stopped;
    },
  };
}
