/**
 * DynamoDB Local (the real DynamoDB API, transactions included) as a child process, for the local
 * stack and the adapter tests. The jar ships inside the npm package amplify-dynamodb-simulator;
 * that package's own `launch()` fails outside the Amplify CLI (ENVIRONMENT.md), so we run the jar
 * ourselves.
 *
 * This module also holds the small process toolkit the moto server shares ({@link startGuardedProcess},
 * {@link freePort}, {@link checkPrerequisite}): an emulator is a JVM or a Python process that must
 * never outlive the Node process that started it, even when that process is SIGKILLed (a vitest
 * worker torn down, a Ctrl-C'd `npm start`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** Options of {@link startDynamoDbLocal}. */
export interface StartDynamoDbLocalOptions {
  /**
   * Port to listen on.
   *
   * @default 0 (a free port, chosen here)
   */
  readonly port?: number | undefined;
  /**
   * The address DynamoDB Local listens on, which the endpoint URL also names. The jar has no bind
   * option (its -help lists -port, -inMemory, -dbPath, -sharedDb, -cors, -disableTelemetry,
   * -delayTransientStatuses, -optimizeDbBeforeStartup): it is started through
   * dynamodb-local-loopback.java, which sets this host on its Jetty connector.
   *
   * @default '127.0.0.1'
   */
  readonly host?: string | undefined;
  /**
   * How long to wait for the first ListTables answer, in milliseconds.
   *
   * @default 20000
   */
  readonly startTimeoutMs?: number | undefined;
  /**
   * A directory for the database file (the jar's `-dbPath`; created if missing, mode 0700): what
   * is stored survives a restart on the same directory. Without it the database is in memory
   * (`-inMemory`) and gone when the process ends.
   *
   * @default undefined (in memory)
   */
  readonly dbPath?: string | undefined;
  /**
   * The Java command.
   *
   * @default 'java'
   */
  readonly java?: string | undefined;
}

/** A running emulator process. */
export interface RunningEmulator {
  /** `http://<host>:<port>`: the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the guard shell, which leads the emulator's process group. */
  readonly pid: number;
  /** Stops the emulator and waits until every process of its group has exited; idempotent. */
  stop(): Promise<void>;
}

/** Fake credentials for emulators: they open nothing in AWS, and the SDK never looks for real ones. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** The region emulator clients name. */
export const EMULATOR_REGION = 'us-east-1';

const DEFAULT_START_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 150;
/** How long a stopping emulator may take after SIGTERM before its group is SIGKILLed. */
const STOP_GRACE_MS = 5_000;
/** How much of the emulator's output an error message quotes. */
const OUTPUT_TAIL_BYTES = 4_000;

/**
 * Runs `"$@"` in the background and kills it when its standard input reaches end of file. The
 * write end of that pipe belongs to the Node process alone, so the kernel closes it when Node
 * exits in any way (SIGKILL included) and the emulator follows: Linux has no portable
 * parent-death signal for us to set from Node. stop() uses the same path (closing stdin), then
 * escalates to SIGKILL on the process group.
 */
const GUARD_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'child=$!',
  '( read -r _line <&3; kill "$child" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$child"',
  'code=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$code"',
].join('\n');

/**
 * Picks a free TCP port by binding port 0 and closing the socket. Another process could take the
 * port before the emulator binds it; that shows up as the emulator exiting at start, with its
 * "address in use" output in the error.
 *
 * @param host - the interface to probe
 * @returns a port that was free a moment ago
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the free port'))));
    });
  });
}

/**
 * Runs a command that proves a prerequisite is installed; throws `missing` (with the command's
 * last output line) when it cannot be run or fails.
 *
 * @param command - the program
 * @param args - its arguments
 * @param missing - the message, naming the prerequisite, for when it is missing
 * @returns once the command succeeded
 */
export function checkPrerequisite(command: string, args: readonly string[], missing: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error === null) {
        resolve();
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      const detail =
        code === 'ENOENT'
          ? `\`${command}\` was not found on PATH`
          : (String(stderr).trim().split('\n').pop() ?? error.message);
      reject(new Error(`${missing} (${detail})`));
    });
  });
}

/** Options of {@link startGuardedProcess}. */
export interface GuardedProcessOptions {
  /** Emulator name for error messages. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly endpoint: string;
  readonly port: number;
  /** Resolves true once the emulator answers; called until it does or the timeout passes. */
  readonly probe: () => Promise<boolean>;
  readonly startTimeoutMs: number;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Working directory of the emulator. */
  readonly cwd?: string | undefined;
}

/** Whether a process group still has members. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts an emulator under the guard shell (see GUARD_SCRIPT) in its own process group, and
 * resolves once `probe` answers. Rejects with the output tail if it exits or times out first.
 *
 * @param options - command, endpoint, readiness probe and timeout
 * @returns the running emulator
 */
export async function startGuardedProcess(options: GuardedProcessOptions): Promise<RunningEmulator> {
  // detached: its own process group, so stop() can signal the emulator and the guard together.
  const child: ChildProcess = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'sh', options.command, ...options.args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((resolve) => child.once('error', resolve));
    throw new Error(`${options.name} could not be started (/bin/sh is not runnable)`);
  }

  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  };
  // Both streams are read to the end: a full pipe would block the emulator.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // stdin is the guard's lifeline; an EPIPE on it must not crash us.
  child.stdin?.on('error', () => undefined);

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? -1 : 128);
      resolve();
    });
  });
  // Last resort for an orderly exit of this process (the guard covers the disorderly ones).
  const onParentExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', onParentExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      child.stdin?.end();
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
      timer.unref();
      await exited;
      // The guard shell is gone; wait for the rest of its group (the emulator) too.
      const deadline = Date.now() + STOP_GRACE_MS;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
      while (groupAlive(pid)) await sleep(50);
      clearTimeout(timer);
      process.off('exit', onParentExit);
    })();
    return stopping;
  };

  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(
        `${options.name} exited while starting (code ${exitCode}); its output ends with:\n${tail.trim()}`,
      );
    }
    if (await options.probe().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${options.name} did not answer on ${options.endpoint} within ${options.startTimeoutMs} ms; ` +
          `its output ends with:\n${tail.trim()}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
  return { endpoint: options.endpoint, port: options.port, pid, stop };
}

/**
 * The directory holding DynamoDBLocal.jar and DynamoDBLocal_lib, inside the installed
 * amplify-dynamodb-simulator package.
 *
 * @returns its absolute path
 */
export function dynamoDbLocalDirectory(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('amplify-dynamodb-simulator/package.json');
  } catch {
    throw new Error(
      'missing prerequisite: the DynamoDB Local jar (npm package amplify-dynamodb-simulator, a dev dependency); run npm install',
    );
  }
  return join(dirname(packageJson), 'emulator');
}

/**
 * The launcher that binds DynamoDB Local to one address: a Java single-file source program (Java
 * 11+ runs a `.java` file directly; the JRE's jdk.compiler module compiles it in memory, so no
 * build step and no class file in the repository). It builds the server from the jar's own
 * command line, sets the host on its one Jetty connector, and starts it.
 */
export const DYNAMODB_LOCAL_LAUNCHER = fileURLToPath(
  new URL('./dynamodb-local-loopback.java', import.meta.url),
);

/**
 * Starts DynamoDB Local in memory, or on disk under `dbPath` (`-sharedDb`: one database whatever the caller's credentials
 * and region, so every client of the local stack sees the same tables; `-disableTelemetry`: no
 * network beyond loopback), listening on `host` only (127.0.0.1 unless told otherwise) through
 * {@link DYNAMODB_LOCAL_LAUNCHER}: the jar alone would listen on every interface.
 *
 * @param options - port (0: a free one), host, start timeout, java command
 * @returns its endpoint and a stop function
 * @throws Error naming the missing prerequisite when Java cannot be run
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<RunningEmulator> {
  const java = options.java ?? 'java';
  await checkPrerequisite(
    java,
    ['-version'],
    'missing prerequisite: Java (the java command) to run DynamoDB Local; install a Java 17 runtime ' +
      '(Debian: apt-get install openjdk-17-jre-headless)',
  );
  const dir = dynamoDbLocalDirectory();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ? options.port : await freePort(host);
  const endpoint = `http://${host}:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  });
  // DynamoDB Local writes dynamodb-local-metadata.json into its working directory: keep that out
  // of the repository.
  const workDir = await mkdtemp(join(tmpdir(), 'wcbr-dynamodb-local-'));
  if (options.dbPath !== undefined) await mkdir(options.dbPath, { recursive: true, mode: 0o700 });
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath];
  const removeWorkDir = () => rm(workDir, { recursive: true, force: true });
  try {
    const emulator = await startGuardedProcess({
      name: 'DynamoDB Local',
      command: java,
      args: [
        `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
        '-cp',
        `${join(dir, 'DynamoDBLocal.jar')}:${join(dir, 'DynamoDBLocal_lib', '*')}`,
        DYNAMODB_LOCAL_LAUNCHER,
        host,
        ...storage,
        '-sharedDb',
        '-disableTelemetry',
        '-port',
        String(port),
      ],
      endpoint,
      port,
      probe: async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return true;
      },
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      cwd: workDir,
    });
    let stopped: Promise<void> | undefined;
    return {
      ...emulator,
      stop: () => {
        stopped ??= emulator.stop().then(removeWorkDir);
        return stopped;
      },
    };
  } catch (error) {
    await removeWorkDir();
    throw error;
  } finally {
    client.destroy();
  }
}
