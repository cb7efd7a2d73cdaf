/**
 * Bulk repricing in the local stack (issue 17 § 3): the batch records and objects on disk under the
 * state directory (mode 0700), a local edge that takes an upload and serves an output only through a
 * link it signed (canned-policy signature and expiry, checked as the SmartBill edge checks
 * CloudFront's: edge.ts's verifySignedUrl), and the run itself: the upload starts it in a pool of
 * worker threads on every core (batch-pool.ts), the same splitting, pricing and assembling as the
 * state machine's steps, with progress on the batch record. It answers the environment the batch
 * routes read (handlers/shared/batch-deps.ts).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FileBatchObjects, FileBatchStore } from '../adapters/batch-files.js';
import { batchKeys, parseInputKey } from '../app/batch/ports.js';
import { BATCH_ENV } from '../handlers/shared/batch-deps.js';
import { logFailure } from '../observability/logger.js';
import { runBatchFile } from './batch-file.js';
import { type BatchPool, startBatchPool } from './batch-pool.js';
import { verifySignedUrl } from './edge.js';

/** Where batches live in the state directory. */
export const LOCAL_BATCH_DIR = 'batches';
const KEY_FILE = 'batch-signing-key.json';

/** Largest input the local edge takes (S3 takes 5 GB in one PUT; one machine, less). */
export const LOCAL_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Options of {@link startBatchBackends}. */
export interface BatchBackendOptions {
  readonly stateDir: string;
  /** The fee index the workers open. */
  readonly feeIndexPath: string;
  /** Worker threads (default: every core). */
  readonly workers?: number | undefined;
  /** Loopback port of the batch edge (default 0, a free one). */
  readonly edgePort?: number | undefined;
  /** Lines a chunk holds (tests make it small). */
  readonly linesPerChunk?: number | undefined;
}

/** The running batch backends. */
export interface BatchBackends {
  readonly environment: Readonly<Record<string, string>>;
  readonly edgeUrl: string;
  /** Runs under way (tests wait for them before stopping). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

async function loadOrCreateKey(
  dir: string,
): Promise<{ file: string; keyPairId: string; publicKeyPem: string }> {
  const file = join(dir, KEY_FILE);
  try {
    const key = JSON.parse(await readFile(file, 'utf8')) as { keyPairId: string; publicKeyPem: string };
    return { file, keyPairId: key.keyPairId, publicKeyPem: key.publicKeyPem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = {
    keyPairId: `KBATCH${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(key), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return { file, keyPairId: key.keyPairId, publicKeyPem: key.publicKeyPem };
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${message}\n`);
}

/**
 * Starts the batch edge and readies the run (the worker pool starts with the first upload).
 *
 * @param options - state directory, fee index, workers, edge port
 * @returns the environment for the batch routes, the edge URL and a stop function
 */
export async function startBatchBackends(options: BatchBackendOptions): Promise<BatchBackends> {
  const dir = join(options.stateDir, LOCAL_BATCH_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = await loadOrCreateKey(dir);
  const store = new FileBatchStore(dir);
  const publicKeys = new Map([[key.keyPairId, key.publicKeyPem]]);
  let pool: Promise<BatchPool> | undefined;
  const runs = new Set<Promise<void>>();
  /** Batches whose input has arrived: a second PUT is refused at once, as the run has begun. */
  const received = new Set<string>();
  let objects: FileBatchObjects | undefined;

  const run = async (tenantId: string, batchId: string): Promise<void> => {
    const keys = batchKeys(tenantId, batchId);
    const record = await store.get(tenantId, batchId);
    if (record === null || objects === undefined) return;
    try {
      pool ??= startBatchPool({ indexPath: options.feeIndexPath, size: options.workers });
      await runBatchFile({
        pool: await pool,
        input: objects.fileOf(keys.input),
        resultsFile: objects.fileOf(keys.results),
        summaryFile: objects.fileOf(keys.summary),
        batchId,
        explain: record.explain,
        linesPerChunk: options.linesPerChunk,
        onProgress: async (progress, chunk) => {
          if (chunk === null)
            await store.start(tenantId, batchId, { total: progress.total, chunks: progress.chunks });
          else await store.addProgress(tenantId, batchId, chunk);
        },
      });
      await store.finish(tenantId, batchId, { state: 'succeeded' });
    } catch (error) {
      // The error's name only: a bill's content never reaches a log.
      logFailure({ route: 'BatchStep' }, error);
      await store.finish(tenantId, batchId, {
        state: 'failed',
        failure: 'The batch could not be run locally.',
      });
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host;
    if (!host) return refuse(res, 403, 'Forbidden');
    const check = verifySignedUrl(`http://${host}${req.url ?? '/'}`, publicKeys, new Date());
    if (!check.ok)
      return refuse(res, 403, check.reason === 'expired' ? 'The link has expired.' : 'Forbidden');
    const objectKey = decodeURIComponent(check.path.slice(1));
    if (req.method === 'PUT') {
      const target = parseInputKey(objectKey);
      if (target === null) return refuse(res, 403, 'Forbidden');
      void (async () => {
        const record = await store.get(target.tenantId, target.batchId);
        if (record === null) return refuse(res, 404, 'No such batch.');
        const id = `${target.tenantId}/${target.batchId}`;
        if (record.state !== 'awaiting-upload' || received.has(id)) {
          return refuse(res, 409, 'The batch has its input already.');
        }
        received.add(id);
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > LOCAL_MAX_UPLOAD_BYTES)
          return refuse(res, 413, 'The file is too large for the local stack.');
        const file = (objects as FileBatchObjects).fileOf(objectKey);
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const tmp = `${file}.${randomUUID()}.tmp`;
        try {
          await pipeline(req, createWriteStream(tmp, { mode: 0o600 }));
          await rename(tmp, file);
        } catch (error) {
          // The upload broke off: the batch still awaits its input, and the link may be used again.
          received.delete(id);
          await rm(tmp, { force: true });
          throw error;
        }
        res.writeHead(200, { 'cache-control': 'no-store' });
        res.end();
        // As S3's Object Created event starts the state machine: after the object is whole.
        const running = run(target.tenantId, target.batchId).finally(() => runs.delete(running));
        runs.add(running);
      })().catch((error: unknown) => {
        logFailure({ route: 'BatchStep' }, error);
        if (!res.headersSent) refuse(res, 500, 'The upload could not be stored.');
      });
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!/^batches\/[^/]+\/[^/]+\/(results\.jsonl|summary\.json)$/.test(objectKey))
        return refuse(res, 403, 'Forbidden');
      const file = (objects as FileBatchObjects).fileOf(objectKey);
      const stream = createReadStream(file);
      stream.once('error', () => refuse(res, 404, 'Not found.'));
      stream.once('open', () => {
        res.writeHead(200, {
          'content-type': objectKey.endsWith('.json') ? 'application/json' : 'application/x-ndjson',
          'cache-control': 'no-store',
        });
        if (req.method === 'HEAD') {
          stream.destroy();
          res.end();
        } else stream.pipe(res);
      });
      return;
    }
    refuse(res, 405, 'Method not allowed');
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.edgePort ?? 0, '127.0.0.1', () => resolve());
  });
  const edgeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const privateKeyPem = (JSON.parse(await readFile(key.file, 'utf8')) as { privateKeyPem: string })
    .privateKeyPem;
  objects = new FileBatchObjects({ root: dir, baseUrl: edgeUrl, keyPairId: key.keyPairId, privateKeyPem });

  const idle = async (): Promise<void> => {
    while (runs.size > 0) await Promise.allSettled([...runs]);
  };
  return {
    environment: {
      [BATCH_ENV.localDir]: dir,
      [BATCH_ENV.localBaseUrl]: edgeUrl,
      [BATCH_ENV.localSigningKeyFile]: key.file,
    },
    edgeUrl,
    idle,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await idle();
      if (pool) await (await pool).close();
    },
  };
}

/**
 * Deletes the local batches (`--fresh`).
 *
 * @param stateDir - the state directory
 */
export async function clearBatchData(stateDir: string): Promise<void> {
  await rm(join(stateDir, LOCAL_BATCH_DIR, 'records'), { recursive: true, force: true });
  await rm(join(stateDir, LOCAL_BATCH_DIR, 'objects'), { recursive: true, force: true });
}
