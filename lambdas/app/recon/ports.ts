/**
 * The ports the Recon handlers declare (STYLE.md, layering): adapters in `lambdas/adapters/`
 * implement them with an injected SDK client; handlers build them once at module scope.
 */

/**
 * The encryption context of one stored sequence. KMS binds a data key to it (Encrypt,
 * GenerateDataKey and Decrypt must name the same context), and the AES-GCM ciphertext carries it
 * as additional authenticated data, so a sealed box copied to another tenant, control number or
 * sequence cannot be opened there.
 */
export interface EncryptionContext {
  readonly tenant: string;
  readonly controlNumber: string;
  readonly sequence: string;
}

/**
 * The context of one stored sequence, with the sequence written the one way every caller writes it.
 *
 * @param tenant - from the caller's token
 * @param controlNumber - the bill's control number
 * @param sequence - the Recon sequence
 * @returns the encryption context
 */
export function reconEncryptionContext(
  tenant: string,
  controlNumber: string,
  sequence: number,
): EncryptionContext {
  return { tenant, controlNumber, sequence: String(sequence) };
}

/** A fresh data key: the plaintext for one encryption, and the same key encrypted under the master key. */
export interface DataKey {
  /** 32 bytes (AES-256); zero it after use. */
  readonly plaintext: Uint8Array;
  /** The data key encrypted under the master key (KMS CiphertextBlob); stored beside the ciphertext. */
  readonly encrypted: Uint8Array;
  /** The master key that encrypted it (a KMS key ARN, or the local provider's key id). */
  readonly keyId: string;
}

/** Where data keys come from: KMS in AWS and in tests (moto), a local key file where KMS is not wanted. */
export interface DataKeyProvider {
  /**
   * @param context - bound to the key; decryption must name the same one
   * @returns a new 256-bit data key, plain and encrypted
   */
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  /**
   * @param encrypted - a data key from {@link generateDataKey}
   * @param context - the context it was generated with
   * @returns the plaintext data key; rejects (DecryptionError) on any other context
   */
  decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

/** Envelope-encrypted bytes as stored: every field base64 except the version, algorithm and key id. */
export interface SealedBox {
  readonly v: 1;
  readonly alg: 'AES-256-GCM';
  readonly keyId: string;
  /** Encrypted data key. */
  readonly edk: string;
  /** 96-bit nonce. */
  readonly iv: string;
  /** 128-bit GCM tag. */
  readonly tag: string;
  readonly ct: string;
}

/** Totals of a stored sequence, in clear (codes and money, no identifiers). */
export interface StoredTotals {
  readonly billed: string;
  readonly allowed: string;
  readonly withheld: string;
  readonly buckets: Readonly<Record<string, string>>;
}

/** What a sequence says about the one before it, in clear. */
export interface StoredDeltaSummary {
  /** The sequence the delta was computed against; null for the first stored sequence. */
  readonly againstSequence: number | null;
  /** Signed: positive is an additional amount due, negative an overpayment to recover. */
  readonly total: string;
  readonly direction: 'additional-payment' | 'overpayment' | 'no-change';
}

/**
 * One stored sequence of a control number: the clear part (queryable: totals, codes, dates of
 * receipt) and the sealed part (the bill as sent, the priced bill and the delta: everything that
 * can name a patient, a claim or a provider).
 */
export interface StoredSequence {
  readonly sequence: number;
  /** ISO timestamp of the write. */
  readonly storedAt: string;
  readonly jurisdiction: string;
  readonly lines: number;
  /** Distinct procedure codes (no descriptors). */
  readonly codes: readonly string[];
  readonly totals: StoredTotals;
  readonly delta: StoredDeltaSummary;
  /** Sequences skipped between the previous latest and this one (3 after 1: [2]); empty when none. */
  readonly missingSequences: readonly number[];
  /**
   * The envelope. When {@link sealedRef} is set its `ct` is empty and the ciphertext is the body
   * store's object of that key: the encrypted data key stays here, so deleting the item (DELETE,
   * or TTL) leaves that object unreadable, as it leaves an inline one gone.
   */
  readonly sealed: SealedBox;
  /** The body store key of the ciphertext, for contents too large for a DynamoDB item (400 KB). */
  readonly sealedRef?: string;
}

/** The latest pointer of a control number. */
export interface LatestPointer {
  readonly sequence: number;
  /** Sequences stored so far. */
  readonly count: number;
  readonly updatedAt: string;
}

/** A page of a listing; `nextPageToken` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

/** Paging of a listing: at most `limit` items after the page token of the previous page. */
export interface PageRequest {
  readonly limit: number;
  readonly pageToken?: string | undefined;
}

/** One Recon as the tenant's delta-sync listing shows it: clear data only (no PHI). */
export interface ReconListingItem {
  readonly controlNumber: string;
  readonly latestSequence: number;
  readonly sequencesStored: number;
  /** The latest sequence's totals. */
  readonly totals: StoredTotals;
  /** When the latest sequence was stored (ISO-8601 UTC, milliseconds). */
  readonly updatedAt: string;
}

/** A page of the delta-sync listing: Recons updated at or after `updatedSince`, newest first. */
export interface UpdatedReconsRequest extends PageRequest {
  /** ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it; absent: every Recon. */
  readonly updatedSince?: string | undefined;
}

/** The outcome of a conditional write: only `written` changed anything. */
export type PutOutcome = 'written' | 'sequence-exists' | 'latest-moved';

/** A page token that was not issued for this listing (another control number or tenant, or garbage). */
export class InvalidPageTokenError extends Error {
  override readonly name = 'InvalidPageTokenError';
}

/**
 * Recon storage. Every method takes the tenant from the caller's token, never from the request, so
 * one tenant can never name another's items; the adapter puts it in every key it reads or writes.
 */
export interface ReconStore {
  /** The latest pointer and the sequence it points at, or null when the control number has none. */
  getLatest(
    tenant: string,
    controlNumber: string,
  ): Promise<{ readonly pointer: LatestPointer; readonly item: StoredSequence } | null>;
  getSequence(tenant: string, controlNumber: string, sequence: number): Promise<StoredSequence | null>;
  /** Stored sequences, newest first. */
  listSequences(tenant: string, controlNumber: string, page: PageRequest): Promise<Page<StoredSequence>>;
  /**
   * Stores a sequence and moves the latest pointer to it in one transaction, under two conditions:
   * the sequence is not stored yet, and the pointer still says `expectedLatest` (null: no pointer
   * yet). When either fails nothing is written.
   *
   * @param expiresAt - epoch seconds for DynamoDB TTL (the tenant's retention)
   */
  putSequence(
    tenant: string,
    controlNumber: string,
    item: StoredSequence,
    expectedLatest: number | null,
    expiresAt: number,
  ): Promise<PutOutcome>;
  /**
   * Deletes every item of the control number (sequences and pointer).
   *
   * @returns how many items were deleted, and the body store keys of the large sealed sequences
   * the deleted items named (`sealedRef`), so that their objects can be deleted too
   */
  deleteControlNumber(
    tenant: string,
    controlNumber: string,
  ): Promise<{ readonly deletedItems: number; readonly sealedRefs: readonly string[] }>;
  /**
   * The tenant's Recons, most recently updated first, from `updatedSince` on (inclusive: a client
   * that passes the newest `updatedAt` it has seen gets that Recon again rather than missing one
   * stored in the same millisecond). The page token is bound to the tenant and `updatedSince`.
   *
   * @throws InvalidPageTokenError for a token of another tenant or another `updatedSince`
   */
  listUpdated(tenant: string, request: UpdatedReconsRequest): Promise<Page<ReconListingItem>>;
  /** The tenant's control numbers with their latest pointers (for the de-identified export). */
  listControlNumbers(
    tenant: string,
    page: PageRequest,
  ): Promise<Page<{ readonly controlNumber: string; readonly pointer: LatestPointer }>>;
}

/**
 * Where Recon bodies live outside the workflow state and the table: the request as sent and the
 * priced bill, prior and delta between workflow states (Step Functions carries at most 256 KiB a
 * state), the answer until the API has sent it, and the ciphertext of stored sequences too large
 * for a DynamoDB item. S3 in AWS (SSE-KMS, tenant-scoped keys, a lifecycle on the intermediates);
 * s3rver locally. Keys come from {@link reconBodyKeys} only.
 */
export interface ReconBodyStore {
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** @returns the object's bytes, or null when there is none */
  get(key: string): Promise<Uint8Array | null>;
  /** Deletes the objects; a missing one is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

/** Key prefix of the intermediates (request, priced, prior, delta, answer): expired by lifecycle. */
export const RECON_WORK_PREFIX = 'work/';
/** Key prefix of stored sequences' ciphertext: kept for the Recon's retention. */
export const RECON_SEALED_PREFIX = 'sealed/';

/** The intermediates of one submission, by name. */
export type ReconWorkName = 'request' | 'priced' | 'prior' | 'delta' | 'answer';
const WORK_NAMES: readonly ReconWorkName[] = ['request', 'priced', 'prior', 'delta', 'answer'];

const part = (value: string) => encodeURIComponent(value);

/**
 * The body store keys of one submission: tenant first (an IAM condition or a lifecycle rule can
 * name a tenant's prefix), then the request id, which API Gateway makes unique.
 */
export const reconBodyKeys = {
  /**
   * @param tenant - from the caller's token
   * @param requestId - the API request id
   * @param name - which intermediate
   * @returns its key
   */
  work(tenant: string, requestId: string, name: ReconWorkName): string {
    return `${RECON_WORK_PREFIX}${part(tenant)}/${part(requestId)}/${name}.json`;
  },
  /** Every intermediate key of one submission (deleted when the answer has been sent). */
  allWork(tenant: string, requestId: string): string[] {
    return WORK_NAMES.map((name) => reconBodyKeys.work(tenant, requestId, name));
  },
  /**
   * @param tenant - from the caller's token
   * @param controlNumber - the control number
   * @param sequence - the sequence
   * @param writeId - unique per write attempt (request id and attempt), so a retried write never
   *   overwrites the object a committed one refers to
   * @returns the key of the sealed ciphertext
   */
  sealed(tenant: string, controlNumber: string, sequence: number, writeId: string): string {
    return `${RECON_SEALED_PREFIX}${part(tenant)}/${part(controlNumber)}/${sequence}/${part(writeId)}.bin`;
  },
};
