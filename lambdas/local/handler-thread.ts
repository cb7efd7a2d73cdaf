/**
 * One worker thread of the local API's handler pool (handler-threads.ts): loads a route's handler
 * module as the adapter does and answers each request with the handler's proxy result.
 */
import { parentPort } from 'node:worker_threads';
import { loggableErrorName, stackFrames } from '../observability/logger.js';
import type { ThreadRequest } from './handler-threads.js';
import { buildLambdaContext, defaultLoadHandler } from './http-adapter.js';

if (parentPort === null) throw new Error('handler-thread.ts runs as a worker thread of the local API only');
const port = parentPort;

port.on('message', (request: ThreadRequest) => {
  void (async () => {
    try {
      const handler = await defaultLoadHandler(request.route);
      const result = await handler(request.event, buildLambdaContext(request.route, request.deadline));
      port.postMessage({ id: request.id, ok: true, result });
    } catch (error) {
      port.postMessage({
        id: request.id,
        ok: false,
        errorName: loggableErrorName(error),
        frames: stackFrames(error),
      });
    }
  })();
});
