/**
 * A small pool of worker threads that run route handlers off the local API's event loop (issue 17,
 * § 2; decision 014): pricing a 999-line bill and serialising its answer takes hundreds of
 * milliseconds of CPU, which on the adapter's own thread would stall every other request for as
 * long. The adapter sends a request here when its body is large (LARGE_BODY_BYTES), so small
 * requests keep flowing while a large bill is priced; each thread loads the same handler modules
 * (with the same environment) and answers the same proxy result, so nothing else changes.
 *
 * In Lambda there is no such pool: one invocation handles one request, and the next request goes
 * to another instance.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../handlers/shared/routes.js';

/**
 * Requests with a body of at least this many bytes go to a thread: about 60 lines of a bill with
 * external values (352 kB for 999; 10 lines without values are 1.5 kB), priced in under 10 ms,
 * so a request below it holds the loop well under the 50 ms the issue allows. Bytes, not lines:
 * counting lines would mean parsing the body on the loop first.
 */
export const LARGE_BODY_BYTES = 20 * 1024;

/** The routes whose large requests go to the threads: the price route (Recon's runs in its workflow). */
export const OFFLOADED_ROUTES: ReadonlySet<string> = new Set(['PriceBill']);

/** Threads in the pool: two large bills at once; more wait their turn (each thread takes several). */
export const DEFAULT_HANDLER_THREADS = 2;

/** What a thread answers. */
type ThreadReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly errorName: string; readonly frames: string };

/** The request a thread gets: plain data (it crosses a thread boundary). */
export interface ThreadRequest {
  readonly id: number;
  readonly route: RouteDefinition;
  readonly event: APIGatewayProxyEvent;
  /** Epoch ms of the integration timeout (the thread builds the Lambda context from it). */
  readonly deadline: number;
}

/**
 * A handler failed in its thread: it carries the thrown error's name and stack frames only (the
 * message may echo input), so the adapter logs it as it logs a handler error on its own thread.
 */
export class HandlerThreadError extends Error {
  override name: string;

  constructor(errorName: string, frames: string) {
    const message = 'handler failed in a worker thread';
    super(message);
    this.name = errorName;
    this.stack = `${errorName}: ${message}\n${frames
      .split(' | ')
      .filter((frame) => frame !== '')
      .map((frame) => `    ${frame}`)
      .join('\n')}`;
  }
}

/** The pool. */
export interface HandlerThreads {
  /**
   * Runs the route's handler in a thread.
   *
   * @returns what the handler returned (checked by the adapter as any result)
   * @throws HandlerThreadError when the handler threw; Error when the thread died
   */
  run(route: RouteDefinition, event: APIGatewayProxyEvent, deadline: number): Promise<unknown>;
  /** Stops every thread (pending runs are rejected); idempotent. */
  close(): Promise<void>;
}

/**
 * The code a thread starts with: the thread module itself, with tsx registered first when the stack
 * runs from TypeScript sources (a loader registered in this thread does not reach a new one).
 */
function threadSource(): string {
  const self = import.meta.url;
  const fromTypeScript = self.endsWith('.ts');
  const entry = new URL(fromTypeScript ? './handler-thread.ts' : './handler-thread.js', self).href;
  if (!fromTypeScript) return `import(${JSON.stringify(entry)});`;
  const tsx = pathToFileURL(createRequire(fileURLToPath(self)).resolve('tsx/esm/api')).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
}

/**
 * A pool of `size` threads, started on first use.
 *
 * @param size - default {@link DEFAULT_HANDLER_THREADS}
 * @returns the pool
 */
export function createHandlerThreads(size: number = DEFAULT_HANDLER_THREADS): HandlerThreads {
  const slots: (Slot | undefined)[] = Array.from({ length: size }, () => undefined);
  let nextId = 1;
  let closed = false;

  const start = (index: number): Slot => {
    // SHARE_ENV: the handlers read the environment the stack set (endpoints, buckets) at import.
    const worker = new Worker(threadSource(), { eval: true, env: SHARE_ENV });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: ThreadReply) => {
      const waiting = slot.pending.get(reply.id);
      if (!waiting) return;
      slot.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new HandlerThreadError(reply.errorName, reply.frames));
    });
    const fail = (error: Error) => {
      for (const waiting of slot.pending.values()) waiting.reject(error);
      slot.pending.clear();
      // The next run starts a fresh thread in this place.
      if (slots[index] === slot) slots[index] = undefined;
    };
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => fail(new Error(`handler thread exited (${code})`)));
    // An idle pool must not keep the process alive.
    worker.unref();
    slots[index] = slot;
    return slot;
  };

  return {
    run: (route, event, deadline) => {
      if (closed) return Promise.reject(new Error('handler threads are closed'));
      // The thread with the fewest runs in flight (a free one first).
      let best = 0;
      for (let i = 1; i < size; i++) {
        if ((slots[i]?.pending.size ?? 0) < (slots[best]?.pending.size ?? 0)) best = i;
      }
      const slot = slots[best] ?? start(best);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.ref();
        const request: ThreadRequest = { id, route, event, deadline };
        slot.worker.postMessage(request);
      }).finally(() => {
        if (slot.pending.size === 0) slot.worker.unref();
      });
    },
    close: async () => {
      closed = true;
      await Promise.all(slots.map((slot) => slot?.worker.terminate()));
    },
  };
}
