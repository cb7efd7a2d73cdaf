/**
 * A cluster worker of the local API Gateway (see api-cluster.ts): waits for its configuration from
 * the primary, preloads the routes' handlers, serves the shared port, and stops when told to (or
 * when the primary goes away).
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrimaryMessage, WorkerMessage } from './api-cluster.js';
import { createHandlerThreads, OFFLOADED_ROUTES } from './handler-threads.js';
import { createApiServer, defaultLoadHandler } from './http-adapter.js';

if (!cluster.isWorker) throw new Error('api-worker.ts runs as a cluster worker of the local stack only');

let server: Server | undefined;

function tell(message: WorkerMessage, then?: () => void): void {
  if (process.send) process.send(message, undefined, undefined, () => then?.());
  else then?.();
}

function shutdown(): void {
  if (!server?.listening) process.exit(0);
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

process.on('message', (message: PrimaryMessage) => {
  if (message?.kind === 'wcbr-api-stop') {
    shutdown();
    return;
  }
  if (message?.kind !== 'wcbr-api-config' || server) return;
  const { config } = message;
  const threads = config.handlerThreads > 0 ? createHandlerThreads(config.handlerThreads) : undefined;
  const api = createApiServer({
    ...(threads ? { handlerThreads: { pool: threads, routes: OFFLOADED_ROUTES } } : {}),
    routes: config.routes,
    auth: {
      issuer: config.auth.issuer,
      jwks: config.auth.jwks,
      allowedClientIds: new Set(config.auth.allowedClientIds),
    },
    quiet: config.quiet,
  });
  server = api;
  // Every worker imports its handlers before it takes requests: the first request a worker gets
  // should not pay for module loading. A failed import is not remembered (the request retries it).
  const preload = Promise.all(config.routes.map((route) => defaultLoadHandler(route).catch(() => undefined)));
  api.once('error', (error: NodeJS.ErrnoException) => {
    tell(
      {
        kind: 'wcbr-api-failed',
        code: error.code,
        message:
          error.code === 'EADDRINUSE'
            ? `The API cannot listen on ${config.host}:${config.port}: the port is in use (set PORT or --port)`
            : error.message,
      },
      () => process.exit(1),
    );
  });
  api.listen(config.port, config.host, () => {
    const { port } = api.address() as AddressInfo;
    void preload.then(() => tell({ kind: 'wcbr-api-listening', port }));
  });
});

tell({ kind: 'wcbr-api-ready' });

// The primary is gone (stopped, crashed or killed): nothing is left to serve for.
process.on('disconnect', shutdown);
