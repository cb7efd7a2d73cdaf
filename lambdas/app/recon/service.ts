import type { APIGatewayProxyResult } from 'aws-lambda';
import { normaliseRequest } from '../../engine/bill/normalise-request.js';
import { NotFoundError } from '../../engine/errors.js';
import { priceRequest } from '../../engine/price-request.js';
import type { PricedBill } from '../../engine/priced-bill.js';
import { type ReconDelta, reconDelta } from '../../engine/recon/delta.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { logFailure, loggableRequestId } from '../../observability/logger.js';
import { recordReconConflict } from '../../observability/powertools.js';
import {
  ConflictError,
  errorResult,
  ForbiddenError,
  jsonResponse,
  MalformedJsonError,
  parseJsonBody,
} from '../answers.js';
import { DependencyUnavailableError } from '../dependency-errors.js';
import type { SmartBillLink } from '../smartbill/service.js';
import { type TokenClaims, tenantOf } from '../tenant.js';
import type {
  DataKeyProvider,
  EncryptionContext,
  LatestPointer,
  ReconBodyStore,
  ReconStore,
  ReconWorkName,
  SealedBox,
  StoredDeltaSummary,
  StoredSequence,
  UpdatedReconsRequest,
} from './ports.js';
import { reconBodyKeys, reconEncryptionContext } from './ports.js';
import { parseReconFields } from './submission.js';

/**
 * The Recon use cases, one function per workflow task and per read/delete operation. They take the
 * ports (store, data keys, clock) as arguments and never build an adapter: the task handlers and
 * route handlers are the composition roots.
 */

/** Seals and opens JSON with a data key provider (lambdas/adapters/envelope.ts implements it). */
export interface Envelope {
  sealJson(provider: DataKeyProvider, context: EncryptionContext, value: unknown): Promise<SealedBox>;
  openJson(provider: DataKeyProvider, context: EncryptionContext, box: SealedBox): Promise<unknown>;
}

/**
 * Links the SmartBill page of a priced bill (the price route's linker, handlers/shared/smartbill-deps.ts):
 * the page is rendered while the answer travels, and the tenant may revoke it.
 */
export interface ReconSmartBillLinks {
  link(
    priced: PricedBill,
    options: { readonly qrCode?: boolean; readonly tenantId?: string | null },
  ): Promise<SmartBillLink>;
}

/** What the Recon tasks need besides the fee index. */
export interface ReconDependencies {
  readonly store: ReconStore;
  readonly keys: DataKeyProvider;
  readonly envelope: Envelope;
  /** Bodies between states, answers, and the ciphertext of large stored sequences. */
  readonly bodies: ReconBodyStore;
  /** Days a tenant's Recons are kept before DynamoDB TTL removes them. */
  readonly retentionDays: (tenant: string) => number;
  readonly now: () => Date;
  /** SmartBill pages; null or absent where the stack has no SmartBill (then answers carry no link). */
  readonly smartBills?: ReconSmartBillLinks | null;
}

/**
 * How a submission starts the workflow: the front step (lambdas/local/recon-route.ts locally, the
 * front function lambdas/handlers/submit-recon in AWS) has stored the body under
 * `reconBodyKeys.work(tenant, requestId, 'request')`; the input holds the request id and the
 * verified claims only, never a body (Step Functions caps an execution's input at 256 KiB).
 */
export interface ReconWorkflowInput {
  readonly requestId: string;
  readonly claims: TokenClaims;
}

/** The HTTP answer a workflow ends with: the front step maps it. */
export interface WorkflowResponse {
  readonly statusCode: number;
  /** The JSON body, already serialised; empty when {@link bodyKey} names it. */
  readonly body: string;
  /** The body store key of the JSON body, when it is too large to travel in the state. */
  readonly bodyKey?: string;
  /** With a 503: the `Retry-After` header's seconds. */
  readonly retryAfterSeconds?: number;
}

/**
 * The state the workflow carries between tasks: keys and small facts only. The bill as sent, its
 * priced form, the prior priced form and the delta are intermediates in the body store (see
 * {@link reconBodyKeys}), so the state stays far below Step Functions' 256 KiB whatever the bill.
 */
export interface ReconState {
  readonly requestId: string;
  readonly tenant: string;
  readonly controlNumber: string;
  readonly sequence: number;
  /** Times the write found the latest pointer moved and the workflow loaded it again. */
  readonly attempt: number;
  /** The prior sequence; its priced bill is the `prior` intermediate. */
  readonly prior?: { readonly sequence: number } | null;
  readonly pointer?: LatestPointer | null;
  readonly missingSequences?: readonly number[];
  /** What the delta says, in short; the delta itself is the `delta` intermediate. */
  readonly delta?: StoredDeltaSummary;
  readonly response?: WorkflowResponse;
}

/** What is sealed in a stored sequence. */
interface SealedContent {
  readonly bill: unknown;
  readonly priced: PricedBill;
  readonly delta: ReconDelta;
  readonly storedAt: string;
  readonly missingSequences: readonly number[];
}

/**
 * The largest answer a task leaves in the state; a larger one is the `answer` intermediate. Step
 * Functions' 256 KiB cover the answer and the rest of the state, JSON-escaped once more.
 */
export const MAX_STATE_ANSWER_BYTES = 150_000;

/**
 * The largest ciphertext (base64) kept in the DynamoDB item; a larger one goes to the body store
 * (an item is at most 400 KB with its clear fields).
 */
export const MAX_INLINE_SEALED_BASE64 = 200_000;

/** How often a write that found the latest pointer moved loads it again before answering 409. */
export const MAX_WRITE_ATTEMPTS = 5;

function respond(result: APIGatewayProxyResult): WorkflowResponse {
  const retryAfter = result.headers?.['retry-after'];
  return {
    statusCode: result.statusCode,
    body: result.body,
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: Number(retryAfter) }),
  };
}

/**
 * A success answer: in the state when it is small, else the `answer` intermediate, which the front
 * step reads.
 */
async function respondWithBody(
  bodies: ReconBodyStore,
  state: ReconState,
  statusCode: number,
  body: unknown,
): Promise<WorkflowResponse> {
  const answer = respond(jsonResponse(statusCode, body, state.requestId));
  if (Buffer.byteLength(answer.body, 'utf8') <= MAX_STATE_ANSWER_BYTES) return answer;
  const bodyKey = reconBodyKeys.work(state.tenant, state.requestId, 'answer');
  await bodies.put(bodyKey, answer.body);
  return { statusCode, body: '', bodyKey };
}

/**
 * The SmartBill link of the sequence just priced (or replayed), as the price route gives it: the
 * tenant is the page's revoker. An outage of the page store or the signing key must not cost the
 * client its Recon, which is stored by now: the answer goes without the link, and the failure is
 * logged (metadata only).
 */
async function smartBillOf(
  deps: ReconDependencies,
  state: ReconState,
  priced: PricedBill,
  bill: unknown,
): Promise<{ smartBill?: SmartBillLink }> {
  if (!deps.smartBills) return {};
  try {
    const qrCode = (bill as { qrCode?: unknown } | null)?.qrCode === true;
    return { smartBill: await deps.smartBills.link(priced, { qrCode, tenantId: state.tenant }) };
  } catch (error) {
    logFailure({ requestId: loggableRequestId(state.requestId), route: 'SubmitRecon' }, error);
    return {};
  }
}

/** An intermediate as JSON; its absence is an infrastructure error (the task is retried). */
async function readWork<T>(bodies: ReconBodyStore, state: ReconState, name: ReconWorkName): Promise<T> {
  const bytes = await bodies.get(reconBodyKeys.work(state.tenant, state.requestId, name));
  if (bytes === null) throw new Error(`the ${name} intermediate of request ${state.requestId} is missing`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/**
 * Runs a task that calls DynamoDB, KMS or the body store; when one of them is unavailable (after
 * the SDK's own retries) the workflow answers 503 with Retry-After, as the read routes do, instead
 * of failing into the generic 500. Nothing was written: the write is one transaction.
 */
async function orUnavailable(state: ReconState, task: () => Promise<ReconState>): Promise<ReconState> {
  try {
    return await task();
  } catch (error) {
    if (!(error instanceof DependencyUnavailableError)) throw error;
    return { ...state, response: respond(errorResult(error, state.requestId)) };
  }
}

/**
 * JSON with object keys sorted: two submissions with the same content compare equal whatever order
 * their keys came in.
 *
 * @param value - any JSON value
 * @returns the canonical text
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Task 1: reads the caller's tenant from the token, reads the submission (the `request`
 * intermediate the front step stored), checks it and prices the bill; the priced bill becomes the
 * `priced` intermediate. Every refusal is an answer (400, 403, 413, 422, 503), never a failed
 * execution.
 *
 * @param index - the fee index
 * @param bodies - the body store
 * @param input - the workflow input
 * @returns the state for the next task, or one with `response` set
 */
export async function priceSubmission(
  index: FeeIndex,
  bodies: ReconBodyStore,
  input: ReconWorkflowInput,
): Promise<ReconState | { response: WorkflowResponse }> {
  const requestId = input.requestId;
  try {
    const tenant = tenantOf(input.claims);
    if (tenant === null) {
      throw new ForbiddenError(
        'The token names no tenant: a person needs exactly one tenant-<id> group, a machine client is its own tenant.',
      );
    }
    const bytes = await bodies.get(reconBodyKeys.work(tenant, requestId, 'request'));
    const text = bytes === null ? '' : Buffer.from(bytes).toString('utf8');
    if (text === '') throw new MalformedJsonError('The request has no body; send the bill as JSON.');
    const body = parseJsonBody(text);
    const { controlNumber, sequence } = parseReconFields(body);
    // The Recon's tenant prices it: its contracts apply (issue 20).
    const priced = priceRequest(index, normaliseRequest(body), { tenant });
    await bodies.put(reconBodyKeys.work(tenant, requestId, 'priced'), JSON.stringify(priced));
    return { requestId, tenant, controlNumber, sequence, attempt: 0 };
  } catch (error) {
    return { response: respond(errorResult(error, requestId)) };
  }
}

function historyOf(pointer: LatestPointer | null, sequence: number) {
  return pointer
    ? { latestSequence: pointer.sequence, sequencesStored: pointer.count }
    : { latestSequence: sequence, sequencesStored: 1 };
}

function conflict(state: ReconState, latest: number, why: string): WorkflowResponse {
  recordReconConflict();
  return respond(
    errorResult(
      new ConflictError(
        `Sequence ${state.sequence} of ${state.controlNumber}: ${why}`,
        [{ field: 'sequence', errorMessage: `${why}; the latest stored sequence is ${latest}` }],
        { latestSequence: latest },
      ),
      state.requestId,
    ),
  );
}

/**
 * Task 2: loads the latest stored sequence. The same sequence with the same content is a
 * resubmission and gets the stored answer back; a sequence at or below the latest with other
 * content is a 409 naming the latest; otherwise the prior priced bill becomes the `prior`
 * intermediate for the delta.
 *
 * @param deps - store, keys, envelope, body store
 * @param state - from the price task
 * @returns the state with `prior`, or with `response` (a 503 when a dependency is unavailable)
 */
export function loadLatest(deps: ReconDependencies, state: ReconState): Promise<ReconState> {
  return orUnavailable(state, () => loadLatestOrThrow(deps, state));
}

async function loadLatestOrThrow(deps: ReconDependencies, state: ReconState): Promise<ReconState> {
  const { tenant, controlNumber, sequence } = state;
  const latest = await deps.store.getLatest(tenant, controlNumber);
  if (latest && sequence <= latest.pointer.sequence) {
    const stored =
      sequence === latest.pointer.sequence
        ? latest.item
        : await deps.store.getSequence(tenant, controlNumber, sequence);
    if (!stored) {
      return {
        ...state,
        response: conflict(state, latest.pointer.sequence, 'it was skipped and the bill has moved on'),
      };
    }
    const [content, bill] = await Promise.all([
      openContent(deps, tenant, controlNumber, stored),
      readWork<unknown>(deps.bodies, state, 'request'),
    ]);
    if (canonicalJson(content.bill) !== canonicalJson(bill)) {
      return {
        ...state,
        response: conflict(state, latest.pointer.sequence, 'a different bill is already stored under it'),
      };
    }
    const body = {
      requestId: state.requestId,
      controlNumber,
      sequence,
      outcome: 'replayed',
      storedAt: content.storedAt,
      missingSequences: content.missingSequences,
      priced: content.priced,
      delta: content.delta,
      history: historyOf(latest.pointer, sequence),
      ...(await smartBillOf(deps, state, content.priced, bill)),
    };
    return { ...state, response: await respondWithBody(deps.bodies, state, 200, body) };
  }
  const from = latest ? latest.pointer.sequence + 1 : 1;
  const missingSequences: number[] = [];
  for (let n = from; n < sequence; n += 1) missingSequences.push(n);
  if (latest) {
    const prior = (await openContent(deps, tenant, controlNumber, latest.item)).priced;
    await deps.bodies.put(reconBodyKeys.work(tenant, state.requestId, 'prior'), JSON.stringify(prior));
  }
  return {
    ...state,
    prior: latest ? { sequence: latest.pointer.sequence } : null,
    pointer: latest?.pointer ?? null,
    missingSequences,
  };
}

async function openContent(
  deps: Pick<ReconDependencies, 'keys' | 'envelope' | 'bodies'>,
  tenant: string,
  controlNumber: string,
  item: StoredSequence,
): Promise<SealedContent> {
  const context = reconEncryptionContext(tenant, controlNumber, item.sequence);
  let box = item.sealed;
  if (item.sealedRef !== undefined) {
    const ct = await deps.bodies.get(item.sealedRef);
    if (ct === null) throw new Error(`the sealed body of sequence ${item.sequence} is missing`);
    box = { ...box, ct: Buffer.from(ct).toString('base64') };
  }
  return (await deps.envelope.openJson(deps.keys, context, box)) as SealedContent;
}

/**
 * Task 3: the delta against the prior sequence (pure, between two reads and a write of the body
 * store): the `delta` intermediate, and its summary in the state.
 *
 * @param bodies - the body store
 * @param state - from the load task
 * @returns the state with `delta` (the summary)
 */
export async function computeDelta(bodies: ReconBodyStore, state: ReconState): Promise<ReconState> {
  return orUnavailable(state, async () => {
    const { prior, ...rest } = state;
    const [priced, priorPriced] = await Promise.all([
      readWork<PricedBill>(bodies, state, 'priced'),
      prior ? readWork<PricedBill>(bodies, state, 'prior') : Promise.resolve(null),
    ]);
    const delta = reconDelta(priorPriced, priced, prior?.sequence ?? null);
    await bodies.put(reconBodyKeys.work(state.tenant, state.requestId, 'delta'), JSON.stringify(delta));
    return {
      ...rest,
      delta: { againstSequence: delta.againstSequence, total: delta.total, direction: delta.direction },
    };
  });
}

/**
 * Task 4: seals the bill, its priced form and the delta, and writes the sequence and the latest
 * pointer in one conditional transaction. A ciphertext too large for the item is written to the
 * body store first (under a key of this attempt) and deleted again when the transaction does not
 * commit. When another writer moved the pointer first, nothing is written and the workflow loads
 * the latest again (up to {@link MAX_WRITE_ATTEMPTS} times).
 *
 * @param deps - store, keys, envelope, body store, retention, clock
 * @param state - from the delta task
 * @returns the state with `response` (201 on a write; 503 when a dependency is unavailable), or
 *   with a higher `attempt` to load again
 */
export function writeSequence(deps: ReconDependencies, state: ReconState): Promise<ReconState> {
  return orUnavailable(state, () => writeSequenceOrThrow(deps, state));
}

async function writeSequenceOrThrow(deps: ReconDependencies, state: ReconState): Promise<ReconState> {
  const { tenant, controlNumber, sequence } = state;
  const [bill, priced, delta] = await Promise.all([
    readWork<unknown>(deps.bodies, state, 'request'),
    readWork<PricedBill>(deps.bodies, state, 'priced'),
    readWork<ReconDelta>(deps.bodies, state, 'delta'),
  ]);
  const missingSequences = state.missingSequences ?? [];
  const now = deps.now();
  const storedAt = now.toISOString();
  const content: SealedContent = { bill, priced, delta, storedAt, missingSequences };
  const sealed = await deps.envelope.sealJson(
    deps.keys,
    reconEncryptionContext(tenant, controlNumber, sequence),
    content,
  );
  let sealedRef: string | undefined;
  if (sealed.ct.length > MAX_INLINE_SEALED_BASE64) {
    sealedRef = reconBodyKeys.sealed(tenant, controlNumber, sequence, `${state.requestId}-${state.attempt}`);
    await deps.bodies.put(sealedRef, Buffer.from(sealed.ct, 'base64'));
  }
  const item: StoredSequence = {
    sequence,
    storedAt,
    jurisdiction: priced.jurisdiction.id,
    lines: priced.lines.length,
    codes: [...new Set(priced.lines.map((line) => line.code))],
    totals: {
      billed: priced.totals.billed,
      allowed: priced.totals.allowed,
      withheld: priced.totals.withheld,
      buckets: priced.totals.buckets,
    },
    delta: { againstSequence: delta.againstSequence, total: delta.total, direction: delta.direction },
    missingSequences,
    sealed: sealedRef === undefined ? sealed : { ...sealed, ct: '' },
    ...(sealedRef === undefined ? {} : { sealedRef }),
  };
  const expiresAt = Math.floor(now.getTime() / 1000) + deps.retentionDays(tenant) * 86_400;
  const pointer = state.pointer ?? null;
  let outcome: Awaited<ReturnType<ReconStore['putSequence']>>;
  try {
    outcome = await deps.store.putSequence(tenant, controlNumber, item, pointer?.sequence ?? null, expiresAt);
  } catch (error) {
    // Not committed (or unknown): the next attempt writes its own object; this one goes when it can.
    if (sealedRef !== undefined) await deps.bodies.delete([sealedRef]).catch(() => undefined);
    throw error;
  }
  if (outcome !== 'written') {
    if (sealedRef !== undefined) await deps.bodies.delete([sealedRef]);
    if (state.attempt + 1 >= MAX_WRITE_ATTEMPTS) {
      return {
        ...state,
        response: conflict(
          state,
          pointer?.sequence ?? 0,
          'other submissions kept moving the latest sequence; send it again',
        ),
      };
    }
    const { delta: _delta, prior: _prior, ...rest } = state;
    return { ...rest, attempt: state.attempt + 1 };
  }
  const body = {
    requestId: state.requestId,
    controlNumber,
    sequence,
    outcome: 'stored',
    storedAt,
    missingSequences,
    priced,
    delta,
    history: { latestSequence: sequence, sequencesStored: (pointer?.count ?? 0) + 1 },
    ...(await smartBillOf(deps, state, priced, bill)),
  };
  return { ...state, response: await respondWithBody(deps.bodies, state, 201, body) };
}

/** The clear summary of a stored sequence, as the listing shows it. */
function summaryOf(item: StoredSequence) {
  return {
    sequence: item.sequence,
    storedAt: item.storedAt,
    jurisdiction: item.jurisdiction,
    lines: item.lines,
    codes: item.codes,
    totals: item.totals,
    delta: item.delta,
    missingSequences: item.missingSequences,
  };
}

/**
 * `GET /v1/recons/{controlNumber}`: the latest sequence with its totals and a page of the stored
 * sequences, newest first (clear data only: nothing is decrypted).
 *
 * @param store - the Recon store
 * @param tenant - the caller's tenant
 * @param controlNumber - the control number
 * @param page - limit and page token
 * @returns the latest summary and the page
 * @throws NotFoundError when the tenant has no Recon under it
 */
export async function getRecon(
  store: ReconStore,
  tenant: string,
  controlNumber: string,
  page: { readonly limit: number; readonly pageToken?: string | undefined },
) {
  const latest = await store.getLatest(tenant, controlNumber);
  if (!latest) throw notFound(controlNumber);
  const sequences = await store.listSequences(tenant, controlNumber, page);
  return {
    controlNumber,
    latest: summaryOf(latest.item),
    sequencesStored: latest.pointer.count,
    updatedAt: latest.pointer.updatedAt,
    sequences: sequences.items.map(summaryOf),
    ...(sequences.nextPageToken === undefined ? {} : { nextPageToken: sequences.nextPageToken }),
  };
}

/**
 * `GET /v1/recons`: the tenant's Recons, most recently updated first, for delta sync (clear data
 * only: control numbers, which decision 007 keeps in clear as the payer's bill identifier, latest
 * sequence, counts, totals and times; nothing is decrypted).
 *
 * @param store - the Recon store
 * @param tenant - the caller's tenant
 * @param request - `updatedSince` (inclusive, UTC with milliseconds), limit and page token
 * @returns one page, with `nextPageToken` unless it is the last
 * @throws InvalidPageTokenError for a token of another tenant or another query
 */
export async function listRecons(store: ReconStore, tenant: string, request: UpdatedReconsRequest) {
  const page = await store.listUpdated(tenant, request);
  return {
    recons: page.items,
    ...(page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken }),
  };
}

/**
 * `GET /v1/recons/{controlNumber}/sequences/{n}`: one stored sequence, decrypted.
 *
 * @param deps - store, keys, envelope
 * @param tenant - the caller's tenant
 * @param controlNumber - the control number
 * @param sequence - the sequence
 * @returns the bill as sent, its priced form and its delta
 * @throws NotFoundError when it is not stored
 */
export async function getSequence(
  deps: Pick<ReconDependencies, 'store' | 'keys' | 'envelope' | 'bodies'>,
  tenant: string,
  controlNumber: string,
  sequence: number,
) {
  const [item, latest] = await Promise.all([
    deps.store.getSequence(tenant, controlNumber, sequence),
    deps.store.getLatest(tenant, controlNumber),
  ]);
  if (!item) throw notFound(controlNumber, sequence);
  const content = await openContent(deps, tenant, controlNumber, item);
  return {
    controlNumber,
    sequence,
    latest: latest?.pointer.sequence === sequence,
    storedAt: content.storedAt,
    missingSequences: content.missingSequences,
    bill: content.bill,
    priced: content.priced,
    delta: content.delta,
  };
}

/**
 * `DELETE /v1/recons/{controlNumber}`: every sequence and the pointer, with the encrypted data keys
 * stored in them, so nothing of the Recon can be read again; then the ciphertext objects of the
 * large sealed sequences the items named. Those are undecryptable once the items (and their data
 * keys) are gone, so a failure to delete one is logged (no key, no PHI) and left to the bucket's
 * lifecycle: the Recon is deleted either way, and the caller is told so.
 *
 * @param deps - the Recon store and the body store
 * @param tenant - the caller's tenant
 * @param controlNumber - the control number
 * @param requestId - for the log line of an object left to the lifecycle
 * @returns how many items were deleted
 * @throws NotFoundError when there was nothing to delete
 */
export async function deleteRecon(
  deps: { readonly store: ReconStore; readonly bodies: Pick<ReconBodyStore, 'delete'> },
  tenant: string,
  controlNumber: string,
  requestId: string,
) {
  const { deletedItems, sealedRefs } = await deps.store.deleteControlNumber(tenant, controlNumber);
  if (deletedItems === 0) throw notFound(controlNumber);
  if (sealedRefs.length > 0) {
    try {
      await deps.bodies.delete(sealedRefs);
    } catch (error) {
      logFailure({ requestId: loggableRequestId(requestId), route: 'DeleteRecon' }, error);
    }
  }
  return { controlNumber, deleted: true, deletedItems };
}

function notFound(controlNumber: string, sequence?: number): NotFoundError {
  return new NotFoundError(
    sequence === undefined
      ? `No Recon under control number ${controlNumber}.`
      : `No sequence ${sequence} under control number ${controlNumber}.`,
    [
      {
        field: sequence === undefined ? 'controlNumber' : 'sequence',
        errorMessage: 'nothing is stored under it for your tenant',
      },
    ],
  );
}
