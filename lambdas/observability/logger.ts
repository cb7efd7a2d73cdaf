import { logger } from './powertools.js';

/**
 * The one logger of the handlers: a JSON line per event with request metadata only (ids, timings,
 * counts, jurisdiction, codes), written through the Powertools Logger (powertools.ts).
 *
 * Its fields are fixed by type, and every string field is a branded type that only the checks
 * below can make: a known route, a known jurisdiction id, a well-formed code, an error class name,
 * a request id the gateway or Lambda assigned. A raw path parameter, query value, header or body
 * string does not type-check, so a name, an SSN or a claim number cannot reach the log by mistake
 * (issue 15, item 2: `GET /v1/fee-schedules/<name SSN>/99213` used to log the raw parameters).
 */

declare const loggable: unique symbol;
/** A string that passed one of this module's checks; `Kind` says which. */
export type Loggable<Kind extends string> = string & { readonly [loggable]: Kind };

export type LogJurisdiction = Loggable<'jurisdiction'>;
export type LogCode = Loggable<'code'>;
export type LogRequestId = Loggable<'requestId'>;
export type LogErrorName = Loggable<'errorName'>;

/** Route ids that log: the route table's, the Recon workflow's tasks and the SmartBill renderer. */
export const LOG_ROUTES = [
  'PriceBill',
  'GetFeeSchedule',
  'ListJurisdictions',
  'GetJurisdiction',
  'ListReasonCodes',
  'SubmitRecon',
  'GetRecon',
  'ListRecons',
  'GetReconSequence',
  'DeleteRecon',
  'Health',
  'OpenApi',
  'RenderSmartBill',
  'SmartBillRender',
  'UnlockSmartBill',
  'RevokeSmartBill',
  'CreateBatch',
  'GetBatch',
  'BatchStep',
  'AcknowledgeX12',
  'AnalyticsPage',
] as const;
export type LogRoute = (typeof LOG_ROUTES)[number];

/**
 * The jurisdictions we price (fee-data/jurisdictions: the 50 states, DC, US-OWCP, US-MEDICARE).
 * A value outside the list is never logged, whatever the handler later answers.
 */
const JURISDICTIONS: ReadonlySet<string> = new Set([
  ...'AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY'.split(
    ' ',
  ),
  'US-OWCP',
  'US-MEDICARE',
]);

/** CPT and HCPCS Level II codes: five letters or digits (the bill schema's pattern). */
const CODE = /^[A-Z0-9]{5}$/;
/** Request ids are UUIDs (API Gateway's `requestContext.requestId`, Lambda's `awsRequestId`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Our error classes and the SDK's exceptions: an identifier ending in Error or Exception. */
const ERROR_NAME = /^[A-Z][A-Za-z0-9]{0,62}(Error|Exception)$/;
/** Most codes one line lists: enough to see what a bill was about. */
export const MAX_LOGGED_CODES = 50;

/**
 * A jurisdiction id fit for the log: one we price, upper case as the engine uses it.
 *
 * @param value - anything (a path parameter, a bill's `jurisdiction`)
 * @returns the id, or undefined when it is not one we know
 * @example
 * loggableJurisdiction('US-MEDICARE'); // 'US-MEDICARE'
 * loggableJurisdiction('Quixotebergh 987-65-4329'); // undefined
 */
export function loggableJurisdiction(value: unknown): LogJurisdiction | undefined {
  return typeof value === 'string' && JURISDICTIONS.has(value) ? (value as LogJurisdiction) : undefined;
}

/**
 * The well-formed codes among the values, each once, at most {@link MAX_LOGGED_CODES}.
 *
 * @param values - codes as a handler holds them (path parameter, the bill's lines)
 * @returns the codes that are five letters or digits
 */
export function loggableCodes(values: Iterable<unknown>): LogCode[] {
  const codes = new Set<LogCode>();
  for (const value of values) {
    if (codes.size >= MAX_LOGGED_CODES) break;
    if (typeof value === 'string' && CODE.test(value)) codes.add(value as LogCode);
  }
  return [...codes];
}

/**
 * A request id fit for the log: the gateway's or Lambda's UUID. Anything else (an event a caller
 * made up) is logged as `"not-a-uuid"`, so the id field cannot carry text either.
 *
 * @param value - the request id
 * @returns the id, or `"not-a-uuid"`
 */
export function loggableRequestId(value: unknown): LogRequestId {
  return (typeof value === 'string' && UUID.test(value) ? value : 'not-a-uuid') as LogRequestId;
}

/**
 * The class name of what was thrown, when it looks like one (`ConflictError`,
 * `ThrottlingException`); `"Error"` otherwise. Never the message: messages echo input.
 *
 * @param error - what was thrown
 * @returns the name
 */
export function loggableErrorName(error: unknown): LogErrorName {
  const name = error instanceof Error ? error.name : undefined;
  return (typeof name === 'string' && ERROR_NAME.test(name) ? name : 'Error') as LogErrorName;
}

/**
 * The frames of a stack trace (`at function (file:line:column)`), without its first line, which
 * holds the error's message, and without any line a multi-line message spilled into.
 *
 * @param error - what was thrown
 * @returns up to five frames joined by " | "
 */
export function stackFrames(error: unknown): string {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return '';
  // The message comes first and may span lines that look like frames ("\n    at <input>"): cut
  // everything up to its end; a stack that no longer holds the message is not logged at all.
  const { message, stack } = error;
  const end = message === '' ? 0 : stack.indexOf(message);
  if (end < 0) return '';
  return stack
    .slice(end + message.length)
    .split('\n')
    .filter((line) => /^ {4}at [^\s]/.test(line))
    .slice(0, 5)
    .map((line) => line.trim().replace(/\s+/g, ' ').slice(0, 300))
    .join(' | ');
}

/** One request's log line: every field checked by type (see the module comment). */
export interface RequestLog {
  readonly requestId: LogRequestId;
  readonly route: LogRoute;
  readonly statusCode: number;
  readonly latencyMs: number;
  readonly lines?: number;
  readonly jurisdiction?: LogJurisdiction;
  readonly codes?: readonly LogCode[];
  readonly errorName?: LogErrorName;
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
  logger.info('request', { ...entry });
}

/** Where an unexpected error happened: the request, or the route when there is no request. */
export interface FailureLog {
  readonly requestId?: LogRequestId;
  readonly route?: LogRoute;
}

/**
 * Logs an unexpected error by class name, stack frames and where it happened; never its message,
 * which may echo a client's input.
 *
 * @param where - the request id and/or route
 * @param error - what was thrown
 */
export function logFailure(where: FailureLog, error: unknown): void {
  logger.error('unhandled', {
    ...where,
    errorName: loggableErrorName(error),
    stack: stackFrames(error),
  });
}
