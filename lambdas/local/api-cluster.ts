/**
 * The local API Gateway in several processes (node:cluster): worker processes run the same
 * http-adapter server and share the API port; the primary (cognito-local, the token endpoint, the
 * state file) only hands connections to them. For load runs on a machine with spare cores; the
 * default local stack serves in one process.
 *
 * Workers ask for their configuration and get it over the IPC channel (plain data only: no injected handler
 * loader or log sink), preload the routes' handlers, listen, and say so. The fee index path reaches
 * them through the environment (`FEE_INDEX_PATH`, set by the stack before they are forked).
 */
import cluster, { type Worker } from 'node:cluster';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RouteDefinition } from '../handlers/shared/routes.js';
import type { Jwks } from './jwt.js';

/** What a worker needs to build its server: data only, it crosses a process boundary. */
export interface ApiWorkerConfig {
  readonly routes: readonly RouteDefinition[];
  readonly auth: {
    readonly issuer: string;
    readonly jwks: Jwks;
    readonly allowedClientIds: readonly string[];
  };
  readonly port: number;
  readonly host: string;
  readonly quiet: boolean;
  /** Worker threads each process prices large bills in (decision 014); 0 for none. */
  readonly handlerThreads: number;
}

export type PrimaryMessage =
  | { readonly kind: 'wcbr-api-config'; readonly config: ApiWorkerConfig }
  | { readonly kind: 'wcbr-api-stop' };

export type WorkerMessage =
  /** The worker listens for its configuration (a message sent before that would be lost). */
  | { readonly kind: 'wcbr-api-ready' }
  | { readonly kind: 'wcbr-api-listening'; readonly port: number }
  | { readonly kind: 'wcbr-api-failed'; readonly message: string; readonly code?: string | undefined };

export interface ApiWorkers {
  /** The port every worker listens on (the real one when 0 was asked for). */
  readonly port: number;
  readonly pids: readonly number[];
  /** Stops every worker (they close their connections); idempotent. */
  stop(): Promise<void>;
}

/** How long a stopping worker may take before it is killed. */
const STOP_GRACE_MS = 3_000;
/** How long a worker may take to load its modules and listen. */
const START_TIMEOUT_MS = 60_000;

/**
 * The worker's entry file and the Node options it runs with: this module's own sibling, with tsx
 * as the loader when the stack itself runs from TypeScript sources (tsx's `register()`, as
 * bin/wcbr.mjs uses it, does not reach forked processes).
 */
function workerExec(): { exec: string; execArgv: string[] } {
  const selfUrl = import.meta.url;
  const fromTypeScript = selfUrl.endsWith('.ts');
  const exec = fileURLToPath(new URL(fromTypeScript ? './api-worker.ts' : './api-worker.js', selfUrl));
  const execArgv = [...process.execArgv];
  if (fromTypeScript && !execArgv.some((arg) => arg.includes('tsx'))) {
    const loader = createRequire(selfUrl).resolve('tsx');
    execArgv.push('--import', pathToFileURL(loader).href);
  }
  return { exec, execArgv };
}

function send(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}

/** Waits for a worker to exit, killing it if it has not within `graceMs`. */
function exited(worker: Worker, graceMs: number): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
    timer.unref();
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Forks `count` API workers, sends them `config`, and resolves once every one listens. */
export async function startApiWorkers(count: number, config: ApiWorkerConfig): Promise<ApiWorkers> {
  if (!cluster.isPrimary) throw new Error('API workers can only be started from the primary process');
  const { exec, execArgv } = workerExec();
  cluster.setupPrimary({ exec, execArgv, args: [], silent: false });

  const workers: Worker[] = [];
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping = true;
    stopped ??= Promise.all(
      workers.map((worker) => {
        send(worker, { kind: 'wcbr-api-stop' });
        return exited(worker, STOP_GRACE_MS);
      }),
    ).then(() => undefined);
    return stopped;
  };

  const started = (worker: Worker) =>
    new Promise<number>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message?.kind === 'wcbr-api-ready') {
          send(worker, { kind: 'wcbr-api-config', config });
        } else if (message?.kind === 'wcbr-api-listening') {
          cleanup();
          resolve(message.port);
        } else if (message?.kind === 'wcbr-api-failed') {
          cleanup();
          const error = new Error(message.message) as NodeJS.ErrnoException;
          if (message.code !== undefined) error.code = message.code;
          reject(error);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`API worker ${worker.process.pid} exited while starting (${signal ?? code})`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`API worker ${worker.process.pid} did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });

  try {
    const ports = await Promise.all(
      Array.from({ length: count }, () => {
        const worker = cluster.fork();
        workers.push(worker);
        worker.once('exit', (code, signal) => {
          if (!stopping) {
            process.stderr.write(
              `${JSON.stringify({ level: 'error', msg: 'API worker exited', pid: worker.process.pid, code, signal })}\n`,
            );
          }
        });
        return started(worker);
      }),
    );
    const port = ports[0] as number;
    if (ports.some((p) => p !== port)) throw new Error(`API workers listen on different ports: ${ports}`);
    return { port, pids: workers.map((w) => w.process.pid as number), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
