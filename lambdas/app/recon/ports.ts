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
  readonly sealed: SealedBox;
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
  /** Deletes every item of the control number (sequences and pointer); returns how many were deleted. */
  deleteControlNumber(tenant: string, controlNumber: string): Promise<number>;
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
