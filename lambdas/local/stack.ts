/**
 * The local stack behind `npm start` (`wcbr serve`): cognito-local with the client-credentials token
 * endpoint, the bootstrapped pool, and the local API Gateway in front of the real handlers.
 * `getTokenFromState` serves `wcbr token` from another process.
 */

import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DuckDbAnalyticsQueryRunner } from '../adapters/analytics-query-runner-duckdb.js';
import { flushSpoolSinks } from '../adapters/analytics-spool-sink-local.js';
import { LocalAnalyticsTenantStore, LocalPeerSnapshotStore } from '../adapters/analytics-stores-local.js';
import { buildPeerSnapshot } from '../app/analytics/peers.js';
import { ANALYTICS_ENV } from '../handlers/shared/analytics-env.js';
import { ANALYTICS_PAGE_ENV } from '../handlers/shared/analytics-page-env.js';
import { ANSWER_SIZE_ENV } from '../handlers/shared/answer-size-deps.js';
import { FEE_INDEX_PATH_ENV, ROUTES, type RouteDefinition } from '../handlers/shared/routes.js';
import type { TenantSmartBillSettings } from '../smartbill/contact.js';
import { type AnalyticsBackends, LOCAL_ANALYTICS_DIR, startAnalyticsBackends } from './analytics-stack.js';
import { type AnswerBackends, LOCAL_ANSWERS_DIR, startAnswerBackends } from './answer-store-stack.js';
import { type ApiWorkers, startApiWorkers } from './api-cluster.js';
import { type BatchBackends, clearBatchData, startBatchBackends } from './batch-stack.js';
import { bootstrapCognito, type CognitoLocalServer, startCognitoLocal } from './cognito.js';
import {
  createHandlerThreads,
  DEFAULT_HANDLER_THREADS,
  type HandlerThreads,
  OFFLOADED_ROUTES,
} from './handler-threads.js';
import {
  createApiServer,
  DEFAULT_BODY_TIMEOUT_MS,
  type LoadHandler,
  type RequestLogEntry,
} from './http-adapter.js';
import { type Jwks, loadOrCreateSigningKey } from './jwt.js';
import { DEFAULT_COGNITO_PORT, DEFAULT_FEE_INDEX_PATH, DEFAULT_STATE_DIR } from './paths.js';
import {
  clearReconData,
  type EmulatorControl,
  type ReconBackends,
  startReconBackends,
} from './recon-stack.js';
import { SMARTBILL_GATE_DIR, type SmartBillBackends, startSmartBillBackends } from './smartbill-stack.js';
import { type LocalStackState, readState, writeState } from './state.js';
import {
  processAlive,
  type TokenKind,
  type TokenOptions,
  tokenFor,
  userTokensFor,
} from './token-from-state.js';
import type { UserTokens } from './tokens.js';

export { getTokenFromState } from './token-from-state.js';
export type { TokenKind, TokenOptions };

export interface StartLocalStackOptions {
  /** API port; default `PORT` or 3000; 0 picks a free one. */
  readonly port?: number | undefined;
  /** API host; default 127.0.0.1. */
  readonly host?: string | undefined;
  /**
   * State directory (cognito-local data, state.json, and the stored data: DynamoDB Local's
   * database, moto's KMS keys, SmartBill pages); default `<repo>/.wcbr-local`.
   */
  readonly stateDir?: string | undefined;
  /**
   * Start with no stored data: the Recon data (DynamoDB Local's database, moto's KMS keys, the
   * local master key) and the SmartBill pages of the state directory are deleted first. The
   * Cognito pool, its dev user and the SmartBill signing key are kept.
   */
  readonly fresh?: boolean | undefined;
  /**
   * Milliseconds a request body has to arrive in full after the headers; then 408 and the
   * connection is closed. Default {@link DEFAULT_BODY_TIMEOUT_MS} (10 s).
   */
  readonly bodyTimeoutMs?: number | undefined;
  /** cognito-local port on 127.0.0.1; default 9229; 0 picks a free one. */
  readonly cognitoPort?: number | undefined;
  /** Fee index for handlers; default `FEE_INDEX_PATH` if set, else `<repo>/layers/fee-index/fee-index.bin`. */
  readonly feeIndexPath?: string | undefined;
  /** No request log and no cognito-local log file. */
  readonly quiet?: boolean | undefined;
  /** Route table; default ROUTES (tests pass stubs). */
  readonly routes?: readonly RouteDefinition[] | undefined;
  /** Handler loader; default: dynamic import of each route's `entry`. */
  readonly loadHandler?: LoadHandler | undefined;
  /** Request log sink; default one JSON line per request on stdout (unless quiet). */
  readonly log?: ((entry: RequestLogEntry) => void) | undefined;
  /** cognito-local's own log; default `<stateDir>/cognito-local.log` (none when quiet). */
  readonly cognitoLogFile?: string | undefined;
  /**
   * API processes. 1 (default): the API is served in this process, next to cognito-local. More:
   * that many node:cluster worker processes share the API port (this process keeps cognito-local
   * and hands connections out), for load runs on several cores. Workers need the default handler
   * loader and log sink: `loadHandler` and `log` cannot be combined with it.
   */
  readonly workers?: number | undefined;
  /**
   * Recon: start DynamoDB Local and moto's KMS (`{keys: 'kms'}`, what `npm start` does) or DynamoDB
   * Local with the local key provider (`{keys: 'local'}`), and serve the Recon routes. Off (the
   * default for tests that do not need it): the Recon routes are not served (404).
   */
  readonly recon?: false | { readonly keys?: 'kms' | 'local' } | undefined;
  /**
   * SmartBill: start s3rver and the local edge, and give every priced bill its signed link (what
   * `npm start` does). Off (the default for tests that do not need it): priced bills carry no
   * `smartBill`, as a bare handler does.
   */
  readonly smartBill?:
    | false
    | {
        readonly edgePort?: number | undefined;
        readonly urlTtlDays?: number | undefined;
        /** Each tenant's SmartBill settings (default: the local sample tenant's, smartbill/contact.ts). */
        readonly tenants?: Readonly<Record<string, TenantSmartBillSettings>> | undefined;
      }
    | undefined;
  /**
   * Worker threads that price large bills off the API's event loop (decision 014): how many a
   * process (default 2); 0 prices every bill on the event loop. Only with the default loader.
   */
  readonly handlerThreads?: number | undefined;
  /**
   * Oversized answers (decision 014): s3rver for the stored answers and the edge that checks their
   * signed links, started unless `false`. `maxInlineBytes` lowers the size from which an answer is
   * stored (tests force a 303 with a small bill); `now` is the edge's clock.
   */
  readonly answers?:
    | false
    | { readonly maxInlineBytes?: number | undefined; readonly now?: (() => Date) | undefined }
    | undefined;
  /**
   * Bulk repricing: the batch routes, the local batch edge (signed upload and result links) and the
   * worker pool that runs an uploaded batch (what `npm start` does). Off (the default for tests
   * that do not need it): the batch routes are not served (404).
   */
  readonly batch?:
    | false
    | {
        readonly edgePort?: number | undefined;
        readonly workers?: number | undefined;
        readonly linesPerChunk?: number | undefined;
      }
    | undefined;
  /**
   * Analytics (issue 19): priced bills' records spooled under `<stateDir>/analytics/`, compacted to
   * Parquet every few seconds, the KPI, benchmark and delete routes on DuckDB, and the peers'
   * snapshot rebuilt every `peersEveryMs` (what `npm start` does). Off (the default for tests that
   * do not need it): no records are kept and the analytics routes are not served (404).
   */
  readonly analytics?:
    | false
    | {
        readonly retentionDays?: number | undefined;
        readonly offTenants?: readonly string[] | undefined;
        readonly compactEveryMs?: number | undefined;
        readonly peersEveryMs?: number | undefined;
        /** The clock of the peers' window and of retention (tests move it). */
        readonly now?: (() => Date) | undefined;
      }
    | undefined;
}

export interface LocalStack {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The state directory (state.json, cognito-local's data, the pool's signing key). */
  readonly stateDir: string;
  /** The user pool's issuer (`http://localhost:<cognitoPort>/<poolId>`). */
  readonly issuer: string;
  readonly state: LocalStackState;
  /** The Recon backends' endpoints, when Recon is on. */
  readonly recon?: {
    readonly dynamoDbEndpoint: string;
    readonly kmsEndpoint?: string;
    readonly environment: Readonly<Record<string, string>>;
    /** DynamoDB Local and moto, to stop and start one under the running stack. */
    readonly emulators: { readonly dynamoDb: EmulatorControl; readonly kms?: EmulatorControl };
  };
  /** The SmartBill backends, when SmartBill is on: the edge's URL and the page store. */
  readonly smartBill?: Pick<SmartBillBackends, 'edgeUrl' | 's3Endpoint' | 'store' | 'gate'>;
  /** The oversized answers' edge (where 303 links point) and s3rver, unless `answers: false`. */
  readonly answers?: Pick<AnswerBackends, 'edgeUrl' | 's3Endpoint'>;
  /** The batch backends, when batches are on: the edge's URL, and a wait for runs under way. */
  readonly batch?: Pick<BatchBackends, 'edgeUrl' | 'idle'>;
  /** Analytics, when on: its directory, a flush (this process's sinks, then a compaction) and a peers' build. */
  readonly analytics?: {
    readonly root: string;
    flush(): Promise<void>;
    rebuildPeers(): Promise<void>;
  };
  /** The processes serving the API: this one, or the worker processes (`workers` > 1). */
  readonly apiPids: readonly number[];
  /** An access token: `user` signs the dev user in with password + TOTP, `client` uses client credentials. */
  token(kind?: TokenKind, options?: TokenOptions): Promise<string>;
  /** The dev user's access, ID and refresh tokens (real MFA sign-in). */
  userTokens(): Promise<UserTokens>;
  /** Closes the API and cognito-local; idempotent. */
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`The API cannot listen on ${host}:${port}: the port is in use (set PORT or --port)`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

async function fetchJwks(cognito: CognitoLocalServer, userPoolId: string): Promise<Jwks> {
  const response = await fetch(cognito.jwksUrlFor(userPoolId));
  const jwks = (await response.json()) as Partial<Jwks>;
  if (!response.ok || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
    throw new Error(`cognito-local served no JWKS for ${userPoolId} (${response.status})`);
  }
  return jwks as Jwks;
}

/**
 * Starts cognito-local (in process) with the client-credentials token endpoint, bootstraps or reuses
 * the pool, points handlers at the fee index, and starts the local API Gateway.
 */
export async function startLocalStack(options: StartLocalStackOptions = {}): Promise<LocalStack> {
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`workers must be a whole number of at least 1 (got ${workers})`);
  }
  if (workers > 1 && (options.loadHandler !== undefined || options.log !== undefined)) {
    throw new Error('loadHandler and log cannot cross into API worker processes: use workers: 1');
  }
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const dataDir = join(stateDir, 'cognito');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  // One stack a state directory: a second start must not rewrite the state of a running one.
  const previous = await readState(stateDir).catch(() => null);
  if (previous?.api && previous.api.pid !== process.pid && processAlive(previous.api.pid)) {
    throw new Error(
      `The local stack already runs at ${previous.api.url} (process ${previous.api.pid}, state in ${stateDir}); stop it first, or start another with a different state directory`,
    );
  }

  // The pool's own key, kept in the state directory (not cognito-local's published one); first,
  // so a state directory whose key cannot be read fails before anything is started.
  const signingKey = await loadOrCreateSigningKey(stateDir);

  // Before any handler module is imported: handlers read it at module scope, as in Lambda.
  process.env[FEE_INDEX_PATH_ENV] =
    options.feeIndexPath ?? process.env[FEE_INDEX_PATH_ENV] ?? DEFAULT_FEE_INDEX_PATH;

  if (options.fresh) {
    await clearReconData(stateDir);
    await rm(join(stateDir, 'smartbills-s3'), { recursive: true, force: true });
    await rm(join(stateDir, SMARTBILL_GATE_DIR), { recursive: true, force: true });
    await rm(join(stateDir, LOCAL_ANSWERS_DIR), { recursive: true, force: true });
    await clearBatchData(stateDir);
    await rm(join(stateDir, LOCAL_ANALYTICS_DIR), { recursive: true, force: true });
  }
  let analytics: AnalyticsBackends | undefined;
  if (options.analytics) {
    analytics = await startLocalAnalytics(stateDir, options.analytics);
    // First, before any handler module is imported (the SmartBill and batch back ends load the
    // pricing modules) or a worker forked: they read it at module scope.
    Object.assign(process.env, analytics.environment);
  } else {
    for (const name of Object.values(ANALYTICS_ENV)) delete process.env[name];
  }
  let answers: AnswerBackends | undefined;
  if (options.answers !== false) {
    answers = await startAnswerBackends({
      stateDir,
      maxInlineBytes: options.answers?.maxInlineBytes,
      now: options.answers?.now,
    });
    // Before any handler module is imported (or a worker forked): they read it at module scope.
    Object.assign(process.env, answers.environment);
    if (options.answers?.maxInlineBytes === undefined) delete process.env[ANSWER_SIZE_ENV.maxInlineBytes];
  }
  let recon: ReconBackends | undefined;
  if (options.recon) {
    recon = await startReconBackends({ keys: options.recon.keys, stateDir }).catch(async (error: unknown) => {
      await answers?.stop().catch(() => undefined);
      await analytics?.stop().catch(() => undefined);
      throw error;
    });
    // Before any handler module is imported (or a worker forked): they read it at module scope.
    Object.assign(process.env, recon.environment);
  }
  let smartBill: SmartBillBackends | undefined;
  if (options.smartBill) {
    try {
      smartBill = await startSmartBillBackends({
        stateDir,
        edgePort: options.smartBill.edgePort,
        urlTtlDays: options.smartBill.urlTtlDays,
        tenants: options.smartBill.tenants,
      });
    } catch (error) {
      await recon?.stop().catch(() => undefined);
      await answers?.stop().catch(() => undefined);
      await analytics?.stop().catch(() => undefined);
      throw error;
    }
    Object.assign(process.env, smartBill.environment);
  }
  let batch: BatchBackends | undefined;
  if (options.batch) {
    try {
      batch = await startBatchBackends({
        stateDir,
        feeIndexPath: process.env[FEE_INDEX_PATH_ENV] as string,
        workers: options.batch.workers,
        edgePort: options.batch.edgePort,
        linesPerChunk: options.batch.linesPerChunk,
      });
    } catch (error) {
      await recon?.stop().catch(() => undefined);
      await smartBill?.stop().catch(() => undefined);
      await answers?.stop().catch(() => undefined);
      await analytics?.stop().catch(() => undefined);
      throw error;
    }
    Object.assign(process.env, batch.environment);
  }

  const cognito = await startCognitoLocal({
    dataDir,
    signingKey,
    port: options.cognitoPort ?? DEFAULT_COGNITO_PORT,
    logFile: options.quiet ? undefined : (options.cognitoLogFile ?? join(stateDir, 'cognito-local.log')),
  });
  let api: Server | undefined;
  let apiWorkers: ApiWorkers | undefined;
  const threadCount = options.handlerThreads ?? DEFAULT_HANDLER_THREADS;
  if (!Number.isInteger(threadCount) || threadCount < 0) {
    throw new Error(`handlerThreads must be a whole number of at least 0 (got ${threadCount})`);
  }
  let threads: HandlerThreads | undefined;
  try {
    const bootstrapped = await bootstrapCognito({ cognito, stateDir, dataDir });
    const jwks = await fetchJwks(cognito, bootstrapped.userPoolId);
    const routes = (options.routes ?? ROUTES).filter(
      (route) =>
        (recon !== undefined || (route.workflow === undefined && route.recon === undefined)) &&
        // Revocation needs the SmartBill stores: without SmartBill the route is not served (404).
        (smartBill !== undefined || route.smartBillRevoke === undefined) &&
        // Batches need their store and edge: without them the routes are not served (404).
        (batch !== undefined || route.batch === undefined) &&
        // The analytics routes need the records' directory; pricing keeps no records without it.
        (analytics !== undefined || route.analytics === undefined || route.analytics === 'write'),
    );
    const allowedClientIds = [bootstrapped.peopleClient.clientId, bootstrapped.machineClient.clientId];
    // The KPI page signs people in against cognito-local (which answers the browser's CORS
    // preflight itself) with the people client; before any worker is forked, as in Lambda.
    process.env[ANALYTICS_PAGE_ENV.cognitoEndpoint] = cognito.endpoint;
    process.env[ANALYTICS_PAGE_ENV.clientId] = bootstrapped.peopleClient.clientId;
    let apiPort: number;
    if (workers > 1) {
      apiWorkers = await startApiWorkers(workers, {
        routes,
        auth: { issuer: bootstrapped.issuer, jwks, allowedClientIds },
        port,
        host,
        quiet: options.quiet === true,
        handlerThreads: threadCount,
      });
      apiPort = apiWorkers.port;
    } else {
      // Threads load handlers by entry: with an injected loader (tests' stubs) every bill stays here.
      threads =
        threadCount > 0 && options.loadHandler === undefined ? createHandlerThreads(threadCount) : undefined;
      api = createApiServer({
        ...(threads ? { handlerThreads: { pool: threads, routes: OFFLOADED_ROUTES } } : {}),
        routes,
        loadHandler: options.loadHandler,
        auth: { issuer: bootstrapped.issuer, jwks, allowedClientIds: new Set(allowedClientIds) },
        quiet: options.quiet,
        log: options.log,
        bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
      });
      apiPort = await listen(api, port, host);
    }
    const urlHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${urlHost}:${apiPort}`;
    const state: LocalStackState = {
      ...bootstrapped,
      api: { url, pid: process.pid },
      ...(recon ? { recon: { environment: recon.environment } } : {}),
    };
    await writeState(stateDir, state);

    let stopping: Promise<void> | undefined;
    const apiServer = api;
    const apiProcesses = apiWorkers;
    const reconBackends = recon;
    const smartBillBackends = smartBill;
    const answerBackends = answers;
    const handlerThreads = threads;
    const batchBackends = batch;
    const analyticsBackends = analytics;
    return {
      url,
      stateDir,
      issuer: state.issuer,
      state,
      apiPids: apiProcesses ? apiProcesses.pids : [process.pid],
      ...(recon
        ? {
            recon: {
              dynamoDbEndpoint: recon.dynamoDbEndpoint,
              ...(recon.kmsEndpoint ? { kmsEndpoint: recon.kmsEndpoint } : {}),
              environment: recon.environment,
              emulators: recon.emulators,
            },
          }
        : {}),
      ...(smartBill
        ? {
            smartBill: {
              edgeUrl: smartBill.edgeUrl,
              s3Endpoint: smartBill.s3Endpoint,
              store: smartBill.store,
              gate: smartBill.gate,
            },
          }
        : {}),
      ...(answers ? { answers: { edgeUrl: answers.edgeUrl, s3Endpoint: answers.s3Endpoint } } : {}),
      ...(batch ? { batch: { edgeUrl: batch.edgeUrl, idle: batch.idle } } : {}),
      ...(analytics
        ? {
            analytics: {
              root: analytics.root,
              flush: async () => {
                await flushSpoolSinks();
                await analytics.flush();
              },
              rebuildPeers: () => analytics.buildPeers(),
            },
          }
        : {}),
      token: (kind = 'user', tokenOptions = {}) => tokenFor(state, kind, tokenOptions),
      userTokens: () => userTokensFor(state),
      stop: () => {
        stopping ??= (async () => {
          if (apiServer) await closeServer(apiServer);
          await handlerThreads?.close();
          if (apiProcesses) await apiProcesses.stop();
          await cognito.stop();
          await reconBackends?.stop();
          await smartBillBackends?.stop();
          await answerBackends?.stop();
          await batchBackends?.stop();
          await flushSpoolSinks();
          await analyticsBackends?.stop();
          // Say the stack is no longer running, unless another process has taken the state over.
          const current = await readState(stateDir).catch(() => null);
          if (current?.api?.pid === process.pid) {
            const { api: _stopped, recon: _recon, ...rest } = current;
            await writeState(stateDir, { ...rest, updatedAt: new Date().toISOString() });
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    if (api) await closeServer(api).catch(() => undefined);
    await threads?.close().catch(() => undefined);
    if (apiWorkers) await apiWorkers.stop().catch(() => undefined);
    await cognito.stop().catch(() => undefined);
    await recon?.stop().catch(() => undefined);
    await smartBill?.stop().catch(() => undefined);
    await answers?.stop().catch(() => undefined);
    await batch?.stop().catch(() => undefined);
    await analytics?.stop().catch(() => undefined);
    throw error;
  }
}

/** How often the local stack rebuilds the peers' snapshot (AWS: daily): a minute, so `npm start` shows comparisons soon. */
const DEFAULT_LOCAL_PEERS_EVERY_MS = 60_000;

/**
 * The analytics backends of the local stack: the compactor, retention, and the peers' snapshot
 * built as the scheduled function builds it in AWS (DuckDB over the same Parquet layout).
 */
async function startLocalAnalytics(
  stateDir: string,
  options: Exclude<StartLocalStackOptions['analytics'], false | undefined>,
): Promise<AnalyticsBackends> {
  const now = options.now ?? (() => new Date());
  const root = join(stateDir, LOCAL_ANALYTICS_DIR);
  let runner: DuckDbAnalyticsQueryRunner | undefined;
  const backends = await startAnalyticsBackends({
    stateDir,
    retentionDays: options.retentionDays,
    offTenants: options.offTenants,
    compactEveryMs: options.compactEveryMs,
    peersEveryMs: options.peersEveryMs ?? DEFAULT_LOCAL_PEERS_EVERY_MS,
    now,
    buildPeers: async () => {
      // The first build runs while the backends start: it reads the directory, not `backends`.
      runner ??= await DuckDbAnalyticsQueryRunner.open({ root, estimateBytes: false });
      const snapshot = await buildPeerSnapshot(runner, new LocalAnalyticsTenantStore({ root }), now());
      await new LocalPeerSnapshotStore(root).save(snapshot);
    },
  });
  return {
    ...backends,
    stop: async () => {
      await backends.stop();
      await runner?.close();
    },
  };
}
