/**
 * Load generators of the HTTP figures (issue 17, target 4(c)): an open-loop sender at a fixed
 * offered rate, and the floor a bare `node:http` server sets when it answers the same bytes.
 *
 * Why open loop: a closed-loop client (autocannon's connections) sends the next request only when
 * the last one has answered, so a stalled server is offered less load exactly while it stalls and
 * the stall shows in one sample instead of in every request that should have been sent meanwhile
 * ("coordinated omission"). Here request i is due at `start + i / rate`, whatever came back, and its
 * latency counts from that due time, so a pause of the server (or of the sender) is charged to every
 * request it delayed.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What an open-loop run measured. */
export interface OpenLoopRun {
  /** Requests whose answers counted (the warm-up's are left out). */
  readonly measured: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Non-2xx answers, connection errors and answers of another length than the first. */
  readonly errors: number;
  /** Requests per second actually sent in the measured window (should equal the offered rate). */
  readonly sentPerSecond: number;
  /**
   * The sender's own longest event-loop delay: a stall of the sender (or of this machine) delays
   * requests by as much, and is charged to them, so a p99 near this figure is not the server's.
   */
  readonly senderStallMs: number;
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Offered load, requests per second. */
  readonly rate: number;
  /** Measured window. */
  readonly durationMs: number;
  /** Sent at the same rate before the window, not counted (connections, JIT). */
  readonly warmupMs: number;
  /**
   * Count an answer of another length than the first as an error (a cut answer); off for
   * compressed answers, whose length varies with the request id inside.
   * @default true
   */
  readonly sameLength?: boolean;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Sends `rate` requests a second for `warmupMs + durationMs`, each on its schedule whatever the
 * previous ones do (new keep-alive connections open when all are busy), and reports the latency
 * percentiles of the measured window counted from each request's due time.
 *
 * @param options - target, request and schedule
 * @returns percentiles in ms, errors and the rate achieved
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopRun> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const body = Buffer.from(options.body);
  const headers = { ...options.headers, 'content-length': String(body.length) };
  const intervalMs = 1000 / options.rate;
  const total = Math.round(((options.warmupMs + options.durationMs) / 1000) * options.rate);
  const firstMeasured = Math.round((options.warmupMs / 1000) * options.rate);
  const latencies: number[] = [];
  let errors = 0;
  let expectedLength: number | undefined;
  let outstanding = 0;
  let sent = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const start = performance.now() + 5;
  let firstMeasuredAt = 0;
  let lastMeasuredAt = 0;

  const settle = (measured: boolean, dueAt: number, ok: boolean) => {
    outstanding -= 1;
    if (measured) {
      if (ok) latencies.push(performance.now() - dueAt);
      else errors += 1;
    }
    if (sent === total && outstanding === 0) done();
  };

  const send = (i: number) => {
    const dueAt = start + i * intervalMs;
    const measured = i >= firstMeasured;
    if (i === firstMeasured) firstMeasuredAt = performance.now();
    if (i === total - 1) lastMeasuredAt = performance.now();
    outstanding += 1;
    sent += 1;
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
      },
      (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => {
          length += chunk.length;
        });
        res.on('end', () => {
          expectedLength ??= length;
          const ok =
            res.statusCode !== undefined &&
            res.statusCode < 300 &&
            length > 0 &&
            (options.sameLength === false || length === expectedLength);
          settle(measured, dueAt, ok);
        });
        res.on('error', () => settle(measured, dueAt, false));
      },
    );
    req.on('error', () => settle(measured, dueAt, false));
    req.end(body);
  };

  // One timer at a time, set for the next due request; every request already due is sent at once,
  // so a late timer delays requests (and is charged to them) but never drops them.
  let next = 0;
  const tick = () => {
    const now = performance.now();
    while (next < total && start + next * intervalMs <= now) send(next++);
    if (next < total) setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
  };
  setTimeout(tick, 5);
  await finished;
  stalls.disable();
  agent.destroy();

  const sorted = latencies.sort((a, b) => a - b);
  const windowSeconds = (lastMeasuredAt - firstMeasuredAt) / 1000;
  return {
    measured: sorted.length,
    p50Ms: round2(percentile(sorted, 50)),
    p99Ms: round2(percentile(sorted, 99)),
    maxMs: round2(sorted[sorted.length - 1] ?? Number.NaN),
    errors,
    sentPerSecond: Math.round((total - firstMeasured - 1) / windowSeconds),
    senderStallMs: round2(stalls.max / 1e6),
  };
}

/**
 * {@link openLoop} in a fresh process (bench/open-loop-child.ts), so that nothing the caller's heap
 * or event loop does delays the sender.
 *
 * @param options - target, request and schedule
 * @returns what the run measured
 */
export function openLoopInChild(options: OpenLoopOptions): Promise<OpenLoopRun> {
  const self = import.meta.url;
  const fromTypeScript = self.endsWith('.ts');
  const script = fileURLToPath(
    new URL(fromTypeScript ? './open-loop-child.ts' : './open-loop-child.js', self),
  );
  // tsx's register() does not reach forked processes: the loader is named on the command line.
  const execArgv = fromTypeScript ? ['--import', pathToFileURL(createRequire(self).resolve('tsx')).href] : [];
  const child = fork(script, [JSON.stringify(options)], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: OpenLoopRun | undefined;
    child.once('message', (message: OpenLoopRun) => {
      result = message;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`the open-loop sender exited (${code}) without a result`));
    });
  });
}

/** The answer a bare server repeats: status, headers and body bytes as the API sent them. */
export interface CannedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A running bare server. */
export interface BareServer {
  readonly url: string;
  /** Its worker processes (the ones that answer). */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/**
 * The floor: `workers` node:http processes (node:cluster, as the local API runs its workers) that
 * read each request's body and answer the canned bytes: no routing, auth, handler or pricing.
 * The script runs from plain JavaScript in a temporary directory, so no TypeScript loader is in it.
 *
 * @param dir - a scratch directory
 * @param answer - what to answer
 * @param workers - worker processes
 * @returns its URL and a stop function
 */
export async function startBareServer(
  dir: string,
  answer: CannedAnswer,
  workers: number,
): Promise<BareServer> {
  const bodyFile = path.join(dir, 'bare-answer.bin');
  const script = path.join(dir, 'bare-server.mjs');
  writeFileSync(bodyFile, answer.body);
  writeFileSync(
    script,
    `import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
const [count, file, status, headersJson] = process.argv.slice(2);
if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < Number(count); i++) cluster.fork();
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === Number(count)) {
      process.send({ port: address.port, pids: Object.values(cluster.workers).map((w) => w.process.pid) });
    }
  });
  const stop = () => { for (const w of Object.values(cluster.workers)) w.process.kill(); process.exit(0); };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
} else {
  const body = readFileSync(file);
  const headers = { ...JSON.parse(headersJson), 'content-length': String(body.length) };
  createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => { res.writeHead(Number(status), headers); res.end(body); });
  }).listen(0, '127.0.0.1');
  process.on('disconnect', () => process.exit(0));
}
`,
  );
  const child = fork(
    script,
    [String(workers), bodyFile, String(answer.status), JSON.stringify(answer.headers)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    },
  );
  const { port, pids } = await new Promise<{ port: number; pids: number[] }>((resolve, reject) => {
    child.once('message', (message: { port: number; pids: number[] }) => resolve(message));
    child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pids,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One request with node:http (no Accept-Encoding unless given, as the load generators send it). */
export function captureAnswer(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): Promise<{ readonly status: number; readonly headers: Record<string, string>; readonly body: Buffer }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const kept: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            if (['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name))
              continue;
            kept[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * CPU time (user + system) the processes have used so far, in ms, from /proc (Linux); undefined
 * elsewhere. CPU per request is what a server costs whatever else the machine runs, where
 * requests per second on a shared machine are also a measure of the neighbours.
 *
 * @param pids - the processes
 * @returns milliseconds, or undefined
 */
export function cpuMs(pids: readonly number[]): number | undefined {
  let ticks = 0;
  try {
    for (const pid of pids) {
      // Fields after the command name (which may hold spaces) start at the closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    }
  } catch {
    return undefined;
  }
  // USER_HZ is 100 on every Linux we run on.
  return ticks * 10;
}
