/**
 * The one logger of the handlers: a JSON line per event with request metadata only (ids, timings,
 * counts, jurisdiction, codes). It takes a fixed set of fields, so a body, a name or a member id
 * cannot reach the log by accident.
 */
export interface RequestLog {
  readonly requestId: string;
  readonly route: string;
  readonly statusCode: number;
  readonly latencyMs: number;
  readonly lines?: number;
  readonly jurisdiction?: string;
  readonly codes?: readonly string[];
  readonly errorName?: string;
  readonly fieldErrors?: number;
}

/** Set WCBR_LOG=off to silence request logs (benchmarks). */
const enabled = (process.env.WCBR_LOG ?? 'on') !== 'off';

/**
 * Writes one request log line.
 *
 * @param entry - request metadata
 */
export function logRequest(entry: RequestLog): void {
  if (!enabled) return;
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'request', ...entry })}\n`);
}

/**
 * Logs an unexpected error by name and the request id; never the message of a client's input.
 *
 * @param requestId - the request id
 * @param error - what was thrown
 */
export function logFailure(requestId: string, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 6).join(' | ') : '';
  process.stderr.write(
    `${JSON.stringify({ level: 'error', msg: 'unhandled', requestId, errorName: name, stack })}\n`,
  );
}
